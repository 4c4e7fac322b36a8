/**
 * The secure request pipeline every function is built on:
 * request id → access log → CORS → (declared route, routes.ts: bearer key, path parameters
 * → handler: body) → one sealog_api call. Exactly one access-log row is written per request:
 * by the operation's own database function, or, for requests the pipeline answered itself
 * (framing errors, 404, 405), by log_request.
 */
import { isIP } from "node:net";
import type { Context } from "hono";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SealogEnv } from "./context.ts";
import { corsPolicy } from "./cors.ts";
import { config } from "./config.ts";
import {
  type ApiFunctions,
  callApiFunction,
  DatabaseMisconfigured,
  DatabaseUnavailable,
  type DbReply,
} from "./db.ts";
import { callIngest } from "./ingest_groups.ts";
import { ApiError, problem, problemDocument, problemHeaders, sendJsonText } from "./problems.ts";
import { allowedMethods } from "./routes.ts";
import { truncate } from "./strings.ts";

const RETRY_AFTER_UNAVAILABLE_S = "2";

/** A hono app for one Edge Function, mounted at /<slug> as on Supabase. */
export function createFunctionApp(slug: string): Hono<SealogEnv> {
  const app = new Hono<SealogEnv>().basePath(`/${slug}`);
  app.use("*", requestContext, corsPolicy);
  app.notFound((c) => {
    // A known path with another method: 405 with the methods it has (RFC 9110 §15.5.6).
    const allow = allowedMethods(app, slug, new URL(c.req.url).pathname);
    return allow.length > 0
      ? problem(c, "method_not_allowed", {}, { Allow: allow.join(", ") })
      : problem(c, "not_found");
  });
  app.onError((error, c) => {
    if (error instanceof ApiError) return problem(c, error.code, error.extensions, error.headers);
    if (error instanceof DatabaseMisconfigured) {
      // Fail closed, never as an outage (no Retry-After).
      c.set("databaseDown", !c.get("accessLogged"));
      logMisconfigured(c.get("requestId"), error);
      return problem(c, "database_misconfigured");
    }
    if (error instanceof DatabaseUnavailable) {
      c.set("databaseDown", true);
      return problem(c, "database_unavailable", {}, { "Retry-After": RETRY_AFTER_UNAVAILABLE_S });
    }
    // Name only: messages can carry SQL or values.
    console.error(
      JSON.stringify({ level: "error", request_id: c.get("requestId"), error: errorName(error) }),
    );
    return problem(c, "internal_error");
  });
  return app;
}

const requestContext = createMiddleware<SealogEnv>(async (c, next) => {
  const requestId = crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("startedAt", performance.now());
  c.set("accessLogged", false);
  c.set("databaseDown", false);
  // Set before the handler, so every response built on the context carries it: set on a
  // finished response, it makes hono copy that response.
  c.header("X-Request-Id", requestId);
  await next();
  if (!c.res.headers.has("X-Request-Id")) c.header("X-Request-Id", requestId);
  if (c.get("accessLogged") || c.get("databaseDown")) return;
  try {
    await callApiFunction("log_request", {
      ...requestMetadata(c),
      status: c.res.status,
      error_code: c.get("errorCode") ?? null,
    });
  } catch (error) {
    if (error instanceof DatabaseMisconfigured) return logMisconfigured(requestId, error);
    console.error(
      JSON.stringify({
        level: "error",
        request_id: requestId,
        error: errorName(error),
        at: "access_log",
      }),
    );
  }
});

/** One log line naming the setting to fix and why, never its value. */
function logMisconfigured(requestId: string, error: DatabaseMisconfigured): void {
  console.error(JSON.stringify({
    level: "error",
    request_id: requestId,
    error: "database_misconfigured",
    setting: error.setting,
    reason: error.reason,
  }));
}

/**
 * Calls the operation's sealog_api function with the request context. The function
 * authenticates, authorises, rate limits, does the work and writes the access-log row.
 */
export async function callApi<F extends keyof ApiFunctions>(
  c: Context<SealogEnv>,
  fn: F,
  extra: Record<string, unknown>,
  ...args: ApiFunctions[F]
): Promise<DbReply> {
  const failure = c.get("validationFailure");
  const ctx = {
    ...requestMetadata(c),
    ...extra,
    ...(failure ? { validation_failure: { status: failure.status, code: failure.code } } : {}),
  };
  // POST /ingest may share its transaction with others waiting for the pool (ingest_groups.ts).
  const reply = fn === "ingest"
    ? await callIngest(ctx, (args as ApiFunctions["ingest"])[0])
    : await callApiFunction(fn, ctx, ...args);
  c.set("accessLogged", true);
  // The database refused a login other than the least-privileged one (it logged the row).
  if (reply.code === "database_misconfigured") {
    throw new DatabaseMisconfigured("SEALOG_DB_URL", "privileged_login");
  }
  return reply;
}

