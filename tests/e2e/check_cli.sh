#!/usr/bin/env bash
# check_cli.sh -- end-to-end test of terbit's command line: exit statuses (0 ok, 1 bad input,
# 2 usage, 3 I/O), error message formats (a usage error is two lines, the last one sending to
# the help), the formats and outputs -o asks for, --strict, the help and the manual page, and
# that a failed export leaves an existing output untouched and no temporary files or folders.
#
# Usage: check_cli.sh --terbit BIN --source FILE
#   FILE: any valid source (its export must succeed), e.g. tests/fixtures/malay-long.md
# Every run happens in a fresh temporary folder (mkdtemp), removed at the end.
# Exit status: 0 all passed, 1 a check failed.
set -u

. "$(dirname "$0")/e2elib.sh"
e2e_init cli "$@"
# t NAME: runs the remaining words as a command in $WORK/run, sets RC, OUT, ERR
t() {
  local name=$1; shift
  (cd "$WORK/run" && "$@" >"$WORK/stdout" 2>"$WORK/stderr")
  RC=$?
  OUT=$(cat "$WORK/stdout"); ERR=$(cat "$WORK/stderr")
}
expect_rc() { # NAME WANT
  if [ "$RC" -eq "$2" ]; then ok "$1 (exit $RC)"; else fail "$1" "exit $RC, want $2; stderr: $(head -c 400 <<<"$ERR")"; fi
}
is_pdf()  { [ -f "$1" ] && [ "$(head -c 5 "$1")" = "%PDF-" ]; }
is_epub() { [ -f "$1" ] && [ "$(head -c 58 "$1" | tail -c 28)" = "mimetypeapplication/epub+zip" ]; }
no_temps() { # NAME DIR: no .*.tmp-* left in DIR
  local left
  left=$(find "$2" -maxdepth 1 -name '.*.tmp-*' 2>/dev/null | head -5)
  if [ -z "$left" ]; then ok "$1: no temporary files left in $(basename "$2")"; else fail "$1" "left behind: $left"; fi
}
mkdir -p "$WORK/run"
REPO=$(cd "$(dirname "$0")/../.." && pwd) # the source tree: frontmatter.c's keys, the manual page

# --- help, version, usage errors ---------------------------------------------------------------
t help "$TERBIT" --help
if [ "$RC" -eq 0 ] && grep -q 'Usage: terbit export' <<<"$OUT"; then ok "--help exits 0 with usage on stdout"
else fail "--help" "exit $RC; stdout: $(head -c 200 <<<"$OUT")"; fi
t version "$TERBIT" --version
if [ "$RC" -eq 0 ] && grep -Eq '^terbit [0-9]+\.[0-9]+' <<<"$OUT"; then ok "--version exits 0: $OUT"
else fail "--version" "exit $RC; stdout: $OUT"; fi

# usage_err NAME FIRST: exit 2 and exactly two lines on stderr, FIRST and the pointer to the help
usage_err() {
  local want
  want=$(printf '%s\n%s' "$2" "terbit: see 'terbit --help'")
  if [ "$RC" -eq 2 ] && [ "$ERR" = "$want" ] && [ -z "$OUT" ]; then ok "$1: exit 2, '$2'"
  else fail "$1" "exit $RC (want 2); stderr: '$ERR' (want '$2' and the line to the help)"; fi
}
t noargs "$TERBIT"
usage_err "no arguments" "terbit: say what to do: 'terbit export SOURCE...' writes a PDF and an EPUB"
t unknown "$TERBIT" frobnicate
usage_err "unknown command" "terbit: unknown command 'frobnicate' (export or dump)"
t misspelt "$TERBIT" exprot guide.md
usage_err "misspelt command" "terbit: unknown command 'exprot'; did you mean 'export'?"
t nocommand "$TERBIT" guide.md
usage_err "a source without the command" "terbit: unknown command 'guide.md'; did you mean 'terbit export guide.md'?"
t optfirst "$TERBIT" --pdf guide.md
usage_err "an option before the command" "terbit: unknown option '--pdf' (options follow the command: 'terbit export --pdf ...')"
t badpaper "$TERBIT" export --pdf --paper b5 "$SOURCE"
usage_err "unknown paper size" "terbit: unknown paper size 'b5' (a4, a5 or letter)"
t badopt "$TERBIT" export --pdf --no-such-option "$SOURCE"
usage_err "unknown option" "terbit: unknown option '--no-such-option'"
t format "$TERBIT" export --format pdf "$SOURCE"
usage_err "unknown option with a value" "terbit: unknown option '--format'"
t format2 "$TERBIT" export --format=pdf "$SOURCE"
usage_err "unknown option=value" "terbit: unknown option '--format'"
t nearopt "$TERBIT" export --epbu "$SOURCE"
usage_err "misspelt option" "terbit: unknown option '--epbu'; did you mean '--epub'?"
t shortopt "$TERBIT" export -qx "$SOURCE"
usage_err "unknown short option" "terbit: unknown option '-x'"
t ambiguous "$TERBIT" export --p "$SOURCE"
usage_err "ambiguous option" "terbit: option '--p' is ambiguous"
t novalue "$TERBIT" export --pdf=yes "$SOURCE"
usage_err "a value for a flag" "terbit: option '--pdf' takes no value"
t needsvalue "$TERBIT" export "$SOURCE" -o
usage_err "-o without a value" "terbit: option '-o' needs a value"
t needsvalue2 "$TERBIT" export "$SOURCE" --paper
usage_err "--paper without a value" "terbit: option '--paper' needs a value"
t nodump "$TERBIT" dump
usage_err "dump without SOURCE" "terbit: dump: name a SOURCE"
[ ! -e "$WORK/run/out" ] && ok "usage errors write nothing" || fail "usage errors write nothing" "$(ls -R "$WORK/run")"

