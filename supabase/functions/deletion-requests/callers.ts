/**
 * Who is asking. A deletion request comes from one of three kinds of caller, all with
 * `Authorization: Bearer <token>`:
 *   operator  the project's secret or service-role key (compared in constant time);
 *   user      a Supabase Auth access token (a JWT), verified against SUPABASE_JWKS;
 *   tenant    anything else: an API key, resolved by the database (scope privacy).
 * A JWT that fails verification is a 401; it is never retried as an API key.
 */
import type { Context } from "hono";
import { bearerToken, readBearerCredential } from "../_shared/auth.ts";
import type { SealogEnv } from "../_shared/context.ts";
import { isProjectSecretKey } from "../_shared/project_keys.ts";
import { looksLikeJwt, verifyUserAccessToken } from "../_shared/user_tokens.ts";

export type Caller =
  | { kind: "operator" }
  | { kind: "user"; userId: string; email: string | null }
  | { kind: "tenant" };

// Supabase access tokens are often longer than API keys; still bounded.
const MAX_USER_TOKEN_LENGTH = 8192;

/** Identifies the caller; sets c.var.userId (users) or c.var.credential (tenants) for the pipeline. */
export async function identifyCaller(c: Context<SealogEnv>): Promise<Caller> {
  const token = bearerToken(c.req.header("Authorization"), MAX_USER_TOKEN_LENGTH);
  if (token !== undefined && isProjectSecretKey(token)) return { kind: "operator" };
  if (token !== undefined && looksLikeJwt(token)) {
    const user = await verifyUserAccessToken(token);
    c.set("userId", user.userId);
    return { kind: "user", ...user };
  }
  // API keys: the same digest and static-map path as every other function; 401 when malformed.
  readBearerCredential(c);
  return { kind: "tenant" };
}

/** The request-context fields the database needs to know the caller. */
export function callerContext(caller: Caller): Record<string, unknown> {
  return caller.kind === "operator" ? { caller: "operator" } : {};
}
