/**
 * AWS credentials: access key ids (AKIA long-term, ASIA temporary, ABIA and ACCA service
 * credentials; 20 uppercase characters) and 40-character secret access keys where a label
 * such as `aws_secret_access_key` or `"SecretAccessKey":` names them, or a bare `secret_key`
 * / `secret` label stands within a config block of an access key id (Terraform's
 * `provider "aws" { access_key = "AKIA…" secret_key = "…" }`). IAM user, group and
 * role ids (AIDA, AGPA, AROA…) identify principals, not credentials, and the documentation
 * example AKIAIOSFODNN7EXAMPLE is not a key.
 */
import { isAlnum } from "../helpers/chars.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

const ACCESS_KEY_PREFIXES = ["AKIA", "ASIA", "ABIA", "ACCA"];
const ACCESS_KEY_LENGTH = 20;
/** Labels, matched case-insensitively where "secret" starts. */
const SECRET_LABEL = /(?:secret_?access_?key|secret(?:_?key)?)/iy;
const SECRET_KEY_LENGTH = 40;
/** Between the label and the key: quotes, spaces, "=", ":" and the like. */
const MAX_GAP = 12;
/** How far from an access key id a bare "secret" label still belongs to the same block. */
const BLOCK = 300;

/** Emits SECRET_AWS_ACCESS_KEY for each access key id and each labelled secret key. */
export function detectAwsKeys(text: string, emit: Emit): void {
  const keyIds: number[] = [];
  for (const prefix of ACCESS_KEY_PREFIXES) {
    for (let at = text.indexOf(prefix); at !== -1; at = text.indexOf(prefix, at + 1)) {
      const end = at + ACCESS_KEY_LENGTH;
      if (isAlnum(text.charCodeAt(at - 1)) || isAlnum(text.charCodeAt(end))) continue;
      const id = text.slice(at, end);
      if (!/^[A-Z0-9]{20}$/.test(id) || new Set(id).size < 8) continue;
      keyIds.push(at);
      // AWS's documentation examples end in EXAMPLE (AKIAIOSFODNN7EXAMPLE).
      if (!id.endsWith("EXAMPLE")) emit("SECRET_AWS_ACCESS_KEY", at, end);
    }
  }
  keyIds.sort((a, b) => a - b);
  // "secret" in each capitalisation that occurs in practice, found at native speed.
  for (const word of ["secret", "Secret", "SECRET"]) {
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
      SECRET_LABEL.lastIndex = at;
      const label = SECRET_LABEL.exec(text);
      if (!label) continue;
      // "secret_access_key" stands alone; a bare "secret" needs "aws" just before it, or an
      // access key id in the same block.
      const aws = /aws_?$/i.test(text.slice(Math.max(0, at - 4), at)) ||
        hasNear(keyIds, at, BLOCK);
      if (!aws && !/access/i.test(label[0])) continue;
      const start = secretKeyStart(text, at + label[0].length);
      if (start !== -1) emit("SECRET_AWS_ACCESS_KEY", start, start + SECRET_KEY_LENGTH);
    }
  }
}

/** The start of a 40-character secret key right after a label, or -1. */
function secretKeyStart(text: string, labelEnd: number): number {
  let start = labelEnd;
  const gapEnd = Math.min(text.length, start + MAX_GAP);
  while (start < gapEnd && /[\s"'=:>]/.test(text[start]!)) start++;
  let end = start;
  while (end - start <= SECRET_KEY_LENGTH && isKeyChar(text.charCodeAt(end))) end++;
  if (end - start !== SECRET_KEY_LENGTH || isAlnum(text.charCodeAt(start - 1))) return -1;
  const key = text.slice(start, end);
  const random = /[0-9]/.test(key) && /[a-z]/.test(key) && /[A-Z]/.test(key);
  return random && !key.includes("EXAMPLE") ? start : -1;
}

const isKeyChar = (c: number) => isAlnum(c) || c === 43 || c === 47; // + /

export const awsKeyDetector: Detector = {
  tags: ["SECRET_AWS_ACCESS_KEY"],
  detect: detectAwsKeys,
};

/** Whether sorted `positions` holds one within `distance` of `at` (binary search). */
function hasNear(positions: readonly number[], at: number, distance: number): boolean {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (positions[mid]! < at - distance) low = mid + 1;
    else high = mid;
  }
  return low < positions.length && positions[low]! <= at + distance;
}
