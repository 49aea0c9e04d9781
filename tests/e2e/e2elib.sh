# e2elib.sh -- sourced by the shell end-to-end checks (check_cli.sh, check_repro.sh): their
# command line, their work folder and their tally, written once.
#
# e2e_init NAME "$@": reads --terbit BIN --source FILE (usage error, exit 2, otherwise) into
# TERBIT and SOURCE (absolute), sets STEM (the source's name without extension) and WORK (a
# fresh folder removed at exit unless TERBIT_E2E_KEEP is set). ok NAME / fail NAME WHY count the
# checks; e2e_finish prints the tally and returns non-zero if one failed.

e2e_init() {
  local name=$1; shift
  TERBIT= SOURCE=
  while [ $# -gt 0 ]; do
    case "$1" in
      --terbit) TERBIT=$2; shift 2 ;;
      --source) SOURCE=$2; shift 2 ;;
      *) echo "usage: $0 --terbit BIN --source FILE" >&2; exit 2 ;;
    esac
  done
  [ -n "$TERBIT" ] && [ -n "$SOURCE" ] || { echo "usage: $0 --terbit BIN --source FILE" >&2; exit 2; }
  TERBIT=$(realpath "$TERBIT")
  SOURCE=$(realpath "$SOURCE")
  STEM=$(basename "$SOURCE"); STEM=${STEM%.*}
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/terbit-e2e-$name-XXXXXX")
  E2E_NAME=$name
  trap e2e_cleanup EXIT
  FAILED=0 COUNT=0
}

e2e_cleanup() { if [ -n "${TERBIT_E2E_KEEP:-}" ]; then echo "info kept $WORK"; else rm -rf "$WORK"; fi; }
ok()   { COUNT=$((COUNT + 1)); echo "ok   $1"; }
fail() { COUNT=$((COUNT + 1)); FAILED=$((FAILED + 1)); echo "FAIL $1: $2"; }

e2e_finish() {
  echo "check_$E2E_NAME: $COUNT checks, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
