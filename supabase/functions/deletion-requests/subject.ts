/**
 * The subject of a deletion request, as the database receives it. Requests and receipts are
 * kept forever, so they name the subject only by a keyed hash: HMAC-SHA256 under
 * SEALOG_PSEUDONYM_KEY, computed here so that the key never reaches the database. The
 * input is domain-separated, so a subject hash never equals another store's pseudonym.
 */
import { createHmac } from "node:crypto";
import { requireSetting } from "../_shared/config.ts";
import { emailPseudonym, isEmailLike, normaliseEmail } from "../_shared/pseudonym.ts";
import type { Caller } from "./callers.ts";
import type { Subject } from "./schemas.ts";

export type SubjectKind = "user" | "email" | "end_user";

/** What create_deletion_request takes: the subject, its hash, and the grace period. */
export type SubjectRequest = {
  subject_kind: SubjectKind;
  user_id?: string;
  email?: string;
  end_user_id?: string;
  subject_hash: string;
  /** Pseudonyms (as auth events keep unknown addresses) of the addresses known here. */
  email_pseudonyms: string[];
  grace_seconds: number;
};

/** The keyed hash that stands for a subject in requests and receipts, hex. */
export function subjectHash(kind: SubjectKind, value: string): string {
  return createHmac("sha256", requireSetting("SEALOG_PSEUDONYM_KEY"))
    .update(`sealog/erasure-subject/v1\n${kind}\n${value}`, "utf8")
    .digest("hex");
}

/** The subject a caller names; a self-service user always names themselves by default. */
export function subjectRequest(
  caller: Caller,
  subject: Subject | undefined,
  graceSeconds: number,
): SubjectRequest | null {
  const named = subject ?? (caller.kind === "user" ? { user_id: caller.userId } : undefined);
  if (named === undefined) return null;
  if ("user_id" in named) {
    const userId = named.user_id.toLowerCase();
    // The token's address is known here; the database cannot compute its pseudonym.
    const addresses = caller.kind === "user" && caller.userId === userId && caller.email
      ? [caller.email]
      : [];
    return {
      subject_kind: "user",
      user_id: userId,
      subject_hash: subjectHash("user", userId),
      email_pseudonyms: addresses.map((address) => emailPseudonym(address)),
      grace_seconds: graceSeconds,
    };
  }
  if ("email" in named) {
    const email = normaliseEmail(named.email);
    return {
      subject_kind: "email",
      email,
      subject_hash: subjectHash("email", email),
      email_pseudonyms: [emailPseudonym(email)],
      grace_seconds: graceSeconds,
    };
  }
  return {
    subject_kind: "end_user",
    end_user_id: named.end_user_id,
    subject_hash: subjectHash("end_user", named.end_user_id),
    email_pseudonyms: isEmailLike(named.end_user_id) ? [emailPseudonym(named.end_user_id)] : [],
    grace_seconds: graceSeconds,
  };
}
