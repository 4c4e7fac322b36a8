/**
 * Database connection for operator tasks: SUPABASE_DB_URL when set (a hosted project),
 * otherwise the local stack given by the same SEALOG_* settings as scripts/lib.sh.
 */
import postgres from "postgres";

export function operatorDatabaseUrl(): string {
  const url = Deno.env.get("SUPABASE_DB_URL");
  if (url) return url;
  const port = Deno.env.get("SEALOG_DB_PORT") ?? "54322";
  const password = Deno.env.get("SEALOG_DB_PASSWORD") ?? "postgres";
  return `postgresql://postgres:${
    encodeURIComponent(password)
  }@127.0.0.1:${port}/postgres?sslmode=disable`;
}

/** Runs `work` with a connection pool and always closes it. */
export async function withDatabase<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(operatorDatabaseUrl(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
