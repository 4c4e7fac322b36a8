/**
 * A second functions server, started exactly as the stack starts it (local/serve.ts) but with
 * settings of the test's own: a wrong database URL, another login, another pool size.
 * It inherits the stack's environment; `env` overrides it and `unset` removes settings.
 */
export type FunctionsServer = {
  baseUrl: string;
  /** Everything the server wrote on stderr so far (its log lines). */
  log: () => string;
  stop: () => Promise<void>;
};

export async function startFunctionsServer(
  env: Record<string, string>,
  unset: string[] = [],
): Promise<FunctionsServer> {
  const inherited = Deno.env.toObject();
  for (const name of unset) delete inherited[name];
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-sys",
      "local/serve.ts",
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    clearEnv: true,
    env: { ...inherited, SEALOG_PORT: "0", ...env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let log = "";
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of process.stderr) log += decoder.decode(chunk, { stream: true });
  })();
  const stop = async () => {
    try {
      process.kill("SIGTERM");
    } catch { /* already gone */ }
    await process.status;
    await reading;
  };
  // serve.ts prints its address once it listens (SEALOG_PORT=0 picks a free port).
  for (let i = 0; i < 300; i++) {
    const match = /functions served at (http:\/\/127\.0\.0\.1:\d+)\/functions\/v1/.exec(log);
    if (match) return { baseUrl: `${match[1]}/functions/v1`, log: () => log, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the functions server did not start: ${log}`);
}

/** The stack's functions URL (SEALOG_DB_URL) with another user, password or port. */
export function databaseUrl(change: { user?: string; password?: string; port?: string }): string {
  const url = new URL(Deno.env.get("SEALOG_DB_URL")!);
  if (change.user !== undefined) url.username = change.user;
  if (change.password !== undefined) url.password = change.password;
  if (change.port !== undefined) url.port = change.port;
  return url.href;
}
