// pages.h -- what the layout tells other backends about its pages (the EPUB's page-list).
#ifndef TB_PAGES_H
#define TB_PAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/doc.h"

/** One page of the laid-out (PDF) edition. */
typedef struct tb_page_info {
  const char *label; /* printed page label: "i", "ii" for front matter, "1", "2" ... for the body */
  bool body;         /* a body page (starts_at is set) */
  int chapter;       /* chapter the page begins in, -1 for front matter */
  /* Where the page begins, for body pages: the node holding the first word of the page (TEXT,
   * CODE, CODE_BLOCK, HTML_INLINE or HTML_BLOCK, with byte offset `offset` into its literal, always at a
   * word start), or a block without text (IMAGE, THEMATIC_BREAK, TABLE ...; offset 0) when the
   * page begins with one. A page break never falls inside a word. */
  const tb_node *node;
  size_t offset;
} tb_page_info;

#endif
