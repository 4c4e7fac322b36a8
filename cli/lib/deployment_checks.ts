/**
 * The checks of `deno task doctor`: a deployment seen from outside, through its functions URL
 * and an operator connection. Secrets are probed by their effect (a request that needs them),
 * never read or printed.
 */
import type postgres from "postgres";
import { APPLICATION_NAME } from "../../supabase/functions/_shared/db.ts";

/** What a check found; a failure carries the fix to print. */
export type Outcome = { ok: boolean; detail: string; fix?: string };
export type Check = { name: string; run: () => Promise<Outcome> };

/** The deployment under check. */
export type Target = {
  /** The functions' base URL, e.g. https://<ref>.supabase.co/functions/v1, no trailing slash. */
  functionsUrl: string;
  /** An operator connection, and its URL for the Supabase CLI. */
  sql: postgres.Sql;
  dbUrl: string;
  /** A tenant key for the whoami check. */
  key?: string;
  /** A browser origin that CORS must allow. */
  origin?: string;
  advisors: boolean;
};

const pass = (detail: string): Outcome => ({ ok: true, detail });
const failure = (detail: string, fix: string): Outcome => ({ ok: false, detail, fix });

/** The checks that apply to `target`, in the order they are printed. */
export function deploymentChecks(
  { functionsUrl, sql, dbUrl, key, origin, advisors }: Target,
): Check[] {
  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${functionsUrl}${path}`, {
      ...init,
      signal: AbortSignal.timeout(15_000),
    });
    await response.body?.cancel();
    return response;
  }

  /** The problem code of a response (a second request: the first's body was discarded). */
  async function problemCode(path: string, init: RequestInit): Promise<[number, string | null]> {
    const response = await fetch(`${functionsUrl}${path}`, {
      ...init,
      signal: AbortSignal.timeout(15_000),
    });
    const body = await response.json().catch(() => ({}));
    return [response.status, typeof body?.code === "string" ? body.code : null];
  }

  const checks: Check[] = [
    {
      name: "migrations are at head",
      run: async () => {
        const local = [...Deno.readDirSync("supabase/migrations")]
          .map((entry) => /^(\d+)_.*\.sql$/.exec(entry.name)?.[1])
          .filter((version): version is string => version !== undefined);
        const applied = new Set(
          (await sql`select version from supabase_migrations.schema_migrations`).map((row) =>
            row.version as string
          ),
        );
        const missing = local.filter((version) => !applied.has(version)).sort();
        return missing.length === 0
          ? pass(`${local.length} migrations applied`)
          : failure(`${missing.length} not applied (first ${missing[0]})`, "run supabase db push");
      },
    },
    {
      name: "pg_cron jobs exist and their last runs succeeded",
      run: async () => {
        const rows = await sql`
          select p.purge_job, j.active,
                 (select d.status from cron.job_run_details d
                   where d.jobid = j.jobid order by d.start_time desc limit 1) as last_status
            from sealog.retention_policies p
            left join cron.job j on j.jobname = p.purge_job
           where p.purge_job is not null`;
        const missing = rows.filter((row) => !row.active).map((row) => row.purge_job);
        const failed = rows.filter((row) => row.last_status === "failed").map((row) =>
          row.purge_job
        );
        if (missing.length > 0) {
          return failure(`missing or inactive: ${missing.join(", ")}`, "run supabase db push");
        }
        if (failed.length > 0) {
          return failure(
            `last run failed: ${failed.join(", ")}`,
            "see cron.job_run_details and docs/dba-guide.md",
          );
        }
        const ran = rows.filter((row) => row.last_status === "succeeded").length;
        return pass(`${rows.length} jobs, ${ran} have run and succeeded, none failed`);
      },
    },
    {
      name: "the functions' login is least-privileged, with its timeouts",
      run: async () => {
        const [role] = await sql`
          select r.rolcanlogin, r.rolsuper or r.rolbypassrls or r.rolcreaterole or r.rolreplication as powerful,
                 to_jsonb(coalesce(r.rolconfig, '{}')) as settings,
                 to_jsonb(array(select m.roleid::regrole::text from pg_auth_members m where m.member = r.oid)) as member_of
            from pg_roles r where r.rolname = 'sealog_functions'`;
        if (!role) return failure("role sealog_functions is missing", "run supabase db push");
        const settings = (role.settings as string[]).map((setting) => setting.split("=")[0]);
        const timeouts = [
          "statement_timeout",
          "lock_timeout",
          "idle_in_transaction_session_timeout",
        ];
        const absent = timeouts.filter((name) => !settings.includes(name));
        if (
          !role.rolcanlogin || role.powerful ||
          (role.member_of as string[]).join() !== "sealog_edge"
        ) {
          return failure(
            "sealog_functions has attributes or memberships beyond sealog_edge",
            "restore it as supabase/migrations/*_edge_role.sql creates it",
          );
        }
        if (absent.length > 0) {
          return failure(`no ${absent.join(", ")} on the role`, "run supabase db push");
        }
        return pass("member of sealog_edge only; timeouts set on the role");
      },
    },
    {
      name: "the functions reach the database as sealog_functions",
      run: async () => {
        // An unauthenticated request: 401, logged by the database with the role that ran it.
        const response = await request("/ingest/whoami");
        const requestId = response.headers.get("X-Request-Id");
        if (response.status === 500) {
          return failure(
            "the functions answer 500 (database_misconfigured or a missing setting)",
            "set SEALOG_DB_URL to sealog_functions.<ref> on the transaction pooler (port 6543): " +
              "supabase secrets set, then deno task db-password if the password is unset",
          );
        }
        const [row] = requestId
          ? await sql`select db_role from sealog.api_access_log where request_id = ${requestId}::uuid`
          : [];
        if (!row) return failure(`no access-log row (HTTP ${response.status})`, "check the URL");
        return row.db_role === "sealog_functions"
          ? pass("the request ran as sealog_functions")
          : failure(`the request ran as ${row.db_role}`, "point SEALOG_DB_URL at sealog_functions");
      },
    },
    {
      name: "the functions reach the database through the transaction pooler",
      run: async () => {
        // After a request, the login's server connections stay open. A pooler names them
        // itself (Supavisor: "Supavisor"; PgBouncer with application_name_add_host appends
        // the client's address); a direct connection keeps the functions' own name.
        await request("/ingest/whoami");
        const rows = await sql`
          select application_name, count(*)::int as connections
            from pg_stat_activity
           where usename = 'sealog_functions'
           group by 1`;
        const direct = rows.find((row) => row.application_name === APPLICATION_NAME);
        if (direct) {
          return failure(
            `${direct.connections} connection(s) straight to the database`,
            "point SEALOG_DB_URL at the transaction pooler (port 6543), not the database host",
          );
        }
        return rows.length > 0
          ? pass(
            `server connections named by the pooler (${
              rows.map((row) => String(row.application_name).split(" - ")[0]).join(", ")
            })`,
          )
          : failure("no connection of sealog_functions after a request", "check SEALOG_DB_URL");
      },
    },
    {
      name: "SEALOG_PSEUDONYM_KEY is set",
      run: async () => {
        // Hashing a subject needs the key; an unknown tenant key is then refused with 401.
        const [status, code] = await problemCode("/deletion-requests", {
          method: "POST",
          headers: {
            Authorization: `Bearer slg_live_${"D".repeat(43)}`,
            "Content-Type": "application/json",
          },
          body: JSON.stringify({ subject: { user_id: crypto.randomUUID() } }),
        });
        return code === "not_configured"
          ? failure("not set", "supabase secrets set SEALOG_PSEUDONYM_KEY=<32+ random characters>")
          : status === 401
          ? pass("set (probed, never read)")
          : failure(`unexpected HTTP ${status} ${code ?? ""}`, "check the functions' logs");
      },
    },
    {
      name: "the Auth hook secret is set (when hooks are used)",
      run: async () => {
        const [status, code] = await problemCode("/auth-events", {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "webhook-id": "msg_doctor",
            "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
            "webhook-signature": "v1,ZG9jdG9y",
          },
          body: "{}",
        });
        return code === "not_configured"
          ? failure(
            "SEALOG_AUTH_HOOK_SECRET or SEALOG_AUTH_HOOK_TENANT_ID is not set",
            "supabase secrets set both, from the Auth hook settings (skip if you use no hooks)",
          )
          : status === 401
          ? pass("set (a bad signature is refused)")
          : failure(`unexpected HTTP ${status} ${code ?? ""}`, "check the functions' logs");
      },
    },
  ];

  if (origin) {
    checks.push({
      name: `CORS allows ${origin}`,
      run: async () => {
        const response = await request("/ingest", {
          method: "OPTIONS",
          headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
        });
        return response.headers.get("Access-Control-Allow-Origin") === origin
          ? pass("allowed")
          : failure("not allowed", `supabase secrets set SEALOG_ALLOWED_ORIGINS=${origin}`);
      },
    });
  }

  if (key) {
    checks.push({
      name: "whoami works with the key",
      run: async () => {
        const [status, code] = await problemCode("/ingest/whoami", {
          headers: { Authorization: `Bearer ${key}` },
        });
        return status === 200
          ? pass("200")
          : failure(`HTTP ${status} ${code ?? ""}`, "issue a key with deno task key, or check it");
      },
    });
  }

  if (advisors) {
    checks.push({
      name: "supabase db advisors is clean",
      run: async () => {
        const { code } = await new Deno.Command(Deno.env.get("SUPABASE_CLI") ?? "supabase", {
          args: ["db", "advisors", `--remote=${dbUrl}`, "--level", "warn", "--fail-on", "warn"],
          stdout: "null",
          stderr: "null",
        }).output();
        return code === 0
          ? pass("no warning")
          : failure("warnings found", `run supabase db advisors --remote=<url> and fix them`);
      },
    });
  }
  return checks;
}
