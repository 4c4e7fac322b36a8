/**
 * Folds the full-width forms of ASCII (０８０－７９０１, ＋８１, ＠) and the Unicode spaces and
 * hyphens that numbers are printed with (no-break and thin spaces in "06 12 34 56 78", the
 * hyphen and figure dash, the minus sign) to ASCII, one UTF-16 unit for one, so that every
 * detector reads them and every offset still points into the caller's text.
 */

const FOLDABLE = /[\u00a0\u2007\u2009\u202f\u2010-\u2012\u2212\u3000\uff01-\uff5e]/;
const FOLDABLE_ALL = new RegExp(FOLDABLE.source, "g");

function foldOne(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0xff01) return String.fromCharCode(c - 0xfee0);
  return c >= 0x2010 && c <= 0x2212 && c !== 0x202f ? "-" : " ";
}

/** The text with those characters folded; the same string when it has none. */
export function foldWidth(text: string): string {
  return FOLDABLE.test(text) ? text.replace(FOLDABLE_ALL, foldOne) : text;
}
