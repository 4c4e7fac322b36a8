/**
 * A test double of Sealog's POST /ingest contract on 127.0.0.1, for the SDK's delivery unit
 * tests: each request's raw body is kept, and a test decides each answer. The real server is
 * exercised by tests/integration/sdk_ingest_test.ts and tests/disruptive/.
 */

/** One request as the fake received it. */
export type ReceivedRequest = { body: string; events: Record<string, unknown>[]; headers: Headers };

/** Decides the answer to the n-th request (0-based). Default: 200, every event accepted. */
export type Responder = (request: ReceivedRequest, n: number) => Response | Promise<Response>;

export type FakeIngest = {
  url: string;
  requests: ReceivedRequest[];
  /** Event ids the fake has "stored", each once, as the real server would. */
  stored: Set<string>;
  /** Resolves when close() is called: a responder can await it to hang until then. */
  closing: Promise<Response>;
  close(): Promise<void>;
};

/** 200 with the real server's counts, storing each event id once. */
export function accept(fake: { stored: Set<string> }, request: ReceivedRequest): Response {
  let accepted = 0;
  for (const event of request.events) {
    const id = String(event.event_id);
    if (!fake.stored.has(id)) {
      fake.stored.add(id);
      accepted++;
    }
  }
  return Response.json({ accepted, duplicates: request.events.length - accepted, rejected: [] });
}

/** A problem+json answer, as the pipeline sends. */
export function problem(
  status: number,
  code: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ type: `urn:sealog:problem:${code}`, status, code }), {
    status,
    headers: { "Content-Type": "application/problem+json", ...headers },
  });
}

export function startFakeIngest(responder?: Responder): FakeIngest {
  const requests: ReceivedRequest[] = [];
  const stored = new Set<string>();
  let release = (_: Response) => {};
  const closing = new Promise<Response>((resolve) => release = resolve);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const body = await request.text();
      const parsed = JSON.parse(body) as { events: Record<string, unknown>[] };
      const received = { body, events: parsed.events, headers: request.headers };
      const n = requests.length;
      requests.push(received);
      return responder ? await responder(received, n) : accept({ stored }, received);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/functions/v1`,
    requests,
    stored,
    closing,
    close: () => {
      release(problem(503, "database_unavailable"));
      return server.shutdown();
    },
  };
}
