/**
 * The built package under Node 20 against the running stack: scripts/sdk_package.sh packs the
 * SDK and installs it with the real `openai` package in .sealog/sdk-package; there, Node runs
 * tests/node/package/record_flush.mjs, whose wrapped client records two calls and flushes.
 * The rows are read back from the database.
 */
import assert from "node:assert/strict";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";

const PROJECT = Deno.env.get("SEALOG_SDK_PACKAGE_DIR") ??
  new URL("../../.sealog/sdk-package", import.meta.url).pathname;

test("SDK package under Node: wrapped OpenAI calls are recorded, flushed and stored", async () => {
  try {
    await Deno.stat(`${PROJECT}/node_modules/@sealog/sdk/package.json`);
  } catch {
    assert.fail(`no packed SDK in ${PROJECT}: run scripts/sdk_package.sh first (npm test does)`);
  }
  const tenant = await createTenant();
  const sessionId = `node-${crypto.randomUUID()}`;
  const output = await new Deno.Command("node", {
    args: ["record_flush.mjs"],
    cwd: PROJECT,
    env: { SEALOG_URL: BASE_URL, SEALOG_API_KEY: tenant.apiKey, SESSION_ID: sessionId },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, stdout + new TextDecoder().decode(output.stderr));
  const { stats, errors } = JSON.parse(stdout);
  assert.deepEqual(errors, []);
  assert.equal(stats.accepted, 2);

  const rows = await sql`
    select model, provider, status, input_tokens::int, output_tokens::int,
           to_json(risk_tags) as risk_tags, latency_ms
      from sealog.llm_request_logs
     where tenant_id = ${tenant.tenantId} and session_id = ${sessionId}
     order by 4 desc`;
  assert.equal(rows.length, 2);
  const [plain, streamed] = rows;
  assert.deepEqual(
    [plain!.model, plain!.provider, plain!.status, plain!.input_tokens, plain!.output_tokens],
    ["gpt-4o-mini", "openai", "ok", 21, 8],
  );
  // The card number of the prompt and the address of the answer, scanned in Node.
  assert.deepEqual([...plain!.risk_tags].sort(), ["PII_CREDIT_CARD", "PII_EMAIL"]);
  assert.ok(plain!.latency_ms !== null);
  // The stream's usage, asked for with includeStreamUsage.
  assert.deepEqual([streamed!.input_tokens, streamed!.output_tokens], [5, 1]);
});
