#!/bin/bash
# fuzz.sh -- a longer fuzzing campaign over terbit's fuzz targets; reports executions and findings.
#
# Usage: scripts/fuzz.sh [options] [TARGET...]
#   TARGET          fuzz_frontmatter, fuzz_load, fuzz_export (default: all three)
#   -t SECONDS      time per target (default 1800 = 30 min)
#   -j N            targets run in parallel (default 2)
#   -T SECONDS      per-input timeout; longer counts as a hang (default 2: finds quadratic inputs)
#   -m MB           RSS limit per process (default 2048)
#   -b DIR          clang build folder (default build-fuzz; configured and built if missing)
#   -w DIR          work folder: DIR/TARGET/{corpus,artifacts,log} (default DIR = BUILD/fuzz-work)
#   -A N            amplify (fuzz_load only): each input (at most 64 bytes) is repeated N times
#                   after a fixed front matter, so patterns the parser handles in quadratic time
#                   show up as timeouts (try -A 5000 -T 2); work folder WORK/fuzz_load-amp
#   --skip-known    skip inputs that trigger bugs already reported (tests/fuzz/known_bugs.h)
#   --no-fork       stop each target at its first finding (default: libFuzzer -fork=1 mode, which
#                   keeps going after crashes, timeouts and OOMs and saves each one)
#   --afl           use AFL++ instead of libFuzzer (afl-clang-fast build in BUILD-afl, the
#                   *_replay programs with @@, one afl-fuzz per target)
#
# Each target starts from tests/fuzz/seeds, every example of the GFM spec
# (tests/fixtures/gfm, split into sources with front matter) and tests/fuzz/regressions/TARGET
# (left out with --skip-known: they are the known bugs), with tests/fuzz/dict.txt. Findings land
# in WORK/TARGET/artifacts (crash-*, timeout-*, oom-*, leak-*); check a timeout on an idle
# machine first (TB_FUZZ_BUDGET=2 BUILD/tests/fuzz/TARGET_replay FILE), minimise a crash with
# `BUILD/tests/fuzz/TARGET -minimize_crash=1 -runs=10000 FILE`, save it under
# tests/fuzz/regressions/TARGET/ and ctest replays it from then on.
# Exit status: 0 no findings, 1 findings, 2 usage or build error.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
secs=1800 jobs=2 tmo=2 rss=2048 build="$here/build-fuzz" work="" fork=1 afl=0 skip=0 amp=0
targets=""
while [ $# -gt 0 ]; do
  case "$1" in
  -t) secs=$2; shift 2 ;;
  -j) jobs=$2; shift 2 ;;
  -T) tmo=$2; shift 2 ;;
  -m) rss=$2; shift 2 ;;
  -b) build=$2; shift 2 ;;
  -w) work=$2; shift 2 ;;
  -A) amp=$2; shift 2 ;;
  --skip-known) skip=1; shift ;;
  --no-fork) fork=0; shift ;;
  --afl) afl=1; shift ;;
  -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  fuzz_frontmatter|fuzz_load|fuzz_export) targets="$targets $1"; shift ;;
  *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$targets" ] || targets="fuzz_frontmatter fuzz_load fuzz_export"
[ -n "$work" ] || work="$build/fuzz-work"
[ "$skip" = 1 ] && export TB_FUZZ_SKIP_KNOWN=1
if [ "$amp" != 0 ]; then
  [ "$targets" = " fuzz_load" ] || { echo "fuzz.sh: -A works with fuzz_load alone" >&2; exit 2; }
  export TB_FUZZ_AMPLIFY=$amp
fi
wdir() { if [ "$amp" != 0 ]; then echo "$work/$1-amp"; else echo "$work/$1"; fi; }
# the sanitizers must abort (so libFuzzer/AFL++ see a crash) and leaks count; AFL++ insists on
# symbolize=0 (replay a finding with the *_replay program to get the symbolised trace)
if [ "$afl" = 1 ]; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:symbolize=0:detect_leaks=1}"
else
  export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}"
fi
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

configure() { # $1 build dir, $2 C compiler
  if [ ! -f "$1/CMakeCache.txt" ]; then
    CC=$2 cmake -S "$here" -B "$1" -DTERBIT_SANITIZE=ON -DTERBIT_FUZZ=ON -DBUILD_TESTING=OFF \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$1.configure.log" 2>&1 ||
      { echo "fuzz.sh: configure failed, see $1.configure.log" >&2; exit 2; }
  fi
  # shellcheck disable=SC2086
  cmake --build "$1" -j "$jobs" --target $(for t in $targets; do printf '%s %s_replay ' "$t" "$t"; done) \
    >"$1.build.log" 2>&1 || { echo "fuzz.sh: build failed, see $1.build.log" >&2; exit 2; }
}

