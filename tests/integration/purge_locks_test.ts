/**
 * A purge never queues ingest behind it for longer than its lock_timeout. Detaching an expired
 * day needs the parent's exclusive lock, which an open ingest transaction's insert
 * (RowExclusiveLock) holds off: the purge gives up after its lock_timeout, logs
 * complete = false, lets the inserts queued behind its request through, and the next run,
 * once the lock is free, detaches the day. Its files are dropped in a transaction apart, which
 * holds no lock ingest needs. Frozen in 2019, away from every other test's rows; the
 * test removes what it wrote (its rows and its purge-log rows), which pgTAP's checks of the
 * purge log and the access log would otherwise find.
 *
 * A lock held on a day that is not expired (a DBA's maintenance, a test's transaction) must not
 * fail a run either: listing the days reads their bounds without locking them. The usage
 * rollups' two tables detach their expired days together or not at all.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { operatorDatabaseUrl } from "../../cli/lib/database.ts";
import { sql, test } from "../_support/stack.ts";

/** One more connection as `postgres`, so that three transactions can overlap. */
const connect = () =>
  postgres(operatorDatabaseUrl(), { max: 1, onnotice: () => {}, fetch_types: false });

const PATH = "/purge-lock-test";
const insertLogRow = (db: postgres.Sql | postgres.TransactionSql, at: string) =>
  db`insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
     values (gen_random_uuid(), ${at}, 'POST', ${PATH}, 200, 1, 'none', 'sealog_functions')`;

