/**
 * Phone numbers. Strong shapes stand on their own: E.164 ("+" and a valid country calling
 * code with a plausible length), NANP with separators ("(415) 555-2671", "1-800-555-0199"),
 * and national numbers with a trunk "0" in separated groups ("020 7946 0958",
 * "05 80 79 72 71", "(02) 5156 1464"). Weak shapes (bare digit strings, 7-digit locals)
 * count only when a word such as "phone" or "call" is nearest before them. Identifier words
 * ("order", "invoice", "#") veto everything but E.164.
 */
import {
  contextKeywords,
  IDENTIFIER_WORDS,
  nearestContext,
  type Words,
} from "../helpers/context.ts";
import { isFictionalPhone } from "../helpers/documentation_values.ts";
import {
  groupLengths,
  type NumericCandidate,
  sepKinds,
  shapeIs,
} from "../helpers/numeric_candidate.ts";
import { type Detector, NAMES_NO_ONE } from "./contract.ts";

/** ITU-T E.164 country calling codes in use (they are prefix-free). */
const COUNTRY_CODES = new Set(
  (
    "1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 " +
    "62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 " +
    "225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 " +
    "247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 " +
    "290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 " +
    "377 378 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 " +
    "509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 " +
    "682 683 685 686 687 688 689 690 691 692 850 852 853 855 856 880 886 960 961 962 963 964 " +
    "965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998"
  ).split(" "),
);

/** Total digit counts (country code included) of the largest numbering plans. */
const PLAN_LENGTHS: Record<string, [number, number]> = {
  "1": [11, 11],
  "7": [11, 11],
  "33": [11, 11],
  "34": [11, 11],
  "31": [11, 11],
  "44": [11, 12],
  "49": [9, 15],
  "61": [11, 11],
  "86": [12, 13],
  "91": [12, 12],
  "81": [11, 12],
  "55": [12, 13],
  "52": [12, 13],
};

/** Words that introduce a phone number, per language. */
const PHONE_WORDS: Words = {
  en: "phone*|tel|tel.|telephone*|mobile*|mob|mob.|cell*|call*|ring|dial*|text|sms|whatsapp|" +
    "signal|fax*|contact*|reach*|hotline*|helpline*|ph|ph.|number is|landline*|smartphone*",
  de: "telefon*|tel.|handy*|mobil*|mobilnummer*|rufnummer*|festnetz*|anrufen|ruf|rufen|ruft|" +
    "erreichbar*|durchwahl*|mobiltelefon*",
  fr: "téléphone*|tél|tél.|portable*|mobile*|appel*|appelez*|joindre|joignable*|fixe|" +
    "numéro de téléphone",
  es: "teléfono*|telefono*|tel.|móvil*|movil*|celular*|llamar*|llámame|llamame|llámanos|" +
    "contacto*|número de teléfono",
  ja: "電話|携帯|連絡先|ファックス|ファクス",
  hi: "mobile|phone|call karo|whatsapp|number hai|mera number|nambar",
};

const CONTEXT = contextKeywords(PHONE_WORDS, IDENTIFIER_WORDS);

const NANP_PART = /^[2-9]\d\d$/;
/** Digit sequences that are test data, not numbers: 0123456789, 1234567890. */
const SEQUENCES = "01234567890123456789 98765432109876543210";

/** Whether a country code plus national number looks like a diallable E.164 number. */
export function e164Valid(digits: string): boolean {
  let code = "";
  for (let size = 1; size <= 3 && !code; size++) {
    if (COUNTRY_CODES.has(digits.slice(0, size))) code = digits.slice(0, size);
  }
  if (!code || digits.length > 16) return false;
  const [min, max] = PLAN_LENGTHS[code] ?? [8, 15];
  // "+44 (0) 20…" or "+49-064-…": a trunk zero kept after the code is one digit more.
  const trunk = digits[code.length] === "0" ? 1 : 0;
  if (digits.length < min || digits.length > max + trunk) return false;
  if (code === "1") return NANP_PART.test(digits.slice(1, 4)) && NANP_PART.test(digits.slice(4, 7));
  return true;
}

/**
 * Whether the candidate is a phone number, given the words before it. Weak shapes are
 * considered only when `weak` is set: callers try strong shapes first.
 */
export function isPhoneNumber(text: string, candidate: NumericCandidate, weak = true): boolean {
  const { digits } = candidate;
  if (candidate.plus) return candidate.groups.length <= 7 && e164Valid(digits);
  if (digits.length < 7 || digits.length > 15 || SEQUENCES.includes(digits)) return false;
  // The shape first: it is cheap, and most candidates fail it before context is read.
  if (strongShape(candidate)) return nearestContext(text, candidate.start, CONTEXT) !== "negative";
  return weak && weakShape(candidate) &&
    nearestContext(text, candidate.start, CONTEXT) === "positive";
}

