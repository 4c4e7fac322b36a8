/**
 * The purge section's windows (bench/large_tables.ts): each purge call's time span, the control
 * window of the same length after it, and spans that count on neither side; and which side a
 * request falls on. Shared by the section and by bench/purge_why.ts.
 */

/** A time span in Unix ms: a purge call's, or its control's. */
export type Window = [number, number];

/** The windows that split a load run: the purge calls', their controls', and what neither counts. */
export type Windows = { purges: Window[]; controls: Window[]; excluded: Window[] };

/** The index of the first window in `list` that the request [sent, end] overlaps; -1 if none. */
export const overlapping = (sent: number, end: number, list: Window[]) =>
  list.findIndex(([from, to]) => end >= from && sent <= to);

/**
 * The side a request in flight from `sent` to `end` counts on: "during" a purge call, "control"
 * (during a control window), or null: in both, in neither, or overlapping an excluded window.
 */
export function sideOf(sent: number, end: number, windows: Windows): "during" | "control" | null {
  if (overlapping(sent, end, windows.excluded) >= 0) return null;
  const inPurge = overlapping(sent, end, windows.purges) >= 0;
  const inControl = overlapping(sent, end, windows.controls) >= 0;
  if (inPurge === inControl) return null;
  return inPurge ? "during" : "control";
}
