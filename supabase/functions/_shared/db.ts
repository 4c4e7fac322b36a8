/**
 * The database: postgres.js over SEALOG_DB_URL, the functions' own login (sealog_functions,
 * a member of sealog_edge only) through the transaction pooler. It may execute the
 * sealog_api functions and nothing else; its timeouts are set on the role, so no startup
 * parameter beyond application_name is sent (poolers drop or refuse the others). Every
 * request makes one call here, except that POST /ingest requests waiting for a busy pool
 * share one (ingest_groups.ts).
 */
import postgres from "postgres";
import { z } from "zod";
import { config } from "./config.ts";
import { PROBLEM_CODES } from "./problems.ts";

/**
 * The name the functions give their connections. A pooler names its server connections
 * itself, so a backend that carries exactly this name was reached directly (deno task doctor).
 */
export const APPLICATION_NAME = "sealog-edge";

/** The sealog_api functions, with the JSON arguments each takes after the request context. */
export type ApiFunctions = {
  log_request: [];
  whoami: [];
  ingest: [events: unknown[]];
  ingest_otlp: [events: unknown[]];
  get_session: [sessionId: string];
  create_deletion_request: [request: Record<string, unknown>];
  get_deletion_request: [requestId: string];
  list_deletion_requests: [query: Record<string, unknown>];
  cancel_deletion_request: [requestId: string];
  record_auth_events: [events: unknown[]];
  record_auth_hook: [hook: Record<string, unknown>];
  get_usage: [query: Record<string, unknown>];
  list_sessions: [query: Record<string, unknown>];
  list_keys: [];
  list_access_log: [query: Record<string, unknown>];
  list_auth_events: [query: Record<string, unknown>];
  get_soc2_report: [query: Record<string, unknown>];
  get_data_inventory: [];
  get_retention_status: [];
  list_tenants: [];
  get_operator_usage: [query: Record<string, unknown>];
};

/**
 * What every sealog_api function answers (sealog.finish_request); pipeline.ts maps it onto
 * HTTP. Every key is present in every reply, null when it does not apply. Parsed, never
 * trusted: a code missing from the problem catalogue fails here (500), not silently.
 * The body is parsed against the route's response schema in tests/integration.
 */
export const DbReply = z.strictObject({
  status: z.int().min(200).max(599),
  code: z.enum(PROBLEM_CODES).nullable(),
  body: z.record(z.string(), z.unknown()).nullable(),
  retry_after: z.int().positive().nullable(),
  rate_limit: z.strictObject({
    /** The bucket's size (burst) and the seconds it takes to refill from empty. */
    quota: z.int(),
    window: z.int(),
    remaining: z.int(),
    reset: z.int(),
  }).nullable(),
});
export type DbReply = z.output<typeof DbReply>;

/** The database could not answer in time or at all: a 503 with Retry-After. */
export class DatabaseUnavailable extends Error {}

/**
 * The deployment cannot reach the database as it must (no or wrong URL, wrong password or
 * database, refused by the pooler, a privileged login): a 500 that retrying will not fix.
 * `setting` names what to fix, never its value.
 */
export class DatabaseMisconfigured extends Error {
  constructor(readonly setting: string, readonly reason: string, options?: ErrorOptions) {
    super("database misconfigured", options);
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const TLS_MODES = new Set(["require", "verify-ca", "verify-full"]);

let client: postgres.Sql | undefined;

function sql(): postgres.Sql {
  if (client) return client;
  const settings = config();
  const url = parseUrl(settings.SEALOG_DB_URL);
  client = postgres(url.href, {
    max: settings.SEALOG_DB_POOL_SIZE,
    connect_timeout: settings.SEALOG_DB_CONNECT_TIMEOUT_S,
    idle_timeout: 30,
    max_lifetime: 60 * 30,
    onnotice: () => {},
    // A transaction pooler hands each transaction to any server connection: no named
    // server-side prepared statements.
    prepare: false,
    // No call written behind another on one connection: a transaction pooler may hand the
    // server connection to another client at a call's ReadyForQuery while the next call's
    // bytes are on their way, and the backend then reads from a message's middle ("invalid
    // frontend message type", the connection lost; supabase/supavisor#1164, pgbouncer#759).
    // Requests that wait for a connection queue here; POST /ingest's share a commit.
    // (Spread: the option is missing from postgres.js 3.4.9's types.)
    ...{ max_pipeline: 0 },
    // No array-type catalog fetch on connect: every parameter is text or jsonb, and a
    // backend killed during that fetch (a restart) can wedge or poison the new connection
    // (porsager/postgres#1192, #1223).
    fetch_types: false,
    // The only startup parameter: Supavisor and PgBouncer forward it.
    connection: { application_name: APPLICATION_NAME },
  });
  return client;
}

/** SEALOG_DB_URL, checked: present, a postgres URL, and TLS to any host but this machine. */
function parseUrl(value: string | undefined): URL {
  if (!value) throw new DatabaseMisconfigured("SEALOG_DB_URL", "missing");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DatabaseMisconfigured("SEALOG_DB_URL", "not_a_url");
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) {
    throw new DatabaseMisconfigured("SEALOG_DB_URL", "not_a_url");
  }
  if (!LOOPBACK.has(url.hostname) && !TLS_MODES.has(url.searchParams.get("sslmode") ?? "")) {
    throw new DatabaseMisconfigured("SEALOG_DB_URL", "sslmode_required");
  }
  return url;
}

// Connection failures, shutdowns, timeouts and lock conflicts: the caller may retry.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57014", // statement timeout
  "57P01", // admin shutdown
  "57P02", // crash shutdown
  "57P03", // cannot connect now (starting up or shutting down)
  "53300", // too many connections
  "55P03", // lock not available
  "40001", // serialization failure
  "40P01", // deadlock detected
]);

