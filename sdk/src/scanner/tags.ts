/**
 * The risk-tag vocabulary: one tag per kind of finding. Tags are what leaves the process;
 * the matched text never does. Every tag matches the ingest schema's `^[A-Z][A-Z0-9_]{1,63}$`.
 */

/** Each tag the scanner emits, with what it means. */
export const RISK_TAGS = {
  PII_EMAIL: "An email address (local@domain.tld), not at a domain reserved for documentation.",
  PII_PHONE: "A phone number (E.164 or a common national format) outside the fiction ranges.",
  PII_CREDIT_CARD: "A Luhn-valid card number of a known issuer, not a published test number.",
  PII_IBAN: "An IBAN of its country's length, mod-97 valid, not the registry's example.",
  PII_US_SSN: "A US Social Security number within the issued ranges.",
  PII_IP_ADDRESS: "A globally reachable unicast IPv4 or IPv6 address, not a public resolver.",
  SECRET_AWS_ACCESS_KEY: "An AWS access key id (AKIA…, ASIA…) or a labelled AWS secret key.",
  SECRET_PRIVATE_KEY: "A PEM, OpenSSH, PGP or PuTTY private-key block.",
  SECRET_JWT: "A JSON Web Token whose header decodes to JSON with an `alg`.",
  SECRET_BEARER_TOKEN: "A credential after `Bearer ` (an Authorization header or similar).",
  SECRET_API_KEY: "An API key in a well-known provider format (see the README's list).",
  SECRET_WEBHOOK_URL: "An incoming-webhook URL (Slack, Discord): the URL is the credential.",
  SECRET_PASSWORD: "A password in a URL's userinfo (postgres://user:password@host).",
  SECRET_BASIC_AUTH: "HTTP Basic credentials: base64 of user:password after `Basic `.",
  SECRET_AZURE_STORAGE_KEY:
    "An Azure storage account key after AccountKey= or a storage-key label.",
} as const;

/** A risk tag emitted by the scanner. */
export type RiskTag = keyof typeof RISK_TAGS;

/** Every risk tag, in a stable order. */
export const RISK_TAG_NAMES = Object.keys(RISK_TAGS) as RiskTag[];

/** Where one finding is: UTF-16 offsets into the scanned string, end exclusive. Never the text. */
export type Finding = { tag: RiskTag; start: number; end: number };

/** Receives each candidate finding from a detector. */
export type Emit = (tag: RiskTag, start: number, end: number) => void;
