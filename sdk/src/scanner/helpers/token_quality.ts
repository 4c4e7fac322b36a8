/**
 * Whether a token looks random enough to be a real credential rather than a placeholder
 * such as "sk-xxxxxxxxxxxxxxxx", "YOUR_API_KEY_HERE" or "<token>".
 */

/** Shannon entropy in bits per character. */
export function entropy(token: string): number {
  const counts = new Map<string, number>();
  for (const ch of token) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / token.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const PLACEHOLDER_WORDS =
  /(?:your|xxxx|example|placeholder|redacted|changeme|insert|dummy|sample|secret_?key|api_?key|token_?here|here$|0000000|1234567|abcdefg)/i;

/**
 * Random-looking: letters mixed with digits, or (for a random string that happens to have no
 * digit) letters whose case flips often, unlike CamelCase words; several distinct characters;
 * no filler words.
 */
export function looksRandom(token: string, minEntropy = 3): boolean {
  if (!/[A-Za-z]/.test(token) || PLACEHOLDER_WORDS.test(token)) return false;
  if (!/[0-9]/.test(token) && caseFlips(token) < 0.3) return false;
  return entropy(token) >= minEntropy;
}

/** The share of adjacent letter pairs whose case differs: about 0.5 when random. */
function caseFlips(token: string): number {
  let pairs = 0;
  let flips = 0;
  for (let i = 1; i < token.length; i++) {
    const a = token.charCodeAt(i - 1);
    const b = token.charCodeAt(i);
    const aUpper = a >= 65 && a <= 90;
    const bUpper = b >= 65 && b <= 90;
    if ((aUpper || (a >= 97 && a <= 122)) && (bUpper || (b >= 97 && b <= 122))) {
      pairs++;
      if (aUpper !== bUpper) flips++;
    }
  }
  return pairs === 0 ? 0 : flips / pairs;
}
