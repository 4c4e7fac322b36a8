/**
 * docs/api.md: the API reference's tables for people, rendered from the generated OpenAPI
 * document and the problem catalogue, never written by hand.
 */
import { PROBLEMS } from "../supabase/functions/_shared/problems.ts";

type Json = Record<string, unknown>;
type Operation = {
  summary: string;
  security: Record<string, unknown>[];
  "x-sealog-scope"?: string;
  parameters?: { name: string; schema: Json }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
};

const AUTH_NAMES: Record<string, string> = {
  apiKey: "tenant key",
  userToken: "user's access token",
  operatorKey: "project secret key",
  webhookSignature: "Standard Webhooks signature",
};

/** The markdown reference of an OpenAPI document built by buildOpenApi. */
export function apiMarkdown(document: Json): string {
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const schemas = (document.components as { schemas: Record<string, Json> }).schemas;
  const lines = [
    "# API reference",
    "",
    "Generated from the route declarations by `deno task openapi`, with",
    "[`openapi.json`](openapi.json) (OpenAPI 3.1); `npm test` fails when either drifts from the code.",
    "Do not edit by hand. Paths are below `/functions/v1`.",
    "",
    "## Routes",
    "",
    "| Method and path | Auth | Scope | What it does | Success | Problem codes |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  const rejectionTables: string[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const auth = operation.security.map((entry) => AUTH_NAMES[Object.keys(entry)[0]!]).join(
        ", ",
      );
      const statuses = Object.keys(operation.responses);
      const success = statuses.filter((status) => Number(status) < 300).join(", ");
      const problems = statuses
        .filter((status) => Number(status) >= 400)
        .flatMap((status) => [...operation.responses[status]!.description.matchAll(/`(\w+)`/g)])
        .map(([, code]) => `\`${code}\``)
        .join(", ");
      const scope = operation["x-sealog-scope"] ? `\`${operation["x-sealog-scope"]}\`` : "any";
      lines.push(
        `| \`${method.toUpperCase()} ${path}\` | ${auth} | ${scope} | ${operation.summary} | ${success} | ${problems} |`,
      );
      for (const id of rejectionSchemas(operation, schemas)) {
        rejectionTables.push(
          "",
          `### \`${method.toUpperCase()} ${path}\`: per-event rejection codes (\`${id}\`)`,
          "",
          codeEnum(schemas[id]!).map((code) => `\`${code}\``).join(", "),
        );
      }
    }
  }
  lines.push(
    "",
    "## Per-event rejection codes",
    "",
    "A batch answers 207 (or 422 when none is valid) with `rejected: [{index, event_id, code, message}]`.",
  );
  lines.push(...rejectionTables);
  lines.push(
    "",
    "## Errors",
    "",
    "Every error is RFC 9457 `application/problem+json`: `{type, title, status, detail, code, request_id}`;",
    "branch on `code` only. Every response carries `X-Request-Id`.",
    "",
    "| Status | Code | Meaning |",
    "| --- | --- | --- |",
  );
  const sorted = Object.entries(PROBLEMS).sort(([, a], [, b]) => a[0] - b[0]);
  for (const [code, [status, , detail]] of sorted) {
    lines.push(`| ${status} | \`${code}\` | ${detail} |`);
  }
  lines.push(
    "",
    "## Event fields",
    "",
    "Each event of a batch is validated on its own. A field not listed below rejects the event with",
    "`unknown_field`; a key that can carry prompt or response content (`prompt`, `messages`,",
    "`content`, `completion`, `input`, `output`, `text`, `response`, `choices`, `tool_calls`, …; the",
    "list is `supabase/functions/_shared/content_keys.ts`), at any depth, with `content_not_accepted`.",
    "Lengths count code points; truncation never splits a surrogate pair; a NUL or an unpaired",
    "surrogate rejects the event (`invalid_string`).",
  );
  for (const id of ["TelemetryEvent", "AuthEvent"]) {
    lines.push(
      "",
      `### ${id}`,
      "",
      "| Field | Required | Type | Description |",
      "| --- | --- | --- | --- |",
    );
    const schema = schemas[id]!;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, field] of Object.entries(schema.properties as Record<string, Json>)) {
      lines.push(
        `| \`${name}\` | ${required.has(name) ? "yes" : "no"} | ${
          typeName(field).replaceAll("|", "\\|")
        } | ${String(field.description ?? "").replaceAll("|", "\\|").replaceAll("\n", " ")} |`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

/** The rejection schemas of an operation's success responses (batch results). */
function rejectionSchemas(operation: Operation, schemas: Record<string, Json>): string[] {
  const ids = new Set<string>();
  for (const response of Object.values(operation.responses)) {
    for (const media of Object.values(response.content ?? {})) {
      for (const ref of JSON.stringify(media.schema).matchAll(/#\/components\/schemas\/(\w+)/g)) {
        const rejected = (schemas[ref[1]!]?.properties as Record<string, Json> | undefined)
          ?.rejected as { items?: { $ref?: string } } | undefined;
        const id = rejected?.items?.$ref?.split("/").pop();
        if (id) ids.add(id);
      }
    }
  }
  return [...ids];
}

function codeEnum(schema: Json): string[] {
  const code = (schema.properties as Record<string, Json>).code as { enum?: string[] };
  return code.enum ?? [];
}

/** A field's JSON Schema in a few words: type, format and bounds; null is implied by "no". */
function typeName(field: Json): string {
  if (field.$ref) return String(field.$ref).split("/").pop()!;
  const variants = (field.anyOf ?? field.oneOf) as Json[] | undefined;
  if (variants) {
    return variants.filter((variant) => variant.type !== "null").map(typeName).join(" or ");
  }
  if (field.enum) return (field.enum as unknown[]).map((value) => `\`${value}\``).join(", ");
  const types = [field.type ?? "any"].flat().filter((type) => type !== "null");
  if (types[0] === "array") {
    const most = field.maxItems === undefined ? "" : `, at most ${field.maxItems}`;
    return `array of ${typeName((field.items ?? {}) as Json)}${most}`;
  }
  const bounds = [
    field.format,
    // A format (uuid, date-time) says more than its long pattern.
    field.pattern === undefined || field.format ? undefined : `\`${field.pattern}\``,
    field.maxLength === undefined ? undefined : `≤ ${field.maxLength} characters`,
    field.maximum === undefined ? undefined : `${field.minimum} … ${field.maximum}`,
  ].filter((bound) => bound !== undefined);
  return `${types.join(" or ")}${bounds.length > 0 ? ` (${bounds.join(", ")})` : ""}`;
}
