/**
 * Line charts with uPlot (about 50 kB, canvas, no dependencies). A canvas says nothing to a
 * screen reader, so every chart has its figures as a table next to it; series differ by dash
 * pattern and point shape as well as colour, and the legend names each one.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { el, table } from "./dom.ts";

const COLOURS = ["#1f5fa8", "#b3541e", "#2e7d32", "#6a1b9a", "#00838f", "#5d4037"];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 1]];

export type Series = { label: string; values: (number | null)[] };

export function lineChart(
  title: string,
  buckets: number[],
  series: Series[],
  format: (value: number) => string,
  timeZone: string,
): HTMLElement {
  const figure = el("figure", { "aria-label": title });
  figure.append(el("figcaption", {}, title));
  const plot = el("div", {
    role: "img",
    "aria-label": `${title}: chart; the figures follow as a table`,
  });
  figure.append(plot);
  const width = Math.min(900, Math.max(320, (document.body.clientWidth || 960) - 80));
  new uPlot(
    {
      width,
      height: 220,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLOURS[i % COLOURS.length],
          dash: DASHES[i % DASHES.length],
          width: 2,
          points: { show: true, size: 6 + (i % 3) * 2 },
          value: (_u: uPlot, v: number | null) => (v == null ? "–" : format(v)),
        })),
      ],
      axes: [{}, { size: 90, values: (_u, values) => values.map((v) => format(v)) }],
    },
    [buckets, ...series.map((s) => s.values)],
    plot,
  );
  const stamp = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    dateStyle: "short",
    timeStyle: "short",
  });
  const details = el("details", {}, el("summary", {}, `${title}: figures`));
  details.append(table(
    title,
    ["Time", ...series.map((s) => s.label)],
    buckets.map((b, i) => [
      stamp.format(new Date(b * 1000)),
      ...series.map((s) => (s.values[i] == null ? "–" : format(s.values[i]!))),
    ]),
  ));
  figure.append(details);
  return figure;
}
