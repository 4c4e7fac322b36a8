/** Checksums that turn "looks like" into "is": Luhn for payment cards, ISO 13616 mod-97 for IBANs. */

/** Luhn (mod 10) over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  if (digits.length < 2) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 13616 IBAN check: move the first four characters to the end, map A..Z to 10..35 and
 * require the number mod 97 to be 1. Computed piecewise, so no big integers are needed.
 * `iban` holds uppercase letters and digits only, without spaces.
 */
export function ibanChecksumValid(iban: string): boolean {
  if (iban.length < 5 || !/^[A-Z0-9]+$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    remainder = mod97Step(remainder, rearranged.charCodeAt(i));
  }
  return remainder === 1;
}

/** Folds one character (a digit, or a letter A..Z read as 10..35) into a mod-97 remainder. */
export function mod97Step(remainder: number, c: number): number {
  return c <= 57 ? (remainder * 10 + (c - 48)) % 97 : (remainder * 100 + (c - 55)) % 97;
}
