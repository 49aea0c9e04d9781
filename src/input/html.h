// html.h -- raw HTML into the model, as GitHub shows it (README "Raw HTML").
#ifndef TB_HTML_H
#define TB_HTML_H

#include <stdbool.h>

#include "doc/doc.h"
#include "util/error.h"

typedef struct tb_html_src {
  const char *path;  /* for messages */
  const char *dir;   /* the source's folder, for images (or NULL) */
  int chapter;       /* the chapter anchors and headings made here belong to */
  int heading_shift; /* added to an HTML heading's level (a file of a book: 1) */
} tb_html_src;

/**
 * Replaces the raw HTML under root (HTML_BLOCK and HTML_INLINE nodes) with the model's nodes:
 * the HTML of a block container's children is parsed as one piece with gumbo (so a <details>
 * in one HTML block and its </details> in a later one hold the Markdown between them), and so
 * is the inline HTML of one paragraph, heading or table cell. GitHub's allowlist is kept,
 * dropped elements are warned about, headings made from HTML and anchors are registered in doc.
 * Headings made here come after the Markdown's in doc->headings: tb_doc_sort_headings puts them
 * in order. 0, or -1 with err (a limit).
 */
int tb_html_apply(tb_doc *doc, tb_node *root, const tb_html_src *src, tb_error *err);

/** True when root's subtree holds an HTML_BLOCK or HTML_INLINE node. */
bool tb_html_present(const tb_node *root);

#endif
