// The built package under Node with import: the scanner, the wrappers and the read client are there.
import { createReadClient, scan, wrapAnthropic, wrapOpenAI } from "@sealog/sdk";
if (!scan("ana.lima@mailbox.org").tags.includes("PII_EMAIL")) process.exit(1);
if (typeof wrapOpenAI !== "function" || typeof wrapAnthropic !== "function") process.exit(1);
if (typeof createReadClient({ url: "http://127.0.0.1:1", key: "k" }).keys !== "function") process.exit(1);
