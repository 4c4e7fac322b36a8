/**
 * No secret and no email address in clear reaches any table: this test sends hook
 * deliveries and batches full of them (claims with emails and phone numbers, passwords,
 * tokens, OTPs, raw JWTs, email user ids), then scans every column of every table in
 * schema sealog for each of them. (pgTAP repeats a generic email scan after the whole suite.)
 */
import assert from "node:assert/strict";
import {
  customAccessToken,
  deliverHook,
  mfaAttempt,
  passwordAttempt,
} from "../_support/auth_hooks.ts";
import { columnsHolding } from "../_support/columns.ts";
import { authEvent } from "../_support/events.ts";
import { call, createTenant, sql, test } from "../_support/stack.ts";

test("no secret or email address in clear reaches any column of any sealog table", async () => {
  const tag = crypto.randomUUID().slice(0, 8);
  const email = `scan.${tag}@example.com`;
  const claimEmail = `claims.${tag}@example.net`;
  const phone = `+1555${tag.replace(/\D/g, "7").padEnd(7, "7").slice(0, 7)}`;
  const password = `Hunter2!${tag}`; // mixed case and a symbol, like real passwords
  const otp = `otp-${tag}`;
  const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ${tag}In0.c2lnbmF0dXJl${tag}`;
  const claimSecret = `claim-secret-${tag}`;
  const tenant = await createTenant({ scopes: ["auth-events"] });

  // Supabase Auth hooks: the claims carry an email, a phone and custom secrets.
  const userId = crypto.randomUUID();
  const token = customAccessToken(userId, {
    email: claimEmail,
    phone,
    user_metadata: { email: claimEmail, api_secret: claimSecret },
    provider_token: jwt,
  });
  assert.equal((await deliverHook(token)).status, 200);
  assert.equal((await deliverHook(passwordAttempt(userId, false))).status, 200);
  assert.equal((await deliverHook(mfaAttempt(userId, false))).status, 200);
  // A send-email hook (refused) would carry an address and an OTP.
  const sendEmail = await deliverHook({
    metadata: { name: "send-email" },
    user: { id: userId, email: claimEmail },
    email_data: { token: otp, token_hash: jwt },
  });
  assert.equal(sendEmail.status, 400);

  // Batches with a key: an email as user id is kept, as a hash; the rest is refused.
  const accepted = await call("/auth-events", {
    method: "POST",
    apiKey: tenant.apiKey,
    headers: { "User-Agent": `scan-agent/${tag}` },
    json: {
      events: [
        authEvent({
          outcome: "failure",
          user_id: ` ${email.toUpperCase()} `,
          reason: "user_not_found",
        }),
        authEvent({ user_id: email }),
        authEvent({ password }),
        authEvent({ otp }),
        authEvent({ credentials: { secret: password } }),
        authEvent({ user_id: jwt }),
        authEvent({ reason: password }),
        authEvent({ user_agent: `curl/8 (${email})` }),
        authEvent({ email }),
      ],
    },
  });
  assert.equal(accepted.status, 207);
  assert.equal(accepted.body.accepted, 2);
  assert.equal(accepted.body.rejected.length, 7);
  const [hashed] = await sql`
    select count(*)::int as n from sealog.auth_events
     where tenant_id = ${tenant.tenantId} and user_pseudonym is not null and user_id is null`;
  assert.equal(hashed!.n, 2, "the seeded rows exist, with the address as a pseudonym");

  const needles = [
    email,
    claimEmail,
    `scan.${tag}`,
    `claims.${tag}`,
    phone,
    password,
    otp,
    jwt,
    claimSecret,
    tenant.apiKey,
    Deno.env.get("SEALOG_AUTH_HOOK_SECRET")!,
    Deno.env.get("SEALOG_AUTH_HOOK_SECRET")!.replace(/^v1,whsec_/, ""),
    Deno.env.get("SEALOG_PSEUDONYM_KEY")!,
  ];
  const patterns = needles.map((needle) => `%${needle.replace(/[\\%_]/g, "\\$&")}%`);
  assert.deepEqual(await columnsHolding(sql, patterns), [], "columns holding a seed in clear");

  // The scan's own bad case: a row holding the address in clear is found (and rolled back).
  const caught = await sql.begin(async (tx) => {
    await tx`
      insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_agent)
      values (${tenant.tenantId}, gen_random_uuid(), now(), 'api', 'login', 'success', ${email})`;
    throw new Rollback(await columnsHolding(tx, patterns));
  }).catch((error) => error instanceof Rollback ? error.found : Promise.reject(error));
  assert.deepEqual(caught, ["sealog.auth_events.user_agent"]);
});

/** Ends a transaction (rolling it back) with what was found inside it. */
class Rollback extends Error {
  constructor(readonly found: string[]) {
    super("rollback");
  }
}
