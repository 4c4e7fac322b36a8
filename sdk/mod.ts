/**
 * @sealog/sdk: record LLM-call telemetry for Sealog without sending content. Text is
 * scanned in this process into risk tags; only tags, token counts and model names leave it.
 *
 * @module
 */
export { scan, type ScanResult } from "./src/scanner/scan.ts";
export { type Finding, RISK_TAG_NAMES, RISK_TAGS, type RiskTag } from "./src/scanner/tags.ts";
export {
  type ClientOptions,
  type ClientStats,
  createClient,
  type DeliveryError,
  type RecordResult,
  type RejectedEvent,
  type SealogClient,
} from "./src/client/client.ts";
export { InvalidEventError, type LlmCall, type Usage } from "./src/client/event.ts";
export type { OverflowPolicy } from "./src/client/buffer.ts";
export type { RetryOptions } from "./src/client/retry.ts";
export { type OpenAIWrapOptions, wrapOpenAI } from "./src/wrappers/openai.ts";
export { wrapAnthropic } from "./src/wrappers/anthropic.ts";
export {
  type ProviderRequest,
  type Recorder,
  RecordRefusedError,
  type WrapOptions,
} from "./src/wrappers/options.ts";
export type { ModelPrice, PriceTable } from "./src/wrappers/cost.ts";
export {
  createReadClient,
  type ReadClient,
  type ReadClientOptions,
  SealogApiError,
} from "./src/read/client.ts";
export type * from "./src/read/contract.ts";
