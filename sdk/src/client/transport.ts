/**
 * One HTTP request to POST /ingest with plain fetch, bounded by a timeout, and its response
 * read into what the client needs: status, problem code, Retry-After and the per-event result.
 */

/** An event the server refused, as listed in a 207 or a 422. */
export type ServerRejection = {
  index: number;
  event_id: string | null;
  code: string;
  message: string;
};

/** What came back: status 0 stands for a network error or a timeout. */
export type IngestReply = {
  status: number;
  /** The problem+json `code` of an error response. */
  code?: string;
  retryAfter: string | null;
  accepted?: number;
  duplicates?: number;
  rejected?: ServerRejection[];
  /** For status 0: why the request failed. */
  error?: string;
};

export type FetchLike = (
  input: string,
  init: RequestInit,
) => Promise<globalThis.Response>;

/** Sends `body` and reads the answer; never throws. */
export async function postBatch(
  endpoint: string,
  apiKey: string,
  body: string,
  options: { timeoutMs: number; signal: AbortSignal; fetch: FetchLike },
): Promise<IngestReply> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, options.timeoutMs);
  options.signal.addEventListener("abort", abort);
  try {
    const response = await options.fetch(endpoint, {
      method: "POST",
      headers: {
        "Authorization": `Bearer ${apiKey}`,
        "Content-Type": "application/json",
      },
      body,
      signal: controller.signal,
    });
    const text = await response.text();
    const json = parseObject(text);
    return {
      status: response.status,
      code: typeof json?.code === "string" ? json.code : undefined,
      retryAfter: response.headers.get("Retry-After"),
      accepted: typeof json?.accepted === "number" ? json.accepted : undefined,
      duplicates: typeof json?.duplicates === "number" ? json.duplicates : undefined,
      rejected: Array.isArray(json?.rejected) ? json.rejected as ServerRejection[] : undefined,
    };
  } catch (error) {
    const reason = controller.signal.aborted && !options.signal.aborted
      ? "timeout"
      : errorName(error);
    return { status: 0, retryAfter: null, error: reason };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", abort);
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : null;
  } catch {
    return null;
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "Error";
}
