/**
 * deno task user create EMAIL: local stack only. Creates a Supabase Auth user (auth.users, an
 * email identity and a session) and prints one JSON line, {"user_id", "access_token"}, with an
 * access token valid for one hour, signed by the local key pair like Supabase Auth's. Refuses
 * when SUPABASE_DB_URL points anywhere but this machine.
 */
import { operatorDatabaseUrl, withDatabase } from "../lib/database.ts";
import { runTask, type Task, TaskError } from "../lib/task.ts";
import { createLocalUser, isLocalDatabase, localAccessToken } from "../lib/users.ts";

export const task: Task = {
  name: "user",
  summary: "Local Supabase Auth users for trying the API (local stack only).",
  commands: [{
    name: "create",
    usage: "EMAIL",
    summary: 'Creates a local user; prints {"user_id", "access_token"} (one hour).',
    positionals: 1,
    async run({ positionals: [email] }) {
      if (!isLocalDatabase(operatorDatabaseUrl())) {
        throw new TaskError(
          "deno task user works against the local stack only; unset SUPABASE_DB_URL",
        );
      }
      if (!/^[^@\s]+@[^@\s]+$/.test(email!) || email!.length > 320) {
        throw new TaskError("EMAIL must be an email address", 2);
      }
      const user = await withDatabase(async (sql) => {
        const [taken] = await sql`select 1 from auth.users where lower(email) = lower(${email!})`;
        if (taken) throw new TaskError("a user with this email already exists");
        return await createLocalUser(sql, email!);
      });
      console.log(
        JSON.stringify({ user_id: user.userId, access_token: await localAccessToken(user) }),
      );
    },
  }],
};

if (import.meta.main) await runTask(task);
