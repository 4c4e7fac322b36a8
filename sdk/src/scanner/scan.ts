/**
 * scan(text): runs every detector once over the text, settles overlaps, and reports the
 * risk tags with counts and the offsets of each finding. It never returns matched text.
 *
 * Every detector is linear in the text: regexes start only at token boundaries and hold no
 * nested or overlapping quantifiers; hand-written scans move forward and look around within
 * constant windows. bench/scanner.ts measures this on adversarial input.
 */
import { apiKeyDetector } from "./detectors/api_key.ts";
import { awsKeyDetector } from "./detectors/aws_key.ts";
import { azureStorageKeyDetector } from "./detectors/azure_storage_key.ts";
import { basicAuthDetector } from "./detectors/basic_auth.ts";
import { bearerTokenDetector } from "./detectors/bearer_token.ts";
import type { Detector } from "./detectors/contract.ts";
import { emailDetector } from "./detectors/email.ts";
import { ibanDetector } from "./detectors/iban.ts";
import { ipAddressDetector } from "./detectors/ip_address.ts";
import { jwtDetector } from "./detectors/jwt.ts";
import { paymentCardDetector } from "./detectors/payment_card.ts";
import { phoneDetector } from "./detectors/phone.ts";
import { privateKeyDetector } from "./detectors/private_key.ts";
import { urlPasswordDetector } from "./detectors/url_password.ts";
import { usSsnDetector } from "./detectors/us_ssn.ts";
import { webhookUrlDetector } from "./detectors/webhook_url.ts";
import { foldWidth } from "./helpers/fold_width.ts";
import { detectNumbers } from "./helpers/numeric_runs.ts";
import type { Finding, RiskTag } from "./tags.ts";

/** What scan() found: distinct tags (sorted), a count per tag, and each finding's offsets. */
export type ScanResult = {
  tags: RiskTag[];
  counts: Partial<Record<RiskTag, number>>;
  findings: Finding[];
};

/** Every detector. Numeric judgements are tried in this order: IPv4, SSN, card, phone. */
const DETECTORS: readonly Detector[] = [
  privateKeyDetector,
  jwtDetector,
  apiKeyDetector,
  awsKeyDetector,
  bearerTokenDetector,
  basicAuthDetector,
  webhookUrlDetector,
  urlPasswordDetector,
  azureStorageKeyDetector,
  ibanDetector,
  emailDetector,
  ipAddressDetector,
  usSsnDetector,
  paymentCardDetector,
  phoneDetector,
];
const NUMERIC = DETECTORS.filter((detector) => detector.numeric);

/**
 * Where a finding overlaps another of higher rank (lower number), it is dropped: digits
 * inside an API key are not a phone number, and an IBAN's digits are not a card. Secrets
 * never drop each other: "Bearer eyJ…" is both a bearer token and a JWT.
 */
const RANK: Record<RiskTag, number> = {
  SECRET_PRIVATE_KEY: 0,
  SECRET_JWT: 0,
  SECRET_API_KEY: 0,
  SECRET_AWS_ACCESS_KEY: 0,
  SECRET_BEARER_TOKEN: 0,
  SECRET_BASIC_AUTH: 0,
  SECRET_WEBHOOK_URL: 0,
  SECRET_PASSWORD: 0,
  SECRET_AZURE_STORAGE_KEY: 0,
  PII_IBAN: 1,
  PII_EMAIL: 2,
  PII_IP_ADDRESS: 3,
  PII_CREDIT_CARD: 4,
  PII_US_SSN: 5,
  PII_PHONE: 6,
};
const RANKS = 7;

/** Scans `text` for personal data and secrets. */
export function scan(text: string): ScanResult {
  const candidates: Finding[] = [];
  const emit = (tag: RiskTag, start: number, end: number) => {
    if (end > start) candidates.push({ tag, start, end });
  };
  const folded = foldWidth(text);
  for (const detector of DETECTORS) detector.detect?.(folded, emit);
  detectNumbers(folded, emit, NUMERIC);
  const findings = settleOverlaps(candidates);
  const counts: Partial<Record<RiskTag, number>> = {};
  for (const finding of findings) counts[finding.tag] = (counts[finding.tag] ?? 0) + 1;
  const tags = (Object.keys(counts) as RiskTag[]).sort();
  return { tags, counts, findings };
}

/**
 * Drops findings overlapped by a higher-ranked one, and same-tag findings overlapped by an
 * earlier or longer one. Two sweeps over findings sorted by start: O(F log F).
 */
function settleOverlaps(candidates: Finding[]): Finding[] {
  if (candidates.length < 2) return candidates;
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const dropped = new Uint8Array(candidates.length);

  // Forward: findings that start at or before this one and reach past its start.
  const maxEndByRank = new Array<number>(RANKS).fill(-1);
  const maxEndByTag = new Map<RiskTag, number>();
  for (let i = 0; i < candidates.length; i++) {
    const finding = candidates[i]!;
    const rank = RANK[finding.tag];
    for (let r = 0; r < rank; r++) if (maxEndByRank[r]! > finding.start) dropped[i] = 1;
    if ((maxEndByTag.get(finding.tag) ?? -1) > finding.start) dropped[i] = 1;
    maxEndByRank[rank] = Math.max(maxEndByRank[rank]!, finding.end);
    maxEndByTag.set(finding.tag, Math.max(maxEndByTag.get(finding.tag) ?? -1, finding.end));
  }

  // Backward: higher-ranked findings that start at or after this one and before its end.
  const minStartByRank = new Array<number>(RANKS).fill(Infinity);
  for (let i = candidates.length - 1; i >= 0;) {
    let group = i;
    while (group > 0 && candidates[group - 1]!.start === candidates[i]!.start) group--;
    for (let j = group; j <= i; j++) {
      const rank = RANK[candidates[j]!.tag];
      minStartByRank[rank] = Math.min(minStartByRank[rank]!, candidates[j]!.start);
    }
    for (let j = group; j <= i; j++) {
      const finding = candidates[j]!;
      for (let r = 0; r < RANK[finding.tag]; r++) {
        if (minStartByRank[r]! < finding.end) dropped[j] = 1;
      }
    }
    i = group - 1;
  }
  return candidates.filter((_, i) => dropped[i] === 0);
}
