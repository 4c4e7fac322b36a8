/**
 * IBANs: a country code, two check digits and the BBAN, bare or in space-separated groups,
 * whose length is exactly the one the SWIFT IBAN registry sets for the country and whose
 * ISO 13616 mod-97 checksum is 1.
 */
import { isDigit, isLower, isUpper } from "../helpers/chars.ts";
import { mod97Step } from "../helpers/checksums.ts";
import { isExampleIban } from "../helpers/documentation_values.ts";
import { IBAN_LENGTHS } from "../helpers/iban_registry.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

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
      ANCHOR.lastIndex = i;
      // The registry's example IBAN of each country names no account holder.
      if (!isExampleIban(text.slice(start, i).replace(/ /g, ""))) emit("PII_IBAN", start, i);
    }
  }
}

export const ibanDetector: Detector = {
  tags: ["PII_IBAN"],
  detect: detectIbans,
};
