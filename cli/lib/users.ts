/**
 * Local Supabase Auth users, for `deno task user create` and the tests: an auth.users row with
 * an email identity and a session, as Supabase Auth would create on sign-up, and an access
 * token with Supabase Auth's claims, signed by the local key pair (local/jwt_keys.ts) whose
 * public half the functions get as SUPABASE_JWKS. Never for a hosted project.
 */
import type postgres from "postgres";
import { signAccessToken } from "../../local/jwt_keys.ts";

export type LocalUser = { userId: string; email: string; sessionId: string };

/** Whether a database URL points at this machine (the local stack). */
export function isLocalDatabase(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "127.0.0.1" || host === "localhost" || host === "::1";
  } catch {
    return false;
  }
}

/** Creates the user, their email identity and one session; the email must be new. */
export async function createLocalUser(
  sql: postgres.Sql | postgres.TransactionSql,
  email: string,
): Promise<LocalUser> {
  const address = email.trim().toLowerCase();
  const [user] = await sql`
    with new_user as (
      insert into auth.users (
        id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data
      )
      values (
        gen_random_uuid(), 'authenticated', 'authenticated', ${address}, now(),
        '{"provider": "email", "providers": ["email"]}', '{}'
      )
      returning id
    ),
    identity as (
      insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at)
      select id::text, id, jsonb_build_object('sub', id::text, 'email', ${address}::text), 'email', now()
        from new_user
    ),
    session as (
      insert into auth.sessions (id, user_id)
      select gen_random_uuid(), id from new_user
      returning id
    )
    select new_user.id as user_id, session.id as session_id from new_user, session`;
  return { userId: user!.user_id, email: address, sessionId: user!.session_id };
}

/** An access token for the user, with Supabase Auth's claims; `claims` overrides any of them. */
export async function localAccessToken(
  user: LocalUser,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const supabaseUrl = Deno.env.get("SUPABASE_URL") ??
    `http://127.0.0.1:${Deno.env.get("SEALOG_PORT") ?? "54321"}`;
  return await signAccessToken({
    iss: `${supabaseUrl}/auth/v1`,
    sub: user.userId,
    aud: "authenticated",
    exp: now + 3600,
    iat: now,
    email: user.email,
    phone: "",
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: now }],
    session_id: user.sessionId,
    is_anonymous: false,
    ...claims,
  }, header);
}
