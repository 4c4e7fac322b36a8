/**
 * deno task openapi: writes docs/openapi.json and docs/api.md from the route declarations.
 * The test suite fails when a committed file differs from this output.
 */
import { apiReference, apiReferenceMarkdown } from "./openapi_document.ts";

Deno.env.set("SUPABASE_DB_URL", Deno.env.get("SUPABASE_DB_URL") ?? "postgresql://127.0.0.1:1/none");
for (
  const [file, text] of [["openapi.json", apiReference], ["api.md", apiReferenceMarkdown]] as const
) {
  const target = new URL(`../docs/${file}`, import.meta.url);
  await Deno.writeTextFile(target, await text());
  console.log(`wrote ${target.pathname}`);
}
