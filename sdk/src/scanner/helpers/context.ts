/**
 * Context: the words just before a candidate. A keyword such as "phone" or "card" vouches
 * for a weak candidate; one such as "order" or "version" vetoes it. Windows are bounded, so
 * context costs a constant per candidate and the scan stays linear.
 */

/** How far back (in UTF-16 units) a keyword may sit from the candidate. */
export const CONTEXT_WINDOW = 40;
const SENTENCE_END = /[.!?](?=\s)|\n/g;

/** Which of two keyword sets is nearest before `start`: "positive", "negative" or null. */
export function nearestContext(
  text: string,
  start: number,
  keywords: RegExp,
): "positive" | "negative" | null {
  const from = Math.max(0, start - CONTEXT_WINDOW);
  if (!hasWordCharacter(text, from, start)) return null;
  const window = text.slice(from, start).toLowerCase();
  // Words of an earlier sentence or line do not count ("…or id. Call 555…"); a keyword that
  // ends with the full stop ("tel.") still does.
  SENTENCE_END.lastIndex = 0;
  let sentenceStart = 0;
  for (let end = SENTENCE_END.exec(window); end; end = SENTENCE_END.exec(window)) {
    sentenceStart = end.index;
  }
  keywords.lastIndex = 0;
  let nearest: "positive" | "negative" | null = null;
  for (let match = keywords.exec(window); match; match = keywords.exec(window)) {
    if (match.index + match[0].length > sentenceStart) {
      nearest = match.groups?.["pos"] !== undefined ? "positive" : "negative";
    }
    if (match[0].length === 0) keywords.lastIndex++;
  }
  return nearest;
}

/** Whether [from, to) holds a letter (any script), "#" or "§": else no keyword can be there. */
function hasWordCharacter(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c | 32) >= 97 && (c | 32) <= 122) return true; // A-Z, a-z
    if (c === 35 || c > 127) return true; // "#", and letters beyond ASCII
  }
  return false;
}

/**
 * Builds a keyword matcher for nearestContext from positive and negative alternatives
 * (regex source, matched against lowercase text). Alternatives hold no nested quantifiers.
 */
export function contextKeywords(positive: string[], negative: string[]): RegExp {
  return new RegExp(`(?<pos>${positive.join("|")})|(?<neg>${negative.join("|")})`, "g");
}

/** Negative keywords shared by numeric detectors: identifiers that are not personal data. */
export const IDENTIFIER_WORDS = [
  "\\b(?:order|invoice|inv|ticket|tracking|shipment|parcel|account|acct|ref|reference|serial)s?\\b",
  "\\b(?:sku|isbn|po|id|case|transaction|txn|receipt|confirmation|booking|reservation|part)s?\\b",
  "\\b(?:model|version|build|release|zip|postal|postcode|amount|total|price|quantity|qty)s?\\b",
  "\\b(?:batch|lot|upc|ean|gtin|imei|vin|patent)s?\\b",
  "_id\\b",
  "#",
];
