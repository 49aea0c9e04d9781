#!/usr/bin/env bash
# format.sh CLANG_FORMAT SOURCE_DIR -- checks that every C file under src/ and tests/ is formatted
# as SOURCE_DIR/.clang-format says (clang-format --dry-run --Werror). Exit 0 when all are, 1 when
# one is not (the diff is printed: apply with `clang-format -i FILE`), 77 (skipped) when there is
# no clang-format. Generated files (a "Do not edit" line near the top) are left out.
set -u
cf=${1:-}
srcdir=$2
if [ -z "$cf" ] || ! command -v "$cf" >/dev/null 2>&1; then
  echo "lint_format: clang-format not found; skipped"
  exit 77
fi
cd "$srcdir" || exit 1
bad=0
while IFS= read -r -d '' f; do
  head -5 "$f" | grep -q 'Do not edit' && continue
  if ! "$cf" --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "lint_format: $f is not formatted; the change clang-format wants:"
    "$cf" "$f" | diff -u "$f" - | head -40
    bad=1
  fi
done < <(find src tests -name '*.[ch]' -not -path 'tests/a11y/*' -print0 | sort -z)
[ $bad -eq 0 ] && echo "lint_format: every C file is formatted"
exit $bad
