/**
 * POST /otlp/v1/traces over real HTTP against the real stack: both encodings and gzip, the
 * answers OTLP/HTTP defines (partialSuccess, Status bodies, 429 and 503 with Retry-After), the
 * same key, scope, rate-limit and access-log guarantees as /ingest, the mapping of every
 * naming convention, and the tenant's content-scan setting.
 */
import assert from "node:assert/strict";
import { startFunctionsServer } from "../_support/functions_server.ts";
import {
  contentAttributes,
  exportRequest,
  fromProtobufResponse,
  genaiSpan,
  gzip,
  hex,
  newMarker,
  Status,
  toProtobuf,
} from "../_support/otlp.ts";
import {
  accessLogRows,
  BASE_URL,
  createTenant,
  sql,
  test,
  type TestTenant,
} from "../_support/stack.ts";

const PROTOBUF = "application/x-protobuf";

async function post(
  tenant: TestTenant | null,
  body: BodyInit,
  headers: Record<string, string> = {},
  baseUrl = BASE_URL,
) {
  const response = await fetch(`${baseUrl}/otlp/v1/traces`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(tenant ? { Authorization: `Bearer ${tenant.apiKey}` } : {}),
      ...headers,
    },
    body,
  });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const json = (request: unknown) => JSON.stringify(request);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function rows(tenantId: string) {
  return await sql`
    select *, to_jsonb(risk_tags) as risk_tags from sealog.llm_request_logs
     where tenant_id = ${tenantId} order by occurred_at, event_id`;
}

test("OTLP/JSON: GenAI spans stored, answered 200 with an empty ExportTraceServiceResponse", async () => {
  const tenant = await createTenant();
  const { response, bytes } = await post(tenant, json(exportRequest([genaiSpan(), genaiSpan()])));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("Content-Type"), "application/json");
  assert.deepEqual(JSON.parse(text(bytes)), {});
  assert.match(response.headers.get("RateLimit") ?? "", /"tenant";r=\d+;t=\d+/);
  const stored = await rows(tenant.tenantId);
  assert.equal(stored.length, 2);
  assert.equal(stored[0]!.model, "gpt-4o");
  assert.equal(stored[0]!.provider, "openai");
  assert.equal(Number(stored[0]!.latency_ms), 250);
});

test("protobuf and gzip (either encoding): stored, answered in protobuf", async () => {
  const tenant = await createTenant();
  const protoRequest = toProtobuf(exportRequest([genaiSpan()]));
  const plain = await post(tenant, protoRequest, { "Content-Type": PROTOBUF });
  assert.equal(plain.response.status, 200);
  assert.equal(plain.response.headers.get("Content-Type"), PROTOBUF);
  assert.deepEqual(fromProtobufResponse(plain.bytes), {});
  assert.equal(plain.bytes.length, 0, "an empty ExportTraceServiceResponse is zero bytes");
  const zipped = await post(tenant, await gzip(toProtobuf(exportRequest([genaiSpan()]))), {
    "Content-Type": PROTOBUF,
    "Content-Encoding": "gzip",
  });
  assert.equal(zipped.response.status, 200);
  const zippedJson = await post(
    tenant,
    await gzip(new TextEncoder().encode(json(exportRequest([genaiSpan()])))),
    { "Content-Encoding": "gzip" },
  );
  assert.equal(zippedJson.response.status, 200);
  assert.equal((await rows(tenant.tenantId)).length, 3);
});

test("the same span exported twice is one event: event_id derives from trace and span ids", async () => {
  const tenant = await createTenant();
  const span = genaiSpan();
  await post(tenant, json(exportRequest([span])));
  const again = await post(tenant, toProtobuf(exportRequest([span, span])), {
    "Content-Type": PROTOBUF,
  });
  assert.equal(again.response.status, 200);
  const stored = await rows(tenant.tenantId);
  assert.equal(stored.length, 1);
  // Another tenant's span with the same ids is its own event.
  const other = await createTenant();
  await post(other, json(exportRequest([span])));
  assert.equal((await rows(other.tenantId))[0]!.event_id, stored[0]!.event_id);
});

