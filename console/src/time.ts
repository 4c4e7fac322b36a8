/**
 * Times as the user reads them: in the time zone chosen on the Overview (its picker), with the
 * zone named beside them. The API's own timestamps are UTC; exports keep them as they are.
 */

/** The zone picked on the Overview; UTC before the picker exists (the operator's view). */
export function chosenTimeZone(): string {
  return (document.getElementById("time-zone") as HTMLSelectElement | null)?.value || "UTC";
}

/** A column heading that names the zone its times are in, e.g. "received_at (Asia/Tokyo)". */
export function zoned(heading: string, timeZone: string): string {
  return `${heading} (${timeZone})`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** An instant as "2026-11-24 19:05:09" in the zone; empty for no time. */
export function localTime(instant: string | null | undefined, timeZone: string): string {
  if (!instant) return "";
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formats.set(timeZone, format);
  }
  const part = Object.fromEntries(
    format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]),
  );
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}
