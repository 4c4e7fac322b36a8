/**
 * The console's shell: sign-in (what the key may do, a warning when a reading key also
 * ingests), the sections, sign-out. Every API error is shown in plain words and no field the
 * user typed in is cleared by a failure.
 */
import { ApiProblem, getJson, loadConfig } from "./api.ts";
import { renderAudit } from "./audit.ts";
import { attempt, byId, clearError, showError } from "./dom.ts";
import { forgetKey, keepKey, rememberedKey } from "./key_store.ts";
import { localTime } from "./time.ts";
import { loadOperator, looksLikeProjectKey } from "./operator.ts";
import { loadOverview, renderOverviewForm } from "./overview.ts";
import { renderPrivacy } from "./privacy.ts";
import { renderSessions } from "./sessions.ts";
import "./style.css";

const TABS = ["overview", "sessions", "audit", "privacy"] as const;
const loaders: Record<(typeof TABS)[number], () => Promise<void> | void> = {
  overview: loadOverview,
  sessions: renderSessions,
  audit: renderAudit,
  privacy: renderPrivacy,
};

function report(error: unknown): void {
  showError(error instanceof ApiProblem || error instanceof Error ? error.message : String(error));
}

async function show(tab: (typeof TABS)[number]): Promise<void> {
  for (const name of TABS) {
    byId(name).hidden = name !== tab;
    document.querySelector(`[data-tab="${name}"]`)!.setAttribute(
      "aria-pressed",
      String(name === tab),
    );
  }
  await attempt(loaders[tab]);
}

/** Who the key is: tenant, scopes and, with the read scope, its expiry. */
async function signIn(key: string): Promise<void> {
  await ready;
  if (looksLikeProjectKey(key)) return await signInOperator(key);
  const who = await getJson("/ingest/whoami", key);
  let expiry = "unknown (the key lacks the read scope)";
  if (who.scopes.includes("read")) {
    const { keys } = await getJson("/tenant/keys", key);
    // deno-lint-ignore no-explicit-any
    const mine = keys.find((k: any) => k.prefix === who.key_prefix);
    // Before the Overview's zone picker exists: UTC, named.
    expiry = mine?.expires_at ? `${localTime(mine.expires_at, "UTC")} UTC` : "never";
  }
  byId("identity").textContent = `Tenant ${who.tenant_id} · key ${who.key_prefix} · scopes ${
    who.scopes.join(", ")
  } · expires ${expiry}`;
  const warning = byId("scope-warning");
  const reads = who.scopes.includes("read") || who.scopes.includes("audit");
  warning.hidden = !(reads && who.scopes.includes("ingest"));
  warning.textContent =
    "Warning: this key can also ingest. A key with only read and audit is safer for the console.";
  byId("sign-in").hidden = true;
  byId("app").hidden = false;
  byId("sign-out").hidden = false;
  renderOverviewForm();
  await show("overview");
}

/** The operator's view alone: compliance evidence across the deployment, no tenant sections. */
async function signInOperator(key: string): Promise<void> {
  await getJson("/operator/tenants", key);
  byId("identity").textContent = "Operator (project secret key)";
  byId("sign-in").hidden = true;
  byId("app").hidden = false;
  byId("sign-out").hidden = false;
  document.querySelector("#app nav")!.setAttribute("hidden", "");
  for (const name of TABS) byId(name).hidden = true;
  byId("operator").hidden = false;
  await loadOperator();
}

function signOut(): void {
  forgetKey();
  location.reload();
}

/** The API's address and the export worker; sign-in waits for both. */
const ready = (async () => {
  await loadConfig();
  if ("serviceWorker" in navigator) await navigator.serviceWorker.register("/sw.js");
})();

function start(): void {
  // Listeners first, so that a quick submit never falls through to the browser's own.
  byId("sign-in").addEventListener("submit", (event) => {
    event.preventDefault();
    clearError();
    const key = byId<HTMLInputElement>("key").value.trim();
    keepKey(key, byId<HTMLInputElement>("remember").checked);
    signIn(key).then(() => {
      byId<HTMLInputElement>("key").value = "";
    }).catch((error) => {
      // A refused key is not kept; the field still holds what was typed.
      forgetKey();
      report(error);
    });
  });
  byId("sign-out").addEventListener("click", signOut);
  for (const tab of TABS) {
    document.querySelector(`[data-tab="${tab}"]`)!.addEventListener("click", () => void show(tab));
  }
  const kept = rememberedKey();
  if (kept) signIn(kept).catch(report);
}

start();
