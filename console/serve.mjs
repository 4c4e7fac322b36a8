// Serves the built console (dist/) on 127.0.0.1 with its Content-Security-Policy, and writes the
// API's address into config.json. Any static host does the same with its own headers: see the
// README. Usage: node serve.mjs <port> <api base url>
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const [port = "5173", api = "http://127.0.0.1:54321/functions/v1"] = process.argv.slice(2);
const root = new URL("./dist/", import.meta.url).pathname;
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** The policy: nothing but this origin and the API; no inline code, no frames, no plugins. */
export function contentSecurityPolicy(apiOrigin) {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${apiOrigin}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const headers = {
  "Content-Security-Policy": contentSecurityPolicy(new URL(api).origin),
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
};

createServer(async (req, res) => {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (path === "/config.json") {
    res.writeHead(200, { ...headers, "Content-Type": "application/json" });
    return res.end(JSON.stringify({ apiUrl: api }));
  }
  const file = normalize(join(root, path === "/" ? "index.html" : path));
  try {
    if (!file.startsWith(root)) throw new Error("outside");
    const body = await readFile(file);
    res.writeHead(200, {
      ...headers,
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
    });
    res.end(body);
  } catch {
    res.writeHead(404, { ...headers, "Content-Type": "text/plain" });
    res.end("not found");
  }
}).on("error", (error) => {
  console.error(`Sealog console: ${error.message}`);
  process.exit(1);
}).listen(Number(port), "127.0.0.1", function () {
  // The port it got (port 0: any free one), for whoever started it.
  console.log(`Sealog console: http://127.0.0.1:${this.address().port}/ (API ${api})`);
});