test("refused spans are answered in partialSuccess; skipped non-GenAI spans are counted", async () => {
  const tenant = await createTenant();
  const old = BigInt(Date.now() - 100 * 86_400_000) * 1_000_000n;
  const { response, bytes } = await post(
    tenant,
    json(exportRequest([
      genaiSpan(),
      genaiSpan({ traceId: "0".repeat(32) }),
      genaiSpan({ startTimeUnixNano: String(old), endTimeUnixNano: String(old + 1n) }),
      genaiSpan({}, { "gen_ai.usage.input_tokens": -1 }),
      { traceId: hex(16), spanId: hex(8), name: "GET /", startTimeUnixNano: "1" },
    ])),
  );
  assert.equal(response.status, 200);
  const { partialSuccess } = JSON.parse(text(bytes));
  assert.equal(partialSuccess.rejectedSpans, "3");
  for (const part of ["invalid_span_id", "occurred_at_out_of_range", "invalid_counter"]) {
    assert.ok(partialSuccess.errorMessage.includes(part), partialSuccess.errorMessage);
  }
  assert.ok(partialSuccess.errorMessage.includes("1 span(s) skipped"));
  assert.equal((await rows(tenant.tenantId)).length, 1);
});

test("a request of non-GenAI spans only stores nothing and is answered 200", async () => {
  const tenant = await createTenant();
  const { response, bytes } = await post(
    tenant,
    json(exportRequest([
      genaiSpan({}, { "gen_ai.operation.name": "execute_tool" }),
      genaiSpan({}, { "openinference.span.kind": "CHAIN" }),
      { traceId: hex(16), spanId: hex(8), name: "db query", startTimeUnixNano: "1" },
    ])),
  );
  assert.equal(response.status, 200);
  assert.match(JSON.parse(text(bytes)).partialSuccess.errorMessage, /3 span\(s\) skipped/);
  assert.equal((await rows(tenant.tenantId)).length, 0);
});

test("deprecated, OpenInference and OpenLLMetry names map to the same columns", async () => {
  const tenant = await createTenant();
  const session = `s-${crypto.randomUUID()}`;
  const start = String(BigInt(Date.now()) * 1_000_000n);
  const plain = (attributes: Record<string, string | number>) => ({
    ...genaiSpan(),
    startTimeUnixNano: start,
    endTimeUnixNano: start,
    attributes: Object.entries(attributes).map(([key, value]) => ({
      key,
      value: typeof value === "string" ? { stringValue: value } : { intValue: value },
    })),
  });
  await post(
    tenant,
    json(exportRequest([
      plain({
        "openinference.span.kind": "LLM",
        "llm.model_name": "openinference-model",
        "llm.provider": "openai",
        "llm.token_count.prompt": 11,
        "llm.token_count.completion": 12,
        "llm.token_count.prompt_details.cache_read": 3,
        "llm.token_count.prompt_details.cache_write": 4,
        "llm.token_count.completion_details.reasoning": 5,
        "session.id": session,
        "user.id": "end-user-7",
      }),
      plain({
        "gen_ai.system": "anthropic",
        "gen_ai.request.model": "openllmetry-model",
        "llm.request.type": "chat",
        "gen_ai.usage.prompt_tokens": 21,
        "gen_ai.usage.completion_tokens": 22,
        "gen_ai.usage.cache_read_input_tokens": 6,
        "gen_ai.usage.cache_creation_input_tokens": 7,
        "gen_ai.conversation.id": session,
      }),
      plain({ "llm.request.model": "early-openllmetry", "llm.usage.prompt_tokens": 31 }),
    ])),
  );
  const stored = new Map((await rows(tenant.tenantId)).map((row) => [row.model, row]));
  const inference = stored.get("openinference-model")!;
  assert.deepEqual(
    [
      inference.provider,
      inference.input_tokens,
      inference.output_tokens,
      inference.cache_read_input_tokens,
      inference.cache_creation_input_tokens,
      inference.reasoning_tokens,
      inference.session_id,
      inference.end_user_id,
    ].map(String),
    ["openai", "11", "12", "3", "4", "5", session, "end-user-7"],
  );
  const llmetry = stored.get("openllmetry-model")!;
  assert.deepEqual(
    [
      llmetry.provider,
      llmetry.input_tokens,
      llmetry.output_tokens,
      llmetry.cache_read_input_tokens,
      llmetry.cache_creation_input_tokens,
    ].map(String),
    ["anthropic", "21", "22", "6", "7"],
  );
  assert.equal(Number(stored.get("early-openllmetry")!.input_tokens), 31);
  // Without a conversation id, the trace is the session.
  assert.match(stored.get("early-openllmetry")!.session_id, /^[0-9a-f]{32}$/);
});

