import assert from "node:assert/strict";
import {
  backoffDelay,
  DEFAULT_RETRY,
  nextDelay,
  retryAfterMs,
  verdict,
} from "../../sdk/src/client/retry.ts";

Deno.test("verdict: 2xx stored; network errors, 408, 429 and 5xx retried; other 4xx never", () => {
  for (const status of [200, 201, 207]) assert.equal(verdict(status), "stored", String(status));
  for (const status of [0, 408, 429, 500, 502, 503, 504]) {
    assert.equal(verdict(status), "retry", String(status));
  }
  for (const status of [400, 401, 403, 404, 405, 409, 413, 415, 422]) {
    assert.equal(verdict(status), "failed", String(status));
  }
  assert.equal(verdict(422, "no_valid_events"), "rejected");
  assert.equal(verdict(422, "content_not_accepted"), "failed");
});

Deno.test("backoff: full jitter between 0 and min(cap, base * 2^attempt)", () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 5_000 };
  assert.equal(backoffDelay(0, policy, () => 0), 0);
  assert.equal(backoffDelay(0, policy, () => 0.999999), 99);
  assert.equal(backoffDelay(3, policy, () => 0.999999), 799);
  assert.equal(backoffDelay(3, policy, () => 0.5), 400);
  // The cap holds however many attempts have failed.
  assert.equal(backoffDelay(10, policy, () => 0.999999), 4999);
  assert.equal(backoffDelay(1_000, policy, () => 0.999999), 4999);
  for (let attempt = 0; attempt < 20; attempt++) {
    const delay = backoffDelay(attempt, policy);
    assert.ok(delay >= 0 && delay < Math.min(5_000, 100 * 2 ** attempt), `${attempt}: ${delay}`);
  }
});

Deno.test("Retry-After: delta-seconds or an HTTP date, capped, and null when unreadable", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(retryAfterMs("3", 60_000, now), 3_000);
  assert.equal(retryAfterMs(" 0 ", 60_000, now), 0);
  assert.equal(retryAfterMs("Thu, 01 Jan 2026 00:00:05 GMT", 60_000, now), 5_000);
  assert.equal(retryAfterMs("Wed, 31 Dec 2025 23:59:00 GMT", 60_000, now), 0);
  assert.equal(retryAfterMs("3600", 60_000, now), 60_000);
  assert.equal(retryAfterMs(null, 60_000, now), null);
  assert.equal(retryAfterMs("soon", 60_000, now), null);
  assert.equal(retryAfterMs("-1", 60_000, now), null);
});

Deno.test("the wait before a retry is never shorter than Retry-After", () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 5_000 };
  assert.equal(nextDelay(0, policy, 2_000, () => 0.5), 2_000);
  assert.equal(nextDelay(6, policy, 2_000, () => 0.999999), 4_999);
  assert.equal(nextDelay(2, policy, null, () => 0.5), 200);
});