# --help: the options, and the front matter's keys in brief (every key that frontmatter.c knows)
keys=$(sed -n '/^static const char \*const key_names/,/^};/p' "$REPO/src/input/frontmatter.c" | grep -o '"[a-z]*"' | tr -d '"')
t help "$TERBIT" --help
missing=""
for k in $keys; do grep -Eq "(^|[ ,:(])$k([ ,(]|$)" <<<"$OUT" || missing="$missing $k"; done
if [ -n "$keys" ] && [ -z "$missing" ] && grep -q -- '--strict' <<<"$OUT" && grep -q '^Front matter' <<<"$OUT"; then
  ok "--help shows --strict and the front matter keys ($(wc -w <<<"$keys"))"
else fail "--help shows the front matter keys" "keys: '$keys'; missing:$missing"; fi
if [ "$(wc -l <<<"$OUT")" -le 40 ]; then ok "--help fits a screen ($(wc -l <<<"$OUT") lines)"
else fail "--help fits a screen" "$(wc -l <<<"$OUT") lines"; fi

# the manual page: no groff warning; FRONT MATTER (every key), EXAMPLES, EXIT STATUS, FILES; it
# sends to no README
if command -v groff >/dev/null; then
  warn=$(groff -man -Tutf8 -ww -z "$REPO/doc/terbit.1" 2>&1)
  [ -z "$warn" ] && ok "groff -ww: the manual page has no warning" || fail "groff -ww on doc/terbit.1" "$warn"
  page=$(groff -man -Tutf8 -P-c -P-b -P-u "$REPO/doc/terbit.1" 2>/dev/null)
  miss=""
  for sec in "FRONT MATTER" EXAMPLES "EXIT STATUS" FILES; do grep -q "^$sec" <<<"$page" || miss="$miss '$sec'"; done
  fm=$(sed -n '/^FRONT MATTER/,/^[A-Z]/p' <<<"$page")
  for k in $keys; do grep -Eq "^ +$k( |$)" <<<"$fm" || miss="$miss key:$k"; done
  grep -qi readme <<<"$page" && miss="$miss (mentions a README)"
  for ex in "--paper a5" "--strict" "export guide.md"; do grep -q -- "$ex" <<<"$page" || miss="$miss example:'$ex'"; done
  [ -z "$miss" ] && ok "the manual page has FRONT MATTER (every key), EXAMPLES, EXIT STATUS and FILES" \
    || fail "the manual page's sections" "missing:$miss"
else
  echo "info groff is missing: the manual page is not checked"
fi

# --- a missing source -------------------------------------------------------------------------
t missing "$TERBIT" export --pdf -o o1/ no-such-file.md
if [ "$RC" -ne 0 ] && grep -q '^terbit: no-such-file.md' <<<"$ERR"; then ok "missing source: exit $RC, '$(head -1 <<<"$ERR")'"
else fail "missing source" "exit $RC, stderr: $ERR (want non-zero and 'terbit: no-such-file.md...')"; fi
[ ! -e "$WORK/run/o1" ] && ok "a failed export creates no output folder" \
  || fail "a failed export creates no output folder" "-o o1/ was created although nothing was exported (the help promises no partial output)"

