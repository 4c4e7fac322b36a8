/**
 * The committed API reference (docs/openapi.json and docs/api.md) is exactly what the route
 * declarations generate, and every route a function serves is declared. Fix a failure with
 * `deno task openapi`.
 */
import assert from "node:assert/strict";
import { functions } from "../../local/functions.ts";
import {
  apiReference,
  apiReferenceMarkdown,
  routeDeclarations,
} from "../../scripts/openapi_document.ts";
import { sdkReadContract } from "../../scripts/sdk_read_contract.ts";

Deno.env.set(
  "SUPABASE_DB_URL",
  Deno.env.get("SUPABASE_DB_URL") ?? "postgresql://127.0.0.1:1/none",
);

Deno.test("docs/openapi.json matches the route declarations (run `deno task openapi`)", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../docs/openapi.json", import.meta.url),
  );
  assert.equal(committed, await apiReference());
});

Deno.test("docs/api.md matches the route declarations (run `deno task openapi`)", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../docs/api.md", import.meta.url),
  );
  assert.equal(committed, await apiReferenceMarkdown());
});

Deno.test("the SDK read client's types match the route declarations (run `deno task openapi`)", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../sdk/src/read/contract.ts", import.meta.url),
  );
  assert.equal(committed, await sdkReadContract());
});

Deno.test("every route a function serves is declared, and nothing else is", async () => {
  const declared = Object.entries(await routeDeclarations()).flatMap((
    [slug, routes],
  ) =>
    routes.map((route) =>
      `${route.method.toUpperCase()} /${slug}${route.path === "/" ? "" : route.path}`
    )
  ).sort();
  const served: string[] = [];
  for (const [slug, load] of Object.entries(functions)) {
    const app = await load();
    for (const route of app.routes) {
      if (route.method === "ALL") continue; // middleware
      served.push(
        `${route.method} ${route.path.replace(/\/$/, "") || `/${slug}`}`,
      );
    }
  }
  assert.deepEqual([...new Set(served)].sort(), declared);
});

Deno.test("the README links docs/api.md and copies none of its tables by hand", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  assert.ok(readme.includes("](docs/api.md)"), "README does not link docs/api.md");
  const routes = Object.entries(await routeDeclarations()).flatMap(([slug, routes]) =>
    routes.map((route) =>
      `/${slug}${route.path === "/" ? "" : route.path.replace(/:(\w+)/, "{$1}")}`
    )
  );
  // A row is a copy when its first cell is a status (the error table) or a route (the API table).
  const firstCells = readme.split("\n")
    .filter((line) => line.trimStart().startsWith("|"))
    .map((line) => line.split("|")[1]!.trim());
  for (const cell of firstCells) {
    assert.ok(!/^\d{3}$/.test(cell), `README has a hand-written error table (row ${cell})`);
    for (const route of routes) {
      assert.ok(!cell.endsWith(`${route}\``), `README has a hand-written route table (${cell})`);
    }
  }
});
