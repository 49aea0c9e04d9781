// markdown.h -- cmark-gfm's tree → our model (literals copied into the doc; cmark freed).
#ifndef TB_MARKDOWN_H
#define TB_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/doc.h"
#include "util/error.h"

typedef struct tb_md_source {
  const char *path;    /* for messages */
  const char *dir;     /* folder for relative images, or NULL */
  const char *body;    /* Markdown after the front matter */
  size_t len;
  int line_offset;     /* lines before body in the file */
  const char *lang;    /* chapter language */
  const char *title;   /* multi-file: the chapter title (a level-1 heading is made of it) */
  bool split;          /* single file: split into chapters at the shallowest heading level */
} tb_md_source;

/** Parses src and appends its chapter(s) to doc. 0, or -1 with err. */
int tb_markdown_import(tb_doc *doc, const tb_md_source *src, tb_error *err);

#endif
