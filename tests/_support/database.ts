/**
 * Control of the test cluster for resilience tests (tests/disruptive/, run serially):
 * restarts PostgreSQL the way an outage would, as the cluster's owner.
 */
// scripts/lib.sh exports where the cluster lives (see cluster_dir there).
const pgdata = Deno.env.get("SEALOG_PGDATA") ??
  `${Deno.env.get("SEALOG_DATA_DIR") ?? ".sealog/test"}/pg`;
const PG_CTL = "/usr/lib/postgresql/15/bin/pg_ctl";

async function pgCtl(...args: string[]): Promise<void> {
  const asOwner = Deno.uid() === 0 ? ["runuser", "-u", "postgres", "--", PG_CTL] : [PG_CTL];
  const port = Deno.env.get("SEALOG_DB_PORT") ?? "54332";
  const command = new Deno.Command(asOwner[0]!, {
    args: [
      ...asOwner.slice(1),
      "-D",
      pgdata,
      "-l",
      `${pgdata}/../postgres.log`,
      "-o",
      `-p ${port}`,
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
  });
  const { code, stderr } = await command.output();
  if (code !== 0) {
    throw new Error(`pg_ctl ${args.join(" ")} failed: ${new TextDecoder().decode(stderr)}`);
  }
}

/** Stops PostgreSQL in immediate mode (no checkpoint, connections cut), as a crash would. */
export const stopDatabaseImmediately = () => pgCtl("-m", "immediate", "-w", "stop");

/** Starts PostgreSQL again and waits until it accepts connections. */
export const startDatabase = () => pgCtl("-w", "-t", "60", "start");
