/**
 * The retry policy: which responses are retried, and how long to wait. Exponential backoff
 * with full jitter (a uniformly random wait between 0 and min(cap, base * 2^attempt)), so that
 * many clients recovering from the same outage do not retry in lockstep; a server's
 * Retry-After is a floor under that wait.
 */

/** How a batch's delivery attempts are spaced and bounded. */
export type RetryOptions = {
  /** Attempts per batch, the first included. Default 10. */
  maxAttempts?: number;
  /** The backoff's base, in milliseconds. Default 500. */
  baseDelayMs?: number;
  /** The backoff's cap, in milliseconds. Default 30 000. */
  maxDelayMs?: number;
  /** The longest Retry-After honoured, in milliseconds; longer values are capped. Default 60 000. */
  maxRetryAfterMs?: number;
};

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** What to do with a response (or a network error, status 0). */
export type Verdict = "stored" | "retry" | "rejected" | "failed";

/**
 * 2xx: stored (207 lists the events refused, which are not retried). Network errors (0), 408,
 * 429 and 5xx: retry. 422 no_valid_events: every event refused. Any other 4xx (and anything
 * else): failed, never retried, since the same request would fail the same way.
 */
export function verdict(status: number, code?: string): Verdict {
  if (status >= 200 && status < 300) return "stored";
  if (status === 0 || status === 408 || status === 429 || status >= 500) {
    return "retry";
  }
  if (status === 422 && code === "no_valid_events") return "rejected";
  return "failed";
}

/** Full jitter: a random wait in [0, min(maxDelayMs, baseDelayMs * 2^attempt)). */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.min(attempt, 30),
  );
  return Math.floor(random() * ceiling);
}

/**
 * A Retry-After header in milliseconds: delta-seconds or an HTTP date (RFC 9110), capped at
 * `maxMs`. Null when absent or unreadable.
 */
export function retryAfterMs(
  header: string | null,
  maxMs: number,
  now = Date.now(),
): number | null {
  if (header === null) return null;
  const value = header.trim();
  let ms: number;
  if (/^\d+$/.test(value)) {
    ms = Number(value) * 1000;
  } else {
    // An IMF-fixdate such as "Wed, 21 Oct 2015 07:28:00 GMT"; "-1" and the like are not dates.
    const date = /GMT$/.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(date)) return null;
    ms = date - now;
  }
  return Math.min(Math.max(0, ms), maxMs);
}

/** The wait before the next attempt: the backoff, but never less than a Retry-After. */
export function nextDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfter: number | null,
  random: () => number = Math.random,
): number {
  return Math.max(backoffDelay(attempt, policy, random), retryAfter ?? 0);
}
