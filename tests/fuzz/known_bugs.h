// known_bugs.h -- optional filters for bugs already reported, so a long campaign looks for new ones.
//
// Off unless the environment sets TB_FUZZ_SKIP_KNOWN=1 (scripts/fuzz.sh --skip-known). ctest and
// the regression replays never set it, so a reported bug keeps failing there until it is fixed.
// Remove a filter when its bug is fixed. (Fixed and removed: heading ids looping forever on
// "page-"/"fn-" slugs and taking O(n^3) for identical headings, f771a6a.)
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

/* Every known-bug filter: true when the input should be skipped.
 * Bug 2 (reported): libharu's PNG loader aborts the process (libpng error with no jmp_buf) on a
 *   PNG whose header is valid and whose data is not: tests/fuzz/images/corrupt.png.
 * Bug 3 (reported): the front matter's cover is read from any path (outside the source's folder,
 *   /dev/zero until out of memory, a FIFO forever): every input naming a cover is skipped. */
static inline bool tb_fuzz_known_bug(const uint8_t *data, size_t size) {
  if (!tb_fuzz_skip_known_enabled())
    return false;
  return tb_fuzz_has(data, size, "corrupt.png") || tb_fuzz_has(data, size, "cover");
}

#endif
