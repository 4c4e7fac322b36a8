// End-to-end tests of the console in Debian's chromium (playwright-core, headless), against the
// real stack of scripts/test.sh seeded by e2e/seed.ts: as a tenant, across the other tenant, with
// bad, expired, under-scoped and throttled keys. Every request to an origin other than the console
// and the API is failed and recorded; any browser console error fails the test; axe-core scans
// every section. Screenshots go to test-results/ (git-ignored); `npm run screenshots` copies the
// current set to docs/console/.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const API = process.env.SEALOG_TEST_BASE_URL ?? "http://127.0.0.1:54331/functions/v1";
const PORT = process.env.SEALOG_TEST_CONSOLE_PORT ?? "54334";
const CONSOLE = `http://127.0.0.1:${PORT}`;
const SHOTS = new URL("../test-results/", import.meta.url).pathname;
const ALLOWED = new Set([CONSOLE, new URL(API).origin]);

let seed;
let server;
let browser;

before(async () => {
  seed = JSON.parse(execFileSync("deno", ["run", "-A", "--config", "../deno.json", "e2e/seed.ts"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }));
  // The port is fixed (the API allows this origin) and lies in the ephemeral range, so a
  // passing outgoing connection may hold it for a moment: a few tries, a second apart.
  for (let attempt = 1;; attempt++) {
    server = spawn("node", ["serve.mjs", PORT, API], { stdio: ["ignore", "pipe", "inherit"] });
    const listening = await new Promise((resolve) => {
      server.stdout.once("data", () => resolve(true));
      server.once("exit", () => resolve(false));
    });
    if (listening) break;
    if (attempt === 10) throw new Error(`the console cannot listen on port ${PORT}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
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
  server?.kill();
});

/** A fresh page that fails on any other origin and on any console error or page error. */
async function open(t) {
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
  await page.goto(`${CONSOLE}/`);
  return page;
}

// The browser logs every refused fetch (401, 403, 429) as a console error of its own; those are
// the API's answers under test, shown in words on the page. Anything else fails.
let expected = [];
function expectedError(text) {
  return expected.some((status) => text.includes(`status of ${status}`));
}

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

  test("audit: the filter, paging and both exports hold every row once", async (t) => {
    expected = [];
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
  });

  test("a bad or expired key is refused in plain words and the typed key is kept", async (t) => {
    expected = [401];
    const page = await open(t);
    for (const key of ["slg_live_not-a-real-key-at-all-000000000000000000", seed.expiredKey]) {
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
    await page.getByRole("button", { name: "Privacy" }).click();
    const row = page.locator("#deletion-requests tbody tr", { hasText: seed.deletionRequest.id });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(seed.deletionRequest.status));
    await row.getByRole("button").click();
    await page.locator("#deletion-status table", { hasText: seed.deletionRequest.id }).waitFor();
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
