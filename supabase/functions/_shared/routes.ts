/**
 * Routes, each declared once: method, path, security, scope, parameter, request and response
 * schemas and problem codes. `mount` serves a declaration (path parameters validated by their
 * schema, bearer keys read for key-only routes); the OpenAPI document (openapi.ts), the 405
 * answers (pipeline.ts) and docs/api.md are generated from the same declarations.
 *
 * Validation never answers before the database: a bad parameter or body becomes the
 * request's validation failure, which the operation's sealog_api function returns only after it has
 * authenticated the caller and checked the scope (sealog.apply_validation_failure), in the same one
 * round trip. So a caller without the route's scope never learns validation details.
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { readBearerCredential } from "./auth.ts";
import type { SealogEnv, ValidationFailure } from "./context.ts";
import type { ApiFunctions } from "./db.ts";
import { type ProblemCode, PROBLEMS } from "./problems.ts";
import type { Scope } from "./scopes.ts";

export type Auth = "apiKey" | "userToken" | "operatorKey" | "webhookSignature";

// deno-lint-ignore no-explicit-any
type AnyObject = z.ZodObject<any>;
/** A query schema: a strict object of the parameters, optionally followed by a transform. */
// deno-lint-ignore no-explicit-any
type QuerySchema = AnyObject | z.ZodPipe<AnyObject, any>;

export type RouteSpec = {
  method: "get" | "post" | "delete";
  /** Hono path below the function's base path, e.g. "/sessions/:session_id". */
  path: string;
  summary: string;
  description?: string;
  /** How the caller may authenticate; "apiKey" is a tenant key, which needs `scope`. */
  auth: Auth[];
  scope?: Scope;
  /** The sealog_api function that answers key callers; its SQL checks `scope`. */
  operation: keyof ApiFunctions;
  /** Path parameters; a mismatch is answered `paramProblem` (404) after authentication. */
  params?: AnyObject;
  paramProblem?: ProblemCode;
  /** Query parameters (a strict object of strings in, typed values out); a mismatch is `invalid_query`. */
  query?: QuerySchema;
  request?: z.ZodType;
  /** The body's framing problems, when they are not a JSON body's (body.ts). */
  bodyProblems?: ProblemCode[];
  /** Success responses by status. */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Problem codes the route may answer besides the pipeline's own. */
  problems?: ProblemCode[];
  /**
   * "otlpStatus": errors are a google.rpc.Status whose message starts with the problem code,
   * as OTLP/HTTP requires, instead of problem+json; and no body detail is answered after
   * authentication (OTLP refuses spans in a 200's partialSuccess).
   */
  errorFormat?: "otlpStatus";
};

/** What a handler gets: the validated path parameters, or null when they did not match. */
export type RouteInput<R extends RouteSpec> = {
  params: (R["params"] extends AnyObject ? z.output<R["params"]> : Record<string, never>) | null;
  /** The validated query, or null when it did not match (the failure is noted). */
  query: (R["query"] extends QuerySchema ? z.output<R["query"]> : Record<string, never>) | null;
};

const declared = new WeakMap<object, RouteSpec[]>();

/** The routes declared on a function's app, in declaration order. */
export function declaredRoutes(app: object): RouteSpec[] {
  return declared.get(app) ?? [];
}

/** Serves a declared route on a function's app. */
export function mount<R extends RouteSpec>(
  app: Hono<SealogEnv>,
  spec: R,
  handler: (c: Context<SealogEnv>, input: RouteInput<R>) => Promise<Response>,
): void {
  declared.set(app, [...declaredRoutes(app), spec]);
  const keyOnly = spec.auth.length === 1 && spec.auth[0] === "apiKey";
  app.on(spec.method.toUpperCase(), spec.path, async (c) => {
    if (keyOnly) readBearerCredential(c);
    let params = null;
    if (spec.params) {
      const parsed = spec.params.safeParse(c.req.param());
      if (parsed.success) params = parsed.data;
      else failValidation(c, spec.paramProblem ?? "not_found");
    } else {
      params = {};
    }
    let query = null;
    if (spec.query) {
      const parsed = spec.query.safeParse(c.req.query());
      if (parsed.success) query = parsed.data;
      else if (params !== null) failValidationWith(c, "invalid_query", parsed.error);
    } else {
      query = {};
    }
    return await handler(c, { params, query } as RouteInput<R>);
  });
}

/**
 * Notes the request's validation failure; the database answers it after authentication
 * and scope, and only then are `details` shown (pipeline.ts respond).
 */
export function failValidation(
  c: Context<SealogEnv>,
  code: ProblemCode,
  details: Record<string, unknown> = {},
): void {
  const failure: ValidationFailure = { status: PROBLEMS[code][0], code, details };
  c.set("validationFailure", failure);
}

/** The declared query parameters of a route, by name. */
export function queryParameters(spec: RouteSpec): Record<string, z.ZodType> {
  if (!spec.query) return {};
  const object = spec.query instanceof z.ZodPipe ? spec.query.in : spec.query;
  return (object as AnyObject).shape;
}

/** The validation failure of a zod error: one `errors` entry, the first issue's. */
export function failValidationWith(
  c: Context<SealogEnv>,
  code: ProblemCode,
  error: z.ZodError,
): void {
  const issue = error.issues[0]!;
  // An unknown field is named by itself, not by the object that holds it.
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
  failValidation(c, code, { errors: [{ path: path.join("."), message: issue.message }] });
}

/** The methods served at a request path (raw, percent-encoded), for a 405's Allow header. */
export function allowedMethods(app: object, slug: string, pathname: string): string[] {
  const methods = declaredRoutes(app)
    .filter((route) => pathPattern(slug, route.path).test(pathname))
    .map((route) => route.method.toUpperCase());
  return [...new Set(methods)];
}

function pathPattern(slug: string, path: string): RegExp {
  const full = `/${slug}${path === "/" ? "" : path}`
    .split("/")
    .map((part) => part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("/");
  return new RegExp(`^${full}/?$`);
}
