#!/usr/bin/env bash
# Installs the npm peers the tests use (server-everything, the TypeScript SDKs, the conformance suite and a Node 22
# binary for it) into testing/node/node_modules, exactly as package-lock.json pins them. Skips the install when the
# lock file has not changed since the last one, so a warm build costs nothing.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.concierge-installed
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
echo "installing npm test peers (testing/node)..." >&2
npm ci --no-audit --no-fund --loglevel=error >&2
echo "$want" > "$stamp"
