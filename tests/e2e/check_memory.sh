#!/usr/bin/env bash
# check_memory.sh -- the peak memory targets of the benchmark (tests/bench/run.sh) on its
# 500-chapter book, made here the same way from the article: the maximum resident set size of
# `terbit export` at most 32 MiB for the EPUB and for the layout alone (--dry-run), 56 MiB for
# the PDF. Not a timed test: the figures are pages touched, the same from run to run.
#
# A regression this catches: 3,000 small long-lived allocations (one per heading slug) made
# while the Markdown was converted landed in the holes that cmark's freed nodes leave, so the
# document's 60 KB arena blocks no longer fit there and the heap grew by 6 MiB (33.9 MiB for
# --dry-run, 37.7 MiB for --epub).
#
# Usage: check_memory.sh --terbit BIN --source FILE (the article the book is made of)
# Tools: awk, GNU time (/usr/bin/time -f %M).  Exit status: 0 all passed, 1 a check failed,
# 77 no GNU time, or a binary built with a sanitizer (its shadow memory is no measure).
set -u

. "$(dirname "$0")/e2elib.sh"
MAKE_BOOK=$(cd "$(dirname "$0")/../tools" && pwd)/make_book.sh
e2e_init memory "$@"
/usr/bin/time -f %M true >/dev/null 2>&1 || { echo "SKIP: no GNU time (/usr/bin/time -f %M)"; exit 77; }
if ldd "$TERBIT" 2>/dev/null | grep -Eq 'lib(asan|tsan|ubsan)'; then
  echo "SKIP: $TERBIT is built with a sanitizer"
  exit 77
fi

# The benchmark's single-file book (tests/bench/run.sh, make_single): the front matter once,
# then N '##' chapters, each the article's body with its headings one level down and numbered.
N=500
bash "$MAKE_BOOK" "$N" "$SOURCE" "$WORK/book.md"

# peak WHAT LIMIT_MIB ARGS...: the export's maximum RSS at most LIMIT_MIB
peak() {
  local what=$1 limit=$2; shift 2
  if ! /usr/bin/time -o "$WORK/rss" -f %M "$TERBIT" export -q "$@" "$WORK/book.md" >"$WORK/log" 2>&1; then
    fail "$what" "export failed: $(head -c 400 "$WORK/log")"
    return
  fi
  local kb
  kb=$(tail -n 1 "$WORK/rss")
  local mib
  mib=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
  if [ "$kb" -le $((limit * 1024)) ]; then ok "$what: $mib MiB <= $limit MiB"
  else fail "$what" "$mib MiB > $limit MiB"; fi
}

peak "$N chapters, --dry-run" 32 --dry-run
peak "$N chapters, --epub" 32 --epub -o "$WORK/book.epub"
peak "$N chapters, --pdf" 56 --pdf -o "$WORK/book.pdf"
e2e_finish
