/**
 * The numeric detectors, in one pass over the numeric candidates, tried in the order given
 * (scan.ts: IPv4, SSN, payment card, phone). A run that is none of them as a whole (a list such as
 * "(415) 555-2671 (415) 555-2672") is read part by part: parts end where a separator holds a
 * space, and from each position the longest part of at most MAX_GROUPS groups that is a
 * number wins. Each position tries a bounded number of parts, so this stays linear.
 */
import { type Detector, NAMES_NO_ONE } from "../detectors/contract.ts";
import type { Emit } from "../tags.ts";
import { forEachNumericRun, type NumericCandidate, subCandidate } from "./numeric_candidate.ts";

/** Runs of more groups than this are never one number; they are only read part by part. */
const MAX_GROUPS = 8;
/** The fewest and most digits any numeric detector accepts (1.2.3.4; a 19-digit card). */
const MIN_DIGITS = 4;
const MAX_DIGITS = 19;
/** Parts that span a space are phone numbers, cards or SSNs: 7 digits at least. */
const MIN_DIGITS_ACROSS_SPACES = 7;

type Classify = (text: string, candidate: NumericCandidate, emit: Emit, weak: boolean) => boolean;

/** Emits the findings of the detectors' `numeric` judgements over every numeric run. */
export function detectNumbers(text: string, emit: Emit, detectors: readonly Detector[]): void {
  const classify: Classify = (text, candidate, emit, weak) =>
    classifyWith(detectors, text, candidate, emit, weak);
  forEachNumericRun(text, (candidate, limit) => {
    // Findings from `limit` on are left to the next chunk of a long run.
    let lastEnd = -1;
    const kept: Emit = (tag, start, end) => {
      if (start >= limit) return;
      emit(tag, start, end);
      lastEnd = Math.max(lastEnd, end);
    };
    const whole = candidate.groups.length <= MAX_GROUPS;
    // Strong shapes first, whole then by parts; weak shapes only where no strong one is kept.
    if (whole && classify(text, candidate, kept, false)) return lastEnd;
    const parts = cutPoints(candidate);
    if (parts) readParts(classify, text, candidate, parts, kept, false);
    if (lastEnd !== -1) return lastEnd;
    if (whole && classify(text, candidate, kept, true)) return lastEnd;
    if (parts) readParts(classify, text, candidate, parts, kept, true);
    return lastEnd;
  });
}

/**
 * Group indexes where a part may begin or end (separators holding a space), or null. A run
 * printed as one number (equal groups, one separator, at most 19 digits: "4778 0880 9636
 * 6073", a card that failed Luhn) is not cut: its tail is not a phone number.
 */
function cutPoints(candidate: NumericCandidate): number[] | null {
  const { seps, values } = candidate;
  const oneSeparator = seps.every((sep) => sep === seps[0]);
  const equalGroups = values.slice(0, -1).every((value) => value.length === values[0]!.length);
  if (oneSeparator && equalGroups && values.length > 2 && candidate.digits.length <= MAX_DIGITS) {
    return null;
  }
  const cuts = [0];
  candidate.seps.forEach((sep, i) => {
    if (sep.includes(" ")) cuts.push(i + 1);
  });
  cuts.push(candidate.groups.length);
  return cuts.length > 2 ? cuts : null;
}

/** Greedy: from each cut, the longest part that is a number. */
function readParts(
  classify: Classify,
  text: string,
  candidate: NumericCandidate,
  cuts: number[],
  emit: Emit,
  weak: boolean,
): void {
  // Prefix sums, so that each part is judged by its digit count and its one-digit groups
  // before it is built: no number written across spaces has a one-digit group inside it
  // ("1 800…" and the "…-1" of a 13-digit card are at its ends), and a part across a space
  // has 7 digits or more. A part without spaces is one word, judged by its own detector:
  // "91.4.12.7" after the count of `uniq -c` is an address.
  const digitsBefore = [0];
  const singlesBefore = [0];
  for (const value of candidate.values) {
    digitsBefore.push(digitsBefore.at(-1)! + value.length);
    singlesBefore.push(singlesBefore.at(-1)! + (value.length === 1 ? 1 : 0));
  }
  const last = cuts.length - 1;
  for (let a = 0; a < last;) {
    let b = a + 1;
    while (b < last && cuts[b + 1]! - cuts[a]! <= MAX_GROUPS) b++;
    let next = a + 1;
    for (; b > a; b--) {
      if (a === 0 && b === last) continue; // the whole run, already tried
      const from = cuts[a]!;
      const to = cuts[b]!;
      const digits = digitsBefore[to]! - digitsBefore[from]!;
      if (digits < (b === a + 1 ? MIN_DIGITS : MIN_DIGITS_ACROSS_SPACES)) break;
      if (digits > MAX_DIGITS) continue;
      const acrossSpaces = b > a + 1;
      if (acrossSpaces && singlesBefore[to - 1]! - singlesBefore[from + 1]! > 0) continue;
      const part = subCandidate(candidate, from, to);
      if (bracketsBalanced(text, part) && classify(text, part, emit, weak)) {
        next = b;
        break;
      }
    }
    a = next;
  }
}

function bracketsBalanced(text: string, part: NumericCandidate): boolean {
  let depth = part.paren ? 1 : 0;
  for (const sep of part.seps) {
    for (const ch of sep) depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
    if (depth < 0) return false;
  }
  if (text[part.end - 1] === ")") depth--;
  return depth === 0;
}

/** Emits the first numeric kind the candidate is; `weak` admits shapes that need context. */
function classifyWith(
  detectors: readonly Detector[],
  text: string,
  candidate: NumericCandidate,
  emit: Emit,
  weak: boolean,
): boolean {
  if (candidate.groups.length > MAX_GROUPS) return false;
  for (const detector of detectors) {
    const end = detector.numeric?.(text, candidate, weak) ?? -1;
    if (end >= 0) emit(detector.tags[0], candidate.start, end);
    if (end >= 0 || end === NAMES_NO_ONE) return true;
  }
  return false;
}
