// hash.h -- the one string hash of the project's open-addressing tables (heading ids, EPUB ids,
// the layout's hyphenation cache) and of the compiled-in dictionaries' identity check.
#ifndef TB_HASH_H
#define TB_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TB_FNV1A_SEED 14695981039346656037ull

/** FNV-1a, 64 bits, of n bytes, continuing from h (TB_FNV1A_SEED to start). */
static inline uint64_t tb_fnv1a(const void *data, size_t n, uint64_t h) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/** tb_fnv1a of a NUL-terminated string. */
static inline uint64_t tb_hash_str(const char *s) { return tb_fnv1a(s, strlen(s), TB_FNV1A_SEED); }

#endif
