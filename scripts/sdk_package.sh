#!/usr/bin/env bash
# The SDK as npm users get it: builds sdk/dist, then, in a scratch project that installs the
# package the way npm does (a copy of what `npm pack` would ship), compiles an ESM and a
# CommonJS consumer with `tsc --strict` under `nodenext` (the .d.ts must resolve, lib check on)
# and loads the package in Node with `import` and `require`. Fails on the first problem.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/sdk"

npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null
npm run --silent build

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# Exactly the files `npm pack` would publish.
mkdir -p "$scratch/node_modules/@sealog/sdk"
npm pack --dry-run --json 2>/dev/null | node -e '
  const [pack] = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const file of pack.files) console.log(file.path);
' | while read -r file; do
  mkdir -p "$scratch/node_modules/@sealog/sdk/$(dirname "$file")"
  cp "$file" "$scratch/node_modules/@sealog/sdk/$file"
done

cat >"$scratch/esm.mts" <<'TS'
import { createClient, type RiskTag, scan } from "@sealog/sdk";
const tags: RiskTag[] = scan("mail me at someone@example.com").tags;
const client: ReturnType<typeof createClient> = createClient({ url: "http://127.0.0.1:1", apiKey: "k" });
console.log(tags, typeof client.record);
TS
cat >"$scratch/cjs.cts" <<'TS'
import sdk = require("@sealog/sdk");
const tags: sdk.RiskTag[] = sdk.scan("mail me at someone@example.com").tags;
console.log(tags);
TS
cat >"$scratch/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "strict": true,
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2022",
    "noEmit": true,
    "skipLibCheck": false,
    "types": []
  },
  "files": ["esm.mts", "cjs.cts"]
}
JSON
"$ROOT/sdk/node_modules/.bin/tsc" -p "$scratch/tsconfig.json"

cd "$scratch"
node --input-type=module -e 'import { scan } from "@sealog/sdk"; if (!scan("jane.doe@acme-mail.com").tags.includes("PII_EMAIL")) process.exit(1);'
node --input-type=commonjs -e 'const { scan } = require("@sealog/sdk"); if (!scan("jane.doe@acme-mail.com").tags.includes("PII_EMAIL")) process.exit(1);'
echo "sdk package: built; ESM and CommonJS consumers type-check under nodenext and load in Node" >&2
