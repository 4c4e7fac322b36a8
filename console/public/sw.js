// Streams an export to a download without holding it in memory: the page hands the request
// (the key included) over by message, then navigates to /download/<id>; the worker answers that
// with the API's own stream, as NDJSON or converted to CSV line by line. The key never enters a URL.
const pending = new Map();

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  const { id, url, key, format, columns } = event.data ?? {};
  if (typeof id === "string") pending.set(id, { url, key, format, columns });
  event.ports[0]?.postMessage("ready");
});

function csvCell(value) {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  // Spreadsheet formulas are neutralised; quotes doubled.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function toCsv(columns) {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let rest = "";
  const line = (text) => {
    if (!text.trim()) return "";
    const row = JSON.parse(text);
    return columns.map((c) => csvCell(row[c])).join(",") + "\r\n";
  };
  return new TransformStream({
    start(controller) {
      controller.enqueue(encoder.encode(columns.join(",") + "\r\n"));
    },
    transform(chunk, controller) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = lines.pop();
      controller.enqueue(encoder.encode(lines.map(line).join("")));
    },
    flush(controller) {
      controller.enqueue(encoder.encode(line(rest + decoder.decode())));
    },
  });
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith("/download/")) return;
  const id = url.pathname.slice("/download/".length);
  const job = pending.get(id);
  pending.delete(id);
  if (!job) return event.respondWith(new Response("This download has expired.", { status: 410 }));
  event.respondWith((async () => {
    const response = await fetch(job.url, {
      headers: { Authorization: `Bearer ${job.key}` },
      credentials: "omit",
    });
    if (!response.ok || !response.body) {
      return new Response(`The export failed (${response.status}).`, { status: response.status });
    }
    const csv = job.format === "csv";
    const body = csv ? response.body.pipeThrough(toCsv(job.columns)) : response.body;
    return new Response(body, {
      headers: {
        "Content-Type": csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="access-log.${csv ? "csv" : "ndjson"}"`,
      },
    });
  })());
});