mkdir -p "$WORK/run/a-folder"; : >"$WORK/run/empty.md"
t dirsrc "$TERBIT" export --pdf -o o1/ a-folder
if [ "$RC" -ne 0 ] && grep -q '^terbit: a-folder' <<<"$ERR"; then ok "a folder as SOURCE: exit $RC, '$(head -1 <<<"$ERR")'"
else fail "a folder as SOURCE" "exit $RC, stderr: $ERR (want non-zero and 'terbit: a-folder...')"; fi
t empty "$TERBIT" export --pdf -o o1/ empty.md
if [ "$RC" -eq 1 ] && grep -q '^terbit: empty.md' <<<"$ERR"; then ok "an empty SOURCE: exit 1, '$(head -1 <<<"$ERR")'"
else fail "an empty SOURCE" "exit $RC (want 1), stderr: $ERR"; fi
t assets "$TERBIT" export --pdf --assets no-such-assets -o o1/ "$SOURCE"
if [ "$RC" -eq 3 ] && grep -q '^terbit: no-such-assets' <<<"$ERR"; then ok "--assets missing folder: exit 3, '$(head -1 <<<"$ERR")'"
else fail "--assets missing folder" "exit $RC (want 3), stderr: $ERR"; fi
# the fonts load on a thread beside the parse: a bad source is still the error reported when
# the fonts are broken too, and broken fonts alone are an asset error (exit 3)
mkdir -p "$WORK/run/nofonts/css"; cp "$REPO/assets/css/terbit.css" "$WORK/run/nofonts/css/"
t both-bad "$TERBIT" export --epub --assets nofonts -o o1/ empty.md
if [ "$RC" -eq 1 ] && grep -q '^terbit: empty.md' <<<"$ERR" && [ "$(wc -l <<<"$ERR")" -eq 1 ]; then ok "a bad SOURCE and no fonts: the source's error, exit 1"
else fail "a bad SOURCE and no fonts" "exit $RC (want 1), stderr: $ERR"; fi
t nofonts "$TERBIT" export --epub --assets nofonts -o o1/ "$SOURCE"
if [ "$RC" -eq 3 ] && grep -q '^terbit: .*nofonts/fonts/' <<<"$ERR" && [ ! -e "$WORK/run/o1/pemasar-digital.epub" ]; then ok "no fonts: exit 3, '$(head -1 <<<"$ERR")', no output"
else fail "no fonts" "exit $RC (want 3), stderr: $ERR"; fi
t dump "$TERBIT" dump "$SOURCE"
[ "$RC" -eq 0 ] && [ -n "$OUT" ] && ok "dump SOURCE exits 0 and prints the model" || fail "dump SOURCE" "exit $RC; stderr: $ERR"

# -q: no warnings (a source with a missing image warns without it)
printf -- '---\ntitle: Warns\nlang: en\n---\n\n![gone](no-such-image.png)\n' >"$WORK/run/warns.md"
t warn "$TERBIT" export --pdf -o o4/ warns.md
if [ "$RC" -eq 0 ] && grep -q '^terbit: warning: warns\.md:6:' <<<"$ERR"; then ok "a warning: 'terbit: warning: FILE:LINE:COL: ...', exit 0"
else fail "a warning" "exit $RC, stderr: '$ERR' (want exit 0 and 'terbit: warning: warns.md:6:COL: ...')"; fi
t quiet "$TERBIT" export --pdf -q -o o4/ warns.md
[ "$RC" -eq 0 ] && [ -z "$ERR" ] && ok "-q: no warnings" || fail "-q" "exit $RC, stderr: '$ERR'"

# --- where outputs go ---------------------------------------------------------------------------
t folder "$TERBIT" export --pdf --epub -o new-folder/ "$SOURCE"
if [ "$RC" -eq 0 ] && is_pdf "$WORK/run/new-folder/$STEM.pdf" && is_epub "$WORK/run/new-folder/$STEM.epub"; then
  ok "-o FOLDER/ is created and receives STEM.pdf and STEM.epub"
else fail "-o FOLDER/" "exit $RC; files: $(ls -A "$WORK/run/new-folder" 2>&1); stderr: $ERR"; fi
no_temps "-o FOLDER/" "$WORK/run/new-folder"

t file "$TERBIT" export --pdf -o single.pdf "$SOURCE"
if [ "$RC" -eq 0 ] && is_pdf "$WORK/run/single.pdf"; then ok "-o FILE.pdf with --pdf only"
else fail "-o FILE.pdf with --pdf only" "exit $RC; stderr: $ERR"; fi
t filee "$TERBIT" export --epub -o single.epub "$SOURCE"
if [ "$RC" -eq 0 ] && is_epub "$WORK/run/single.epub"; then ok "-o FILE.epub with --epub only"
else fail "-o FILE.epub with --epub only" "exit $RC; stderr: $ERR"; fi
no_temps "-o FILE" "$WORK/run"

t both "$TERBIT" export --pdf --epub -o both.pdf "$SOURCE"
usage_err "-o FILE.pdf with --pdf --epub" "terbit: -o 'both.pdf' names one file; with --pdf and --epub, name a folder, ending in '/'"
[ ! -e "$WORK/run/both.pdf" ] && ok "-o FILE.pdf with both formats writes nothing" || fail "-o FILE.pdf with both formats" "both.pdf was written"

# no --pdf/--epub: both formats, or the one that -o's file name says
mkdir -p "$WORK/fmt"
(cd "$WORK/fmt" && "$TERBIT" export "$SOURCE" >"$WORK/stdout" 2>"$WORK/stderr"); RC=$?
if [ "$RC" -eq 0 ] && is_pdf "$WORK/fmt/out/$STEM.pdf" && is_epub "$WORK/fmt/out/$STEM.epub"; then
  ok "no --pdf/--epub: both formats, in out/"
