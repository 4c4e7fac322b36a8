/**
 * Control of the test cluster for resilience tests (tests/disruptive/, run serially):
 * restarts PostgreSQL, or the pooler in front of it, the way an outage would, as the
 * cluster's owner.
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

// scripts/lib.sh exports the pooler's config; its pid file sits beside it.
const poolerIni = Deno.env.get("SEALOG_POOLER_INI") ?? "";
const asOwner = (command: string) =>
  Deno.uid() === 0 ? ["runuser", "-u", "postgres", "--", command] : [command];

/** Kills the pooler (SIGKILL), as a crash of Supavisor or PgBouncer would. */
export async function stopPoolerImmediately(): Promise<void> {
  const pidFile = poolerIni.replace(/pgbouncer\.ini$/, "pgbouncer.pid");
  const pid = Number((await Deno.readTextFile(pidFile)).trim());
  Deno.kill(pid, "SIGKILL");
  for (let i = 0; i < 100; i++) {
    try {
      Deno.kill(pid, "SIGCONT");
    } catch {
      return; // gone
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the pooler did not stop");
}

/** Starts the pooler again with the stack's config; retries while its port is still held. */
export async function startPooler(): Promise<void> {
  const [command, ...args] = asOwner("/usr/sbin/pgbouncer");
  let stderr = "";
  for (let attempt = 0; attempt < 10; attempt++) {
    const result = await new Deno.Command(command!, {
      args: [...args, "-q", "-d", poolerIni],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (result.code === 0) return;
    stderr = new TextDecoder().decode(result.stderr);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`pgbouncer did not start: ${stderr}`);
}
