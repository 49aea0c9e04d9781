// layout.h -- lays a tb_doc out into pages of positioned text, rules and images. Never calls libharu.
#ifndef TB_LAYOUT_H
#define TB_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/doc.h"
#include "layout/hyphen.h"
#include "layout/metrics.h"
#include "layout/pages.h"
#include "util/error.h"

typedef enum { TB_PAPER_A4, TB_PAPER_A5, TB_PAPER_LETTER } tb_paper;

/** "a4", "a5", "letter" (any case) → paper; -1 if unknown. */
int tb_paper_parse(const char *name);
const char *tb_paper_name(tb_paper p);

typedef enum { TB_DRAW_TEXT, TB_DRAW_RULE, TB_DRAW_IMAGE } tb_draw_kind;

/** The role of a structure element of the tagged PDF: ISO 32000-1 §14.8.4's standard types. */
typedef enum {
  TB_ROLE_NONE, /* element 0: what no element holds is an artifact (running heads, rules) */
  TB_ROLE_DOCUMENT,
  TB_ROLE_SECT,
  TB_ROLE_P,
  TB_ROLE_H1,
  TB_ROLE_H2,
  TB_ROLE_H3,
  TB_ROLE_H4,
  TB_ROLE_H5,
  TB_ROLE_H6,
  TB_ROLE_BLOCKQUOTE,
  TB_ROLE_CODE,
  TB_ROLE_L,
  TB_ROLE_LI,
  TB_ROLE_LBL,
  TB_ROLE_LBODY,
  TB_ROLE_TABLE,
  TB_ROLE_TR,
  TB_ROLE_TH,
  TB_ROLE_TD,
  TB_ROLE_FIGURE,
  TB_ROLE_CAPTION,
  TB_ROLE_NOTE,
  TB_ROLE_TOC,
  TB_ROLE_TOCI,
  TB_ROLE_LINK,
  TB_ROLE_COUNT
} tb_role;

/** A structure element: what a stretch of drawn content is, inside which element. */
typedef struct tb_elem {
  tb_role role;
  int parent; /* its element; element 1 (the Document) has 0 */
} tb_elem;

/** What few elements have (kept apart: a 500-chapter book has some 40,000 elements). */
typedef struct tb_elem_attr {
  int elem;
  const char *alt;  /* FIGURE: the alternate text, or NULL */
  const char *lang; /* a language other than its parent's, or NULL */
} tb_elem_attr;

/** One thing to paint. Coordinates in points, PDF style: origin at the page's bottom-left. */
typedef struct tb_draw {
  tb_draw_kind kind;
  tb_face face;     /* TEXT */
  float x, y;       /* TEXT: baseline start; RULE: start point; IMAGE: bottom-left corner */
  float size;       /* TEXT: font size */
  float w, h;       /* RULE: end point offset (x + w, y + h); IMAGE: size */
  float line_width; /* RULE */
  float gray;       /* TEXT/RULE: 0 black .. 1 white */
  bool link;        /* TEXT: the text of a link, painted dark blue instead of gray */
  float word_space; /* TEXT: advance added after each U+0020 of the text, in points (the
                       justification of its line: may be negative); 0 for natural spaces */
  const char *text; /* TEXT: UTF-8, owned by the layout: one run of a line in one style, its
                       words separated by single spaces (ending with one before a style change;
                       a code span's spaces all kept) */
  size_t len;
  const tb_node *image; /* IMAGE: the node (image.path, image.kind) */
  int elem;             /* the structure element it belongs to (tb_layout.elems); 0: an artifact */
  bool hyphen;          /* TEXT: its text ends with the '-' the layout added at a hyphenated line
                           end (not the source's): a link's /Contents leaves it out */
  int note;             /* TEXT: a footnote's reference mark (a run of its own): the Note element
                           it cites, which the structure tree reads right after it; 0: none */
} tb_draw;

/** A clickable area. */
typedef struct tb_link {
  float x0, y0, x1, y1;
  const char *uri; /* external link, or NULL */
  int heading;     /* internal target heading, or -1 */
  int elem;        /* its Link structure element, or 0 */
} tb_link;

typedef struct tb_page {
  tb_draw *draws;
  size_t ndraws, draws_cap;
  tb_link *links;
  size_t nlinks, links_cap;
} tb_page;

/** Told, on the layout's own thread, about body pages as soon as they are final: pages[0..n)
 * follow the pages reported before (body order: the first is body page 1), and every body page
 * that begins in a chapter below chapters_done has now been reported. The infos and their labels
 * stay valid and unchanged until tb_layout_free. Lets the EPUB render a chapter while the next
 * ones are laid out. */
typedef void (*tb_layout_pages_fn)(void *ctx, size_t chapters_done, const tb_page_info *pages, size_t n);

typedef struct tb_layout_opts {
  tb_paper paper;
  const char *assets_dir;      /* for hyphenation dictionaries */
  bool page_starts_only;       /* keep only tb_page_info (the EPUB's page-list), no drawing: pages
                                  then hold no draws or links, and memory stays small */
  tb_layout_pages_fn on_pages; /* may be NULL */
  void *on_pages_ctx;
} tb_layout_opts;

#define TB_SPACE_BINS 4000

typedef struct tb_layout {
  const tb_doc *doc;
  float page_w, page_h;
  float text_x0, text_x1; /* the text block's left and right edges: nothing is drawn outside */
  tb_page *pages;         /* all pages: title page, contents, body */
  tb_page_info *info;     /* one per page: label, body, chapter, where it begins */
  size_t npages, pages_cap;
  size_t nfront;     /* pages before the body (title + contents) */
  int *heading_page; /* per heading: page index (0-based, physical) */
  float *heading_y;  /* per heading: y of the heading's top on that page */
  /* The structure of the tagged PDF: elements[1] is the Document, every other element's parent
   * comes before it. Draws point into it. Empty with page_starts_only. */
  tb_elem *elems;
  size_t nelems, elems_cap;
  tb_elem_attr *attrs; /* in the order of their elements */
  size_t nattrs, attrs_cap;
  /* Statistics for tests and the README: inter-word spaces of justified lines, as multiples
   * of the natural space, counted in bins of 1/1000 (the last bin holds everything from
   * TB_SPACE_BINS/1000 up): constant memory however long the book. */
  unsigned *space_hist; /* TB_SPACE_BINS + 1 counts */
  size_t nspaces;
  float space_max;
  tb_arena arena;
} tb_layout;

/**
 * Lays out doc: the body first (recording where each heading and page starts), then the title
 * page and the contents pages in front of it. Never fails and never returns NULL: a glyph no
 * font has is a warning, a language without hyphenation patterns is set without hyphens, and
 * running out of memory aborts (util/mem.h). err is not touched. fonts must outlive the layout.
 */
tb_layout *tb_layout_new(const tb_doc *doc, const tb_fonts *fonts, const tb_layout_opts *opts, tb_error *err);
void tb_layout_free(tb_layout *lo);

/** The median of the space statistics (a bin's lower bound), 0 if there are none. */
float tb_layout_space_median(const tb_layout *lo);

/** For tests: false makes the layout measure and hyphenate every word anew instead of replaying
 * the words it has set before (the output must not differ). true by default. */
extern bool tb_layout_word_cache;

/** Frees what page i draws (its draws, not its links or info): the PDF painter calls it once the
 * page is painted, so a long book's drawings never coexist with the whole PDF in memory. */
void tb_layout_drop_draws(tb_layout *lo, size_t i);

#endif
