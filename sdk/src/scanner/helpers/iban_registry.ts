/**
 * The SWIFT IBAN registry's length per country, and how far an IBAN-shaped token reaches
 * (whatever its checksum): the IBAN detector validates it, and the numeric tokeniser skips
 * it so that the digits of an IBAN with a bad checksum are not read as a phone number.
 */
import { isDigit, isUpper } from "./chars.ts";

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

/**
 * The end of the IBAN-shaped token whose country code starts at `start` (country code, two
 * check digits, then the BBAN's letters and digits with single spaces between groups), or -1
 * if the country is unknown or the token is shorter than the country's length.
 */
export function ibanShapeEnd(text: string, start: number): number {
  const length = IBAN_LENGTHS[text.slice(start, start + 2)];
  if (length === undefined) return -1;
  let count = 0;
  let i = start;
  while (count < length) {
    const c = text.charCodeAt(i);
    if (c === 32 && count >= 4 && isIbanChar(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    if (!isIbanChar(c)) return -1;
    count++;
    i++;
  }
  return i;
}

const isIbanChar = (c: number) => isUpper(c) || isDigit(c);
