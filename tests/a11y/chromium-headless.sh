#!/bin/sh
# PUPPETEER_EXECUTABLE_PATH for Ace: Debian's chromium, headless, with no background network
# (this machine has none) and a fresh profile when Puppeteer gives none.
extra="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
case " $* " in
  *" --user-data-dir="*) ;;
  *) extra="$extra --user-data-dir=$(mktemp -d -t terbit-chromium.XXXXXX)" ;;
esac
# shellcheck disable=SC2086
exec /usr/bin/chromium $extra "$@"
