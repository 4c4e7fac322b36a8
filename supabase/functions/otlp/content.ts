/**
 * Content attributes: the prompts, responses, instructions, tool arguments and results, and
 * exception messages that instrumentations put on spans when content capture is on. They are
 * never mapped, stored or logged (genai.ts reads only its allow-list); the one thing done with
 * them is an in-memory scan by the SDK's own scanner (sdk/src/scanner, one module, no copy),
 * of which only the risk tags survive. Whether the tags are kept is the tenant's
 * otlp_scan_tags setting, applied by the database (sealog_api.ingest_otlp).
 */
import { scan } from "../../../sdk/src/scanner/scan.ts";
import type { AnyValue, KeyValue, RawSpan } from "./decode.ts";

/** Exact names of content attributes, with the convention that defines each (docs/otlp.md). */
const CONTENT_NAMES = new Set([
  "gen_ai.input.messages", // OTel GenAI semconv
  "gen_ai.output.messages",
  "gen_ai.system_instructions",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
  "gen_ai.prompt", // OTel GenAI semconv, deprecated (span events)
  "gen_ai.completion",
  "input.value", // OpenInference
  "output.value",
  "exception.message", // OTel exceptions
  "exception.stacktrace",
  "ai.prompt", // Vercel AI SDK
  "ai.prompt.messages",
  "ai.response.text",
  "ai.response.object",
  "ai.response.toolCalls",
  "ai.toolCall.args",
  "ai.toolCall.result",
]);

/** Prefixes of flattened content attributes (OpenLLMetry, OpenInference). */
const CONTENT_PREFIXES = [
  "gen_ai.prompt.",
  "gen_ai.completion.",
  "llm.input_messages.",
  "llm.output_messages.",
  "llm.prompts.",
  "llm.prompt_template.",
];

/** True for an attribute name that can carry content. */
export function isContentAttribute(name: string): boolean {
  return CONTENT_NAMES.has(name) || CONTENT_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Nesting deeper than this inside one content value is not scanned (no recursion either). */
const MAX_SCAN_DEPTH = 16;

/**
 * The risk tags found in a span's content attributes and in its events' content (every
 * string attribute of a `gen_ai.*` event, which carry messages, and content attributes of any
 * other event, such as an exception's message). The text goes no further than scan().
 */
export function scanContent(span: RawSpan): string[] {
  const texts: string[] = [];
  collect(span.attributes, (name) => isContentAttribute(name), texts);
  if (Array.isArray(span.events)) {
    for (const event of span.events) {
      if (event === null || typeof event !== "object") continue;
      const { name, attributes } = event as { name?: unknown; attributes?: unknown };
      const messages = typeof name === "string" && name.startsWith("gen_ai.");
      collect(attributes, (key) => messages || isContentAttribute(key), texts);
    }
  }
  const tags = new Set<string>();
  for (const text of texts) for (const tag of scan(text).tags) tags.add(tag);
  return [...tags].sort();
}

/** Pushes every string inside the selected attributes' values, iteratively. */
function collect(attributes: unknown, select: (name: string) => boolean, texts: string[]): void {
  if (!Array.isArray(attributes)) return;
  for (const attribute of attributes as KeyValue[]) {
    if (typeof attribute?.key !== "string" || !select(attribute.key)) continue;
    const stack: [AnyValue | undefined, number][] = [[attribute.value, 0]];
    while (stack.length > 0) {
      const [value, depth] = stack.pop()!;
      if (value === null || typeof value !== "object" || depth > MAX_SCAN_DEPTH) continue;
      if (typeof value.stringValue === "string") texts.push(value.stringValue);
      const items = value.arrayValue?.values ?? value.kvlistValue?.values;
      if (!Array.isArray(items)) continue;
      for (const item of items) {
        const nested = value.kvlistValue ? (item as KeyValue)?.value : item as AnyValue;
        stack.push([nested, depth + 1]);
      }
    }
  }
}
