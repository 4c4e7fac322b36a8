/** Character-code predicates, ASCII only: the detectors' formats are ASCII. */

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isUpper = (c: number): boolean => c >= 65 && c <= 90;
export const isLower = (c: number): boolean => c >= 97 && c <= 122;
export const isAlpha = (c: number): boolean => isUpper(c) || isLower(c);
export const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);
/** Letters, digits and underscore: what glues a token to its neighbours. */
export const isWordChar = (c: number): boolean => isAlnum(c) || c === 95;
export const isHex = (c: number): boolean =>
  isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** The character code at `i`, or NaN outside the string (every predicate is false for NaN). */
export const codeAt = (text: string, i: number): number => text.charCodeAt(i);
