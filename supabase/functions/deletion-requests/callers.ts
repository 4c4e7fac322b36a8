/**
 * Who is asking. A deletion request comes from one of three kinds of caller, all with
 * `Authorization: Bearer <token>`:
 *   operator  the project's secret or service-role key (compared in constant time);
 *   user      a Supabase Auth access token (a JWT), verified against SUPABASE_JWKS;
 *   tenant    anything else: an API key, resolved by the database (scope privacy).
 * A JWT that fails verification is a 401; it is never retried as an API key.
 */
import type { Context } from "hono";
import { bearerCredential } from "../_shared/auth.ts";
import type { SealogEnv } from "../_shared/context.ts";
import { isProjectSecretKey } from "../_shared/project_keys.ts";
import { ApiError } from "../_shared/problems.ts";
import { looksLikeJwt, verifyUserAccessToken } from "../_shared/user_tokens.ts";

export type Caller =
  | { kind: "operator" }
  | { kind: "user"; userId: string; email: string | null }
  | { kind: "tenant" };

// Supabase access tokens are often longer than API keys; still bounded.
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]{16,8192}=*)$/;

/** Identifies the caller; sets c.var.userId (users) or c.var.credential (tenants) for the pipeline. */
export async function identifyCaller(c: Context<SealogEnv>): Promise<Caller> {
  const token = BEARER.exec(c.req.header("Authorization") ?? "")?.[1];
  if (token !== undefined && isProjectSecretKey(token)) return { kind: "operator" };
  if (token !== undefined && looksLikeJwt(token)) {
    const user = await verifyUserAccessToken(token);
    c.set("userId", user.userId);
    return { kind: "user", ...user };
  }
  // API keys: the same digest and static-map path as every other function; 401 when malformed.
  let admitted = false;
  await bearerCredential(c, () => {
    admitted = true;
    return Promise.resolve();
  });
  if (!admitted) throw new ApiError("unauthorized");
  return { kind: "tenant" };
}

/** The request-context fields the database needs to know the caller. */
export function callerContext(caller: Caller): Record<string, unknown> {
  return caller.kind === "operator" ? { caller: "operator" } : {};
}
