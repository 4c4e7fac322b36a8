/**
 * The latency-versus-throughput chart of deno task bench, rendered to SVG on the server
 * with vega-lite (compiled to a vega spec) and vega's headless view: no browser, no canvas.
 */
import { compile, type TopLevelSpec } from "vega-lite";
import * as vega from "vega";

export type LatencyPoint = {
  batch: number;
  concurrency: number;
  eventsPerS: number;
  p50: number;
  p99: number;
};

/** One line per batch size and percentile (p99 solid, p50 dashed), concurrency along each. */
export async function latencyChartSvg(points: LatencyPoint[], title: string): Promise<string> {
  const values = points.flatMap((point) =>
    (["p50", "p99"] as const).map((percentile) => ({
      batch: `batch ${point.batch}`,
      batchSize: point.batch,
      concurrency: point.concurrency,
      eventsPerS: Math.max(1, point.eventsPerS),
      percentile,
      latencyMs: Math.max(0.1, point[percentile]),
    }))
  );
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: title,
      subtitle: "solid: p99, dashed: p50; point labels: concurrent connections",
    },
    width: 560,
    height: 340,
    background: "white",
    data: { values },
    encoding: {
      x: {
        field: "eventsPerS",
        type: "quantitative",
        scale: { type: "log" },
        title: "throughput (events/s, log scale)",
      },
      y: {
        field: "latencyMs",
        type: "quantitative",
        scale: { type: "log" },
        title: "request latency (ms, log scale)",
      },
      color: {
        field: "batch",
        type: "nominal",
        sort: { field: "batchSize" },
        title: "events per request",
      },
    },
    layer: [
      {
        mark: { type: "line", point: true },
        encoding: {
          strokeDash: {
            field: "percentile",
            type: "nominal",
            title: "percentile",
            scale: { domain: ["p50", "p99"], range: [[4, 3], [1, 0]] },
            legend: null,
          },
          order: { field: "concurrency", type: "quantitative" },
        },
      },
      {
        mark: { type: "text", dx: 8, dy: -6, fontSize: 9, color: "#555" },
        transform: [{ filter: "datum.percentile === 'p99'" }],
        encoding: { text: { field: "concurrency", type: "quantitative", format: "d" } },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
