/**
 * Timing of authentication, dudect-style: GET /ingest/whoami with a valid key and with
 * unknown keys of the same shape, interleaved in random order over one keep-alive
 * connection, at least 10k samples each. Welch's t over the latency distributions (whole,
 * and cropped at upper percentiles as dudect does, to drop scheduling noise) must stay
 * below 4.5 in absolute value. Runs in deno task soak.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { percentile, welchT } from "../../bench/stats.ts";
import { BASE_URL, createTenant, test } from "../_support/stack.ts";

const SAMPLES = Number(Deno.env.get("SEALOG_TIMING_SAMPLES") ?? 10_000);
const WARMUP = 500;
const T_THRESHOLD = 4.5;

function unknownKey(): string {
  return `slg_live_${
    Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")
  }`;
}

async function timeWhoami(key: string): Promise<[number, number]> {
  const started = performance.now();
  const response = await fetch(`${BASE_URL}/ingest/whoami`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  await response.arrayBuffer();
  return [performance.now() - started, response.status];
}

test(`valid and invalid keys take the same time (Welch's t, ${SAMPLES} samples each)`, async () => {
  const tenant = await createTenant({ ratePerSecond: 100_000, burst: 100_000 });
  assert.equal(
    tenant.apiKey.length,
    unknownKey().length,
    "invalid keys have the valid key's shape",
  );
  // A random interleaving of both classes, as dudect does, so drift hits both alike.
  const classes = new Uint8Array(2 * SAMPLES);
  classes.fill(1, SAMPLES);
  for (let i = classes.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [classes[i], classes[j]] = [classes[j]!, classes[i]!];
  }
  for (let i = 0; i < WARMUP; i++) await timeWhoami(i % 2 ? tenant.apiKey : unknownKey());

  const valid: number[] = [];
  const invalid: number[] = [];
  for (const kind of classes) {
    if (kind === 0) {
      const [ms, status] = await timeWhoami(tenant.apiKey);
      assert.equal(status, 200);
      valid.push(ms);
    } else {
      const [ms, status] = await timeWhoami(unknownKey());
      assert.equal(status, 401);
      invalid.push(ms);
    }
  }

  const pooled = Float64Array.from([...valid, ...invalid]).sort();
  const results: Record<string, number> = { all: welchT(valid, invalid) };
  for (const p of [50, 75, 90, 99]) {
    const cut = percentile(pooled, p)!;
    results[`below p${p}`] = welchT(valid.filter((x) => x <= cut), invalid.filter((x) => x <= cut));
  }
  const median = (xs: number[]) => percentile(Float64Array.from(xs).sort(), 50)!;
  console.log(JSON.stringify({
    samples: SAMPLES,
    medianMs: { valid: median(valid), invalid: median(invalid) },
    t: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v * 100) / 100])),
  }));
  for (const [name, t] of Object.entries(results)) {
    assert.ok(
      Math.abs(t) < T_THRESHOLD,
      `|t| = ${Math.abs(t).toFixed(2)} (${name}) is not below ${T_THRESHOLD}`,
    );
  }
});
