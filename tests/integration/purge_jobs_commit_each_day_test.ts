/**
 * The jobs of the day-partitioned tables detach one expired day per transaction
 * (sealog.one_day_per_transaction): a detach holds its parent's lock until commit, so a
 * catch-up of many days must not hold it for all of them at once. The command pg_cron runs is
 * built by that function; here it is built with a frozen time, 2018, away from every other
 * test's days (purge_locks_test's are in 2019), and run as pg_cron runs it: one statement,
 * outside a transaction block. The test removes the purge-log rows it made.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { operatorDatabaseUrl } from "../../cli/lib/database.ts";
import { sql, test } from "../_support/stack.ts";

/** As `postgres`, pg_cron's role; a job that loops past 20 s fails here instead of hanging. */
const connect = () =>
  postgres(operatorDatabaseUrl(), {
    max: 1,
    onnotice: () => {},
    fetch_types: false,
    connection: { statement_timeout: 20_000 },
  });

/** The job's command for the access log at `now`, as pg_cron would run it then. */
async function jobCommand(now: string) {
  const [row] = await sql`
    select sealog.one_day_per_transaction('sealog.purge_api_access_log', ${now}) as command`;
  return row!.command as string;
}

/** Creates `days` (YYYY-MM-DD) of the access log, one row in each. */
async function seedDays(days: string[]) {
  for (const day of days) {
    await sql`select sealog.create_day_partitions('sealog.api_access_log', ${day}, 0, 0)`;
    await sql`
      insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
      values (gen_random_uuid(), ${
      day + " 12:00:00+00"
    }, 'POST', '/purge-job-test', 200, 1, 'none', 'sealog_functions')`;
  }
}

const partitionName = (day: string) => `sealog.api_access_log_p${day.replaceAll("-", "")}`;

/** The purge-log rows of the access log's runs at `now`, each with its transaction's id. */
const runsAt = (now: string) =>
  sql<{ purge_id: number; partitions_dropped: number; complete: boolean; txid: string }[]>`
    select purge_id, partitions_dropped::int, complete, xmin::text as txid
      from sealog.purge_log
     where category = 'api_access_logs' and ran_at = ${now}
     order by purge_id`;

async function cleanUp(now: string, days: string[]) {
  await sql`delete from sealog.purge_log where category = 'api_access_logs' and ran_at = ${now}`;
  await sql`delete from sealog.api_access_log where path = '/purge-job-test'`;
  // A day still attached (when a step failed) is detached here, then every one dropped.
  await sql`select sealog.detach_expired_partitions('sealog.api_access_log',
                                                    ${days.at(-1)!}::date + 1)`;
  await sql`select sealog.purge_detached_days()`;
}

test("the access log's job deletes rows, then detaches three expired days, in four transactions", async () => {
  // At 2018-04-04 00:20 the 90-day cutoff is 2018-01-04 00:00: these three days are past it.
  const now = "2018-04-04 00:20:00+00";
  const days = ["2018-01-01", "2018-01-02", "2018-01-03"];
  const job = connect();
  try {
    await seedDays(days);
    await job.unsafe(await jobCommand(now));
    const runs = await runsAt(now);
    assert.deepEqual(
      runs.map((r) => r.partitions_dropped),
      [0, 1, 1, 1],
      "the row deletes' step detaches nothing, then one purge-log row per day: each step detached one",
    );
    assert.equal(new Set(runs.map((r) => r.txid)).size, 4, "each in a transaction of its own");
    assert.ok(runs.every((r) => r.complete));
    const [left] = await sql`
      select count(*)::int as n from pg_inherits
       where inhrelid::regclass::text in ${sql(days.map(partitionName))}`;
    assert.equal(left!.n, 0, "no expired day is left attached");
  } finally {
    await job.end();
    await cleanUp(now, days);
  }
});

test("the job stops, and does not wait again and again, when a step cannot get a day's lock", async () => {
  const now = "2018-05-04 00:20:00+00"; // the cutoff is 2018-02-03 00:00
  const days = ["2018-02-01", "2018-02-02"];
  const [holder, job] = [connect(), connect()];
  try {
    await seedDays(days);
    await holder`begin`;
    await holder.unsafe(`lock table ${partitionName(days[0]!)} in access share mode`);
    // After the row deletes' step, the first day's step waits 500 ms for the oldest day and
    // gives way; the loop ends there. A loop that went on while days are left would wait for the
    // lock until the holder let go.
    await job.unsafe(await jobCommand(now));
    const runs = await runsAt(now);
    assert.deepEqual(
      runs.map((r) => [r.partitions_dropped, r.complete]),
      [[0, true], [0, false]],
      "one day's step, which says it did not finish",
    );
    await holder`rollback`;
    await job.unsafe(await jobCommand(now));
    assert.deepEqual(
      (await runsAt(now)).slice(2).map((r) => r.partitions_dropped),
      [0, 1, 1],
      "the next run detaches both, one a transaction",
    );
  } finally {
    await holder`rollback`.catch(() => {});
    await Promise.all([holder, job].map((db) => db.end()));
    await cleanUp(now, days);
  }
});
