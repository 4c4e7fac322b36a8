/**
 * @sealog/sdk: record LLM-call telemetry for Sealog without sending content. Text is
 * scanned in this process into risk tags; only tags, token counts and model names leave it.
 *
 * @module
 */
export { scan, type ScanResult } from "./src/scanner/scan.ts";
export { type Finding, RISK_TAG_NAMES, RISK_TAGS, type RiskTag } from "./src/scanner/tags.ts";
