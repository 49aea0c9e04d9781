// markdown.c -- cmark-gfm's tree → our model (literals copied into the doc; cmark freed).
#include "input/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

#include "input/html.h"
#include "input/image.h"

/* cmark_node_type also takes values registered at run time by extensions (tables,
 * strikethrough), so no switch over it can be complete: -Wswitch-enum is off for this file. */
#pragma GCC diagnostic ignored "-Wswitch-enum"
#include "input/limits.h"

typedef struct import_ctx {
  tb_doc *doc;
  const tb_md_source *src;
  tb_error *err;
  int chapter;       /* current chapter index */
  int footnote_base; /* book-wide number of this file's first footnote, minus one */
  int nfootnotes;    /* this file's footnote definitions */
  int heading_shift; /* multi-file: headings move one level down under the chapter title */
  bool html;         /* raw HTML met: html.c rebuilds it once the file is read */
} import_ctx;

static int line_of(const import_ctx *c, cmark_node *n) {
  int l = cmark_node_get_start_line(n);
  return l > 0 ? l + c->src->line_offset : 0;
}

static int col_of(cmark_node *n) { return cmark_node_get_start_column(n); }

/* Our type for a cmark node; extension nodes are told apart by their type string. */
static tb_node_type map_type(cmark_node *n) {
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_BLOCK_QUOTE: return TB_NODE_BLOCK_QUOTE;
  case CMARK_NODE_LIST: return TB_NODE_LIST;
  case CMARK_NODE_ITEM: return TB_NODE_ITEM;
  case CMARK_NODE_CODE_BLOCK: return TB_NODE_CODE_BLOCK;
  case CMARK_NODE_HTML_BLOCK: return TB_NODE_HTML_BLOCK;
  case CMARK_NODE_PARAGRAPH: return TB_NODE_PARAGRAPH;
  case CMARK_NODE_HEADING: return TB_NODE_HEADING;
  case CMARK_NODE_THEMATIC_BREAK: return TB_NODE_THEMATIC_BREAK;
  case CMARK_NODE_FOOTNOTE_DEFINITION: return TB_NODE_FOOTNOTE_DEF;
  case CMARK_NODE_TEXT: return TB_NODE_TEXT;
  case CMARK_NODE_SOFTBREAK: return TB_NODE_SOFTBREAK;
  case CMARK_NODE_LINEBREAK: return TB_NODE_LINEBREAK;
  case CMARK_NODE_CODE: return TB_NODE_CODE;
  case CMARK_NODE_HTML_INLINE: return TB_NODE_HTML_INLINE;
  case CMARK_NODE_EMPH: return TB_NODE_EMPH;
  case CMARK_NODE_STRONG: return TB_NODE_STRONG;
  case CMARK_NODE_LINK: return TB_NODE_LINK;
  case CMARK_NODE_IMAGE: return TB_NODE_IMAGE;
  case CMARK_NODE_FOOTNOTE_REFERENCE: return TB_NODE_FOOTNOTE_REF;
  default: break;
  }
  const char *ts = cmark_node_get_type_string(n);
  if (!strcmp(ts, "table"))
    return TB_NODE_TABLE;
  if (!strcmp(ts, "table_header") || !strcmp(ts, "table_row"))
    return TB_NODE_TABLE_ROW;
  if (!strcmp(ts, "table_cell"))
    return TB_NODE_TABLE_CELL;
  if (!strcmp(ts, "strikethrough"))
    return TB_NODE_STRIKETHROUGH;
  if (!strcmp(ts, "tasklist"))
    return TB_NODE_ITEM;
  return TB_NODE_NONE;
}

static const char *dup_or_null(tb_doc *doc, const char *s) {
  return (s && *s) ? tb_doc_strdup(doc, s) : NULL;
}

