/**
 * The local functions server: one Deno process serving every Edge Function at
 * http://127.0.0.1:${SEALOG_PORT:-54321}/functions/v1/<slug>, the local Supabase URL layout.
 * Like Supabase's gateway it strips /functions/v1 and overwrites the client-address header
 * (SEALOG_CLIENT_IP_HEADER, cf-connecting-ip by default) with the peer address, whatever the
 * caller sent; X-Forwarded-For passes through as the caller wrote it, with the peer appended.
 * SEALOG_PORT=0 picks a free port, printed on stderr. Each function's index.ts also runs on
 * its own, as on Supabase.
 */
import { type AnyApp, functions } from "./functions.ts";

const port = Number(Deno.env.get("SEALOG_PORT") ?? "54321");
const apps = new Map<string, AnyApp>();
for (const [slug, load] of Object.entries(functions)) apps.set(slug, await load());
// deno task bench only: a bare hono route behind the same gateway, the HTTP ceiling.
if (Deno.env.get("SEALOG_BENCH_ROUTES") === "1") {
  apps.set("bench", (await import("../bench/http_ceiling.ts")).app);
}

const PREFIX = "/functions/v1/";
const CLIENT_IP_FIELD = (Deno.env.get("SEALOG_CLIENT_IP_HEADER") || "cf-connecting-ip")
  .toLowerCase();

const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (request, info) => {
  // Parsed once: a raw request target's dot segments are resolved here, not in its text.
  const url = new URL(request.url);
  const pathname = url.pathname;
  if (pathname === "/health") return new Response("ok");
  const slug = pathname.startsWith(PREFIX)
    ? pathname.slice(PREFIX.length).split("/")[0]
    : undefined;
  const app = slug ? apps.get(slug) : undefined;
  if (!app) {
    // The same RFC 9457 shape, with a request id, as every other error.
    const requestId = crypto.randomUUID();
    const problem = { type: "urn:sealog:problem:not_found", title: "Not Found", status: 404 };
    return new Response(
      JSON.stringify({
        ...problem,
        detail: "No such function.",
        code: "not_found",
        request_id: requestId,
      }),
      {
        status: 404,
        headers: { "Content-Type": "application/problem+json", "X-Request-Id": requestId },
      },
    );
  }
  const peer = (info.remoteAddr as Deno.NetAddr).hostname;
  // The forwarded request's fields as one list, converted once by the Request (a Headers copy
  // that is then passed on is converted twice): the client-address header replaced, the peer
  // appended to X-Forwarded-For.
  const fields: [string, string][] = [];
  let forwarded: string | undefined;
  request.headers.forEach((value, name) => {
    if (name === "x-forwarded-for") forwarded = value;
    else if (name !== CLIENT_IP_FIELD) fields.push([name, value]);
  });
  fields.push([CLIENT_IP_FIELD, peer], [
    "x-forwarded-for",
    forwarded ? `${forwarded}, ${peer}` : peer,
  ]);
  const forwardedUrl = `${url.origin}${pathname.slice(PREFIX.length - 1)}${url.search}`;
  return app.fetch(
    new Request(forwardedUrl, { method: request.method, headers: fields, body: request.body }),
    info,
  );
});

console.error(
  `[sealog] functions served at http://127.0.0.1:${server.addr.port}/functions/v1/{${
    [...apps.keys()].join(",")
  }}`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    await server.shutdown();
    Deno.exit(0);
  });
}
