/** The bench's settings and its load generator: autocannon in a Node process of its own. */

export function requiredEnv(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set: run deno task bench`);
  return value;
}

export function progress(message: string) {
  console.error(`[bench] ${message}`);
}

export const BASE_URL = requiredEnv("SEALOG_BENCH_BASE_URL");
export const API_KEY = requiredEnv("SEALOG_BENCH_API_KEY");
export const TENANT_ID = requiredEnv("SEALOG_BENCH_TENANT_ID");

/** What one autocannon run reports (bench/loadgen/run.mjs). */
export type LoadResult = {
  seconds: number;
  requests: number;
  ok: number;
  warmupOk: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  requestsPerS: number;
  eventsPerS: number | null;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  clientCpuUsPerRequest: number;
  /** With `timeline`: each measured response's [end (Unix ms), latency ms]. */
  timeline?: [number, number][];
  /** With `timeline`: when the load generator's event loop was late, [end (Unix ms), ms late]. */
  loopStalls?: [number, number][];
};

export type LoadOptions = {
  path: string;
  /** Another functions server (the pooler comparison's direct one); BASE_URL by default. */
  baseUrl?: string;
  method?: string;
  headers?: Record<string, string>;
  batch?: number;
  /** Bearer tokens, one per connection in turn (overrides the headers' Authorization). */
  keys?: string[];
  connections: number;
  seconds: number;
  warmupSeconds?: number;
  /** Report each response's end time and latency (LoadResult.timeline). */
  timeline?: boolean;
  /** Requests per second over all connections, spaced evenly; as fast as answered by default. */
  ratePerSecond?: number;
};

export const ingestHeaders = (key: string) => ({
  Authorization: `Bearer ${key}`,
  "Content-Type": "application/json",
});

function command(options: LoadOptions) {
  const { path, baseUrl, ...rest } = options;
  return new Deno.Command("node", {
    args: [
      new URL("./loadgen/run.mjs", import.meta.url).pathname,
      JSON.stringify({ url: `${baseUrl ?? BASE_URL}${path}`, ...rest }),
    ],
    stdout: "piped",
    stderr: "inherit",
  });
}

function parse(output: Deno.CommandOutput, path: string): LoadResult {
  if (!output.success) throw new Error(`load generator failed for ${path}`);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** One bounded run: its results once it is over. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  return parse(await command(options).output(), options.path);
}

/** A run that lasts until stop() (or options.seconds, as a bound). */
export function startLoad(options: LoadOptions): { stop: () => Promise<LoadResult> } {
  const child = command(options).spawn();
  return {
    stop: async () => {
      child.kill("SIGTERM");
      return parse(await child.output(), options.path);
    },
  };
}