/* Makes our node for cmark node n (without children). NULL for a node we drop. */
static tb_node *make_node(import_ctx *c, cmark_node *n) {
  tb_doc *doc = c->doc;
  tb_node_type t = map_type(n);
  if (t == TB_NODE_NONE) {
    tb_warn(c->src->path, line_of(c, n), col_of(n), "unsupported Markdown element '%s' dropped",
            cmark_node_get_type_string(n));
    return NULL;
  }
  tb_node *o = tb_node_new(doc, t);
  o->line = line_of(c, n);
  o->col = col_of(n);
  const char *lit = NULL;
  switch (t) {
  case TB_NODE_TEXT:
  case TB_NODE_CODE:
  case TB_NODE_CODE_BLOCK:
  case TB_NODE_HTML_BLOCK:
  case TB_NODE_HTML_INLINE:
    c->html = c->html || t == TB_NODE_HTML_BLOCK || t == TB_NODE_HTML_INLINE;
    lit = cmark_node_get_literal(n);
    if (!lit)
      lit = "";
    o->literal_len = strlen(lit);
    o->literal = tb_doc_strndup(doc, lit, o->literal_len);
    if (t == TB_NODE_CODE_BLOCK)
      o->as.code.info = dup_or_null(doc, cmark_node_get_fence_info(n));
    break;
  case TB_NODE_LIST:
    o->as.list.ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
    o->as.list.tight = cmark_node_get_list_tight(n) != 0;
    o->as.list.start = o->as.list.ordered ? cmark_node_get_list_start(n) : 0;
    break;
  case TB_NODE_ITEM:
    if (!strcmp(cmark_node_get_type_string(n), "tasklist"))
      o->as.item.task = cmark_gfm_extensions_get_tasklist_item_checked(n) ? 2 : 1;
    break;
  case TB_NODE_HEADING: {
    int level = cmark_node_get_heading_level(n) + c->heading_shift;
    o->as.heading.level = level > 6 ? 6 : level;
    break;
  }
  case TB_NODE_TABLE: {
    int ncols = cmark_gfm_extensions_get_table_columns(n);
    if (ncols > TB_MAX_TABLE_COLUMNS) {
      tb_error_set(c->err, TB_ERR_LIMIT, c->src->path, o->line, o->col,
                   "table has %d columns; the limit is %d", ncols, TB_MAX_TABLE_COLUMNS);
      return NULL;
    }
    o->as.table.ncols = ncols;
    o->as.table.align = tb_arena_alloc(&doc->arena, (size_t)ncols + 1);
    uint8_t *al = cmark_gfm_extensions_get_table_alignments(n);
    for (int i = 0; i < ncols; i++)
      o->as.table.align[i] = (char)(al ? al[i] : 0);
    break;
  }
  case TB_NODE_TABLE_ROW: o->as.row.header = cmark_gfm_extensions_get_table_row_is_header(n) != 0; break;
  case TB_NODE_LINK:
  case TB_NODE_IMAGE:
    o->as.link.url = tb_doc_strdup(doc, cmark_node_get_url(n) ? cmark_node_get_url(n) : "");
    o->as.link.title = dup_or_null(doc, cmark_node_get_title(n));
    o->as.link.heading = -1;
    break;
  case TB_NODE_FOOTNOTE_REF: {
    lit = cmark_node_get_literal(n);
    long k = lit ? strtol(lit, NULL, 10) : 0; /* cmark's own number for the note */
    if (k < 1 || k > c->nfootnotes) {
      /* A reference cmark did not resolve: keep its text. */
      o->type = TB_NODE_TEXT;
      o->literal = tb_doc_strdup(doc, "");
      return o;
    }
    o->as.footnote.number = c->footnote_base + (int)k;
    o->as.footnote.def = doc->footnotes[o->as.footnote.number - 1];
    break;
  }
  case TB_NODE_FOOTNOTE_DEF:
  case TB_NODE_NONE:
  case TB_NODE_ROOT:
  case TB_NODE_BLOCK_QUOTE:
  case TB_NODE_PARAGRAPH:
  case TB_NODE_THEMATIC_BREAK:
  case TB_NODE_SOFTBREAK:
  case TB_NODE_LINEBREAK:
  case TB_NODE_EMPH:
  case TB_NODE_STRONG:
  case TB_NODE_STRIKETHROUGH:
  case TB_NODE_TABLE_CELL:
  case TB_NODE_DETAILS: /* these come from raw HTML (html.c), never from cmark */
  case TB_NODE_SUMMARY:
  case TB_NODE_DEF_LIST:
  case TB_NODE_DEF_TERM:
  case TB_NODE_DEF_DESC:
  case TB_NODE_CENTER:
  case TB_NODE_KBD:
  case TB_NODE_SUP:
  case TB_NODE_SUB:
  case TB_NODE_ANCHOR: break;
  }
  return o;
}