/**
 * Answers with a sealog_api reply: rate-limit headers for an authenticated key, problem+json
 * for errors (with the validation failure's details when the database answered the request's own
 * validation failure, i.e. after authentication and scope), otherwise `render(body)` as JSON
 * with the reply's status. A 401's figures are those of the reserved bucket of
 * unauthenticated requests, which no caller is shown.
 *
 * Timing-safe: an admitted and a refused reply run the same code. Both documents are built and
 * serialised and the rate-limit fields built for every reply, and which are sent is data, not a
 * branch around work; a 200 and a 401 carry as many header fields. So building a valid key's
 * answer costs what an unknown key's does (tests/soak/timing_test.ts).
 */
export function respond(
  c: Context<SealogEnv>,
  reply: DbReply,
  render: (body: Record<string, unknown>) => unknown = (body) => body,
  problemExtensions: Record<string, unknown> = {},
): Response {
  const admitted = reply.status < 400;
  const code = reply.code ?? "internal_error";
  const failure = c.get("validationFailure");
  const details = failure && reply.code === failure.code ? failure.details : {};
  // Both documents are serialised, not only the one sent: with the admitted body alone
  // serialised, a valid key's answer took about 1.7 µs longer to build than an unknown key's
  // (docs/resilience.md, "How the timing test was made to pass", 8).
  const refusal = JSON.stringify(problemDocument(c, code, { ...details, ...problemExtensions }));
  const success = JSON.stringify(render(reply.body ?? {}));
  if (admitted) c.set("errorCode", undefined);
  const rateLimit = rateLimitHeaders(reply.rate_limit ?? NO_FIGURES);
  const shown = reply.rate_limit !== null && reply.status !== 401;
  return sendJsonText(c, reply.status as ContentfulStatusCode, admitted ? success : refusal, {
    ...(shown ? rateLimit : {}),
    ...(reply.retry_after ? { "Retry-After": String(reply.retry_after) } : {}),
    ...(admitted ? JSON_TYPE : problemHeaders(code)),
  });
}

const JSON_TYPE = { "Content-Type": "application/json" };
const NO_FIGURES = { quota: 0, window: 0, remaining: 0, reset: 0 };

/**
 * The tenant's token bucket in the header fields of draft-ietf-httpapi-ratelimit-headers-11
 * (structured fields): a policy of `q` requests per `w` seconds (the burst, and the time
 * to refill it), and what remains of it, `r`, until it is full again in `t` seconds.
 */
export function rateLimitHeaders(
  figures: NonNullable<DbReply["rate_limit"]>,
): Record<string, string> {
  return {
    "RateLimit-Policy": `"tenant";q=${figures.quota};w=${figures.window}`,
    "RateLimit": `"tenant";r=${Math.max(0, figures.remaining)};t=${Math.max(0, figures.reset)}`,
  };
}

/** Request metadata for the access log: never bodies, query strings or credentials. */
function requestMetadata(c: Context<SealogEnv>): Record<string, unknown> {
  const credential = c.get("credential");
  return {
    request_id: c.get("requestId"),
    key_digest: credential?.keyDigest ?? null,
    static_tenant_id: credential?.staticTenantId ?? null,
    user_id: c.get("userId") ?? null,
    method: c.req.method.slice(0, 16).toUpperCase().replace(/[^A-Z]/g, "") || "UNKNOWN",
    // As sent, still percent-encoded: hono's decoded c.req.path can hold NUL (%00), which
    // jsonb refuses, and control characters.
    path: truncate(new URL(c.req.url).pathname, 256),
    user_agent: truncate(c.req.header("User-Agent") ?? "", 256) || null,
    client_ip: clientIp(c),
    elapsed_ms: Math.round(performance.now() - c.get("startedAt")),
  };
}

/**
 * The client address from the one header the gateway sets and callers cannot forge
 * (SEALOG_CLIENT_IP_HEADER, cf-connecting-ip on Supabase), else null. Never a hop of
 * X-Forwarded-For, which the caller writes; never the peer, which is the gateway.
 */
function clientIp(c: Context<SealogEnv>): string | null {
  const address = c.req.header(config().SEALOG_CLIENT_IP_HEADER)?.trim();
  return address && isIP(address) ? address : null;
}

function errorName(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return `${(error as Error)?.name ?? "Error"}${typeof code === "string" ? `:${code}` : ""}`;
}
