/**
 * Pseudonyms for identifiers that must never be stored in clear, such as an email address:
 * HMAC-SHA256 keyed with SEALOG_PSEUDONYM_KEY. The same address always gives the same
 * pseudonym, so repeated attempts correlate and an erasure can find them; without the key
 * a pseudonym can be neither reversed nor confirmed by guessing addresses.
 */
import { createHmac } from "node:crypto";
import { requireSetting } from "./config.ts";

/** The normalised form of an email address: trimmed and lowercased. */
export function normaliseEmail(address: string): string {
  return address.trim().toLowerCase();
}

/** Whether an identifier is (or contains) an email address, so it may be kept only as a pseudonym. */
export function isEmailLike(value: string): boolean {
  return value.includes("@");
}

/** HMAC-SHA256 of the normalised address, hex; 500 not_configured without SEALOG_PSEUDONYM_KEY. */
export function emailPseudonym(
  address: string,
  key: string = requireSetting("SEALOG_PSEUDONYM_KEY"),
): string {
  return createHmac("sha256", key).update(normaliseEmail(address), "utf8").digest("hex");
}