else fail "no --pdf/--epub: both formats" "exit $RC; files: $(cd "$WORK/fmt" && find . -type f | head); stderr: $(cat "$WORK/stderr")"; fi
t implied-pdf "$TERBIT" export -o implied/only.pdf "$SOURCE"
if [ "$RC" -eq 0 ] && is_pdf "$WORK/run/implied/only.pdf" && [ "$(ls -A "$WORK/run/implied")" = only.pdf ]; then
  ok "-o new/FILE.pdf alone: a PDF only, its folder made"
else fail "-o new/FILE.pdf alone" "exit $RC; files: $(ls -A "$WORK/run/implied" 2>&1); stderr: $ERR"; fi
t implied-epub "$TERBIT" export -o implied2/deeper/only.EPUB "$SOURCE"
if [ "$RC" -eq 0 ] && is_epub "$WORK/run/implied2/deeper/only.EPUB" && [ "$(ls -A "$WORK/run/implied2/deeper")" = only.EPUB ]; then
  ok "-o new/new/FILE.EPUB alone: an EPUB only, both folders made"
else fail "-o new/new/FILE.EPUB alone" "exit $RC; files: $(ls -AR "$WORK/run/implied2" 2>&1); stderr: $ERR"; fi
t disagree "$TERBIT" export --pdf -o other.epub "$SOURCE"
usage_err "--pdf with -o FILE.epub" "terbit: -o 'other.epub' names an EPUB file, but --pdf was asked"
t disagree2 "$TERBIT" export --epub -o other.pdf "$SOURCE"
usage_err "--epub with -o FILE.pdf" "terbit: -o 'other.pdf' names a PDF file, but --epub was asked"
[ ! -e "$WORK/run/other.epub" ] && [ ! -e "$WORK/run/other.pdf" ] && ok "a format that disagrees with -o writes nothing" \
  || fail "a format that disagrees with -o writes nothing" "$(ls "$WORK/run")"

# -o: a folder (ending in '/', or one that exists) or a .pdf/.epub file; anything else, or a
# path that starts with '=' (-o=out/), is a usage error
t nodir "$TERBIT" export --pdf -o nodir "$SOURCE"
usage_err "-o NAME (no '/', no extension)" "terbit: -o 'nodir' is neither a folder (-o nodir/) nor a .pdf or .epub file (-o nodir.pdf)"
t equals "$TERBIT" export -o=out/ "$SOURCE"
usage_err "-o=out/" "terbit: -o '=out/': a path starting with '=' is refused; did you mean '-o out/'?"
t equals2 "$TERBIT" export --output==book.pdf "$SOURCE"
usage_err "--output==book.pdf" "terbit: -o '=book.pdf': a path starting with '=' is refused; did you mean '-o book.pdf'?"
t emptyo "$TERBIT" export --output= "$SOURCE"
usage_err "--output= (empty)" "terbit: -o '' is neither a folder (-o out/) nor a .pdf or .epub file (-o out.pdf)"
if [ ! -e "$WORK/run/nodir" ] && [ ! -e "$WORK/run/=out" ] && [ ! -e "$WORK/run/=book.pdf" ] && [ ! -e "$WORK/run/out" ]; then
  ok "a refused -o writes nothing"
else fail "a refused -o writes nothing" "$(ls -A "$WORK/run")"; fi
mkdir -p "$WORK/run/existing"
t existing "$TERBIT" export -o existing "$SOURCE"
if [ "$RC" -eq 0 ] && is_pdf "$WORK/run/existing/$STEM.pdf" && is_epub "$WORK/run/existing/$STEM.epub"; then
  ok "-o EXISTING (no '/') is that folder"
else fail "-o EXISTING" "exit $RC; files: $(ls -A "$WORK/run/existing"); stderr: $ERR"; fi
t parents "$TERBIT" export -o p1/p2/p3/ "$SOURCE"
if [ "$RC" -eq 0 ] && is_pdf "$WORK/run/p1/p2/p3/$STEM.pdf" && is_epub "$WORK/run/p1/p2/p3/$STEM.epub"; then
  ok "-o new/new/new/: made with its parents"
else fail "-o new/new/new/" "exit $RC; $(find "$WORK/run/p1" 2>&1 | head); stderr: $ERR"; fi

# the default article, relative to the current folder
mkdir -p "$WORK/default" && (cd "$WORK/default" && "$TERBIT" export --pdf --epub >"$WORK/stdout" 2>"$WORK/stderr"); RC=$?
if [ "$RC" -eq 0 ] && is_pdf "$WORK/default/out/pemasar-digital.pdf" && is_epub "$WORK/default/out/pemasar-digital.epub"; then
  ok "no SOURCE: out/pemasar-digital.pdf and .epub in the current folder"
else fail "no SOURCE (default article)" "exit $RC; files: $(cd "$WORK/default" && find . -type f | head); stderr: $(cat "$WORK/stderr")"; fi

