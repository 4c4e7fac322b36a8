/**
 * API keys in well-known provider formats, recognised by prefix, alphabet and length, and
 * required to look random (no placeholders such as "sk-your-key-here"). README.md lists them.
 */
import { isAlnum } from "../helpers/chars.ts";
import { looksRandom } from "../helpers/token_quality.ts";
import type { Emit } from "../tags.ts";
import type { Detector } from "./contract.ts";

/** Provider, then the whole token's format. Patterns are anchored, without nested quantifiers. */
export const API_KEY_FORMATS: ReadonlyArray<readonly [string, RegExp]> = [
  ["Anthropic", /^sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_-]{80,120}$/],
  ["OpenRouter", /^sk-or-v1-[0-9a-f]{64}$/],
  ["Langfuse", /^sk-lf-[0-9a-f-]{36}$/],
  [
    "OpenAI (project, service account, admin)",
    /^sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,250}$/,
  ],
  ["OpenAI (legacy) and OpenAI-compatible APIs", /^sk-[A-Za-z0-9]{32,64}$/],
  ["Stripe (secret, restricted)", /^[sr]k_(?:live|test)_[A-Za-z0-9]{20,250}$/],
  ["Stripe (webhook signing secret)", /^whsec_[A-Za-z0-9+/=]{32,88}$/],
  ["GitHub (classic, OAuth, app, refresh)", /^gh[pousr]_[A-Za-z0-9]{36,251}$/],
  ["GitHub (fine-grained)", /^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/],
  ["GitLab", /^gl(?:pat|dt|rt|ptt|oas|cbt|ft|imt|agent|soat)-[A-Za-z0-9_-]{20,64}$/],
  ["Slack (bot, user, app, config)", /^xox[abposre]-[A-Za-z0-9-]{20,250}$/],
  ["Slack (app-level)", /^xapp-\d-[A-Za-z0-9-]{20,250}$/],
  ["Google API key (Gemini, Maps, Firebase)", /^AIza[A-Za-z0-9_-]{35}$/],
  ["Google OAuth client secret", /^GOCSPX-[A-Za-z0-9_-]{28}$/],
  ["SendGrid", /^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/],
  ["npm", /^npm_[A-Za-z0-9]{36}$/],
  ["PyPI", /^pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,250}$/],
  ["Hugging Face", /^hf_[A-Za-z0-9]{34,40}$/],
  ["Mailgun", /^key-[0-9a-f]{32}$/],
  ["Shopify", /^shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}$/],
  ["DigitalOcean", /^do[opr]_v1_[a-f0-9]{64}$/],
  ["Groq", /^gsk_[A-Za-z0-9]{52}$/],
  ["Replicate", /^r8_[A-Za-z0-9]{37}$/],
  ["Supabase (access token, secret key)", /^(?:sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{20,64})$/],
  ["Databricks", /^dapi[a-f0-9]{32}(?:-\d)?$/],
  ["Perplexity", /^pplx-[A-Za-z0-9]{48}$/],
  ["xAI", /^xai-[A-Za-z0-9]{60,100}$/],
  ["Tavily", /^tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}$/],
  ["Pinecone", /^pcsk_[A-Za-z0-9_]{40,100}$/],
  ["LangSmith", /^lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}$/],
  ["Linear", /^lin_api_[A-Za-z0-9]{40}$/],
  ["Notion", /^(?:ntn_[A-Za-z0-9]{40,50}|secret_[A-Za-z0-9]{43})$/],
  ["Grafana service account", /^glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}$/],
  ["Postman", /^PMAK-[a-f0-9]{24}-[a-f0-9]{34}$/],
  ["Twilio API key", /^SK[0-9a-f]{32}$/],
  ["HashiCorp Vault", /^hv[sb]\.[A-Za-z0-9_-]{24,250}$/],
  ["Doppler", /^dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}$/],
  ["age", /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/],
  ["Sealog", /^slg_(?:live|test)_[A-Za-z0-9_-]{43}$/],
];

/** Every prefix a format above starts with; a candidate must start with one of them. */
const PREFIXES = [
  "sk-",
  "sk_live_",
  "sk_test_",
  "rk_live_",
  "rk_test_",
  "whsec_",
  "ghp_",
  "gho_",
  "ghu_",
  "ghs_",
  "ghr_",
  "github_pat_",
  "glpat-",
  "gldt-",
  "glrt-",
  "glptt-",
  "gloas-",
  "glcbt-",
  "glft-",
  "glimt-",
  "glagent-",
  "glsoat-",
  "glsa_",
  "xoxa-",
  "xoxb-",
  "xoxp-",
  "xoxo-",
  "xoxs-",
  "xoxr-",
  "xoxe-",
  "xapp-",
  "AIza",
  "GOCSPX-",
  "SG.",
  "npm_",
  "pypi-",
  "hf_",
  "key-",
  "shpat_",
  "shpss_",
  "shpca_",
  "shppa_",
  "dop_v1_",
  "doo_v1_",
  "dor_v1_",
  "gsk_",
  "r8_",
  "sbp_",
  "sb_secret_",
  "dapi",
  "pplx-",
  "xai-",
  "tvly-",
  "pcsk_",
  "lsv2_",
  "lin_api_",
  "ntn_",
  "secret_",
  "PMAK-",
  "SK",
  "hvs.",
  "hvb.",
  "dp.",
  "AGE-SECRET-KEY-1",
  "slg_live_",
  "slg_test_",
];

