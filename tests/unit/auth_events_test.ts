/**
 * The auth-events function without a network or database: the event validator, credential
 * detection, pseudonyms, Standard Webhooks verification with the real package, hook parsing,
 * and settings that only this function needs.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import {
  findSecret,
  validateAuthEvent,
  validateAuthEvents,
} from "../../supabase/functions/auth-events/auth_event.ts";
import {
  isHookDelivery,
  parseHook,
  verifyHookSignature,
} from "../../supabase/functions/auth-events/supabase_auth_hook.ts";
import { emailPseudonym, normaliseEmail } from "../../supabase/functions/_shared/pseudonym.ts";
import { ApiError } from "../../supabase/functions/_shared/problems.ts";

const KEY = "unit-test-pseudonym-key-0123456789abcdef";
Deno.env.set("SUPABASE_DB_URL", Deno.env.get("SUPABASE_DB_URL") ?? "postgresql://127.0.0.1:1/none");
Deno.env.set("SEALOG_PSEUDONYM_KEY", Deno.env.get("SEALOG_PSEUDONYM_KEY") ?? KEY);
const SECRET = "whsec_" + btoa("0123456789abcdef0123456789abcdef");
const OTHER_SECRET = "whsec_" + btoa("fedcba9876543210fedcba9876543210");

function event(overrides: Record<string, unknown> = {}) {
  return {
    event_id: crypto.randomUUID(),
    type: "login",
    occurred_at: new Date().toISOString(),
    outcome: "success",
    ...overrides,
  };
}

function signed(body: string, secret = SECRET, timestamp = new Date(), id = "msg_1") {
  return new Headers({
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, timestamp, body),
  });
}

function problemCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
  return "none";
}

Deno.test("a minimal event is valid; optional fields default to null", () => {
  const result = validateAuthEvent(event());
  assert.ok("event" in result);
  assert.equal(result.event.user_id, null);
  assert.equal(result.event.user_pseudonym, null);
  assert.equal(result.event.ip, null);
});

Deno.test("occurred_at: RFC 3339 with an offset, real dates, within a year and 5 minutes ahead", () => {
  const now = Date.parse("2026-11-23T12:00:00Z");
  const ok = (occurred_at: string) => "event" in validateAuthEvent(event({ occurred_at }), now);
  assert.ok(ok("2026-11-23T12:00:00Z"));
  assert.ok(ok("2026-11-23T13:00:00+01:00"));
  assert.ok(ok("2026-11-23T12:04:59.123Z"));
  assert.ok(!ok("2026-11-23T12:05:01Z"));
  assert.ok(ok("2025-11-24T12:00:00Z"));
  assert.ok(!ok("2025-11-22T12:00:00Z"));
  assert.ok(!ok("2026-02-30T12:00:00Z"));
  assert.ok(!ok("2026-11-23 12:00:00Z"));
  assert.ok(!ok("1732363200"));
});

Deno.test("an email-like user id becomes an HMAC of the normalised address", () => {
  const key = Deno.env.get("SEALOG_PSEUDONYM_KEY")!;
  const expected = createHmac("sha256", key).update("alice@example.com").digest("hex");
  for (const address of ["alice@example.com", "  ALICE@Example.com\t"]) {
    const result = validateAuthEvent(event({ user_id: address }));
    assert.ok("event" in result);
    assert.equal(result.event.user_id, null);
    assert.equal(result.event.user_pseudonym, expected);
  }
  assert.equal(normaliseEmail(" A@B.C "), "a@b.c");
  assert.equal(emailPseudonym("a@b.c", KEY), emailPseudonym(" A@B.C", KEY));
  assert.notEqual(emailPseudonym("a@b.c", KEY), emailPseudonym("a@b.c", KEY + "x"));
  // An address longer than a user id is still only hashed.
  const long = validateAuthEvent(event({ user_id: `${"x".repeat(200)}@example.com` }));
  assert.ok("event" in long && long.event.user_pseudonym?.length === 64);
});

Deno.test("credentials are found by key at any depth and as JWTs in any string", () => {
  assert.equal(findSecret({ password: "x" }), "key 'password'");
  assert.equal(findSecret({ a: [{ b: { refreshToken: "x" } }] }), "key 'refreshToken'");
  assert.equal(findSecret({ "Client-Secret": "x" }), "key 'Client-Secret'");
  assert.equal(findSecret({ ok: ["Bearer eyJhbGciOi.eyJzdWIiOi.sig"] }), "a JWT");
  assert.equal(findSecret({ type: "login", outcome: "success", user_agent: "Mozilla/5.0" }), null);
  const result = validateAuthEvent(event({ mfa: { code: "123456" } }));
  assert.ok("code" in result && result.code === "secret_not_accepted");
  assert.ok(!result.message.includes("123456"));
});

Deno.test("content keys are refused before credentials and unknown fields", () => {
  const result = validateAuthEvent(event({ prompt: "x", password: "y" }));
  assert.ok("code" in result && result.code === "content_not_accepted");
});

Deno.test("a batch keeps each valid event's index and lists each rejection", () => {
  const good = event();
  const { valid, rejected } = validateAuthEvents([good, 42, event({ outcome: "?" })]);
  assert.deepEqual(valid.map((e) => [e.i, e.event_id]), [[0, good.event_id]]);
  assert.deepEqual(rejected.map((r) => [r.index, r.code]), [
    [1, "invalid_event"],
    [2, "invalid_outcome"],
  ]);
});

Deno.test("hook deliveries are told apart by their webhook-* headers", () => {
  assert.ok(isHookDelivery(new Headers({ "webhook-id": "x" })));
  assert.ok(isHookDelivery(new Headers({ "Webhook-Signature": "x" })));
  assert.ok(!isHookDelivery(new Headers({ Authorization: "Bearer x" })));
});

Deno.test("signatures: valid, wrong secret, tampered, stale, future, rotated secrets", () => {
  const body = JSON.stringify({ user_id: crypto.randomUUID(), valid: true });
  assert.equal(verifyHookSignature(body, signed(body), [SECRET]), "msg_1");
  assert.equal(
    problemCode(() => verifyHookSignature(body, signed(body, OTHER_SECRET), [SECRET])),
    "invalid_webhook_signature",
  );
  assert.equal(
    problemCode(() => verifyHookSignature(body + " ", signed(body), [SECRET])),
    "invalid_webhook_signature",
  );
  const stale = signed(body, SECRET, new Date(Date.now() - 301_000));
  assert.equal(
    problemCode(() => verifyHookSignature(body, stale, [SECRET])),
    "webhook_timestamp_out_of_range",
  );
  const future = signed(body, SECRET, new Date(Date.now() + 301_000));
  assert.equal(
    problemCode(() => verifyHookSignature(body, future, [SECRET])),
    "webhook_timestamp_out_of_range",
  );
  // While rotating, either configured secret verifies.
  assert.equal(
    verifyHookSignature(body, signed(body, OTHER_SECRET), [SECRET, OTHER_SECRET]),
    "msg_1",
  );
  const headers = signed(body);
  headers.delete("webhook-timestamp");
  assert.equal(
    problemCode(() => verifyHookSignature(body, headers, [SECRET])),
    "invalid_webhook_signature",
  );
  assert.equal(
    problemCode(() =>
      verifyHookSignature(body, signed(body, SECRET, new Date(), "a\u0001b"), [SECRET])
    ),
    "invalid_webhook_signature",
  );
});

Deno.test("hook payloads: kinds, what is recorded, and claims passed through as received", () => {
  const userId = crypto.randomUUID();
  const password = parseHook({
    metadata: { name: "password-verification", ip_address: "192.0.2.1" },
    user_id: userId,
    valid: false,
  });
  assert.deepEqual(password.record, {
    kind: "password_verification",
    user_id: userId,
    valid: false,
    method: "password",
    ip: "192.0.2.1",
  });
  const mfa = parseHook({
    user_id: userId,
    factor_id: crypto.randomUUID(),
    factor_type: "WebAuthn",
    valid: true,
  });
  assert.deepEqual([mfa.record.kind, mfa.record.method, mfa.record.ip], [
    "mfa_verification",
    "webauthn",
    null,
  ]);
  const claims = { sub: userId, email: "x@example.com", nested: { a: [1, "b"] } };
  const token = parseHook({
    metadata: { name: "customize-access-token", ip_address: "not an ip" },
    user_id: userId,
    claims,
    authentication_method: "Free text method!",
  });
  assert.equal(token.claims, claims, "the very object received");
  assert.deepEqual([token.record.kind, token.record.method, token.record.ip], [
    "custom_access_token",
    null,
    null,
  ]);
  for (
    const payload of [
      { metadata: { name: "send-sms" }, user_id: userId, sms: { otp: "1" } },
      { metadata: { name: 42 }, user_id: userId, valid: true },
      { user_id: "nope", valid: true },
      "string",
      null,
    ]
  ) {
    assert.equal(problemCode(() => parseHook(payload)), "invalid_auth_hook");
  }
});

Deno.test({
  name:
    "a function starts without the settings it does not need; auth-events names the missing one",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const script = `
      const { app } = await import("./supabase/functions/auth-events/app.ts");
      const { app: ingest } = await import("./supabase/functions/ingest/app.ts");
      const hook = await app.request("/auth-events", {
        method: "POST",
        headers: { "Content-Type": "application/json", "webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,x" },
        body: "{}",
      });
      const email = await app.request("/auth-events", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer slg_live_${
      "A".repeat(43)
    }" },
        body: JSON.stringify({ events: [{ event_id: crypto.randomUUID(), type: "login", outcome: "failure",
          occurred_at: new Date().toISOString(), user_id: "x@example.com" }] }),
      });
      const whoami = await ingest.request("/ingest/whoami");
      console.log(JSON.stringify({
        hook: [hook.status, (await hook.json()).code],
        email: [email.status, (await email.json()).code],
        ingest: whoami.status,
      }));
      Deno.exit(0);
    `;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      cwd: new URL("../..", import.meta.url).pathname,
      clearEnv: true,
      env: {
        SUPABASE_DB_URL: "postgresql://127.0.0.1:1/none",
        SEALOG_DB_CONNECT_TIMEOUT_S: "1",
        DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
        HOME: Deno.env.get("HOME") ?? "/root",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!;
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), {
      hook: [500, "not_configured"],
      email: [500, "not_configured"],
      ingest: 401,
    });
    assert.match(stderr, /"setting":"SEALOG_AUTH_HOOK_SECRET"/);
    assert.match(stderr, /"setting":"SEALOG_PSEUDONYM_KEY"/);
  },
});
