// End-to-end tests of the console in Debian's chromium (playwright-core, headless), against the
// real stack of scripts/test.sh seeded by e2e/seed.ts: as a tenant, across the other tenant, with
// bad, expired, under-scoped and throttled keys, through a database outage (e2e/outage.ts), from
// an origin the API does not allow and against an API that is not there. Every request to an
// origin other than the consoles and the API is failed and recorded; any browser console error
// fails the test; axe-core scans every section. Screenshots go to test-results/ (git-ignored);
// `deno task console:screenshots` copies the current set to docs/console/.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const API = process.env.SEALOG_TEST_BASE_URL ?? "http://127.0.0.1:54331/functions/v1";
const PORT = process.env.SEALOG_TEST_CONSOLE_PORT ?? "54334";
const CONSOLE = `http://127.0.0.1:${PORT}`;
const SHOTS = new URL("../test-results/", import.meta.url).pathname;
const ALLOWED = new Set([CONSOLE, new URL(API).origin]);
/** Consoles served beside the main one: from an origin the API does not allow, or for no API. */
const servers = [];

let seed;
let browser;

/**
 * Serves the built console on a port (0: any free one) for an API, and adds its origin to the
 * allowed ones. A fixed port lies in the ephemeral range, so a passing outgoing connection may
 * hold it for a moment: a few tries, a second apart.
 */
