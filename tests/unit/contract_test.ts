/**
 * The contract is written once, and what cannot import it is proven equal to it here:
 *   - the SQL domain sealog.api_scope and every scope literal in the migrations equal SCOPES
 *     (_shared/scopes.ts), and each route's sealog_api function checks the route's scope;
 *   - every code the SQL answers is in the problem catalogue (_shared/problems.ts), with the
 *     catalogue's status;
 *   - the columns the batch functions read (jsonb_to_recordset) are the validated event's fields;
 *   - every per-event code a validator answers is in the enum the OpenAPI documents.
 * The migrations are read as text: this is what gets deployed.
 */
import assert from "node:assert/strict";
import { PROBLEMS } from "../../supabase/functions/_shared/problems.ts";
import { SCOPES } from "../../supabase/functions/_shared/scopes.ts";
import { routeDeclarations } from "../../scripts/openapi_document.ts";
import fc from "fast-check";
import {
  EVENT_REJECTION_CODES,
  TelemetryEvent,
  validateEvent,
} from "../../supabase/functions/ingest/telemetry_event.ts";
import {
  AUTH_EVENT_REJECTION_CODES,
  validateAuthEvent,
  validateAuthEvents,
} from "../../supabase/functions/auth-events/auth_event.ts";
import { authEvent, telemetryEvent } from "../_support/events.ts";

Deno.env.set("SUPABASE_DB_URL", Deno.env.get("SUPABASE_DB_URL") ?? "postgresql://127.0.0.1:1/none");

const MIGRATIONS = new URL("../../supabase/migrations/", import.meta.url);

async function migrations(): Promise<string> {
  const names = [...Deno.readDirSync(MIGRATIONS)].map((entry) => entry.name).sort();
  const texts = await Promise.all(
    names.map((name) => Deno.readTextFile(new URL(name, MIGRATIONS))),
  );
  return texts.join("\n");
}

/** The body of `create function <name>(` up to its closing `$$;`. */
function functionBody(sql: string, name: string): string {
  const start = sql.indexOf(`create function ${name}(`);
  assert.ok(start >= 0, `no function ${name} in the migrations`);
  return sql.slice(start, sql.indexOf("$$;", start));
}

const quoted = (list: string): string[] => [...list.matchAll(/'([^']*)'/g)].map((m) => m[1]!);

Deno.test("the SQL domain api_scope allows exactly the scopes of _shared/scopes.ts", async () => {
  const domain = /create domain sealog\.api_scope as text\s+check \(value in \(([^)]*)\)\)/
    .exec(await migrations());
  assert.ok(domain, "sealog.api_scope is not a `value in (...)` domain");
  assert.deepEqual(quoted(domain[1]!), [...SCOPES]);
});

