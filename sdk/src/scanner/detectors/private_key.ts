/**
 * Private-key blocks: PEM and OpenSSH ("-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED ]PRIVATE
 * KEY-----"), PGP ("-----BEGIN PGP PRIVATE KEY BLOCK-----") and PuTTY key files. A block
 * counts only if key material follows the header, so "-----BEGIN PRIVATE KEY-----\n...\n"
 * in documentation does not. The finding spans header to footer when the footer is present.
 */
import { isAlnum } from "../helpers/chars.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

const PEM_HEADER = /-----BEGIN (?:[A-Z0-9]{2,10} ){0,2}PRIVATE KEY(?: BLOCK)?-----/y;
const PUTTY_HEADER = /PuTTY-User-Key-File-\d: /y;
/** How far after the header key material must start, and how long a base64 run it needs. */
const MATERIAL_WINDOW = 240;
const MATERIAL_RUN = 40;
const MAX_BLOCK = 16_384;

/** Emits SECRET_PRIVATE_KEY for each private-key block. */
export function detectPrivateKeys(text: string, emit: Emit): void {
  // Each search moves only forward, so hostile input without footers stays linear.
  const pem = forwardSearch(text, "BEGIN ", 5);
  const putty = forwardSearch(text, "PuTTY-User-Key-File-", 0);
  const footer = forwardSearch(text, "-----END ", 0);
  let from = 0;
  for (;;) {
    const nextPem = pem(from);
    const nextPutty = putty(from);
    const at = nextPem === -1
      ? nextPutty
      : nextPutty === -1
      ? nextPem
      : Math.min(nextPem, nextPutty);
    if (at === -1) return;
    from = at + 1;
    const header = at === nextPem ? PEM_HEADER : PUTTY_HEADER;
    header.lastIndex = at;
    if (!header.test(text)) continue;
    const headerEnd = header.lastIndex;
    if (!hasKeyMaterial(text, headerEnd)) continue;
    let end = headerEnd;
    const close = footer(headerEnd);
    if (close !== -1 && close - at <= MAX_BLOCK) {
      const dashes = text.slice(close + 9, close + 89).indexOf("-----");
      end = dashes === -1 ? close + 9 : close + 9 + dashes + 5;
    }
    emit("SECRET_PRIVATE_KEY", at, end);
    from = end;
  }
}

/**
 * A search for `needle` that never rescans text it has passed; positions are reported
 * `back` characters before the needle ("BEGIN " is searched, "-----BEGIN " reported, because
 * a leading capital is rarer in text than a dash).
 */
function forwardSearch(text: string, needle: string, back: number): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found === -1) return -1;
    if (found < from) {
      const at = text.indexOf(needle, from + back);
      found = at === -1 ? -1 : at - back;
    }
    return found;
  };
}

function hasKeyMaterial(text: string, from: number): boolean {
  const limit = Math.min(text.length, from + MATERIAL_WINDOW + MATERIAL_RUN);
  let run = 0;
  for (let i = from; i < limit; i++) {
    const c = text.charCodeAt(i);
    run = isAlnum(c) || c === 43 || c === 47 ? run + 1 : 0; // + /
    if (run >= MATERIAL_RUN) return true;
  }
  return false;
}

export const privateKeyDetector: Detector = {
  tags: ["SECRET_PRIVATE_KEY"],
  detect: detectPrivateKeys,
};
