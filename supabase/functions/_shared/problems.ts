/**
 * Errors: one shape, RFC 9457 application/problem+json, with a stable machine `code`
 * and the request id. The catalogue below is the only list of codes: the API reference
 * (docs/openapi.json, docs/api.md) is generated from it, and the codes the SQL returns are
 * tested against it.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

export const PROBLEMS = {
  malformed_json: [400, "Malformed JSON", "The body is not valid UTF-8 JSON."],
  malformed_otlp: [
    400,
    "Bad Request",
    "The body is not an OTLP ExportTraceServiceRequest in protobuf or UTF-8 JSON (or its gzip is corrupt).",
  ],
  invalid_auth_hook: [
    400,
    "Bad Request",
    "The body is not a password verification, MFA verification or custom access token hook payload.",
  ],
  invalid_query: [
    400,
    "Bad Request",
    "A query parameter is invalid; `errors` names it (path) and says why (message).",
  ],
  unauthorized: [401, "Unauthorized", "A valid API key is required."],
  invalid_webhook_signature: [
    401,
    "Unauthorized",
    "The webhook-id, webhook-timestamp and webhook-signature headers must carry a valid Standard Webhooks signature.",
  ],
  webhook_timestamp_out_of_range: [
    401,
    "Unauthorized",
    "The webhook-timestamp is more than 5 minutes away from the server's clock.",
  ],
  insufficient_scope: [403, "Forbidden", "The API key lacks the scope this operation requires."],
  origin_not_allowed: [403, "Forbidden", "This origin is not allowed."],
  subject_not_allowed: [
    403,
    "Forbidden",
    "This caller may not request the erasure of this subject: users erase themselves, tenant keys their end users, the operator platform users.",
  ],
  not_found: [404, "Not Found", "No such resource."],
  session_not_found: [404, "Not Found", "No such session."],
  deletion_request_not_found: [404, "Not Found", "No such deletion request."],
  method_not_allowed: [405, "Method Not Allowed", "This method is not allowed here."],
  webhook_replayed: [
    409,
    "Conflict",
    "This webhook-id was already delivered; replays are refused.",
  ],
  deletion_request_not_cancellable: [
    409,
    "Conflict",
    "The deletion request is past its grace period (or done) and can no longer be cancelled.",
  ],
  payload_too_large: [413, "Payload Too Large", "The body exceeds 1 MiB."],
  unsupported_media_type: [415, "Unsupported Media Type", "The body must be application/json."],
  unsupported_otlp_media_type: [
    415,
    "Unsupported Media Type",
    "The body must be application/x-protobuf or application/json.",
  ],
  unsupported_content_encoding: [
    415,
    "Unsupported Media Type",
    "This Content-Encoding is not supported; send an uncompressed body (OTLP export also accepts gzip).",
  ],
  invalid_request: [422, "Unprocessable Content", "The request body does not match the schema."],
  content_not_accepted: [
    422,
    "Unprocessable Content",
    "Prompt or response content is never accepted; send risk tags and counts only.",
  ],
  no_valid_events: [422, "Unprocessable Content", "No event in the batch is valid."],
  too_many_events: [422, "Unprocessable Content", "A batch holds at most 500 events."],
  rate_limited: [429, "Too Many Requests", "The tenant's rate limit is exhausted; retry later."],
  internal_error: [500, "Internal Server Error", "An unexpected error occurred."],
  not_configured: [
    500,
    "Internal Server Error",
    "The server lacks a setting this operation needs; the operator must configure it.",
  ],
  database_misconfigured: [
    500,
    "Internal Server Error",
    "The deployment cannot use its database as configured; the operator must fix it.",
  ],
  database_unavailable: [503, "Service Unavailable", "The database is unavailable; retry later."],
} as const satisfies Record<string, readonly [ContentfulStatusCode, string, string]>;

export type ProblemCode = keyof typeof PROBLEMS;

/** Every code of the catalogue; SQL's codes are checked against it (tests/unit/contract_test.ts). */
export const PROBLEM_CODES = Object.keys(PROBLEMS) as [ProblemCode, ...ProblemCode[]];

/** An error that the pipeline turns into a problem+json response. */
export class ApiError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
  }
}

/** Builds the problem+json response for `code` and notes the code for the access log. */
export function problem(
  c: Context,
  code: ProblemCode,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return sendJson(c, PROBLEMS[code][0], problemDocument(c, code, extensions), {
    ...headers,
    ...problemHeaders(code),
  });
}

/** The RFC 9457 document of `code`, with the request id; notes the code for the access log. */
export function problemDocument(
  c: Context,
  code: ProblemCode,
  extensions: Record<string, unknown>,
): Record<string, unknown> {
  const [status, title, detail] = PROBLEMS[code];
  c.set("errorCode", code);
  return {
    type: `urn:sealog:problem:${code}`,
    title,
    status,
    detail,
    code,
    request_id: c.get("requestId") ?? null,
    ...extensions,
  };
}

// A problem's title and detail are English prose (RFC 9457 §3.1.3-4), hence Content-Language.
const PROBLEM_TYPE = { "Content-Type": "application/problem+json", "Content-Language": "en" };
const BEARER_CHALLENGE = { "WWW-Authenticate": 'Bearer realm="sealog"', ...PROBLEM_TYPE };

/** The header fields of a problem+json answer of `code`. */
export function problemHeaders(code: ProblemCode): Record<string, string> {
  // Only a missing or bad bearer key is a Bearer challenge; a bad webhook signature is not.
  return code === "unauthorized" ? BEARER_CHALLENGE : PROBLEM_TYPE;
}

/** Sends `document` as JSON with `status` and `headers` (which name its Content-Type). */
export function sendJson(
  c: Context,
  status: ContentfulStatusCode,
  document: unknown,
  headers: Record<string, string>,
): Response {
  return sendJsonText(c, status, JSON.stringify(document), headers);
}

/** Sends `text`, a JSON document already serialised, with `status` and `headers`. */
export function sendJsonText(
  c: Context,
  status: ContentfulStatusCode,
  text: string,
  headers: Record<string, string>,
): Response {
  for (const name in headers) c.header(name, headers[name]);
  return c.body(text, status);
}

/** The problem+json body, for the API reference. */
export const Problem = z.object({
  type: z.string().meta({ examples: ["urn:sealog:problem:rate_limited"] }),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.enum(PROBLEM_CODES).meta({
    description: "Stable machine code; the only thing clients should branch on.",
  }),
  request_id: z.uuid().nullable().meta({ description: "Also in the X-Request-Id header." }),
}).catchall(z.unknown()).meta({
  id: "Problem",
  description:
    "RFC 9457 problem details. Some codes add members, e.g. `rejected` on no_valid_events.",
});
