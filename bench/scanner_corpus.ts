/**
 * The scanner benchmark's labelled corpus, generated with @faker-js/faker from a fixed seed so
 * that every run scores the same text: sentences carrying personal data or secrets (with the
 * exact span of each), hand-written hard negatives that look like them but are not (order
 * numbers, UUIDs, timestamps, versions, hashes, placeholders…), and ordinary prose.
 */
import {
  type Faker,
  faker as fakerEN_US,
  fakerDE,
  fakerEN_AU,
  fakerEN_GB,
  fakerEN_IN,
  fakerES,
  fakerFR,
  fakerNL,
} from "@faker-js/faker";
import { RISK_TAG_NAMES, type RiskTag } from "../sdk/mod.ts";
import { isPersonalIPv4 } from "../sdk/src/scanner/helpers/ip_parse.ts";
import { MULTILINGUAL_NEGATIVES, MULTILINGUAL_POSITIVES } from "./scanner_corpus_multilingual.ts";

export const CORPUS_SEED = 20261123;

/** A labelled span: the tag the scanner should report there. */
export type Span = { tag: RiskTag; start: number; end: number };
/** One document: its text and every span of personal data or secrets in it. */
export type LabelledDoc = { text: string; spans: Span[] };

/**
 * Key-shaped values of Sealog's and Stripe's formats (`slg_live_…`, `sk_test_…`), random as they
 * are, trip secret checks (ours, a host's push protection) once committed. The committed corpus
 * stores them with `#` for the two underscores of the prefix (`slg#live#…`: the same length, so
 * the spans hold); `readCorpusPart` restores them, so that everything is scored on the text as
 * generated.
 */
const KEY_SHAPED = /(sk|slg)_(live|test)_(?=[A-Za-z0-9_-]{24})/g;
const KEY_MARKED = /(sk|slg)#(live|test)#(?=[A-Za-z0-9_-]{24})/g;

/** The committed corpus: bench/corpus/scanner_<part>.jsonl. */
export const CORPUS_DIR = new URL("./corpus/", import.meta.url);
export const corpusPartFile = (part: string) => new URL(`scanner_${part}.jsonl`, CORPUS_DIR);

/** A document as one line of the committed corpus: key-shaped values marked (see KEY_SHAPED). */
export function committedLine(doc: LabelledDoc): string {
  if (doc.text.search(KEY_MARKED) !== -1) {
    throw new Error(`the text already holds a key marker: ${doc.text}`);
  }
  return JSON.stringify({ text: doc.text.replace(KEY_SHAPED, "$1#$2#"), spans: doc.spans });
}

/** A part of the committed corpus as generated: every marked value key-shaped again. */
export async function readCorpusPart(part: string): Promise<LabelledDoc[]> {
  const lines = (await Deno.readTextFile(corpusPartFile(part))).split("\n").filter((line) => line);
  return lines.map((line) => {
    const doc = JSON.parse(line) as LabelledDoc;
    return { text: doc.text.replace(KEY_MARKED, "$1_$2_"), spans: doc.spans };
  });
}

/** Builds a document piece by piece, recording the span of each labelled value. */
export class Doc {
  text = "";
  spans: Span[] = [];
  /** Appends plain text. */
  t(text: string): this {
    this.text += text;
    return this;
  }
  /** Appends a value labelled with one or more tags. */
  v(tags: RiskTag | RiskTag[], value: string): this {
    const start = this.text.length;
    this.text += value;
    for (const tag of Array.isArray(tags) ? tags : [tags]) {
      this.spans.push({ tag, start, end: this.text.length });
    }
    return this;
  }
}

export type Writer = (doc: Doc) => void;

const PHONE_LOCALES: Faker[] = [
  fakerEN_US,
  fakerEN_GB,
  fakerDE,
  fakerFR,
  fakerEN_AU,
  fakerEN_IN,
  fakerNL,
  fakerES,
];

/**
 * Faker's dates (timestamps, a JWT's iat) count from here, not from now, so that a rerun of
 * `--regenerate` writes the same corpus.
 */
const REF_DATE = "2026-11-23T00:00:00Z";

function seedAll(seed: number): void {
  fakerEN_US.seed(seed);
  PHONE_LOCALES.forEach((locale, i) => locale.seed(seed + i + 1));
  for (const locale of [fakerEN_US, ...PHONE_LOCALES]) locale.setDefaultRefDate(REF_DATE);
}

