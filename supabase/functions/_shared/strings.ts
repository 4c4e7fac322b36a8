/** String rules shared by every schema: no NUL, no unpaired surrogate, lengths in code points. */
import { z } from "zod";

/** Counts Unicode code points, not UTF-16 units. */
export function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Truncates to `max` code points, never splitting a surrogate pair. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  return Array.from(value).slice(0, max).join("");
}

/** Rejected with code `invalid_string` wherever it appears. */
export function isCleanText(value: string): boolean {
  return value.isWellFormed() && !value.includes("\u0000");
}

export const INVALID_STRING = "invalid_string";

/** A string that must be clean, 1..max code points; longer values are rejected. */
export function boundedText(max: number) {
  return z.string()
    .refine(isCleanText, { error: INVALID_STRING, abort: true })
    // A string has at most as many code points as UTF-16 units: count only past `max` units.
    .refine((value) => value.length >= 1 && (value.length <= max || codePoints(value) <= max), {
      error: `must be 1 to ${max} characters`,
    })
    .meta({ maxLength: max });
}

/** A string that must be clean; longer values are truncated to `max` code points. */
export function truncatedText(max: number) {
  return z.string()
    .refine(isCleanText, { error: INVALID_STRING, abort: true })
    .refine((value) => value.length >= 1, { error: "must not be empty" })
    .transform((value) => truncate(value, max))
    .meta({ description: `Truncated to ${max} characters.` });
}
