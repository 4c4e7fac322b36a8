/**
 * Overview: events, tokens and cost by model; errors and latency p50/p95; risk tags over time
 * and the share of calls carrying PII or secrets. A range picker and a time zone drive it all.
 */
import { getJson, query } from "./api.ts";
import { lineChart, type Series } from "./chart.ts";
import { attempt, byId, el, number, usd } from "./dom.ts";

const RANGES = {
  "24h": [1, "hour"],
  "7d": [7, "day"],
  "30d": [30, "day"],
  "89d": [89, "day"],
} as const;

type Row = Record<string, number | string | undefined> & { bucket?: string };

function pivot(rows: Row[], by: string, field: string): { buckets: number[]; series: Series[] } {
  const buckets = [...new Set(rows.map((r) => Date.parse(r.bucket!) / 1000))].sort((a, b) => a - b);
  const groups = [...new Set(rows.map((r) => String(r[by] ?? "(none)")))].sort();
  const series = groups.map((group) => ({
    label: group,
    values: buckets.map((b) => {
      const row = rows.find((r) =>
        Date.parse(r.bucket!) / 1000 === b && String(r[by] ?? "(none)") === group
      );
      return row ? Number(row[field] ?? 0) : 0;
    }),
  }));
  return { buckets, series };
}

function figure(label: string, value: string, id: string): HTMLElement {
  return el("div", { class: "figure" }, el("dt", {}, label), el("dd", { id }, value));
}

export function renderOverviewForm(): void {
  const section = byId("overview");
  const zones = Intl.supportedValuesOf("timeZone");
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  section.replaceChildren(
    el("h2", { id: "overview-title" }, "Overview"),
    el(
      "form",
      { id: "overview-form", class: "filters" },
      el("label", { for: "range" }, "Range"),
      el(
        "select",
        { id: "range" },
        ...Object.keys(RANGES).map((r) =>
          el("option", r === "7d" ? { value: r, selected: "" } : { value: r }, `Last ${r}`)
        ),
      ),
      el("label", { for: "time-zone" }, "Time zone"),
      el(
        "select",
        { id: "time-zone" },
        ...["UTC", ...zones.filter((z) => z !== "UTC")].map((z) =>
          el("option", z === local ? { value: z, selected: "" } : { value: z }, z)
        ),
      ),
      el("button", { type: "submit" }, "Show"),
    ),
    el("div", { id: "overview-body", "aria-live": "polite" }),
  );
  byId("overview-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void attempt(loadOverview);
  });
}

export async function loadOverview(): Promise<void> {
  const range = byId<HTMLSelectElement>("range").value as keyof typeof RANGES;
  const timeZone = byId<HTMLSelectElement>("time-zone").value;
  const [days, granularity] = RANGES[range];
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const common = {
    from: from.toISOString(),
    to: to.toISOString(),
    granularity,
    time_zone: timeZone,
  };
  const [all, byModel, byTag] = await Promise.all([
    getJson(`/tenant/usage${query(common)}`),
    getJson(`/tenant/usage${query({ ...common, group_by: "model" })}`),
    getJson(`/tenant/usage${query({ ...common, group_by: "risk_tag" })}`),
  ]);
  const t = all.totals;
  const share = t.events ? `${((100 * t.pii_or_secret_events) / t.events).toFixed(1)}%` : "–";
  const body = byId("overview-body");
  const ms = (v: number) => `${number.format(v)} ms`;
  const models = (field: string) => pivot(byModel.series, "model", field);
  const events = models("events");
  const tokens = models("input_tokens");
  const output = models("output_tokens");
  const cost = models("cost_micro_usd");
  const ungrouped = all.series as Row[];
  const buckets = ungrouped.map((r) => Date.parse(r.bucket!) / 1000);
  const tags = pivot(byTag.series, "risk_tag", "events");
  // The range and zone the figures are for, for whoever reads the page's state (the browser tests).
  body.dataset.range = range;
  body.dataset.timeZone = timeZone;
  body.replaceChildren(
    el(
      "dl",
      { class: "figures" },
      figure("Events", number.format(t.events), "total-events"),
      figure("Input tokens", number.format(t.input_tokens), "total-input-tokens"),
      figure("Output tokens", number.format(t.output_tokens), "total-output-tokens"),
      figure("Cost", usd(t.cost_micro_usd), "total-cost"),
      figure("Errors", number.format(t.errors), "total-errors"),
      figure("Latency p50", t.latency_p50_ms == null ? "–" : ms(t.latency_p50_ms), "latency-p50"),
      figure("Latency p95", t.latency_p95_ms == null ? "–" : ms(t.latency_p95_ms), "latency-p95"),
      figure(
        "Calls with PII or secrets",
        `${number.format(t.pii_or_secret_events)} (${share})`,
        "pii-share",
      ),
    ),
    lineChart("Events by model", events.buckets, events.series, (v) => number.format(v), timeZone),
    lineChart(
      "Tokens by model (input and output)",
      tokens.buckets,
      [
        ...tokens.series.map((s) => ({ ...s, label: `${s.label} input` })),
        ...output.series.map((s) => ({ ...s, label: `${s.label} output` })),
      ],
      (v) => number.format(v),
      timeZone,
    ),
    lineChart("Cost by model", cost.buckets, cost.series, usd, timeZone),
    lineChart(
      "Errors",
      buckets,
      [{ label: "errors", values: ungrouped.map((r) => Number(r.errors)) }],
      (v) => number.format(v),
      timeZone,
    ),
    lineChart(
      "Latency",
      buckets,
      [
        {
          label: "p50",
          values: ungrouped.map((
            r,
          ) => (r.latency_p50_ms == null ? null : Number(r.latency_p50_ms))),
        },
        {
          label: "p95",
          values: ungrouped.map((
            r,
          ) => (r.latency_p95_ms == null ? null : Number(r.latency_p95_ms))),
        },
      ],
      ms,
      timeZone,
    ),
    lineChart(
      "Risk tags (events carrying each tag)",
      tags.buckets,
      tags.series,
      (v) => number.format(v),
      timeZone,
    ),
  );
}