export const f = fakerEN_US;
export const pick = <T>(items: readonly T[]): T => f.helpers.arrayElement(items);
export const chance = (p: number) => f.datatype.boolean({ probability: p });
export const alnum = (length: number) => f.string.alphanumeric({ length, casing: "mixed" });
export const hex = (length: number) =>
  f.string.hexadecimal({ length, casing: "lower", prefix: "" });
export const fromChars = (chars: string, length: number) => f.string.fromCharacters(chars, length);
export const URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
export const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
export const name = () => f.person.fullName();

// ---------------------------------------------------------------------------------------------
// Values

export function email(): string {
  return pick([
    () => f.internet.email(),
    () =>
      f.internet.email({
        provider: pick(["gmail.com", "outlook.com", "proton.me", "acme.co.uk", "uni-bonn.de"]),
      }),
    () => `${f.person.firstName().toLowerCase()}+${f.word.noun()}@${f.internet.domainName()}`,
    () => f.internet.email().toUpperCase(),
  ])();
}

export function phone(): string {
  const locale = pick(PHONE_LOCALES);
  return locale.phone.number({ style: pick(["human", "national", "international"] as const) });
}

function e164(): string {
  return pick(PHONE_LOCALES).phone.number({ style: "international" });
}

export function card(): string {
  const number = f.finance.creditCardNumber(
    pick(["visa", "mastercard", "discover", "american_express", "diners_club", "jcb"]),
  );
  return pick([
    () => number,
    () => number.replace(/-/g, " "),
    () => number.replace(/-/g, ""),
  ])();
}

export function iban(): string {
  return f.finance.iban({ formatted: chance(0.5) });
}

export function groupedIban(): string {
  return f.finance.iban({ formatted: true });
}

function ssnParts(): [string, string, string] {
  let area = f.number.int({ min: 1, max: 899 });
  if (area === 666) area = 667;
  return [
    String(area).padStart(3, "0"),
    String(f.number.int({ min: 1, max: 99 })).padStart(2, "0"),
    String(f.number.int({ min: 1, max: 9999 })).padStart(4, "0"),
  ];
}

/** A public address: the documented policy (docs/sdk-scanner.md) says only these are personal. */
export function ipv4(): string {
  for (;;) {
    const ip = f.internet.ipv4();
    if (isPersonalIPv4(ip.split(".").map(Number))) return ip;
  }
}

