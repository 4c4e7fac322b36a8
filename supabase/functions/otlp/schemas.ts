/** The JSON shapes of OTLP/HTTP trace export, for the API reference (protobuf is the same). */
import { z } from "zod";

export const ExportTraceServiceRequest = z.looseObject({
  resourceSpans: z.array(z.unknown()).optional().meta({
    description: "OTLP ResourceSpans (opentelemetry/proto/collector/trace/v1).",
  }),
}).meta({
  id: "ExportTraceServiceRequest",
  description: "An OTLP/JSON trace export; application/x-protobuf carries the same message.",
});

export const ExportTraceServiceResponse = z.object({
  partialSuccess: z.object({
    rejectedSpans: z.string().meta({ description: "Spans refused (int64, as a string)." }),
    errorMessage: z.string().meta({
      description: "Counts of refused spans by rejection code, and of skipped spans.",
    }),
  }).optional(),
}).meta({ id: "ExportTraceServiceResponse" });

/** google.rpc.Status, the body of every OTLP/HTTP error, in the request's encoding. */
export const OtlpStatus = z.object({
  code: z.int().meta({
    description: "gRPC status code (3 INVALID_ARGUMENT, 16 UNAUTHENTICATED…).",
  }),
  message: z.string().meta({ description: "`<problem code>: <detail>`." }),
}).meta({ id: "OtlpStatus" });
