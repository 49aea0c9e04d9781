// known_bugs.h -- optional filters for bugs already reported, so a long campaign looks for new ones.
//
// Off unless the environment sets TB_FUZZ_SKIP_KNOWN=1 (scripts/fuzz.sh --skip-known). ctest and
// the regression replays never set it, so a reported bug keeps failing there until it is fixed.
// Remove a filter when its bug is fixed.
#ifndef TB_FUZZ_KNOWN_BUGS_H
#define TB_FUZZ_KNOWN_BUGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline bool tb_fuzz_skip_known_enabled(void) {
  static int on = -1;
  if (on < 0) {
    const char *e = getenv("TB_FUZZ_SKIP_KNOWN");
    on = e && *e && strcmp(e, "0") != 0;
  }
  return on;
}

/* True when needle occurs in data[0..size). */
static inline bool tb_fuzz_has(const uint8_t *data, size_t size, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; n <= size && i <= size - n; i++)
    if (memcmp(data + i, needle, n) == 0)
      return true;
  return false;
}

/* Every known-bug filter: true when the input should be skipped. None is active: every bug
 * reported so far is fixed (heading ids looping on "page-"/"fn-" and O(n^3) for identical
 * headings, f771a6a; libharu aborting on a corrupt PNG, e44fcc7; the cover read from any path,
 * /dev/zero or a FIFO, 95f14af). Add one as `|| tb_fuzz_has(data, size, "...")` when a bug is
 * reported and not fixed yet, and take it out with the fix. */
static inline bool tb_fuzz_known_bug(const uint8_t *data, size_t size) {
  if (!tb_fuzz_skip_known_enabled())
    return false;
  (void)tb_fuzz_has;
  (void)data;
  (void)size;
  return false;
}

#endif
