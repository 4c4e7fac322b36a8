/**
 * cost_micro_usd from a price table the caller supplies. Sealog ships no table of its own:
 * prices change, and a stale table would guess silently. A model missing from the table gets
 * no cost at all, never an approximation.
 */
import type { Usage } from "../client/event.ts";

/**
 * A model's prices in US dollars per million tokens, as providers publish them. Cached and
 * cache-write input default to the input price.
 */
export type ModelPrice = {
  inputUsdPerMTok: number;
  outputUsdPerMTok: number;
  cacheReadUsdPerMTok?: number;
  cacheWriteUsdPerMTok?: number;
};

/** Prices by exact model name, e.g. { "gpt-4o-mini": { inputUsdPerMTok: 0.15, ... } }. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * The cost in millionths of a dollar of `usage` (whose input count includes cached input, as
 * gen_ai.usage.input_tokens does), priced by the first of `models` in the table. Dollars
 * per million tokens are exactly micro-dollars per token.
 */
export function costMicroUsd(
  table: PriceTable,
  models: ReadonlyArray<string | undefined>,
  usage: Usage,
): number | undefined {
  const model = models.find((m) => m !== undefined && Object.hasOwn(table, m));
  if (model === undefined) return undefined;
  const price = table[model]!;
  const input = usage.inputTokens ?? 0;
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheCreationInputTokens ?? 0;
  const uncached = Math.max(0, input - cacheRead - cacheWrite);
  return uncached * price.inputUsdPerMTok +
    cacheRead * (price.cacheReadUsdPerMTok ?? price.inputUsdPerMTok) +
    cacheWrite * (price.cacheWriteUsdPerMTok ?? price.inputUsdPerMTok) +
    (usage.outputTokens ?? 0) * price.outputUsdPerMTok;
}
