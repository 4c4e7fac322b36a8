/**
 * Numeric candidates: runs of digit groups joined by phone-style separators
 * (space - . / and parentheses), optionally led by "+" or "(". Phone numbers, payment cards,
 * SSNs and IPv4 addresses are all read from these, so digits are tokenised once.
 */
import { isAlnum, isAlpha, isDigit, isUpper, isWordChar } from "./chars.ts";
import { ibanShapeEnd } from "./iban_registry.ts";

/** One candidate: its digit groups, the separators between them, and its span. */
export type NumericCandidate = {
  /** [start, end) of each digit group in the text. */
  groups: Array<[number, number]>;
  /** The separator text between group i and group i + 1. */
  seps: string[];
  /** The digits of each group. */
  values: string[];
  /** All digits, concatenated. */
  digits: string;
  /** Led by "+" (international) and/or "(" (a bracketed first group). */
  plus: boolean;
  paren: boolean;
  /** Span in the text, including a leading "+" or "(" and a closing ")". */
  start: number;
  end: number;
};

/**
 * Candidate runs start with a digit, so that the regex engine can skip to digits at native
 * speed, and are at least MIN_RUN long, so that the many short numbers of prose never leave
 * the engine. A "+" or "(" just before is taken into the candidate by hand. A failed attempt
 * costs at most MIN_RUN steps and a match consumes its run, so the scan is linear.
 */
/** The shortest candidate any numeric detector accepts ("1.2.3.4", "5552671"). */
const MIN_RUN = 7;
/** Longer runs are lists, read in chunks (see visitLongRun). */
const MAX_RUN = 256;
/** No number is a space-free word longer than this ("+1-(415)-555-2671" is 17). */
const MAX_WORD = 40;
const CHUNK_WORDS = 64;
const OVERLAP_WORDS = 8;
const RUN = new RegExp(`\\d[\\d ()./-]{${MIN_RUN - 1},}`, "g");

/** Characters that, just before a run, mark it as part of an amount or identifier. */
const GLUE_BEFORE = new Set(["$", "€", "£", "¥", "₹", "%", "\\", "."]);

/**
 * Reads one candidate. Findings that start at or after `limit` must be left out: a later
 * chunk of the same long run reads them again, with the words after them in view. Returns
 * where the last finding it kept ends, or -1.
 */
export type Visit = (candidate: NumericCandidate, limit: number) => number;

/** Calls `visit` with each candidate run of `text`. */
export function forEachNumericRun(text: string, visit: Visit): void {
  RUN.lastIndex = 0;
  for (let match = RUN.exec(text); match; match = RUN.exec(text)) {
    const runStart = match.index;
    const runEnd = runStart + match[0].length;
    // The groups of an IBAN-shaped token ("ES91 2100 0418…", "NL91 ABNA 0417…") are skipped
    // with the rest of it: if its checksum failed, they are still no phone number.
    const ibanEnd = ibanAround(text, runStart);
    if (ibanEnd > runStart) {
      RUN.lastIndex = ibanEnd;
      continue;
    }
    if (isWordChar(text.charCodeAt(runStart - 1))) {
      // abc123 415-555-2671: skip the glued digits and look again after them.
      let i = runStart;
      while (i < runEnd && isDigit(text.charCodeAt(i))) i++;
      RUN.lastIndex = i;
      continue;
    }
    if (runEnd - runStart <= MAX_RUN) visitRun(text, runStart, runEnd, visit, Infinity);
    else visitLongRun(text, runStart, runEnd, visit);
  }
}

/**
 * A long run (a list of numbers) is read in overlapping chunks of CHUNK_WORDS words: a
 * chunk keeps only findings that start before its last OVERLAP_WORDS words, and the next
 * chunk starts there (or after the last finding kept). No number spans more than
 * OVERLAP_WORDS words, so none is cut in two; each chunk is bounded, so memory is too, and
 * each word is read a bounded number of times. Words too long to be a number end a chunk.
 */