static bool cmark_is_leaf(cmark_node *n) {
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_HTML_BLOCK:
  case CMARK_NODE_THEMATIC_BREAK:
  case CMARK_NODE_CODE_BLOCK:
  case CMARK_NODE_TEXT:
  case CMARK_NODE_SOFTBREAK:
  case CMARK_NODE_LINEBREAK:
  case CMARK_NODE_CODE:
  case CMARK_NODE_HTML_INLINE: return true;
  default: return false;
  }
}

typedef struct frame {
  cmark_node *cm;
  tb_node *node; /* NULL: a dropped subtree */
} frame;

/* Converts the subtree of cmark node `top` (itself included) under `parent`. Iterative: cmark's
 * iterator, with a stack of open containers; nesting is limited (limits.h). */
static int convert(import_ctx *c, cmark_node *top, tb_node *parent) {
  frame stack[TB_MAX_NESTING + 2];
  size_t depth = 0, skipping = 0;
  int rc = 0;
  cmark_iter *it = cmark_iter_new(top);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *n = cmark_iter_get_node(it);
    if (ev == CMARK_EVENT_EXIT) {
      if (depth > 0 && stack[depth - 1].cm == n) {
        tb_node *o = stack[depth - 1].node;
        if (!o)
          skipping--;
        else if (o->type == TB_NODE_HEADING) /* its text is complete now: make its id */
          tb_doc_add_heading(c->doc, o, c->chapter);
        depth--;
      }
      continue;
    }
    tb_node *o = skipping ? NULL : make_node(c, n);
    if (tb_error_is_set(c->err)) {
      rc = -1;
      break;
    }
    if (o)
      tb_node_append(depth ? stack[depth - 1].node : parent, o);
    if (o && o->type == TB_NODE_IMAGE)
      tb_image_resolve(c->doc, o, c->src->path, c->src->dir);
    if (!cmark_is_leaf(n)) {
      if (depth >= TB_MAX_NESTING) {
        rc = tb_error_set(c->err, TB_ERR_LIMIT, c->src->path, line_of(c, n), col_of(n),
                          "nesting deeper than %d levels (block quotes, lists, emphasis, links)",
                          TB_MAX_NESTING);
        break;
      }
      if (!o)
        skipping++;
      stack[depth].cm = n;
      stack[depth].node = o;
      depth++;
    }
  }
  cmark_iter_free(it);
  return rc;
}

static void attach_extensions(cmark_parser *p) {
  static const char *const names[] = {"table", "strikethrough", "autolink", "tasklist"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    cmark_syntax_extension *e = cmark_find_syntax_extension(names[i]);
    if (e)
      cmark_parser_attach_syntax_extension(p, e);
  }
}

/* The chapter title heading of a multi-file book: a level-1 heading made of the file's title. */
static void add_title_heading(import_ctx *c) {
  tb_chapter *ch = &c->doc->chapters[c->chapter];
  tb_node *h = tb_node_new(c->doc, TB_NODE_HEADING);
  h->as.heading.level = 1;
  h->line = 1;
  h->col = 1;
  tb_node *t = tb_node_new(c->doc, TB_NODE_TEXT);
  t->literal = ch->title;
  t->literal_len = strlen(ch->title);
  tb_node_append(h, t);
  tb_node_append(ch->root, h);
  ch->heading = tb_doc_add_heading(c->doc, h, c->chapter);
}

