#!/usr/bin/env bash
# The SDK as npm users get it: builds sdk/dist and packs it with `npm pack`; a scratch
# project (.sealog/sdk-package) installs that tarball with npm, beside the real `openai` and
# `@anthropic-ai/sdk` packages (the wrappers' optional peers). There, tests/node/package/
# compiles an ESM and a CommonJS consumer with `tsc --strict` under `nodenext`, and the ESM
# one again under `bundler` resolution (the .d.ts and the wrappers' types must resolve, lib
# check on), then loads the package in Node with `import` and `require`. The project is kept
# for tests/node/package_test.ts, which records and flushes to the running stack from it.
# Fails on the first problem.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The versions the wrappers are tested with (the Deno tests pin the same in import_map.json).
OPENAI_VERSION=7.57.0
ANTHROPIC_VERSION=1.12.0
cd "$ROOT/sdk"

npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null
npm run --silent build

project="${SEALOG_SDK_PACKAGE_DIR:-$ROOT/.sealog/sdk-package}"
rm -rf "$project"
mkdir -p "$project"
tarball="$(npm pack --silent --pack-destination "$project")"
cp "$ROOT"/tests/node/package/* "$project/"
cat >"$project/package.json" <<JSON
{
  "private": true,
  "dependencies": {
    "@sealog/sdk": "file:./$tarball",
    "openai": "$OPENAI_VERSION",
    "@anthropic-ai/sdk": "$ANTHROPIC_VERSION"
  }
}
JSON
cd "$project"
npm install --no-audit --no-fund --loglevel=error >/dev/null

tsc="$ROOT/sdk/node_modules/.bin/tsc"
"$tsc" -p tsconfig.nodenext.json
"$tsc" -p tsconfig.bundler.json
node load.mjs
node load.cjs
echo "sdk package: packed; ESM and CommonJS consumers type-check under nodenext (and ESM under bundler) and load in Node $(node --version)" >&2