// Configuration errors: retrying cannot help, the operator must fix SEALOG_DB_URL or the role.
const MISCONFIGURED_CODES = new Set([
  "08P01", // protocol violation (a pooler refusing a startup parameter)
  "28P01", // password authentication failed
  "28000", // invalid authorization (no such user, pg_hba)
  "3D000", // database does not exist
  "42501", // insufficient privilege (a login that may not run sealog_api)
]);

// PgBouncer reports its own outages with 08P01 as well (a server connection lost in a
// restart, no server to connect to, its shutdown): those mean "retry later".
const POOLER_OUTAGE =
  /server conn crashed|cannot connect to server|server login has been failing|query_wait_timeout|shutting down|server_connect_timeout/i;

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

/** True for errors that mean "the database is misconfigured", not "down". */
export function isMisconfigured(error: unknown): boolean {
  const code = errorCode(error) ?? "";
  if (code === "08P01" && POOLER_OUTAGE.test((error as Error)?.message ?? "")) return false;
  return MISCONFIGURED_CODES.has(code);
}

// Statement-level answers from a healthy connection: the pool itself is fine.
const STATEMENT_CODES = new Set(["57014", "55P03", "40001", "40P01"]);

/** True for errors that mean "the database is unavailable right now". */
export function isUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  if (code === undefined) return error instanceof Deno.errors.ConnectionRefused;
  if (isMisconfigured(error)) return false;
  return UNAVAILABLE_CODES.has(code) || code.startsWith("08");
}

/**
 * One argument of an API call as a SQL literal: a string as text, anything else as its JSON
 * text as jsonb, between dollar quotes. Inside dollar quotes PostgreSQL processes no escape
 * at all (whatever standard_conforming_strings says): the text ends only at the first
 * occurrence of the opening tag. The tag is `$` + k underscores + `$`, with k one more than
 * the longest run of underscores right after any `$` in the text, so the text can neither
 * contain the tag nor end with its first k + 1 characters (the only ways the closing tag
 * could be found early; tests/integration/db_literals_test.ts). A NUL cannot travel in a
 * query string (the protocol ends the text there), and no text column takes one: refused
 * here, as PostgreSQL refuses it in a bound parameter.
 */
export function sqlArgument(value: unknown): string {
  const isText = typeof value === "string";
  const text = isText ? value : JSON.stringify(value);
  if (typeof text !== "string") throw new TypeError("an API argument must be JSON");
  if (text.includes("\0")) throw new TypeError("an API argument cannot hold NUL");
  let longest = 0;
  for (let at = text.indexOf("$"); at !== -1; at = text.indexOf("$", at + 1)) {
    let run = 0;
    while (text.charCodeAt(at + 1 + run) === 95 /* _ */) run++;
    if (run > longest) longest = run;
  }
  const tag = `$${"_".repeat(longest + 1)}$`;
  return `${tag}${text}${tag}::${isText ? "text" : "jsonb"}`;
}

