/** Sessions: the tenant's live agent sessions, most recently active first. */
import { getJson } from "./api.ts";
import { byId, el, number, table, usd } from "./dom.ts";
import { chosenTimeZone, localTime, zoned } from "./time.ts";

export async function renderSessions(): Promise<void> {
  const { sessions } = await getJson("/tenant/sessions?limit=500");
  const timeZone = chosenTimeZone();
  byId("sessions").replaceChildren(
    el("h2", { id: "sessions-title" }, "Live sessions"),
    table(
      `${sessions.length} live sessions`,
      [
        "Session",
        "Calls",
        "Input tokens",
        "Output tokens",
        "Cost",
        zoned("Last activity", timeZone),
        "Risk tags",
      ],
      // deno-lint-ignore no-explicit-any
      sessions.map((s: any) => [
        s.session_id,
        number.format(s.calls),
        number.format(s.input_tokens),
        number.format(s.output_tokens),
        usd(s.cost_micro_usd),
        localTime(s.last_activity_at, timeZone),
        s.risk_tags.join(", ") || "none",
      ]),
    ),
  );
}
