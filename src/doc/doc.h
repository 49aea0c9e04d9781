// doc.h -- terbit's document model: metadata, chapters, a tree of our own nodes, a heading index.
#ifndef TB_DOC_H
#define TB_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/image_kind.h"
#include "util/mem.h"
#include "util/slug.h"

/* Node types. Backends switch over every one (-Wswitch-enum). */
typedef enum {
  TB_NODE_NONE = 0,
  /* Blocks */
  TB_NODE_ROOT, /* a chapter's body */
  TB_NODE_BLOCK_QUOTE,
  TB_NODE_LIST,       /* list.ordered, list.start, list.tight */
  TB_NODE_ITEM,       /* item.task: 0 none, 1 unchecked, 2 checked */
  TB_NODE_CODE_BLOCK, /* literal (ends in '\n'), code.info */
  TB_NODE_HTML_BLOCK, /* literal: raw HTML, never rendered as markup (see README) */
  TB_NODE_PARAGRAPH,
  TB_NODE_HEADING, /* heading.level 1..6, heading.index into tb_doc.headings */
  TB_NODE_THEMATIC_BREAK,
  TB_NODE_TABLE,     /* table.ncols, table.align[ncols]: 'l','c','r' or 0 */
  TB_NODE_TABLE_ROW, /* row.header */
  TB_NODE_TABLE_CELL,
  /* Blocks made from raw HTML only (input/html.c) */
  TB_NODE_DETAILS,      /* <details>: its SUMMARY, then blocks; always shown open in the PDF */
  TB_NODE_SUMMARY,      /* holds inlines (set bold in the PDF) */
  TB_NODE_DEF_LIST,     /* <dl>: DEF_TERMs and DEF_DESCs */
  TB_NODE_DEF_TERM,     /* holds inlines */
  TB_NODE_DEF_DESC,     /* holds blocks */
  TB_NODE_CENTER,       /* align="center": blocks set centred */
  TB_NODE_FOOTNOTE_DEF, /* footnote.number (1-based, book-wide), footnote.label */
  /* Inlines */
  TB_NODE_TEXT, /* literal */
  TB_NODE_SOFTBREAK,
  TB_NODE_LINEBREAK,
  TB_NODE_CODE,        /* literal */
  TB_NODE_HTML_INLINE, /* literal: raw HTML, shown as text (see README) */
  TB_NODE_EMPH,
  TB_NODE_STRONG,
  TB_NODE_STRIKETHROUGH,
  TB_NODE_LINK,         /* link.url, link.title; link.heading >= 0 for an internal link to a heading */
  TB_NODE_IMAGE,        /* link.url, link.title, image.path (resolved local file or NULL), alt = children */
  TB_NODE_FOOTNOTE_REF, /* footnote.number, footnote.def (the TB_NODE_FOOTNOTE_DEF) */
  /* Inlines made from raw HTML only (input/html.c) */
  TB_NODE_KBD, /* <kbd>: monospace in a light frame */
  TB_NODE_SUP,
  TB_NODE_SUB,
  TB_NODE_ANCHOR, /* a link target (<a id>, <a name>, any kept element's id): heading.index into
                   * tb_doc.headings, whose entry has level 0 (in no contents, outline or toc) */
} tb_node_type;

#define TB_NODE_FIRST_BLOCK TB_NODE_ROOT
#define TB_NODE_LAST_BLOCK TB_NODE_FOOTNOTE_DEF
#define TB_NODE_FIRST_INLINE TB_NODE_TEXT
#define TB_NODE_LAST_INLINE TB_NODE_ANCHOR

