// layout_int.h -- the layout's private state and the calls between its files. Not a stable API.
//
// The files, each calling only those below it (no circle):
//   layout.c    the entry point: papers, chapter by chapter, the layout's lifetime
//   front.c     the front matter: title page, contents list, their pages in front of the body
//   paginate.c  where a page breaks (one loop for body and front pages), footnotes at the foot,
//               running heads and folios
//   blocks.c    blocks into line boxes: paragraphs, headings, code, images, lists, quotes; notes
//   table.c     tables: column widths from content, a row one unbreakable box
//   lines.c     a paragraph's items set as lines (Knuth-Plass or first-fit), content boxes, glue
//   words.c     inline text into items: where a word is measured, hyphenated, split
//   wordcache.c hyphenators by language, the hyphenation and word caches
//   context.c   the small helpers everyone calls: draws, links, structure elements, the lists
#ifndef TB_LAYOUT_INT_H
#define TB_LAYOUT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "layout/layout.h"
#include "layout/linebreak.h"
#include "util/mem.h"

/* ------------------------------------------------------------------------------------------ */
/* Typographic constants (points). */

#define BODY_SIZE 11.0f
#define BODY_LEAD 15.2f
#define CODE_SCALE 0.86f
#define NOTE_SIZE 8.5f
#define NOTE_LEAD 11.0f
#define PARA_SKIP 5.0f
#define BLOCK_SKIP 11.0f /* above and below a block quote or a table: about a line */
#define LIST_INDENT 18.0f
#define QUOTE_INDENT 16.0f
#define HEAD_SIZE_PT 8.0f

typedef struct paper_geom {
  const char *name;
  float w, h, inner, outer, top, bottom;
} paper_geom;

/* ------------------------------------------------------------------------------------------ */
/* The vertical list: boxes of drawn content, glue between them, forced page breaks. */

typedef enum { VB_CONTENT, VB_GLUE, VB_PAGEBREAK } vb_kind;

typedef struct vbox {
  vb_kind kind;
  float h;        /* height */
  float base;     /* first baseline from the top (content) */
  bool keep_prev; /* no page break between the previous box and this one */
  size_t d0, d1;  /* draws [d0, d1) in the scratch list, y = offset below the box top */
  size_t l0, l1;  /* links */
  int heading;    /* heading anchored at this box's top, or -1 */
  int chapter;
  bool opens_chapter;
  const tb_node *start_node; /* first word in this box */
  size_t start_off;
  size_t f0, f1; /* footnote numbers referenced: fnrefs[f0, f1) */
} vbox;

typedef struct vlist {
  vbox *v;
  size_t n, cap;
} vlist;

/* ------------------------------------------------------------------------------------------ */
/* Inline text: styles, a paragraph's items */

/* A piece of text with one style, before line breaking. */
typedef struct style {
  tb_face face;
  float size, rise, gray;
  bool strike, code, nohyph;
  const char *uri;
  int heading;
  int fnref; /* footnote number for a reference mark */
  bool kbd;  /* <kbd>: a light frame around the run */
} style;

/* One box of a paragraph (parallel to the tb_lb_item array). */
typedef struct pbox {
  const char *s; /* text (not NUL-terminated), or NULL for glue/penalty */
  size_t len;
  style st;
  const tb_node *node; /* where the text comes from (page starts) */
  size_t off;
  float w;
} pbox;

/* How a paragraph's lines are set. */
typedef struct para_fmt {
  float size, lead;
  bool justify;
  bool center;
  float first_indent; /* extra width removed from the first line */
  bool widows;        /* apply widow/orphan control */
} para_fmt;

/* ------------------------------------------------------------------------------------------ */
/* The caches of words (wordcache.c) */

/* Hyphenation results by word: text repeats its words, and libhyphen is the layout's largest
 * cost without it (callgrind, 50 chapters). Open addressing, grown at 3/4 full. */
typedef struct hcache_entry {
  const char *word; /* in the layout's arena; NULL = empty slot */
  size_t len;
  const tb_hyphen *h;
  unsigned char np;
  uint16_t pts[30];
} hcache_entry;

