// The built package under Node with import: the scanner and the wrappers are there.
import { scan, wrapAnthropic, wrapOpenAI } from "@sealog/sdk";
if (!scan("ana.lima@mailbox.org").tags.includes("PII_EMAIL")) process.exit(1);
if (typeof wrapOpenAI !== "function" || typeof wrapAnthropic !== "function") process.exit(1);
