/**
 * Payment card numbers: 12 to 19 digits, bare or in groups joined by one kind of separator
 * (space or dash), whose issuer prefix and length fit a known network, and Luhn-valid.
 * Identifier words before it ("order", "invoice", "#") veto it, since one random number in
 * ten passes Luhn. Published test numbers such as 4111 1111 1111 1111 and 4242 4242 4242 4242
 * (three distinct digits or fewer) name no cardholder and are not reported.
 */
import { luhnValid } from "../helpers/checksums.ts";
import { contextKeywords, IDENTIFIER_WORDS, nearestContext } from "../helpers/context.ts";
import { groupLengths, type NumericCandidate, sepKinds } from "../helpers/numeric_candidate.ts";
import type { Detector } from "./contract.ts";

const CONTEXT = contextKeywords(
  [
    "card",
    "visa",
    "mastercard",
    "amex",
    "american express",
    "discover",
    "\\bjcb",
    "diners",
    "maestro",
    "credit",
    "debit",
    "\\bcc\\b",
    "\\bpan\\b",
    "payment",
    "\\bpay\\b",
    "charge",
    "billing",
  ],
  IDENTIFIER_WORDS,
);

/** The card network whose prefix and length fit `digits`, or null. */
export function cardNetwork(digits: string): string | null {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  const between = (value: number, low: number, high: number) => value >= low && value <= high;
  if (digits[0] === "4") return n === 13 || n === 16 || n === 19 ? "visa" : null;
  if (between(p2, 51, 55) || between(p4, 2221, 2720)) return n === 16 ? "mastercard" : null;
  if (p2 === 34 || p2 === 37) return n === 15 ? "amex" : null;
  if (between(p4, 2200, 2204)) return between(n, 16, 19) ? "mir" : null;
  if (between(p4, 3528, 3589)) return between(n, 16, 19) ? "jcb" : null;
  if (between(p3, 300, 305) || p2 === 36 || p2 === 38 || p2 === 39) {
    return between(n, 14, 19) ? "diners" : null;
  }
  if (p4 === 6011 || p2 === 65 || between(p3, 644, 649) || between(p6, 622126, 622925)) {
    return between(n, 16, 19) ? "discover" : null;
  }
  if (p2 === 62 || p2 === 81) return between(n, 16, 19) ? "unionpay" : null;
  if (between(p3, 637, 639)) return n === 16 ? "instapayment" : null;
  if (
    [5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].includes(p4) || between(p2, 56, 58)
  ) {
    return between(n, 12, 19) ? "maestro" : null;
  }
  if (p2 === 60 || p3 === 508) return n === 16 ? "rupay" : null;
  return null;
}

/** Groups as cards print them: fours with a shorter last group, or 4-6-5 / 4-6-4 (Amex, Diners). */
function printedGrouping(lengths: number[]): boolean {
  const last = lengths[lengths.length - 1]!;
  if (lengths.length === 3 && lengths[0] === 4 && lengths[1] === 6) return last === 4 || last === 5;
  return lengths.slice(0, -1).every((length) => length === 4) && last >= 1 && last <= 4;
}

/** Whether the candidate is a payment card number, given the words before it. */
export function isPaymentCard(text: string, candidate: NumericCandidate): boolean {
  if (candidate.plus || candidate.paren) return false;
  const { digits } = candidate;
  if (digits.length < 12 || digits.length > 19) return false;
  const lengths = groupLengths(candidate);
  if (lengths.length > 1) {
    const kinds = sepKinds(candidate);
    if (kinds[0] !== " " && kinds[0] !== "-") return false;
    if (!kinds.every((kind) => kind === kinds[0])) return false;
    if (!printedGrouping(lengths)) return false;
  }
  if (!cardNetwork(digits) || !luhnValid(digits)) return false;
  // Well-known test numbers (4111 1111 1111 1111, 4242…) use few distinct digits; real ones do not.
  if (new Set(digits).size <= 3) return false;
  return nearestContext(text, candidate.start, CONTEXT) !== "negative";
}

export const paymentCardDetector: Detector = {
  tags: ["PII_CREDIT_CARD"],
  numeric: (text, candidate) => isPaymentCard(text, candidate) ? candidate.end : -1,
};
