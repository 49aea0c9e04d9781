#!/usr/bin/env bash
# check_repro.sh -- terbit's output is reproducible: the same source gives byte-identical PDF
# and EPUB files whatever the time of day, the time zone, the current folder or the output
# folder, with or without SOURCE_DATE_EPOCH; and SOURCE_DATE_EPOCH sets the EPUB's
# dcterms:modified, its zip entry times (in UTC) and the PDF's CreationDate/ModDate.
#
# Usage: check_repro.sh --terbit BIN --source FILE
# Tools: cmp, unzip (zipinfo), pdfinfo (optional).  Exit status: 0 all passed, 1 a check
# failed, 77 unzip missing.
set -u

. "$(dirname "$0")/e2elib.sh"
e2e_init repro "$@"
command -v unzip >/dev/null || { echo "SKIP: unzip not installed"; exit 77; }

# export NAME [VAR=VALUE ...]: exports SOURCE into $WORK/NAME/ with that environment (and
# SOURCE_DATE_EPOCH removed unless given)
export_as() {
  local name=$1; shift
  mkdir -p "$WORK/$name"
  if ! (cd "$WORK" && env -u SOURCE_DATE_EPOCH "$@" "$TERBIT" export --pdf --epub -q -o "$name/" "$SOURCE" \
        >"$WORK/$name.log" 2>&1); then
    fail "export $name" "$(head -c 400 "$WORK/$name.log")"
    return 1
  fi
}
same() { # WHAT A B
  local a b
  for ext in pdf epub; do
    a="$WORK/$2/$STEM.$ext"; b="$WORK/$3/$STEM.$ext"
    if cmp -s "$a" "$b"; then ok "$1: $ext byte-identical"
    else fail "$1: $ext byte-identical" "$(cmp "$a" "$b" 2>&1 | head -1)$( [ $ext = epub ] && diff <(unzip -v "$a" 2>&1 | tail -n +4) <(unzip -v "$b" 2>&1 | tail -n +4) | head -6 | tr '\n' ' ')"; fi
  done
}
modified() { unzip -p "$WORK/$1/$STEM.epub" '*.opf' | grep -o '<meta property="dcterms:modified">[^<]*' | sed 's/.*>//'; }

# without SOURCE_DATE_EPOCH: twice, two seconds apart (so a clock reading would show), in two
# time zones
export_as plain-a TZ=UTC
sleep 2
export_as plain-b TZ=Asia/Kuala_Lumpur
same "without SOURCE_DATE_EPOCH, 2 s apart, UTC vs Asia/Kuala_Lumpur" plain-a plain-b

# with SOURCE_DATE_EPOCH: UTC vs Asia/Kuala_Lumpur (UTC+8: the local date differs at 22:13 UTC)
export_as sde-a SOURCE_DATE_EPOCH=1700000000 TZ=UTC
export_as sde-b SOURCE_DATE_EPOCH=1700000000 TZ=Asia/Kuala_Lumpur
same "SOURCE_DATE_EPOCH=1700000000, UTC vs Asia/Kuala_Lumpur" sde-a sde-b

# the current folder and a relative source path change nothing
mkdir -p "$WORK/elsewhere"
rel=$(realpath --relative-to="$WORK/elsewhere" "$SOURCE")
if (cd "$WORK/elsewhere" && env SOURCE_DATE_EPOCH=1700000000 TZ=UTC "$TERBIT" export --pdf --epub -q -o ../sde-c/ "$rel" \
      >"$WORK/sde-c.log" 2>&1); then
  same "another current folder, relative source path, another output folder" sde-a sde-c
else fail "export from another folder" "$(head -c 400 "$WORK/sde-c.log")"; fi

# SOURCE_DATE_EPOCH sets dcterms:modified
export_as sde-later SOURCE_DATE_EPOCH=1800000000 TZ=UTC
m1=$(modified sde-a) m2=$(modified sde-later)
[ "$m1" = "2023-11-14T22:13:20Z" ] && ok "dcterms:modified = SOURCE_DATE_EPOCH 1700000000 ($m1)" \
  || fail "dcterms:modified = SOURCE_DATE_EPOCH 1700000000" "got '$m1', want 2023-11-14T22:13:20Z"
[ "$m2" = "2027-01-15T08:00:00Z" ] && ok "dcterms:modified = SOURCE_DATE_EPOCH 1800000000 ($m2)" \
  || fail "dcterms:modified = SOURCE_DATE_EPOCH 1800000000" "got '$m2', want 2027-01-15T08:00:00Z"
[ -n "$m1" ] && [ "$m1" != "$m2" ] && ok "changing SOURCE_DATE_EPOCH changes dcterms:modified" \
  || fail "changing SOURCE_DATE_EPOCH changes dcterms:modified" "'$m1' vs '$m2'"

# ... and every EPUB entry's zip time, in UTC (the EPUB was made in UTC+8)
times=$(unzip -Z -T "$WORK/sde-b/$STEM.epub" | awk '/^[-dl]/ {print $7}' | sort -u | xargs)
[ "$times" = "20231114.221320" ] && ok "EPUB zip entry times = SOURCE_DATE_EPOCH in UTC ($times)" \
  || fail "EPUB zip entry times = SOURCE_DATE_EPOCH in UTC" "zipinfo times: '$times', want 20231114.221320"

# ... and the PDF's CreationDate and ModDate (exported in UTC+8: the dates must still be UTC's)
if command -v pdfinfo >/dev/null; then
  dates=$(pdfinfo -isodates "$WORK/sde-b/$STEM.pdf" | grep -E '^(CreationDate|ModDate):' | awk '{print $2}' | sort -u | xargs)
  [ "$dates" = "2023-11-14T22:13:20Z" ] && ok "PDF CreationDate and ModDate = SOURCE_DATE_EPOCH ($dates)" \
    || fail "PDF CreationDate and ModDate = SOURCE_DATE_EPOCH" "pdfinfo -isodates: '$dates', want 2023-11-14T22:13:20Z"
fi

e2e_finish
