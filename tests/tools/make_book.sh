#!/usr/bin/env bash
# make_book.sh N SOURCE OUT -- the benchmark's single-file book: SOURCE's front matter once, then
# N '##' chapters, each SOURCE's body with its headings one level down and numbered. Used by
# tests/bench/run.sh and tests/e2e/check_memory.sh, so both measure the same book.
set -eu
awk -v N="$1" '
  NR == 1 && $0 == "---" { fm = 1; front = front $0 "\n"; next }
  fm == 1 { front = front $0 "\n"; if ($0 == "---") fm = 2;
            else if ($0 ~ /^title:/) { t = $0; sub(/^title:[ \t]*/, "", t); gsub(/^"|"$/, "", t); title = t }
            next }
  { body[nb++] = $0 }
  END {
    printf "%s", front
    for (c = 1; c <= N; c++) {
      printf "\n## %s %d\n", title, c
      for (i = 0; i < nb; i++) {
        line = body[i]
        if (line ~ /^#+ /) line = "#" line " " c
        print line
      }
    }
  }' "$2" >"$3"
