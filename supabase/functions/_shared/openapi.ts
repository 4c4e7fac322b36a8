/**
 * The API reference (OpenAPI 3.1, whose schemas are JSON Schema 2020-12), generated from the
 * route declarations that the functions serve (routes.ts) and from zod's registry, so that
 * what is validated and what is documented cannot drift apart.
 */
import { z } from "zod";
// Loading problems.ts registers the Problem schema that the responses below refer to.
import { type ProblemCode, PROBLEMS } from "./problems.ts";
import { queryParameters, type RouteSpec } from "./routes.ts";

/** Problems every authenticated route may answer. */
const PIPELINE_PROBLEMS: ProblemCode[] = [
  "unauthorized",
  "insufficient_scope",
  "rate_limited",
  "internal_error",
  "database_unavailable",
];
const BODY_PROBLEMS: ProblemCode[] = [
  "malformed_json",
  "payload_too_large",
  "unsupported_media_type",
  "unsupported_content_encoding",
];

const SECURITY_SCHEMES = {
  apiKey: {
    type: "http",
    scheme: "bearer",
    description: "A tenant API key (`slg_live_…`), or a token of SEALOG_TENANT_TOKEN_MAP.",
  },
  userToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "The user's Supabase Auth access token, verified against the project's JWKS.",
  },
  operatorKey: {
    type: "http",
    scheme: "bearer",
    description: "The project's secret (service-role) key.",
  },
  webhookSignature: {
    type: "apiKey",
    in: "header",
    name: "webhook-signature",
    description: "Standard Webhooks signature (with webhook-id and webhook-timestamp).",
  },
};

function schemaRef(schema: z.ZodType): Record<string, unknown> {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` };
  const { $schema: _dialect, ...inline } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return inline;
}

/** Every problem code a route may answer: the pipeline's, its body's and its own. */
export function routeProblems(route: RouteSpec): ProblemCode[] {
  return [
    ...new Set([
      ...PIPELINE_PROBLEMS,
      ...(route.request ? route.bodyProblems ?? BODY_PROBLEMS : []),
      ...(route.paramProblem ? [route.paramProblem] : []),
      ...(route.query ? ["invalid_query" as const] : []),
      ...(route.problems ?? []),
    ]),
  ];
}

/** Builds the OpenAPI document for every function's routes. */
export function buildOpenApi(routesBySlug: Record<string, RouteSpec[]>): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [slug, routes] of Object.entries(routesBySlug)) {
    for (const route of routes) {
      const path = `/${slug}${route.path === "/" ? "" : route.path}`.replace(
        /:([A-Za-z_]+)/g,
        "{$1}",
      );
      const params = Object.entries(route.params?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: "path",
        required: true,
        schema: schemaRef(schema as z.ZodType),
      }));
      for (const [name, schema] of Object.entries(queryParameters(route))) {
        const field = schema as z.ZodType;
        const description = z.globalRegistry.get(field)?.description;
        params.push(
          {
            name,
            in: "query",
            required: !field.safeParse(undefined).success,
            ...(description ? { description } : {}),
            schema: schemaRef(field),
          } as (typeof params)[number],
        );
      }
      const auths = route.auth;
      const codes = routeProblems(route);
      const problemStatuses = new Map<number, ProblemCode[]>();
      for (const code of codes) {
        const status = PROBLEMS[code][0];
        problemStatuses.set(status, [...(problemStatuses.get(status) ?? []), code]);
      }
      const responses: Record<string, unknown> = {};
      for (const [status, response] of Object.entries(route.responses)) {
        responses[status] = {
          description: response.description,
          ...(response.schema
            ? { content: { "application/json": { schema: schemaRef(response.schema) } } }
            : {}),
        };
      }
      for (const [status, statusCodes] of [...problemStatuses].sort(([a], [b]) => a - b)) {
        responses[String(status)] = {
          description: `Problem: ${statusCodes.map((code) => `\`${code}\``).join(", ")}.`,
          content: route.errorFormat === "otlpStatus"
            ? {
              "application/json": { schema: { $ref: "#/components/schemas/OtlpStatus" } },
              "application/x-protobuf": { schema: { type: "string", format: "binary" } },
            }
            : {
              "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
            },
        };
      }
      paths[path] ??= {};
      paths[path][route.method] = {
        operationId: `${slug.replace(/-/g, "_")}_${route.method}_${
          route.path.replace(/[^A-Za-z]+/g, "_").replace(/^_|_$/g, "") || "root"
        }`,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: [slug],
        security: auths.map((auth) => ({ [auth]: [] })),
        ...(route.scope ? { "x-sealog-scope": route.scope } : {}),
        ...(params.length > 0 ? { parameters: params } : {}),
        ...(route.request
          ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: schemaRef(route.request) } },
            },
          }
          : {}),
        responses,
      };
    }
  }
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: "input",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Record<string, unknown>> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
    delete schema.id;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Sealog API",
      version: "1.0.0",
      description:
        "Privacy-first telemetry and compliance backend for AI-agent platforms. Generated from the zod schemas by `deno task openapi`; do not edit by hand.",
    },
    servers: [
      {
        url: "https://{project_ref}.supabase.co/functions/v1",
        variables: { project_ref: { default: "your-project-ref" } },
      },
      { url: "http://127.0.0.1:54321/functions/v1", description: "Local stack" },
    ],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
