/**
 * The functions send their API arguments as dollar-quoted literals (sqlArgument in
 * _shared/db.ts), not bound parameters. Any string and any JSON value must reach the database
 * exactly as a bound parameter brings it, or be refused as a bound parameter is refused:
 * proven here against the real PostgreSQL, with text built from what could end a quote early
 * (`$`, tags, underscores), quotes, backslashes, unicode and NUL.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type postgres from "postgres";
import { sqlArgument } from "../../supabase/functions/_shared/db.ts";
import { sql, test } from "../_support/stack.ts";

// The extended protocol without parameters, as _shared/db.ts sends it (`simple` is untyped).
const EXTENDED = { simple: false } as postgres.UnsafeQueryOptions;

/** Runs one statement as the functions do: the extended protocol, no parameters. */
async function viaLiteral(
  value: unknown,
): Promise<{ ok: true; value: string } | { ok: false; code: string }> {
  let literal: string;
  try {
    literal = sqlArgument(value);
  } catch (error) {
    assert.ok(error instanceof TypeError);
    return { ok: false, code: "refused before sending" };
  }
  try {
    const [row] = await sql.unsafe(`select (${literal})::text as v`, [], EXTENDED);
    return { ok: true, value: row!.v as string };
  } catch (error) {
    return { ok: false, code: (error as { code: string }).code };
  }
}

/** The same value as a bound parameter: the string itself, or the JSON text cast to jsonb. */
async function viaParameter(
  value: unknown,
): Promise<{ ok: true; value: string } | { ok: false; code: string }> {
  const [statement, text] = typeof value === "string"
    ? ["select $1::text as v", value]
    : ["select $1::text::jsonb::text as v", JSON.stringify(value)];
  try {
    const [row] = await sql.unsafe(statement, [text]);
    return { ok: true, value: row!.v as string };
  } catch (error) {
    return { ok: false, code: (error as { code: string }).code };
  }
}

// Pieces that could end a dollar quote early or confuse another quoting, mixed with any text.
const hostilePiece = fc.oneof(
  fc.constantFrom(
    "$",
    "$$",
    "$_$",
    "$__$",
    "$_",
    "$__",
    "$___",
    "_",
    "__$",
    "$a$",
    "$é$",
    "'",
    "''",
    "\\",
    "\\'",
    "E'\\x00'",
    '"',
    ";",
    "); select 1; --",
    "--",
    "/*",
    "\u00e9",
    "\u{1F600}",
    "\u2028",
    "\ufeff",
    "\u0000",
  ),
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
);
const hostileText = fc.array(hostilePiece, { maxLength: 12 }).map((pieces) => pieces.join(""));
const hostileJson = fc.oneof(
  fc.jsonValue({ stringUnit: "binary" }),
  fc.array(hostileText, { maxLength: 4 }),
  fc.dictionary(hostileText, fc.oneof(hostileText, fc.jsonValue()), { maxKeys: 4 }),
);

test("any text reaches the database as a bound parameter would, or is refused as it would be", async () => {
  await fc.assert(
    fc.asyncProperty(hostileText, async (text) => {
      const literal = await viaLiteral(text);
      const bound = await viaParameter(text);
      if (text.includes("\u0000")) {
        // PostgreSQL refuses NUL in text; the literal is refused before it is sent.
        assert.deepEqual(literal, { ok: false, code: "refused before sending" });
        assert.deepEqual(bound, { ok: false, code: "22021" });
        return;
      }
      assert.deepEqual(literal, bound);
      // Well-formed text arrives exactly; a lone surrogate becomes U+FFFD either way (UTF-8).
      if (text.isWellFormed()) assert.deepEqual(literal, { ok: true, value: text });
    }),
    { numRuns: 400 },
  );
});

test("any JSON value reaches the database as a bound parameter would, or is refused as it would be", async () => {
  await fc.assert(
    fc.asyncProperty(hostileJson, async (value) => {
      const literal = await viaLiteral(value);
      const bound = await viaParameter(value);
      if (typeof value === "string" && value.includes("\u0000")) {
        // A JSON string goes as text, and text refuses NUL as in the test above.
        assert.deepEqual(literal, { ok: false, code: "refused before sending" });
        assert.deepEqual(bound, { ok: false, code: "22021" });
        return;
      }
      // jsonb refuses \u0000 in either form (22P05), and a lone surrogate's escape.
      assert.deepEqual(literal, bound);
    }),
    // The counterexample of seed 1169165153: a bare string holding NUL.
    { numRuns: 400, examples: [["\u0000"], [["\u0000"]]] },
  );
});

test("the tag outgrows every run of underscores after a dollar, and text ending in a tag's start stays inside", async () => {
  assert.equal(sqlArgument("plain"), "$_$plain$_$::text");
  assert.equal(sqlArgument("a$_$b"), "$__$a$_$b$__$::text");
  assert.equal(sqlArgument("ends in $_"), "$__$ends in $_$__$::text");
  assert.equal(sqlArgument({ k: "$___" }), '$____${"k":"$___"}$____$::jsonb');
  for (const text of ["$_", "x$__", "$_$", "$", "$$", "_$", "$__$_$"]) {
    assert.deepEqual(await viaLiteral(text), { ok: true, value: text });
  }
});

test("a second statement cannot ride in an argument", async () => {
  // Were the quote to end early, the extended protocol would still refuse two statements.
  const text = "$_$); select pg_sleep(0); --";
  assert.deepEqual(await viaLiteral(text), { ok: true, value: text });
  await assert.rejects(
    sql.unsafe("select 1; select 2", [], EXTENDED),
    (error: { code?: string }) => error.code === "42601",
  );
});
