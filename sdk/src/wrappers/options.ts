/**
 * What every wrapper takes, and the one place a wrapped call becomes a record() call. A
 * wrapper must never break the caller's app: every step here runs inside report(), which
 * hands a failure to the error hook instead of throwing it into the caller's path.
 */
import type { RecordResult } from "../client/client.ts";
import type { LlmCall, Usage } from "../client/event.ts";
import { costMicroUsd, type PriceTable } from "./cost.ts";

/** What a wrapper needs of a Sealog client: createClient()'s result fits. */
export type Recorder = { record(call: LlmCall): RecordResult };

/** A provider request's parameters, as the wrapper reads them (never modified unless opted in). */
export type ProviderRequest = Record<string, unknown>;

/** Settings of wrapOpenAI() and wrapAnthropic(). */
export type WrapOptions = {
  /**
   * The session (conversation) each call belongs to, or a function of the request that
   * names it. Default: one random id per wrapped client.
   */
  sessionId?: string | ((request: ProviderRequest) => string);
  /** The agent's id, recorded on every call. */
  agentId?: string;
  /** A pseudonymous end-user id, or a function of the request that gives one. Personal data. */
  endUserId?: string | ((request: ProviderRequest) => string | undefined);
  /** Prices per model: calls of a listed model carry cost_micro_usd; others carry none. */
  prices?: PriceTable;
  /**
   * Where Sealog's own failures go (an event record() refused, a hook that threw). Never
   * the provider's errors: those reach the caller unchanged. Default: a console warning.
   */
  onError?: (error: unknown) => void;
};

/** What a finished call contributes to its event. */
export type Outcome = {
  /** The model the provider answered with, when it said. */
  responseModel?: string;
  usage?: Usage;
  /** The output (text, tool-call arguments) to scan with the request's messages. */
  output?: unknown;
  /** Set when the call failed: the provider's error, or an error-shaped final response. */
  errorType?: string;
};

/** Runs `step`; a throw goes to the error hook. */
export function report(options: WrapOptions, step: () => void): void {
  try {
    step();
  } catch (error) {
    hook(options, error);
  }
}

function hook(options: WrapOptions, error: unknown): void {
  try {
    (options.onError ??
      ((e) => console.warn("sealog: a wrapped call was not recorded:", e)))(
        error,
      );
  } catch {
    // The hook itself failed: there is nowhere left to report to, and the caller must not see it.
  }
}

/** Why record() refused a wrapped call's event, as the error hook receives it. */
export class RecordRefusedError extends Error {
  override name = "RecordRefusedError";
  constructor(readonly result: Exclude<RecordResult, { ok: true }>) {
    super(
      `sealog: record() refused the call (${result.reason}): ${result.message}`,
    );
  }
}

/**
 * One provider call: started when create() is called, recorded once when it settles, with
 * the messages of the request and of the answer scanned by record().
 */
export class CallRecord {
  readonly #started = performance.now();
  #done = false;

  constructor(
    readonly sealog: Recorder,
    readonly options: WrapOptions,
    readonly sessionId: string,
    readonly provider: string,
    readonly request: ProviderRequest,
    /** The request's content: its messages, system prompt or input. */
    readonly input: unknown,
  ) {}

  /** Records the call once; later outcomes (a stream error after a parse error) are ignored. */
  finish(outcome: Outcome): void {
    if (this.#done) return;
    this.#done = true;
    report(this.options, () => {
      const model = stringOr(this.request.model) ?? outcome.responseModel ??
        "unknown";
      const usage = outcome.usage;
      const endUserId = typeof this.options.endUserId === "function"
        ? this.options.endUserId(this.request)
        : this.options.endUserId;
      const result = this.sealog.record({
        sessionId: this.sessionId,
        model,
        provider: this.provider,
        usage,
        latencyMs: performance.now() - this.#started,
        costMicroUsd: this.options.prices && usage
          ? costMicroUsd(
            this.options.prices,
            [outcome.responseModel, model],
            usage,
          )
          : undefined,
        status: outcome.errorType === undefined ? "ok" : "error",
        errorType: outcome.errorType,
        agentId: this.options.agentId,
        endUserId,
        messages: [this.input, outcome.output],
      });
      if (!result.ok) throw new RecordRefusedError(result);
    });
  }

  fail(error: unknown): void {
    this.finish({ errorType: errorTypeOf(error) });
  }
}

/** The session id of a request: the option's, or the wrapper's default. */
export function sessionOf(
  options: WrapOptions,
  fallback: string,
  request: ProviderRequest,
) {
  const { sessionId } = options;
  return typeof sessionId === "function" ? sessionId(request) : sessionId ?? fallback;
}

const ERROR_TYPE = /^[A-Za-z0-9._:-]{1,128}$/;

/** error.type of a call its caller aborted, or a stream its consumer left before the end. */
export const ABORTED = "aborted";

/**
 * error.type of a failure: "aborted" for the caller's abort, else the provider's error type
 * ("rate_limit_error"), else the HTTP status, else the error's class name
 * ("APIConnectionError"). Never its message, which may quote the request.
 */
export function errorTypeOf(error: unknown): string {
  const name = (error as { constructor?: { name?: unknown } } | null)
    ?.constructor?.name;
  if (
    name === "APIUserAbortError" ||
    (error as { name?: unknown })?.name === "AbortError"
  ) {
    return ABORTED;
  }
  const e = (error ?? {}) as {
    type?: unknown;
    status?: unknown;
    name?: unknown;
    constructor?: { name?: unknown };
  };
  const candidates = [
    e.type,
    typeof e.status === "number" ? `http_${e.status}` : undefined,
    e.constructor?.name !== "Error" && e.constructor?.name !== "Object"
      ? e.constructor?.name
      : undefined,
    e.name,
  ];
  for (const candidate of candidates) {
    if (typeof candidate === "string" && ERROR_TYPE.test(candidate)) {
      return candidate;
    }
  }
  return "error";
}

/** A non-negative integer count, or undefined. */
export function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

export function stringOr(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A plain object's view of an unknown value (empty for anything else). */
export function fields(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? value as Record<string, unknown> : {};
}

/** Appends a streamed fragment of text to its part. */
export function append(
  parts: Map<string, string>,
  key: string,
  fragment: unknown,
): void {
  if (typeof fragment === "string" && fragment !== "") {
    parts.set(key, (parts.get(key) ?? "") + fragment);
  }
}
