#!/usr/bin/env bash
# The console's screenshots shown in the README (docs/console/), refreshed from the last browser
# test run (console/test-results/, written by `npm test` or `npm run --prefix console e2e`).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

shots=(sign-in overview sessions audit privacy bad-key operator)
for shot in "${shots[@]}"; do
  [ -f "console/test-results/$shot.png" ] || { log "no console/test-results/$shot.png: run npm test first"; exit 1; }
done
mkdir -p docs/console
for shot in "${shots[@]}"; do cp "console/test-results/$shot.png" "docs/console/$shot.png"; done
log "docs/console/ refreshed: ${shots[*]}"