# --- bad input: 'terbit: FILE:LINE:COL: message', exit 1 --------------------------------------------
printf -- '---\ntitle: [a, b]\nlang: en\n---\n\nText.\n' >"$WORK/run/bad-title.md"
t badtitle "$TERBIT" export --pdf -o o2/ bad-title.md
if [ "$RC" -eq 1 ] && grep -Eq '^terbit: bad-title\.md:2:8: .+' <<<"$ERR"; then ok "front matter error: exit 1, '$(head -1 <<<"$ERR")'"
else fail "front matter error" "exit $RC (want 1), stderr: '$ERR' (want 'terbit: bad-title.md:2:8: ...')"; fi

printf -- '---\ntitle: No title key\n' >"$WORK/run/unterminated.md"
for f in unterminated.md; do
  t "$f" "$TERBIT" export --pdf -o o3/ "$f"
  if [ "$RC" -eq 1 ] && grep -Eq "^terbit: ${f//./\\.}:[0-9]+:[0-9]+: .+" <<<"$ERR"; then ok "$f: exit 1, '$(head -1 <<<"$ERR")'"
  else fail "$f" "exit $RC (want 1), stderr: '$ERR' (want 'terbit: $f:LINE:COL: ...')"; fi
done

# --- a failed export leaves an existing output byte-identical --------------------------------------
printf -- '---\ntitle: Broken\nlang: en\n---\n\nValid text, then invalid UTF-8: \xff\xfe here.\n' >"$WORK/run/bad-utf8.md"
mkdir -p "$WORK/run/keep"
printf 'KNOWN BYTES, NOT A PDF\n' >"$WORK/run/keep/bad-utf8.pdf"
printf 'KNOWN BYTES, NOT AN EPUB\n' >"$WORK/run/keep/bad-utf8.epub"
cp "$WORK/run/keep/bad-utf8.pdf" "$WORK/expect.pdf"; cp "$WORK/run/keep/bad-utf8.epub" "$WORK/expect.epub"
t badutf "$TERBIT" export --pdf --epub -o keep/ bad-utf8.md
if [ "$RC" -eq 1 ] && grep -Eq '^terbit: bad-utf8\.md:6:[0-9]+: ' <<<"$ERR"; then ok "invalid UTF-8: exit 1, '$(head -1 <<<"$ERR")'"
else fail "invalid UTF-8" "exit $RC (want 1), stderr: '$ERR' (want 'terbit: bad-utf8.md:6:COL: ...')"; fi
if cmp -s "$WORK/run/keep/bad-utf8.pdf" "$WORK/expect.pdf" && cmp -s "$WORK/run/keep/bad-utf8.epub" "$WORK/expect.epub"; then
  ok "failed export leaves the existing outputs byte-identical"
else fail "failed export leaves the existing outputs byte-identical" "$(cmp "$WORK/run/keep/bad-utf8.pdf" "$WORK/expect.pdf" 2>&1; cmp "$WORK/run/keep/bad-utf8.epub" "$WORK/expect.epub" 2>&1)"; fi
no_temps "failed export" "$WORK/run/keep"

# a single-file target too
printf 'KNOWN BYTES\n' >"$WORK/run/target.pdf"; cp "$WORK/run/target.pdf" "$WORK/expect2"
t badutf2 "$TERBIT" export --pdf -o target.pdf bad-utf8.md
if [ "$RC" -ne 0 ] && cmp -s "$WORK/run/target.pdf" "$WORK/expect2"; then ok "failed export to -o FILE.pdf leaves it byte-identical (exit $RC)"
else fail "failed export to -o FILE.pdf" "exit $RC; $(cmp "$WORK/run/target.pdf" "$WORK/expect2" 2>&1)"; fi
no_temps "failed export to -o FILE" "$WORK/run"

# --- an output that cannot be written: exit 3, the device untouched --------------------------------
if [ -c /dev/full ]; then
  t devfull "$TERBIT" export --pdf -o /dev/full "$SOURCE"
  usage_err "-o /dev/full (no extension)" "terbit: -o '/dev/full' is neither a folder (-o /dev/full/) nor a .pdf or .epub file (-o /dev/full.pdf)"
  ln -s /dev/full "$WORK/run/full.pdf"
  t devfull "$TERBIT" export -o full.pdf "$SOURCE"
  if [ "$RC" -eq 3 ] && grep -q '^terbit: full.pdf: exists and is not a regular file' <<<"$ERR"; then ok "-o LINK.pdf to /dev/full refused: exit 3, '$(head -1 <<<"$ERR")'"
  else fail "-o LINK.pdf to /dev/full" "exit $RC (want 3), stderr: '$ERR'"; fi
  if [ -c /dev/full ] && [ -L "$WORK/run/full.pdf" ]; then ok "/dev/full is still a character device, and the link a link"
  else
    fail "/dev/full is still a character device" "terbit replaced it: $(ls -l /dev/full)"
    if [ "$(id -u)" -eq 0 ]; then rm -f /dev/full && mknod -m 666 /dev/full c 1 7 && echo "info restored /dev/full"; fi
  fi
  left=$(find /dev -maxdepth 1 -name '.full.tmp-*' 2>/dev/null | head -3)
  [ -z "$left" ] && ok "no temporary files left in /dev" || fail "no temporary files left in /dev" "$left"
  rm -f "$WORK/run/full.pdf"
