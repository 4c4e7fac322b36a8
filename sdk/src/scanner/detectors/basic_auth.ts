/**
 * HTTP Basic credentials (RFC 7617): "Basic " and the base64 of "user:password", as in an
 * Authorization header or a curl command. The token must decode to printable text with a
 * colon and a non-empty password; "Basic realm=…" and "Basic <credentials>" are not
 * credentials. The finding spans the token.
 */
import { isAlnum, isWordChar } from "../helpers/chars.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

const MIN_TOKEN = 8;
const MAX_TOKEN = 1_024;
const isBase64Char = (c: number) => isAlnum(c) || c === 43 || c === 47; // + /

/** Emits SECRET_BASIC_AUTH for each Basic credential. */
export function detectBasicAuth(text: string, emit: Emit): void {
  for (const word of ["Basic ", "basic ", "BASIC "]) {
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
      if (isWordChar(text.charCodeAt(at - 1))) continue;
      let start = at + word.length;
      while (text.charCodeAt(start) === 32) start++;
      let end = start;
      while (end - start <= MAX_TOKEN && isBase64Char(text.charCodeAt(end))) end++;
      while (text.charCodeAt(end) === 61) end++; // = padding
      if (end - start < MIN_TOKEN || end - start > MAX_TOKEN || isWordChar(text.charCodeAt(end))) {
        continue;
      }
      if (decodesToCredentials(text.slice(start, end))) emit("SECRET_BASIC_AUTH", start, end);
    }
  }
}

/** Whether a base64 token decodes to printable "user:password" with a password. */
export function decodesToCredentials(token: string): boolean {
  const unpadded = token.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return false;
  const decoded = atob(unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4));
  const colon = decoded.indexOf(":");
  return colon !== -1 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}

export const basicAuthDetector: Detector = { tags: ["SECRET_BASIC_AUTH"], detect: detectBasicAuth };
