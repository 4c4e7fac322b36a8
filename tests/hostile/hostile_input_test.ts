/**
 * Hostile input over real HTTP: every case of corpus.jsonl is sent to the functions server
 * (with fetch, or over a raw TCP socket where fetch cannot express the request), and:
 *   - no response is a 5xx;
 *   - every rejection is application/problem+json with the case's stable `code`, except
 *     the few the HTTP server itself refuses before the application (`layer: "http"`);
 *   - no row is stored from a rejected event, and every accepted one is stored once;
 *   - the server is healthy afterwards;
 *   - every route with a path parameter has cases for NUL, control characters, over-long
 *     values and encoded slashes (category "path"), answered 404 after authentication.
 *
 * Case format, one JSON object per line:
 *   id, category
 *   request.method ("POST"), request.path ("/ingest"), request.headers (null drops a default;
 *     defaults: Authorization with the test key, Content-Type application/json)
 *   request.body: parts, concatenated: {text} | {hex} | {base64} | {repeat, count} |
 *     {generate: n} (n valid events) | {chunked, size} (chunked transfer framing)
 *   request.raw: send over a raw socket; request.contentLength: true (computed), false (none)
 *     or a declared number; request.closeWrite: half-close after sending (truncated bodies)
 *   Placeholders in text, repeat, headers and path: {{NOW}}, {{KEY}}, {{REPEAT:c:n}}
 *   expect.status (null: the connection is closed without a response), expect.code,
 *   expect.rejected (per-event codes), expect.accepted, expect.duplicates, expect.layer,
 *   expect.stored (columns of the stored row: model, model_length, end_user_id, agent_id)
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { BASE_URL, call, createTenant, sql, test } from "../_support/stack.ts";
import { telemetryEvent } from "../_support/events.ts";
import { routeDeclarations } from "../../scripts/openapi_document.ts";

type Part =
  | { text: string }
  | { hex: string }
  | { base64: string }
  | { repeat: string; count: number }
  | { generate: number }
  | { chunked: string; size: number };

type Case = {
  id: string;
  category: string;
  request?: {
    method?: string;
    path?: string;
    headers?: Record<string, string | null>;
    body?: Part[];
    raw?: boolean;
    contentLength?: boolean | number;
    closeWrite?: boolean;
  };
  expect: {
    /** A list where the HTTP server may answer or close the connection (layer "http"). */
    status: number | null | (number | null)[];
    code?: string;
    rejected?: string[];
    accepted?: number;
    duplicates?: number;
    layer?: "http";
    stored?: Record<string, string | number>;
  };
};

type Outcome = { status: number | null; headers: Headers; text: string };

const corpusText = await Deno.readTextFile(new URL("./corpus.jsonl", import.meta.url));
const corpus: Case[] = corpusText.split("\n").filter((line) => line.trim()).map((line) =>
  JSON.parse(line)
);
const tenant = await createTenant({ ratePerSecond: 100_000, burst: 100_000 });
const now = new Date().toISOString();
const encoder = new TextEncoder();
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function expand(value: string): string {
  return value
    .replaceAll("{{NOW}}", now)
    .replaceAll("{{KEY}}", tenant.apiKey)
    .replace(
      /\{\{REPEAT:(.):(\d+)\}\}/g,
      (_, unit: string, count: string) => unit.repeat(Number(count)),
    );
}

/**
 * The body's bytes, with chunked parts framed for the wire or left as the payload the
 * application reads. Generated events get ids recognisable by the case's line number.
 */
function bodyBytes(parts: Part[], line: number, wire = true): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = parts.map((part) => {
    if ("text" in part) return encoder.encode(expand(part.text));
    if ("hex" in part) return new Uint8Array(Buffer.from(part.hex, "hex"));
    if ("base64" in part) return new Uint8Array(Buffer.from(part.base64, "base64"));
    if ("repeat" in part) return encoder.encode(expand(part.repeat).repeat(part.count));
    if ("generate" in part) {
      const events = Array.from({ length: part.generate }, (_, i) =>
        JSON.stringify(telemetryEvent({
          event_id: `00000000-0000-4000-9${line.toString(16).padStart(3, "0")}-${
            i.toString(16).padStart(12, "0")
          }`,
          session_id: `hostile-generated-${line}`,
          occurred_at: now,
        })));
      return encoder.encode(events.join(","));
    }
    const text = encoder.encode(expand(part.chunked));
    if (!wire) return text;
    const framed: Uint8Array[] = [];
    for (let offset = 0; offset < text.length; offset += part.size) {
      const slice = text.subarray(offset, offset + part.size);
      framed.push(
        encoder.encode(`${slice.length.toString(16)}\r\n`),
        slice,
        encoder.encode("\r\n"),
      );
    }
    framed.push(encoder.encode("0\r\n\r\n"));
    return concat(framed);
  });
  return concat(chunks);
}

