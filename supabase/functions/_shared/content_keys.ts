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

// The answers for keys already seen: a batch repeats the same few field names in every event,
// and normalising each one again was a tenth of the functions' CPU at 100 events per request.
// Bounded, so that a flood of distinct keys cannot grow it.
const KNOWN_KEYS = new Map<string, boolean>();
const KNOWN_KEYS_MAX = 1024;
const KNOWN_KEY_MAX_LENGTH = 64;

/** Whether a JSON key names content; compared case- and separator-insensitively. */
export function isContentKey(key: string): boolean {
  const known = KNOWN_KEYS.get(key);
  if (known !== undefined) return known;
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  const content = CONTENT_KEYS.has(normalized) ||
    CONTENT_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
  if (KNOWN_KEYS.size < KNOWN_KEYS_MAX && key.length <= KNOWN_KEY_MAX_LENGTH) {
    KNOWN_KEYS.set(key, content);
  }
  return content;
}

/**
 * Walks a parsed JSON value iteratively (hostile nesting cannot exhaust the stack) and
 * returns the first non-null finding of `onKey` for an object key or `onString` for a string.
 */
export function findInJson(
  value: unknown,
  onKey: (key: string) => string | null,
  onString: (text: string) => string | null = () => null,
): string | null {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === "string") {
      const found = onString(current);
      if (found !== null) return found;
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      const found = onKey(key);
      if (found !== null) return found;
      stack.push(child);
    }
  }
  return null;
}

/** Finds a content key anywhere in a parsed JSON value; returns the key, or null. */
export function findContentKey(value: unknown): string | null {
  return findInJson(value, (key) => isContentKey(key) ? key : null);
}