if [ "$afl" = 1 ]; then
  command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz not found" >&2; exit 2; }
  mkdir -p "$build-afl"
  configure "$build-afl" afl-clang-fast
  bindir="$build-afl/tests/fuzz"
else
  mkdir -p "$build"
  configure "$build" clang
  bindir="$build/tests/fuzz"
fi

# the GFM spec's examples as seeds (once per work folder)
gfm_seeds="$work/gfm-seeds"
if [ ! -d "$gfm_seeds" ] && [ -f "$here/tests/fixtures/gfm/split-examples.py" ]; then
  mkdir -p "$work"
  python3 "$here/tests/fixtures/gfm/split-examples.py" "$gfm_seeds" >/dev/null || rm -rf "$gfm_seeds"
fi

run_one() { # $1 target
  t=$1 d=$(wdir "$1")
  mkdir -p "$d/corpus" "$d/artifacts"
  seeds="$here/tests/fuzz/seeds"
  regs="$here/tests/fuzz/regressions/$t"
  [ "$skip" = 1 ] && regs=/nonexistent
  if [ "$afl" = 1 ]; then
    mkdir -p "$d/afl-in"
    cp "$seeds"/* "$d/afl-in/"
    [ -d "$regs" ] && cp "$regs"/* "$d/afl-in/" 2>/dev/null || true
    [ -d "$gfm_seeds" ] && cp "$gfm_seeds"/* "$d/afl-in/"
    AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
      timeout $((secs + 60)) afl-fuzz -V "$secs" -t $((tmo * 1000)) -m none -i "$d/afl-in" \
      -o "$d/afl-out" -x "$here/tests/fuzz/dict.txt" -- "$bindir/${t}_replay" @@ \
      >"$d/log" 2>&1 || true
  else
    set -- -max_total_time="$secs" -rss_limit_mb="$rss" -timeout="$tmo" \
      -dict="$here/tests/fuzz/dict.txt" -artifact_prefix="$d/artifacts/" -print_final_stats=1
    [ "$fork" = 1 ] && set -- "$@" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
    if [ "$amp" != 0 ]; then
      # short units: the seeds are whole documents, so start from the dictionary alone
      set -- "$@" -max_len=64 "$d/corpus"
    else
      set -- "$@" "$d/corpus" "$seeds"
      [ -d "$gfm_seeds" ] && set -- "$@" "$gfm_seeds"
      [ -d "$regs" ] && set -- "$@" "$regs"
    fi
    (cd "$d" && timeout $((secs + 300)) "$bindir/$t" "$@" >"$d/log" 2>&1) || true
  fi
}

report_one() { # $1 target → one line
  t=$1 d=$(wdir "$1")
  if [ "$afl" = 1 ]; then
    st="$d/afl-out/default/fuzzer_stats"
    if [ ! -f "$st" ]; then
      printf '%-17s afl-fuzz did not run: see %s\n' "$t" "$d/log"
      return 1
    fi
    execs=$(sed -n 's/^execs_done *: *//p' "$st")
    crashes=$(find "$d/afl-out/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
    hangs=$(find "$d/afl-out/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
    printf '%-17s execs=%s crashes=%s hangs=%s (%s)\n' "$t" "${execs:-?}" "$crashes" "$hangs" "$d/afl-out"
    [ "$crashes" = 0 ] && [ "$hangs" = 0 ]
    return
  fi
  # libFuzzer: the last "#N" status line holds the executions; stat:: lines when not forking
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -n 1)
  [ -n "$execs" ] || execs=$(grep -Eo '^#[0-9]+' "$d/log" | tail -n 1 | tr -d '#')
  cov=$(grep -Eo 'cov: [0-9]+' "$d/log" | tail -n 1 | sed 's/cov: //')
  n_crash=$(find "$d/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'deadly-*' \) | wc -l)
  n_tmo=$(find "$d/artifacts" -type f -name 'timeout-*' | wc -l)
  n_oom=$(find "$d/artifacts" -type f -name 'oom-*' | wc -l)
  corp=$(find "$d/corpus" -type f | wc -l)
  printf '%-17s execs=%s cov=%s corpus=%s crashes=%s timeouts=%s ooms=%s (%s)\n' "$t" "${execs:-?}" \
    "${cov:-?}" "$corp" "$n_crash" "$n_tmo" "$n_oom" "$d/artifacts"
  [ $((n_crash + n_tmo + n_oom)) = 0 ]
}

echo "fuzz.sh: $targets for ${secs}s each, $jobs at a time, timeout ${tmo}s, rss ${rss}MB$([ "$afl" = 1 ] && echo ', AFL++')"
# a simple job pool: at most $jobs targets at once
running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n 2>/dev/null || wait
    running=$((running - 1))
  fi
done
wait
status=0
for t in $targets; do
  report_one "$t" || status=1
done
exit $status