typedef struct hcache {
  hcache_entry *slots;
  size_t cap, used;
} hcache;

typedef struct hyph_entry {
  const char *lang;
  tb_hyphen *h;
} hyph_entry;

/* Words already set: the items push_word made of the same bytes in the same face, size and
 * hyphenation, replayed instead of measured and hyphenated again. Text repeats its words (the
 * 500 most frequent make about half of any prose), and measuring and hyphenating each was a
 * quarter of the layout (callgrind, 50 chapters). Only words whose every glyph is in the fonts
 * are kept, so the missing-glyph warnings stay where they were; at most WCACHE_MAX words, so a
 * source of random letters cannot make it grow without bound. */
#define WCACHE_MAX 65536
#define WCACHE_WORD_MAX 128

typedef struct wpiece {
  uint16_t off, len; /* a box: s[off..off+len); a penalty: len 0 */
  bool box, flagged;
  unsigned char face;
  float w, penalty;
} wpiece;

typedef struct wentry {
  const char *word; /* in the layout's arena; NULL = empty slot */
  const tb_hyphen *h;
  float size;
  uint32_t first; /* its pieces: pieces[first .. first + npieces) */
  uint16_t len, npieces;
  unsigned char face;
  bool hyph;
} wentry;

typedef struct wcache {
  wentry *slots;
  size_t cap, used;
  wpiece *pieces;
  size_t npieces, pieces_cap;
} wcache;

/* A word's key: its bytes, the face and size it is set in, whether it hyphenates, and with what. */
typedef struct wkey {
  const char *s;
  size_t n;
  unsigned char face;
  float size;
  bool hyph;
  const tb_hyphen *h;
} wkey;

/* ------------------------------------------------------------------------------------------ */
/* The context: the job, then one sub-struct per concern */

/* What is drawn, not yet on a page: draws and links the boxes of the vertical list point into,
 * and the footnotes their lines cite (scratch, dropped after each chapter). */
typedef struct lo_out {
  tb_draw *draws;
  size_t ndraws, draws_cap;
  tb_link *links;
  size_t nlinks, links_cap;
  int *fnrefs;
  size_t nfnrefs, fnrefs_cap;
} lo_out;

/* Where lines go: x offset from the text block's left edge, and the width there. Saved and
 * restored as a whole around a nested block (a list item, a quote, a table cell, a note). */
typedef struct lo_frame {
  float left;
  float width;
} lo_frame;

/* The block quotes open around what is laid out: a bar for each, at x[level]. */
typedef struct lo_quotes {
  int depth;
  float x[64];
} lo_quotes;

/* What the next content box takes when it opens (lines.c's open_box): a list marker waiting for
 * its item's first line, a heading to anchor, keep-with-previous, the opening of a chapter. */
typedef struct lo_next {
  const char *marker;
  size_t marker_len;
  float marker_x;
  tb_face marker_face;
  int marker_elem; /* the element of the marker */
  int heading;     /* heading to anchor on the next content box, or -1 */
  bool keep_prev;  /* the next content box keeps with the previous one */
  int keep_lines;  /* so many next content boxes keep with the previous one (a heading's) */
  bool opens_chapter;
} lo_next;

/* The paragraph being built: items for the line breaker, the box of each, and the images met in
 * its text (set as blocks after it). */
typedef struct lo_para {
  tb_lb_item *items;
  pbox *boxes;
  size_t n, items_cap, boxes_cap;
  const tb_node **images;
  size_t nimages, images_cap;
} lo_para;

/* Hyphenators by language (the last one used first) and the caches of wordcache.c. */
typedef struct lo_words {
  hyph_entry *hyph;
  size_t nhyph, hyph_cap, last_hyph;
  hcache hc;
  wcache wc;
} lo_words;

/* Footnotes, laid out once each into their own lists: lists[number - 1]. */
typedef struct lo_notes {
  vlist *lists;
  int *elems; /* elems[number - 1]: its Note structure element */
  size_t n;
} lo_notes;