/** Waits until a backend's query waits for a heavyweight lock, as pg_stat_activity shows it. */
async function waitsForLock(pattern: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await sql`
      select count(*)::int as n from pg_stat_activity
       where wait_event_type = 'Lock' and query like ${pattern}`;
    if (row!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no backend waits for a lock running ${pattern}`);
}

/**
 * Runs `run` again until `done` holds of its result, at most `attempts` times, as pg_cron's
 * next runs would come: the tests running alongside insert into the same tables, and a detach
 * waits at most 500 ms for a lock.
 */
async function retried<T>(run: () => Promise<T>, done: (result: T) => boolean, attempts = 5) {
  for (let attempt = 1;; attempt++) {
    const result = await run();
    if (done(result) || attempt === attempts) return result;
  }
}

/** A purge run, then the runs after it until one completes; every purge_id goes to `runs`. */
function untilComplete(
  runs: number[],
  purge: () => Promise<{ purge_id: number; complete: boolean; partitions_dropped: number }>,
) {
  return retried(async () => {
    const run = await purge();
    runs.push(run.purge_id);
    return run;
  }, (run) => run.complete);
}

/**
 * Ends a test: rolls back the transaction it may have left open, closes its connections, then
 * removes what it wrote: its access-log rows, the day it left attached (detached at
 * `detachBefore`), every detached day, and its purge-log rows.
 */
async function cleanUp(
  connections: postgres.Sql[],
  runs: number[],
  options: { rollback?: postgres.Sql; detachBefore?: string } = {},
): Promise<void> {
  const open = options.rollback;
  if (open) await open`rollback`.catch(() => {});
  await Promise.all(connections.map((db) => db.end()));
  await sql`delete from sealog.api_access_log where path = ${PATH}`;
  const detachBefore = options.detachBefore;
  if (detachBefore) {
    // As a purge's, this detach gives way after 500 ms when the parent or the day is busy, and
    // a day left attached would be found by the next test's purge: again until it is done.
    await retried(
      async () => {
        const [detach] = await sql`
        select (sealog.detach_expired_partitions('sealog.api_access_log', ${detachBefore})).complete`;
        return detach!.complete as boolean;
      },
      (complete) => complete,
      10,
    );
  }
  await sql`select sealog.purge_detached_days()`;
  if (runs.length) await sql`delete from sealog.purge_log where purge_id in ${sql(runs)}`;
}

test("a partition detach behind an open ingest transaction gives up at its lock_timeout, and the next run detaches it", async () => {
  const [holder, purger, ingest] = [connect(), connect(), connect()];
  const runs: number[] = [];
  try {
    // 2019-01-10 is past its 90 days at 2019-04-11 00:20 (the cutoff is 2019-01-11 00:00).
    await sql`select sealog.create_day_partitions('sealog.api_access_log', '2019-01-10', 0, 0)`;
    await insertLogRow(sql, "2019-01-10 12:00:00+00");

    await holder`begin`;
    await insertLogRow(holder, new Date().toISOString());

    // postgres.js sends a query when it is awaited, or at execute().
    const purge = purger`select sealog.purge_api_access_log('2019-04-11 00:20:00+00') as run`
      .execute();
    await waitsForLock("select sealog.purge_api_access_log(%");
    // An insert arriving now queues behind the purge's lock request...
    const queued = insertLogRow(ingest, new Date().toISOString()).execute();
    await waitsForLock("insert into sealog.api_access_log%");

    // ...and both finish while the ingest transaction is still open: the purge gave up.
    const [first] = await purge;
    const run = first!.run;
    runs.push(run.purge_id);
    await queued;
    assert.equal(run.complete, false);
    assert.equal(run.partitions_dropped, 0);
    assert.match(
      String(run.note),
      /^sealog\.api_access_log: lock not available; retried at the next run$/,
    );
    const [logged] = await sql`
      select complete, note from sealog.purge_log where purge_id = ${run.purge_id}`;
    assert.equal(logged!.complete, false, "the purge log says the run was incomplete");
    assert.equal(
      await holder`select 1 as open`.then((rows) => rows.length),
      1,
      "the transaction is still open",
    );
    await holder`commit`;

    const next = await untilComplete(runs, async () => {
      const [row] =
        await purger`select sealog.purge_api_access_log('2019-04-11 01:20:00+00') as run`;
      return row!.run;
    });
    assert.equal(next.complete, true);
    assert.equal(next.partitions_dropped, 1);
    const [gone] = await sql`select to_regclass('sealog.api_access_log_p20190110') is null as gone`;
    assert.equal(gone!.gone, true, "the next run takes the expired day out of the table");
  } finally {
    await cleanUp([holder, purger, ingest], runs, { detachBefore: "2019-01-11 00:00:00+00" });
  }
});

test("a lock held on a day that is not expired fails no purge run and no oldest-row probe", async () => {
  const [holder, purger] = [connect(), connect()];
  const runs: number[] = [];
  try {
    // 2019-01-12 is past its 90 days at 2019-04-13 00:20 (the cutoff is 2019-01-13 00:00).
    await sql`select sealog.create_day_partitions('sealog.api_access_log', '2019-01-12', 0, 0)`;
    await insertLogRow(sql, "2019-01-12 12:00:00+00");
    await insertLogRow(sql, new Date().toISOString()); // today's: the oldest row once 2019 goes
    // Tomorrow's day, created ahead and empty, held as a transaction that altered it would.
    const [day] = await sql`
      select format('sealog.api_access_log_p%s', to_char(now() at time zone 'utc' + interval '1 day', 'YYYYMMDD'))
             as tomorrow`;
    await holder`begin`;
    await holder.unsafe(`lock table ${day!.tomorrow} in access exclusive mode`);

    // The run returns (before the fix it failed on its lock timeout while listing the days).
    const [first] =
      await purger`select sealog.purge_api_access_log('2019-04-13 00:20:00+00') as run`;
    const run = first!.run;
    runs.push(run.purge_id);
    if (run.complete) {
      assert.equal(run.partitions_dropped, 1, "the expired day is dropped beside the held one");
    } else {
      // The tests running alongside may hold the parent with their inserts, as in the test
      // above, or the expired day with a read (the SOC 2 report's): then only the expired
      // day's detach waits, never the held day.
      assert.match(
        String(run.note),
        /^sealog\.api_access_log(_p20190112)?: lock not available; retried at the next run$/,
      );
    }

    const oldest = await purger.begin(async (tx) => {
      await tx`set local lock_timeout = '2s'`;
      return await tx`select sealog.oldest_row_at('sealog.api_access_log', 'received_at') as at`;
    });
    assert.ok(
      oldest[0]!.at instanceof Date,
      "the oldest row is found without waiting for the held day",
    );
    await holder`commit`;
  } finally {
    await cleanUp([holder, purger], runs, {
      rollback: holder,
      detachBefore: "2019-01-13 00:00:00+00",
    });
  }
});

test("an expired day leaves its table in the purge's transaction and is dropped in another, which holds no lock that ingest needs", async () => {
  const [holder, purger, ingest] = [connect(), connect(), connect()];
  const runs: number[] = [];
  const DAY = "sealog.api_access_log_p20190114_expired";
  try {
    // pg_cron's sealog-purge-detached-days runs at every minute's start and would drop the
    // detached day before the holder locks it: start well inside a minute.
    while (new Date().getUTCSeconds() >= 50) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // 2019-01-14 is past its 90 days at 2019-04-15 00:20 (the cutoff is 2019-01-15 00:00).
    await sql`select sealog.create_day_partitions('sealog.api_access_log', '2019-01-14', 0, 0)`;
    await insertLogRow(sql, "2019-01-14 12:00:00+00");

    const first = await untilComplete(runs, async () => {
      const [row] =
        await purger`select sealog.purge_api_access_log('2019-04-15 00:20:00+00') as run`;
      return row!.run;
    });
    assert.equal(first.partitions_dropped, 1);
    const [after] = await sql`
      select (select count(*)::int from sealog.api_access_log
               where received_at >= '2019-01-14' and received_at < '2019-01-15') as rows,
             (select not relispartition from pg_class where oid = to_regclass(${DAY})) as detached`;
    assert.equal(after!.rows, 0, "the day's rows are gone from the table at the purge's commit");
    assert.equal(after!.detached, true, "its files wait, detached, for a transaction of their own");

    // The drop waits behind a lock on the detached day (as a slow unlink would hold it)...
    await holder`begin`;
    await holder.unsafe(`lock table ${DAY} in access share mode`);
    const drop = purger`
      select (sealog.purge_detached_days() ->> 'partitions_dropped')::int as dropped`.execute();
    await waitsForLock("%select (sealog.purge_detached_days()%");
    // ...while ingest writes the parent, under a lock_timeout it would hit if the drop held it.
    await ingest.begin(async (tx) => {
      await tx`set local lock_timeout = '500ms'`;
      await insertLogRow(tx, new Date().toISOString());
    });
    const [dropped] = await drop;
    assert.equal(dropped!.dropped, 0, "the held day is left for the next run");
    await holder`commit`;

    const [next] = await purger`
      select (sealog.purge_detached_days() ->> 'partitions_dropped')::int as dropped`;
    assert.ok(next!.dropped >= 1);
    const [gone] = await sql`select to_regclass(${DAY}) is null as gone`;
    assert.equal(gone!.gone, true, "the next run drops it");
  } finally {
    await cleanUp([holder, purger, ingest], runs, {
      rollback: holder,
      detachBefore: "2019-01-15 00:00:00+00",
    });
  }
});

test("a purge waits for a lock on an expired day (a vacuum's) before it locks the parent, so ingest goes on meanwhile", async () => {
  const [holder, purger, ingest] = [connect(), connect(), connect()];
  const runs: number[] = [];
  try {
    // 2019-01-16 is past its 90 days at 2019-04-17 00:20 (the cutoff is 2019-01-17 00:00).
    await sql`select sealog.create_day_partitions('sealog.api_access_log', '2019-01-16', 0, 0)`;
    await insertLogRow(sql, "2019-01-16 12:00:00+00");

    // The lock a vacuum of the expired day holds.
    await holder`begin`;
    await holder`lock table sealog.api_access_log_p20190116 in share update exclusive mode`;
    const purge = purger`select sealog.purge_api_access_log('2019-04-17 00:20:00+00') as run`
      .execute();
    await waitsForLock("select sealog.purge_api_access_log(%");
    // Ingest writes the parent while the purge waits: it has not locked the parent yet.
    await ingest.begin(async (tx) => {
      await tx`set local lock_timeout = '500ms'`;
      await insertLogRow(tx, new Date().toISOString());
    });
    await holder`commit`;

    const [first] = await purge;
    const run = first!.run;
    runs.push(run.purge_id);
    if (run.complete) {
      assert.equal(run.partitions_dropped, 1, "the day is detached once the vacuum is done");
    } else {
      // On a loaded machine the purge's 500 ms for a lock may run out first: the day's, or the
      // parent's, which the tests running alongside hold with their inserts.
      assert.match(String(run.note), /^sealog\.api_access_log(_p20190116)?: lock not available/);
    }
  } finally {
    await cleanUp([holder, purger, ingest], runs, {
      rollback: holder,
      detachBefore: "2019-01-17 00:00:00+00",
    });
  }
});

test("a read that holds the parent and then asks for a day the purge holds goes on: the purge gives way before a deadlock", async () => {
  const [reader, purger] = [connect(), connect()];
  const runs: number[] = [];
  try {
    // 2019-01-18 is past its 90 days at 2019-04-19 00:20 (the cutoff is 2019-01-19 00:00).
    await sql`select sealog.create_day_partitions('sealog.api_access_log', '2019-01-18', 0, 0)`;
    await insertLogRow(sql, "2019-01-18 12:00:00+00");

    // A read through the parent, as a generic plan locks it before its days.
    await reader`begin`;
    await reader`lock table only sealog.api_access_log in access share mode`;
    const purge = purger`select sealog.purge_api_access_log('2019-04-19 00:20:00+00') as run`
      .execute();
    await waitsForLock("select sealog.purge_api_access_log(%");
    // The purge holds the expired day and waits for the parent; the read now asks for the day.
    await reader`lock table sealog.api_access_log_p20190118 in access share mode`;
    await reader`commit`;

    const [first] = await purge;
    const run = first!.run;
    runs.push(run.purge_id);
    assert.equal(run.complete, false);
    assert.equal(run.partitions_dropped, 0, "all or none: nothing detached");
    assert.equal(run.note, "sealog.api_access_log: lock not available; retried at the next run");
  } finally {
    await cleanUp([reader, purger], runs, {
      rollback: reader,
      detachBefore: "2019-01-19 00:00:00+00",
    });
  }
});

test("the usage rollups' expired days leave both tables or neither: a lock held on one table's day undoes the other's detach", async () => {
  const [holder, purger] = [connect(), connect()];
  const days = ["sealog.usage_rollups_p20190120", "sealog.usage_risk_rollups_p20190120"];
  const attached = () =>
    sql`select count(*)::int as n from pg_inherits where inhrelid::regclass::text in ${sql(days)}`
      .then(([row]) => row!.n);
  try {
    // 2019-01-20 is past its 90 days at 2019-04-21 00:20 (the cutoff is 2019-01-21 00:00).
    await sql`select sealog.create_day_partitions(t, '2019-01-20', 0, 0)
                from unnest(array['sealog.usage_rollups', 'sealog.usage_risk_rollups']::regclass[]) as t`;
    await holder`begin`;
    await holder`lock table sealog.usage_risk_rollups_p20190120 in access exclusive mode`;

    // The rollups' day is detached first, the risk rollups' waits 500 ms and gives way: both stay.
    const [first] =
      await purger`select sealog.purge_usage_rollups('2019-04-21 00:20:00+00') as run`;
    assert.equal(first!.run.complete, false, "the run says it did not finish");
    assert.equal(await attached(), 2, "neither table's expired day left it");
    await holder`rollback`;

    // The next run: the tests alongside fold usage into the rollup tables, which may hold one
    // past the detach's 500 ms; again then, at most five times, as pg_cron's next runs would.
    const next = await retried(async () => {
      const [row] =
        await purger`select sealog.purge_usage_rollups('2019-04-21 01:20:00+00') as run`;
      return row!.run.complete as boolean;
    }, (complete) => complete);
    assert.equal(next, true, "the next run finishes");
    assert.equal(await attached(), 0, "and takes the expired day out of both tables");
  } finally {
    await holder`rollback`.catch(() => {});
    await Promise.all([holder, purger].map((db) => db.end()));
    await sql`select sealog.purge_detached_days()`;
    for (const day of days) await sql`drop table if exists ${sql(day.split("."))}`;
  }
});
