/**
 * Risk tags of a call's messages: every string inside them (plain strings, arrays, OpenAI
 * and Anthropic message objects, tool-call arguments) is scanned where it is, and only the
 * union of tags is kept. Object keys are structure, not content, and are not scanned.
 */
import { scan } from "../scanner/scan.ts";
import type { RiskTag } from "../scanner/tags.ts";

/** Nesting deeper than this is not walked: message formats are shallow. */
const MAX_DEPTH = 64;

/** The distinct risk tags found in the strings of `messages`, sorted. */
export function riskTagsOf(messages: unknown): RiskTag[] {
  const tags = new Set<RiskTag>();
  // Iterative, so hostile nesting cannot exhaust the stack; `seen` guards against cycles.
  const stack: Array<[unknown, number]> = [[messages, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === "string") {
      for (const tag of scan(value).tags) tags.add(tag);
      continue;
    }
    if (
      value === null || typeof value !== "object" || depth >= MAX_DEPTH ||
      seen.has(value)
    ) {
      continue;
    }
    seen.add(value);
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) stack.push([child, depth + 1]);
  }
  return [...tags].sort();
}
