/**
 * Answers as the OTLP/HTTP specification defines them, in the request's format: success is an
 * ExportTraceServiceResponse (with partialSuccess when spans were refused, or as a warning
 * when spans were skipped), every 4xx and 5xx a google.rpc.Status whose message starts with
 * Sealog's stable problem code. Status and headers (Retry-After on 429 and 503, RateLimit,
 * X-Request-Id) are the pipeline's own.
 */
import otlpRoot from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import protobuf from "protobufjs";
import { PROTOBUF } from "./decode.ts";

type ProtoType = {
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
};
const ExportTraceServiceResponse = (otlpRoot as unknown as {
  opentelemetry: { proto: { collector: { trace: { v1: Record<string, ProtoType> } } } };
}).opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse!;

/** google.rpc.Status (google/rpc/status.proto), without `details`, which Sealog never sends. */
export const Status = new protobuf.Type("Status")
  .add(new protobuf.Field("code", 1, "int32"))
  .add(new protobuf.Field("message", 2, "string"));

/** gRPC status codes by HTTP status, as Status.code expects them. */
const GRPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  422: 3,
  429: 8,
  503: 14, // UNAVAILABLE
};

/** The media type of answers to a request with this Content-Type: protobuf or JSON. */
export function answerMediaType(contentType: string | undefined): string {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return mediaType === PROTOBUF ? PROTOBUF : "application/json";
}

/** The success body: partialSuccess only when something was refused or skipped. */
export function exportResponse(
  mediaType: string,
  rejectedSpans: number,
  errorMessage: string,
): ArrayBuffer | string {
  const partial = rejectedSpans > 0 || errorMessage !== ""
    ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } }
    : {};
  if (mediaType !== PROTOBUF) return JSON.stringify(partial);
  const message = ExportTraceServiceResponse.fromObject(partial);
  return arrayBuffer(ExportTraceServiceResponse.encode(message).finish());
}

/** A problem+json response rewritten as the Status body OTLP exporters read. */
export async function asStatus(response: Response, mediaType: string): Promise<Response> {
  const problem = await response.json() as { code?: string; detail?: string };
  const status = {
    code: GRPC_CODES[response.status] ?? 13, // INTERNAL
    message: `${problem.code ?? "internal_error"}: ${problem.detail ?? ""}`,
  };
  const headers = new Headers(response.headers);
  headers.set("Content-Type", mediaType);
  const body = mediaType === PROTOBUF
    ? arrayBuffer(Status.encode(Status.fromObject(status)).finish())
    : JSON.stringify(status);
  return new Response(body, { status: response.status, headers });
}

/**
 * The bytes as a body of their own. protobufjs writes into a Node Buffer, a view of a shared
 * pool that holds other requests' data, and Buffer's slice() is a view too: copy, never send
 * `.buffer` of the view.
 */
function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}
