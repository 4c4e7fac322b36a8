/**
 * A local stand-in for the OpenAI and Anthropic HTTP APIs (third parties the tests cannot
 * run), for the wrapper tests: the real `openai` and `@anthropic-ai/sdk` clients talk to it
 * over HTTP. Each test scripts the answers; every request body is kept.
 */

export type ProviderRequest = {
  path: string;
  body: Record<string, unknown>;
  signal: AbortSignal;
};
export type Script = (
  request: ProviderRequest,
  n: number,
) => Response | Promise<Response>;

export type FakeProvider = {
  /** Base URL for `new OpenAI({ baseURL })` and `new Anthropic({ baseURL })`. */
  url: string;
  requests: ProviderRequest[];
  close(): Promise<void>;
};

export function startFakeProvider(script: Script): FakeProvider {
  const requests: ProviderRequest[] = [];
  const closing = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const received = {
        path: new URL(request.url).pathname,
        body: await request.json(),
        signal: AbortSignal.any([request.signal, closing.signal]),
      };
      requests.push(received);
      return await script(received, requests.length - 1);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    requests,
    close: () => {
      closing.abort();
      return server.shutdown();
    },
  };
}

/** A JSON answer; provider error bodies use the same helper with their status. */
export function json(body: unknown, status = 200): Response {
  return Response.json(body, {
    status,
    headers: { "x-request-id": "req_fake" },
  });
}

/**
 * A server-sent event stream: OpenAI chat style (`data:` lines, then [DONE]) or named events
 * (`event:` lines, as the Responses and Anthropic APIs send). `hold` keeps the stream open
 * after the events until the client goes away, for abort tests.
 */
export function sse(
  events: Array<Record<string, unknown>>,
  style: "data" | "named",
  hold?: AbortSignal,
): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const event of events) {
        const name = style === "named" ? `event: ${event.type}\n` : "";
        controller.enqueue(
          encoder.encode(`${name}data: ${JSON.stringify(event)}\n\n`),
        );
      }
      if (hold) {
        await new Promise((resolve) => hold.addEventListener("abort", resolve));
        return controller.close();
      }
      if (style === "data") {
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
      }
      controller.close();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream" },
  });
}
