// An ESM TypeScript consumer of the built package, compiled with tsc --strict under nodenext
// and under bundler resolution: the .d.ts files and the wrappers' types must resolve, and a
// wrapped client must keep the provider SDK's own types.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import {
  type AccessLogEntry,
  createClient,
  createReadClient,
  type PriceTable,
  type RiskTag,
  scan,
  SealogApiError,
  type SealogClient,
  type UsageReport,
  wrapAnthropic,
  wrapOpenAI,
} from "@sealog/sdk";

const tags: RiskTag[] = scan("mail me at someone@example.com").tags;
const sealog: SealogClient = createClient({ url: "http://127.0.0.1:1", apiKey: "k" });
const prices: PriceTable = { "gpt-4o-mini": { inputUsdPerMTok: 0.15, outputUsdPerMTok: 0.6 } };
const openai: OpenAI = wrapOpenAI(new OpenAI({ apiKey: "k" }), sealog, {
  sessionId: "s",
  includeStreamUsage: true,
  prices,
  onError: (error: unknown) => console.error(error),
});
const anthropic: Anthropic = wrapAnthropic(new Anthropic({ apiKey: "k" }), sealog, {
  sessionId: (request) => String(request.model),
});

export async function typesOnly(): Promise<number> {
  const completion: OpenAI.Chat.Completions.ChatCompletion = await openai.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
  const stream = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [],
    stream: true,
  });
  for await (const chunk of stream) console.log(chunk.choices[0]?.delta.content);
  const message: Anthropic.Message = await anthropic.messages.create({
    model: "claude",
    max_tokens: 1,
    messages: [{ role: "user", content: "hi" }],
  });
  return completion.choices.length + message.content.length + tags.length;
}

// The read client's answers are typed from the API reference; its errors carry the problem.
export async function readTypesOnly(): Promise<number> {
  const reader = createReadClient({ url: "http://127.0.0.1:1", key: "k" });
  const usage: UsageReport = await reader.usage({ group_by: "model", granularity: "day" });
  let paths = 0;
  for await (const entry of reader.exportAccessLog({ path: "/ingest" })) {
    const typed: AccessLogEntry = entry;
    paths += typed.path.length;
  }
  try {
    await reader.accessLog({ limit: 100 });
  } catch (error) {
    if (error instanceof SealogApiError && error.code === "rate_limited") return error.status;
  }
  return usage.totals.events + paths;
}
