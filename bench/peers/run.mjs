// Runs the Sealog scanner (bundled for the browser platform, so Node can load it) and its
// open-source peers in one Node process on the same text: the corpus parts and the
// throughput inputs written by bench/scanner_peers.ts. Prints one JSON report on stdout:
// each scanner's findings per document, mapped to Sealog's tags, and its throughput.
//   node bench/peers/run.mjs <scanner bundle> <inputs json>
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const [bundlePath, inputsPath] = process.argv.slice(2);
const inputs = JSON.parse(readFileSync(inputsPath, "utf8"));
// The corpus parts as bench/scanner.ts read them (key-shaped values restored).
const parts = inputs.corpus;

const { scan } = await import(bundlePath);
const { SyncRedactor } = await import("redact-pii");
const { Redactor } = await import("@redactpii/node");
const { OpenRedaction } = await import("openredaction");
const { lintSource } = await import("@secretlint/core");
const { creator: secretlintPreset } = await import("@secretlint/secretlint-rule-preset-recommend");

/** Finds the spans a placeholder-replacing redactor replaced, by aligning its output. */
function alignPlaceholders(original, redacted, placeholders, map) {
  const pattern = new RegExp(`\\b(?:${placeholders.join("|")})\\b`, "g");
  const findings = [];
  let pos = 0;
  let last = 0;
  let pending = null;
  for (const match of redacted.matchAll(pattern)) {
    const literal = redacted.slice(last, match.index);
    if (pending) {
      const at = literal ? original.indexOf(literal, pos) : pos;
      if (at === -1) return findings;
      if (map[pending]) findings.push([map[pending], pos, at]);
      pos = at;
    }
    pos += literal.length;
    pending = match[0];
    last = match.index + match[0].length;
  }
  if (pending) {
    const literal = redacted.slice(last);
    const at = literal ? original.lastIndexOf(literal) : original.length;
    if (at >= pos && map[pending]) findings.push([map[pending], pos, at]);
  }
  return findings;
}

const redactPii = new SyncRedactor();
const REDACT_PII_MAP = {
  PHONE_NUMBER: "PII_PHONE",
  EMAIL_ADDRESS: "PII_EMAIL",
  CREDIT_CARD_NUMBER: "PII_CREDIT_CARD",
  IP_ADDRESS: "PII_IP_ADDRESS",
  US_SOCIAL_SECURITY_NUMBER: "PII_US_SSN",
};
const REDACT_PII_PLACEHOLDERS = [
  ...Object.keys(REDACT_PII_MAP),
  ...["PERSON_NAME", "STREET_ADDRESS", "ZIPCODE", "USERNAME", "PASSWORD", "CREDENTIALS"],
  ...["DIGITS", "URL"],
];
const redactpiiNode = new Redactor();
const REDACTPII_NODE_MAP = {
  PHONE_NUMBER: "PII_PHONE",
  EMAIL_ADDRESS: "PII_EMAIL",
  CREDIT_CARD_NUMBER: "PII_CREDIT_CARD",
  US_SOCIAL_SECURITY_NUMBER: "PII_US_SSN",
};
const openRedaction = new OpenRedaction({ redactionMode: "placeholder" });
const OPENREDACTION_TYPES = [
  [/EMAIL/, "PII_EMAIL"],
  [/PHONE|MOBILE|TELEPHONE/, "PII_PHONE"],
  [/CREDIT_CARD|CARD_NUMBER|PAYMENT_CARD/, "PII_CREDIT_CARD"],
  [/IBAN/, "PII_IBAN"],
  [/^(?:US_)?SSN$|SOCIAL_SECURITY/, "PII_US_SSN"],
  [/^IPV4$|^IPV6$|IP_ADDRESS/, "PII_IP_ADDRESS"],
  [/AWS_(?:ACCESS|SECRET)/, "SECRET_AWS_ACCESS_KEY"],
  [/PRIVATE_KEY/, "SECRET_PRIVATE_KEY"],
  [/JWT/, "SECRET_JWT"],
  [/BEARER/, "SECRET_BEARER_TOKEN"],
  [/WEBHOOK/, "SECRET_WEBHOOK_URL"],
  [/BASIC_AUTH/, "SECRET_BASIC_AUTH"],
  [/AZURE_STORAGE|AZURE_.*KEY/, "SECRET_AZURE_STORAGE_KEY"],
  [/PASSWORD|CONNECTION_STRING|DATABASE_URL|DB_URL/, "SECRET_PASSWORD"],
  [
    /API_KEY|_TOKEN$|_KEY$|SECRET_KEY|GITHUB|GITLAB|STRIPE|SLACK|OPENAI|ANTHROPIC/,
    "SECRET_API_KEY",
  ],
];
const openRedactionTypesSeen = {};
const SECRETLINT_RULES = {
  aws: "SECRET_AWS_ACCESS_KEY",
  privatekey: "SECRET_PRIVATE_KEY",
  gcp: "SECRET_PRIVATE_KEY",
  basicauth: "SECRET_PASSWORD",
  "database-connection-string": "SECRET_PASSWORD",
  "filter-comments": null,
};
const secretlintConfig = {
  rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: secretlintPreset }],
};