function visitLongRun(text: string, runStart: number, runEnd: number, visit: Visit): void {
  const starts: number[] = [];
  let pos = runStart;
  while (pos < runEnd) {
    starts.length = 0;
    let end = pos;
    let longWordAt = -1;
    // Collect up to CHUNK_WORDS words from pos, stopping at a word too long to be a number.
    let i = pos;
    while (i < runEnd && starts.length < CHUNK_WORDS) {
      while (i < runEnd && text.charCodeAt(i) === 32) i++;
      if (i >= runEnd) break;
      const wordStart = i;
      while (i < runEnd && text.charCodeAt(i) !== 32) i++;
      if (i - wordStart > MAX_WORD) {
        longWordAt = i;
        break;
      }
      starts.push(wordStart);
      end = i;
    }
    const more = longWordAt === -1 && i < runEnd && starts.length === CHUNK_WORDS;
    if (starts.length > 0) {
      const limit = more ? starts[starts.length - OVERLAP_WORDS]! : Infinity;
      const lastEnd = visitChunk(text, starts[0]!, end, visit, limit);
      if (more) {
        pos = Math.max(limit, lastEnd);
        continue;
      }
    }
    pos = longWordAt === -1 ? (more ? i : runEnd) : longWordAt;
  }
}

function visitChunk(text: string, start: number, end: number, visit: Visit, limit: number): number {
  const first = text.charCodeAt(start);
  if (end - start < MIN_RUN || !(isDigit(first) || first === 40)) return -1;
  return visitRun(text, start, end, visit, limit);
}

function visitRun(text: string, start: number, end: number, visit: Visit, limit: number): number {
  let runStart = start;
  const before = text.charCodeAt(runStart - 1);
  if (before === 43 /* + */ || before === 40 /* ( */) runStart--;
  if (text.charCodeAt(runStart - 1) === 40 && text.charCodeAt(runStart) === 43) runStart--;
  if (!leftBoundaryOk(text, runStart)) return -1;
  const candidate = parseRun(text, runStart, end);
  return candidate && rightBoundaryOk(text, candidate.end) ? visit(candidate, limit) : -1;
}

/** The longest text form of an IBAN: 34 characters and a space every four. */
const MAX_IBAN_TEXT = 42;
const isIbanChar = (c: number) => isUpper(c) || isDigit(c);

/**
 * The end of the IBAN-shaped token that the run starting at `runStart` is part of, or -1.
 * Looks back at most MAX_IBAN_TEXT characters, so the cost per run is bounded.
 */
function ibanAround(text: string, runStart: number): number {
  const before = text.charCodeAt(runStart - 1);
  const glued = isIbanChar(before);
  if (!glued && !(before === 32 && isIbanChar(text.charCodeAt(runStart - 2)))) return -1;
  let from = runStart;
  while (runStart - from < MAX_IBAN_TEXT) {
    const c = text.charCodeAt(from - 1);
    if (isIbanChar(c) || (c === 32 && isIbanChar(text.charCodeAt(from - 2)))) from--;
    else break;
  }
  // The token starts at a word start with a country code and two check digits.
  for (let at = from; at + 4 <= runStart; at++) {
    if (at > from && text.charCodeAt(at - 1) !== 32) continue;
    if (isAlnum(text.charCodeAt(at - 1)) || !IBAN_HEAD.test(text.slice(at, at + 4))) continue;
    const end = ibanShapeEnd(text, at);
    if (end > runStart) return end;
  }
  return -1;
}
const IBAN_HEAD = /^[A-Z]{2}\d{2}$/;

function leftBoundaryOk(text: string, start: number): boolean {
  const before = text[start - 1];
  if (before === undefined) return true;
  if (GLUE_BEFORE.has(before) || isWordChar(text.charCodeAt(start - 1))) return false;
  const beforeThat = text.charCodeAt(start - 2);
  // #1234 is an issue or order number; SSN#123456789 is a labelled value.
  if (before === "#" && !isAlpha(beforeThat)) return false;
  // INV-2024-0001 or api/v2/123: the digits belong to an identifier or a path.
  if ((before === "-" || before === "_" || before === "/") && isAlnum(beforeThat)) return false;
  // 10:30, 2001:db8:…:1319: a clock time or an IPv6 group (IPv6 has its own detector).
  if (before === ":" && (isDigit(beforeThat) || beforeThat === 58)) return false;
  // 1,234,567: a later part of a grouped number.
  if (before === "," && isDigit(beforeThat)) return false;
  return true;
}

