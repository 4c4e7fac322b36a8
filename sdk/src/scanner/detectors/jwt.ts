/**
 * JSON Web Tokens: three base64url segments, the first two JSON objects (so they start with
 * "eyJ"), where the header decodes to JSON carrying an `alg`. Truncated examples such as
 * "eyJhbGciOi..." do not count.
 */
import { isAlnum } from "../helpers/chars.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

const MIN_SEGMENT = 11; // "eyJ" and at least 8 more characters
const MAX_HEADER = 2_048;

const isBase64Url = (c: number) => isAlnum(c) || c === 45 || c === 95; // - _

/**
 * Emits SECRET_JWT for each token. Candidates are found with indexOf and read segment by
 * segment; a segment is read at most twice (as a payload, then as a new header), so the scan
 * is linear whatever the input.
 */
export function detectJwts(text: string, emit: Emit): void {
  let from = 0;
  for (;;) {
    // "yJ" is rarer in prose than "eyJ"'s leading "e", so the search runs faster.
    const found = text.indexOf("yJ", from + 1);
    if (found === -1) return;
    const start = found - 1;
    from = found + 1;
    if (text.charCodeAt(start) !== 101 || isBase64Url(text.charCodeAt(start - 1))) continue; // e
    const headerEnd = segmentEnd(text, start);
    from = headerEnd;
    if (headerEnd - start < MIN_SEGMENT || text.charCodeAt(headerEnd) !== 46) continue; // .
    const payloadStart = headerEnd + 1;
    if (!text.startsWith("eyJ", payloadStart)) continue;
    const payloadEnd = segmentEnd(text, payloadStart);
    // If this is no token, the payload may still start one: resume at it.
    from = payloadStart;
    if (payloadEnd - payloadStart < MIN_SEGMENT || text.charCodeAt(payloadEnd) !== 46) continue;
    const end = segmentEnd(text, payloadEnd + 1);
    if (headerEnd - start > MAX_HEADER || !hasAlg(text.slice(start, headerEnd))) continue;
    emit("SECRET_JWT", start, end);
    from = end;
  }
}

function segmentEnd(text: string, from: number): number {
  let end = from;
  while (isBase64Url(text.charCodeAt(end))) end++;
  return end;
}

/**
 * Whether a base64url segment decodes to a JSON object with an `alg` member. Checked without
 * JSON.parse and without exceptions, which would make hostile input slow.
 */
export function hasAlg(segment: string): boolean {
  if (segment.length % 4 === 1) return false; // not valid base64
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const header = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return header.startsWith("{") && header.trimEnd().endsWith("}") &&
    /"alg"\s*:\s*"/.test(header);
}

export const jwtDetector: Detector = {
  tags: ["SECRET_JWT"],
  detect: detectJwts,
};
