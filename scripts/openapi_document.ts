/**
 * The API reference of every function, generated from the routes each function declares
 * and serves: docs/openapi.json, and docs/api.md (its tables, for people) from that.
 */
import { functions } from "../local/functions.ts";
import { buildOpenApi } from "../supabase/functions/_shared/openapi.ts";
import { declaredRoutes, type RouteSpec } from "../supabase/functions/_shared/routes.ts";
import { apiMarkdown } from "./api_markdown.ts";

/** The declared routes of every function of local/functions.ts, by slug. */
export async function routeDeclarations(): Promise<Record<string, RouteSpec[]>> {
  const bySlug: Record<string, RouteSpec[]> = {};
  for (const [slug, load] of Object.entries(functions)) bySlug[slug] = declaredRoutes(await load());
  return bySlug;
}

/** docs/openapi.json */
export async function apiReference(): Promise<string> {
  return JSON.stringify(buildOpenApi(await routeDeclarations()), null, 2) + "\n";
}

/** docs/api.md */
export async function apiReferenceMarkdown(): Promise<string> {
  return apiMarkdown(buildOpenApi(await routeDeclarations()));
}