typedef struct tb_node tb_node;
struct tb_node {
  tb_node_type type;
  tb_node *parent, *first, *last, *prev, *next;
  int line, col;       /* in the source file (1-based; 0 = unknown) */
  const char *literal; /* TEXT, CODE, CODE_BLOCK, HTML_*: NUL-terminated, owned by the doc */
  size_t literal_len;
  union {
    struct {
      bool ordered, tight;
      int start;
    } list;
    struct {
      int task;
    } item;
    struct {
      const char *info;
    } code;
    struct {
      int level;
      int index;
    } heading;
    struct {
      int chapter;
    } root; /* ROOT: its chapter's index */
    struct {
      int ncols;
      char *align;
    } table;
    struct {
      bool header;
    } row;
    struct {
      const char *url, *title;
      int heading;
    } link;
    struct {
      int number;
      const char *label;
      tb_node *def;
    } footnote;
  } as;
  /* IMAGE only (kept outside the union: an image is also a link-like node). */
  struct {
    const char *path;
    int width, height;
    tb_image_kind kind;
    int want_w, want_h; /* <img width height> in CSS px, 0 none: the size asked for */
  } image;
};

typedef struct tb_heading {
  int level;             /* 1..6; 0 for an anchor (TB_NODE_ANCHOR): a link target, no heading */
  const char *text;      /* plain text (no markup), UTF-8 */
  const char *slug;      /* GitHub's id, what links name: "keanehan", "keanehan-1" (unique) */
  const char *id;        /* the id written out: the slug, or "h-" + slug where the slug is not an XML
                          * name or is one of terbit's own ids (tb_doc_add_heading); unique */
  const char *file_slug; /* GitHub's id in its own file's page ("b.md#usage"): the slug, unless
                          * an earlier file of the book had the same one */
  int chapter;           /* index into tb_doc.chapters */
  tb_node *node;
} tb_heading;

typedef struct tb_chapter {
  const char *title;  /* the chapter's title heading text, or NULL for an untitled opening */
  const char *lang;   /* BCP 47 */
  const char *source; /* the file it came from */
  int heading;        /* index of its title heading in tb_doc.headings, or -1 */
  tb_node *root;      /* TB_NODE_ROOT */
} tb_chapter;

typedef struct tb_meta {
  const char *title, *subtitle;
  const char **authors;
  size_t nauthors;
  const char *lang;  /* BCP 47, default "ms" */
  bool lang_given;   /* lang came from the front matter or -M (not the default) */
  bool lang_guessed; /* no lang given: lang was read from the text (input/lang.h) */
  const char *date;  /* YYYY-MM-DD (tb_date_parse accepts it) or NULL */
  const char *category, *description, *identifier, *rights, *cover;
  const char **keywords;
  size_t nkeywords;
  bool m_authors, m_keywords; /* -M gave author / keywords: later ones add to its list */
  const char *doc_class;      /* "article", "book", or NULL: chosen by tb_doc_is_book */
} tb_meta;

typedef struct tb_doc {
  tb_arena arena;
  tb_meta meta;
  tb_chapter *chapters;
  size_t nchapters, chapters_cap;
  tb_heading *headings;
  size_t nheadings, headings_cap;
  int *id_slots; /* hash of heading slugs: index + 1 into headings, 0 = empty */
  size_t id_cap;
  int *out_slots;          /* hash of the ids written out (tb_heading.id), same shape, same cap */
  tb_slugger slugger;      /* every slug given out, for GitHub's -1, -2 ... */
  tb_slugger file_slugger; /* the same for the current file alone (a book's later files) */
  bool file_slugs;         /* file_slugger in use: a later file of a book is being read */
  tb_node **footnotes;     /* FOOTNOTE_DEF nodes by number - 1 */
  size_t nfootnotes, footnotes_cap;
  long long epoch;      /* seconds since 1970 for dates: SOURCE_DATE_EPOCH, else date, else 1980 */
  const char *uuid;     /* "urn:uuid:..." or the identifier given */
  const char *base_dir; /* folder of the first source */
  size_t nsources;      /* the source files read (1 for a document read from memory) */
  bool has_images;
} tb_doc;

tb_doc *tb_doc_new(void);
/** Frees the document and everything it owns (nodes, strings, metadata). */
void tb_doc_free(tb_doc *doc);