/* The plain text of a cmark subtree, as tb_node_plain_text gives it of ours. */
static void cm_plain_text(cmark_node *top, tb_buf *b) {
  cmark_iter *it = cmark_iter_new(top);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *n = cmark_iter_get_node(it);
    if (ev != CMARK_EVENT_ENTER)
      continue;
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) { /* tags are no text (GitHub's ids too) */
      const char *lit = cmark_node_get_literal(n);
      tb_buf_puts(b, lit ? lit : "");
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      tb_buf_putc(b, ' ');
    }
  }
  cmark_iter_free(it);
}

/* The file's raw HTML into the model (html.c), chapter by chapter and note by note; the headings
 * it makes are put in document order. */
static int import_html(import_ctx *c, size_t first_chapter, size_t first_heading) {
  tb_doc *doc = c->doc;
  int rc = 0;
  tb_html_src hs = {c->src->path, c->src->dir, (int)first_chapter, c->heading_shift};
  for (size_t ci = first_chapter; ci < doc->nchapters && rc == 0; ci++) {
    hs.chapter = (int)ci;
    rc = tb_html_apply(doc, doc->chapters[ci].root, &hs, c->err);
  }
  hs.chapter = (int)first_chapter;
  for (int k = 0; k < c->nfootnotes && rc == 0; k++)
    rc = tb_html_apply(doc, doc->footnotes[c->footnote_base + k], &hs, c->err);
  if (rc == 0)
    tb_doc_sort_headings(doc, first_heading, first_chapter);
  if (rc == 0 && doc->nheadings > TB_MAX_HEADINGS)
    rc = tb_error_set(c->err, TB_ERR_LIMIT, c->src->path, 0, 0, "more than %d headings", TB_MAX_HEADINGS);
  return rc;
}

