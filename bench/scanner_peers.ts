/**
 * Runs the open-source peers installed in bench/peers/ (npm install there: redact-pii,
 * @redactpii/node, openredaction, secretlint's recommended preset) and the Sealog scanner in
 * one Node process on the same text (bench/peers/run.mjs). The scanner is bundled for the
 * browser platform first (`deno bundle`), which also shows that it needs no Deno or Node API.
 */
import type { RiskTag } from "../sdk/mod.ts";

export const PEERS = ["redact-pii", "@redactpii/node", "openredaction", "secretlint"] as const;

/** One scanner's findings per document of each corpus part, and its throughput. */
export type PeerReport = {
  accuracy: Record<string, Record<"dev" | "held_out", Array<Array<[RiskTag, number, number]>>>>;
  throughput: Record<string, Record<string, unknown>>;
  openRedactionTypesSeen: Record<string, number>;
};

const PEERS_DIR = new URL("./peers/", import.meta.url);

/**
 * Null when the peers are not installed (run `npm ci` in bench/peers), so the rest of the
 * benchmark still runs.
 */
export async function runPeers(
  corpus: Record<"dev" | "held_out", string[]>,
  throughput: Record<string, string[]>,
  adversarial: Record<string, string[]>,
): Promise<PeerReport | null> {
  try {
    await Deno.stat(new URL("node_modules/redact-pii", PEERS_DIR));
  } catch {
    console.log("peers: not installed; run `npm ci` in bench/peers to compare");
    return null;
  }
  const work = await Deno.makeTempDir({ prefix: "sealog-scanner-peers-" });
  try {
    const bundle = `${work}/scanner.mjs`;
    const scanner = new URL("../sdk/src/scanner/scan.ts", import.meta.url).pathname;
    const bundled = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform=browser", "-o", bundle, scanner],
    }).output();
    if (!bundled.success) throw new Error(new TextDecoder().decode(bundled.stderr));
    const inputs = `${work}/inputs.json`;
    await Deno.writeTextFile(inputs, JSON.stringify({ corpus, throughput, adversarial }));
    const run = await new Deno.Command("node", {
      args: [new URL("run.mjs", PEERS_DIR).pathname, bundle, inputs],
      stderr: "inherit",
    }).output();
    if (!run.success) throw new Error("bench/peers/run.mjs failed");
    return JSON.parse(new TextDecoder().decode(run.stdout)) as PeerReport;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
