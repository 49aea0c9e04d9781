#!/usr/bin/env bash
# tests/bench/run.sh -- terbit's export benchmark: terbit against its peers and two floors.
#
# Usage: tests/bench/run.sh [options]
#
#   --terbit PATH      the binary to measure (default: $TERBIT, else build/terbit of this repo;
#                      nothing is built: build it first, Release)
#   --runs N           timed runs per command, after one warm-up run (default 5)
#   --chapters "LIST"  book sizes in chapters (default "1 50 500")
#   --smoke            CI's smoke test: 1 chapter, 1 run, no warm-up, no multi-file form, peers only
#                      if installed; exits 0 when terbit succeeded, whatever the times
#   --no-peers         do not run pandoc / WeasyPrint even when installed
#   --peer-chapters "LIST"  sizes the peers run on (default: all of --chapters)
#   --no-multi         skip the multi-file form (one file per chapter on the command line)
#   --source FILE      the article the books are made of (default: source/pemasar-digital.md)
#   --profile N        also profile `terbit export --pdf` of the N-chapter book with callgrind and
#                      print the 25 functions with the most instructions (needs valgrind)
#   --instructions N   also count the instructions (callgrind) of terbit and the floors on the
#                      N-chapter book: ratios that other work on the machine cannot disturb
#   --out FILE         also write the report (Markdown) to FILE
#   --update-readme    replace the results block of tests/bench/README.md with this report
#   --nice N           run the whole benchmark at niceness N (e.g. -10, as root) so that other work
#                      on the machine disturbs it less; the report says so
#   --keep             keep the work folder (inputs, outputs, logs) and print its path
#   -h, --help         this text
#
# What it does:
#   1. Makes the books from the article: N chapters in one file (the headline form: each chapter
#      a '##' section holding the article's body with its headings one level down, every heading
#      made unique by appending the chapter number), and the same N chapters as N files (each
#      with front matter titled "<title> <n>"; terbit makes one chapter of each file).
#   2. Compiles the floors (floor_pdf.c with libharu, floor_epub.c with libzip; cc -O2).
#   3. For each size, times `terbit export --pdf`, `--epub`, both at once, and the layout alone
#      (`terbit export --dry-run`: parse + fonts + the pages' layout, no output; --stats proves
#      the layout ran); the floors; pandoc (EPUB) and pandoc + WeasyPrint (PDF)
#      when installed, all on the same single-file book.
#   Each command: one warm-up run, then --runs timed runs with hyperfine (median wall time, mean
#   CPU time = user + system) or, without hyperfine, with bash's clock and `times` (medians);
#   peak memory (maximum resident set size) from one more run under /usr/bin/time -v.
#   4. Prints a Markdown report: the machine, the table, the 500/50 scaling, one command for both
#      formats against two commands, and the issue's targets marked met or missed.
#
# Exit status: 0 when every terbit export succeeded (missed targets are reported, not failed:
# this is not a timed test), 1 when one failed, 2 on a usage error.
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

terbit=${TERBIT:-$repo/build/terbit}
runs=5
chapters="1 50 500"
smoke=0
peers=1
peer_chapters=""
multi=1
source_md="$repo/source/pemasar-digital.md"
profile=""
instr=""
out_file=""
update_readme=0
keep=0
nice_level=""

usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }
die_usage() { echo "run.sh: $*" >&2; echo "run.sh: see --help" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --terbit) [ $# -ge 2 ] || die_usage "--terbit needs a path"; terbit=$2; shift 2 ;;
    --runs) [ $# -ge 2 ] || die_usage "--runs needs a number"; runs=$2; shift 2 ;;
    --chapters) [ $# -ge 2 ] || die_usage "--chapters needs a list"; chapters=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --no-peers) peers=0; shift ;;
    --peer-chapters) [ $# -ge 2 ] || die_usage "--peer-chapters needs a list"; peer_chapters=$2; shift 2 ;;
    --no-multi) multi=0; shift ;;
    --source) [ $# -ge 2 ] || die_usage "--source needs a file"; source_md=$2; shift 2 ;;
    --profile) [ $# -ge 2 ] || die_usage "--profile needs a chapter count"; profile=$2; shift 2 ;;
    --instructions) [ $# -ge 2 ] || die_usage "--instructions needs a chapter count"; instr=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || die_usage "--out needs a file"; out_file=$2; shift 2 ;;
    --update-readme) update_readme=1; shift ;;
    --keep) keep=1; shift ;;
    --nice) [ $# -ge 2 ] || die_usage "--nice needs a number"; nice_level=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown option '$1'" ;;
  esac
done

if [ "$smoke" = 1 ]; then
  runs=1
  chapters=1
  multi=0
  warmup=0
else
  warmup=1
fi
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die_usage "--runs must be a positive number"
for n in $chapters $peer_chapters $profile $instr; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die_usage "chapter counts must be positive numbers (got '$n')"
done
[ -n "$peer_chapters" ] || peer_chapters=$chapters
if [ -n "$nice_level" ]; then
  [[ "$nice_level" =~ ^-?[0-9]+$ ]] || die_usage "--nice needs a number"
  renice -n "$nice_level" -p $$ >/dev/null || die_usage "cannot set niceness $nice_level (root needed for a negative one)"
fi
[ -f "$source_md" ] || die_usage "no article at $source_md"
if [ ! -x "$terbit" ]; then
  echo "run.sh: no terbit binary at '$terbit': build it (cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build) or pass --terbit PATH" >&2
  exit 1
fi
terbit=$(cd "$(dirname "$terbit")" && pwd)/$(basename "$terbit")

have() { command -v "$1" >/dev/null 2>&1; }
have_hyperfine=0; have hyperfine && have_hyperfine=1
have_gnutime=0; [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1 && have_gnutime=1

W=$(mktemp -d "${TMPDIR:-/tmp}/terbit-bench.XXXXXX")
cleanup() { if [ "$keep" = 1 ]; then echo "run.sh: work folder kept: $W" >&2; else rm -rf "$W"; fi; }
trap cleanup EXIT
mkdir -p "$W/in" "$W/out" "$W/log" "$W/bin"

say() { local m="$*"; [ ${#m} -gt 300 ] && m="${m:0:300}... (${#m} characters)"; echo "run.sh: $m" >&2; }
load_avg() { awk '{ print $1 }' /proc/loadavg 2>/dev/null || echo "?"; }
load_start=$(load_avg)
if awk -v l="$load_start" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  say "warning: the load average is $load_start on $(nproc) cores: other work will inflate the wall times"
fi

# ---------------------------------------------------------------------------------------------
# 1. The books

# make_single N FILE: front matter once, then N '##' chapters.
make_single() { bash "$(dirname "${BASH_SOURCE[0]}")/../tools/make_book.sh" "$1" "$source_md" "$2"; }

# make_multi N DIR: N files, each with its own front matter "title: <title> <n>".
make_multi() {
  mkdir -p "$2"
  awk -v N="$1" -v D="$2" '
    NR == 1 && $0 == "---" { fm = 1; next }
    fm == 1 { if ($0 == "---") { fm = 2; next }
              if ($0 ~ /^title:/) { t = $0; sub(/^title:[ \t]*/, "", t); gsub(/^"|"$/, "", t); title = t }
              else meta[nm++] = $0
              next }
    { body[nb++] = $0 }
    END {
      for (c = 1; c <= N; c++) {
        f = sprintf("%s/ch-%04d.md", D, c)
        printf "---\ntitle: \"%s %d\"\n", title, c > f
        for (i = 0; i < nm; i++) print meta[i] > f
        print "---" > f
        for (i = 0; i < nb; i++) {
          line = body[i]
          if (line ~ /^#+ /) line = line " " c
          print line > f
        }
        close(f)
      }
    }' "$source_md"
}

for n in $chapters; do
  make_single "$n" "$W/in/book-$n.md"
  [ "$multi" = 1 ] && make_multi "$n" "$W/in/multi-$n"
done

# ---------------------------------------------------------------------------------------------
# 2. The floors

floors=1
if ! have cc; then
  say "no C compiler: the floors are skipped"
  floors=0
else
  if ! cc -O2 -o "$W/bin/floor_pdf" "$here/floor_pdf.c" -lhpdf >"$W/log/cc-floor_pdf" 2>&1; then
    say "floor_pdf.c did not compile (libhpdf-dev?):"; cat "$W/log/cc-floor_pdf" >&2; floors=0
  fi
  if ! cc -O2 -o "$W/bin/floor_epub" "$here/floor_epub.c" -lzip >"$W/log/cc-floor_epub" 2>&1; then
    say "floor_epub.c did not compile (libzip-dev?):"; cat "$W/log/cc-floor_epub" >&2; floors=0
  fi
fi

# ---------------------------------------------------------------------------------------------
# 3. Measuring

declare -A WALL CPU RSS STATUS

fmt_cmd() { local s="" a; for a in "$@"; do s+="$(printf '%q' "$a") "; done; printf '%s' "${s% }"; }

median() { sort -g | awk '{ v[n++] = $1 } END { if (!n) print "nan"; else if (n % 2) print v[(n-1)/2]; else print (v[n/2-1] + v[n/2]) / 2 }'; }

# secs "0m1.234s" → 1.234
secs() { awk -v t="$1" 'BEGIN { split(t, a, "m"); sub(/s$/, "", a[2]); printf "%.6f", a[1] * 60 + a[2] }'; }

# child_cpu: the children's user + system seconds so far (bash `times`, millisecond resolution).
# `times` must run in this shell, not in a $(...) subshell: it writes to a file first.
child_cpu() {
  times > "$W/times"
  local t; t=$(sed -n 2p "$W/times")
  local u=${t% *} s=${t#* }
  CHILD_CPU=$(awk -v u="$(secs "$u")" -v s="$(secs "$s")" 'BEGIN { printf "%.6f", u + s }')
}

# measure KEY EXPECT CMD...: EXPECT is "ok" (exit 0 needed) or "any".
measure() {
  local key=$1 expect=$2; shift 2
  local log="$W/log/$key"
  say "measuring $key: $(fmt_cmd "$@")"
  if [ "$smoke" = 1 ]; then
    # one run: exit status, bash's clock and `times`, and /usr/bin/time -v for the memory
    local c0 t0 t1 c1 rc
    local wrap=(); [ "$have_gnutime" = 1 ] && wrap=(/usr/bin/time -v -o "$log.time")
    child_cpu; c0=$CHILD_CPU; t0=$EPOCHREALTIME
    "${wrap[@]}" "$@" >"$log.out" 2>"$log.err"
    rc=$?
    t1=$EPOCHREALTIME; child_cpu; c1=$CHILD_CPU
    if [ "$expect" = ok ] && [ $rc -ne 0 ]; then
      STATUS[$key]="failed (exit $rc)"
      say "$key failed with exit $rc:"; tail -5 "$log.err" >&2
      return 1
    fi
    WALL[$key]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
    CPU[$key]=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.6f", b - a }')
    RSS[$key]="n/a"
    if [ "$have_gnutime" = 1 ]; then
      local kb; kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$log.time")
      RSS[$key]=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
    fi
    STATUS[$key]=ok
    return 0
  fi
  if [ "$warmup" -gt 0 ] || [ "$expect" = ok ]; then
    # the warm-up run, which is also the check that the command works
    "$@" >"$log.out" 2>"$log.err"
    local rc=$?
    if [ "$expect" = ok ] && [ $rc -ne 0 ]; then
      STATUS[$key]="failed (exit $rc)"
      say "$key failed with exit $rc:"; tail -5 "$log.err" >&2
      return 1
    fi
  fi
  local ign=""; [ "$expect" = any ] && ign="-i"
  if [ "$have_hyperfine" = 1 ]; then
    if ! hyperfine -N $ign --style none --runs "$runs" --export-json "$log.json" -- "$(fmt_cmd "$@")" \
         >"$log.hf" 2>&1; then
      STATUS[$key]="failed (hyperfine)"; tail -5 "$log.hf" >&2; return 1
    fi
    WALL[$key]=$(sed -n 's/.*"median": *\([0-9.e+-]*\).*/\1/p' "$log.json" | head -1)
    local u s
    u=$(sed -n 's/.*"user": *\([0-9.e+-]*\).*/\1/p' "$log.json" | head -1)
    s=$(sed -n 's/.*"system": *\([0-9.e+-]*\).*/\1/p' "$log.json" | head -1)
    CPU[$key]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.6f", u + s }')
  else
    local i t0 t1 c0 c1 walls="" cpus=""
    for ((i = 0; i < runs; i++)); do
      child_cpu; c0=$CHILD_CPU; t0=$EPOCHREALTIME
      "$@" >/dev/null 2>>"$log.err"
      t1=$EPOCHREALTIME; child_cpu; c1=$CHILD_CPU
      walls+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')"$'\n'
      cpus+="$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.6f", b - a }')"$'\n'
    done
    WALL[$key]=$(printf '%s' "$walls" | median)
    CPU[$key]=$(printf '%s' "$cpus" | median)
  fi
  if [ "$have_gnutime" = 1 ]; then
    /usr/bin/time -v -o "$log.time" "$@" >/dev/null 2>>"$log.err"
    local kb; kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$log.time")
    RSS[$key]=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
  else
    RSS[$key]="n/a"
  fi
  STATUS[$key]=ok
  return 0
}

terbit_failed=0
fonts_dir="$repo/assets/fonts"

# The faces an embedded-font list names, as floor_pdf -f arguments.
floor_faces() {
  local pdf=$1 args=() name base file face
  while read -r name; do
    base=${name#*+}; base=${base%%,*}
    case "$base" in
      CharisSIL) face=regular; file=CharisSIL-Regular.ttf ;;
      CharisSIL-Bold) face=bold; file=CharisSIL-Bold.ttf ;;
      CharisSIL-Italic) face=italic; file=CharisSIL-Italic.ttf ;;
      CharisSIL-BoldItalic) face=bolditalic; file=CharisSIL-BoldItalic.ttf ;;
      DejaVuSansMono) face=mono; file=DejaVuSansMono.ttf ;;
      *) say "floor_pdf has no use for the face $base that terbit embeds"; continue ;;
    esac
    args+=(-f "$face=$fonts_dir/$file")
  done < <(pdffonts "$pdf" 2>/dev/null | awk 'NR > 2 { print $1 }')
  printf '%s\n' "${args[@]}"
}

declare -A FACES PAGES SIZE
for n in $chapters; do
  book="$W/in/book-$n.md"
  measure "terbit-pdf-$n" ok "$terbit" export -q --pdf -o "$W/out/terbit-$n.pdf" "$book" || terbit_failed=1
  measure "terbit-epub-$n" ok "$terbit" export -q --epub -o "$W/out/terbit-$n.epub" "$book" || terbit_failed=1
  if [ "$smoke" = 0 ]; then
    mkdir -p "$W/out/both-$n"
    measure "terbit-both-$n" ok "$terbit" export -q --pdf --epub -o "$W/out/both-$n/" "$book" || terbit_failed=1
    if measure "terbit-layout-$n" ok "$terbit" export -q --stats --dry-run "$book" &&
       ! grep -q '^stats:' "$W/log/terbit-layout-$n.err"; then
      STATUS[terbit-layout-$n]="n/a (terbit export --dry-run printed no statistics)"
    fi
  fi
  if [ "$multi" = 1 ]; then
    files=("$W/in/multi-$n"/ch-*.md)
    measure "multi-pdf-$n" ok "$terbit" export -q --pdf -o "$W/out/multi-$n.pdf" "${files[@]}" || terbit_failed=1
    measure "multi-epub-$n" ok "$terbit" export -q --epub -o "$W/out/multi-$n.epub" "${files[@]}" || terbit_failed=1
  fi

  # what was made: pages and bytes
  if [ -f "$W/out/terbit-$n.pdf" ]; then
    have pdfinfo && PAGES[terbit-$n]=$(pdfinfo "$W/out/terbit-$n.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    SIZE[terbit-pdf-$n]=$(stat -c %s "$W/out/terbit-$n.pdf")
  fi
  [ -f "$W/out/terbit-$n.epub" ] && SIZE[terbit-epub-$n]=$(stat -c %s "$W/out/terbit-$n.epub")

  # the floors, with the faces terbit's PDF embeds
  if [ "$floors" = 1 ]; then
    faces=()
    if have pdffonts && [ -f "$W/out/terbit-$n.pdf" ]; then
      mapfile -t faces < <(floor_faces "$W/out/terbit-$n.pdf")
    fi
    if [ ${#faces[@]} -eq 0 ]; then
      faces=(-f "regular=$fonts_dir/CharisSIL-Regular.ttf" -f "bold=$fonts_dir/CharisSIL-Bold.ttf"
             -f "italic=$fonts_dir/CharisSIL-Italic.ttf")
      FACES[$n]="Regular, Bold, Italic (assumed: pdffonts missing)"
    else
      FACES[$n]=$(printf '%s\n' "${faces[@]}" | sed -n 's/^[a-z]*=.*\/\(.*\)\.ttf$/\1/p' | paste -sd, - | sed 's/,/, /g')
    fi
    measure "floor-pdf-$n" ok "$W/bin/floor_pdf" -o "$W/out/floor-$n.pdf" "${faces[@]}" "$book" || true
    measure "floor-epub-$n" ok "$W/bin/floor_epub" -o "$W/out/floor-$n.epub" "$book" || true
    if [ -f "$W/out/floor-$n.pdf" ]; then
      PAGES[floor-$n]=$(sed -n 's/.* \([0-9]*\) pages.*/\1/p' "$W/log/floor-pdf-$n.err" | tail -1)
      SIZE[floor-pdf-$n]=$(stat -c %s "$W/out/floor-$n.pdf")
    fi
    [ -f "$W/out/floor-$n.epub" ] && SIZE[floor-epub-$n]=$(stat -c %s "$W/out/floor-$n.epub")
  fi

  # the peers, on the same book
  if [ "$peers" = 1 ] && [[ " $peer_chapters " == *" $n "* ]]; then
    if have pandoc; then
      measure "peer-epub-$n" ok pandoc --quiet -s --toc -o "$W/out/pandoc-$n.epub" "$book" || true
      if have weasyprint; then
        measure "peer-pdf-$n" ok pandoc --quiet -s --toc --pdf-engine=weasyprint -o "$W/out/pandoc-$n.pdf" "$book" || true
      else
        STATUS[peer-pdf-$n]="not installed"
      fi
    else
      STATUS[peer-epub-$n]="not installed"; STATUS[peer-pdf-$n]="not installed"
    fi
  else
    STATUS[peer-epub-$n]="not run"; STATUS[peer-pdf-$n]="not run"
  fi
done

# ---------------------------------------------------------------------------------------------
# 4. The report

ok() { [ "${STATUS[$1]:-}" = ok ]; }
num() { awk -v v="$1" -v d="${2:-3}" 'BEGIN { printf "%.*f", d, v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cell_wall() { if ok "$1"; then num "${WALL[$1]}"; else echo "${STATUS[$1]:-n/a}"; fi; }

report() {
  local cpu_model mem_gib os kernel tv commit dirty
  cpu_model=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | sed 's/^model name[[:space:]]*:[[:space:]]*//')
  mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
  os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")
  kernel=$(uname -r)
  tv=$("$terbit" --version 2>/dev/null)
  commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo "?")
  dirty=""; [ -n "$(git -C "$repo" status --porcelain -- src 2>/dev/null)" ] && dirty=" (src/ with uncommitted changes)"

  echo "### terbit export benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- Machine: ${cpu_model:-unknown CPU}, $(nproc) cores, ${mem_gib:-?} GiB RAM; ${os:-Linux}, kernel $kernel"
  echo "- terbit: ${tv:-?}, commit $commit$dirty, binary $terbit"
  echo "- Input: $(basename "$source_md") repeated; N chapters as one file (the headline form)"
  local method
  if [ "$smoke" = 1 ]; then
    method="smoke test: 1 run per command (bash clock and times; peak RSS from /usr/bin/time -v)"
  elif [ "$have_hyperfine" = 1 ]; then
    method="1 warm-up run, then $runs timed runs per command with hyperfine $(hyperfine --version | awk '{print $2}') (median wall, mean CPU = user + system)"
  else
    method="1 warm-up run, then $runs timed runs per command (bash clock and times: median wall and CPU)"
  fi
  [ "$smoke" = 0 ] && method+="; peak memory = maximum RSS of one more run $( [ "$have_gnutime" = 1 ] && echo "under /usr/bin/time -v" || echo "(n/a: no /usr/bin/time)" )"
  [ -n "$nice_level" ] && method+="; every command at niceness $nice_level"
  echo "- Method: $method"
  echo "- Load average (1 min) at the start: $load_start, at the end: $(load_avg)$(awk -v l="$load_start" -v n="$(nproc)" 'BEGIN { if (l > n / 2) print " (a busy machine: wall times are inflated; CPU times less so)" }')"
  local pv="not installed" wv="not installed"
  have pandoc && pv=$(pandoc --version | head -1)
  have weasyprint && wv=$(weasyprint --version 2>/dev/null)
  echo "- Peers: $pv; $wv; floors: libharu $(dpkg-query -W -f '${Version}' libhpdf-dev 2>/dev/null || echo '?'), libzip $(dpkg-query -W -f '${Version}' libzip-dev 2>/dev/null || echo '?')"
  echo
  echo "| chapters | format | terbit wall s | terbit CPU s | terbit peak MiB | peer | peer wall s | peer ÷ terbit | floor wall s | floor peak MiB | terbit ÷ floor |"
  echo "|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|"
  local n fmt t p f peer
  for n in $chapters; do
    for fmt in pdf epub both layout; do
      t="terbit-$fmt-$n"
      [ -n "${STATUS[$t]:-}" ] || continue
      case $fmt in
        pdf) peer="pandoc + WeasyPrint"; p="peer-pdf-$n"; f="floor-pdf-$n"; label=PDF ;;
        epub) peer="pandoc"; p="peer-epub-$n"; f="floor-epub-$n"; label=EPUB ;;
        both) peer=""; p=""; f=""; label="PDF + EPUB (one command)" ;;
        layout) peer=""; p=""; f=""; label="layout alone (no output)" ;;
      esac
      local tw tc tm pw pr fw fr fm
      if ok "$t"; then tw=$(num "${WALL[$t]}"); tc=$(num "${CPU[$t]}"); tm=${RSS[$t]}; else tw=${STATUS[$t]}; tc=""; tm=""; fi
      pw=""; pr=""; fw=""; fr=""; fm=""
      if [ -n "$p" ]; then
        pw=$(cell_wall "$p")
        ok "$p" && ok "$t" && pr="$(ratio "${WALL[$p]}" "${WALL[$t]}")×"
      fi
      if [ -n "$f" ]; then
        if [ "$floors" = 1 ]; then fw=$(cell_wall "$f"); else fw="n/a (not compiled)"; fi
        ok "$f" && fm=${RSS[$f]}
        ok "$f" && ok "$t" && fr="$(ratio "${WALL[$t]}" "${WALL[$f]}")× (CPU $(ratio "${CPU[$t]}" "${CPU[$f]}")×)"
      elif [ "$fmt" = both ] && ok "floor-pdf-$n" && ok "floor-epub-$n" && ok "$t"; then
        local fsum; fsum=$(awk -v a="${WALL[floor-pdf-$n]}" -v b="${WALL[floor-epub-$n]}" 'BEGIN { print a + b }')
        local csum; csum=$(awk -v a="${CPU[floor-pdf-$n]}" -v b="${CPU[floor-epub-$n]}" 'BEGIN { print a + b }')
        fw="$(num "$fsum") (both floors)"; fr="$(ratio "${WALL[$t]}" "$fsum")× (CPU $(ratio "${CPU[$t]}" "$csum")×)"
      fi
      echo "| $n | $label | $tw | $tc | $tm | $peer | $pw | $pr | $fw | $fm | $fr |"
    done
  done
  echo

  if [ "$multi" = 1 ]; then
    echo "Multi-file form (the same N chapters as N source files on the command line):"
    echo
    echo "| chapters | format | wall s | CPU s | peak MiB | ÷ single file |"
    echo "|---:|---|---:|---:|---:|---:|"
    for n in $chapters; do
      for fmt in pdf epub; do
        t="multi-$fmt-$n"
        if ok "$t"; then
          echo "| $n | ${fmt^^} | $(num "${WALL[$t]}") | $(num "${CPU[$t]}") | ${RSS[$t]} | $(ok "terbit-$fmt-$n" && ratio "${WALL[$t]}" "${WALL[terbit-$fmt-$n]}")× |"
        else
          echo "| $n | ${fmt^^} | ${STATUS[$t]:-n/a} | | | |"
        fi
      done
    done
    echo
  fi

  echo "What was made (single-file form):"
  echo
  for n in $chapters; do
    local line="- $n chapter(s): terbit PDF ${PAGES[terbit-$n]:-?} pages, ${SIZE[terbit-pdf-$n]:-?} bytes; EPUB ${SIZE[terbit-epub-$n]:-?} bytes"
    [ "$floors" = 1 ] && line+="; floor PDF ${PAGES[floor-$n]:-?} pages, ${SIZE[floor-pdf-$n]:-?} bytes (faces: ${FACES[$n]:-?}); floor EPUB ${SIZE[floor-epub-$n]:-?} bytes"
    echo "$line"
  done
  echo

  # both formats in one command, and scaling
  local both_lines=""
  for n in $chapters; do
    if ok "terbit-both-$n" && ok "terbit-pdf-$n" && ok "terbit-epub-$n"; then
      local two; two=$(awk -v a="${WALL[terbit-pdf-$n]}" -v b="${WALL[terbit-epub-$n]}" 'BEGIN { print a + b }')
      both_lines+="- $n chapter(s): --pdf --epub $(num "${WALL[terbit-both-$n]}") s; --pdf then --epub $(num "$two") s ($(ratio "${WALL[terbit-both-$n]}" "$two")×)"$'\n'
    fi
  done
  if [ -n "$both_lines" ]; then
    echo "One command for both formats against two commands (wall):"
    echo
    printf '%s\n' "$both_lines"
  fi
  if ok "terbit-pdf-50" && ok "terbit-pdf-500"; then
    echo "Scaling, 500 chapters ÷ 50 chapters (wall): PDF $(ratio "${WALL[terbit-pdf-500]}" "${WALL[terbit-pdf-50]}")×, EPUB $(ratio "${WALL[terbit-epub-500]:-0}" "${WALL[terbit-epub-50]:-0}")×$(ok "terbit-both-500" && ok "terbit-both-50" && echo ", both $(ratio "${WALL[terbit-both-500]}" "${WALL[terbit-both-50]}")×")"
    echo
  fi

  # the issue's targets
  local tl
  tl=$(targets_block)
  if [ -n "$tl" ]; then
    echo "Targets (wall times, as the issue states them):"
    echo
    echo "$tl"
  fi
}