/* Where the layout is: the chapter and its language, the place in the source for warnings, and
 * the missing glyphs already warned about (a bitmap over the BMP + one bit for "beyond"). */
typedef struct lo_at {
  int chapter;
  const char *lang;
  const char *source;
  int line, col;
  unsigned char *warned;
} lo_at;

typedef struct L {
  /* the job: set once by tb_layout_new */
  const tb_doc *doc;
  const tb_fonts *fonts;
  tb_layout *lo;
  const tb_layout_opts *opts;
  paper_geom g;
  float text_w, text_h;
  bool book; /* a book (each chapter opens a page) or an article (its sections flow) */
  /* the state */
  vlist vl; /* the vertical list being built */
  lo_out out;
  lo_frame frame;
  lo_quotes quotes;
  lo_next next;
  int cur_elem; /* the structure element new draws belong to (0: artifacts) */
  /* the Link element of the last run drawn, if it was a link's (0: not), and that link's target:
   * the next run of the same link, across a line end or a change of style, joins it (PDF/UA) */
  struct {
    int elem;
    const char *uri;
    int heading;
  } link;
  lo_para para;
  lo_words words;
  lo_notes notes;
  lo_at at;
  int center;       /* > 0: inside a centred block (html.c) */
  int *anchor_lead; /* anchors met while a heading waited for its box: [i] the heading or anchor
                     * whose place anchor i takes, -1 none (html.c; NULL until needed) */
} L;

/* ------------------------------------------------------------------------------------------ */
/* context.c: small helpers over the shared state */

char *lo_strndup(L *l, const char *s, size_t n);
tb_draw *lo_add_draw(L *l);
tb_link *lo_add_link(L *l);
vbox *lo_vl_push(vlist *vl, vb_kind kind);
/* A new structure element inside parent; 0 (nothing) when nothing is drawn. */
int lo_new_elem(L *l, tb_role role, int parent);
/* Gives element e its alternate text or language (owned by the layout or the doc). */
void lo_set_elem_attr(L *l, int e, const char *alt, const char *lang);
/* Opens a new element inside the current one and makes it current; returns the one it replaces,
 * for the caller to restore. */
int lo_open_elem(L *l, tb_role role);
/* Gives a text draw its text, s[0..n) then `end` (a copy owned by the layout), and its width w
 * (end's glyphs are drawn past it). */
void lo_set_draw_text_ending(L *l, tb_draw *d, const char *s, size_t n, float w, const char *end);
void lo_set_draw_text(L *l, tb_draw *d, const char *s, size_t n, float w);

/* Appends one item to the paragraph, with its box (pb: the text it draws, NULL for none). Inline:
 * the hot path of words.c and wordcache.c. */
static inline void lo_push_item(L *l, tb_lb_type t, float w, float stretch, float shrink, float pen,
                                bool flag, const pbox *pb) {
  lo_para *pa = &l->para;
  tb_grow(&pa->items, &pa->items_cap, pa->n + 1, sizeof *pa->items);
  tb_grow(&pa->boxes, &pa->boxes_cap, pa->n + 1, sizeof *pa->boxes);
  tb_lb_item *it = &pa->items[pa->n];
  it->type = t;
  it->width = w;
  it->stretch = stretch;
  it->shrink = shrink;
  it->penalty = pen;
  it->flagged = flag;
  pbox *b = &pa->boxes[pa->n];
  if (pb)
    *b = *pb;
  else
    memset(b, 0, sizeof *b);
  b->w = w;
  pa->n++;
}

/* ------------------------------------------------------------------------------------------ */
/* wordcache.c */

