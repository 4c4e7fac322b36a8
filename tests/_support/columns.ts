/** What reached the database: the columns of schema sealog that hold a given text. */
import assert from "node:assert/strict";
import type postgres from "postgres";

/**
 * Every column (all types but bytea, cast to text) of every table in schema sealog that
 * holds one of the ILIKE patterns; partitions are read through their parent.
 */
export async function columnsHolding(
  db: postgres.Sql | postgres.TransactionSql,
  patterns: string[],
) {
  const columns = await db`
    select c.relname as table_name, a.attname as column_name
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid
     where n.nspname = 'sealog'
       and c.relkind in ('r', 'p')
       and not c.relispartition
       and a.attnum > 0
       and not a.attisdropped
       and a.atttypid <> 'bytea'::regtype
     order by 1, 2`;
  assert.ok(columns.length > 20, "the scan covers the schema");
  assert.ok(columns.some((c) => c.table_name === "auth_events" && c.column_name === "user_id"));
  const found: string[] = [];
  for (const { table_name, column_name } of columns) {
    let hit;
    try {
      [hit] = await db.unsafe(
        `select count(*)::int as n from sealog.${ident(table_name)} where ${
          ident(column_name)
        }::text ilike any (array(select jsonb_array_elements_text($1::jsonb)))`,
        [patterns],
      );
    } catch (error) {
      // A day that a purge detached (a table of its own until then) may be dropped since the
      // list was read, by sealog.purge_detached_days (pg_cron, or a test running alongside):
      // it holds nothing any more.
      if ((error as { code?: string }).code === "42P01") continue;
      throw error;
    }
    if (hit!.n > 0) found.push(`sealog.${table_name}.${column_name}`);
  }
  return found;
}

/** A quoted SQL identifier (names come from pg_catalog, quoted all the same). */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
