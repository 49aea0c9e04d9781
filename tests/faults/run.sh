#!/bin/bash
# run.sh -- fault injection for `terbit export`: full disk, odd targets, missing folders and
# assets, signals in the middle of a write. Whatever fails, terbit exits with a clear one-line
# error, leaves no temporary file and leaves the previous output byte-for-byte intact.
#
# Usage: tests/faults/run.sh TERBIT [ASSETS_DIR] [--sanitized]
# Needs: prlimit (util-linux), sha256sum, python3 (to generate the big book). Prints one line per
# check and `N passed, N failed`; exit status 1 when any check failed.
set -u

terbit=$(realpath "${1:?usage: run.sh TERBIT [ASSETS_DIR] [--sanitized]}")
sanitized=no
[ "${3:-}" = --sanitized ] && sanitized=yes # ASan/TSan builds: no address-space limit
here=$(cd "$(dirname "$0")/../.." && pwd)
assets=$(realpath "${2:-$here/assets}")
work=$(mktemp -d "${TMPDIR:-/tmp}/terbit-faults-XXXXXX")
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
passed=0 failed=0

ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; shift; for m in "$@"; do printf '     - %s\n' "$m"; done; }
sha() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
# Files in a folder whose names look like temporary files (ours: .NAME.tmp-XXXXXX; libzip's:
# NAME.XXXXXX beside its target).
temps() { find "$1" -maxdepth 1 -type f \( -name '.*' -o -name '*.tmp*' -o -name '*.epub.*' -o -name '*.pdf.*' \) -printf '%f ' 2>/dev/null; }
# stderr holds exactly one error line (warnings aside) of the form "terbit: FILE...: message"
one_error() {
  local n
  n=$(grep -vc '^terbit: warning:' "$1")
  [ "$n" = 1 ] && grep -v '^terbit: warning:' "$1" | grep -Eq '^terbit: [^:]+(:[0-9]+)?(:[0-9]+)?: .+'
}
errline() { grep -v '^terbit: warning:' "$1" | head -n 1 | cut -c1-160; }

mkbook() { # $1 file, $2 title
  mkdir -p "$(dirname "$1")"
  printf -- '---\ntitle: %s\n---\n\n# Bab satu\n\nTeks yang cukup panjang untuk satu halaman.\n\n# Bab dua\n\nLagi.\n' "$2" >"$1"
}

