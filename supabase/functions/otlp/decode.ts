/**
 * OTLP/HTTP trace requests, protobuf or JSON, as one plain shape: the spans with hex ids and
 * decimal-string times. Protobuf is decoded by protobufjs with the code that
 * @opentelemetry/otlp-transformer generated from the published opentelemetry-proto
 * definitions; JSON follows OTLP/JSON (lowerCamelCase keys, hex ids, int64 as number or
 * string). A body that is not a request is `malformed_otlp` (400); a bad span is refused on
 * its own later (genai.ts).
 */
import otlpRoot from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import { parseJson } from "../_shared/body.ts";
import { ApiError } from "../_shared/problems.ts";

/** An attribute value as OTLP defines AnyValue; only one member is set. */
export type AnyValue = {
  stringValue?: unknown;
  boolValue?: unknown;
  intValue?: unknown;
  doubleValue?: unknown;
  arrayValue?: { values?: unknown };
  kvlistValue?: { values?: unknown };
  bytesValue?: unknown;
};
export type KeyValue = { key?: unknown; value?: AnyValue };

/** A span as it arrived; every member unchecked except that the containers are arrays. */
export type RawSpan = {
  traceId?: unknown;
  spanId?: unknown;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: unknown;
  events?: unknown;
  status?: { code?: unknown };
};

type ProtoType = {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
};
const ExportTraceServiceRequest = (otlpRoot as unknown as {
  opentelemetry: { proto: { collector: { trace: { v1: Record<string, ProtoType> } } } };
}).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest!;

export const PROTOBUF = "application/x-protobuf";
export const JSON_MEDIA = "application/json";

/** The spans of a request body, in order. */
export function decodeSpans(mediaType: string, bytes: Uint8Array): RawSpan[] {
  const request = mediaType === PROTOBUF ? decodeProtobuf(bytes) : decodeJson(bytes);
  return spansOf(request);
}

function decodeProtobuf(bytes: Uint8Array): unknown {
  try {
    const message = ExportTraceServiceRequest.decode(bytes);
    // Ids become base64 here and hex below; int64 times become decimal strings.
    return ExportTraceServiceRequest.toObject(message, {
      longs: String,
      bytes: String,
      enums: Number,
      defaults: false,
      arrays: true,
    });
  } catch {
    // Truncated or invalid wire data, or nesting deep enough to exhaust the stack.
    throw new ApiError("malformed_otlp");
  }
}

function decodeJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError("malformed_otlp");
  }
  return parseJson(text, "malformed_otlp");
}

/** Walks resourceSpans → scopeSpans → spans; any other shape is malformed. */
function spansOf(request: unknown): RawSpan[] {
  const spans: RawSpan[] = [];
  for (const resource of listOf(objectOf(request).resourceSpans)) {
    for (const scope of listOf(objectOf(resource).scopeSpans)) {
      for (const span of listOf(objectOf(scope).spans)) spans.push(objectOf(span) as RawSpan);
    }
  }
  return spans;
}

function objectOf(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError("malformed_otlp");
  }
  return value as Record<string, unknown>;
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ApiError("malformed_otlp");
  return value;
}

/**
 * A span id or trace id as lower-case hex of `bytes` bytes, or null when it is missing,
 * all zero or malformed: OTLP/JSON sends hex, protobuf bytes arrive here as base64.
 */
export function idHex(value: unknown, bytes: number, fromJson: boolean): string | null {
  if (typeof value !== "string") return null;
  let hex: string;
  if (fromJson) {
    hex = value.toLowerCase();
  } else {
    try {
      hex = Array.from(atob(value), (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
    } catch {
      return null;
    }
  }
  if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(hex) || /^0+$/.test(hex)) return null;
  return hex;
}
