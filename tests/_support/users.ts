/**
 * Supabase Auth users and the platform's data about them, for tests: users are created in the
 * test stack's auth schema with access tokens signed by the local key pair (the server's
 * SUPABASE_JWKS), and the operator's key is the local project secret key of scripts/lib.sh.
 */
import { createLocalUser, localAccessToken, type LocalUser } from "../../cli/lib/users.ts";
import { sql } from "./stack.ts";

export type TestUser = LocalUser & { accessToken: string };

/** A new user with a fresh address and a valid access token. */
export async function createUser(): Promise<TestUser> {
  const user = await createLocalUser(sql, `user-${crypto.randomUUID()}@example.test`);
  return { ...user, accessToken: await localAccessToken(user) };
}

/** The project's secret key, as the functions server got it (SUPABASE_SECRET_KEYS). */
export function operatorKey(): string {
  const keys = JSON.parse(Deno.env.get("SUPABASE_SECRET_KEYS") ?? "{}") as Record<string, string>;
  const key = Object.values(keys)[0];
  if (!key) throw new Error("SUPABASE_SECRET_KEYS is not set: run the tests with scripts/test.sh");
  return key;
}

/** Ids of the rows seeded by seedPlatformData. */
export type PlatformRows = { agentId: string; reviewId: string; subscriptionId: string };

/**
 * The platform's data about a user, one row per table: profile, a Stripe subscription, a
 * public review, a waitlist entry and an interaction carrying their address.
 */
export async function seedPlatformData(user: LocalUser): Promise<PlatformRows> {
  const agentId = crypto.randomUUID();
  const suffix = crypto.randomUUID().replace(/-/g, "").slice(0, 16);
  const [row] = await sql`
    with profile as (
      insert into public.sealog_profiles (id, display_name) values (${user.userId}, 'Test Person')
    ),
    subscription as (
      insert into public.sealog_user_agent_subscriptions (
        user_id, agent_id, status, stripe_customer_id, stripe_subscription_id)
      values (${user.userId}, ${agentId}, 'active', ${"cus_" + suffix}, ${"sub_" + suffix})
      returning subscription_id
    ),
    review as (
      insert into public.sealog_reviews (agent_id, user_id, rating, body)
      values (${agentId}, ${user.userId}, 5, 'Works well')
      returning review_id
    ),
    waitlist as (
      insert into public.sealog_agent_waitlist (agent_id, email, user_id)
      values (${agentId}, ${user.email}, ${user.userId})
    ),
    interaction as (
      insert into public.sealog_interactions (user_id, agent_id, kind, email)
      values (${user.userId}, ${agentId}, 'mention', ${user.email})
    )
    select (select subscription_id from subscription) as subscription_id,
           (select review_id from review) as review_id`;
  return { agentId, reviewId: row!.review_id, subscriptionId: row!.subscription_id };
}
