import assert from "node:assert/strict";
import { apiKeyProvider } from "../../sdk/src/scanner/detectors/api_key.ts";
import { foundAs } from "./scanner_support.ts";

const BODY =
  "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1aC3eG5iK7mO9qS1uW3yA5cE7gI9kM1oQ3sU5wY7aC9eG1iK3mO5qS7uW9yA";
const HEX = "7efd8bfd939de7a99daaaef765ecb4886a7b2c9d0e1f2a3b4c5d6e7f8091a2b3";
const b = (n: number) => BODY.slice(0, n);
const h = (n: number) => HEX.slice(0, n);

const KEYS: Record<string, string> = {
  "Anthropic": `sk-ant-api03-${b(93)}AA`,
  "OpenRouter": `sk-or-v1-${h(64)}`,
  "OpenAI (project, service account, admin)": `sk-proj-${b(100)}`,
  "OpenAI (legacy) and OpenAI-compatible APIs": `sk-${b(20)}T3BlbkFJ${b(20)}`,
  "Stripe (secret, restricted)": `sk_live_${b(24)}`,
  "GitHub (classic, OAuth, app, refresh)": `ghp_${b(36)}`,
  "GitHub (fine-grained)": `github_pat_${b(22)}_${b(59)}`,
  "GitLab": `glpat-${b(20)}`,
  "Slack (bot, user, app, config)": `xoxb-583920174625-4829105736291-${b(24)}`,
  "Google API key (Gemini, Maps, Firebase)": `AIza${b(35)}`,
  "SendGrid": `SG.${b(22)}.${b(43)}`,
  "npm": `npm_${b(36)}`,
  "Hugging Face": `hf_${b(34)}`,
  "DigitalOcean": `dop_v1_${h(64)}`,
  "Groq": `gsk_${b(52)}`,
  "Replicate": `r8_${b(37)}`,
  "Supabase (access token, secret key)": `sbp_${h(40)}`,
  "xAI": `xai-${b(80)}`,
  "LangSmith": `lsv2_pt_${h(32)}_${h(10)}`,
  "Twilio API key": `SK${h(32)}`,
  "HashiCorp Vault": `hvs.${b(90)}`,
  "Sealog": `slg_live_${b(43)}`,
};

Deno.test("API keys: each documented provider format is found and attributed", () => {
  for (const [provider, key] of Object.entries(KEYS)) {
    assert.equal(apiKeyProvider(key), provider, key);
    assert.deepEqual(foundAs("SECRET_API_KEY", `KEY=${key}`), [key], provider);
    assert.deepEqual(foundAs("SECRET_API_KEY", `my key is ${key}. Thanks`), [key], provider);
  }
});

Deno.test("API keys: in URLs, quotes and after a bearer", () => {
  const google = KEYS["Google API key (Gemini, Maps, Firebase)"]!;
  assert.deepEqual(
    foundAs("SECRET_API_KEY", `https://maps.googleapis.com/api/js?key=${google}&cb=x`),
    [google],
  );
  const openai = KEYS["OpenAI (project, service account, admin)"]!;
  assert.deepEqual(foundAs("SECRET_API_KEY", `new OpenAI({ apiKey: "${openai}" })`), [openai]);
  assert.deepEqual(foundAs("SECRET_API_KEY", `Authorization: Bearer ${openai}`), [openai]);
  assert.deepEqual(foundAs("SECRET_BEARER_TOKEN", `Authorization: Bearer ${openai}`), [openai]);
});

Deno.test("API keys: placeholders, publishable keys and look-alike words are not keys", () => {
  for (
    const text of [
      "OPENAI_API_KEY=sk-your-api-key-here",
      "token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "SLACK_TOKEN=xoxb-your-bot-token",
      "scikit-learn and sk-learn are the same",
      `publishable pk_live_${b(24)}`,
      `task-${b(40)}`,
      `ghp_${b(35)}`,
      `x${KEYS["npm"]}`,
      `sk-${"a".repeat(40)}`,
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_API_KEY", text), [], text);
  }
});
