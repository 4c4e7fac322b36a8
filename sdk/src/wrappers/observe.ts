/**
 * Watching a provider SDK's answer without changing it: the caller gets the very promise and
 * the very stream object the SDK returned, with their types and helpers. Only two members
 * are replaced on those objects: an APIPromise's parse(), so that the wrapper reads the
 * parsed answer only when the caller does (a caller reading the raw Response with
 * asResponse() keeps its body), and a Stream's iterator, as the SDKs' own decorators do, so
 * that every consumer (for await, tee(), toReadableStream()) passes through one observer.
 */
import { type CallRecord, report } from "./options.ts";

/** What a wrapper does with each stream item, and when the stream ends. */
export type StreamWatcher = {
  item(value: unknown): void;
  /**
   * The stream ended: drained, failed with `error`, or `aborted` (its consumer broke out of
   * it or aborted its request, which the SDKs end quietly).
   */
  end(how: { error?: unknown; aborted?: boolean }): void;
};

type APIPromiseLike = {
  parse: (...args: unknown[]) => PromiseLike<unknown>;
  responsePromise: PromiseLike<unknown>;
};

/**
 * Calls `settled` with the answer once the caller has it, and records a failed call through
 * `call.fail`. Returns `result` itself.
 */
export function observeResult<T>(
  result: T,
  call: CallRecord,
  settled: (value: unknown) => void,
): T {
  const onValue = (value: unknown) => report(call.options, () => settled(value));
  const onError = (error: unknown) => call.fail(error);
  if (isAPIPromise(result)) {
    const parse = result.parse;
    let watched = false;
    result.parse = function (this: unknown, ...args: unknown[]) {
      const parsed = parse.apply(this, args);
      if (!watched) {
        watched = true;
        parsed.then(onValue, onError);
      }
      return parsed;
    };
    // A failed request is recorded even when the caller never parses it.
    result.responsePromise.then(undefined, onError);
  } else if (isThenable(result)) {
    result.then(onValue, onError);
  } else {
    onValue(result);
  }
  return result;
}

/** Makes `watcher` see every item of `stream` (changed in place) on its first consumption. */
export function observeStream(
  stream: unknown,
  call: CallRecord,
  watcher: StreamWatcher,
  callerSignal?: AbortSignal,
): void {
  const target = stream as Record<PropertyKey, unknown>;
  // Both SDKs route for-await, tee() and toReadableStream() through `iterator`.
  const key: PropertyKey = typeof target.iterator === "function"
    ? "iterator"
    : Symbol.asyncIterator;
  const source = target[key];
  if (typeof source !== "function") {
    call.finish({});
    return;
  }
  let watched = false;
  target[key] = function (this: unknown) {
    const inner = source.call(this) as AsyncIterator<unknown>;
    if (watched) return inner;
    watched = true;
    const signals = [
      (target.controller as AbortController | undefined)?.signal,
      callerSignal,
    ];
    return watch(
      inner,
      call,
      watcher,
      () => signals.some((signal) => signal?.aborted === true),
    );
  };
}

async function* watch(
  inner: AsyncIterator<unknown>,
  call: CallRecord,
  watcher: StreamWatcher,
  aborted: () => boolean,
): AsyncGenerator<unknown, void, undefined> {
  let how: { error?: unknown; aborted?: boolean } = { aborted: true };
  try {
    for await (const item of { [Symbol.asyncIterator]: () => inner }) {
      report(call.options, () => watcher.item(item));
      yield item;
    }
    // An aborted request ends the SDKs' streams without an error.
    how = { aborted: aborted() };
  } catch (error) {
    how = { error };
    throw error;
  } finally {
    report(call.options, () => watcher.end(how));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}

function isAPIPromise(value: unknown): value is APIPromiseLike {
  return isThenable(value) &&
    typeof (value as { parse?: unknown }).parse === "function" &&
    isThenable((value as { responsePromise?: unknown }).responsePromise);
}