targets_block() {
  target() { # description, value, limit, unit[, note]: met when value <= limit
    local verdict
    verdict=$(awk -v v="$2" -v l="$3" 'BEGIN { print (v <= l) ? "met" : "**missed**" }')
    echo "- $1: $2$4 (limit $3$4): $verdict${5:+ ($5)}"
  }
  if ok terbit-pdf-50 && ok floor-pdf-50; then
    target "PDF 50 chapters ÷ libharu floor" "$(ratio "${WALL[terbit-pdf-50]}" "${WALL[floor-pdf-50]}")" 1.5 "×" \
      "CPU time: $(ratio "${CPU[terbit-pdf-50]}" "${CPU[floor-pdf-50]}")×"
  fi
  target_min() { # description, value, floor, unit: met when value >= floor
    local verdict
    verdict=$(awk -v v="$2" -v l="$3" 'BEGIN { print (v >= l) ? "met" : "**missed**" }')
    echo "- $1: $2$4 (at least $3$4): $verdict"
  }
  if ok terbit-pdf-50 && ok peer-pdf-50; then
    target_min "pandoc + WeasyPrint ÷ terbit, PDF 50 chapters" "$(ratio "${WALL[peer-pdf-50]}" "${WALL[terbit-pdf-50]}")" 40 "×"
  fi
  if ok terbit-epub-50 && ok peer-epub-50; then
    target_min "pandoc ÷ terbit, EPUB 50 chapters" "$(ratio "${WALL[peer-epub-50]}" "${WALL[terbit-epub-50]}")" 30 "×"
  fi
  if ok terbit-epub-50 && ok floor-epub-50 && ok terbit-layout-50; then
    local lim; lim=$(awk -v f="${WALL[floor-epub-50]}" -v l="${WALL[terbit-layout-50]}" 'BEGIN { printf "%.3f", 1.5 * f + l }')
    target "EPUB 50 chapters wall, against 1.5 × libzip floor ($(num "${WALL[floor-epub-50]}") s) + layout alone ($(num "${WALL[terbit-layout-50]}") s)" "$(num "${WALL[terbit-epub-50]}")" "$lim" " s"
  fi
  if ok terbit-pdf-500 && [ "${RSS[terbit-pdf-500]}" != n/a ]; then
    target "PDF 500 chapters peak memory" "${RSS[terbit-pdf-500]}" 64 " MiB"
  fi
  if ok terbit-epub-500 && [ "${RSS[terbit-epub-500]}" != n/a ]; then
    target "EPUB 500 chapters peak memory" "${RSS[terbit-epub-500]}" 32 " MiB"
  fi
  for fmt in pdf epub; do
    if ok "terbit-$fmt-500" && ok "terbit-$fmt-50"; then
      target "${fmt^^} 500 chapters ÷ 50 chapters" "$(ratio "${WALL[terbit-$fmt-500]}" "${WALL[terbit-$fmt-50]}")" 11 "×" \
        "CPU time: $(ratio "${CPU[terbit-$fmt-500]}" "${CPU[terbit-$fmt-50]}")×"
    fi
  done
  for n in $chapters; do
    if ok "terbit-both-$n" && ok "terbit-pdf-$n" && ok "terbit-epub-$n"; then
      local two; two=$(awk -v a="${WALL[terbit-pdf-$n]}" -v b="${WALL[terbit-epub-$n]}" 'BEGIN { printf "%.3f", a + b }')
      local v; v=$(num "${WALL[terbit-both-$n]}")
      local verdict; verdict=$(awk -v v="${WALL[terbit-both-$n]}" -v l="$two" 'BEGIN { print (v < l) ? "met" : "**missed**" }')
      echo "- both formats in one command, $n chapters: $v s (two commands: $two s): $verdict"
    fi
  done
}

