/**
 * Calls to Sealog's API (the only origin the console talks to) and its problem+json errors in
 * plain words. The key travels in the Authorization header, never in a URL.
 */
import { rememberedKey } from "./key_store.ts";

let base = "";

/** The API's base URL comes from config.json next to the static files (set by whoever hosts them). */
export async function loadConfig(): Promise<void> {
  const config = await (await fetch("/config.json", { cache: "no-store" })).json();
  base = String(config.apiUrl).replace(/\/$/, "");
}

export function apiUrl(path: string): string {
  return base + path;
}

export class ApiProblem extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

type Problem = { code?: string; detail?: string; errors?: { path?: string; message?: string }[] };

/** The wait that Retry-After (in seconds) asks for, in words. */
function after(retryAfter: string | null): string {
  const wait = Number(retryAfter);
  return Number.isFinite(wait) && wait > 0
    ? `in ${wait} second${wait === 1 ? "" : "s"}`
    : "in a moment";
}

const ORIGIN_NOT_ALLOWED =
  "The API does not accept requests from this page's address. Add it to SEALOG_ALLOWED_ORIGINS.";

/** What the user reads for each failure: what happened and what to do. */
export function plainWords(status: number, problem: Problem, retryAfter: string | null): string {
  const code = problem.code ?? "";
  if (status === 401) {
    return "This key was not accepted: it is unknown, revoked or expired. Check it, or ask for a new key.";
  }
  if (status === 403) {
    if (code === "origin_not_allowed") return ORIGIN_NOT_ALLOWED;
    return "This key may not do this: it lacks the scope it needs. Use a key with that scope.";
  }
  if (status === 429) {
    return `Too many requests for this tenant right now. Try again ${after(retryAfter)}.`;
  }
  if (status === 503) {
    return `Sealog's database is unavailable right now. Nothing was changed; try again ${
      after(retryAfter)
    }.`;
  }
  if (status === 400 && problem.errors?.length) {
    const first = problem.errors[0]!;
    return `The ${first.path ?? "request"} ${first.message ?? "is invalid"}.`;
  }
  if (status >= 500) {
    return "Sealog failed to answer this request. Nothing was changed; try again, or tell the operator.";
  }
  return problem.detail ?? `The request failed (${status}).`;
}

async function problemOf(response: Response): Promise<ApiProblem> {
  let problem: Problem = {};
  try {
    problem = await response.json();
  } catch {
    // A proxy's HTML error page: the status alone says enough.
  }
  const message = plainWords(response.status, problem, response.headers.get("Retry-After"));
  return new ApiProblem(response.status, problem.code ?? "", message);
}

/** The request with the signed-in key (or the one given), or an ApiProblem. */
export async function request(
  path: string,
  init: RequestInit = {},
  key = rememberedKey(),
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key) headers.set("Authorization", `Bearer ${key}`);
  let response: Response;
  try {
    response = await fetch(apiUrl(path), { ...init, headers, credentials: "omit" });
  } catch {
    throw await unanswered();
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}

/**
 * A fetch that got no answer the page may read: the API is unreachable, or it answered without
 * CORS headers because this page's origin is not allowed (the browser hides which, and the
 * API's 403 with it). A request that needs no CORS (no headers, opaque answer) tells them apart.
 */
async function unanswered(): Promise<ApiProblem> {
  try {
    await fetch(apiUrl("/ingest/whoami"), { mode: "no-cors", credentials: "omit" });
    return new ApiProblem(0, "origin_not_allowed", ORIGIN_NOT_ALLOWED);
  } catch {
    return new ApiProblem(0, "network", "Sealog's API cannot be reached. Check the connection.");
  }
}

// deno-lint-ignore no-explicit-any
export async function getJson(path: string, key?: string | null): Promise<any> {
  return await (await request(path, {}, key)).json();
}

/** A query string from the set fields only. */
export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}
