#!/usr/bin/env bash
# Installs Ace by DAISY 1.4.6 (pinned by package.json and package-lock.json) into
# tests/a11y/node_modules from the npm registry, with --ignore-scripts so that neither
# Puppeteer's own browser nor Electron is downloaded: Ace runs Debian's chromium through
# chromium-headless.sh. Needs Node.js >= 20 and npm. Best effort: without it the Ace test skips.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "a11y setup: node/npm not installed; the Ace test will be skipped" >&2
  exit 0
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "a11y setup: Node.js $major is too old for Ace 1.4.6 (needs >= 20); the Ace test will be skipped" >&2
  exit 0
fi
export PUPPETEER_SKIP_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1
npm ci --no-audit --no-fund --ignore-scripts