report_file="$W/report.md"
report > "$report_file"

# ---------------------------------------------------------------------------------------------
# 5. The profile (optional)

if [ -n "$profile" ]; then
  if ! have valgrind || ! have callgrind_annotate; then
    echo >> "$report_file"; echo "Profile: valgrind not installed." >> "$report_file"
  else
    pbook="$W/in/book-$profile.md"
    [ -f "$pbook" ] || make_single "$profile" "$pbook"
    say "profiling terbit export --pdf of $profile chapters with callgrind (slow)"
    cg="$W/callgrind.out"
    valgrind --tool=callgrind --callgrind-out-file="$cg" "$terbit" export -q --pdf -o "$W/out/profile.pdf" "$pbook" \
      >"$W/log/callgrind" 2>&1
    {
      echo
      echo "Profile: callgrind, \`terbit export --pdf\`, $profile chapters ($(callgrind_annotate "$cg" 2>/dev/null | awk '/PROGRAM TOTALS/ { print $1; exit }') instructions)."
      echo "The 25 functions with the most instructions of their own (Ir, exclusive):"
      echo
      echo '```'
      # "1,234 (12.34%)  file:function [object]": keep the function and the object's base name
      callgrind_annotate "$cg" 2>/dev/null | grep -E '^ *[0-9,]+ +\( *[0-9.]+%\) +[^ ]' | grep -v 'PROGRAM TOTALS' |
        sed -n '1,25p' | sed -E 's#\[[^]]*/([^]/]+)\]#[\1]#; s#  [^ ]*:([^ :]+ \[)#  \1#'
      echo '```'
      echo
      echo "terbit's own functions by inclusive cost (they and what they call), the top 20:"
      echo
      echo '```'
      callgrind_annotate --inclusive=yes "$cg" 2>/dev/null | grep -E '^ *[0-9,]+ +\( *[0-9.]+%\) +[^ ]' |
        grep -F "[$terbit]" | grep -vE ':(main|\(below main\)|cmd_export) ' | sed -n '1,20p' |
        sed -E 's#\[[^]]*/([^]/]+)\]#[\1]#; s#  [^ ]*:([^ :]+ \[)#  \1#'
      echo '```'
    } >> "$report_file"
    [ "$keep" = 1 ] && say "callgrind data: $cg"
  fi
