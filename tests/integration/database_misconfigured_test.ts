/**
 * Fail closed: functions that reach the database any way but as their least-privileged
 * login through the pooler never serve a request. Each request gets 500 problem+json
 * database_misconfigured, one log line names the setting to fix (never its value), and a
 * privileged login is recorded, so the SOC 2 least-privilege control fails.
 */
import assert from "node:assert/strict";
import { databaseUrl, startFunctionsServer } from "../_support/functions_server.ts";
import { createTenant, sql, test } from "../_support/stack.ts";
import { telemetryEvent } from "../_support/events.ts";

const dbPort = Deno.env.get("SEALOG_DB_PORT") ?? "54332";
const operatorPassword = Deno.env.get("SEALOG_DB_PASSWORD") ?? "postgres";

async function expectMisconfigured(
  env: Record<string, string>,
  reason: string,
  secret?: string,
): Promise<string | null> {
  const tenant = await createTenant();
  const server = await startFunctionsServer(env);
  try {
    const response = await fetch(`${server.baseUrl}/ingest`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tenant.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ events: [telemetryEvent()] }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = await response.json();
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("Content-Type"), "application/problem+json");
    assert.equal(response.headers.get("Retry-After"), null, "not an outage: no Retry-After");
    assert.equal(body.code, "database_misconfigured");
    const [stored] = await sql`
      select count(*)::int as n from sealog.llm_request_logs where tenant_id = ${tenant.tenantId}`;
    assert.equal(stored!.n, 0, "nothing is stored");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = server.log().split("\n").filter((line) =>
      line.includes("database_misconfigured")
    );
    assert.ok(lines.length >= 1, server.log());
    const line = JSON.parse(lines[0]!);
    assert.equal(line.setting, "SEALOG_DB_URL");
    assert.equal(line.reason, reason);
    if (secret) assert.ok(!server.log().includes(secret), "the log never holds the URL's secret");
    return response.headers.get("X-Request-Id");
  } finally {
    await server.stop();
  }
}

test("functions logged in as postgres serve nothing, and the SOC 2 control fails", async () => {
  const password = operatorPassword;
  const url = `postgresql://postgres:${password}@127.0.0.1:${dbPort}/postgres?sslmode=disable`;
  const requestId = await expectMisconfigured({ SEALOG_DB_URL: url }, "privileged_login", url);
  try {
    const [row] = await sql`
      select status_code, error_code, db_role, tenant_id
        from sealog.api_access_log where request_id = ${requestId}::uuid`;
    assert.deepEqual(
      { ...row },
      {
        status_code: 500,
        error_code: "database_misconfigured",
        db_role: "postgres",
        tenant_id: null,
      },
    );
    const [control] = await sql`select sealog.soc2_least_privilege() as c`;
    const findings = control!.c.findings as { code: string; object: string }[];
    assert.ok(
      findings.some((f) => f.code === "api_called_by_privileged_role" && f.object === "postgres"),
      JSON.stringify(findings),
    );
  } finally {
    // The shared test database must pass the SOC 2 report again (pgTAP 39).
    await sql`delete from sealog.api_access_log where request_id = ${requestId}::uuid`;
  }
});

test("a wrong password for the functions' login is a 500, not an outage", async () => {
  // PgBouncer reports a failed login as a protocol violation; PostgreSQL as 28P01.
  await expectMisconfigured(
    { SEALOG_DB_URL: databaseUrl({ password: "not-the-password" }) },
    "sqlstate_08P01",
  );
  await expectMisconfigured(
    { SEALOG_DB_URL: databaseUrl({ password: "not-the-password", port: dbPort }) },
    "sqlstate_28P01",
  );
});

test("a missing SEALOG_DB_URL is a 500 naming the setting", async () => {
  await expectMisconfigured({ SEALOG_DB_URL: "" }, "missing");
});

test("a remote database without TLS is refused before connecting", async () => {
  await expectMisconfigured(
    { SEALOG_DB_URL: "postgresql://sealog_functions.ref:pw@db.example.test:6543/postgres" },
    "sslmode_required",
  );
});
