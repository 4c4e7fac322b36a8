/**
 * Timing of authentication, dudect-style: GET /ingest/whoami with two classes of key of the
 * same shape in a random interleaving over one keep-alive connection, at least 10k samples
 * each. Welch's t over the latencies (whole, and cropped at upper percentiles as dudect does,
 * to drop scheduling noise) must stay below 4.5 in absolute value. Two comparisons:
 * - a valid key against unknown keys: every key runs the same statements in the database and
 *   the same code in the Edge Function (pipeline.ts respond), whatever the answer;
 * - unknown keys against keys that exist but are refused (revoked, expired, of a disabled
 *   tenant): the same 401, byte for byte but the request id, so time is the only thing that
 *   could tell a key that once worked from one that never did.
 * Runs in deno task soak.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { percentile, welchT } from "../../bench/stats.ts";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";

const SAMPLES = Number(Deno.env.get("SEALOG_TIMING_SAMPLES") ?? 10_000);
const WARMUP = 500;
const T_THRESHOLD = 4.5;

function unknownKey(): string {
  return `slg_live_${
    Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")
  }`;
}

/**
 * Times `measure` on two classes in a random interleaving (as dudect does, so that drift hits
 * both alike), after a warm-up, and asserts Welch's t below the threshold in every crop.
 */
async function assertSameTime(
  measure: (kind: 0 | 1, index: number) => Promise<number>,
): Promise<void> {
  const classes = new Uint8Array(2 * SAMPLES);
  classes.fill(1, SAMPLES);
  for (let i = classes.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [classes[i], classes[j]] = [classes[j]!, classes[i]!];
  }
  for (let i = 0; i < WARMUP; i++) await measure((i % 2) as 0 | 1, i);
  const samples: [number[], number[]] = [[], []];
  for (const [i, kind] of classes.entries()) {
    samples[kind as 0 | 1].push(await measure(kind as 0 | 1, i));
  }

  const [first, second] = samples;
  const pooled = Float64Array.from([...first, ...second]).sort();
  const results: Record<string, number> = { all: welchT(first, second) };
  for (const p of [50, 75, 90, 99]) {
    const cut = percentile(pooled, p)!;
    results[`below p${p}`] = welchT(first.filter((x) => x <= cut), second.filter((x) => x <= cut));
  }
  const median = (xs: number[]) => percentile(Float64Array.from(xs).sort(), 50)!;
  console.log(JSON.stringify({
    samples: SAMPLES,
    medianMs: [median(first), median(second)],
    t: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v * 100) / 100])),
  }));
  for (const [name, t] of Object.entries(results)) {
    assert.ok(
      Math.abs(t) < T_THRESHOLD,
      `|t| = ${Math.abs(t).toFixed(2)} (${name}) is not below ${T_THRESHOLD}`,
    );
  }
}

/** The latency of GET /ingest/whoami with `key`, asserting its status. */
async function timeWhoami(key: string, status: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${BASE_URL}/ingest/whoami`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  assert.equal(response.status, status);
  return elapsed;
}

test(`valid and unknown keys take the same time (Welch's t, ${SAMPLES} samples each)`, async () => {
  const tenant = await createTenant({ ratePerSecond: 100_000, burst: 100_000 });
  assert.equal(tenant.apiKey.length, unknownKey().length, "same shape");
  await assertSameTime((kind) =>
    kind === 0 ? timeWhoami(tenant.apiKey, 200) : timeWhoami(unknownKey(), 401)
  );
});

test(`unknown keys and refused keys that exist take the same time (Welch's t, ${SAMPLES} samples each)`, async () => {
  const revoked = await createTenant({ ratePerSecond: 100_000, burst: 100_000 });
  await sql`select sealog_admin.revoke_key(${revoked.keyId}::uuid)`;
  const expired = await createTenant({ expiresAt: new Date(Date.now() - 1000).toISOString() });
  const disabled = await createTenant();
  await sql`update sealog.tenants set disabled_at = now() where tenant_id = ${disabled.tenantId}`;
  const refused = [revoked.apiKey, expired.apiKey, disabled.apiKey];
  assert.ok(refused.every((key) => key.length === unknownKey().length), "same shape");

  await assertSameTime((kind, index) =>
    timeWhoami(kind === 0 ? refused[index % refused.length]! : unknownKey(), 401)
  );
});