# ---- 1. full disk (a file-size limit; SIGXFSZ is ignored by terbit itself) -------------------
for fmt in pdf epub; do
  d="$work/fsize-$fmt"
  mkbook "$d/buku.md" "Asal"
  "$terbit" export --$fmt -q -o "$d/out/" "$d/buku.md" 2>"$d/err0"
  before=$(sha "$d/out/buku.$fmt")
  mkbook "$d/buku.md" "Versi baharu yang berbeza"
  limit=2048
  prlimit --fsize=$limit "$terbit" export --$fmt -q -o "$d/out/" "$d/buku.md" 2>"$d/err"
  rc=$?
  after=$(sha "$d/out/buku.$fmt")
  left=$(temps "$d/out")
  msgs=()
  [ -n "$before" ] || msgs+=("the first export wrote nothing: $(head -c 200 "$d/err0")")
  [ "$rc" = 3 ] || msgs+=("exit $rc, expected 3")
  one_error "$d/err" || msgs+=("stderr is not one 'terbit: FILE: message' line: $(head -c 300 "$d/err" | tr '\n' '|')")
  [ "$before" = "$after" ] || msgs+=("the previous output changed")
  [ -z "$left" ] || msgs+=("temporary files left: $left")
  if [ ${#msgs[@]} = 0 ]; then ok "full disk ($fmt, fsize $limit): exit 3, previous output intact | $(errline "$d/err")"
  else bad "full disk ($fmt, fsize $limit)" "${msgs[@]}"; fi
done

# ---- 2. targets that are not regular files ---------------------------------------------------
d="$work/devfull"
mkbook "$d/buku.md" "Dev full"
# -o names a .pdf or .epub file or a folder: /dev/full itself is a usage error (two lines, the last
# one sending to the help); a name that leads to it is refused as the device it is
"$terbit" export --pdf -q -o /dev/full "$d/buku.md" 2>"$d/err"
rc=$?
if [ "$rc" = 2 ] && [ "$(wc -l <"$d/err")" = 2 ] && [ "$(tail -n 1 "$d/err")" = "terbit: see 'terbit --help'" ] && [ -c /dev/full ]; then
  ok "-o /dev/full: a usage error (exit 2) | $(errline "$d/err")"
else bad "-o /dev/full" "exit $rc, expected a usage error (2): $(head -c 300 "$d/err" | tr '\n' '|')"; fi
ln -s /dev/full "$d/full.pdf"
"$terbit" export --pdf -q -o "$d/full.pdf" "$d/buku.md" 2>"$d/err"
rc=$?
if [ "$rc" = 3 ]; then
  if one_error "$d/err" && [ -c /dev/full ] && [ -L "$d/full.pdf" ] && [ -z "$(find /dev -maxdepth 1 -name '.full.tmp-*')" ] &&
    [ -z "$(temps "$d")" ]; then
    ok "-o LINK.pdf to /dev/full refused (exit $rc) | $(errline "$d/err")"
  else bad "-o LINK.pdf to /dev/full" "exit $rc but: $(head -c 300 "$d/err" | tr '\n' '|'); /dev/full, the link or a temp file changed"; fi
else bad "-o LINK.pdf to /dev/full" "exit $rc, expected a refusal (3): $(head -c 300 "$d/err" | tr '\n' '|')"; fi

d="$work/dirtarget"
mkbook "$d/buku.md" "Folder"
mkdir -p "$d/out/buku.pdf/keep" && echo data >"$d/out/buku.pdf/keep/file"
"$terbit" export --pdf -q -o "$d/out/" "$d/buku.md" 2>"$d/err"
rc=$?
if [ "$rc" = 3 ] && one_error "$d/err" && [ -f "$d/out/buku.pdf/keep/file" ] && [ -z "$(temps "$d/out")" ]; then
  ok "target name taken by a folder refused (exit 3) | $(errline "$d/err")"
else bad "target name taken by a folder" "exit $rc: $(head -c 300 "$d/err" | tr '\n' '|'); left: $(temps "$d/out")"; fi

d="$work/dirout"
mkbook "$d/buku.md" "Folder sedia ada"
mkdir -p "$d/sedia"
"$terbit" export --epub -q -o "$d/sedia" "$d/buku.md" 2>"$d/err"
rc=$?
if [ "$rc" = 0 ] && [ -f "$d/sedia/buku.epub" ] && [ -d "$d/sedia" ] && [ -z "$(temps "$d/sedia")" ]; then
  ok "-o EXISTING_FOLDER with one format writes FOLDER/buku.epub (documented)"
else bad "-o EXISTING_FOLDER with one format" "exit $rc: $(head -c 300 "$d/err" | tr '\n' '|'); files: $(ls -A "$d/sedia" | tr '\n' ' ')"; fi

d="$work/symtarget"
mkbook "$d/buku.md" "Pautan"
mkdir -p "$d/elsewhere" && echo "precious" >"$d/elsewhere/precious.txt"
ln -s "$d/elsewhere/precious.txt" "$d/out.pdf"
"$terbit" export --pdf -q -o "$d/out.pdf" "$d/buku.md" 2>"$d/err"
rc=$?
if [ "$rc" = 3 ] && one_error "$d/err" && [ -L "$d/out.pdf" ] && [ "$(cat "$d/elsewhere/precious.txt")" = precious ] &&
  [ -z "$(temps "$d")" ]; then
  ok "target is a symlink: refused (exit 3), link and its file intact | $(errline "$d/err")"
else bad "target is a symlink" "exit $rc: $(head -c 300 "$d/err" | tr '\n' '|'); link kept: $([ -L "$d/out.pdf" ] && echo yes || echo no)"; fi

d="$work/srctarget"
mkbook "$d/buku.md" "Sumber"
src_sum=$(sha "$d/buku.md")
"$terbit" export --pdf -q -o "$d/buku.md" "$d/buku.md" 2>"$d/err"
rc=$?
if [ "$(sha "$d/buku.md")" = "$src_sum" ] && [ "$rc" = 2 ]; then
  ok "target is the source itself (-o buku.md): a usage error (exit $rc), source intact | $(errline "$d/err")"
else bad "target is the source itself (-o buku.md buku.md)" "exit $rc; the source $([ "$(sha "$d/buku.md")" = "$src_sum" ] && echo 'is intact' || echo 'was REPLACED by the output')"; fi
# a source whose name ends in .pdf passes -o's rule: output.c's own guard refuses it
cp "$d/buku.md" "$d/nota.pdf"
"$terbit" export --pdf -q -o "$d/nota.pdf" "$d/nota.pdf" 2>"$d/err"
rc=$?
if [ "$(sha "$d/nota.pdf")" = "$src_sum" ] && [ "$rc" = 2 ] && grep -q 'is a source of this export' "$d/err"; then
  ok "target is the source itself (-o nota.pdf): refused (exit $rc), source intact | $(errline "$d/err")"
else bad "target is the source itself (-o nota.pdf nota.pdf)" "exit $rc; the source $([ "$(sha "$d/nota.pdf")" = "$src_sum" ] && echo 'is intact' || echo 'was REPLACED by the output')"; fi

# ---- 3. missing parent folders -----------------------------------------------------------------
# made, every level; when the export then fails (a file-size limit), every level made is removed
# again, and a parent that is a file is an error
d="$work/noparent"
mkbook "$d/buku.md" "Tiada induk"
"$terbit" export --pdf -q -o "$d/tiada/sub/buku.pdf" "$d/buku.md" 2>"$d/err"
rc=$?
if [ "$rc" = 0 ] && [ -f "$d/tiada/sub/buku.pdf" ] && [ ! -s "$d/err" ]; then ok "missing parent folders (file target): made, exit 0"
else bad "missing parent folders (file target)" "exit $rc: $(head -c 300 "$d/err" | tr '\n' '|')"; fi
for target in "$d/gagal/sub/" "$d/gagal/sub/buku.pdf"; do
  prlimit --fsize=4096 "$terbit" export --pdf -q -o "$target" "$d/buku.md" 2>"$d/err"
  rc=$?
  # the error is the write's: the folders were made, then removed
  if [ "$rc" = 3 ] && one_error "$d/err" && grep -q 'cannot write' "$d/err" && [ ! -e "$d/gagal" ]; then ok "missing parent folders, write fails (${target#"$d/"}): exit 3, every level made removed | $(errline "$d/err")"
  else bad "missing parent folders, write fails (${target#"$d/"})" "exit $rc: $(head -c 300 "$d/err" | tr '\n' '|'); left: $(find "$d/gagal" 2>&1 | tr '\n' ' ')"; fi
done
echo file >"$d/fail"
"$terbit" export --pdf --epub -q -o "$d/fail/sub/" "$d/buku.md" 2>"$d/err"
rc=$?
if [ "$rc" = 3 ] && one_error "$d/err" && [ -f "$d/fail" ]; then ok "a parent that is a file: exit 3 | $(errline "$d/err")"
else bad "a parent that is a file" "exit $rc: $(head -c 300 "$d/err" | tr '\n' '|')"; fi

# ---- 4. missing or broken assets ---------------------------------------------------------------
asset_case() { # $1 name, $2 formats, $3 file to break (relative to assets), $4 how: rm|truncate|empty|fifo, $5 what the message names
  local d="$work/assets-$1" rc
  mkdir -p "$d"
  cp -r "$assets" "$d/assets"
  case "$4" in
  rm) rm -f "$d/assets/$3" ;;
  truncate) head -c 1000 "$assets/$3" >"$d/assets/$3" ;;
  empty) : >"$d/assets/$3" ;;
  fifo) rm -f "$d/assets/$3" && mkfifo "$d/assets/$3" ;; # nobody writes: opening it must not wait
  esac
  mkbook "$d/buku.md" "Aset"
  mkdir -p "$d/out"
  # a previous output that must survive
  "$terbit" export $2 -q --assets "$assets" -o "$d/out/" "$d/buku.md" 2>/dev/null
  local s1 s2
  s1=$(cat "$d"/out/* 2>/dev/null | sha256sum)
  timeout 60 "$terbit" export $2 -q --assets "$d/assets" -o "$d/out/" "$d/buku.md" 2>"$d/err"
  rc=$?
  s2=$(cat "$d"/out/* 2>/dev/null | sha256sum)
  local msgs=()
  [ "$rc" = 3 ] || msgs+=("exit $rc, expected 3")
  one_error "$d/err" || msgs+=("stderr is not one 'terbit: FILE: message' line: $(head -c 300 "$d/err" | tr '\n' '|')")
  grep -q "$5" "$d/err" || msgs+=("the message does not name $5")
  [ "$s1" = "$s2" ] || msgs+=("the previous output changed")
  [ -z "$(temps "$d/out")" ] || msgs+=("temporary files left: $(temps "$d/out")")
  if [ ${#msgs[@]} = 0 ]; then ok "assets: $1 | $(errline "$d/err")"; else bad "assets: $1" "${msgs[@]}"; fi
}
asset_case font-removed "--pdf --epub" fonts/CharisSIL-Bold.ttf rm CharisSIL-Bold.ttf
asset_case font-truncated "--pdf" fonts/CharisSIL-Regular.ttf truncate CharisSIL-Regular.ttf
asset_case font-empty "--pdf" fonts/DejaVuSansMono.ttf empty DejaVuSansMono.ttf
asset_case font-fifo "--epub" fonts/CharisSIL-Italic.ttf fifo CharisSIL-Italic.ttf
asset_case css-removed "--epub" css/terbit.css rm terbit.css

# ---- 5. signals in the middle of an export ------------------------------------------------------
# A 2,000-chapter book (one file, a level-1 heading per chapter, a few paragraphs each).
big="$work/signals/buku.md"
mkdir -p "$work/signals"
python3 - "$big" <<'EOF'
import sys
para = "Perenggan yang panjang tentang pemasaran digital, strategi, analitis dan khalayak. " * 8
with open(sys.argv[1], "w") as f:
    f.write("---\ntitle: Buku besar\n---\n\n")
    for i in range(2000):
        f.write("# Bab %d\n\n%s\n\n%s\n\n## Bahagian %d\n\n%s\n\n" % (i + 1, para, para, i + 1, para))
EOF
small="$work/signals/small/buku.md"
mkbook "$small" "Kecil"

# $1 signal, $2 format, $3 when: the name pattern of the file whose appearance triggers the signal,
# $4 a label, $5 "nonempty" to wait until that file has bytes in it (being written)
signal_case() {
  local sig=$1 fmt=$2 pat=$3 d="$work/signals/$1-$2-${4// /-}" rc pid t want_bytes=${5:-}
  mkdir -p "$d/out"
  "$terbit" export --$fmt -q -o "$d/out/" "$small" 2>/dev/null # the previous output
  local before
  before=$(sha "$d/out/buku.$fmt")
  "$terbit" export --$fmt -q -o "$d/out/" "$big" 2>"$d/err" &
  pid=$!
  # wait (up to 120 s) for the trigger file, then signal at once; the polling uses builtins only
  # (no find(1) per round), so that a window of a few milliseconds is not missed
  local seen=no f
  for ((t = 0; t < 60000; t++)); do
    for f in "$d/out/"$pat; do
      if [ -e "$f" ] && { [ -z "$want_bytes" ] || [ -s "$f" ]; }; then seen=yes; break 2; fi
    done
    kill -0 $pid 2>/dev/null || break
    sleep 0.002
  done
  kill -s "$sig" $pid 2>/dev/null
  wait $pid
  rc=$?
  local after left msgs=()
  after=$(sha "$d/out/buku.$fmt")
  left=$(temps "$d/out")
  [ "$seen" = yes ] || msgs+=("never saw '$pat' appear (export finished or failed first: exit $rc)")
  local want=$((128 + $(kill -l "$sig")))
  [ "$rc" = "$want" ] || msgs+=("exit $rc, expected $want (killed by $sig)")
  [ -n "$before" ] && [ "$before" = "$after" ] || msgs+=("the previous output changed or vanished")
  [ -z "$left" ] || msgs+=("temporary files left: $left")
  if [ ${#msgs[@]} = 0 ]; then ok "$sig during $fmt ($4): exit $rc, no temp file, previous output intact"
  else bad "$sig during $fmt ($4)" "${msgs[@]}"; fi
}
for sig in TERM INT; do
  signal_case $sig pdf '.buku.pdf.tmp-*' "temp created"
  signal_case $sig pdf '.buku.pdf.tmp-*' "being written" nonempty
  # the EPUB's temporary file is made before the layout, while a thread of its own renders the
  # chapters; the archive is made in memory, then written to it (libzip makes no file of its own)
  signal_case $sig epub '.buku.epub.tmp-*' "temp created"
done

# a signal while terbit's own output folders hold only the temporary file: they go too, every level
d="$work/signals/newdir"
mkdir -p "$d"
"$terbit" export --pdf -q -o "$d/made/deeper/" "$big" 2>/dev/null &
pid=$!
seen=no
for ((t = 0; t < 60000; t++)); do
  for f in "$d/made/deeper/".buku.pdf.tmp-*; do [ -e "$f" ] && { seen=yes; break 2; }; done
  kill -0 $pid 2>/dev/null || break
  sleep 0.002
done
kill -s TERM $pid 2>/dev/null
wait $pid
rc=$?
if [ "$seen" = yes ] && [ "$rc" = 143 ] && [ ! -e "$d/made" ]; then ok "TERM with folders terbit made: exit 143, every level removed"
else bad "TERM with folders terbit made" "seen the temp: $seen, exit $rc (want 143), left: $(find "$d/made" 2>&1 | tr '\n' ' ')"; fi

# out of memory in the middle of the layout (abort() in util/mem.c): the temporary files go, the
# previous outputs stay. Not under the sanitizers, which need far more address space.
if [ "$sanitized" = no ]; then
  d="$work/oom"
  mkdir -p "$d/out"
  "$terbit" export --pdf --epub -q -o "$d/out/" "$small" 2>/dev/null
  b1=$(sha "$d/out/buku.pdf"); b2=$(sha "$d/out/buku.epub")
  (ulimit -v 80000; exec "$terbit" export --pdf --epub -q -o "$d/out/" "$big") 2>"$d/err"
  rc=$?
  left=$(temps "$d/out")
  if [ "$rc" != 0 ] && [ -z "$left" ] && [ "$b1" = "$(sha "$d/out/buku.pdf")" ] && [ "$b2" = "$(sha "$d/out/buku.epub")" ]; then
    ok "out of memory (ulimit -v 80000): exit $rc, no temporary file, previous outputs intact | $(head -c 120 "$d/err")"
  else bad "out of memory (ulimit -v 80000)" "exit $rc; left: $left; $(head -c 200 "$d/err")"; fi
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
