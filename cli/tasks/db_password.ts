/**
 * deno task db-password [--generate]: sets the password of sealog_functions, the Edge Functions' database login, once per
 *   project. The password is read from stdin (piped, never an argument, so it stays out of
 *   shell history and process lists), or generated with --generate and printed once on
 *   stdout for the SEALOG_DB_URL secret. Like psql's \password, only a SCRAM-SHA-256
 *   verifier travels to the server, so server logs never see the password itself.
 *   Connects as the operator (SUPABASE_DB_URL, else the local stack).
 */
import { Buffer } from "node:buffer";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { withDatabase } from "../lib/database.ts";
import { fail, runTask, type Task } from "../lib/task.ts";

const ROLE = "sealog_functions";
const MIN_LENGTH = 16;
const ITERATIONS = 4096;

/** The SCRAM-SHA-256 verifier PostgreSQL stores (RFC 5802, RFC 7677), as libpq computes it. */
export function scramVerifier(password: string, salt = randomBytes(16)): string {
  const salted = pbkdf2Sync(
    Buffer.from(password.normalize("NFKC")),
    salt,
    ITERATIONS,
    32,
    "sha256",
  );
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString("base64")}$${storedKey.toString("base64")}:${
    serverKey.toString("base64")
  }`;
}

async function readStdin(): Promise<string> {
  if (Deno.stdin.isTerminal()) fail("pipe the password on stdin, or pass --generate");
  const text = new TextDecoder().decode(await new Response(Deno.stdin.readable).arrayBuffer());
  return text.replace(/\r?\n$/, "");
}

export const task: Task = {
  name: "db-password",
  summary: "The Edge Functions' database login (sealog_functions): set its password once.",
  commands: [{
    name: "",
    usage: "[--generate]",
    summary: 'Reads the password from stdin (printf %s "$PASSWORD" | deno task db-password), ' +
      "or generates one and prints it once; only a SCRAM verifier reaches the server.",
    positionals: 0,
    options: { generate: { type: "boolean" } },
    async run({ values }) {
      const password = values.generate ? randomBytes(32).toString("base64url") : await readStdin();
      if (password.length < MIN_LENGTH) {
        fail(`the password must have at least ${MIN_LENGTH} characters`);
      }
      if (/[\s'"\\]/.test(password)) {
        fail("the password must not contain spaces, quotes or backslashes");
      }
      await withDatabase(async (sql) => {
        const [role] = await sql`select 1 from pg_roles where rolname = ${ROLE}`;
        if (!role) fail(`role ${ROLE} does not exist: run supabase db push first`);
        // A verifier, not the password: ALTER ROLE takes no bind parameter, and this literal
        // is safe to splice (base64 and digits only).
        await sql.unsafe(`alter role ${ROLE} password '${scramVerifier(password)}'`);
      });
      if (values.generate) console.log(password);
      console.error(`[sealog] password of ${ROLE} set`);
    },
  }],
};

if (import.meta.main) await runTask(task);
