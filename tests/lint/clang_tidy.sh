#!/usr/bin/env bash
# clang_tidy.sh CLANG_TIDY BUILD_DIR SOURCE_DIR -- runs clang-tidy (checks: SOURCE_DIR/.clang-tidy)
# on every .c file under SOURCE_DIR/src with BUILD_DIR's compile_commands.json. Exit 0 when no
# file has a finding, 1 when one has, 77 (skipped) when there is no clang-tidy.
# One clang-tidy process per file: clang-tidy 14 run on several files at once carries va_list
# state from one to the next and reports clang-analyzer-valist.Uninitialized on correct code.
set -u
tidy=${1:-}
build=$2
srcdir=$3
if [ -z "$tidy" ] || ! command -v "$tidy" >/dev/null 2>&1; then
  echo "lint_clang_tidy: clang-tidy not found; skipped"
  exit 77
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "lint_clang_tidy: $build/compile_commands.json missing (CMAKE_EXPORT_COMPILE_COMMANDS)"
  exit 1
fi
jobs=$(nproc 2>/dev/null || echo 2)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --extra-arg: a gcc build's compile_commands.json may carry warning flags clang does not know
(cd "$srcdir" && find src -name '*.c' -print0 | sort -z |
  xargs -0 -n1 -P"$jobs" "$tidy" -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option) \
  >"$log" 2>&1
rc=$?
# clang-tidy prints "N warnings generated." even when all of them are in system headers
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$' "$log"
if [ $rc -ne 0 ] || grep -q -E '(warning|error):' "$log"; then
  echo "lint_clang_tidy: findings above (fix them, or NOLINT(check): reason for a false positive)"
  exit 1
fi
echo "lint_clang_tidy: $(cd "$srcdir" && find src -name '*.c' | wc -l) files, no findings"
