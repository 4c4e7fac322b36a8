import assert from "node:assert/strict";
import { found, foundAs } from "./scanner_support.ts";

const AZURE_KEY =
  "q7Xz9Lm2Pv8Rt4Wb6Nc3Hd5Kf1Gs0Yy7Ue4Ia9ObJp4x9Qz7Lm2Rt8Vb6Nc3Hd5Kf1Gs0Wy7Ue4Ia9Ob123456==";
const AWS_SECRET = "Jp4x9Qz7Lm2Rt8Vb6Nc3Hd5Kf1Gs0Wy7Ue4Ia9Ob";

Deno.test("webhook URLs: Slack and Discord, the whole URL", () => {
  for (
    const url of [
      "https://hooks.slack.com/services/T024BE7LD/B08ABCDEF12/Xk3pR9sT2vW8yZ1aB4cD6eF7",
      "https://hooks.slack.com/workflows/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",
      "https://discord.com/api/webhooks/1122334455667788990/" +
      "Xk3pR9sT2vW8yZ1aB4cD6eF7gH0jK2lM4nP6qR8sT0uV2wX4yZ6aB8cD0eF2gH4jK6lM8",
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_WEBHOOK_URL", `curl -X POST ${url} -d @msg.json`), [url]);
  }
  for (
    const text of [
      "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX-too-long",
      "https://hooks.slack.com/services/YOUR/WEBHOOK/URL",
      "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
      "see https://api.slack.com/messaging/webhooks",
      "https://discord.com/api/webhooks/123/abc",
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_WEBHOOK_URL", text), [], text);
  }
});

Deno.test("passwords in URLs: connection strings of every scheme, the password only", () => {
  for (
    const [text, password] of [
      ["DATABASE_URL=postgres://app:S3cr3t-p%40ss@db.internal:5432/app", "S3cr3t-p%40ss"],
      ["mongodb+srv://admin:hunter2XY@cluster0.ab1cd.mongodb.net/test", "hunter2XY"],
      ["redis://:Zq8xLm2Pv@cache:6379/0", "Zq8xLm2Pv"],
      ["amqp://guest:k9Fz!2qL@rabbit/vhost", "k9Fz!2qL"],
      ["mysql://root:p@ss@w0rd@10.0.0.5/db", "p@ss@w0rd"],
      ["ftp://deploy:Tr0ub4dor@[2a01:4f8::1]/upload", "Tr0ub4dor"],
    ] as const
  ) {
    assert.deepEqual(foundAs("SECRET_PASSWORD", text), [password], text);
  }
  for (
    const text of [
      "postgres://user:<password>@host/db",
      "postgres://user:${PGPASSWORD}@host/db",
      "https://user:****@x.io",
      "redis://user:password@localhost",
      "postgres://user@host/db",
      "https://host.acme.io:8443/path?a=b@c",
      "mailto:jo:x@acme.io",
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_PASSWORD", text), [], text);
  }
});

Deno.test("Basic credentials: base64 of user:password after Basic", () => {
  assert.deepEqual(foundAs("SECRET_BASIC_AUTH", "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l"), [
    "YWxhZGRpbjpvcGVuc2VzYW1l",
  ]);
  assert.deepEqual(
    foundAs("SECRET_BASIC_AUTH", "curl -H 'authorization: basic ZGVwbG95OnM0ZmUtcGFzcw=='"),
    ["ZGVwbG95OnM0ZmUtcGFzcw=="],
  );
  for (
    const text of [
      'WWW-Authenticate: Basic realm="api"',
      "Basic information about the plan",
      "Authorization: Basic <credentials>",
      "Basic dXNlcm5hbWU=", // "username": no colon
      "Basic dXNlcjo=", // "user:": no password
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_BASIC_AUTH", text), [], text);
  }
});

Deno.test("AWS: a bare secret_key label in the block of an access key id", () => {
  const terraform = `provider "aws" {\n  region     = "eu-west-1"\n  access_key = ` +
    `"AKIA2E0A8F3B244C9986"\n  secret_key = "${AWS_SECRET}"\n}`;
  assert.deepEqual(foundAs("SECRET_AWS_ACCESS_KEY", terraform), [
    "AKIA2E0A8F3B244C9986",
    AWS_SECRET,
  ]);
  const ini = `[default]\nsecret = ${AWS_SECRET}\nkey_id = ASIAY34FZKBOKMUTVV7A`;
  assert.deepEqual(foundAs("SECRET_AWS_ACCESS_KEY", ini), [AWS_SECRET, "ASIAY34FZKBOKMUTVV7A"]);
  // Without an access key id nearby, a bare "secret" label is not enough.
  assert.deepEqual(foundAs("SECRET_AWS_ACCESS_KEY", `secret_key = "${AWS_SECRET}"`), []);
  const far = `access_key = "AKIA2E0A8F3B244C9986"\n${"#\n".repeat(200)}secret = "${AWS_SECRET}"`;
  assert.deepEqual(foundAs("SECRET_AWS_ACCESS_KEY", far), ["AKIA2E0A8F3B244C9986"]);
});

Deno.test("Azure storage keys: after AccountKey= or a storage-key label", () => {
  for (
    const text of [
      `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${AZURE_KEY};EndpointSuffix=core.windows.net`,
      `AZURE_STORAGE_KEY="${AZURE_KEY}"`,
      `storage_account_access_key = "${AZURE_KEY}"`,
      `"primaryAccessKey": "${AZURE_KEY}"`,
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_AZURE_STORAGE_KEY", text), [AZURE_KEY], text);
  }
  for (
    const text of [
      `signature: ${AZURE_KEY}`,
      `AccountKey=${AZURE_KEY.slice(2)}`,
      "AccountKey=<your-account-key>",
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_AZURE_STORAGE_KEY", text), [], text);
  }
});

// Class: a token is missed when a URL or assignment delimiter stands before it.
Deno.test("API keys after URL and assignment delimiters", () => {
  const ghp = "ghp_R2x9Kq7LmN4pQ8sT1vW3yZ5aB6cD7eF8gH0j";
  const glpat = "glpat-Xk3pR9sT2vW8yZ1aB4cD";
  for (
    const [text, key] of [
      [`git clone https://${ghp}@github.com/acme/app`, ghp],
      [`https://oauth2:${glpat}@gitlab.com/acme/app.git`, glpat],
      [`GET /v1/fetch?key=${ghp}&x=1`, ghp],
      [`path /tokens/${ghp}`, ghp],
    ] as const
  ) {
    assert.deepEqual(foundAs("SECRET_API_KEY", text), [key], text);
  }
  // A prefix inside a base64 blob is no key: the blob runs on past the provider's format.
  assert.deepEqual(foundAs("SECRET_API_KEY", `Ab3+/${ghp}+/xyz==`), []);
  assert.deepEqual(found("Ab3x/ghp_short"), []);
});