else
  echo "info /dev/full is not a character device here: that check is skipped"
fi

# a write that fails half-way (a file-size limit of 4 KiB): exit 3, the old file kept, the
# message naming the file asked for (not a temporary name), no temporary file left
for fmt in pdf epub; do
  printf 'KNOWN BYTES\n' >"$WORK/run/limited.$fmt"; cp "$WORK/run/limited.$fmt" "$WORK/expect3"
  t limit bash -c "ulimit -f 4; exec \"\$0\" export --$fmt -o limited.$fmt \"\$1\"" "$TERBIT" "$SOURCE"
  if [ "$RC" -eq 3 ] && cmp -s "$WORK/run/limited.$fmt" "$WORK/expect3"; then ok "$fmt write failure (ulimit -f): exit 3, old file kept"
  else fail "$fmt write failure (ulimit -f)" "exit $RC (want 3); $(cmp "$WORK/run/limited.$fmt" "$WORK/expect3" 2>&1); stderr: $ERR"; fi
  if grep -q "^terbit: limited\.$fmt: " <<<"$ERR"; then ok "$fmt write failure message names limited.$fmt"
  else fail "$fmt write failure message names the output file" "stderr: '$ERR' (want 'terbit: limited.$fmt: ...', not a temporary name)"; fi
  no_temps "$fmt write failure" "$WORK/run"
done

# --dry-run: the layout and its warnings, nothing written, not even the output folder
t dryrun "$TERBIT" export --dry-run --stats -o dry/ "$SOURCE"
if [ "$RC" -eq 0 ] && grep -q '^stats: pages=[1-9]' <<<"$ERR" && [ ! -e "$WORK/run/dry" ] && [ ! -e "$WORK/run/out" ]; then
  ok "--dry-run lays out (stats printed) and writes nothing (exit $RC)"
else fail "--dry-run" "exit $RC; stderr: $(head -c 300 <<<"$ERR"); $(ls "$WORK/run")"; fi
printf -- '---\ntitle: x\n---\n\nHello \xf0\x9f\x98\x80 world\n' >"$WORK/run/emoji.md"
t dryrun_warn "$TERBIT" export --dry-run emoji.md
if [ "$RC" -eq 0 ] && grep -q '^terbit: warning: emoji.md:5:7: U+1F600' <<<"$ERR"; then ok "--dry-run gives the layout's warnings"
else fail "--dry-run gives the layout's warnings" "exit $RC; stderr: $ERR"; fi
t dryrun_bad "$TERBIT" export --dry-run no-such-file.md;  expect_rc "--dry-run of a missing source" 3

# a folder that terbit made for a failed export is removed again (the write fails half-way)
t limitdir bash -c "ulimit -f 4; exec \"\$0\" export --pdf -o made-for-it/ \"\$1\"" "$TERBIT" "$SOURCE"
if [ "$RC" -eq 3 ] && [ ! -e "$WORK/run/made-for-it" ]; then ok "a folder made for a failed export is removed (exit $RC)"
else fail "a folder made for a failed export is removed" "exit $RC (want 3); left: $(ls -la "$WORK/run/made-for-it" 2>&1)"; fi
# ... every level of it, for a folder or a file, after a write or a source that failed
t limitdirs bash -c "ulimit -f 4; exec \"\$0\" export -o made1/made2/ \"\$1\"" "$TERBIT" "$SOURCE"
# (the error is the write's: the folders were made, then removed)
if [ "$RC" -eq 3 ] && grep -q "^terbit: made1/made2/$STEM.pdf: cannot write" <<<"$ERR" && [ ! -e "$WORK/run/made1" ]; then
  ok "folders made for a failed export are removed, every level (exit $RC)"
else fail "folders made for a failed export are removed, every level" "exit $RC (want 3); stderr: $ERR; left: $(find "$WORK/run/made1" 2>&1)"; fi
t limitfile bash -c "ulimit -f 4; exec \"\$0\" export -o made3/made4/book.epub \"\$1\"" "$TERBIT" "$SOURCE"
if [ "$RC" -eq 3 ] && grep -q "^terbit: made3/made4/book.epub: cannot write" <<<"$ERR" && [ ! -e "$WORK/run/made3" ]; then
  ok "a file's folders made for a failed export are removed (exit $RC)"
else fail "a file's folders made for a failed export are removed" "exit $RC (want 3); stderr: $ERR; left: $(find "$WORK/run/made3" 2>&1)"; fi
mkdir -p "$WORK/run/kept"
t badutfdirs "$TERBIT" export -o kept/made5/made6/ bad-utf8.md
if [ "$RC" -eq 1 ] && [ -d "$WORK/run/kept" ] && [ -z "$(ls -A "$WORK/run/kept")" ]; then ok "bad input: no folder made in the one that was there"
else fail "bad input: no folder made" "exit $RC (want 1); left: $(find "$WORK/run/kept" 2>&1)"; fi

