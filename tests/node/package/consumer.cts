// A CommonJS TypeScript consumer of the built package, compiled with tsc --strict (nodenext).
import sdk = require("@sealog/sdk");

const tags: sdk.RiskTag[] = sdk.scan("mail me at someone@example.com").tags;
const options: sdk.WrapOptions = { sessionId: "s" };
const client = { chat: { completions: { create: (body: object) => Promise.resolve(body) } } };
const wrapped: typeof client = sdk.wrapOpenAI(client, { record: () => ({ ok: true, eventId: "e", riskTags: [] }) }, options);
console.log(tags, typeof wrapped.chat.completions.create);
