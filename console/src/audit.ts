/**
 * Audit: the API access log and the auth events as tables with filters and paging (the API's
 * keyset cursors), their times in the zone chosen on the Overview, and the access log's export
 * streamed to a file by the service worker. The panels are built once per sign-in, so that
 * filters and the page survive a visit to another section and a failed request.
 */
import { apiUrl, getJson, query } from "./api.ts";
import { attempt, byId, el, table } from "./dom.ts";
import { rememberedKey } from "./key_store.ts";
import { chosenTimeZone, localTime, zoned } from "./time.ts";

type Filter = { name: string; label: string; placeholder?: string; options?: string[] };
type Log = {
  id: string;
  title: string;
  path: string;
  rows: string;
  filters: Filter[];
  columns: string[];
  /** The column holding the instant of each row: shown in the chosen zone. */
  time: string;
};

const ACCESS_LOG: Log = {
  id: "access-log",
  title: "API access log",
  path: "/tenant/access-log",
  rows: "entries",
  filters: [
    { name: "status", label: "Status", placeholder: "e.g. 401" },
    { name: "path", label: "Path starts with", placeholder: "/ingest" },
    { name: "key_prefix", label: "Key prefix", placeholder: "slg_live_abcd" },
  ],
  columns: [
    "request_id",
    "received_at",
    "method",
    "path",
    "status",
    "error_code",
    "duration_ms",
    "scope",
    "caller_kind",
    "key_prefix",
  ],
  time: "received_at",
};

const AUTH_EVENTS: Log = {
  id: "auth-events",
  title: "Auth events",
  path: "/tenant/auth-events",
  rows: "events",
  filters: [
    { name: "type", label: "Type", placeholder: "login" },
    { name: "outcome", label: "Outcome", options: ["", "success", "failure"] },
    { name: "user", label: "User id or email" },
  ],
  columns: [
    "occurred_at",
    "source",
    "type",
    "outcome",
    "user_id",
    "method",
    "provider",
    "reason",
    "ip",
  ],
  time: "occurred_at",
};

/** A log's panel: its filters, table and pager, and how to load its current page. */
type Panel = HTMLElement & { load: () => Promise<void> };

function filterValues(log: Log): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of log.filters) {
    values[f.name] = byId<HTMLInputElement>(`${log.id}-${f.name}`).value.trim();
  }
  return values;
}

function logPanel(log: Log): Panel {
  // The cursor of each page up to the one shown; page n is cursors[n - 1].
  let cursors: (string | undefined)[] = [undefined];
  const body = el("div", { id: `${log.id}-rows`, "aria-live": "polite" });
  const pageLabel = el("span", { id: `${log.id}-page` });
  const next = el("button", { type: "button", id: `${log.id}-next`, disabled: "" }, "Next page");
  const previous = el(
    "button",
    { type: "button", id: `${log.id}-previous`, disabled: "" },
    "Previous page",
  );
  /** Shows the last page of `wanted`; on failure the shown page and its label stay as they were. */
  const load = async (wanted = cursors) => {
    // Until the new page is shown, the label says so (and no one reads the old page as new).
    const shown = pageLabel.textContent;
    pageLabel.textContent = "Loading…";
    let page;
    try {
      page = await getJson(
        `${log.path}${query({ ...filterValues(log), limit: "25", cursor: wanted.at(-1) })}`,
      );
    } catch (error) {
      pageLabel.textContent = shown;
      throw error;
    }
    cursors = wanted;
    const rows = page[log.rows] as Record<string, unknown>[];
    const timeZone = chosenTimeZone();
    const cell = (row: Record<string, unknown>, c: string) =>
      c === log.time ? localTime(row[c] as string, timeZone) : row[c] == null ? "" : String(row[c]);
    body.replaceChildren(table(
      `${log.title}, page ${cursors.length}`,
      log.columns.map((c) => (c === log.time ? zoned(c, timeZone) : c)),
      rows.map((row) => log.columns.map((c) => cell(row, c))),
    ));
    pageLabel.textContent = `Page ${cursors.length}, ${rows.length} rows`;
    next.toggleAttribute("disabled", !page.next_cursor);
    next.dataset.cursor = page.next_cursor ?? "";
    previous.toggleAttribute("disabled", cursors.length === 1);
  };
  const form = el(
    "form",
    { class: "filters", id: `${log.id}-form` },
    ...log.filters.flatMap((f) => [
      el("label", { for: `${log.id}-${f.name}` }, f.label),
      f.options
        ? el(
          "select",
          { id: `${log.id}-${f.name}` },
          ...f.options.map((o) => el("option", { value: o }, o || "any")),
        )
        : el("input", { id: `${log.id}-${f.name}`, placeholder: f.placeholder ?? "" }),
    ]),
    el("button", { type: "submit" }, "Apply filters"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void attempt(() => load([undefined]));
  });
  next.addEventListener("click", () => void attempt(() => load([...cursors, next.dataset.cursor])));
  previous.addEventListener("click", () => void attempt(() => load(cursors.slice(0, -1))));
  const panel = el("div", { class: "log" }, el("h3", {}, log.title), form);
  if (log === ACCESS_LOG) panel.append(exportControls(log));
  panel.append(body, el("div", { class: "pager" }, previous, next, pageLabel));
  return Object.assign(panel, { load: () => load() });
}

/** Hands the export to the service worker, which streams it into the download. */
async function download(log: Log, format: "ndjson" | "csv"): Promise<void> {
  const worker = navigator.serviceWorker?.controller;
  if (!worker) {
    throw new Error("Exports need the console's service worker; reload the page and try again.");
  }
  const id = crypto.randomUUID();
  const url = apiUrl(`${log.path}/export${query(filterValues(log))}`);
  const channel = new MessageChannel();
  const ready = new Promise((resolve) => (channel.port1.onmessage = resolve));
  worker.postMessage({ id, url, key: rememberedKey(), format, columns: log.columns }, [
    channel.port2,
  ]);
  await ready;
  // A navigation, which the worker answers as an attachment (the page stays): Chromium does not
  // route an <a download> through the service worker.
  location.assign(`/download/${id}`);
}

function exportControls(log: Log): HTMLElement {
  const button = (format: "ndjson" | "csv", label: string) => {
    const b = el("button", { type: "button", id: `${log.id}-export-${format}` }, label);
    b.addEventListener("click", () => void attempt(() => download(log, format)));
    return b;
  };
  return el(
    "div",
    { class: "export" },
    button("ndjson", "Export NDJSON"),
    button("csv", "Export CSV"),
  );
}

let panels: Panel[] = [];

/** Builds the panels on the first visit; every visit loads their current page again. */
export async function renderAudit(): Promise<void> {
  if (panels.length === 0) {
    panels = [logPanel(ACCESS_LOG), logPanel(AUTH_EVENTS)];
    byId("audit").replaceChildren(el("h2", { id: "audit-title" }, "Audit"), ...panels);
  }
  for (const panel of panels) await panel.load();
}
