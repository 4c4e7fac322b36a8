/**
 * deno task openapi: writes docs/openapi.json and docs/api.md from the route declarations, and
 * the SDK read client's types (sdk/src/read/contract.ts) from those.
 * The test suite fails when a committed file differs from this output.
 */
import { apiReference, apiReferenceMarkdown } from "./openapi_document.ts";
import { sdkReadContract } from "./sdk_read_contract.ts";

Deno.env.set("SUPABASE_DB_URL", Deno.env.get("SUPABASE_DB_URL") ?? "postgresql://127.0.0.1:1/none");
for (
  const [file, text] of [
    ["docs/openapi.json", apiReference],
    ["docs/api.md", apiReferenceMarkdown],
    ["sdk/src/read/contract.ts", sdkReadContract],
  ] as const
) {
  const target = new URL(`../${file}`, import.meta.url);
  await Deno.writeTextFile(target, await text());
  console.log(`wrote ${target.pathname}`);
}
