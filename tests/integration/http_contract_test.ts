/**
 * The HTTP surface, route by route, from the route declarations (so a new route is covered
 * without a new test): 405 with Allow for a wrong method; a caller without the route's
 * scope gets a bare 403 before any validation detail, and a caller with it gets the details
 * from the route's own database call (one round trip, one access-log row); a bad key gets
 * 401 before any validation; the bearer scheme is case-insensitive; and every reply is what
 * the route declares: the success body parses with its response schema, a problem with the
 * Problem schema and a code the route lists.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { routeProblems } from "../../supabase/functions/_shared/openapi.ts";
import { Problem, type ProblemCode } from "../../supabase/functions/_shared/problems.ts";
import type { RouteSpec } from "../../supabase/functions/_shared/routes.ts";
import { SCOPES } from "../../supabase/functions/_shared/scopes.ts";
import { routeDeclarations } from "../../scripts/openapi_document.ts";
import { authEvent, telemetryEvent } from "../_support/events.ts";
import { operatorKey } from "../_support/users.ts";
import {
  customAccessToken,
  deliverHook,
  mfaAttempt,
  passwordAttempt,
} from "../_support/auth_hooks.ts";
import { accessLogRows, call, createTenant, sql, test } from "../_support/stack.ts";

type Declared = { slug: string; route: RouteSpec; path: string };

const declarations: Declared[] = Object.entries(await routeDeclarations()).flatMap((
  [slug, routes],
) =>
  routes.map((route) => ({
    slug,
    route,
    path: `/${slug}${route.path === "/" ? "" : route.path}`,
  }))
);

/** A path of the route, with `value` for its parameter. */
const pathOf = ({ path }: Declared, value = "00000000-0000-4000-8000-000000000000") =>
  path.replace(/:[a-z_]+/, value);

/**
 * The stable code of an error reply: problem+json's `code`, or on an OTLP route the prefix of
 * its google.rpc.Status message (`<code>: <detail>`).
 */
function codeOf(declared: Declared, response: { body: unknown }): unknown {
  const body = response.body as { code?: unknown; message?: unknown } | undefined;
  if (declared.route.errorFormat !== "otlpStatus") return body?.code;
  return typeof body?.message === "string" ? body.message.split(":")[0] : undefined;
}

