// The built package under Node with require (Node >= 20.19 requires ESM without top-level await).
const { createReadClient, scan, wrapAnthropic, wrapOpenAI } = require("@sealog/sdk");
if (!scan("ana.lima@mailbox.org").tags.includes("PII_EMAIL")) process.exit(1);
if (typeof wrapOpenAI !== "function" || typeof wrapAnthropic !== "function") process.exit(1);
if (typeof createReadClient({ url: "http://127.0.0.1:1", key: "k" }).keys !== "function") process.exit(1);
