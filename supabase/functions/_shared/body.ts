/**
 * JSON bodies, read with a hard limit while streaming: a chunked body without
 * Content-Length is never buffered past the limit.
 */
import type { Context } from "hono";
import { ApiError } from "./problems.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads and parses an application/json body: 415, 413 or 400 otherwise. These framing
 * checks carry no details, so they are answered before the key is checked.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await readJsonText(c);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError("malformed_json");
  }
  // Duplicate keys are refused (I-JSON, RFC 7493): JSON.parse would keep the last one
  // silently, so what was validated could differ from what the sender meant.
  if (findDuplicateKey(text) !== null) throw new ApiError("malformed_json");
  return body;
}

/**
 * Reads an application/json body as UTF-8 text without parsing it, with readJsonBody's checks
 * (415, 413, 400): for verifying a signature over the exact body before trusting it.
 */
export async function readJsonText(c: Context): Promise<string> {
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json") throw new ApiError("unsupported_media_type");
  const encoding = (c.req.header("Content-Encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity") throw new ApiError("unsupported_content_encoding");
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError("payload_too_large");

  const bytes = await readLimited(c.req.raw.body, MAX_BODY_BYTES);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError("malformed_json");
  }
}

async function readLimited(stream: ReadableStream<Uint8Array> | null, limit: number) {
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
        await reader.cancel();
        throw new ApiError("payload_too_large");
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // A truncated or aborted body cannot be parsed.
    throw new ApiError("malformed_json");
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
