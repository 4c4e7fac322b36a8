// The built package under Node with require (Node >= 20.19 requires ESM without top-level await).
const { scan, wrapAnthropic, wrapOpenAI } = require("@sealog/sdk");
if (!scan("ana.lima@mailbox.org").tags.includes("PII_EMAIL")) process.exit(1);
if (typeof wrapOpenAI !== "function" || typeof wrapAnthropic !== "function") process.exit(1);
