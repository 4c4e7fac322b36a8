/**
 * The numeric detectors, in one pass over the numeric candidates: IPv4, SSN, payment card
 * and phone, tried in that order. A run that is none of them as a whole (a list such as
 * "call 415 555 2671 or 020 7946 0958") is tried part by part, split where a separator
 * contains a space.
 */
import { ipv4End } from "./ip_address.ts";
import { forEachNumericRun, type NumericCandidate, subCandidate } from "./numeric_candidate.ts";
import { isPaymentCard } from "./payment_card.ts";
import { isPhoneNumber } from "./phone.ts";
import type { Emit } from "./tags.ts";
import { isUsSsn } from "./us_ssn.ts";

/** Runs of more groups than this are never one number; they are only read part by part. */
const MAX_GROUPS = 8;

/** Emits PII_IP_ADDRESS (IPv4), PII_US_SSN, PII_CREDIT_CARD and PII_PHONE findings. */
export function detectNumbers(text: string, emit: Emit): void {
  forEachNumericRun(text, (candidate) => {
    if (candidate.groups.length <= MAX_GROUPS && classify(text, candidate, emit)) return;
    let from = 0;
    for (let i = 0; i < candidate.seps.length; i++) {
      if (!candidate.seps[i]!.includes(" ")) continue;
      classify(text, subCandidate(candidate, from, i + 1), emit);
      from = i + 1;
    }
    if (from > 0) classify(text, subCandidate(candidate, from, candidate.groups.length), emit);
  });
}

function classify(text: string, candidate: NumericCandidate, emit: Emit): boolean {
  if (candidate.groups.length > MAX_GROUPS) return false;
  const ipEnd = ipv4End(text, candidate);
  if (ipEnd >= 0) {
    emit("PII_IP_ADDRESS", candidate.start, ipEnd);
    return true;
  }
  if (isUsSsn(text, candidate)) {
    emit("PII_US_SSN", candidate.start, candidate.end);
    return true;
  }
  if (isPaymentCard(text, candidate)) {
    emit("PII_CREDIT_CARD", candidate.start, candidate.end);
    return true;
  }
  if (isPhoneNumber(text, candidate)) {
    emit("PII_PHONE", candidate.start, candidate.end);
    return true;
  }
  return false;
}