const SCANNERS = {
  sealog: (text) => scan(text).findings.map((f) => [f.tag, f.start, f.end]),
  "redact-pii": (text) =>
    alignPlaceholders(text, redactPii.redact(text), REDACT_PII_PLACEHOLDERS, REDACT_PII_MAP),
  "@redactpii/node": (text) =>
    alignPlaceholders(
      text,
      redactpiiNode.redact(text),
      ["PERSON_NAME", ...Object.keys(REDACTPII_NODE_MAP)],
      REDACTPII_NODE_MAP,
    ),
  openredaction: async (text) => {
    const { detections } = await openRedaction.detect(text);
    const findings = [];
    for (const detection of detections) {
      openRedactionTypesSeen[detection.type] = (openRedactionTypesSeen[detection.type] ?? 0) + 1;
      const tag = OPENREDACTION_TYPES.find(([pattern]) => pattern.test(detection.type))?.[1];
      if (tag) findings.push([tag, detection.position[0], detection.position[1]]);
    }
    return findings;
  },
  secretlint: async (text) => {
    const result = await lintSource({
      source: { content: text, filePath: "/message.txt", ext: ".txt", contentType: "text" },
      options: { config: secretlintConfig },
    });
    return result.messages.flatMap((message) => {
      const rule = message.ruleId.replace(/^@secretlint\/secretlint-rule-/, "");
      const [start, end] = message.range;
      let tag = rule in SECRETLINT_RULES ? SECRETLINT_RULES[rule] : "SECRET_API_KEY";
      if (rule === "slack" && text.slice(start, end).includes("hooks.slack.com")) {
        tag = "SECRET_WEBHOOK_URL";
      }
      return tag ? [[tag, start, end]] : [];
    });
  },
};

/** Runs `fn` over every text; returns the elapsed milliseconds, or null past the budget. */
async function timed(fn, texts, budgetMs) {
  const started = performance.now();
  for (const text of texts) {
    await fn(text);
    if (performance.now() - started > budgetMs) return null;
  }
  return performance.now() - started;
}
const bytes = (texts) => texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);

const report = { accuracy: {}, throughput: {}, openRedactionTypesSeen };
for (const [name, fn] of Object.entries(SCANNERS)) {
  report.accuracy[name] = {};
  for (const [part, texts] of Object.entries(parts)) {
    const findings = [];
    for (const text of texts) findings.push(await fn(text));
    report.accuracy[name][part] = findings;
  }
  const throughput = {};
  for (const [input, texts] of Object.entries(inputs.throughput)) {
    await timed(fn, texts.slice(0, 20), 60_000); // warm-up
    let best = null;
    for (let run = 0; run < 3; run++) {
      const ms = await timed(fn, texts, 60_000);
      if (ms === null) break;
      best = best === null ? ms : Math.min(best, ms);
    }
    throughput[input] = best === null
      ? { mbPerS: null, note: "over 60 s" }
      : { mbPerS: bytes(texts) / 1e6 / (best / 1000), ms: best };
  }
  for (const [input, sizes] of Object.entries(inputs.adversarial)) {
    const rows = [];
    for (const text of sizes) {
      const ms = await timed(fn, [text], 30_000);
      rows.push({ bytes: Buffer.byteLength(text), ms });
      if (ms === null || ms > 10_000) break; // a larger size would take minutes
    }
    throughput[`adversarial: ${input}`] = rows;
  }
  report.throughput[name] = throughput;
  console.error(`peers: ${name} done`);
}
process.stdout.write(JSON.stringify(report));