/**
 * Calls sealog_api.<fn>(ctx, ...args) in one round trip: the arguments travel as literals
 * (sqlArgument), not bound parameters. With `prepare: false`, which the transaction pooler
 * needs, postgres.js 3.4.9 sends a statement with parameters as Parse, Describe and Flush,
 * waits for the parameter types, then sends Bind, Execute and Sync (`describeFirst` in its
 * connection.js, whatever the types given): two round trips through the pooler, the server
 * connection held across both. A statement without parameters goes as Parse, Describe,
 * Bind, Execute and Sync in one write; the extended protocol (`simple: false`) also refuses
 * a second statement in the text, which the simple protocol would run. Named prepared
 * statements would still describe on each server connection's first use, and need the
 * pooler to track them. The one flight is proven through the real pooler by
 * tests/integration/db_round_trips_test.ts.
 */
export async function callApiFunction<F extends keyof ApiFunctions>(
  fn: F,
  ctx: Record<string, unknown>,
  ...args: ApiFunctions[F]
): Promise<DbReply> {
  return DbReply.parse(await runApiCall(fn, [ctx, ...args]));
}

/** One POST /ingest request as sealog_api.ingest takes it. */
export type IngestCall = { ctx: Record<string, unknown>; events: unknown[] };

/**
 * Sends POST /ingest requests as one call of sealog_api.ingest_group, one transaction: their
 * replies, in the same order (_shared/ingest_groups.ts decides when).
 */
export async function callIngestGroup(calls: IngestCall[]): Promise<DbReply[]> {
  return DbReply.array().length(calls.length).parse(await runApiCall("ingest_group", [calls]));
}

/** Calls sent and not yet answered, postgres.js's queue included. */
let outstanding = 0;
const onSettled = new Set<() => void>();

/** Calls sent and not yet answered, and the pool's size. */
export function callsUnderWay(): { calls: number; connections: number } {
  return { calls: outstanding, connections: config().SEALOG_DB_POOL_SIZE };
}

/** Runs `listener` each time a call is answered or fails, after the pool counts it free. */
export function whenCallSettles(listener: () => void): void {
  onSettled.add(listener);
}

async function runApiCall(fn: string, args: unknown[]): Promise<unknown> {
  const statement = `select sealog_api.${fn}(${args.map(sqlArgument).join(", ")}) as reply`;
  const client = sql();
  const timeoutMs = config().SEALOG_DB_CALL_TIMEOUT_MS;
  // `simple` (postgres.js 3.4.9, untyped): the extended protocol even without parameters.
  const query = client.unsafe(statement, [], { simple: false } as postgres.UnsafeQueryOptions);
  // A hung connection (not just a slow statement) must still end in a 503, never a hang.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      query.cancel();
      // The server's timeouts end slow statements first, so this means a wedged connection
      // (seen after a pooler restart): the catch below replaces the pool.
      reject(Object.assign(new Error("database call timed out"), { code: "ETIMEDOUT" }));
    }, timeoutMs);
  });
  outstanding++;
  try {
    const rows = await Promise.race([query, deadline]);
    return rows[0]!.reply;
  } catch (error) {
    if (isMisconfigured(error)) {
      throw new DatabaseMisconfigured("SEALOG_DB_URL", `sqlstate_${errorCode(error)}`, {
        cause: error,
      });
    }
    if (isUnavailable(error)) {
      if (!STATEMENT_CODES.has((error as { code?: string }).code ?? "")) discardPool(client);
      throw new DatabaseUnavailable("database unavailable", { cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    outstanding--;
    for (const listener of onSettled) listener();
  }
}

/**
 * True when the server refused the statement itself, on a sound connection: its transaction
 * rolled back, so sending its work again cannot repeat any of it. Not for a lost connection
 * or a timeout, after which the commit may or may not have happened.
 */
export function statementRefused(error: unknown): boolean {
  const cause = error instanceof DatabaseUnavailable ? error.cause : error;
  const code = errorCode(cause);
  return (cause as Error | undefined)?.name === "PostgresError" && code !== undefined &&
    !/^(08|53|57P)/.test(code) && !MISCONFIGURED_CODES.has(code);
}

/**
 * Drops a pool after a connection-level failure, so the next request dials afresh. After a
 * restart postgres.js can keep connections that never dispatch the queued queries
 * (porsager/postgres#1193, unfixed in 3.4.9): without this, every later call times out.
 * In-flight queries get a few seconds to finish.
 */
function discardPool(pool: postgres.Sql): void {
  if (client !== pool) return;
  client = undefined;
  pool.end({ timeout: 5 }).catch(() => {});
}

/** Closes the pool (tests and graceful shutdown). */
export async function closeDatabase(): Promise<void> {
  await client?.end({ timeout: 5 });
  client = undefined;
}
