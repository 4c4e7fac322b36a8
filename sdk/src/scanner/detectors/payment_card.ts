/**
 * Payment card numbers: 12 to 19 digits, bare or in groups joined by one kind of separator
 * (space or dash), whose issuer prefix and length fit a known network, and Luhn-valid.
 * Identifier words before it ("order", "invoice", "#") veto it, since one random number in
 * ten passes Luhn. Processors' published test numbers (4111 1111 1111 1111, 4012 8888 8888
 * 1881, 378282246310005…) name no cardholder and are not reported (documentation_values.ts).
 */
import { luhnValid } from "../helpers/checksums.ts";
import { isTestCard } from "../helpers/documentation_values.ts";
import {
  contextKeywords,
  IDENTIFIER_WORDS,
  nearestContext,
  type Words,
} from "../helpers/context.ts";
import { groupLengths, type NumericCandidate, sepKinds } from "../helpers/numeric_candidate.ts";
import { type Detector, NAMES_NO_ONE } from "./contract.ts";

/** Words that introduce a card number, per language. */
const CARD_WORDS: Words = {
  en: "card*|visa|mastercard|amex|american express|discover|jcb|diners|maestro|credit|debit|" +
    "cc|pan|payment*|pay|paid|charge*|billing",
  de: "karte*|kreditkarte*|kartennummer*|zahlung*|bezahlt|belastet|ec-karte*",
  fr: "carte*|carte bancaire|cb|paiement*|payé*|débit*|crédit*",
  es: "tarjeta*|pago*|pagué|pagado|cobro*|crédito|débito",
  ja: "カード|クレジット|支払|決済",
  hi: "card|payment",
};

const CONTEXT = contextKeywords(CARD_WORDS, IDENTIFIER_WORDS);

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

/**
 * The end of the card number the candidate is, given the words before it; -1 if it is none;
 * NAMES_NO_ONE for a published test number, and for a number printed in a card's groups
 * with a network's prefix that fails Luhn (a typo or a made-up number): its tail is no phone.
 */
export function cardEnd(text: string, candidate: NumericCandidate): number {
  if (candidate.plus || candidate.paren) return -1;
  const { digits } = candidate;
  if (digits.length < 12 || digits.length > 19) return -1;
  const lengths = groupLengths(candidate);
  if (lengths.length > 1) {
    const kinds = sepKinds(candidate);
    if (kinds[0] !== " " && kinds[0] !== "-") return -1;
    if (!kinds.every((kind) => kind === kinds[0])) return -1;
    if (!printedGrouping(lengths)) return -1;
  }
  if (!cardNetwork(digits)) return -1;
  if (!luhnValid(digits)) return lengths.length > 2 ? NAMES_NO_ONE : -1;
  if (isTestCard(digits)) return NAMES_NO_ONE;
  return nearestContext(text, candidate.start, CONTEXT) === "negative" ? -1 : candidate.end;
}

export const paymentCardDetector: Detector = { tags: ["PII_CREDIT_CARD"], numeric: cardEnd };