# --- --strict: every warning is an error (exit 1), all of them listed, nothing written -------------
printf -- '---\ntitle: Strict\nlang: en\nautor: Someone\n---\n\n![gone](no-such-image.png)\n' >"$WORK/run/strict.md"
printf 'KNOWN BYTES\n' >"$WORK/run/strict-keep.pdf"; cp "$WORK/run/strict-keep.pdf" "$WORK/expect4"
want_strict=$(printf '%s\n%s\n%s' \
  "terbit: warning: strict.md:4:1: unknown front matter key 'autor' (ignored); did you mean 'author'?" \
  "terbit: warning: strict.md:7:1: image 'no-such-image.png' not found; its alt text is shown" \
  "terbit: --strict: 2 warnings, taken as errors; nothing written")
t strict "$TERBIT" export --strict -o strict1/strict2/ strict.md
if [ "$RC" -eq 1 ] && [ "$ERR" = "$want_strict" ]; then ok "--strict: exit 1, every warning listed, then the error"
else fail "--strict" "exit $RC (want 1); stderr: '$ERR' (want '$want_strict')"; fi
[ ! -e "$WORK/run/strict1" ] && ok "--strict: nothing written, not even the folder" || fail "--strict: nothing written" "$(find "$WORK/run/strict1")"
t strictq "$TERBIT" export --strict -q -o strict-keep.pdf strict.md
if [ "$RC" -eq 1 ] && [ "$ERR" = "$want_strict" ] && cmp -s "$WORK/run/strict-keep.pdf" "$WORK/expect4"; then
  ok "--strict -q: the warnings still listed, the existing file kept"
else fail "--strict -q" "exit $RC (want 1); stderr: '$ERR'; $(cmp "$WORK/run/strict-keep.pdf" "$WORK/expect4" 2>&1)"; fi
no_temps "--strict" "$WORK/run"
t strictdry "$TERBIT" export --strict --dry-run strict.md
if [ "$RC" -eq 1 ] && [ "$ERR" = "$want_strict" ]; then ok "--strict --dry-run: exit 1 (a check for CI)"
else fail "--strict --dry-run" "exit $RC (want 1); stderr: '$ERR'"; fi
t strictok "$TERBIT" export --strict -o strict-ok/ "$SOURCE"
if [ "$RC" -eq 0 ] && [ -z "$ERR" ] && is_pdf "$WORK/run/strict-ok/$STEM.pdf" && is_epub "$WORK/run/strict-ok/$STEM.epub"; then
  ok "--strict without a warning: exit 0, both written"
else fail "--strict without a warning" "exit $RC; stderr: '$ERR'"; fi
t strictbad "$TERBIT" export --strict -o strict3/ bad-utf8.md
if [ "$RC" -eq 1 ] && grep -Eq '^terbit: bad-utf8\.md:6:[0-9]+: ' <<<"$ERR" && [ "$(wc -l <<<"$ERR")" -eq 1 ] && [ ! -e "$WORK/run/strict3" ]; then
  ok "--strict with an error: that error, as without --strict"
else fail "--strict with an error" "exit $RC; stderr: '$ERR'"; fi

# --- an unknown front matter key names the key it was probably meant to be ------------------------
printf -- '---\ntitle: Keys\nlanguage: en\nTitel: x\nlayout: post\n---\n\nText.\n' >"$WORK/run/keys.md"
t keys "$TERBIT" export --dry-run -M lang=en keys.md
want_keys=$(printf '%s\n%s\n%s' \
  "terbit: warning: keys.md:3:1: unknown front matter key 'language' (ignored); did you mean 'lang'?" \
  "terbit: warning: keys.md:4:1: unknown front matter key 'Titel' (ignored); did you mean 'title'?" \
  "terbit: warning: keys.md:5:1: unknown front matter key 'layout' (ignored)")
if [ "$RC" -eq 0 ] && [ "$ERR" = "$want_keys" ]; then ok "unknown front matter keys: did you mean 'lang'? 'title'? (none for 'layout')"
else fail "unknown front matter keys" "exit $RC; stderr: '$ERR' (want '$want_keys')"; fi

# a target that cannot be replaced is refused before the layout (--stats prints after it), and
# with both formats nothing is written: the PDF's target was fine, the EPUB's is a folder
stem=$(basename "$SOURCE" .md)
mkdir -p "$WORK/run/early/$stem.epub"
t early "$TERBIT" export --pdf --epub --stats -o early/ "$SOURCE"
if [ "$RC" -eq 3 ] && grep -q "early/$stem.epub: exists and is not a regular file" <<<"$ERR" && ! grep -q '^stats:' <<<"$ERR"; then
  ok "a refused target is refused before the layout (exit $RC)"
else fail "a refused target is refused before the layout" "exit $RC (want 3, no 'stats:' line); stderr: $ERR"; fi
if [ ! -e "$WORK/run/early/$stem.pdf" ]; then ok "a refused EPUB target: no PDF written either"
else fail "a refused EPUB target: no PDF written either" "$(ls -la "$WORK/run/early")"; fi
no_temps "a refused target" "$WORK/run/early"