/** Asserts that a response is one the route declares, and returns its body. */
function expectDeclared(
  declared: Declared,
  response: { status: number; body: unknown; headers: Headers },
): unknown {
  const { route } = declared;
  const name = `${route.method.toUpperCase()} ${declared.path} → ${response.status}`;
  if (response.status >= 400 && route.errorFormat === "otlpStatus") {
    assert.match(response.headers.get("Content-Type") ?? "", /^application\/json/, name);
    assert.ok(Number.isInteger((response.body as { code?: unknown }).code), name);
    const code = codeOf(declared, response) as ProblemCode;
    assert.ok(routeProblems(route).includes(code), `${name}: undeclared ${code}`);
    return response.body;
  }
  if (response.status >= 400) {
    assert.match(response.headers.get("Content-Type") ?? "", /^application\/problem\+json/, name);
    const problem = Problem.parse(response.body);
    assert.ok(routeProblems(route).includes(problem.code), `${name}: undeclared ${problem.code}`);
    return problem;
  }
  const schema = route.responses[response.status]?.schema as z.ZodType | undefined;
  assert.ok(schema, `${name}: undeclared status`);
  const parsed = schema.safeParse(response.body);
  assert.ok(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues)}`);
  return response.body;
}

const find = (method: string, path: string): Declared => {
  const declared = declarations.find((d) => d.route.method === method && d.path === path);
  assert.ok(declared, `${method} ${path} is not declared`);
  return declared;
};

/** An input that fails the route's validation: a body its schema refuses, a NUL id, an unknown query parameter. */
function invalidInput(declared: Declared): { path: string; init: RequestInit } {
  if (declared.route.params) return { path: pathOf(declared, "x%00y"), init: {} };
  if (declared.route.query) return { path: `${declared.path}?not_a_parameter=1`, init: {} };
  return {
    path: declared.path,
    init: {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ events: "not a list", subject: 7 }),
    },
  };
}

const withInput = (declared: Declared) =>
  declared.route.params || declared.route.request || declared.route.query;
const keyRoutes = declarations.filter((d) => d.route.auth.includes("apiKey"));

test("a known path with another method gets 405 problem+json with Allow", async () => {
  const byPath = new Map<string, Declared[]>();
  for (const declared of declarations) {
    byPath.set(declared.path, [...(byPath.get(declared.path) ?? []), declared]);
  }
  for (const [path, routes] of byPath) {
    const allowed = routes.map((d) => d.route.method.toUpperCase());
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      if (allowed.includes(method)) continue;
      const response = await call(pathOf(routes[0]!), { method });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(codeOf(routes[0]!, response), "method_not_allowed");
      assert.deepEqual(response.headers.get("Allow")?.split(", ").sort(), [...allowed].sort());
    }
  }
  // An unknown path is still a 404.
  assert.equal((await call("/ingest/nope", { method: "PATCH" })).status, 404);
});

test("a key without the route's scope gets a bare 403 before any validation detail", async () => {
  for (const declared of keyRoutes.filter((d) => d.route.scope && withInput(d))) {
    const other = SCOPES.filter((scope) => scope !== declared.route.scope);
    const { apiKey } = await createTenant({ scopes: other });
    const { path, init } = invalidInput(declared);
    const method = declared.route.method.toUpperCase();
    const denied = await call(path, { ...init, method, apiKey });
    const name = `${method} ${declared.path}`;
    assert.equal(denied.status, 403, name);
    assert.equal(codeOf(declared, denied), "insufficient_scope", name);
    assert.equal(denied.body.errors, undefined, name);
    assert.equal(denied.body.rejected, undefined, name);
    expectDeclared(declared, denied);
    // OTLP refuses spans in a 200's partialSuccess, never with details after authentication
    // (tests/integration/otlp_test.ts).
    if (declared.route.errorFormat === "otlpStatus") continue;

    // With the scope, the same input is refused with its details (bodies) or as unknown (ids).
    const { apiKey: allowedKey } = await createTenant();
    const refused = await call(path, { ...init, method, apiKey: allowedKey });
    expectDeclared(declared, refused);
    // Answered by the route's own database function, in its one call: one access-log row,
    // with the scope it checked (log_request, the pipeline's fallback, records no scope).
    const rows = await accessLogRows(refused.headers.get("X-Request-Id"));
    assert.equal(rows.length, 1, name);
    assert.equal(rows[0]!.scope, declared.route.scope, name);
    assert.equal(rows[0]!.error_code, refused.body.code, name);
    if (declared.route.params) {
      assert.equal(refused.status, 404, name);
      assert.equal(refused.body.code, declared.route.paramProblem, name);
    } else if (declared.route.query) {
      assert.equal(refused.status, 400, name);
      assert.equal(refused.body.code, "invalid_query", name);
      assert.equal(refused.body.errors[0].path, "not_a_parameter", name);
    } else {
      assert.equal(refused.status, 422, name);
      assert.equal(refused.body.code, "invalid_request", name);
      assert.ok(Array.isArray(refused.body.errors), name);
    }
  }
});

test("a bad key with bad input gets the same 401 as with good input, on every key route", async () => {
  for (const declared of keyRoutes.filter(withInput)) {
    const { path, init } = invalidInput(declared);
    const method = declared.route.method.toUpperCase();
    const response = await call(path, { ...init, method, apiKey: `slg_live_${"q".repeat(43)}` });
    assert.equal(response.status, 401, `${method} ${declared.path}`);
    assert.equal(codeOf(declared, response), "unauthorized");
    assert.equal(response.body.errors, undefined);
  }
});

test("the bearer scheme is case-insensitive (RFC 9110 §11.1) on every key route", async () => {
  const { apiKey } = await createTenant();
  for (const declared of keyRoutes) {
    for (const scheme of ["bearer", "BEARER", "BeArEr"]) {
      const method = declared.route.method.toUpperCase();
      const response = await call(pathOf(declared), {
        method,
        headers: {
          Authorization: `${scheme} ${apiKey}`,
          ...(declared.route.request ? { "Content-Type": "application/json" } : {}),
        },
        body: declared.route.request ? "{}" : undefined,
      });
      assert.notEqual(response.status, 401, `${scheme} on ${method} ${declared.path}`);
    }
  }
});

test("every sealog_api reply parses with the route's declared response schema", async () => {
  const tenant = await createTenant();
  const apiKey = tenant.apiKey;
  const ingest = find("post", "/ingest");
  const event = telemetryEvent();
  expectDeclared(
    ingest,
    await call("/ingest", { method: "POST", apiKey, json: { events: [event] } }),
  );
  const partial = await call("/ingest", {
    method: "POST",
    apiKey,
    json: { events: [telemetryEvent(), { bogus: 1 }] },
  });
  assert.equal(partial.status, 207);
  expectDeclared(ingest, partial);
  expectDeclared(
    ingest,
    await call("/ingest", { method: "POST", apiKey, json: { events: [{ bogus: 1 }] } }),
  );

  const whoami = await call("/ingest/whoami", { apiKey });
  assert.equal(whoami.status, 200);
  expectDeclared(find("get", "/ingest/whoami"), whoami);

  const session = await call(`/ingest/sessions/${event.session_id}`, { apiKey });
  assert.equal(session.status, 200);
  expectDeclared(find("get", "/ingest/sessions/:session_id"), session);

  const authEvents = find("post", "/auth-events");
  const batch = await call("/auth-events", {
    method: "POST",
    apiKey,
    json: { events: [authEvent()] },
  });
  assert.equal(batch.status, 200);
  expectDeclared(authEvents, batch);
  const userId = crypto.randomUUID();
  for (
    const payload of [
      passwordAttempt(userId, true),
      mfaAttempt(userId, false),
      customAccessToken(userId),
    ]
  ) {
    const hook = await deliverHook(payload);
    assert.equal(hook.status, 200);
    expectDeclared(authEvents, hook);
  }

  const create = find("post", "/deletion-requests");
  const created = await call("/deletion-requests", {
    method: "POST",
    apiKey,
    json: { subject: { end_user_id: "reply-check" } },
  });
  assert.equal(created.status, 202);
  expectDeclared(create, created);
  const read = await call(`/deletion-requests/${created.body.request_id}`, { apiKey });
  assert.equal(read.status, 200);
  expectDeclared(find("get", "/deletion-requests/:request_id"), read);

  // A pending request (the served functions erase at once), to cancel.
  const [pending] = await sql`
    insert into sealog.deletion_requests
      (requested_by, tenant_id, subject_kind, subject_hash, requested_at, scheduled_for)
    values ('tenant', ${tenant.tenantId}, 'end_user', ${
    randomBytes(32)
  }, now(), now() + interval '1 day')
    returning request_id`;
  const cancel = find("delete", "/deletion-requests/:request_id");
  const cancelled = await call(`/deletion-requests/${pending!.request_id}`, {
    method: "DELETE",
    apiKey,
  });
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.status, "cancelled");
  expectDeclared(cancel, cancelled);
  const again = await call(`/deletion-requests/${created.body.request_id}`, {
    method: "DELETE",
    apiKey,
  });
  assert.equal(again.status, 409);
  expectDeclared(cancel, again);

  for (
    const [path, query] of [
      ["/tenant/usage", "?group_by=model,risk_tag"],
      ["/tenant/sessions", "?limit=1"],
      ["/tenant/keys", ""],
      ["/tenant/access-log", "?limit=1"],
      ["/tenant/auth-events", "?limit=1"],
      ["/deletion-requests", "?limit=1"],
    ] as const
  ) {
    const reply = await call(`${path}${query}`, { apiKey });
    assert.equal(reply.status, 200, path);
    expectDeclared(find("get", path), reply);
  }
  for (
    const path of [
      "/operator/soc2-report",
      "/operator/data-inventory",
      "/operator/retention",
      "/operator/tenants",
      "/operator/usage",
    ]
  ) {
    const reply = await call(path, { apiKey: operatorKey() });
    assert.equal(reply.status, 200, path);
    expectDeclared(find("get", path), reply);
  }
});
