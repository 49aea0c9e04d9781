// markdown.h -- cmark-gfm's tree → our model (literals copied into the doc; cmark freed).
#ifndef TB_MARKDOWN_H
#define TB_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/doc.h"
#include "util/error.h"

typedef struct tb_md_source {
  const char *path; /* for messages */
  const char *dir;  /* folder for relative images, or NULL */
  const char *body; /* Markdown after the front matter */
  size_t len;
  int line_offset;      /* lines before body in the file */
  const char *lang;     /* chapter language */
  const char *title;    /* the title from the front matter or -M, or NULL */
  const char *fallback; /* the title when there is neither that nor an opening level-1 heading */
  bool split;           /* single file: split into chapters at the shallowest heading level */
} tb_md_source;

/**
 * Parses src and appends its chapter(s) to doc. The title (*title, owned by doc) is src->title;
 * else the text of a level-1 heading that opens the body; else src->fallback. An opening level-1
 * heading that gives the title, or repeats src->title, is not a body heading: a single file drops
 * it (its sections are the document's, the file splits at the shallowest level left), a file of a
 * book makes it the chapter's title heading. Otherwise a file of a book gets a level-1 title
 * heading made of the title, as before. 0, or -1 with err.
 */
int tb_markdown_import(tb_doc *doc, const tb_md_source *src, const char **title, tb_error *err);

#endif
