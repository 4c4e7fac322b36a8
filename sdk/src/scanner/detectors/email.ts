/**
 * Email addresses, anchored on each "@": a local part of up to 64 characters before it and
 * a domain of dot-separated labels after it, ending in an alphabetic top-level domain.
 * Package specifiers (zod@4.6.7), retina assets (logo@2x.png), mentions (@user) and URL
 * credentials (https://user:pass@host) and SSH remotes (git@host:org/repo) are not email
 * addresses.
 */
import { isAlnum, isAlpha, isDigit } from "../helpers/chars.ts";
import { isReservedDomain } from "../helpers/documentation_values.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/** Characters of an unquoted local part that appear in practice (RFC 5322 allows more). */
const isLocalChar = (c: number) =>
  isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || c === 39; // . _ % + - '
const isDomainChar = (c: number) => isAlnum(c) || c === 46 || c === 45; // . -

/** Top-level "domains" that are really file extensions: image@2x.png, bundle@1.0.js. */
const FILE_EXTENSIONS = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "svg",
  "webp",
  "bmp",
  "ico",
  "tif",
  "tiff",
  "js",
  "mjs",
  "cjs",
  "ts",
  "tsx",
  "jsx",
  "css",
  "scss",
  "map",
  "json",
  "yaml",
  "yml",
  "lock",
  "wasm",
  "html",
  "htm",
]);

/** Emits PII_EMAIL for each address. */
export function detectEmails(text: string, emit: Emit): void {
  let at = text.indexOf("@");
  while (at !== -1) {
    const end = emailEnd(text, at);
    const start = end > 0 ? localStart(text, at) : -1;
    if (start >= 0) emit("PII_EMAIL", start, end);
    at = text.indexOf("@", Math.max(at + 1, end));
  }
}

/** The start of a valid local part ending at `at`, or -1. */
function localStart(text: string, at: number): number {
  let start = at;
  while (start > 0 && at - start <= MAX_LOCAL && isLocalChar(text.charCodeAt(start - 1))) start--;
  if (start === at || at - start > MAX_LOCAL) return -1;
  // Leading dots or quotes belong to the sentence, not the address.
  while (start < at && (text[start] === "." || text[start] === "'")) start++;
  if (start === at || text[at - 1] === "." || text.slice(start, at).includes("..")) return -1;
  const before = text[start - 1];
  // https://user:pass@host is a credential in a URL; "Email:jo@x.org", "メール：jo@x.org" and
  // "mailto:jo@x.org" are addresses.
  if (before === ":" && inUrlAuthority(text, start - 1)) return -1;
  if (before === "/" || before === "@") return -1;
  return start;
}

/** Whether `colon` lies in a URL's authority: "://" earlier in the same token. */
function inUrlAuthority(text: string, colon: number): boolean {
  let i = colon;
  while (i > 0 && colon - i < MAX_LOCAL + 16 && !/[\s"'<>(]/.test(text[i - 1]!)) i--;
  return text.slice(i, colon).includes("://");
}

/** The end of a valid domain starting after `at`, or -1. */
function emailEnd(text: string, at: number): number {
  let end = at + 1;
  while (end < text.length && end - at <= MAX_DOMAIN && isDomainChar(text.charCodeAt(end))) end++;
  // A sentence's full stop or a dash after the address is not part of it.
  while (end > at + 1 && (text[end - 1] === "." || text[end - 1] === "-")) end--;
  const domain = text.slice(at + 1, end);
  if (domain.length < 4 || domain.length > MAX_DOMAIN) return -1;
  const labels = domain.split(".");
  if (labels.length < 2) return -1;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) return -1;
    if (label.startsWith("-") || label.endsWith("-")) return -1;
  }
  const tld = labels[labels.length - 1]!;
  const alphabetic = [...tld].every((ch) => isAlpha(ch.charCodeAt(0)));
  if (!(alphabetic && tld.length >= 2 && tld.length <= 24) && !/^xn--[a-z0-9-]+$/i.test(tld)) {
    return -1;
  }
  if (FILE_EXTENSIONS.has(tld.toLowerCase()) || isReservedDomain(domain)) return -1;
  // The character after the address must not continue a word: a@b.co_x, a@b.com@c.
  const after = text.charCodeAt(end);
  if (after === 64 || after === 95 || isDigit(after) || isAlpha(after)) return -1;
  // git@github.com:org/repo.git is an SSH login with a path, not a mailbox.
  if (after === 58 && /[\w~/]/.test(text[end + 1] ?? "")) return -1;
  return end;
}

export const emailDetector: Detector = {
  tags: ["PII_EMAIL"],
  detect: detectEmails,
};
