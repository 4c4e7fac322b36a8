// The built package under Node against the running stack: a real `openai` client, wrapped,
// talks to a local fake of the OpenAI API (node:http); the calls are flushed to Sealog.
// Env: SEALOG_URL, SEALOG_API_KEY, SESSION_ID. Prints the client's stats as JSON.
import { createServer } from "node:http";
import OpenAI from "openai";
import { createClient, wrapOpenAI } from "@sealog/sdk";

const completion = {
  id: "chatcmpl-node",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Write to ana.lima@mailbox.org" } }],
  usage: { prompt_tokens: 21, completion_tokens: 8, total_tokens: 29 },
};
const chunks = [
  { ...completion, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "ok" } }], usage: null },
  { ...completion, object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } },
];

const provider = createServer((request, response) => {
  let body = "";
  request.on("data", (part) => body += part);
  request.on("end", () => {
    if (JSON.parse(body).stream) {
      response.writeHead(200, { "content-type": "text/event-stream" });
      for (const chunk of chunks) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
      response.end("data: [DONE]\n\n");
    } else {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(completion));
    }
  });
});
await new Promise((resolve) => provider.listen(0, "127.0.0.1", resolve));
const baseURL = `http://127.0.0.1:${provider.address().port}/v1`;

const sealog = createClient({ url: process.env.SEALOG_URL, apiKey: process.env.SEALOG_API_KEY });
const errors = [];
const openai = wrapOpenAI(new OpenAI({ apiKey: "sk-test", baseURL, maxRetries: 0 }), sealog, {
  sessionId: process.env.SESSION_ID,
  includeStreamUsage: true,
  onError: (error) => errors.push(String(error)),
});

const answer = await openai.chat.completions.create({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Charge card 4532 0151 1283 0366." }],
});
if (answer.id !== "chatcmpl-node") throw new Error("the provider's answer changed");
const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [], stream: true });
for await (const _ of stream);

await sealog.flush();
const stats = await sealog.shutdown();
provider.close();
console.log(JSON.stringify({ stats, errors }));