function rightBoundaryOk(text: string, end: number): boolean {
  const after = text.charCodeAt(end);
  if (isWordChar(after)) return false;
  const next = text.charCodeAt(end + 1);
  // 2671-AB: glued to a word. 1,234 or 3.5: a grouped or decimal number continues.
  if (after === 45 && isAlnum(next)) return false;
  if ((after === 44 || after === 46) && isDigit(next)) return false;
  return true;
}

function parseRun(text: string, runStart: number, runEnd: number): NumericCandidate | null {
  let i = runStart;
  let paren = false;
  let plus = false;
  if (text[i] === "(") {
    paren = true;
    i++;
  }
  if (text[i] === "+") {
    plus = true;
    i++;
  }
  const groups: Array<[number, number]> = [];
  const values: string[] = [];
  const seps: string[] = [];
  let opened = paren ? 1 : 0;
  let closed = 0;
  while (i < runEnd) {
    const groupStart = i;
    while (i < runEnd && isDigit(text.charCodeAt(i))) i++;
    groups.push([groupStart, i]);
    values.push(text.slice(groupStart, i));
    const sepStart = i;
    while (i < runEnd && !isDigit(text.charCodeAt(i))) i++;
    if (i < runEnd) {
      const sep = text.slice(sepStart, i);
      seps.push(sep);
      for (const ch of sep) {
        if (ch === "(") opened++;
        else if (ch === ")") closed++;
      }
    }
  }
  const last = groups[groups.length - 1]!;
  let end = last[1];
  // A closing bracket right after the last group belongs to it only if one is open.
  if (text[end] === ")" && opened > closed) {
    end++;
    closed++;
  }
  if (opened !== closed) {
    // An unbalanced leading "(" is prose around the number, not part of it.
    if (paren && opened === closed + 1) paren = false;
    else return null;
  }
  const start = paren ? runStart : plus ? groups[0]![0] - 1 : groups[0]![0];
  return { groups, values, seps, digits: values.join(""), plus, paren, start, end };
}

/** The candidate restricted to groups [from, to): used to read a long run part by part. */
export function subCandidate(
  candidate: NumericCandidate,
  from: number,
  to: number,
): NumericCandidate {
  const groups = candidate.groups.slice(from, to);
  const values = candidate.values.slice(from, to);
  const seps = candidate.seps.slice(from, to - 1);
  // A bracket opened just before the part's first group, or closed just after its last.
  const opens = from > 0 && candidate.seps[from - 1]!.endsWith("(");
  const closes = to < candidate.groups.length && candidate.seps[to - 1]!.startsWith(")");
  let opened = opens ? 1 : 0;
  let closed = 0;
  for (const sep of seps) {
    for (let i = 0; i < sep.length; i++) {
      if (sep[i] === "(") opened++;
      else if (sep[i] === ")") closed++;
    }
  }
  const first = groups[0]!;
  const last = groups[groups.length - 1]!;
  return {
    groups,
    values,
    seps,
    digits: values.join(""),
    plus: from === 0 && candidate.plus,
    paren: from === 0 ? candidate.paren : opens,
    start: from === 0 ? candidate.start : opens ? first[0] - 1 : first[0],
    end: to === candidate.groups.length
      ? candidate.end
      : closes && opened > closed
      ? last[1] + 1
      : last[1],
  };
}

/** Separator kinds with brackets removed: " ", "-", ".", "/", "" or a mixture. */
export function sepKinds(candidate: NumericCandidate): string[] {
  return candidate.seps.map((sep) =>
    sep.includes("(") || sep.includes(")") ? sep.replace(/[()]/g, "") : sep
  );
}

/** Whether the groups have exactly these digit counts. */
export function shapeIs(candidate: NumericCandidate, ...lengths: number[]): boolean {
  const { values } = candidate;
  if (values.length !== lengths.length) return false;
  for (let i = 0; i < lengths.length; i++) if (values[i]!.length !== lengths[i]) return false;
  return true;
}

/** Digit counts of the groups. */
export function groupLengths(candidate: NumericCandidate): number[] {
  return candidate.values.map((value) => value.length);
}
