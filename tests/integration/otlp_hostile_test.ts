/**
 * Hostile OTLP input over real HTTP: malformed protobuf, wrong content types, a gzip bomb,
 * deeply nested attribute values, huge attribute arrays and invalid UTF-8. Every case gets a
 * clear answer (a Status whose message starts with the stable code, or a partialSuccess), no
 * 5xx, and nothing half-written: the rows stored are exactly those the answer accepted.
 * (tests/hostile/corpus.jsonl checks problem+json answers of /ingest; OTLP answers in its own
 * formats, so its cases live here.)
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  exportRequest,
  fromProtobufResponse,
  genaiSpan,
  gzip,
  hex,
  toProtobuf,
} from "../_support/otlp.ts";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";

const PROTOBUF = "application/x-protobuf";
const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));

type Case = {
  name: string;
  body: () => Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>>;
  headers?: Record<string, string>;
  status: number;
  /** The code the Status message starts with (errors), or the rejected spans (200). */
  code?: string;
  rejected?: string;
  stored: number;
};

/** Protobuf framing: a length-delimited field. */
function field(number: number, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

function varint(value: number): Uint8Array<ArrayBuffer> {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return new Uint8Array(out);
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * An AnyValue nested `levels` deep (array_value → values → array_value …), written from the
 * inside out into one buffer so that building it stays linear.
 */
function deepAnyValue(levels: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(levels * 12 + 8);
  let start = out.length;
  const prepend = (bytes: Uint8Array) => {
    start -= bytes.length;
    out.set(bytes, start);
  };
  prepend(new Uint8Array([0x0a, 0x01, 0x78])); // string_value "x"
  for (let i = 0; i < levels; i++) {
    prepend(varint(out.length - start)); // ArrayValue.values (1)
    prepend(new Uint8Array([0x0a]));
    prepend(varint(out.length - start)); // AnyValue.array_value (5)
    prepend(new Uint8Array([0x2a]));
  }
  return out.slice(start);
}

/** A protobuf request of one GenAI span whose content attribute holds `value` (an AnyValue). */
function protobufWithAttribute(value: Uint8Array): Uint8Array<ArrayBuffer> {
  const start = new Uint8Array(8);
  new DataView(start.buffer).setBigUint64(0, BigInt(Date.now()) * 1_000_000n, true);
  const kv = (key: string, anyValue: Uint8Array) =>
    field(9, concat([field(1, encoder.encode(key)), field(2, anyValue)]));
  const span = concat([
    field(1, Buffer.from(hex(16), "hex")),
    field(2, Buffer.from(hex(8), "hex")),
    new Uint8Array([0x39]), // start_time_unix_nano (7), fixed64
    start,
    kv("gen_ai.request.model", field(1, encoder.encode("gpt-4o"))),
    kv("gen_ai.input.messages", value),
  ]);
  return field(1, field(2, field(2, span)));
}

/** A JSON AnyValue nested `levels` deep. */
function deepJson(levels: number): string {
  return '{"arrayValue":{"values":['.repeat(levels) + '{"stringValue":"x"}' +
    "]}}".repeat(levels);
}

const withContent = (value: string) =>
  encoder.encode(
    JSON.stringify(exportRequest([genaiSpan({}, { "gen_ai.request.model": "gpt-4o" })]))
      .replace('"attributes":[', `"attributes":[{"key":"gen_ai.input.messages","value":${value}},`),
  );

const cases: Case[] = [
  // Malformed protobuf.
  {
    name: "invalid wire type",
    body: () => new Uint8Array([0x0f]),
    headers: { "Content-Type": PROTOBUF },
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  {
    name: "truncated length-delimited field",
    body: () => new Uint8Array([0x0a, 0x05, 0x12]),
    headers: { "Content-Type": PROTOBUF },
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  {
    name: "a valid request cut in half",
    body: () => {
      const whole = toProtobuf(exportRequest([genaiSpan(), genaiSpan()]));
      return whole.slice(0, Math.floor(whole.length / 2));
    },
    headers: { "Content-Type": PROTOBUF },
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  {
    name: "JSON sent as protobuf",
    body: () => json(exportRequest([genaiSpan()])),
    headers: { "Content-Type": PROTOBUF },
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  {
    name: "an empty protobuf body is an empty request",
    body: () => new Uint8Array(),
    headers: { "Content-Type": PROTOBUF },
    status: 200,
    stored: 0,
  },
  // Wrong content types.
  ...["text/plain", "application/protobuf", "application/xml", "multipart/form-data", ""].map((
    type,
  ) => ({
    name: `Content-Type '${type}'`,
    body: () => json(exportRequest([genaiSpan()])),
    headers: { "Content-Type": type },
    status: 415,
    code: "unsupported_otlp_media_type",
    stored: 0,
  })),
  {
    name: "JSON that is not a request",
    body: () => json({ resourceSpans: [{ scopeSpans: { spans: [] } }] }),
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  {
    name: "JSON with a duplicate key",
    body: () => encoder.encode('{"resourceSpans":[],"resourceSpans":[]}'),
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  // Compression.
  {
    name: "a gzip bomb: 64 MiB of zeros in 64 KiB",
    body: () => gzip(new Uint8Array(64 * 1024 * 1024)),
    headers: { "Content-Encoding": "gzip" },
    status: 413,
    code: "payload_too_large",
    stored: 0,
  },
  {
    name: "a gzip bomb behind a valid request",
    body: async () => {
      const request = new TextDecoder().decode(json(exportRequest([genaiSpan()])));
      const padded = request.replace(
        '"resourceSpans"',
        `"pad":"${" ".repeat(2 << 20)}","resourceSpans"`,
      );
      return await gzip(encoder.encode(padded));
    },
    headers: { "Content-Encoding": "gzip" },
    status: 413,
    code: "payload_too_large",
    stored: 0,
  },
  {
    name: "corrupt gzip",
    body: async () => {
      const zipped = await gzip(json(exportRequest([genaiSpan()])));
      zipped.fill(0xff, 12, 40);
      return zipped;
    },
    headers: { "Content-Encoding": "gzip" },
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  {
    name: "gzip declared, plain body sent",
    body: () => json(exportRequest([genaiSpan()])),
    headers: { "Content-Encoding": "gzip" },
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  // Deeply nested and huge attribute values (content: scanned to a bounded depth, never stored).
  {
    name: "protobuf attribute value nested 100 000 deep",
    body: () => protobufWithAttribute(deepAnyValue(100_000)),
    headers: { "Content-Type": PROTOBUF },
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  {
    name: "protobuf attribute value nested 50 deep",
    body: () => protobufWithAttribute(deepAnyValue(50)),
    headers: { "Content-Type": PROTOBUF },
    status: 200,
    stored: 1,
  },
  {
    name: "JSON attribute value nested 20 000 deep",
    body: () => withContent(deepJson(20_000)),
    status: 200,
    stored: 1,
  },
  {
    name: "an attribute array of 40 000 strings",
    body: () =>
      withContent(
        JSON.stringify({
          arrayValue: { values: Array.from({ length: 40_000 }, () => ({ stringValue: "a" })) },
        }),
      ),
    status: 200,
    stored: 1,
  },
  {
    name: "10 000 copies of an allow-listed attribute",
    body: () =>
      json(exportRequest([{
        ...genaiSpan(),
        attributes: Array.from({ length: 10_000 }, (_, i) => ({
          key: "gen_ai.request.model",
          value: { stringValue: `m${i}` },
        })),
      }])),
    status: 200,
    stored: 1,
  },
  {
    name: "a model given as a nested array is no model: skipped",
    body: () =>
      json(exportRequest([{
        ...genaiSpan(),
        attributes: [{
          key: "gen_ai.request.model",
          value: JSON.parse(deepJson(100)),
        }],
      }])),
    status: 200,
    stored: 0,
  },
  // Numbers.
  {
    name: "counters beyond 2^53, negative or fractional are refused",
    body: () =>
      json(exportRequest([
        {
          ...genaiSpan(),
          attributes: [
            { key: "gen_ai.request.model", value: { stringValue: "m" } },
            { key: "gen_ai.usage.input_tokens", value: { intValue: "99999999999999999999" } },
          ],
        },
        genaiSpan({}, { "gen_ai.usage.input_tokens": "12" }), // a string is not a counter
        genaiSpan({}, { "gen_ai.usage.output_tokens": -5 }),
        {
          ...genaiSpan(),
          attributes: [
            { key: "gen_ai.request.model", value: { stringValue: "m" } },
            { key: "gen_ai.usage.input_tokens", value: { doubleValue: 1.5 } },
          ],
        },
        genaiSpan({ startTimeUnixNano: "99999999999999999999999999" }),
      ])),
    status: 200,
    rejected: "5",
    stored: 0,
  },
  // Invalid UTF-8.
  {
    name: "invalid UTF-8 in a JSON body",
    body: () =>
      concat([
        encoder.encode('{"resourceSpans":[],"x":"'),
        new Uint8Array([0xff]),
        encoder.encode('"}'),
      ]),
    status: 400,
    code: "malformed_otlp",
    stored: 0,
  },
  {
    name: "invalid UTF-8 in a protobuf model name: that span refused",
    body: () => {
      const body = toProtobuf(exportRequest([genaiSpan({}, { "gen_ai.request.model": "gpt-4o" })]));
      const at = Buffer.from(body).lastIndexOf("gpt-4o"); // the attribute, not the span name
      body[at] = 0xff;
      return body;
    },
    headers: { "Content-Type": PROTOBUF },
    status: 200,
    rejected: "1",
    stored: 0,
  },
  {
    name: "invalid UTF-8 in protobuf content: discarded, the span stored",
    body: () => protobufWithAttribute(field(1, new Uint8Array([0xc3, 0x28, 0xff]))),
    headers: { "Content-Type": PROTOBUF },
    status: 200,
    stored: 1,
  },
];

for (const c of cases) {
  test(`hostile OTLP: ${c.name}`, async () => {
    const tenant = await createTenant();
    const response = await fetch(`${BASE_URL}/otlp/v1/traces`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${tenant.apiKey}`,
        "Content-Type": "application/json",
        ...c.headers,
      },
      body: await c.body(),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    assert.ok(response.status < 500, `5xx: ${response.status} ${text.slice(0, 200)}`);
    assert.equal(response.status, c.status, text.slice(0, 300));
    const contentType = response.headers.get("Content-Type");
    if (c.code) {
      const body = contentType === PROTOBUF ? null : JSON.parse(text);
      assert.ok(body === null || body.message.startsWith(`${c.code}: `), text.slice(0, 300));
    }
    if (c.rejected) {
      const body = contentType === PROTOBUF ? fromProtobufResponse(bytes) : JSON.parse(text);
      assert.equal((body.partialSuccess as { rejectedSpans: string }).rejectedSpans, c.rejected);
    }
    const [stored] = await sql`
      select count(*)::int as n from sealog.llm_request_logs where tenant_id = ${tenant.tenantId}`;
    assert.equal(stored!.n, c.stored);
  });
}
