/**
 * The read client: what a tenant stored, read back over the API with a key that has the `read`
 * scope (usage, sessions, keys), `audit` (access log, auth events) or `privacy` (deletion
 * requests). One GET per call, plain fetch; the types come from the API reference
 * (contract.ts, generated). An error answer becomes a SealogApiError carrying the problem+json.
 * No retries: a 429 says when to come back (`retryAfter`), and the caller decides.
 */
import type { FetchLike } from "../client/transport.ts";
import type {
  AccessLogEntry,
  AccessLogExportQuery,
  AccessLogPage,
  AccessLogQuery,
  AuthEventsPage,
  AuthEventsQuery,
  DeletionRequestList,
  DeletionRequestsQuery,
  KeyList,
  Problem,
  SessionList,
  SessionsQuery,
  UsageQuery,
  UsageReport,
} from "./contract.ts";

/** Settings of createReadClient(); only `url` and `key` are required. */
export type ReadClientOptions = {
  /** The functions base URL, e.g. http://127.0.0.1:54321/functions/v1. */
  url: string;
  /** An API key with the scopes of the reads it makes (read, audit, privacy). */
  key: string;
  /** Per-request timeout in milliseconds (a page; an export has none). Default 30 000. */
  timeoutMs?: number;
  /** A fetch of your own (a proxy agent, a test double). Default globalThis.fetch. */
  fetch?: FetchLike;
};

/** An error answer: its status, its problem+json (when the body was one) and Retry-After. */
export class SealogApiError extends Error {
  override name = "SealogApiError";
  constructor(
    readonly status: number,
    /** The RFC 9457 body; absent when something other than Sealog answered (a proxy, say). */
    readonly problem: Problem | undefined,
    /** Seconds to wait, on a 429 or 503. */
    readonly retryAfter: string | null,
  ) {
    super(problem ? `${status} ${problem.code}: ${problem.detail}` : `HTTP ${status}`);
  }

  /** The stable machine code to branch on, e.g. "rate_limited" or "insufficient_scope". */
  get code(): Problem["code"] | undefined {
    return this.problem?.code;
  }
}

type Query = Record<string, string | number | undefined>;

export type ReadClient = {
  /** GET /tenant/usage (scope read): totals and series. */
  usage(query?: UsageQuery): Promise<UsageReport>;
  /** GET /tenant/sessions (scope read): live sessions, most recently active first. */
  sessions(query?: SessionsQuery): Promise<SessionList>;
  /** GET /tenant/keys (scope read): the tenant's keys, never a secret or a digest. */
  keys(): Promise<KeyList>;
  /** GET /tenant/access-log (scope audit): one page, newest first. */
  accessLog(query?: AccessLogQuery): Promise<AccessLogPage>;
  /** Every page of the access log from `query.cursor` on, following `next_cursor`. */
  accessLogPages(query?: AccessLogQuery): AsyncGenerator<AccessLogPage, void, undefined>;
  /**
   * GET /tenant/access-log/export (scope audit): every entry, newest first, streamed; memory
   * holds one chunk. Throws if the server aborts the stream, so a short export never ends
   * quietly. Leaving the loop early closes the connection.
   */
  exportAccessLog(query?: AccessLogExportQuery): AsyncGenerator<AccessLogEntry, void, undefined>;
  /** GET /tenant/auth-events (scope audit): one page, newest first. */
  authEvents(query?: AuthEventsQuery): Promise<AuthEventsPage>;
  /** Every page of the auth events from `query.cursor` on, following `next_cursor`. */
  authEventPages(query?: AuthEventsQuery): AsyncGenerator<AuthEventsPage, void, undefined>;
  /** GET /deletion-requests (scope privacy): the tenant's requests with status and receipt. */
  deletionRequests(query?: DeletionRequestsQuery): Promise<DeletionRequestList>;
};

/** A client for the tenant reads of the key's tenant. */
export function createReadClient(options: ReadClientOptions): ReadClient {
  const base = options.url.replace(/\/+$/, "");
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const headers = { Authorization: `Bearer ${options.key}` };

  const urlOf = (path: string, query: Query = {}) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.toString();
    return `${base}${path}${search ? `?${search}` : ""}`;
  };

  async function get<T>(path: string, query?: Query): Promise<T> {
    const response = await doFetch(urlOf(path, query), {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw await apiError(response);
    return await response.json() as T;
  }

  async function* pages<P extends { next_cursor?: string }>(
    path: string,
    query: Query,
  ): AsyncGenerator<P, void, undefined> {
    let cursor = query.cursor;
    do {
      const page: P = await get<P>(path, { ...query, cursor });
      yield page;
      cursor = page.next_cursor;
    } while (cursor !== undefined);
  }

  async function* exportAccessLog(
    query: AccessLogExportQuery = {},
  ): AsyncGenerator<AccessLogEntry, void, undefined> {
    const response = await doFetch(urlOf("/tenant/access-log/export", query), { headers });
    if (!response.ok) throw await apiError(response);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let rest = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const lines = (rest + value).split("\n");
        rest = lines.pop()!;
        for (const line of lines) if (line) yield JSON.parse(line) as AccessLogEntry;
      }
      // Every line ends with a newline: anything left over is a cut line.
      if (rest) throw new Error("export ended inside a line");
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  return {
    usage: (query = {}) => get("/tenant/usage", query),
    sessions: (query = {}) => get("/tenant/sessions", query),
    keys: () => get("/tenant/keys"),
    accessLog: (query = {}) => get("/tenant/access-log", query),
    accessLogPages: (query = {}) => pages("/tenant/access-log", query),
    exportAccessLog,
    authEvents: (query = {}) => get("/tenant/auth-events", query),
    authEventPages: (query = {}) => pages("/tenant/auth-events", query),
    deletionRequests: (query = {}) => get("/deletion-requests", query),
  };
}

/** The error of a non-2xx answer, with its problem+json when it carried one. */
async function apiError(response: Response): Promise<SealogApiError> {
  const text = await response.text().catch(() => "");
  let problem: Problem | undefined;
  if (/^application\/problem\+json/.test(response.headers.get("Content-Type") ?? "")) {
    try {
      problem = JSON.parse(text) as Problem;
    } catch {
      problem = undefined;
    }
  }
  return new SealogApiError(response.status, problem, response.headers.get("Retry-After"));
}