/** Allocates a node owned by doc, zeroed, with type set. */
tb_node *tb_node_new(tb_doc *doc, tb_node_type type);
void tb_node_append(tb_node *parent, tb_node *child);
bool tb_node_is_block(const tb_node *n);
const char *tb_node_type_name(tb_node_type t);

/** Strings owned by doc, valid until tb_doc_free. */
const char *tb_doc_strndup(tb_doc *doc, const char *s, size_t n);
const char *tb_doc_strdup(tb_doc *doc, const char *s);

/** Whether the document is set as a book (a title page, then the contents, each chapter opening
 * a page) rather than an article (title and contents on one page, sections flowing): the
 * front matter's `class` when given, else a book when its chapters come from several sources or
 * one source has two or more level-1 headings. */
bool tb_doc_is_book(const tb_doc *doc);

/** Appends a chapter; returns its index. */
int tb_doc_add_chapter(tb_doc *doc, const char *title, const char *lang, const char *source);

/** Registers a heading node (sets node->as.heading.index) with GitHub's id for its text (the
 * github-slugger algorithm, util/slug.h, counted across the whole book) and the id written out.
 * Returns the index. */
int tb_doc_add_heading(tb_doc *doc, tb_node *node, int chapter);

/** Registers an anchor node (TB_NODE_ANCHOR, sets node->as.heading.index): links name `name`
 * exactly (GitHub's <a id> and <a name>). Returns the index, or -1 when a heading or anchor of the
 * book already answers to that name (the first one keeps it). */
int tb_doc_add_anchor(tb_doc *doc, tb_node *node, const char *name, int chapter);

/** Puts the headings from index `first` on in the order their nodes have in the chapters from
 * `chapter` on and in the footnotes (headings made from HTML are registered after the
 * Markdown's), and renumbers what points at them. */
void tb_doc_sort_headings(tb_doc *doc, size_t first, size_t chapter);

/** Counts text's slug as given out without a heading: a level-1 heading taken as the title still
 * takes its slug on GitHub, so the ids after it stay GitHub's. */
void tb_doc_skip_slug(tb_doc *doc, const char *text);

/** The heading whose slug (GitHub's id, what a "#..." link names) is `id`, or -1. */
int tb_doc_find_heading(const tb_doc *doc, const char *id);

/** Appends the plain text of n's subtree (TEXT, CODE, soft breaks as spaces) to b. */
void tb_node_plain_text(const tb_node *n, tb_buf *b);

/** An IMAGE's size in CSS px: <img width height> when asked for (one of the two scales the other
 * by the image's own proportions), else the file's own. False when neither is known. */
bool tb_node_image_size(const tb_node *n, int *width, int *height);

/* Iteration, cmark style: ENTER then EXIT for nodes with children; leaves get ENTER only. */
typedef enum { TB_EVENT_NONE, TB_EVENT_DONE, TB_EVENT_ENTER, TB_EVENT_EXIT } tb_event;
typedef struct tb_iter {
  const tb_node *root, *cur;
  tb_event ev;
} tb_iter;
void tb_iter_init(tb_iter *it, const tb_node *root);
/** Next event. tb_iter_skip_children on the node just entered skips its subtree: the next
 * event is the one after that subtree (the node's own EXIT is not reported). */
tb_event tb_iter_next(tb_iter *it);
void tb_iter_skip_children(tb_iter *it);
/** True for types that get ENTER and EXIT events (they may hold children). */
bool tb_node_is_container(tb_node_type t);

/** Reads a date written YYYY-MM-DD that names a day of the Gregorian calendar (years
 * 0001..9999): the only form the front matter's `date` takes. False, with *y, *m and *d left
 * alone, for anything else. */
bool tb_date_parse(const char *s, int *y, int *m, int *d);

/** Writes an indented dump of the model (tests, `terbit dump`). */
void tb_doc_dump(const tb_doc *doc, tb_buf *out);

/** Checks tree invariants; returns the number of problems (printed to stderr). */
int tb_doc_check(const tb_doc *doc);

#endif
