/**
 * No committed file holds a key-shaped string of Sealog's or Stripe's formats: such strings trip
 * secret checks (ours, a host's push protection) even when random. Tests and the scanner's corpus
 * build theirs at run time; the corpus stores them marked and restores them as it is read, so
 * the scanner benchmark still measures SECRET_API_KEY on Sealog keys.
 */
import assert from "node:assert/strict";
import { committedLine, readCorpusPart } from "../../bench/scanner_corpus.ts";

const KEY_SHAPED = /(sk|slg)_(live|test)_[A-Za-z0-9_-]{24,}/;
const ROOT = new URL("../../", import.meta.url);

Deno.test("no file in git holds a key-shaped string", async () => {
  const listed = await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: ROOT }).output();
  assert.ok(listed.success, "git ls-files");
  const files = new TextDecoder().decode(listed.stdout).split("\0").filter(Boolean);
  assert.ok(files.length > 100, `only ${files.length} files listed`);
  const found: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(new URL(file, ROOT));
    } catch {
      continue; // listed but deleted in the work tree
    }
    const match = text.match(KEY_SHAPED);
    if (match) found.push(`${file}: ${match[0].slice(0, 16)}…`);
  }
  assert.deepEqual(found, []);
});

Deno.test("the scanner corpus, as the benchmark reads it, holds labelled Sealog keys", async () => {
  let labelled = 0;
  for (const part of ["dev", "held_out"]) {
    for (const doc of await readCorpusPart(part)) {
      for (const span of doc.spans) {
        const value = doc.text.slice(span.start, span.end);
        if (/^slg_live_[A-Za-z0-9_-]{43}$/.test(value)) labelled++;
      }
    }
  }
  assert.ok(labelled >= 10, `${labelled} labelled Sealog keys`);
});

Deno.test("a corpus line marks key-shaped values, and refuses text that already holds a marker", () => {
  const key = `slg_live_${"a1B2-".repeat(8)}xyz`;
  const text = `token: ${key} ok`;
  const line = committedLine({ text, spans: [{ tag: "SECRET_API_KEY", start: 7, end: 7 + 52 }] });
  assert.doesNotMatch(line, KEY_SHAPED);
  assert.equal(JSON.parse(line).text.length, text.length, "the same length: the spans hold");
  assert.throws(() => committedLine({ text: text.replace("slg_live_", "slg#live#"), spans: [] }));
});