Deno.test("every scope array literal in the migrations is all of SCOPES or a subset", async () => {
  const sql = await migrations();
  const literals = [...sql.matchAll(/array\[((?:'[^']*'(?:, )?)+)\]/g)]
    .map(([, list]) => quoted(list!))
    .filter((values) => values.some((value) => (SCOPES as readonly string[]).includes(value)));
  assert.ok(literals.length >= 3, "the scope literals were not found");
  for (const values of literals) {
    assert.ok(
      values.every((value) => (SCOPES as readonly string[]).includes(value)),
      `unknown scope in array[${values}]`,
    );
    if (values.length > 1) assert.deepEqual(values, [...SCOPES], "an 'all scopes' literal drifted");
  }
});

Deno.test("each route's sealog_api function checks the route's declared scope", async () => {
  const sql = await migrations();
  for (const [slug, routes] of Object.entries(await routeDeclarations())) {
    for (const route of routes) {
      let body = functionBody(sql, `sealog_api.${route.operation}`);
      // An operation that hands the request to another one (ingest_otlp → ingest) checks its scope.
      const delegate = /return sealog_api\.(\w+)\(p_ctx/.exec(body)?.[1];
      if (delegate) body = functionBody(sql, `sealog_api.${delegate}`);
      // Operator routes admit the operator alone (sealog.authenticate_operator) and no tenant scope.
      if (body.includes("sealog.authenticate_operator(p_ctx")) {
        assert.deepEqual(route.auth, ["operatorKey"], `${slug} ${route.method} ${route.path}`);
        assert.equal(route.scope, undefined, `${slug} ${route.method} ${route.path}`);
        continue;
      }
      const checked = body.includes("sealog.authenticate_privacy_caller(p_ctx")
        ? functionBody(sql, "sealog.authenticate_privacy_caller")
        : body;
      const scope = /sealog\.authenticate\(p_ctx, (null|'([^']*)')/.exec(checked);
      assert.ok(scope, `${slug} ${route.method} ${route.path}: no sealog.authenticate call`);
      assert.equal(scope[2] ?? undefined, route.scope, `${slug} ${route.method} ${route.path}`);
    }
  }
});

/** Every (status, code) pair the SQL can answer, and the number of code literals seen. */
function sqlProblems(sql: string): { pairs: [number, string][]; codeLiterals: number } {
  const pairs: [number, string][] = [];
  // sealog.finish_request(ctx, auth, 404, 'session_not_found' ...)
  for (
    const [, status, code] of sql.matchAll(/finish_request\([^;]*?,\s*(\d{3}),\s*'([a-z_]+)'/g)
  ) {
    pairs.push([Number(status), code!]);
  }
  // v_auth.status := 401; v_auth.error_code := 'unauthorized';
  for (
    const [, status, code] of sql.matchAll(
      /status := (\d{3});\s*\w+\.error_code := '([a-z_]+)'/g,
    )
  ) {
    pairs.push([Number(status), code!]);
  }
  // case when status = 422 then 'no_valid_events' end (finish_batch)
  for (const [, status, code] of sql.matchAll(/when status = (\d{3}) then '([a-z_]+)'/g)) {
    pairs.push([Number(status), code!]);
  }
  const codeLiterals = [...sql.matchAll(/error_code := '[a-z_]+'/g)].length +
    [...sql.matchAll(/finish_request\([^;]*?,\s*\d{3},\s*'[a-z_]+'/g)].length +
    [...sql.matchAll(/when status = \d{3} then '[a-z_]+'/g)].length;
  return { pairs, codeLiterals };
}

Deno.test("every code the SQL answers is in the problem catalogue, with its status", async () => {
  const { pairs, codeLiterals } = sqlProblems(await migrations());
  // Each code literal was paired with its status: none is answered in an unchecked shape.
  assert.equal(pairs.length, codeLiterals);
  assert.ok(pairs.length >= 10, `only ${pairs.length} codes found`);
  for (const [status, code] of pairs) {
    assert.ok(code in PROBLEMS, `the SQL answers '${code}', which is not in PROBLEMS`);
    assert.equal(PROBLEMS[code as keyof typeof PROBLEMS][0], status, `status of ${code}`);
  }
});

/** The column list of the `jsonb_to_recordset(<events>) as e(...)` head of a function. */
function recordsetColumns(sql: string, fn: string): string[] {
  const head = /jsonb_to_recordset\([\w.]+\) as e\(([^)]*)\)/.exec(functionBody(sql, fn));
  assert.ok(head, `${fn} has no jsonb_to_recordset head`);
  return head[1]!.split(",").map((column) => column.trim().split(/\s+/)[0]!).sort();
}

Deno.test("the SQL reads exactly the fields the Edge Function validated and sends", async () => {
  const sql = await migrations();
  // Every field of the schema, plus `i` (the event's index in the batch).
  assert.deepEqual(
    recordsetColumns(sql, "sealog.store_events"),
    ["i", ...Object.keys(TelemetryEvent.shape)].sort(),
  );
  // Auth events are stored as the validator finishes them (the user id may become a pseudonym).
  const validated = validateAuthEvents([authEvent()]).valid[0];
  assert.ok(validated, "the sample auth event is valid");
  assert.deepEqual(
    recordsetColumns(sql, "sealog_api.record_auth_events"),
    Object.keys(validated).sort(),
  );
});

Deno.test("every per-event code a validator answers is in its OpenAPI enum", () => {
  const batches = [
    { validate: validateEvent, codes: EVENT_REJECTION_CODES, sample: telemetryEvent },
    { validate: validateAuthEvent, codes: AUTH_EVENT_REJECTION_CODES, sample: authEvent },
  ];
  const hostile = fc.oneof(
    fc.anything(),
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(null, "", "a\u0000", "\ud800", -1, 2 ** 53, [], {}, "x".repeat(300)),
  );
  for (const { validate, codes, sample } of batches) {
    const fields = Object.keys(sample());
    const events = fc.oneof(
      fc.anything(),
      // A valid event with fields replaced, removed or added.
      fc.record({
        replace: fc.dictionary(fc.constantFrom(...fields), hostile),
        remove: fc.subarray(fields),
        add: fc.dictionary(fc.string({ maxLength: 12 }), hostile, { maxKeys: 2 }),
      }).map(({ replace, remove, add }) => {
        const event: Record<string, unknown> = { ...sample(), ...add, ...replace };
        for (const field of remove) delete event[field];
        return event;
      }),
    );
    fc.assert(
      fc.property(events, (event) => {
        const outcome = validate(event);
        if ("code" in outcome) assert.ok(codes.includes(outcome.code), outcome.code);
      }),
      { numRuns: 2000 },
    );
  }
});