# an output folder that cannot be written (skipped as root, who may write anywhere)
if [ "$(id -u)" -ne 0 ]; then
  mkdir -p "$WORK/run/ro" && chmod 555 "$WORK/run/ro"
  t readonly "$TERBIT" export --pdf -o ro/ "$SOURCE"
  expect_rc "read-only output folder" 3
  chmod 755 "$WORK/run/ro"
fi

# --- issue 12: Markdown as people have it -----------------------------------------------------------
# a README with no front matter: its opening heading is the title, the language is read from the
# text (English: "Contents"), said in one line on stderr
printf '# Widget Maker\n\nThis is the tool that you can use for the work, and it is fast.\n\n## Usage\n\nRun it.\n\n## Linux/Unix\n\nSee [usage](#usage) and [this](#linuxunix).\n' >"$WORK/run/README.md"
t readme "$TERBIT" export --pdf --epub -o readme/ README.md
expect_rc "a README without front matter exports" 0
if grep -qx "terbit: note: README.md: no 'lang' given; the text reads as English (en): set 'lang: en' in the front matter or -M lang=en to choose" <<<"$ERR" && [ "$(wc -l <<<"$ERR")" -eq 1 ]; then
  ok "no lang: one note line on stderr names the language and how to set it"
else fail "no lang: the note" "stderr: $ERR"; fi
if command -v pdfinfo >/dev/null && command -v pdftotext >/dev/null; then
  title=$(pdfinfo "$WORK/run/readme/README.pdf" 2>/dev/null | sed -n 's/^Title: *//p')
  text=$(pdftotext "$WORK/run/readme/README.pdf" - 2>/dev/null | tr -d '\f')
  if [ "$title" = "Widget Maker" ] && grep -qx 'Contents' <<<"$text" && ! grep -q 'Kandungan' <<<"$text" \
     && ! grep -q '^Widget Maker \.' <<<"$text"; then
    ok "README: the PDF's title is the opening heading (printed once), the contents page is English"
  else fail "README: title and contents" "title '$title'; text: $(head -c 300 <<<"$text")"; fi
  # a file with neither a front matter title nor an opening heading: the file's name
  printf 'Hanya teks biasa yang ada di sini untuk anda.\n' >"$WORK/run/my_field-notes.md"
  t stem "$TERBIT" export -q --pdf -o stem.pdf my_field-notes.md
  title=$(pdfinfo "$WORK/run/stem.pdf" 2>/dev/null | sed -n 's/^Title: *//p')
  if [ "$RC" -eq 0 ] && [ "$title" = "my field notes" ] && [ -z "$ERR" ]; then ok "no title anywhere: the file's stem, '-' and '_' as spaces; -q silences the note"
  else fail "title from the file's stem" "exit $RC, title '$title', stderr: $ERR"; fi
  # -M lang=ms wins over the text, with no note
  t mlang "$TERBIT" export --pdf -o mlang.pdf -M lang=ms --metadata 'title=Buku Saya' README.md
  text=$(pdftotext "$WORK/run/mlang.pdf" - 2>/dev/null | tr -d '\f')
  title=$(pdfinfo "$WORK/run/mlang.pdf" 2>/dev/null | sed -n 's/^Title: *//p')
  if [ "$RC" -eq 0 ] && grep -qx 'Kandungan' <<<"$text" && [ "$title" = "Buku Saya" ] && ! grep -q 'note:' <<<"$ERR"; then
    ok "-M lang=ms and --metadata title=... win"
  else fail "-M lang=ms" "exit $RC, title '$title', stderr: $ERR"; fi
else
  echo "skip pdfinfo/pdftotext not installed: the README's title and contents page are not checked"
fi
# GitHub's ids: both links resolve (no 'matches no heading' warning)
t readme_ids "$TERBIT" dump README.md
if grep -q 'id=linuxunix' <<<"$OUT" && ! grep -q 'matches no heading' <<<"$ERR"; then ok "GitHub's heading ids: #linuxunix and #usage resolve"
else fail "GitHub's heading ids" "stderr: $ERR"; fi
# a malformed -M is a usage error; a bad value gets the front matter's message, exit 2
t mbad "$TERBIT" export --pdf -o mbad.pdf -M lang README.md;        expect_rc "-M without '='" 2
t mbad2 "$TERBIT" export --pdf -o mbad.pdf --metadata =x README.md; expect_rc "--metadata with an empty key" 2
t mbad3 "$TERBIT" export --pdf -o mbad.pdf -M 'lang=e!' README.md
if [ "$RC" -eq 2 ] && grep -q "lang: 'e!' is not a BCP 47 language tag" <<<"$ERR" && [ ! -e "$WORK/run/mbad.pdf" ]; then
  ok "-M lang=e!: the front matter's message, exit 2, nothing written"
else fail "-M with a bad value" "exit $RC, stderr: $ERR"; fi

e2e_finish
