/**
 * Keys that can carry prompt or response content. Sealog never accepts them, at any depth:
 * the SDK sends risk tags and counts, never text.
 */

const CONTENT_KEYS = new Set([
  "prompt",
  "prompts",
  "message",
  "messages",
  "content",
  "contents",
  "completion",
  "completions",
  "input",
  "inputs",
  "output",
  "outputs",
  "text",
  "texts",
  "response",
  "responses",
  "request",
  "requests",
  "body",
  "choices",
  "choice",
  "toolcalls",
  "toolcall",
  "functioncall",
  "arguments",
  "system",
  "systemprompt",
  "instructions",
  "transcript",
  "document",
  "documents",
  "context",
  "query",
  "question",
  "answer",
  "chat",
  "history",
  "conversation",
  "delta",
  "parts",
  "generation",
  "generations",
  "inputvalue",
  "outputvalue",
  "rawinput",
  "rawoutput",
  "payload",
]);
// Compound names such as user_prompt, systemMessage or llm_output.
const CONTENT_SUFFIXES = [
  "prompt",
  "prompts",
  "message",
  "messages",
  "content",
  "completion",
  "completions",
  "transcript",
  "response",
  "responses",
  "output",
  "outputs",
];

/** Whether a JSON key names content; compared case- and separator-insensitively. */
export function isContentKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return CONTENT_KEYS.has(normalized) ||
    CONTENT_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

/**
 * Finds a content key anywhere in a parsed JSON value. Iterative, so hostile nesting
 * cannot exhaust the stack; returns the first offending key, or null.
 */
export function findContentKey(value: unknown): string | null {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== "object") continue;
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      if (isContentKey(key)) return key;
      stack.push(child);
    }
  }
  return null;
}