fi

# ---------------------------------------------------------------------------------------------
# 6. Instruction counts (optional): the same comparisons, free of the machine's load

if [ -n "$instr" ]; then
  if ! have valgrind || [ "$floors" = 0 ]; then
    { echo; echo "Instruction counts: valgrind or the floors are missing."; } >> "$report_file"
  else
    ibook="$W/in/book-$instr.md"
    [ -f "$ibook" ] || make_single "$instr" "$ibook"
    ifaces=()
    "$terbit" export -q --pdf -o "$W/out/instr.pdf" "$ibook" 2>/dev/null && have pdffonts &&
      mapfile -t ifaces < <(floor_faces "$W/out/instr.pdf")
    [ ${#ifaces[@]} -gt 0 ] || ifaces=(-f "regular=$fonts_dir/CharisSIL-Regular.ttf" -f "bold=$fonts_dir/CharisSIL-Bold.ttf")
    declare -A IR
    count_ir() { # KEY CMD...: instructions executed (callgrind)
      local key=$1; shift
      say "counting instructions: $key"
      valgrind --tool=callgrind --callgrind-out-file="$W/log/ir-$key.cg" "$@" >/dev/null 2>"$W/log/ir-$key.err"
      IR[$key]=$(sed -n 's/.*Collected : *//p' "$W/log/ir-$key.err" | tail -1)
    }
    count_ir pdf "$terbit" export -q --pdf -o "$W/out/instr.pdf" "$ibook"
    count_ir epub "$terbit" export -q --epub -o "$W/out/instr.epub" "$ibook"
    count_ir layout "$terbit" export -q --stats --dry-run "$ibook"
    count_ir both "$terbit" export -q --pdf --epub -o "$W/out/instr-both/" "$ibook"
    count_ir fpdf "$W/bin/floor_pdf" -o "$W/out/instr-floor.pdf" "${ifaces[@]}" "$ibook"
    count_ir fepub "$W/bin/floor_epub" -o "$W/out/instr-floor.epub" "$ibook"
    mi() { awk -v v="${IR[$1]:-0}" 'BEGIN { printf "%.0f", v / 1e6 }'; }
    {
      echo
      echo "Instruction counts (callgrind), $instr chapters, millions:"
      echo
      echo "- PDF: terbit $(mi pdf), floor $(mi fpdf): $(ratio "${IR[pdf]:-0}" "${IR[fpdf]:-0}")× (target 1.5×)"
      echo "- both formats in one command: $(mi both); the two commands apart: $(mi pdf) + $(mi epub) = $(awk -v a="${IR[pdf]:-0}" -v b="${IR[epub]:-0}" 'BEGIN { printf "%.0f", (a + b) / 1e6 }'): $(awk -v o="${IR[both]:-0}" -v a="${IR[pdf]:-0}" -v b="${IR[epub]:-0}" 'BEGIN { if (a + b > 0) printf "%.2f", o / (a + b); else print "n/a" }')× (one parse and one layout saved; wall times of a few tens of ms can hide it on a shared machine)"
      echo "- EPUB: terbit $(mi epub), libzip floor $(mi fepub), layout alone $(mi layout): terbit ÷ (1.5 × floor + layout) = $(awk -v e="${IR[epub]:-0}" -v f="${IR[fepub]:-0}" -v l="${IR[layout]:-0}" 'BEGIN { if (1.5 * f + l > 0) printf "%.2f", e / (1.5 * f + l); else print "n/a" }')× (target 1×); the EPUB writing alone (terbit − layout) ÷ floor = $(awk -v e="${IR[epub]:-0}" -v f="${IR[fepub]:-0}" -v l="${IR[layout]:-0}" 'BEGIN { if (f > 0) printf "%.2f", (e - l) / f; else print "n/a" }')×"
    } >> "$report_file"
  fi
fi

cat "$report_file"
[ -n "$out_file" ] && cp "$report_file" "$out_file"
if [ "$update_readme" = 1 ]; then
  readme="$here/README.md"
  if [ -f "$readme" ] && grep -q '<!-- bench:begin -->' "$readme"; then
    awk -v rf="$report_file" '
      /<!-- bench:begin -->/ { print; while ((getline l < rf) > 0) print l; skip = 1; next }
      /<!-- bench:end -->/ { skip = 0 }
      !skip' "$readme" > "$W/readme.new" && cp "$W/readme.new" "$readme"
    say "updated $readme"
  else
    say "no results block (<!-- bench:begin --> ... <!-- bench:end -->) in $readme: not updated"
  fi
fi

if [ "$terbit_failed" = 1 ]; then
  say "terbit failed on at least one input (see above)"
  exit 1
fi
exit 0
