/**
 * An outage for the browser test of the 503 wording, made as tests/disruptive makes one: the
 * stack's pooler killed (the functions then reach no database and answer 503 with Retry-After),
 * and started again. Run with Deno from console/: `deno run -A e2e/outage.ts stop|start`.
 */
import { startPooler, stopPoolerImmediately } from "../../tests/_support/database.ts";

const actions: Record<string, () => Promise<void>> = {
  stop: stopPoolerImmediately,
  start: startPooler,
};
const action = actions[Deno.args[0] ?? ""];
if (!action) {
  console.error("usage: deno run -A e2e/outage.ts stop|start");
  Deno.exit(2);
}
await action();
