/** deno task usage: the operators' cross-tenant summary, exact per tenant; bad --days is one line. */
import assert from "node:assert/strict";
import { telemetryEvent } from "../_support/events.ts";
import { call, createTenant, test } from "../_support/stack.ts";

async function usageTask(...args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "usage", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
}

test("usage prints every tenant's totals over the range, each tenant its own", async () => {
  const busy = await createTenant();
  const quiet = await createTenant();
  const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
  await call("/ingest", {
    method: "POST",
    apiKey: busy.apiKey,
    json: {
      events: [
        telemetryEvent({ input_tokens: 10, output_tokens: 2, cost_micro_usd: 7 }),
        telemetryEvent({ input_tokens: 5, status: "error" }),
        telemetryEvent({ occurred_at: old, input_tokens: 1000 }),
      ],
    },
  });
  const result = await usageTask("--days", "1");
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
  const mine = lines.find((line) => line.tenant_id === busy.tenantId);
  assert.deepEqual(
    { ...mine, name: undefined, last_event_at: undefined },
    {
      tenant_id: busy.tenantId,
      name: undefined,
      events: 2,
      errors: 1,
      input_tokens: 15,
      output_tokens: 22,
      cost_micro_usd: 7,
      last_event_at: undefined,
    },
  );
  assert.equal(lines.find((line) => line.tenant_id === quiet.tenantId)?.events, 0);
  const week = await usageTask();
  const weekly = week.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(weekly.find((line) => line.tenant_id === busy.tenantId)?.events, 3);
});

test("usage refuses a bad --days with one line and exit 2", async () => {
  for (const days of ["0", "91", "x", "-1"]) {
    const result = await usageTask("--days", days);
    assert.equal(result.code, 2, days);
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.match(result.stderr, /^error: .*--days/);
  }
});