test("errors are google.rpc.Status in the request's format, with the problem code first", async () => {
  const tenant = await createTenant();
  const noKey = await post(null, toProtobuf(exportRequest([genaiSpan()])), {
    "Content-Type": PROTOBUF,
  });
  assert.equal(noKey.response.status, 401);
  assert.equal(noKey.response.headers.get("Content-Type"), PROTOBUF);
  // Exactly one Status message: nothing of a shared buffer around it.
  const status = Status.toObject(Status.decode(noKey.bytes)) as { code: number; message: string };
  assert.equal(noKey.bytes.length, Status.encode(Status.fromObject(status)).finish().length);
  assert.equal(status.code, 16);
  assert.match(status.message, /^unauthorized: /);

  const malformed = await post(tenant, "{", {});
  assert.equal(malformed.response.status, 400);
  assert.deepEqual(Object.keys(JSON.parse(text(malformed.bytes))), ["code", "message"]);
  assert.match(JSON.parse(text(malformed.bytes)).message, /^malformed_otlp: /);

  const wrongType = await post(tenant, "x", { "Content-Type": "text/plain" });
  assert.equal(wrongType.response.status, 415);
  assert.match(JSON.parse(text(wrongType.bytes)).message, /^unsupported_otlp_media_type: /);

  const brotli = await post(tenant, "x", { "Content-Encoding": "br" });
  assert.equal(brotli.response.status, 415);
  assert.match(JSON.parse(text(brotli.bytes)).message, /^unsupported_content_encoding: /);

  const get = await fetch(`${BASE_URL}/otlp/v1/traces`);
  assert.equal(get.status, 405);
  assert.match((await get.json()).message, /^method_not_allowed: /);
});

test("the same key and scope rules as /ingest: a key without ingest gets 403, nothing stored", async () => {
  const tenant = await createTenant({ scopes: ["privacy"] });
  const { response, bytes } = await post(tenant, json(exportRequest([genaiSpan()])));
  assert.equal(response.status, 403);
  assert.match(JSON.parse(text(bytes)).message, /^insufficient_scope: /);
  assert.equal((await rows(tenant.tenantId)).length, 0);
});

test("the tenant's rate limit: 429 with Retry-After, which exporters retry", async () => {
  const tenant = await createTenant({ ratePerSecond: 1, burst: 1 });
  const body = json(exportRequest([genaiSpan()]));
  assert.equal((await post(tenant, body)).response.status, 200);
  const limited = await post(tenant, body);
  assert.equal(limited.response.status, 429);
  assert.ok(Number(limited.response.headers.get("Retry-After")) >= 1);
  assert.equal(JSON.parse(text(limited.bytes)).code, 8);
});

test("an unreachable database: 503 with Retry-After, nothing stored", async () => {
  const server = await startFunctionsServer({
    SEALOG_DB_URL: "postgresql://sealog_functions:x@127.0.0.1:9/postgres?sslmode=disable",
  });
  try {
    const tenant = await createTenant();
    const { response, bytes } = await post(
      tenant,
      toProtobuf(exportRequest([genaiSpan()])),
      { "Content-Type": PROTOBUF },
      server.baseUrl,
    );
    assert.equal(response.status, 503);
    assert.ok(response.headers.get("Retry-After"));
    assert.equal((Status.toObject(Status.decode(bytes)) as { code: number }).code, 14);
    assert.equal((await rows(tenant.tenantId)).length, 0);
  } finally {
    await server.stop();
  }
});

test("one access-log row per request: method, path, status; no body, no content", async () => {
  const tenant = await createTenant();
  const marker = newMarker();
  const { response } = await post(
    tenant,
    json(exportRequest([genaiSpan({}, contentAttributes(marker))])),
  );
  const logged = await accessLogRows(response.headers.get("X-Request-Id"));
  assert.equal(logged.length, 1);
  assert.equal(logged[0]!.path, "/otlp/v1/traces");
  assert.equal(logged[0]!.status_code, 200);
  assert.ok(!JSON.stringify(logged[0]).includes(marker));
});

test("content scan: tags kept by default, dropped when the tenant turns otlp_scan_tags off", async () => {
  const tenant = await createTenant();
  const marker = newMarker();
  const body = () => json(exportRequest([genaiSpan({}, contentAttributes(marker))]));
  await post(tenant, body());
  assert.deepEqual((await rows(tenant.tenantId))[0]!.risk_tags, ["PII_EMAIL"]);

  const [changed] = await sql`
    select sealog_admin.set_otlp_scan_tags(${tenant.tenantId}, false) as ok`;
  assert.equal(changed!.ok, true);
  await post(tenant, body());
  const stored = await rows(tenant.tenantId);
  assert.equal(stored.length, 2);
  assert.deepEqual(stored.map((row) => row.risk_tags ?? []).sort(), [[], ["PII_EMAIL"]]);
});

test("gzip stays refused by /ingest", async () => {
  const tenant = await createTenant();
  const response = await fetch(`${BASE_URL}/ingest`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${tenant.apiKey}`,
      "Content-Type": "application/json",
      "Content-Encoding": "gzip",
    },
    body: await gzip(new TextEncoder().encode(json({ events: [] }))),
  });
  assert.equal(response.status, 415);
  assert.equal((await response.json()).code, "unsupported_content_encoding");
});
