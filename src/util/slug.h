// slug.h -- GitHub's heading ids: the github-slugger algorithm (lower case; letters, marks,
// numbers, '_', '-' and ' ' kept, everything else dropped; ' ' to '-'; repeats get -1, -2 ...).
#ifndef TB_SLUG_H
#define TB_SLUG_H

#include <stddef.h>

#include "util/mem.h"

/** Appends github-slugger's `slug(text)` (no uniqueness) to b: text lower-cased as JavaScript's
 * toLowerCase does, the code points in github-slugger's regex dropped, each ' ' made '-'. text is
 * valid UTF-8 of len bytes. May append nothing (a heading of symbols only). */
void tb_slug_github(const char *text, size_t len, tb_buf *b);

/** github-slugger's BananaSlug: remembers every slug it gave out, so that a repeat gets the next
 * free "-N" suffix exactly as github-slugger's occurrence count does ("echo", "echo-1", then
 * "echo 1" gives "echo-1-1"). */
typedef struct tb_slugger {
  char **keys; /* open addressing, NULL = empty; the strings in arena */
  int *counts;
  /* One malloc per slug, made while cmark's nodes are freed, lands in their holes and keeps them
   * from joining: the document's arena blocks no longer fit there and the heap grows (6 MiB on a
   * 3,000-heading book). The keys live as long as the slugger: an arena of its own. */
  tb_arena arena;
  size_t cap, n;
} tb_slugger;

/** Appends the unique slug of text (len bytes) to b and remembers it. */
void tb_slugger_slug(tb_slugger *s, const char *text, size_t len, tb_buf *b);
void tb_slugger_free(tb_slugger *s);

#endif