function strongShape(candidate: NumericCandidate): boolean {
  const lengths = groupLengths(candidate);
  const kinds = sepKinds(candidate);
  const { digits } = candidate;
  if (lengths.length < 2) {
    // A bare national number with a trunk zero: 0146280645 (FR), 07700900123 (UK).
    return (digits.length === 10 || digits.length === 11) && /^0[1-9]/.test(digits) &&
      !candidate.paren;
  }
  if (isSlashNational(candidate)) return true;
  if (!kinds.every((kind) => kind === " " || kind === "-" || kind === "." || kind === "")) {
    return false;
  }
  // International access code instead of "+": 0044 20 7946 0958.
  if (digits.startsWith("00") && e164Valid(digits.slice(2))) return true;
  if (isNanp(candidate)) return true;
  if (isTrunkNational(lengths, kinds, candidate)) return true;
  // Spanish mobiles and landlines: 612 34 56 78.
  if (shapeIs(candidate, 3, 2, 2, 2) && /^[6-9]/.test(digits) && uniform(kinds)) return true;
  // Indian mobiles as printed, five and five: 90785 00335.
  if (shapeIs(candidate, 5, 5) && /^[6-9]/.test(digits) && kinds[0] !== "") return true;
  return isBrazilian(candidate);
}

/**
 * Brazilian national form: a bracketed two-digit area code (11-99, no trunk zero), then a
 * mobile 9xxxx-xxxx or a landline xxxx-xxxx: (81) 91261-4306, (11) 3456-7890.
 */
function isBrazilian(candidate: NumericCandidate): boolean {
  const { values, seps } = candidate;
  if (!candidate.paren || !seps[0]!.startsWith(")") || !/^[1-9][1-9]$/.test(values[0]!)) {
    return false;
  }
  if (seps[1] !== "-" && seps[1] !== " ") return false;
  return shapeIs(candidate, 2, 5, 4) ? values[1]![0] === "9" : shapeIs(candidate, 2, 4, 4);
}

/**
 * A German or Austrian area code and subscriber number joined by a slash (the older DIN 5008
 * form): 0711/7487695, 089/1234 5678. Dates ("24/11/2026") have no trunk zero.
 */
function isSlashNational(candidate: NumericCandidate): boolean {
  const { values, seps } = candidate;
  if (values.length < 2 || values.length > 4 || seps[0] !== "/") return false;
  const area = values[0]!;
  if (!/^0[1-9]\d{1,4}$/.test(area)) return false;
  if (!seps.slice(1).every((sep) => sep === " " || sep === "-")) return false;
  const subscriber = values.slice(1).join("");
  const total = area.length + subscriber.length;
  return subscriber.length >= 4 && subscriber.length <= 9 && total >= 9 && total <= 12;
}

function isNanp(candidate: NumericCandidate): boolean {
  const { values } = candidate;
  const offset = shapeIs(candidate, 1, 3, 3, 4) && values[0] === "1"
    ? 1
    : shapeIs(candidate, 3, 3, 4)
    ? 0
    : -1;
  if (offset < 0) return false;
  // Without brackets, separators are needed: a bare 10-digit string is weak.
  const bracketed = candidate.paren || candidate.seps.some((sep) => sep.includes(")"));
  if (!bracketed && candidate.seps.some((sep) => sep === "")) return false;
  return NANP_PART.test(values[offset]!) && NANP_PART.test(values[offset + 1]!);
}

function isTrunkNational(lengths: number[], kinds: string[], candidate: NumericCandidate) {
  const { digits } = candidate;
  if (!/^0[1-9]/.test(digits) || digits.length < 9 || digits.length > 13) return false;
  // Brackets only around the area code: "(0703) 101335462".
  const closesFirst = candidate.paren && candidate.seps[0]!.startsWith(")");
  const rest = closesFirst ? kinds.slice(1) : kinds;
  if (!uniform(rest) || rest.includes("") || (!closesFirst && kinds[0] === "")) return false;
  if (lengths[0]! > 6 || lengths.some((length) => length < 2)) return false;
  // 02134-1234 is a US ZIP+4 code and 078-05-1120 has the shape of an SSN.
  return !(shapeIs(candidate, 5, 4) && kinds[0] === "-") && !shapeIs(candidate, 3, 2, 4);
}

function weakShape(candidate: NumericCandidate): boolean {
  const lengths = groupLengths(candidate);
  const kinds = sepKinds(candidate);
  if (!kinds.every((kind) => kind === " " || kind === "-" || kind === "." || kind === "")) {
    return false;
  }
  if (lengths.length === 1) return true;
  if (shapeIs(candidate, 5, 4) && kinds[0] === "-") return false; // ZIP+4
  return lengths.slice(1).every((length) => length >= 2) && !dateShape(candidate);
}

/** 2024-05-28 (and a time after it), 28/05/2024, 5.28.2024. */
function dateShape(candidate: NumericCandidate): boolean {
  const lengths = groupLengths(candidate);
  const { values } = candidate;
  if (lengths[0] === 4 && lengths[1] === 2 && lengths[2] === 2) {
    return /^(19|20)/.test(values[0]!);
  }
  return lengths.length >= 3 && lengths[0]! <= 2 && lengths[1]! <= 2 && lengths[2] === 4;
}

function uniform(kinds: string[]): boolean {
  return kinds.every((kind) => kind === kinds[0]);
}

export const phoneDetector: Detector = {
  tags: ["PII_PHONE"],
  numeric: (text, candidate, weak) =>
    !isPhoneNumber(text, candidate, weak)
      ? -1
      : isFictionalPhone(candidate.digits, candidate.plus)
      ? NAMES_NO_ONE
      : candidate.end,
};
