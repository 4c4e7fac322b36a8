/**
 * The shared shape of every operator task (`deno task tenant|key|user|report`): argument
 * parsing, `--help`, and errors. A task answers bad input with one line on stderr and a
 * non-zero exit, never a stack trace: 2 for a usage error, 1 for anything refused or failed.
 * SEALOG_DEBUG=1 adds the stack of an unexpected error.
 */
import { parseArgs } from "node:util";

/** Options of one command, as node:util parseArgs takes them; `--help` is always added. */
export type Options = Record<string, { type: "string" | "boolean" }>;

/** What a command's `run` receives: option values by name and the positional arguments. */
export type Args = { values: Record<string, string | boolean | undefined>; positionals: string[] };

/** One command of a task, e.g. `tenant create`; a task with a single command names it "". */
export type Command = {
  name: string;
  /** The usage after the command name, e.g. "TENANT_ID [--label L]". */
  usage: string;
  summary: string;
  /** The exact number of positional arguments. */
  positionals: number;
  options?: Options;
  run(args: Args): Promise<void>;
};

/** A task as `deno task <name>` runs it. */
export type Task = { name: string; summary: string; commands: Command[] };

/** An error the task explains in one line; exit code 2 for usage errors, else 1. */
export class TaskError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Stops the command with a one-line error (exit 1). */
export function fail(message: string): never {
  throw new TaskError(message);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a uuid argument before it reaches the database. */
export function uuidArgument(value: string, name: string): string {
  if (!UUID.test(value)) {
    throw new TaskError(`${name} must be a uuid, got ${JSON.stringify(value)}`, 2);
  }
  return value.toLowerCase();
}

/** The usage lines of a task, or of one of its commands. */
export function usage(task: Task, command?: Command): string {
  const lines = (command ? [command] : task.commands).map((c) =>
    `  deno task ${[task.name, c.name, c.usage].filter(Boolean).join(" ")}\n      ${c.summary}`
  );
  return `${command ? "" : `${task.summary}\n`}${lines.join("\n")}\n`;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/** One line for any error: never a stack trace, never the database URL (it holds a password). */
export function describeError(error: unknown): string {
  if (error instanceof TaskError) return error.message;
  const { name, code, message } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
  };
  // A URL's credentials never reach the terminal, whatever the error quotes.
  const text = String(message ?? error).split("\n")[0]!.replace(/(\/\/)[^@\s/'"]*@/g, "$1…@");
  if (text.startsWith("Invalid URL")) {
    return "the database URL is not a valid URL (check SUPABASE_DB_URL)";
  }
  if (name === "PostgresError") {
    // Operator functions raise no_data_found with a sentence meant for the operator.
    return code === "P0002" ? text : `the database refused: ${text} (SQLSTATE ${code})`;
  }
  if (code && CONNECTION_CODES.has(code)) {
    return `cannot reach the database (${code}): is the stack running (npm start), ` +
      "or SUPABASE_DB_URL right?";
  }
  return `unexpected error: ${text}`;
}

/** Parses a command's arguments; unknown options and a wrong count are usage errors. */
export function parseCommandArgs(task: Task, command: Command, argv: string[]): Args | "help" {
  const name = [task.name, command.name].filter(Boolean).join(" ");
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = /'([^']+)'/.exec(message)?.[1];
    const reason = code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
      ? `unknown option ${option}`
      : code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
      ? `option ${option?.split(" ")[0]} needs a value`
      : message.split(".")[0]!;
    throw new TaskError(`${reason}; see deno task ${name} --help`, 2);
  }
  if (parsed.values.help) return "help";
  if (parsed.positionals.length !== command.positionals) {
    throw new TaskError(
      `${name} takes ${command.usage || "no arguments"}; see deno task ${name} --help`,
      2,
    );
  }
  return { values: parsed.values as Args["values"], positionals: parsed.positionals };
}

/** Runs the task on the command line's arguments and exits with its code. */
export async function runTask(task: Task, argv: string[] = Deno.args): Promise<never> {
  try {
    const single = task.commands.length === 1 && task.commands[0]!.name === "";
    const [first, ...rest] = argv;
    if (!single && (first === "--help" || first === "-h" || first === "help")) {
      console.log(usage(task));
      Deno.exit(0);
    }
    const command = single ? task.commands[0]! : task.commands.find((c) => c.name === first);
    if (!command) {
      const names = task.commands.map((c) => c.name).join(", ");
      throw new TaskError(
        first === undefined
          ? `a command is needed (${names}); see deno task ${task.name} --help`
          : `unknown command ${
            JSON.stringify(first)
          } (${names}); see deno task ${task.name} --help`,
        2,
      );
    }
    const args = parseCommandArgs(task, command, single ? argv : rest);
    if (args === "help") {
      console.log(usage(task, command));
      Deno.exit(0);
    }
    await command.run(args);
    Deno.exit(0);
  } catch (error) {
    console.error(`error: ${describeError(error)}`);
    if (Deno.env.get("SEALOG_DEBUG") === "1" && !(error instanceof TaskError)) console.error(error);
    Deno.exit(error instanceof TaskError ? error.exitCode : 1);
  }
}
