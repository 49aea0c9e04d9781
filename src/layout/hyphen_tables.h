// hyphen_tables.h -- hyphenation automata compiled in at build time (see hyphen_gen.c).
#ifndef TB_HYPHEN_TABLES_H
#define TB_HYPHEN_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "util/hash.h"

struct _HyphenDict;

/** One dictionary file as libhyphen loads it, identified by its name, size and hash: the
 * table stands in for the file only when all three match. */
typedef struct tb_hyphen_table {
  const char *file; /* "hyph_id_ID.dic" */
  size_t size;
  uint64_t fnv1a;           /* tb_fnv1a of the file's bytes from TB_FNV1A_SEED */
  struct _HyphenDict *dict; /* libhyphen's automaton, never freed */
} tb_hyphen_table;

extern const tb_hyphen_table tb_hyphen_tables[];
extern const size_t tb_hyphen_ntables;

#endif