/** Formats whose tokens contain dots; every other token ends at its first dot. */
const DOTTED = /^(?:SG|hv[sb]|dp)\./;
const MAX_TOKEN = 300;

const isTokenChar = (c: number) =>
  isAlnum(c) || c === 95 || c === 45 || c === 46 || c === 43 || c === 47 || c === 61; // _ - . + / =
/**
 * Characters that, just before a prefix, make it the middle of a longer token. URL and
 * assignment delimiters ("/", ":", "@", "=", "?", "&") end a token: "https://ghp_…@github.com",
 * "?key=AIza…", "/hooks/xoxb-…". A prefix inside a base64 blob ("…Ab3/ghp_…") is still no key:
 * the blob's "+", "/" and "=" run on and break the provider's format.
 */
const isGlueChar = (c: number) => isAlnum(c) || c === 95 || c === 45 || c === 46 || c === 43; // _ - . +

/**
 * Prefixes are found without a large regex alternation: most contain "_", "-" or ".", so
 * each of those characters is a possible anchor (found with indexOf at native speed), and the
 * token's first segment, up to and including it, is looked up in a map. The few prefixes
 * without one are found with indexOf directly.
 */
const SEPARATORS = ["-", "_", "."] as const;
const BY_FIRST_SEGMENT = new Map<string, string[]>();
const LITERAL_PREFIXES: string[] = [];
/** The longest first segment ending in each separator. */
const MAX_SEGMENT: Record<string, number> = { "-": 0, "_": 0, ".": 0 };
for (const prefix of PREFIXES) {
  const separator = prefix.search(/[_.-]/);
  if (separator === -1) {
    LITERAL_PREFIXES.push(prefix);
  } else {
    const segment = prefix.slice(0, separator + 1);
    BY_FIRST_SEGMENT.set(segment, [...(BY_FIRST_SEGMENT.get(segment) ?? []), prefix]);
    MAX_SEGMENT[prefix[separator]!] = Math.max(MAX_SEGMENT[prefix[separator]!]!, segment.length);
  }
}
const FIRST_CHARS = new Set([...BY_FIRST_SEGMENT.keys()].map((segment) => segment.charCodeAt(0)));
/** The characters just before each separator in some first segment ("k" of "sk-"). */
const LAST_CHARS = new Set([...BY_FIRST_SEGMENT.keys()].map((s) => s.charCodeAt(s.length - 2)));

/** The provider whose format the token matches, or null. */
export function apiKeyProvider(token: string): string | null {
  for (const [provider, pattern] of API_KEY_FORMATS) {
    if (pattern.test(token)) return provider;
  }
  return null;
}

/** Emits SECRET_API_KEY for each key. */
export function detectApiKeys(text: string, emit: Emit): void {
  // Where each candidate starts, and the length of its prefix.
  let starts: Map<number, number> | undefined;
  for (const separator of SEPARATORS) {
    const maxSegment = MAX_SEGMENT[separator]!;
    for (let at = text.indexOf(separator); at !== -1; at = text.indexOf(separator, at + 1)) {
      if (!LAST_CHARS.has(text.charCodeAt(at - 1))) continue;
      let start = at;
      while (start > 0 && at - start < maxSegment && isAlnum(text.charCodeAt(start - 1))) start--;
      if (!FIRST_CHARS.has(text.charCodeAt(start)) || isGlueChar(text.charCodeAt(start - 1))) {
        continue;
      }
      const prefixes = BY_FIRST_SEGMENT.get(text.slice(start, at + 1));
      for (const prefix of prefixes ?? []) {
        if (text.startsWith(prefix, start)) (starts ??= new Map()).set(start, prefix.length);
      }
    }
  }
  for (const prefix of LITERAL_PREFIXES) {
    for (let at = text.indexOf(prefix); at !== -1; at = text.indexOf(prefix, at + 1)) {
      if (!isGlueChar(text.charCodeAt(at - 1))) (starts ??= new Map()).set(at, prefix.length);
    }
  }
  if (!starts) return;
  for (const [start, prefixLength] of [...starts].sort(([a], [b]) => a - b)) {
    const end = apiKeyEnd(text, start, prefixLength);
    if (end !== -1) emit("SECRET_API_KEY", start, end);
  }
}

/** The end of the API key starting at `start`, or -1. */
function apiKeyEnd(text: string, start: number, prefixLength: number): number {
  let end = start;
  while (end < text.length && end - start <= MAX_TOKEN && isTokenChar(text.charCodeAt(end))) end++;
  if (end - start > MAX_TOKEN) return -1;
  let token = text.slice(start, end);
  if (!DOTTED.test(token)) {
    const dot = token.indexOf(".");
    if (dot !== -1) token = token.slice(0, dot);
  }
  let length = token.length;
  while (length > 0 && token.charCodeAt(length - 1) === 46) length--; // a final full stop
  token = token.slice(0, length);
  if (apiKeyProvider(token) === null) return -1;
  if (!looksRandom(token.slice(prefixLength), 2.8)) return -1;
  return start + token.length;
}

export const apiKeyDetector: Detector = {
  tags: ["SECRET_API_KEY"],
  detect: detectApiKeys,
};
