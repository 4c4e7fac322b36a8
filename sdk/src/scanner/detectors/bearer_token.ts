/**
 * Bearer tokens: the credential after "Bearer " (RFC 6750 b64token characters), as in an
 * Authorization header, a curl command or a log line. Placeholders ("Bearer <token>",
 * "Bearer $TOKEN", "Bearer YOUR_API_KEY") are not credentials: the token must be at least
 * 16 characters, mix letters and digits, and look random.
 */
import { isAlnum, isWordChar } from "../helpers/chars.ts";
import { looksRandom } from "../helpers/token_quality.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

const MIN_TOKEN = 16;

const isSpace = (c: number) => c === 32 || c === 9;
/** RFC 6750 b64token: letters, digits and - . _ ~ + /, then "=" padding. */
const isTokenChar = (c: number) =>
  isAlnum(c) || c === 45 || c === 46 || c === 95 || c === 126 || c === 43 || c === 47;

/** Emits SECRET_BEARER_TOKEN for each token; the finding spans the token only. */
export function detectBearerTokens(text: string, emit: Emit): void {
  // "bearer" in each capitalisation that occurs in practice, found at native speed.
  for (const word of ["Bearer", "bearer", "BEARER"]) {
    let from = 0;
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, Math.max(at + 1, from))) {
      if (isWordChar(text.charCodeAt(at - 1))) continue;
      let start = at + word.length;
      if (!isSpace(text.charCodeAt(start))) continue;
      while (isSpace(text.charCodeAt(start))) start++;
      let end = start;
      while (isTokenChar(text.charCodeAt(end))) end++;
      while (text.charCodeAt(end) === 61) end++; // = padding
      from = end;
      // A sentence's closing full stop is not part of the token.
      while (end > start && text.charCodeAt(end - 1) === 46) end--;
      if (end - start < MIN_TOKEN || !looksRandom(text.slice(start, end))) continue;
      emit("SECRET_BEARER_TOKEN", start, end);
    }
  }
}

export const bearerTokenDetector: Detector = {
  tags: ["SECRET_BEARER_TOKEN"],
  detect: detectBearerTokens,
};
