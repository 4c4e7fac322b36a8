/**
 * deno task openapi: writes docs/openapi.json from the zod schemas and each function's
 * route docs. The test suite fails when the committed file differs from this output.
 */
import { apiReference } from "./openapi_document.ts";

const target = new URL("../docs/openapi.json", import.meta.url);
await Deno.writeTextFile(target, apiReference());
console.log(`wrote ${target.pathname}`);