/** An address of a range the policy excludes: private, shared, documentation, a resolver. */
export function nonPersonalIPv4(): string {
  return pick([
    () => `10.${f.number.int(255)}.${f.number.int(255)}.${f.number.int({ min: 1, max: 254 })}`,
    () => `192.168.${f.number.int(255)}.${f.number.int({ min: 1, max: 254 })}`,
    () => `172.${f.number.int({ min: 16, max: 31 })}.${f.number.int(255)}.${f.number.int(254)}`,
    () => `100.${f.number.int({ min: 64, max: 127 })}.${f.number.int(255)}.${f.number.int(254)}`,
    () => `169.254.${f.number.int(255)}.${f.number.int({ min: 1, max: 254 })}`,
    () => `${pick(["192.0.2", "198.51.100", "203.0.113"])}.${f.number.int({ min: 1, max: 254 })}`,
    () => pick(["8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "208.67.222.222"]),
  ])();
}

export function ipv6(): string {
  // Global unicast (2000::/3) outside the documentation prefix 2001:db8::/32.
  const first = pick(["2a00", "2a01", "2a02", "2a03", "2a0" + hex(1), "2600", "2604", "2607"]);
  const full = [first, ...f.internet.ipv6().split(":").slice(1)].join(":");
  if (chance(0.5)) return full;
  // A compressed form: zero a run of groups and write it as "::".
  const groups = full.split(":");
  const from = f.number.int({ min: 1, max: 5 });
  const length = f.number.int({ min: 2, max: 3 });
  return `${groups.slice(0, from).join(":")}::${groups.slice(from + length).join(":")}`;
}

export function awsAccessKeyId(): string {
  return pick(["AKIA", "ASIA"]) + fromChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
}

export function awsSecretKey(): string {
  for (;;) {
    const key = fromChars(BASE64, 40);
    if (/[0-9]/.test(key) && /[a-z]/.test(key) && /[A-Z]/.test(key)) return key;
  }
}

function privateKey(): string {
  const kind = pick(["RSA ", "EC ", "OPENSSH ", "", "ENCRYPTED ", "PGP "]);
  const lines = Array.from(
    { length: f.number.int({ min: 3, max: 12 }) },
    () => fromChars(BASE64, 64),
  );
  const block = kind === "PGP " ? "PRIVATE KEY BLOCK" : "PRIVATE KEY";
  return `-----BEGIN ${kind}${block}-----\n${lines.join("\n")}\n-----END ${kind}${block}-----`;
}

function jwt(): string {
  return f.internet.jwt();
}

function opaqueToken(): string {
  for (;;) {
    const token = pick([
      () => alnum(f.number.int({ min: 24, max: 64 })),
      () => fromChars(URLSAFE + ".~", f.number.int({ min: 24, max: 64 })),
      () => fromChars(BASE64, 40) + "==",
    ])();
    if (/[0-9]/.test(token) && /[A-Za-z]/.test(token) && /^[A-Za-z0-9]/.test(token)) {
      return token.replace(/\.+$/, "x");
    }
  }
}

/** An API key of a provider format the scanner documents, with a random body. */
export function apiKey(): string {
  return pick([
    () => `sk-ant-api03-${fromChars(URLSAFE, 93)}AA`,
    () => `sk-or-v1-${hex(64)}`,
    () => `sk-proj-${fromChars(URLSAFE, f.number.int({ min: 48, max: 156 }))}`,
    () => `sk-${alnum(20)}T3BlbkFJ${alnum(20)}`,
    () => `${pick(["sk", "rk"])}_${pick(["live", "test"])}_${alnum(pick([24, 99]))}`,
    () => `${pick(["ghp", "gho", "ghs"])}_${alnum(36)}`,
    () => `github_pat_${alnum(22)}_${alnum(59)}`,
    () => `glpat-${fromChars(URLSAFE, 20)}`,
    () => `xoxb-${f.string.numeric(12)}-${f.string.numeric(13)}-${alnum(24)}`,
    () => `AIza${fromChars(URLSAFE, 35)}`,
    () => `SG.${fromChars(URLSAFE, 22)}.${fromChars(URLSAFE, 43)}`,
    () => `npm_${alnum(36)}`,
    () => `hf_${alnum(34)}`,
    () => `gsk_${alnum(52)}`,
    () => `r8_${alnum(37)}`,
    () => `sbp_${hex(40)}`,
    () => `xai-${alnum(80)}`,
    () => `lsv2_pt_${hex(32)}_${hex(10)}`,
    () => `dop_v1_${hex(64)}`,
    () => `slg_live_${fromChars(URLSAFE, 43)}`,
    () => `pplx-${alnum(48)}`,
    () => `SK${hex(32)}`,
  ])();
}

// ---------------------------------------------------------------------------------------------
// Sentences with labelled values

const POSITIVES: Partial<Record<RiskTag, Writer[]>> = {
  PII_EMAIL: [
    (d) => d.t("Please forward the invoice to ").v("PII_EMAIL", email()).t(" before Friday."),
    (d) => d.t("My email is ").v("PII_EMAIL", email()).t(" if you need anything else."),
    (d) => d.t(`From: ${name()} <`).v("PII_EMAIL", email()).t(">"),
    (d) => d.t(`{"name": "${name()}", "email": "`).v("PII_EMAIL", email()).t(`"}`),
    (d) => d.t(`${name()},`).v("PII_EMAIL", email()).t(`,${f.location.city()}`),
    (d) => d.t("Contact ").v("PII_EMAIL", email()).t(" or ").v("PII_EMAIL", email()).t("."),
    (d) => d.t("mailto:").v("PII_EMAIL", email()),
    (d) => d.t(`${name()} (`).v("PII_EMAIL", email()).t(") joined the call."),
    (d) => d.t(`Reply-To: "${name()}" <`).v("PII_EMAIL", email()).t(">"),
    (d) => d.t("GET /unsubscribe?user=").v("PII_EMAIL", email()).t("&list=weekly"),
  ],
  PII_PHONE: [
    (d) => d.t("Call me at ").v("PII_PHONE", phone()).t(" after 5pm."),
    (d) => d.t("My phone number is ").v("PII_PHONE", phone()).t("."),
    (d) => d.t("Tel: ").v("PII_PHONE", phone()),
    (d) => d.t(`{"phone": "`).v("PII_PHONE", phone()).t(`"}`),
    (d) => d.t(`You can reach ${f.person.firstName()} on `).v("PII_PHONE", phone()).t(" today."),
    (d) => d.t("Mobile ").v("PII_PHONE", phone()).t(", office hours only."),
    (d) => d.t(`${name()} - `).v("PII_PHONE", phone()),
    (d) => d.t(`${name()}, ${f.location.city()}, `).v("PII_PHONE", phone()),
    (d) => d.t(`<a href="tel:`).v("PII_PHONE", e164()).t(`">call us</a>`),
    (d) => d.t("WhatsApp: ").v("PII_PHONE", phone()),
    (d) => d.t(`| ${name()} | `).v("PII_PHONE", phone()).t(` | ${f.location.city()} |`),
  ],
  PII_CREDIT_CARD: [
    (d) => d.t("Please charge my card ").v("PII_CREDIT_CARD", card()).t(" for the order."),
    (d) => d.t("card number: ").v("PII_CREDIT_CARD", card()),
    (d) =>
      d.t("CC ").v("PII_CREDIT_CARD", card()).t(
        ` exp ${f.number.int({ min: 1, max: 12 })}/${f.number.int({ min: 26, max: 31 })}`,
      ),
    (d) => d.t(`{"pan": "`).v("PII_CREDIT_CARD", card()).t(`"}`),
    (d) => d.t(`${name()} paid with `).v("PII_CREDIT_CARD", card()).t("."),
    (d) => d.t(`${name()} `).v("PII_CREDIT_CARD", card()),
    (d) => d.t(`{"card_number": "`).v("PII_CREDIT_CARD", card()).t(`", "exp": "08/27"}`),
  ],
  PII_IBAN: [
    (d) => d.t("IBAN: ").v("PII_IBAN", iban()),
    (d) => d.t("Please transfer the deposit to ").v("PII_IBAN", iban()).t(" this week."),
    (d) => d.t(`${name()}; `).v("PII_IBAN", iban()).t(`; ${f.finance.amount()}`),
    (d) => d.t(`BIC ${f.finance.bic()}, IBAN `).v("PII_IBAN", iban()),
    (d) => d.t("Refund to account ").v("PII_IBAN", iban()).t(", thanks."),
  ],
  PII_US_SSN: [
    (d) => d.t("SSN: ").v("PII_US_SSN", ssnParts().join("-")),
    (d) => d.t("My social security number is ").v("PII_US_SSN", ssnParts().join("-")).t("."),
    (d) =>
      d.t(`${name()}\t`).v("PII_US_SSN", ssnParts().join("-")).t(
        `\t${f.date.birthdate().toISOString().slice(0, 10)}`,
      ),
    (d) => d.t("ssn ").v("PII_US_SSN", ssnParts().join(" ")),
    (d) => d.t("SSN#").v("PII_US_SSN", ssnParts().join("")),
    (d) => d.t(`Applicant ${name()}, `).v("PII_US_SSN", ssnParts().join("-")).t(", approved."),
  ],
  PII_IP_ADDRESS: [
    (d) => d.t("Failed login from ").v("PII_IP_ADDRESS", ipv4()).t(" at 03:14."),
    (d) => d.t("client_ip=").v("PII_IP_ADDRESS", ipv4()),
    (d) => d.t("ssh root@").v("PII_IP_ADDRESS", ipv4()),
    (d) => d.t("The server at ").v("PII_IP_ADDRESS", ipv4()).t(":8080 is down."),
    (d) => d.t("Allow ").v("PII_IP_ADDRESS", ipv4()).t("/32 in the firewall."),
    (d) => d.t("Request from [").v("PII_IP_ADDRESS", ipv6()).t("]:443 was blocked."),
    (d) => d.t("Their IPv6 address is ").v("PII_IP_ADDRESS", ipv6()).t("."),
    (d) => d.t("X-Forwarded-For: ").v("PII_IP_ADDRESS", ipv4()).t(", ").v("PII_IP_ADDRESS", ipv4()),
    (d) => d.t("Open http://").v("PII_IP_ADDRESS", ipv4()).t("/admin to configure it."),
    (d) => d.t("Open http://[").v("PII_IP_ADDRESS", ipv6()).t("]:8080/ in the browser."),
    (d) => d.t(`{"remote_addr": "`).v("PII_IP_ADDRESS", ipv4()).t(`", "status": 200}`),
    (d) =>
      d.v("PII_IP_ADDRESS", ipv4()).t(
        ` - - [10/Oct/2025:13:55:36 -0700] "GET /index.html HTTP/1.1" 200 ${f.number.int(9999)}`,
      ),
  ],
  SECRET_AWS_ACCESS_KEY: [
    (d) => d.t("aws_access_key_id = ").v("SECRET_AWS_ACCESS_KEY", awsAccessKeyId()),
    (d) => d.t("export AWS_ACCESS_KEY_ID=").v("SECRET_AWS_ACCESS_KEY", awsAccessKeyId()),
    (d) => d.t("Access key ").v("SECRET_AWS_ACCESS_KEY", awsAccessKeyId()).t(" was rotated."),
    (d) => d.t("aws_secret_access_key = ").v("SECRET_AWS_ACCESS_KEY", awsSecretKey()),
    (d) => d.t(`"SecretAccessKey": "`).v("SECRET_AWS_ACCESS_KEY", awsSecretKey()).t(`",`),
  ],
  SECRET_PRIVATE_KEY: [
    (d) => d.t("Here is the deploy key:\n").v("SECRET_PRIVATE_KEY", privateKey()).t("\n"),
    (d) => d.t("key.pem contains ").v("SECRET_PRIVATE_KEY", privateKey()),
    (d) =>
      d.t(`{"type": "service_account", "private_key": "`)
        .v("SECRET_PRIVATE_KEY", privateKey().replace(/\n/g, "\\n"))
        .t(`\\n", "client_email": "`)
        .v("PII_EMAIL", `${f.internet.username().toLowerCase()}@project.iam.gserviceaccount.com`)
        .t(`"}`),
  ],
  SECRET_JWT: [
    (d) => d.t("token=").v("SECRET_JWT", jwt()),
    (d) => d.t("Cookie: session=").v("SECRET_JWT", jwt()).t("; Path=/"),
    (d) => d.t("Use this JWT: ").v("SECRET_JWT", jwt()),
    (d) => d.t("Authorization: Bearer ").v(["SECRET_BEARER_TOKEN", "SECRET_JWT"], jwt()),
    (d) => d.t("https://app.example.com/callback?token=").v("SECRET_JWT", jwt()).t("&state=1"),
  ],
  SECRET_BEARER_TOKEN: [
    (d) => d.t("Authorization: Bearer ").v("SECRET_BEARER_TOKEN", opaqueToken()),
    (d) =>
      d.t(`curl -H 'Authorization: Bearer `).v("SECRET_BEARER_TOKEN", opaqueToken()).t(
        `' https://api.${f.internet.domainName()}/v1/items`,
      ),
    (d) => d.t("header bearer ").v("SECRET_BEARER_TOKEN", opaqueToken()).t(" expired."),
    (d) => d.t("Authorization: Bearer ").v(["SECRET_BEARER_TOKEN", "SECRET_API_KEY"], apiKey()),
    (d) => d.t(`-H "authorization: bearer `).v("SECRET_BEARER_TOKEN", opaqueToken()).t(`"`),
  ],
  SECRET_API_KEY: [
    (d) => d.t("OPENAI_API_KEY=").v("SECRET_API_KEY", apiKey()),
    (d) => d.t("my key is ").v("SECRET_API_KEY", apiKey()).t(", please keep it safe"),
    (d) => d.t(`const client = new Client({ apiKey: "`).v("SECRET_API_KEY", apiKey()).t(`" });`),
    (d) => d.t("export GITHUB_TOKEN=").v("SECRET_API_KEY", apiKey()),
    (d) => d.t("token: ").v("SECRET_API_KEY", apiKey()),
    (d) =>
      d.t("https://maps.googleapis.com/maps/api/js?key=").v(
        "SECRET_API_KEY",
        `AIza${fromChars(URLSAFE, 35)}`,
      ).t("&callback=init"),
  ],
};

// ---------------------------------------------------------------------------------------------
// Hard negatives: they look like personal data or secrets, and are not.

export const digits = (length: number) => f.string.numeric({ length, allowLeadingZeros: true });
const year = () => f.number.int({ min: 1990, max: 2030 });
const two = (max: number) => String(f.number.int({ min: 1, max })).padStart(2, "0");

const HARD_NEGATIVES: Array<[family: string, write: Writer]> = [
  ["order number", (d) => d.t(`Order #${digits(f.number.int({ min: 8, max: 16 }))} has shipped.`)],
  ["order number", (d) => d.t(`order number ${digits(4)}-${digits(4)}-${digits(4)}`)],
  ["order number", (d) => d.t(`Invoice INV-${year()}-${digits(5)} is overdue.`)],
  ["order number", (d) => d.t(`PO ${digits(10)} approved by finance.`)],
  ["order number", (d) => d.t(`ticket ${digits(10)} was closed`)],
  [
    "order number",
    (d) => d.t(`Tracking number 1Z${f.string.alphanumeric({ length: 16, casing: "upper" })}`),
  ],
  ["order number", (d) => d.t(`Your confirmation code is ${digits(9)}.`)],
  ["order number", (d) => d.t(`Transaction ${digits(16)} settled.`)],
  ["uuid", (d) => d.t(`request_id=${f.string.uuid()}`)],
  ["uuid", (d) => d.t(`Session ${f.string.uuid()} started.`)],
  ["timestamp", (d) => d.t(`at ${f.date.recent().toISOString()}`)],
  ["timestamp", (d) => d.t(`ts=${Math.floor(f.date.recent().getTime() / 1000)}`)],
  ["timestamp", (d) => d.t(`epoch_ms ${f.date.recent().getTime()}`)],
  ["timestamp", (d) => d.t(`${f.date.recent().toUTCString()}`)],
  ["timestamp", (d) => d.t(`Meeting on ${two(12)}/${two(28)}/${year()} at ${two(23)}:${two(59)}.`)],
  [
    "timestamp",
    (d) => d.t(`Datum: ${two(28)}.${two(12)}.${year()} ${two(23)}:${two(59)}:${two(59)}`),
  ],
  [
    "timestamp",
    (d) =>
      d.t(`${year()}-${two(12)}-${two(28)} ${two(23)}:${two(59)}:${two(59)},${digits(3)} INFO`),
  ],
  ["timestamp", (d) => d.t(`build ${year()}${two(12)}${two(28)}.${digits(1)}`)],
  ["version", (d) => d.t(`Upgrade to v${f.system.semver()} now.`)],
  ["version", (d) => d.t(`version ${digits(1)}.${digits(1)}.${digits(1)}.${digits(2)}`)],
  [
    "version",
    (d) => d.t(`Chrome/${f.number.int({ min: 90, max: 130 })}.0.${digits(4)}.${digits(3)}`),
  ],
  ["version", (d) => d.t(`node ${f.number.int({ min: 18, max: 23 })}.${digits(2)}.${digits(1)}`)],
  ["version", (d) => d.t(`pip install torch==${f.system.semver()}`)],
  ["version", (d) => d.t(`npm install react@${f.system.semver()}`)],
  ["version", (d) => d.t(`"@scope/pkg": "^${f.system.semver()}"`)],
  ["version", (d) => d.t(`OID 1.3.6.1.4.1.${digits(5)}.1.2`)],
  ["version", (d) => d.t(`see section ${digits(1)}.${digits(1)}.${digits(1)}.${digits(1)}`)],
  ["hash", (d) => d.t(`commit ${hex(40)}`)],
  ["hash", (d) => d.t(`sha256:${hex(64)}`)],
  ["hash", (d) => d.t(`etag "${hex(32)}"`)],
  ["hash", (d) => d.t(`color: #${hex(6)};`)],
  ["amount", (d) => d.t(`Total: $${f.number.int({ min: 1, max: 999 })},${digits(3)}.${digits(2)}`)],
  [
    "amount",
    (d) => d.t(`Preis: ${f.number.int({ min: 1, max: 999 })}.${digits(3)},${digits(2)} €`),
  ],
  [
    "amount",
    (d) => d.t(`${f.number.float({ min: 0, max: 100, fractionDigits: 2 })}% of ${digits(7)} users`),
  ],
  ["amount", (d) => d.t(`population 1,${digits(3)},${digits(3)},${digits(3)}`)],
  ["coordinates", (d) => d.t(`${f.location.latitude()}, ${f.location.longitude()}`)],
  ["math", (d) => d.t(`pi = 3.${digits(15)}`)],
  ["postal code", (d) => d.t(`ZIP 0${digits(4)}-${digits(4)}`)],
  ["postal code", (d) => d.t(`${f.location.zipCode()} ${f.location.city()}`)],
  ["isbn", (d) => d.t(`ISBN 978-${digits(1)}-${digits(2)}-${digits(6)}-${digits(1)}`)],
  ["isbn", (d) => d.t(`ISBN 0-${digits(3)}-${digits(5)}-${digits(1)}`)],
  ["card-like", (d) => d.t(`card number ${groupsOf4(luhnInvalid("4" + digits(14)))}`)],
  ["card-like", (d) => d.t(`Order #4${digits(15)} shipped`)],
  ["iban-like", (d) => d.t(`IBAN ${breakIban(f.finance.iban())}`)],
  ["ssn-like", (d) => d.t(`SSN 000-${two(99)}-${digits(4)}`)],
  ["ssn-like", (d) => d.t(`SSN 666-${two(99)}-${digits(4)}`)],
  ["ssn-like", (d) => d.t(`SSN 9${digits(2)}-${two(99)}-${digits(4)}`)],
  ["ssn-like", (d) => d.t(`SSN 078-05-1120 is the Woolworth example`)],
  [
    "ip-like",
    (d) => d.t(`${f.number.int({ min: 256, max: 999 })}.${digits(1)}.${digits(1)}.${digits(1)}`),
  ],
  ["ip-like", (d) => d.t(`${digits(1)}.${digits(1)}.${digits(1)}.${digits(1)}.${digits(1)}`)],
  ["ip-like", (d) => d.t(`listen on 127.0.0.1 and 0.0.0.0, netmask 255.255.255.0`)],
  ["ip-like", (d) => d.t(`mac ${f.internet.mac()}`)],
  ["ip-like", (d) => d.t(`at ${two(23)}:${two(59)}:${two(59)} sharp`)],
  ["ip-like", (d) => d.t(`std::vector<int> and Foo::Bar::baz()`)],
  ["ip-like", (d) => d.t(`John 3:16, ratio 16:9`)],
  ["ip-like", (d) => d.t(`bind [::1]:8080 or [::]:80`)],
  ["email-like", (d) => d.t(`thanks @${f.internet.username()} for the review`)],
  ["email-like", (d) => d.t(`ssh ${f.internet.username()}@localhost`)],
  ["email-like", (d) => d.t(`logo@2x.png and icon@3x.webp`)],
  ["email-like", (d) => d.t(`git clone git@github.com:${f.internet.username()}/repo.git`)],
  ["email-like", (d) => d.t(`@app.route("/users/<id>") decorator`)],
  ["phone-like", (d) => d.t(`The answer is ${digits(1)}${digits(6)} points.`)],
  ["phone-like", (d) => d.t(`between ${year()} and ${year()} we grew ${digits(2)}%`)],
  ["phone-like", (d) => d.t(`Ref: ${digits(3)}-${digits(3)}-${digits(4)}`)],
  ["phone-like", (d) => d.t(`account ${digits(10)}`)],
  ["phone-like", (d) => d.t(`1-800-FLOWERS is a brand`)],
  ["aws-like", (d) => d.t(`AKIAIOSFODNN7EXAMPLE is the documentation example`)],
  ["aws-like", (d) => d.t(`role AROA${f.string.alphanumeric({ length: 17, casing: "upper" })}`)],
  ["aws-like", (d) => d.t(`arn:aws:iam::${digits(12)}:role/Admin`)],
  ["aws-like", (d) => d.t(`aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`)],
  ["key-like", (d) => d.t(`OPENAI_API_KEY=sk-your-api-key-here`)],
  ["key-like", (d) => d.t(`token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`)],
  ["key-like", (d) => d.t(`SLACK_TOKEN=xoxb-your-bot-token`)],
  ["key-like", (d) => d.t(`scikit-learn and sk-learn are the same`)],
  ["key-like", (d) => d.t(`task-${digits(6)} and desk_${digits(4)}`)],
  ["key-like", (d) => d.t(`data:image/png;base64,${fromChars(BASE64, 120)}`)],
  ["bearer-like", (d) => d.t(`Authorization: Bearer <token>`)],
  ["bearer-like", (d) => d.t("Authorization: Bearer ${ACCESS_TOKEN}")],
  ["bearer-like", (d) => d.t(`Authorization: Bearer YOUR_ACCESS_TOKEN`)],
  ["bearer-like", (d) => d.t(`the bearer of this letter is a friend`)],
  ["bearer-like", (d) => d.t(`headers["Authorization"] = "Bearer " + token`)],
  ["jwt-like", (d) => d.t(`eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...`)],
  ["jwt-like", (d) => d.t(`eyJ${alnum(30)}`)],
  [
    "key-block-like",
    (d) => d.t(`-----BEGIN PUBLIC KEY-----\n${fromChars(BASE64, 64)}\n-----END PUBLIC KEY-----`),
  ],
  [
    "key-block-like",
    (d) => d.t(`-----BEGIN CERTIFICATE-----\n${fromChars(BASE64, 64)}\n-----END CERTIFICATE-----`),
  ],
  ["key-block-like", (d) => d.t(`-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----`)],
  [
    "code and logs",
    (d) => d.t(`at Object.<anonymous> (/app/src/index.js:${digits(3)}:${digits(2)})`),
  ],
  ["code and logs", (d) => d.t(`SELECT * FROM users WHERE id = ${digits(10)};`)],
  ["code and logs", (d) => d.t(`{"user_id": ${digits(10)}, "count": ${digits(4)}}`)],
  ["code and logs", (d) => d.t(`const DIGITS = "0123456789";`)],
  ["code and logs", (d) => d.t(`mov eax, 0x${hex(8)}`)],
  [
    "code and logs",
    (d) => d.t(`| ${year()} | ${digits(1)},${digits(3)} | ${digits(2)}.${digits(1)} |`),
  ],
  ["code and logs", (d) => d.t(`Windows 10.0.${digits(5)}.${digits(4)}`)],
  [
    "code and logs",
    (d) => d.t(`Upgrade to ${digits(1)}.${digits(1)}.${digits(1)}.${digits(1)} tonight`),
  ],
  ["code and logs", (d) => d.t(`"react": ">=${f.system.semver()} <${f.system.semver()}"`)],
  ["code and logs", (d) => d.t(`publishable key pk_live_${alnum(24)}`)],
  ["code and logs", (d) => d.t(`trace ${hex(32)}`)],
  ["code and logs", (d) => d.t(`fictional number 555-0${digits(3)}`)],
  ["code and logs", (d) => d.t(`timeout=${digits(5)} retries=${digits(1)} port=${digits(4)}`)],
];

/** `body` plus a check digit that is off by one, so the number fails Luhn. */
export function luhnInvalid(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return body + String(((10 - (sum % 10)) % 10 + 1) % 10);
}

export function groupsOf4(number: string): string {
  return number.replace(/(\d{4})(?=\d)/g, "$1 ");
}

export function breakIban(value: string): string {
  const check = Number(value.slice(2, 4));
  return value.slice(0, 2) + String((check + 1) % 100).padStart(2, "0") + value.slice(4);
}

// ---------------------------------------------------------------------------------------------
// Ordinary prose

const PROSE: Array<() => string> = [
  () => f.lorem.paragraph(),
  () => f.hacker.phrase(),
  () => `${f.company.catchPhrase()}. ${f.commerce.productDescription()}`,
  () =>
    `In ${year()} the team shipped ${f.number.int(500)} units at $${f.commerce.price()} each, ` +
    `${f.number.int(100)}% more than planned.`,
  () => `${f.person.firstName()} asked the assistant to summarise ${f.word.words(6)}.`,
  () =>
    `The meeting moved to ${f.date.weekday()} at ${two(12)}:30; bring ${f.number.int(20)} copies.`,
  () =>
    `Upgrade ${f.word.noun()} to version ${f.system.semver()} before ${f.date.month()} ${two(28)}.`,
];

/** One sentence of ordinary prose. */
export function proseSentence(): string {
  return pick(PROSE)();
}

// ---------------------------------------------------------------------------------------------
// The corpus

export type Corpus = {
  /** Documents mixing labelled sentences, hard negatives and prose. */
  docs: LabelledDoc[];
  /** Hard-negative families and how many sentences of each were generated. */
  hardNegativeFamilies: Record<string, number>;
};

/**
 * The labelled corpus: `perTag` documents per tag, each with one to three labelled sentences
 * between prose, plus `hardNegatives` documents of hard negatives between prose.
 */
export function buildCorpus(
  options: { seed?: number; perTag?: number; hardNegatives?: number } = {},
): Corpus {
  seedAll(options.seed ?? CORPUS_SEED);
  const perTag = options.perTag ?? 300;
  const docs: LabelledDoc[] = [];
  for (const tag of RISK_TAG_NAMES) {
    const writers = [...(POSITIVES[tag] ?? []), ...(MULTILINGUAL_POSITIVES[tag] ?? [])];
    for (let i = 0; i < perTag; i++) {
      const doc = new Doc();
      if (chance(0.5)) doc.t(proseSentence() + " ");
      pick(writers)(doc);
      if (chance(0.5)) doc.t(" " + proseSentence());
      docs.push(doc);
    }
  }
  const hardNegativeFamilies: Record<string, number> = {};
  const negatives = [...HARD_NEGATIVES, ...MULTILINGUAL_NEGATIVES];
  for (let i = 0; i < (options.hardNegatives ?? 4000); i++) {
    const [family, write] = negatives[i % negatives.length]!;
    hardNegativeFamilies[family] = (hardNegativeFamilies[family] ?? 0) + 1;
    const doc = new Doc();
    if (chance(0.5)) doc.t(proseSentence() + " ");
    write(doc);
    if (chance(0.5)) doc.t(" " + proseSentence());
    docs.push(doc);
  }
  return { docs: f.helpers.shuffle(docs), hardNegativeFamilies };
}

/** Ordinary prose of about `bytes` characters, from the same seed. */
export function buildProse(bytes: number, seed = CORPUS_SEED + 1): string {
  seedAll(seed);
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const sentence = proseSentence();
    parts.push(sentence);
    size += sentence.length + 1;
  }
  return parts.join("\n").slice(0, bytes);
}