/* The hyphenator of lang (made on first use; NULL when it has no patterns). */
tb_hyphen *lo_hyphenator(L *l, const char *lang);
/* tb_hyphen_points through the cache. */
size_t lo_hyphen_points(L *l, tb_hyphen *h, const char *w, size_t n, size_t *pos, size_t max);
/* The word's slot (found, or the empty slot where it would go); NULL without a table. */
wentry *lo_wcache_slot(const wcache *c, const wkey *k);
/* Remembers the items made of the key's word, from items[first] on, when they can be replayed. */
void lo_wcache_add(L *l, const wkey *key, size_t first);
/* Pushes the items of a remembered word: what push_word would push, for this occurrence. */
void lo_wcache_replay(L *l, const wentry *e, const char *s, const style *st, const tb_node *node, size_t off);
void lo_words_free(lo_words *w);

/* ------------------------------------------------------------------------------------------ */
/* words.c: inline text into a paragraph's items */

float lo_text_width(const L *l, tb_face f, float size, const char *s, size_t n);
/* lo_text_width(l, f, size, " ", 1) without the decoding (every face has a space). */
float lo_space_width(const L *l, tb_face f, float size);
/* Boxes for text s[0..n) of one style without spaces, split where the face changes. */
void lo_push_text_boxes(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off);
/* Text: words and the glue between them. */
void lo_push_fragment(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off);
void lo_push_forced_break(L *l);
/* Splits boxes wider than max_w into pieces that fit, with break points between them. */
void lo_split_overlong(L *l, float max_w);
style lo_base_style(float size);
/* Walks the inline children of `block` and builds the paragraph's items. */
void lo_collect_inlines(L *l, const tb_node *block, style base);

/* ------------------------------------------------------------------------------------------ */
/* lines.c: the paragraph set as lines, the vertical list's boxes */

/* Starts a content box of height h whose first baseline is at `base` below its top, with what
 * is pending (lo_next); lo_close_box ends it. */
vbox *lo_open_box(L *l, float h, float base);
void lo_close_box(L *l, vbox *vb);
/* Vertical space: merged with glue just before it (the larger wins). */
void lo_add_glue(L *l, float h);
/* Breaks the collected items into lines and appends one content box per line. */
void lo_set_paragraph(L *l, const para_fmt *pf);

/* ------------------------------------------------------------------------------------------ */
/* table.c, blocks.c */

void lo_layout_table(L *l, const tb_node *t);
/* html.c: the blocks only raw HTML makes (details, summary, definition lists, centred blocks),
 * and anchors */
void lo_layout_html_block(L *l, const tb_node *n);
/* Anchor heading index i (a heading or an anchor) on the next content box. */
void lo_anchor(L *l, int i);
/* Gives the anchors that shared a box with another target that one's place. */
void lo_anchors_placed(L *l);
void lo_layout_blocks(L *l, const tb_node *first);
/* Every footnote into its own list (l->notes), before the body. */
void lo_layout_notes(L *l);

/* ------------------------------------------------------------------------------------------ */
/* paginate.c */

typedef enum { LO_PAGES_BODY, LO_PAGES_FRONT } lo_pages;

tb_page *lo_new_page(L *l);
/* Copies box b's draws and links onto page p with its top at `top` (PDF y). */
void lo_place_box(L *l, tb_page *p, const vbox *b, float top, const tb_draw *draws, const tb_link *links);
/* Text centered on the page; elem 0: running heads and page numbers, artifacts. */
void lo_add_centered(tb_page *p, L *l, int elem, tb_face f, float size, float y, const char *s, float gray);
/* Moves draws and links from index d0/l0 on by dx (to the text block's left edge). */
void lo_shift_x(L *l, size_t d0, size_t l0, float dx);
/* How many content boxes keep a heading company at the foot of a page: it opens the next page
 * rather than end one with fewer than this many lines of what follows it. */
#define HEADING_KEEP_LINES 2

/* Breaks vl into pages appended to the layout's; returns how many of its boxes were used: all
 * of them, or with `partial` those of the pages that what is added to vl later cannot change
 * (the rest is left for a later call, with more boxes). */
size_t lo_paginate(L *l, const vlist *vl, lo_pages kind, bool partial);

/* ------------------------------------------------------------------------------------------ */
/* front.c */

/* The title page and the contents pages, made once the body is laid out, put in front of it. */
void lo_front_matter(L *l);

#endif
