/**
 * GET /deletion-requests: the caller's requests, newest first, with status and receipts; a
 * tenant lists only those its keys made, and a bad query answers 400 invalid_query.
 */
import assert from "node:assert/strict";
import { DeletionRequestList } from "../../supabase/functions/deletion-requests/schemas.ts";
import { call, createTenant, test } from "../_support/stack.ts";

test("a tenant lists its own deletion requests, newest first, with receipts", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  const ids: string[] = [];
  for (const endUser of ["list-a", "list-b"]) {
    const created = await call("/deletion-requests", {
      method: "POST",
      apiKey: tenant.apiKey,
      json: { subject: { end_user_id: endUser } },
    });
    assert.equal(created.status, 202, created.text);
    ids.push(created.body.request_id);
  }
  const foreign = await call("/deletion-requests", {
    method: "POST",
    apiKey: other.apiKey,
    json: { subject: { end_user_id: "list-a" } },
  });
  assert.equal(foreign.status, 202);

  const listed = await call("/deletion-requests", { apiKey: tenant.apiKey });
  assert.equal(listed.status, 200, listed.text);
  DeletionRequestList.parse(listed.body);
  assert.deepEqual(
    listed.body.requests.map((r: { request_id: string }) => r.request_id),
    [...ids].reverse(),
  );
  for (const request of listed.body.requests) {
    if (request.status === "completed") {
      assert.ok(request.receipt, "a completed request has its receipt");
    }
  }
  const one = await call("/deletion-requests?limit=1", { apiKey: tenant.apiKey });
  assert.equal(one.body.requests.length, 1);
  const cancelled = await call("/deletion-requests?status=cancelled", { apiKey: tenant.apiKey });
  assert.equal(cancelled.body.requests.length, 0);

  const theirs = await call("/deletion-requests", { apiKey: other.apiKey });
  assert.deepEqual(
    theirs.body.requests.map((r: { request_id: string }) => r.request_id),
    [foreign.body.request_id],
  );

  const bad = await call("/deletion-requests?limit=1000", { apiKey: tenant.apiKey });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, "invalid_query");
  assert.equal(bad.body.errors[0].path, "limit");
  const { apiKey: ingestOnly } = await createTenant({ scopes: ["ingest"] });
  assert.equal((await call("/deletion-requests", { apiKey: ingestOnly })).status, 403);
});