function concat(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function requestHeaders(c: Case): [string, string][] {
  const defaults: Record<string, string> = {
    Authorization: `Bearer ${tenant.apiKey}`,
    "Content-Type": "application/json",
  };
  const given = c.request?.headers ?? {};
  const lowerGiven = new Set(Object.keys(given).map((name) => name.toLowerCase()));
  const headers: [string, string][] = Object.entries(defaults)
    .filter(([name]) => !lowerGiven.has(name.toLowerCase()));
  for (const [name, value] of Object.entries(given)) {
    if (value !== null) headers.push([name, expand(value)]);
  }
  return headers;
}

async function sendWithFetch(c: Case, body: Uint8Array<ArrayBuffer>): Promise<Outcome> {
  const method = c.request?.method ?? "POST";
  const response = await fetch(`${BASE_URL}${expand(c.request?.path ?? "/ingest")}`, {
    method,
    headers: requestHeaders(c),
    body: method === "GET" || method === "OPTIONS" ? undefined : body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A hand-written HTTP/1.1 request over TCP, for what fetch refuses to send. */
async function sendRaw(c: Case, body: Uint8Array): Promise<Outcome> {
  const url = new URL(BASE_URL);
  const lines = [
    `${c.request?.method ?? "POST"} ${url.pathname}${
      expand(c.request?.path ?? "/ingest")
    } HTTP/1.1`,
    `Host: ${url.host}`,
    "Connection: close",
    ...requestHeaders(c).map(([name, value]) => `${name}: ${value}`),
  ];
  const declared = c.request?.contentLength ?? true;
  if (declared !== false) {
    lines.push(`Content-Length: ${declared === true ? body.length : declared}`);
  }
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const received: Uint8Array[] = [];
  const timer = setTimeout(() => conn.close(), 15_000);
  try {
    // Header values may hold bytes 0x80-0xFF (obs-text): sent as latin1, one byte each.
    await writeAll(conn, new Uint8Array(Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1")));
    await writeAll(conn, body);
    if (c.request?.closeWrite) await conn.closeWrite();
    for await (const chunk of conn.readable) {
      received.push(chunk);
      // The server may keep reading a body it has already refused: stop at a whole response.
      if (isComplete(new TextDecoder().decode(concat(received)))) break;
    }
  } catch {
    // A reset after the server has answered (or refused) is the end of the exchange.
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* already closed */ }
  }
  return parseResponse(new TextDecoder().decode(concat(received)));
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array) {
  for (let offset = 0; offset < bytes.length;) offset += await conn.write(bytes.subarray(offset));
}

function isComplete(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
  return length !== null &&
    new TextEncoder().encode(text.slice(end + 4)).length >= Number(length[1]);
}

function parseResponse(text: string): Outcome {
  if (!text) return { status: null, headers: new Headers(), text: "" };
  const [head = "", ...rest] = text.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers = new Headers();
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine.split(" ")[1]), headers, text: rest.join("\r\n\r\n") };
}

type Sent = { c: Case; outcome: Outcome; sentIds: Set<string>; expectedStored: Set<string> };
const sent: Sent[] = [];

/** Checks one case against its expectation; returns what is wrong, if anything. */
function verify(c: Case, outcome: Outcome): string[] {
  const problems: string[] = [];
  const { expect } = c;
  if (outcome.status !== null && outcome.status >= 500) problems.push(`5xx: ${outcome.status}`);
  const allowed = Array.isArray(expect.status) ? expect.status : [expect.status];
  if (!allowed.includes(outcome.status)) {
    problems.push(
      `status ${outcome.status}, expected ${expect.status}: ${outcome.text.slice(0, 300)}`,
    );
    return problems;
  }
  // Refused by the HTTP server itself, or the connection closed: no application answer.
  if (expect.layer === "http" || outcome.status === null) return problems;
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(outcome.text);
  } catch {
    problems.push(`body is not JSON: ${outcome.text.slice(0, 200)}`);
    return problems;
  }
  if (outcome.status! >= 400) {
    if (!outcome.headers.get("Content-Type")?.startsWith("application/problem+json")) {
      problems.push(`content type ${outcome.headers.get("Content-Type")}`);
    }
    if (body.code !== expect.code) problems.push(`code ${body.code}, expected ${expect.code}`);
    if (body.type !== `urn:sealog:problem:${expect.code}`) problems.push(`type ${body.type}`);
    if (body.status !== outcome.status) problems.push(`problem status ${body.status}`);
    if (!body.request_id || body.request_id !== outcome.headers.get("X-Request-Id")) {
      problems.push("request_id missing or different from X-Request-Id");
    }
  } else {
    if (body.accepted !== expect.accepted) {
      problems.push(`accepted ${body.accepted}, expected ${expect.accepted}`);
    }
    if (body.duplicates !== (expect.duplicates ?? 0)) {
      problems.push(`duplicates ${body.duplicates}, expected ${expect.duplicates ?? 0}`);
    }
  }
  if (outcome.status! < 300 || body.code === "no_valid_events") {
    const codes = ((body.rejected ?? []) as { code: string }[]).map((r) => r.code);
    if (JSON.stringify(codes) !== JSON.stringify(expect.rejected ?? [])) {
      problems.push(
        `rejected ${JSON.stringify(codes)}, expected ${JSON.stringify(expect.rejected ?? [])}`,
      );
    }
  }
  return problems;
}

/** Event ids that must be stored for this case: the accepted events of a 2xx, else none. */
function expectedStoredIds(outcome: Outcome, body: Uint8Array): Set<string> {
  if (outcome.status === null || outcome.status >= 300) return new Set();
  const rejected = new Set(
    ((JSON.parse(outcome.text).rejected ?? []) as { index: number }[]).map((r) => r.index),
  );
  const text = new TextDecoder().decode(body);
  let ids: string[];
  try {
    ids = (JSON.parse(text).events as { event_id: string }[]).map((e) => e.event_id);
  } catch {
    // Framed by hand (chunk extensions, trailers): one event, one id.
    ids = [...text.matchAll(UUID)].map((m) => m[0]);
  }
  return new Set(ids.filter((_, i) => !rejected.has(i)).map((id) => id.toLowerCase()));
}

const categories = [...new Set(corpus.map((c) => c.category))];

test("the corpus holds at least 200 cases in every category of the issue", () => {
  assert.ok(corpus.length >= 200, `${corpus.length} cases`);
  for (
    const category of [
      "oversized",
      "nesting",
      "numbers",
      "keys",
      "encoding",
      "transport",
      "traversal",
      "injection",
      "count",
      "path",
    ]
  ) {
    assert.ok(categories.includes(category), `no ${category} cases`);
  }
  assert.equal(new Set(corpus.map((c) => c.id)).size, corpus.length, "case ids are unique");
});

test("every route with a path parameter has NUL, control, over-long and encoded-slash cases", async () => {
  for (const [slug, routes] of Object.entries(await routeDeclarations())) {
    for (const route of routes.filter((route) => route.params)) {
      const prefix = `/${slug}${route.path.replace(/:[a-z_]+$/, "")}`;
      const cases = corpus.filter((c) =>
        c.category === "path" && c.request?.path?.startsWith(prefix) &&
        (c.request.method ?? "POST") === route.method.toUpperCase()
      ).map((c) => c.id);
      for (const kind of ["-nul", "-control-", "-over-long", "-encoded-slash"]) {
        assert.ok(
          cases.some((id) => id.includes(kind)),
          `${route.method} ${prefix}: no ${kind} case`,
        );
      }
    }
  }
});

for (const category of categories) {
  test(`hostile input: ${category}`, async () => {
    const failures: string[] = [];
    for (const c of corpus.filter((c) => c.category === category)) {
      const line = corpus.indexOf(c) + 1;
      const body = bodyBytes(c.request?.body ?? [], line);
      const started = performance.now();
      const outcome = c.request?.raw ? await sendRaw(c, body) : await sendWithFetch(c, body);
      if (performance.now() - started > 5_000) failures.push(`${c.id}: took over 5 s`);
      const problems = verify(c, outcome);
      if (problems.length > 0) failures.push(`${c.id}: ${problems.join("; ")}`);
      const payload = bodyBytes(c.request?.body ?? [], line, false);
      const bodyText = new TextDecoder().decode(payload);
      sent.push({
        c,
        outcome,
        sentIds: new Set([...bodyText.matchAll(UUID)].map((m) => m[0].toLowerCase())),
        expectedStored: problems.length ? new Set() : expectedStoredIds(outcome, payload),
      });
    }
    assert.deepEqual(failures, []);
  });
}

test("no row is stored from a rejected event, and every accepted event exactly once", async () => {
  const rows = await sql`
    select event_id::text as event_id, model, char_length(model) as model_length, end_user_id, agent_id
      from sealog.llm_request_logs where tenant_id = ${tenant.tenantId}`;
  const stored = new Map(rows.map((row) => [row.event_id as string, row]));
  assert.equal(stored.size, rows.length, "no event id is stored twice");
  const failures: string[] = [];
  const expectedAll = new Set<string>();
  for (const { c, sentIds, expectedStored } of sent) {
    for (const id of expectedStored) expectedAll.add(id);
    const storedHere = [...sentIds].filter((id) => stored.has(id)).sort();
    if (JSON.stringify(storedHere) !== JSON.stringify([...expectedStored].sort())) {
      failures.push(`${c.id}: stored ${storedHere.length}, expected ${expectedStored.size}`);
    }
    for (const [column, value] of Object.entries(c.expect.stored ?? {})) {
      const row = stored.get([...expectedStored][0] ?? "");
      if (row?.[column] !== value) failures.push(`${c.id}: stored ${column} ${row?.[column]}`);
    }
  }
  for (const id of stored.keys()) {
    if (!expectedAll.has(id)) failures.push(`unexpected stored event ${id}`);
  }
  assert.deepEqual(failures, []);
});

test("the server is healthy after the corpus", async () => {
  const health = await fetch(new URL("/health", BASE_URL));
  assert.equal(health.status, 200);
  await health.body?.cancel();
  const response = await call("/ingest", {
    method: "POST",
    apiKey: tenant.apiKey,
    json: { events: [telemetryEvent({ session_id: "hostile-after" })] },
  });
  assert.equal(response.status, 200);
  assert.equal(response.body.accepted, 1);
});
