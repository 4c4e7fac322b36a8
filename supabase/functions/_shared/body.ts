/**
 * Bodies, read with a hard limit while streaming: a chunked (or gzip-compressed, where a route
 * accepts it) body is never buffered past the limit.
 */
import type { Context } from "hono";
import { ApiError, type ProblemCode } from "./problems.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads and parses an application/json body: 415, 413 or 400 otherwise. These framing
 * checks carry no details, so they are answered before the key is checked.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  return parseJson(await readJsonText(c));
}

/**
 * Parses JSON text, answering `malformed` (400) for invalid JSON and for duplicate keys
 * (I-JSON, RFC 7493): JSON.parse would keep the last one silently, so what was validated
 * could differ from what the sender meant.
 */
export function parseJson(text: string, malformed: ProblemCode = "malformed_json"): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(malformed);
  }
  if (hasDuplicateKey(text, body)) throw new ApiError(malformed);
  return body;
}

/**
 * Whether a JSON text repeats a key within one object, given what JSON.parse made of it,
 * without a set of keys per object. Outside its strings a JSON text has one ':' per member
 * and no other, so when no key repeats, the parsed value's members plus the ':' inside its
 * strings (keys included) equal the text's ':'. JSON.parse keeps one member of a repeated key:
 * the other's ':' (and all it held) is missing, so the count is lower. A text with any escape
 * takes the full scan (findDuplicateKey) instead: a `\u` escape can write a ':' that the text
 * does not show, and the JSON.parse of Deno 2.9.6 (V8 15.0) can return a key with an escape
 * wrongly, as its raw characters cut to the decoded length, once an object of the same
 * earlier keys was parsed: `{"b":1,"\u0061":1}` gave the key `\` (docs/resilience.md).
 */
export function hasDuplicateKey(text: string, parsed: unknown): boolean {
  if (text.includes("\\")) return findDuplicateKey(text) !== null;
  return colons(text) !== membersAndColons(parsed);
}

/** The parsed value's object members plus the ':' in its keys and strings; iterative. */
function membersAndColons(value: unknown): number {
  if (typeof value === "string") return colons(value);
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== "object") continue;
    if (Array.isArray(current)) {
      for (const item of current) {
        if (typeof item === "string") count += colons(item);
        else if (typeof item === "object") stack.push(item);
      }
      continue;
    }
    for (const key in current) {
      const child = (current as Record<string, unknown>)[key];
      count += 1 + colons(key);
      if (typeof child === "string") count += colons(child);
      else if (typeof child === "object") stack.push(child);
    }
  }
  return count;
}

function colons(text: string): number {
  let count = 0;
  for (let at = text.indexOf(":"); at !== -1; at = text.indexOf(":", at + 1)) count++;
  return count;
}

/**
 * Reads an application/json body as UTF-8 text without parsing it, with readJsonBody's checks
 * (415, 413, 400): for verifying a signature over the exact body before trusting it.
 */
export async function readJsonText(c: Context): Promise<string> {
  const { bytes } = await readBody(c, JSON_BODY);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError("malformed_json");
  }
}

/** What a route accepts as a body: its media types, whether gzip, and its 415 and 400 codes. */
export type BodyRules = {
  mediaTypes: readonly string[];
  /** Accept Content-Encoding: gzip, decompressed while streaming under the same limit. */
  gzip: boolean;
  unsupportedMediaType: ProblemCode;
  /** The code of a truncated, aborted or corrupt (gzip) body. */
  malformed: ProblemCode;
};

const JSON_BODY: BodyRules = {
  mediaTypes: ["application/json"],
  gzip: false,
  unsupportedMediaType: "unsupported_media_type",
  malformed: "malformed_json",
};

/**
 * Reads a body under `rules`: 415 for another media type or encoding, 413 past
 * MAX_BODY_BYTES (of the decompressed bytes when gzip: a compression bomb stops at the limit),
 * the rules' 400 when it cannot be read. Answered before the key is checked: these framing
 * checks carry no details.
 */
export async function readBody(
  c: Context,
  rules: BodyRules,
): Promise<{ mediaType: string; bytes: Uint8Array }> {
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!rules.mediaTypes.includes(mediaType)) throw new ApiError(rules.unsupportedMediaType);
  const encoding = (c.req.header("Content-Encoding") ?? "identity").trim().toLowerCase();
  const gzip = rules.gzip && encoding === "gzip";
  if (encoding !== "identity" && !gzip) throw new ApiError("unsupported_content_encoding");
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError("payload_too_large");

  let stream = c.req.raw.body;
  if (gzip && stream) stream = stream.pipeThrough(new DecompressionStream("gzip"));
  return { mediaType, bytes: await readLimited(stream, MAX_BODY_BYTES, rules.malformed) };
}

async function readLimited(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  malformed: ProblemCode,
) {
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw new ApiError("payload_too_large");
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // A truncated, aborted or corrupt body cannot be parsed.
    throw new ApiError(malformed);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The first key that appears twice in one object of a JSON text, or null. The text must
 * already have parsed: this scan only tracks strings and nesting. Iterative, so hostile
 * nesting cannot exhaust the stack; escaped keys are compared by their decoded value.
 */
export function findDuplicateKey(text: string): string | null {
  const objects: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x7b /* { */) objects.push(new Set());
    else if (char === 0x5b /* [ */) objects.push(null);
    else if (char === 0x7d /* } */ || char === 0x5d /* ] */) objects.pop();
    else if (char === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c /* backslash */) {
          escaped = true;
          i++;
        }
      }
      const keys = objects[objects.length - 1];
      if (!keys) continue;
      let next = i + 1;
      while (
        text[next] === " " || text[next] === "\t" || text[next] === "\n" || text[next] === "\r"
      ) {
        next++;
      }
      if (text[next] !== ":") continue;
      const key = escaped
        ? JSON.parse(text.slice(start, i + 1)) as string
        : text.slice(start + 1, i);
      if (keys.has(key)) return key;
      keys.add(key);
    }
  }
  return null;
}