async function serveConsole(port, api) {
  for (let attempt = 1;; attempt++) {
    const server = spawn("node", ["serve.mjs", port, api], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await new Promise((resolve) => {
      server.stdout.once("data", (data) => resolve(String(data)));
      server.once("exit", () => resolve(null));
    });
    if (line) {
      servers.push(server);
      const origin = new URL(line.match(/http:\/\/\S+/)[0]).origin;
      ALLOWED.add(origin);
      return origin;
    }
    if (attempt === 10) throw new Error(`the console cannot listen on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** A port where nothing listens (for an API that is not there). */
async function freePort() {
  const listener = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => listener.once("listening", resolve));
  const { port } = listener.address();
  await new Promise((resolve) => listener.close(resolve));
  return port;
}

before(async () => {
  seed = JSON.parse(execFileSync("deno", ["run", "-A", "--config", "../deno.json", "e2e/seed.ts"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }));
  // The port is fixed: the API allows this origin.
  await serveConsole(PORT, API);
  browser = await chromium.launch({
    executablePath: process.env.SEALOG_CHROMIUM ?? "/usr/bin/chromium",
    // A fresh profile each run: playwright passes --user-data-dir of a new temporary directory.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
    ],
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  for (const server of servers) server.kill();
});

/** A fresh page that fails on any other origin and on any console error or page error. */
async function open(t, origin = CONSOLE) {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 900 },
    acceptDownloads: true,
  });
  const foreign = [];
  const errors = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || ALLOWED.has(url.origin)) return route.continue();
    foreign.push(url.href);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error" && !expectedError(message.text())) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  t.after(async () => {
    await context.close();
    assert.deepEqual(foreign, [], "requests to other origins");
    assert.deepEqual(errors, [], "browser console errors");
  });
  await page.goto(`${origin}/`);
  return page;
}

// The browser logs every refused fetch (401, 403, 429, 503: a status; a fetch without an answer
// the page may read: the browser's words) as a console error of its own; those are the failures
// under test, shown in words on the page. Anything else fails.
let expected = [];
function expectedError(text) {
  return expected.some((e) => text.includes(typeof e === "number" ? `status of ${e}` : e));
}

/** Stops or starts the stack's pooler (e2e/outage.ts): while it is down, the API answers 503. */
async function outage(action) {
  await promisify(execFile)("deno", [
    "run",
    "-A",
    "--config",
    "../deno.json",
    "e2e/outage.ts",
    action,
  ]);
}

/** Waits until the API answers this key again (after an outage), up to 30 s. */
async function apiAnswers(key) {
  for (let i = 0; i < 60; i++) {
    const response = await fetch(`${API}/ingest/whoami`, {
      headers: { Authorization: `Bearer ${key}` },
    })
      .catch(() => null);
    await response?.body?.cancel();
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the API did not recover within 30 s");
}

/** An instant of the API (UTC) as the console shows it in Asia/Tokyo (UTC+9, no daylight saving). */
function inTokyo(instant) {
  return new Date(Date.parse(instant) + 9 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
}

const UNAVAILABLE =
  /^Sealog's database is unavailable right now\. Nothing was changed; try again in \d+ seconds?\.$/;

async function signIn(page, key) {
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function axe(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () =>
    await globalThis.axe.run(document, { resultTypes: ["violations"] })
  );
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [], name);
}

describe("console", { concurrency: false }, () => {
  test("overview: the totals are what the database holds; the other tenant is never shown", async (t) => {
    expected = [];
    const page = await open(t);
    // The policy the console ships with: its own files and the API, nothing inline, no frames.
    const csp = (await fetch(`${CONSOLE}/`)).headers.get("content-security-policy");
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`connect-src 'self' ${new URL(API).origin};`));
    assert.match(csp, /script-src 'self';/);
    await axe(page, "sign-in");
    await page.screenshot({ path: `${SHOTS}sign-in.png` });
    await signIn(page, seed.readerKey);
    await page.locator("#total-events").waitFor();
    const text = async (id) => (await page.locator(id).textContent()).replaceAll(",", "");
    assert.equal(await text("#total-events"), String(seed.totals.events));
    assert.equal(await text("#total-input-tokens"), String(seed.totals.input_tokens));
    assert.equal(await text("#total-output-tokens"), String(seed.totals.output_tokens));
    assert.equal(await text("#total-cost"), `$${(seed.totals.cost_micro_usd / 1e6).toFixed(6)}`);
    assert.equal(await text("#total-errors"), String(seed.totals.errors));
    assert.match(await page.locator("#identity").textContent(), new RegExp(seed.tenantId));
    assert.match(
      await page.locator("#identity").textContent(),
      / · expires (never|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)$/,
    );
    assert.equal(await page.locator("#scope-warning").isVisible(), false);
    const body = await page.locator("body").textContent();
    assert.ok(!body.includes("other-tenant-model") && !body.includes(seed.otherTenantId));
    for (const model of ["gpt-4o", "claude-sonnet", "llama-3"]) {
      assert.ok(body.includes(model), model);
    }
    assert.ok(body.includes("PII_EMAIL") && body.includes("SECRET_API_KEY"));
    await page.screenshot({ path: `${SHOTS}overview.png`, fullPage: true });
    await axe(page, "overview");
    // The key is in memory only: nothing in either storage, no cookie, not in the URL.
    assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
    assert.deepEqual(await page.context().cookies(), []);
    assert.ok(!page.url().includes(seed.readerKey));

    // Another time zone: the same totals, the days bucketed at that zone's midnight.
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByRole("button", { name: "Show" }).click();
    await page.locator('#overview-body[data-time-zone="Asia/Tokyo"]').waitFor();
    const times = await page.locator("figure").first().locator("tbody tr td:first-child")
      .allTextContents();
    assert.ok(times.length >= 3 && times.every((time) => time.endsWith(" 00:00")), times.join("|"));
    assert.equal(await text("#total-events"), String(seed.totals.events));

    await page.getByRole("button", { name: "Sessions" }).click();
    await page.locator("#sessions table").waitFor();
    assert.equal(await page.locator("#sessions tbody tr").count(), seed.sessions);
    assert.ok(!(await page.locator("#sessions").textContent()).includes("other-session"));
    await page.screenshot({ path: `${SHOTS}sessions.png`, fullPage: true });
    await axe(page, "sessions");
  });

  test("audit: the filter, paging and both exports hold every row once; a bad filter is explained", async (t) => {
    expected = [400];
    const page = await open(t);
    await signIn(page, seed.readerKey);
    await page.locator("#total-events").waitFor();
    await page.getByRole("button", { name: "Audit" }).click();
    await page.locator("#auth-events-rows table").waitFor();
    assert.equal(await page.locator("#auth-events-rows tbody tr").count(), 6);
    await page.getByLabel("Outcome").selectOption("failure");
    await page.locator("#auth-events-form button").click();
    await page.locator("#auth-events-page", { hasText: "3 rows" }).waitFor();

    await page.getByLabel("Key prefix").fill(seed.writerPrefix);
    await page.locator("#access-log-form button").click();
    // "Page 1," is already shown for the unfiltered page: wait for the filtered rows themselves.
    await page.waitForFunction((prefix) => {
      const rows = [...document.querySelectorAll("#access-log-rows tbody tr")];
      return rows.length > 0 && rows.every((row) => row.textContent.includes(prefix));
    }, seed.writerPrefix);
    const seen = [];
    for (let n = 1;; n++) {
      await page.locator("#access-log-page", { hasText: `Page ${n},` }).waitFor();
      seen.push(
        ...await page.locator("#access-log-rows tbody tr td:first-child").allTextContents(),
      );
      if (await page.locator("#access-log-next").isDisabled()) break;
      await page.locator("#access-log-next").click();
    }
    assert.equal(seen.length, seed.accessLogRows);
    assert.equal(new Set(seen).size, seen.length);
    await page.screenshot({ path: `${SHOTS}audit.png`, fullPage: true });
    await axe(page, "audit");

    for (const format of ["ndjson", "csv"]) {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.locator(`#access-log-export-${format}`).click(),
      ]);
      const lines = readFileSync(await download.path(), "utf8").split(/\r?\n/).filter(Boolean);
      const ids = format === "ndjson"
        ? lines.map((line) => JSON.parse(line).request_id)
        : lines.slice(1).map((line) => line.split(",")[0]);
      if (format === "csv") assert.match(lines[0], /^request_id,received_at,method,path,status/);
      assert.deepEqual([...ids].sort(), [...seen].sort(), format);
    }

    // A filter the API refuses (400): its words, the field as typed, the page as it was.
    const shown = await page.locator("#access-log-page").textContent();
    await page.getByLabel("Status").fill("abc");
    await page.locator("#access-log-form button").click();
    await page.locator("#error", { hasText: "The status must be an HTTP status." }).waitFor();
    assert.equal(await page.getByLabel("Status").inputValue(), "abc");
    assert.equal(await page.locator("#access-log-page").textContent(), shown);
  });

  test("audit and sessions: times are in the time zone chosen on the overview, which is named", async (t) => {
    expected = [];
    const page = await open(t);
    await signIn(page, seed.readerKey);
    await page.locator("#total-events").waitFor();
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByRole("button", { name: "Audit" }).click();
    await page.locator("#auth-events-rows th", { hasText: "occurred_at (Asia/Tokyo)" }).waitFor();
    await page.locator("#access-log-rows th", { hasText: "received_at (Asia/Tokyo)" }).waitFor();
    const shownRows = () =>
      page.locator("#access-log-rows tbody tr").evaluateAll((rows) =>
        rows.map((row) => [row.cells[0].textContent, row.cells[1].textContent])
      );
    const tokyo = await shownRows();
    assert.ok(tokyo.length > 0);
    // Each shown time is the exported instant (UTC, as the API gives it) nine hours later.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#access-log-export-ndjson").click(),
    ]);
    const exported = new Map(
      readFileSync(await download.path(), "utf8").split("\n").filter(Boolean).map((line) => {
        const row = JSON.parse(line);
        return [row.request_id, row.received_at];
      }),
    );
    for (const [id, time] of tokyo) assert.equal(time, inTokyo(exported.get(id)), id);

    // Back to UTC: the same rows, the times as exported, the zone named.
    await page.getByRole("button", { name: "Overview" }).click();
    await page.getByLabel("Time zone").selectOption("UTC");
    await page.getByRole("button", { name: "Audit" }).click();
    await page.locator("#access-log-rows th", { hasText: "received_at (UTC)" }).waitFor();
    for (const [id, time] of await shownRows()) {
      if (exported.has(id)) assert.equal(time, exported.get(id).slice(0, 19).replace("T", " "), id);
    }

    await page.getByRole("button", { name: "Overview" }).click();
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByRole("button", { name: "Sessions" }).click();
    await page.locator("#sessions th", { hasText: "Last activity (Asia/Tokyo)" }).waitFor();
    const last = await page.locator("#sessions tbody tr td:nth-child(6)").allTextContents();
    assert.ok(
      last.length > 0 && last.every((time) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(time)),
    );
  });

  test("a bad or expired key is refused in plain words and the typed key is kept", async (t) => {
    expected = [401];
    const page = await open(t);
    // Key-shaped, built here: no committed file holds a key-shaped string.
    const unknown = `slg_live_${"0".repeat(43)}`;
    for (const key of [unknown, seed.expiredKey]) {
      await signIn(page, key);
      await page.locator("#error", { hasText: "This key was not accepted" }).waitFor();
      assert.equal(await page.getByLabel("API key").inputValue(), key);
      assert.equal(await page.locator("#app").isVisible(), false);
    }
    await page.screenshot({ path: `${SHOTS}bad-key.png` });
  });

  test("a reading key that can also ingest is warned about; a missing scope is explained", async (t) => {
    expected = [403];
    const page = await open(t);
    await signIn(page, seed.mixedKey);
    await page.locator("#scope-warning", { hasText: "can also ingest" }).waitFor();
    await page.getByRole("button", { name: "Audit" }).click();
    await page.locator("#error", { hasText: "lacks the scope" }).waitFor();
  });

  test("a throttled tenant is told how long to wait", async (t) => {
    expected = [429];
    const page = await open(t);
    await signIn(page, seed.throttledKey);
    await page.locator("#error", { hasText: /Too many requests.*Try again in \d+ seconds?\./ })
      .waitFor();
  });

  test("an outage (503) is told in plain words with its wait; nothing typed is lost; the console recovers", async (t) => {
    expected = [503];
    const page = await open(t);
    await signIn(page, seed.readerKey);
    await page.locator("#total-events").waitFor();
    await page.getByLabel("Range").selectOption("30d");
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByRole("button", { name: "Audit" }).click();
    await page.locator("#auth-events-rows table").waitFor();
    await page.getByLabel("Key prefix").fill(seed.writerPrefix);
    await page.getByLabel("Outcome").selectOption("failure");
    const shown = await page.locator("#access-log-page").textContent();

    await outage("stop");
    try {
      await page.locator("#access-log-form button").click();
      await page.locator("#error").filter({ hasText: UNAVAILABLE }).waitFor();
      assert.equal(await page.getByLabel("Key prefix").inputValue(), seed.writerPrefix);
      assert.equal(await page.getByLabel("Outcome").inputValue(), "failure");
      assert.equal(await page.locator("#access-log-page").textContent(), shown);
      await page.screenshot({ path: `${SHOTS}outage.png` });
      // Another section and its own button: the same words; the range and zone as chosen.
      await page.getByRole("button", { name: "Overview" }).click();
      await page.locator("#error").filter({ hasText: UNAVAILABLE }).waitFor();
      await page.getByRole("button", { name: "Show" }).click();
      await page.locator("#error").filter({ hasText: UNAVAILABLE }).waitFor();
      assert.equal(await page.getByLabel("Range").inputValue(), "30d");
      assert.equal(await page.getByLabel("Time zone").inputValue(), "Asia/Tokyo");
    } finally {
      await outage("start");
    }

    // Back: the same choices give the figures, and the banner is gone.
    await apiAnswers(seed.readerKey);
    await page.getByRole("button", { name: "Show" }).click();
    await page.locator('#overview-body[data-range="30d"][data-time-zone="Asia/Tokyo"]').waitFor();
    assert.equal(await page.locator("#error").textContent(), "");
    assert.equal(
      (await page.locator("#total-events").textContent()).replaceAll(",", ""),
      String(seed.totals.events),
    );
    // The audit section as it was left, its filters now applied.
    await page.getByRole("button", { name: "Audit" }).click();
    assert.equal(await page.getByLabel("Key prefix").inputValue(), seed.writerPrefix);
    await page.locator("#access-log-form button").click();
    await page.waitForFunction((prefix) => {
      const rows = [...document.querySelectorAll("#access-log-rows tbody tr")];
      return rows.length > 0 && rows.every((row) => row.textContent.includes(prefix));
    }, seed.writerPrefix);
    assert.equal(await page.locator("#error").textContent(), "");
  });

  test("a page on an origin the API does not allow, and an API that is not there, are told apart", async (t) => {
    // The browser's words for a refused preflight and a refused connection, and the 401 to the
    // console's probe without a key (api.ts, unanswered) that tells the two apart.
    expected = ["blocked by CORS policy", "net::ERR_FAILED", "net::ERR_CONNECTION_REFUSED", 401];
    const elsewhere = await serveConsole("0", API);
    const page = await open(t, elsewhere);
    await signIn(page, seed.readerKey);
    await page.locator("#error", {
      hasText:
        "The API does not accept requests from this page's address. Add it to SEALOG_ALLOWED_ORIGINS.",
    }).waitFor();
    assert.equal(await page.getByLabel("API key").inputValue(), seed.readerKey);

    const absent = `http://127.0.0.1:${await freePort()}`;
    ALLOWED.add(absent); // so that the browser really tries it
    const nowhere = await serveConsole("0", `${absent}/functions/v1`);
    const lost = await open(t, nowhere);
    await signIn(lost, seed.readerKey);
    await lost.locator("#error", {
      hasText: "Sealog's API cannot be reached. Check the connection.",
    })
      .waitFor();
    assert.equal(await lost.getByLabel("API key").inputValue(), seed.readerKey);
  });

  test("privacy: erasing an end user asks first, then shows the request's status", async (t) => {
    expected = [];
    const page = await open(t);
    await signIn(page, seed.readerKey);
    await page.locator("#total-events").waitFor();
    await page.getByRole("button", { name: "Privacy" }).click();
    await page.getByLabel(/End user id/).fill("end-user-1");
    await page.getByRole("button", { name: "Erase…" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    assert.equal(await page.locator("#deletion-status").textContent(), "");
    await page.getByRole("button", { name: "Erase…" }).click();
    await page.getByRole("button", { name: "Yes, erase end-user-1" }).click();
    await page.locator("#deletion-status table", { hasText: "Status" }).waitFor();
    assert.match(await page.locator("#deletion-status").textContent(), /pending|completed/);
    // The list: the request made here and the one made outside the console, with their status.
    await page.locator("#deletion-requests tbody tr", { hasText: seed.deletionRequest.id })
      .waitFor();
    const made = (await page.locator("#deletion-status caption").textContent()).split(" ").pop();
    const listed = await page.locator("#deletion-requests tbody tr").allTextContents();
    assert.ok(listed.some((row) => row.includes(made)), "the request made in this tab");
    const seeded = listed.find((row) => row.includes(seed.deletionRequest.id));
    assert.match(seeded, /pending|completed/);
    await page.screenshot({ path: `${SHOTS}privacy.png`, fullPage: true });
    await axe(page, "privacy");
  });

  test("privacy: a new tab lists the tenant's deletion requests, made anywhere, with status and receipt", async (t) => {
    expected = [];
    const page = await open(t);
    await signIn(page, seed.readerKey);
    await page.locator("#total-events").waitFor();
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByRole("button", { name: "Privacy" }).click();
    const row = page.locator("#deletion-requests tbody tr", { hasText: seed.deletionRequest.id });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(seed.deletionRequest.status));
    await row.getByRole("button").click();
    await page.locator("#deletion-status table", { hasText: seed.deletionRequest.id }).waitFor();
    // Its times in the chosen zone, named: the same instant as the list shows.
    const requested = await page.locator("#deletion-status tr", {
      hasText: "requested_at (Asia/Tokyo)",
    }).locator("td").last().textContent();
    assert.equal(requested, await row.locator("td").nth(2).textContent());
    const [apiRequested] = await page.evaluate(async ([api, key, id]) => {
      const response = await fetch(`${api}/deletion-requests/${id}`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      return [(await response.json()).requested_at];
    }, [API, seed.readerKey, seed.deletionRequest.id]);
    assert.equal(requested, inTokyo(apiRequested));
    const other = await page.locator("#deletion-requests").textContent();
    assert.ok(!other.includes("seeded-end-user"), "never the subject, only the request");
  });

  test("operator: the project's secret key shows the report, retention, tenants and inventory the database holds", async (t) => {
    expected = [];
    const page = await open(t);
    await signIn(page, seed.operatorKey);
    await page.locator("#operator-inventory table").waitFor();
    const { operator } = seed;
    assert.equal(await page.locator("#identity").textContent(), "Operator (project secret key)");
    assert.equal(await page.locator("nav").isVisible(), false);
    assert.match(
      await page.locator("#operator-report h3").textContent(),
      new RegExp(`#${operator.report_id}$`),
    );
    assert.equal(await page.locator("#report-status").textContent(), operator.status.toUpperCase());
    assert.equal(
      await page.locator("#report-passing").textContent(),
      String(operator.summary.passing),
    );
    assert.equal(
      await page.locator("#report-controls").textContent(),
      String(operator.summary.controls),
    );
    assert.equal(
      await page.locator("#report-findings").textContent(),
      String(operator.summary.findings),
    );
    assert.equal(await page.locator("details.control").count(), operator.summary.controls);
    assert.equal(await page.locator("#operator-retention tbody tr").count(), operator.categories);
    assert.equal(await page.locator("#operator-tenants tbody tr").count(), operator.tenants);
    assert.equal(await page.locator("#operator-inventory tbody tr").count(), operator.inventory);
    const tenants = await page.locator("#operator-tenants").textContent();
    assert.ok(tenants.includes(seed.tenantId) && tenants.includes(seed.otherTenantId));
    await page.screenshot({ path: `${SHOTS}operator.png` });
    await axe(page, "operator");
  });

  test("sign-out forgets the key, also when it was kept in sessionStorage", async (t) => {
    expected = [];
    const page = await open(t);
    await page.getByLabel(/Keep the key/).check();
    await signIn(page, seed.readerKey);
    await page.locator("#total-events").waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 1);
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    await page.reload();
    await page.locator("#total-events").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  });
});
