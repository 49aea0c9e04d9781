// hyphen_tables.h -- hyphenation automata compiled in at build time (see hyphen_gen.c).
#ifndef TB_HYPHEN_TABLES_H
#define TB_HYPHEN_TABLES_H

#include <stddef.h>
#include <stdint.h>

struct _HyphenDict;

/** One dictionary file as libhyphen loads it, identified by its name, size and hash: the
 * table stands in for the file only when all three match. */
typedef struct tb_hyphen_table {
  const char *file; /* "hyph_id_ID.dic" */
  size_t size;
  uint64_t fnv1a;
  struct _HyphenDict *dict; /* libhyphen's automaton, never freed */
} tb_hyphen_table;

extern const tb_hyphen_table tb_hyphen_tables[];
extern const size_t tb_hyphen_ntables;

/** FNV-1a, 64 bits, of n bytes. */
static inline uint64_t tb_hyphen_fnv1a(const unsigned char *p, size_t n) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

#endif
