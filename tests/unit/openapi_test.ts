/**
 * The committed API reference is exactly what the zod schemas generate, and every route of
 * every function is documented in it. Fix a failure with `deno task openapi`.
 */
import assert from "node:assert/strict";
import { functions } from "../../local/functions.ts";
import { apiReference, routeDocs } from "../../scripts/openapi_document.ts";

Deno.env.set("SUPABASE_DB_URL", Deno.env.get("SUPABASE_DB_URL") ?? "postgresql://127.0.0.1:1/none");

Deno.test("docs/openapi.json matches the schemas (run `deno task openapi` after changing them)", async () => {
  const committed = await Deno.readTextFile(new URL("../../docs/openapi.json", import.meta.url));
  assert.equal(committed, apiReference());
});

Deno.test("every route of every function is documented, and nothing else is", async () => {
  const documented = Object.entries(routeDocs).flatMap(([slug, routes]) =>
    routes.map((route) =>
      `${route.method.toUpperCase()} /${slug}${route.path === "/" ? "" : route.path}`
    )
  ).sort();
  const served: string[] = [];
  for (const [slug, load] of Object.entries(functions)) {
    const app = await load();
    for (const route of app.routes) {
      if (route.method === "ALL") continue; // middleware
      served.push(`${route.method} ${route.path.replace(/\/$/, "") || `/${slug}`}`);
    }
  }
  assert.deepEqual([...new Set(served)].sort(), documented);
  assert.deepEqual(Object.keys(routeDocs).sort(), Object.keys(functions).sort());
});
