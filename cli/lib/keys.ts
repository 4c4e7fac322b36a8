/** Key issuing shared by `tenant create` and `key issue`: generate, store the digest, show once. */
import { Buffer } from "node:buffer";
import type postgres from "postgres";
import { generateApiKey } from "../../supabase/functions/_shared/api_keys.ts";
import { DEFAULT_KEY_SCOPES, SCOPES } from "../../supabase/functions/_shared/scopes.ts";
import { TaskError } from "./task.ts";

export const ALL_SCOPES = SCOPES;

/** Parses --scopes a,b: every name must be a known scope; without it, the writing scopes only. */
export function parseScopes(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULT_KEY_SCOPES];
  const scopes = [...new Set(value.split(",").map((scope) => scope.trim()).filter(Boolean))];
  const unknown = scopes.filter((scope) => !(ALL_SCOPES as readonly string[]).includes(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new TaskError(`--scopes takes a comma-separated subset of ${ALL_SCOPES.join(",")}`, 2);
  }
  return scopes;
}

/** Issues a key for the tenant and returns its id and plaintext (shown once, never stored). */
export async function issueKey(
  sql: postgres.Sql | postgres.TransactionSql,
  tenantId: string,
  options: { scopes: string[]; label?: string; expiresAt?: string | null },
): Promise<{ key_id: string; api_key: string }> {
  const { apiKey, digest, displayPrefix } = generateApiKey();
  // Scopes travel as JSON: pools without fetch_types cannot serialize a JS array as text[].
  const [row] = await sql`
    select sealog_admin.issue_key(
      ${tenantId}::uuid, ${Buffer.from(digest)}::bytea, ${displayPrefix}, array(
        select jsonb_array_elements_text(${sql.json(options.scopes)})
      ),
      ${options.label ?? ""}, ${options.expiresAt ?? null}::timestamptz
    ) as key_id`.catch((error) => {
    // The tenant foreign key (23503) and the reserved tenant's check (23514), in words.
    if (error?.code === "23503") throw new TaskError(`unknown tenant ${tenantId}`);
    if (
      error?.code === "23514" && error?.constraint_name === "api_keys_not_for_the_reserved_tenant"
    ) {
      throw new TaskError("no key can be issued for the reserved tenant");
    }
    throw error;
  });
  return { key_id: row!.key_id, api_key: apiKey };
}