int tb_markdown_import(tb_doc *doc, const tb_md_source *src, const char **title, tb_error *err) {
  import_ctx ctx = {doc, src, err, 0, (int)doc->nfootnotes, 0, 0, false};
  size_t first_chapter = doc->nchapters, first_heading = doc->nheadings;
  int rc = 0;
  cmark_gfm_core_extensions_ensure_registered();
  /* No CMARK_OPT_SMART: the text stays exactly as written (curly quotes, dashes and ellipses
   * render where the source has them). */
  cmark_parser *p = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_FOOTNOTES);
  attach_extensions(p);
  cmark_parser_feed(p, src->body, src->len);
  cmark_node *root = cmark_parser_finish(p);

  /* Footnote definitions first: cmark gathers the referenced ones at the end, in order of
   * first reference. They stay outside the chapter trees; references point at them. */
  for (cmark_node *n = cmark_node_first_child(root); n; n = cmark_node_next(n)) {
    if (cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_DEFINITION)
      continue;
    tb_node *def = tb_node_new(doc, TB_NODE_FOOTNOTE_DEF);
    def->line = line_of(&ctx, n);
    def->col = col_of(n);
    // NOLINTNEXTLINE(bugprone-sizeof-expression): the elements are pointers, so sizeof is a pointer's
    tb_grow(&doc->footnotes, &doc->footnotes_cap, doc->nfootnotes + 1, sizeof *doc->footnotes);
    doc->footnotes[doc->nfootnotes++] = def;
    def->as.footnote.number = (int)doc->nfootnotes;
    ctx.nfootnotes++;
  }

  /* The title: the front matter's (or -M's), else an opening level-1 heading's text, else the
   * file's name. An opening level-1 heading that is the title is not repeated in the body. */
  cmark_node *opening = cmark_node_first_child(root);
  while (opening && cmark_node_get_type(opening) == CMARK_NODE_FOOTNOTE_DEFINITION)
    opening = cmark_node_next(opening);
  if (opening &&
      !(cmark_node_get_type(opening) == CMARK_NODE_HEADING && cmark_node_get_heading_level(opening) == 1))
    opening = NULL;
  if (opening) {
    tb_buf text = {0};
    cm_plain_text(opening, &text);
    const char *t = tb_doc_strndup(doc, text.data ? text.data : "", text.len);
    tb_buf_free(&text);
    if (!*t || (src->title && strcmp(src->title, t) != 0))
      opening = NULL; /* an empty heading gives no title; another text is a body heading */
    else
      *title = src->title ? src->title : t;
  }
  if (!opening)
    *title = src->title ? src->title : src->fallback;

  /* Chapters: a single file splits before each heading of its shallowest top-level level (the
   * opening heading taken as the title aside). */
  int split_level = 7;
  if (src->split)
    for (cmark_node *n = cmark_node_first_child(root); n; n = cmark_node_next(n))
      if (n != opening && cmark_node_get_type(n) == CMARK_NODE_HEADING &&
          cmark_node_get_heading_level(n) < split_level)
        split_level = cmark_node_get_heading_level(n);

  if (src->split && opening) {
    /* GitHub gives the heading its id all the same: the ids after it count it */
    tb_doc_skip_slug(doc, *title);
    cmark_node_free(opening);
    opening = NULL;
  }
  if (!src->split) {
    ctx.chapter = tb_doc_add_chapter(doc, *title, src->lang, src->path);
    ctx.heading_shift = 1;
    if (opening) { /* the heading itself, with its markup, is the chapter's title heading */
      ctx.heading_shift = 0;
      size_t before = doc->nheadings;
      rc = convert(&ctx, opening, doc->chapters[ctx.chapter].root);
      if (rc == 0 && doc->nheadings > before)
        doc->chapters[ctx.chapter].heading = (int)before;
      ctx.heading_shift = 1;
      cmark_node_free(opening);
    } else {
      add_title_heading(&ctx);
    }
  }
  bool open = !src->split;
  int k = 0;
  cmark_node *next;
  for (cmark_node *n = cmark_node_first_child(root); n && rc == 0; n = next) {
    next = cmark_node_next(n);
    if (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_DEFINITION) {
      tb_node *def = doc->footnotes[ctx.footnote_base + k++];
      for (cmark_node *ch = cmark_node_first_child(n); ch && rc == 0; ch = cmark_node_next(ch))
        rc = convert(&ctx, ch, def);
      continue;
    }
    bool starts = src->split && cmark_node_get_type(n) == CMARK_NODE_HEADING &&
                  cmark_node_get_heading_level(n) == split_level;
    if (!open || starts) {
      ctx.chapter = tb_doc_add_chapter(doc, NULL, src->lang, src->path);
      open = true;
    }
    size_t before = doc->nheadings;
    rc = convert(&ctx, n, doc->chapters[ctx.chapter].root);
    if (starts && rc == 0 && doc->nheadings > before) {
      tb_chapter *ch = &doc->chapters[ctx.chapter];
      ch->heading = (int)before;
      ch->title = doc->headings[before].text;
    }
    if (doc->nheadings > TB_MAX_HEADINGS)
      rc = tb_error_set(err, TB_ERR_LIMIT, src->path, line_of(&ctx, n), col_of(n), "more than %d headings",
                        TB_MAX_HEADINGS);
    /* copied into our model: cmark's part of the tree can go now (memory) */
    cmark_node_free(n);
  }
  if (rc == 0 && !open) /* an empty single-file body still makes one chapter */
    tb_doc_add_chapter(doc, NULL, src->lang, src->path);
  if (rc == 0 && ctx.html) /* the parser of HTML runs only where there is HTML */
    rc = import_html(&ctx, first_chapter, first_heading);
  cmark_node_free(root);
  cmark_parser_free(p);
  return rc;
}
