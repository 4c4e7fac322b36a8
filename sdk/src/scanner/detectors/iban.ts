/**
 * IBANs: a country code, two check digits and the BBAN, bare or in space-separated groups,
 * whose length is exactly the one the SWIFT IBAN registry sets for the country and whose
 * ISO 13616 mod-97 checksum is 1.
 */
import { isDigit, isLower, isUpper } from "../helpers/chars.ts";
import { mod97Step } from "../helpers/checksums.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

/** IBAN length per country (SWIFT IBAN registry, plus IR as commonly used). */
export const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IR: 26,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

const isIbanChar = (c: number) => isUpper(c) || isDigit(c);

/** Country code and check digits at a token start. */
const ANCHOR = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}/g;

/** Emits PII_IBAN for each IBAN. */
export function detectIbans(text: string, emit: Emit): void {
  ANCHOR.lastIndex = 0;
  for (let match = ANCHOR.exec(text); match; match = ANCHOR.exec(text)) {
    const start = match.index;
    const length = IBAN_LENGTHS[match[0].slice(0, 2)];
    if (length === undefined) continue;
    // The BBAN is read once: counted, and folded into the mod-97 remainder as it goes.
    let count = 4;
    let remainder = 0;
    let i = start + 4;
    while (count < length) {
      const c = text.charCodeAt(i);
      if (c === 32 && isIbanChar(text.charCodeAt(i + 1))) {
        i++; // one space between groups
        continue;
      }
      if (!isIbanChar(c)) break;
      remainder = mod97Step(remainder, c);
      count++;
      i++;
    }
    const after = text.charCodeAt(i);
    if (count !== length || isUpper(after) || isLower(after) || isDigit(after)) continue;
    // The country code and check digits go last (ISO 13616).
    for (let k = start; k < start + 4; k++) remainder = mod97Step(remainder, text.charCodeAt(k));
    if (remainder === 1) {
      emit("PII_IBAN", start, i);
      ANCHOR.lastIndex = i;
    }
  }
}

export const ibanDetector: Detector = {
  tags: ["PII_IBAN"],
  detect: detectIbans,
};
