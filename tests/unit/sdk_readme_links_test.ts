/**
 * sdk/README.md is published on npm with the package (package.json "files"), away from this
 * repository: every link must be absolute, an anchor, or a file the package ships.
 */
import assert from "node:assert/strict";

const root = new URL("../../sdk/", import.meta.url);

Deno.test("every link of the SDK's README works once published on npm", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const shipped: string[] =
    JSON.parse(await Deno.readTextFile(new URL("package.json", root))).files;
  const targets = [...readme.matchAll(/\]\(([^)\s]+)[^)]*\)|^\[[^\]]+\]:\s*(\S+)/gm)]
    .map((match) => match[1] ?? match[2]!);
  const broken = targets.filter((target) =>
    !/^(https:\/\/|mailto:|#)/.test(target) &&
    !shipped.some((file) => target === file || target.startsWith(`${file}/`))
  );
  assert.deepEqual(broken, [], "relative links leave the package on npm");
});
