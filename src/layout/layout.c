// layout.c -- the model laid out into pages: paragraphs (total-fit), blocks, pagination,
// footnotes, running heads, then the title and contents pages in front. No libharu here.
#include "layout/layout.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/linebreak.h"
#include "util/hash.h"
#include "util/i18n.h"
#include "util/url.h"

/* ------------------------------------------------------------------------------------------ */
/* Typographic constants (points). */

#define BODY_SIZE 11.0f
#define BODY_LEAD 15.2f
#define CODE_SCALE 0.86f
#define NOTE_SIZE 8.5f
#define NOTE_LEAD 11.0f
#define PARA_SKIP 5.0f
#define LIST_INDENT 18.0f
#define QUOTE_INDENT 16.0f
#define HEAD_SIZE_PT 8.0f

static const float heading_size[7] = {0, 19.0f, 15.0f, 12.5f, 11.0f, 10.5f, 10.5f};

typedef struct paper_geom {
  const char *name;
  float w, h, inner, outer, top, bottom;
} paper_geom;

/* Margins proportioned to the size (about 1/9 of the width at the sides). */
static const paper_geom papers[] = {
    [TB_PAPER_A4] = {"A4", 595.276f, 841.89f, 82.0f, 82.0f, 84.0f, 92.0f},
    [TB_PAPER_A5] = {"A5", 419.528f, 595.276f, 50.0f, 50.0f, 56.0f, 62.0f},
    [TB_PAPER_LETTER] = {"Letter", 612.0f, 792.0f, 76.0f, 76.0f, 76.0f, 82.0f},
};

int tb_paper_parse(const char *name) {
  if (!strcasecmp(name, "a4")) return TB_PAPER_A4;
  if (!strcasecmp(name, "a5")) return TB_PAPER_A5;
  if (!strcasecmp(name, "letter")) return TB_PAPER_LETTER;
  return -1;
}

const char *tb_paper_name(tb_paper p) { return papers[p].name; }

/* ------------------------------------------------------------------------------------------ */
/* The vertical list: boxes of drawn content, glue between them, forced page breaks. */

typedef enum { VB_CONTENT, VB_GLUE, VB_PAGEBREAK } vb_kind;

typedef struct vbox {
  vb_kind kind;
  float h;          /* height */
  float base;       /* first baseline from the top (content) */
  bool keep_prev;   /* no page break between the previous box and this one */
  size_t d0, d1;    /* draws [d0, d1) in the scratch list, y = offset below the box top */
  size_t l0, l1;    /* links */
  int heading;      /* heading anchored at this box's top, or -1 */
  int chapter;
  bool opens_chapter;
  const tb_node *start_node; /* first word in this box */
  size_t start_off;
  size_t f0, f1;    /* footnote numbers referenced: fnrefs[f0, f1) */
} vbox;

typedef struct vlist {
  vbox *v;
  size_t n, cap;
} vlist;

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
  uint32_t first;   /* its pieces: pieces[first .. first + npieces) */
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

/* A piece of text with one style, before line breaking. */
typedef struct style {
  tb_face face;
  float size, rise, gray;
  bool strike, code, nohyph;
  const char *uri;
  int heading;
  int fnref; /* footnote number for a reference mark */
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

typedef struct L {
  const tb_doc *doc;
  const tb_fonts *fonts;
  tb_layout *lo;
  const tb_layout_opts *opts;
  tb_error *err;
  paper_geom g;
  float text_w, text_h;
  /* scratch, grown as needed */
  vlist vl;
  tb_draw *draws;
  size_t ndraws, draws_cap;
  tb_link *links;
  size_t nlinks, links_cap;
  int *fnrefs;
  size_t nfnrefs, fnrefs_cap;
  /* footnotes: laid out once each into their own lists */
  vlist *notes; /* per footnote number - 1 */
  size_t nnotes;
  hyph_entry *hyph;
  size_t nhyph, hyph_cap, last_hyph;
  /* current block context */
  float left;           /* x offset from the text block's left edge */
  float width;          /* available width */
  int quote_depth;
  float quote_x[64];
  int chapter;
  const char *lang;
  /* a list marker waiting for the first line of its item */
  const char *marker;
  size_t marker_len;
  float marker_x;
  tb_face marker_face;
  int pending_heading; /* heading to anchor on the next content box */
  int cur_elem;        /* the structure element new draws belong to (0: artifacts) */
  int marker_elem;     /* the element of the pending list marker */
  int link_elem;       /* the Link element of the last run drawn, if it was a link's (0: not), */
  const char *link_uri; /* and that link's target */
  int link_heading;
  bool keep_next;      /* the next content box keeps with the previous one */
  bool opens_chapter;
  /* paragraph scratch */
  tb_lb_item *items;
  pbox *boxes;
  size_t nitems, items_cap, boxes_cap;
  /* warnings already given for missing glyphs */
  unsigned char *warned; /* bitmap over the BMP + one bit for "beyond" */
  const char *source;
  int line, col;
  hcache hc;
  wcache wc;
  /* images met inside a paragraph, set as blocks after it */
  const tb_node **pending_images;
  size_t npending_images, pending_images_cap;
} L;

/* ------------------------------------------------------------------------------------------ */
/* Small helpers */

static char *lo_strndup(L *l, const char *s, size_t n) { return tb_arena_strndup(&l->lo->arena, s, n); }

static tb_draw *add_draw(L *l) {
  tb_grow(&l->draws, &l->draws_cap, l->ndraws + 1, sizeof *l->draws);
  tb_draw *d = &l->draws[l->ndraws++];
  memset(d, 0, sizeof *d);
  d->elem = l->cur_elem;
  return d;
}

/* A new structure element inside parent; 0 (nothing) when nothing is drawn. */
static int new_elem(L *l, tb_role role, int parent) {
  tb_layout *lo = l->lo;
  if (l->opts->page_starts_only)
    return 0;
  tb_grow(&lo->elems, &lo->elems_cap, lo->nelems + 1, sizeof *lo->elems);
  lo->elems[lo->nelems] = (tb_elem){role, parent};
  return (int)lo->nelems++;
}

/* Gives the newest element e its alternate text or language (owned by the layout or the doc). */
static void set_elem_attr(L *l, int e, const char *alt, const char *lang) {
  tb_layout *lo = l->lo;
  if (e <= 0)
    return;
  tb_grow(&lo->attrs, &lo->attrs_cap, lo->nattrs + 1, sizeof *lo->attrs);
  lo->attrs[lo->nattrs++] = (tb_elem_attr){e, alt, lang};
}

/* Opens a new element inside the current one and makes it current; returns the one it replaces,
 * for the caller to restore. */
static int open_elem(L *l, tb_role role) {
  int was = l->cur_elem;
  l->cur_elem = new_elem(l, role, was);
  return was;
}

/* Gives a text draw its text, s[0..n) then `end` (a copy owned by the layout), and its width w
 * (end's glyphs are drawn past it). With page_starts_only nothing is drawn, so nothing is
 * copied: a 500-chapter EPUB saved 3.4 MB. */
static void set_draw_text_ending(L *l, tb_draw *d, const char *s, size_t n, float w, const char *end) {
  size_t m = strlen(end);
  d->w = w;
  d->text = NULL;
  d->len = n;
  if (l->opts->page_starts_only)
    return;
  d->len = n + m;
  char *t = tb_arena_alloc(&l->lo->arena, n + m + 1);
  memcpy(t, s, n);
  memcpy(t + n, end, m + 1);
  d->text = t;
}

static void set_draw_text(L *l, tb_draw *d, const char *s, size_t n, float w) {
  set_draw_text_ending(l, d, s, n, w, "");
}

static float text_width(const L *l, tb_face f, float size, const char *s, size_t n);

static tb_link *add_link(L *l) {
  tb_grow(&l->links, &l->links_cap, l->nlinks + 1, sizeof *l->links);
  tb_link *k = &l->links[l->nlinks++];
  memset(k, 0, sizeof *k);
  k->heading = -1;
  return k;
}

static vbox *vl_push(vlist *vl, vb_kind kind) {
  tb_grow(&vl->v, &vl->cap, vl->n + 1, sizeof *vl->v);
  vbox *b = &vl->v[vl->n++];
  memset(b, 0, sizeof *b);
  b->kind = kind;
  b->heading = -1;
  return b;
}

static tb_hyphen *hyphenator(L *l, const char *lang) {
  if (l->nhyph && l->hyph[l->last_hyph].lang == lang) /* the same language as the last word */
    return l->hyph[l->last_hyph].h;
  for (size_t i = 0; i < l->nhyph; i++)
    if (!strcmp(l->hyph[i].lang, lang)) {
      l->last_hyph = i;
      return l->hyph[i].h;
    }
  tb_grow(&l->hyph, &l->hyph_cap, l->nhyph + 1, sizeof *l->hyph);
  l->hyph[l->nhyph].lang = lang;
  l->hyph[l->nhyph].h = tb_hyphen_new(lang, l->opts->assets_dir);
  l->last_hyph = l->nhyph;
  return l->hyph[l->nhyph++].h;
}

/* A word's slot: its bytes and its hyphenator (one cache serves every language). */
static uint64_t hash_word(const char *s, size_t n, const void *h) {
  return tb_fnv1a(s, n, TB_FNV1A_SEED ^ (uint64_t)(uintptr_t)h);
}

/* tb_hyphen_points through the cache. */
static size_t hyphen_points(L *l, tb_hyphen *h, const char *w, size_t n, size_t *pos, size_t max) {
  hcache *c = &l->hc;
  if (c->used * 4 >= c->cap * 3) {
    hcache old = *c;
    c->cap = old.cap ? old.cap * 2 : 4096;
    c->slots = tb_xcalloc(c->cap, sizeof *c->slots);
    c->used = 0;
    for (size_t i = 0; i < old.cap; i++)
      if (old.slots[i].word) {
        size_t k = hash_word(old.slots[i].word, old.slots[i].len, old.slots[i].h) & (c->cap - 1);
        while (c->slots[k].word)
          k = (k + 1) & (c->cap - 1);
        c->slots[k] = old.slots[i];
        c->used++;
      }
    free(old.slots);
  }
  size_t k = hash_word(w, n, h) & (c->cap - 1);
  while (c->slots[k].word) {
    hcache_entry *e = &c->slots[k];
    if (e->h == h && e->len == n && !memcmp(e->word, w, n)) {
      size_t m = e->np < max ? e->np : max;
      for (size_t i = 0; i < m; i++)
        pos[i] = e->pts[i];
      return m;
    }
    k = (k + 1) & (c->cap - 1);
  }
  size_t tmp[30];
  size_t m = tb_hyphen_points(h, w, n, tmp, 30);
  hcache_entry *e = &c->slots[k];
  e->word = lo_strndup(l, w, n);
  e->len = n;
  e->h = h;
  e->np = (unsigned char)m;
  for (size_t i = 0; i < m; i++)
    e->pts[i] = (uint16_t)tmp[i];
  c->used++;
  m = m < max ? m : max;
  for (size_t i = 0; i < m; i++)
    pos[i] = tmp[i];
  return m;
}

static bool is_space_cp(uint32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The face that draws cp for a text in face f: f itself, else the fallback, else none (-1). */
static int face_for(const L *l, tb_face f, uint32_t cp) {
  if (tb_font_has(&l->fonts->face[f], cp))
    return (int)f;
  if (tb_font_has(&l->fonts->face[TB_FACE_FALLBACK], cp))
    return TB_FACE_FALLBACK;
  return -1;
}

static void warn_glyph(L *l, uint32_t cp) {
  size_t bit = cp < 0x10000 ? cp : 0x10000;
  if (l->warned[bit / 8] & (1u << (bit % 8)))
    return;
  l->warned[bit / 8] |= (unsigned char)(1u << (bit % 8));
  if (cp >= 0x10000)
    tb_warn(l->source, l->line, l->col,
            "U+%04X is beyond the Basic Multilingual Plane, which the PDF library cannot draw; "
            "shown as a replacement mark in the PDF (the EPUB keeps it)", cp);
  else
    tb_warn(l->source, l->line, l->col,
            "U+%04X has no glyph in the shipped fonts; shown as a replacement mark in the PDF "
            "(the EPUB keeps it)", cp);
}

/* text_width(l, f, size, " ", 1) without the decoding (every face has a space). */
static float space_width(const L *l, tb_face f, float size) {
  return (float)tb_font_advance(&l->fonts->face[f], ' ') * size / 1000.0f;
}

static float text_width(const L *l, tb_face f, float size, const char *s, size_t n) {
  long w = 0;
  for (size_t i = 0; i < n;) {
    size_t k;
    uint32_t cp = tb_utf8_decode(s + i, n - i, &k);
    i += k;
    int ff = face_for(l, f, cp);
    w += ff >= 0 ? tb_font_advance(&l->fonts->face[ff], cp)
                 : tb_font_advance(&l->fonts->face[TB_FACE_FALLBACK], 0xFFFD);
  }
  return (float)w * size / 1000.0f;
}

/* ------------------------------------------------------------------------------------------ */
/* Paragraph building: fragments → boxes, glue and penalties */

static void push_item(L *l, tb_lb_type t, float w, float stretch, float shrink, float pen, bool flag,
                      const pbox *pb) {
  tb_grow(&l->items, &l->items_cap, l->nitems + 1, sizeof *l->items);
  tb_grow(&l->boxes, &l->boxes_cap, l->nitems + 1, sizeof *l->boxes);
  tb_lb_item *it = &l->items[l->nitems];
  it->type = t;
  it->width = w;
  it->stretch = stretch;
  it->shrink = shrink;
  it->penalty = pen;
  it->flagged = flag;
  pbox *b = &l->boxes[l->nitems];
  if (pb)
    *b = *pb;
  else
    memset(b, 0, sizeof *b);
  b->w = w;
  l->nitems++;
}

/* Appends boxes for text s[0..n) of one style that contains no spaces, splitting where the
 * face changes (glyph fallback) and replacing what no font has by U+FFFD. */
static void push_text_boxes(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off) {
  size_t i = 0;
  while (i < n) {
    size_t k;
    uint32_t cp = tb_utf8_decode(s + i, n - i, &k);
    int f = face_for(l, st->face, cp);
    if (f < 0) {
      if (node && node->line) {
        /* the character's own place: its node's start plus the characters before it */
        l->line = node->line;
        l->col = node->col;
        for (size_t q = 0; q < off + i && node->literal && q < node->literal_len; q++)
          l->col += ((unsigned char)node->literal[q] & 0xC0) != 0x80;
      }
      warn_glyph(l, cp);
      pbox pb = {"\xEF\xBF\xBD", 3, *st, node, off + i, 0};
      pb.st.face = TB_FACE_FALLBACK;
      push_item(l, TB_LB_BOX, text_width(l, TB_FACE_FALLBACK, st->size, pb.s, 3), 0, 0, 0, false, &pb);
      i += k;
      continue;
    }
    /* the run of characters this face draws, measured as it is scanned (the hot path: one
     * decode and one coverage look-up per character, not a second pass through text_width) */
    const tb_font *font = &l->fonts->face[f];
    long adv = tb_font_advance(font, cp);
    size_t j = i + k;
    while (j < n) {
      size_t k2;
      uint32_t c2 = tb_utf8_decode(s + j, n - j, &k2);
      if (face_for(l, st->face, c2) != f)
        break;
      adv += tb_font_advance(font, c2);
      j += k2;
    }
    pbox pb = {s + i, j - i, *st, node, off + i, 0};
    pb.st.face = (tb_face)f;
    push_item(l, TB_LB_BOX, (float)adv * st->size / 1000.0f, 0, 0, 0, false, &pb);
    i = j;
  }
}

static bool is_letter_byte(unsigned char c) { return isalpha(c) || c >= 0x80; }

/* A word's key: its bytes, the face and size it is set in, whether it hyphenates, and with what. */
typedef struct wkey {
  const char *s;
  size_t n;
  unsigned char face;
  float size;
  bool hyph;
  const tb_hyphen *h;
} wkey;

/* The slot of the word (found, or the empty slot where it would go); NULL without a table. */
static wentry *wcache_slot(const wcache *c, const wkey *k) {
  if (!c->cap)
    return NULL;
  uint32_t size_bits;
  memcpy(&size_bits, &k->size, sizeof size_bits);
  uint64_t seed = TB_FNV1A_SEED ^ (uint64_t)(uintptr_t)k->h ^ ((uint64_t)size_bits << 20) ^
                  ((uint64_t)k->face << 8) ^ (uint64_t)k->hyph;
  for (size_t i = tb_fnv1a(k->s, k->n, seed) & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
    wentry *e = &c->slots[i];
    if (!e->word || (e->len == k->n && e->h == k->h && e->hyph == k->hyph && e->face == k->face &&
                     e->size == k->size && !memcmp(e->word, k->s, k->n)))
      return e;
  }
}

/* Remembers the items push_word made of s[0..n) (from items[first] on), unless one is not of
 * the word's own bytes (a replacement mark for a missing glyph) or the cache is full. */
static void wcache_add(L *l, const wkey *key, size_t first) {
  wcache *c = &l->wc;
  const char *s = key->s;
  size_t n = key->n, count = l->nitems - first;
  if (n > WCACHE_WORD_MAX || count > 255 || c->used >= WCACHE_MAX)
    return;
  for (size_t i = first; i < l->nitems; i++)
    if (l->items[i].type == TB_LB_BOX && (l->boxes[i].s < s || l->boxes[i].s + l->boxes[i].len > s + n))
      return;
  if ((c->used + 1) * 2 > c->cap) {
    wcache old = *c;
    c->cap = old.cap ? old.cap * 2 : 4096;
    c->slots = tb_xcalloc(c->cap, sizeof *c->slots);
    for (size_t i = 0; i < old.cap; i++) {
      const wentry *o = &old.slots[i];
      if (o->word) {
        wkey k = {o->word, o->len, o->face, o->size, o->hyph, o->h};
        *wcache_slot(c, &k) = *o;
      }
    }
    free(old.slots);
  }
  wentry *e = wcache_slot(c, key);
  tb_grow(&c->pieces, &c->pieces_cap, c->npieces + count, sizeof *c->pieces);
  e->word = lo_strndup(l, s, n);
  e->len = (uint16_t)n;
  e->h = key->h;
  e->hyph = key->hyph;
  e->face = key->face;
  e->size = key->size;
  e->first = (uint32_t)c->npieces;
  e->npieces = (uint16_t)count;
  for (size_t i = first; i < l->nitems; i++) {
    wpiece *p = &c->pieces[c->npieces++];
    const tb_lb_item *it = &l->items[i];
    const pbox *b = &l->boxes[i];
    p->box = it->type == TB_LB_BOX;
    p->off = p->box ? (uint16_t)(b->s - s) : 0;
    p->len = p->box ? (uint16_t)b->len : 0;
    p->face = (unsigned char)b->st.face;
    p->w = (float)it->width;
    p->penalty = (float)it->penalty;
    p->flagged = it->flagged;
  }
  c->used++;
}

/* Pushes the items of a remembered word: what push_word would push, for this occurrence. */
static void wcache_replay(L *l, const wentry *e, const char *s, const style *st, const tb_node *node, size_t off) {
  const wpiece *p = &l->wc.pieces[e->first];
  for (size_t i = 0; i < e->npieces; i++, p++) {
    if (p->box) {
      pbox pb = {s + p->off, p->len, *st, node, off + p->off, 0};
      pb.st.face = (tb_face)p->face;
      push_item(l, TB_LB_BOX, p->w, 0, 0, 0, false, &pb);
    } else {
      push_item(l, TB_LB_PENALTY, p->w, 0, 0, p->penalty, p->flagged, NULL);
      l->boxes[l->nitems - 1].st = *st;
    }
  }
}

static void push_word_measured(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off,
                               bool hyph, tb_hyphen *h);

bool tb_layout_word_cache = true;

/* One word (no spaces) of one style: hyphenation points and explicit break points become
 * penalties between its boxes. */
static void push_word(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off) {
  bool hyph = !st->nohyph && !st->code && !st->uri && st->fnref == 0;
  tb_hyphen *h = hyph ? hyphenator(l, l->lang) : NULL;
  wkey key = {s, n, (unsigned char)st->face, st->size, hyph, h};
  const wentry *e = tb_layout_word_cache ? wcache_slot(&l->wc, &key) : NULL;
  if (e && e->word) {
    wcache_replay(l, e, s, st, node, off);
    return;
  }
  size_t first = l->nitems;
  push_word_measured(l, s, n, st, node, off, hyph, h);
  if (tb_layout_word_cache)
    wcache_add(l, &key, first);
}

/* push_word's work for a word not seen before: hyph says whether its style hyphenates, h is the
 * hyphenator of its language then (NULL: none, only explicit breaks). */
static void push_word_measured(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off,
                               bool hyph, tb_hyphen *h) {
  size_t pts[64], np = 0;
  if (hyph) {
    /* the letters inside leading/trailing punctuation */
    size_t a = 0, b = n;
    while (a < b && !is_letter_byte((unsigned char)s[a]))
      a++;
    while (b > a && !is_letter_byte((unsigned char)s[b - 1]))
      b--;
    if (h && b > a) {
      /* split compounds at explicit hyphens: each part hyphenates on its own */
      size_t p = a;
      while (p < b && np < 60) {
        size_t q = p;
        while (q < b && s[q] != '-')
          q++;
        size_t local[32];
        size_t m = hyphen_points(l, h, s + p, q - p, local, 30);
        for (size_t i = 0; i < m && np < 60; i++)
          pts[np++] = p + local[i];
        if (q < b && np < 60)
          pts[np++] = (q + 1) | ((size_t)1 << (sizeof(size_t) * 8 - 1)); /* explicit hyphen */
        p = q + 1;
      }
    } else {
      for (size_t q = a; q < b && np < 60; q++)
        if ((s[q] == '-' || s[q] == '/') && q > a && q + 1 < b)
          pts[np++] = (q + 1) | ((size_t)1 << (sizeof(size_t) * 8 - 1));
    }
  }
  const size_t EXPL = (size_t)1 << (sizeof(size_t) * 8 - 1);
  float hyph_w = np ? text_width(l, st->face, st->size, "-", 1) : 0;
  size_t prev = 0;
  for (size_t i = 0; i <= np; i++) {
    size_t at = i < np ? (pts[i] & ~EXPL) : n;
    if (at <= prev || at > n)
      continue;
    push_text_boxes(l, s + prev, at - prev, st, node, off + prev);
    if (i < np) {
      bool explicit_break = (pts[i] & EXPL) != 0;
      /* a hyphen break costs 50 (TeX's \hyphenpenalty); after an explicit '-' or '/' nothing is
       * added */
      push_item(l, TB_LB_PENALTY, explicit_break ? 0 : hyph_w, 0, 0, explicit_break ? 30 : 50,
                !explicit_break || s[at - 1] == '-', NULL);
      l->boxes[l->nitems - 1].st = *st;
    }
    prev = at;
  }
}

/* Splits boxes wider than the line into pieces that fit, with break points between them: a
 * 30,000-letter word or a long URL is broken, never drawn past the margin. */
static void split_overlong(L *l, float max_w) {
  size_t n = l->nitems;
  bool any = false;
  for (size_t i = 0; i < n; i++)
    if (l->items[i].type == TB_LB_BOX && l->items[i].width > max_w)
      any = true;
  if (!any)
    return;
  tb_lb_item *items = l->items;
  pbox *boxes = l->boxes;
  l->items = NULL;
  l->boxes = NULL;
  l->nitems = l->items_cap = l->boxes_cap = 0;
  for (size_t i = 0; i < n; i++) {
    if (items[i].type != TB_LB_BOX || items[i].width <= max_w) {
      push_item(l, items[i].type, (float)items[i].width, (float)items[i].stretch, (float)items[i].shrink,
                (float)items[i].penalty, items[i].flagged, &boxes[i]);
      continue;
    }
    pbox *b = &boxes[i];
    size_t p = 0;
    do { /* every box holds at least one character: at least one piece */
      size_t q = p;
      float w = 0;
      while (q < b->len) {
        size_t k;
        uint32_t cp = tb_utf8_decode(b->s + q, b->len - q, &k);
        float cw = (float)tb_font_advance(&l->fonts->face[b->st.face], cp) * b->st.size / 1000.0f;
        if (q > p && w + cw > max_w)
          break;
        w += cw;
        q += k;
      }
      pbox pb = *b;
      pb.s = b->s + p;
      pb.len = q - p;
      pb.off = b->off + p;
      push_item(l, TB_LB_BOX, w, 0, 0, 0, false, &pb);
      if (q < b->len)
        push_item(l, TB_LB_PENALTY, 0, 0, 0, 200, false, NULL);
      p = q;
    } while (p < b->len);
  }
  free(items);
  free(boxes);
}

static void push_space(L *l, const style *st) {
  float sw = space_width(l, st->face == TB_FACE_FALLBACK ? TB_FACE_REGULAR : st->face, st->size);
  if (st->code)
    push_item(l, TB_LB_GLUE, sw, sw * 0.5f, sw * 0.2f, 0, false, NULL);
  else
    /* TeX-like interword glue: stretch 1/2, shrink 1/3 of the space */
    push_item(l, TB_LB_GLUE, sw, sw * 0.5f, sw / 3.0f, 0, false, NULL);
  l->boxes[l->nitems - 1].st = *st;
}

/* Adds fragment text: words and the glue between them. */
static void push_fragment(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off) {
  size_t i = 0;
  while (i < n) {
    size_t k;
    uint32_t cp = tb_utf8_decode(s + i, n - i, &k);
    if (is_space_cp(cp)) {
      /* one glue for a run of spaces; none at the start of a paragraph or after glue */
      while (i < n && is_space_cp((unsigned char)s[i]))
        i++;
      if (l->nitems && l->items[l->nitems - 1].type != TB_LB_GLUE)
        push_space(l, st);
      continue;
    }
    size_t j = i;
    while (j < n) {
      uint32_t c2 = tb_utf8_decode(s + j, n - j, &k);
      if (is_space_cp(c2))
        break;
      j += k;
    }
    push_word(l, s + i, j - i, st, node, off + i);
    i = j;
  }
}

static void push_forced_break(L *l) {
  /* +inf penalty, fil glue, -inf penalty: the line ends here, ragged (no break at the glue) */
  push_item(l, TB_LB_PENALTY, 0, 0, 0, (float)TB_LB_INFINITY, false, NULL);
  push_item(l, TB_LB_GLUE, 0, (float)TB_LB_FIL_STRETCH, 0, 0, false, NULL);
  push_item(l, TB_LB_PENALTY, 0, 0, 0, (float)-TB_LB_INFINITY, false, NULL);
}

static style base_style(float size) {
  style s = {TB_FACE_REGULAR, size, 0, 0, false, false, false, NULL, -1, 0};
  return s;
}

static tb_face face_of(bool bold, bool italic) {
  return bold ? (italic ? TB_FACE_BOLD_ITALIC : TB_FACE_BOLD) : (italic ? TB_FACE_ITALIC : TB_FACE_REGULAR);
}

/* Walks the inline children of `block` and builds the paragraph's items. */
static void collect_inlines(L *l, const tb_node *block, style base) {
  int bold = base.face == TB_FACE_BOLD || base.face == TB_FACE_BOLD_ITALIC;
  int italic = base.face == TB_FACE_ITALIC || base.face == TB_FACE_BOLD_ITALIC;
  int strike = 0, alt = 0;
  const char *uri = NULL;
  int heading = -1;
  tb_iter it;
  tb_iter_init(&it, block);
  tb_event ev;
  while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
    const tb_node *n = it.cur;
    if (n == block)
      continue;
    int d = ev == TB_EVENT_ENTER ? 1 : -1;
    style st = base;
    st.face = face_of(bold, italic || alt);
    st.strike = strike > 0;
    st.uri = uri;
    st.heading = heading;
    switch (n->type) {
    case TB_NODE_EMPH:
      italic += d;
      break;
    case TB_NODE_STRONG:
      bold += d;
      break;
    case TB_NODE_STRIKETHROUGH:
      strike += d;
      break;
    case TB_NODE_LINK:
      if (d > 0) {
        uri = n->as.link.heading >= 0 ? NULL : n->as.link.url;
        heading = n->as.link.heading;
        if (uri && !*uri)
          uri = NULL;
      } else {
        uri = NULL;
        heading = -1;
      }
      break;
    case TB_NODE_IMAGE:
      /* An image inside a paragraph's text is set after the paragraph, as a block with its
       * alt text as the caption; one we cannot use shows its alt text in place, in italics. */
      if (d > 0 && n->image.path && block->type == TB_NODE_PARAGRAPH) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): the elements are pointers, so sizeof is a pointer's
        tb_grow(&l->pending_images, &l->pending_images_cap, l->npending_images + 1, sizeof *l->pending_images);
        l->pending_images[l->npending_images++] = n;
        tb_iter_skip_children(&it);
        break;
      }
      if (d > 0 && !n->first) {
        /* no alt text: its title, else the word for "image" (as the EPUB shows it) */
        const char *t = n->as.link.title && *n->as.link.title ? n->as.link.title : tb_i18n(l->lang, TB_STR_IMAGE);
        style is = st;
        is.face = face_of(bold, true);
        push_fragment(l, t, strlen(t), &is, NULL, 0);
        break;
      }
      alt += d;
      break;
    case TB_NODE_TEXT:
      push_fragment(l, n->literal, n->literal_len, &st, n, 0);
      break;
    case TB_NODE_CODE:
    case TB_NODE_HTML_INLINE: {
      style cs = st;
      cs.face = bold ? TB_FACE_MONO_BOLD : TB_FACE_MONO;
      cs.size = st.size * CODE_SCALE;
      cs.code = true;
      push_fragment(l, n->literal, n->literal_len, &cs, n, 0);
      break;
    }
    case TB_NODE_SOFTBREAK:
      if (l->nitems && l->items[l->nitems - 1].type != TB_LB_GLUE)
        push_space(l, &st);
      break;
    case TB_NODE_LINEBREAK:
      push_forced_break(l);
      break;
    case TB_NODE_FOOTNOTE_REF: {
      char num[16];
      int k = snprintf(num, sizeof num, "%d", n->as.footnote.number);
      style fs = st;
      fs.size = st.size * 0.62f;
      fs.rise = st.size * 0.38f;
      fs.fnref = n->as.footnote.number;
      fs.face = TB_FACE_REGULAR;
      push_text_boxes(l, lo_strndup(l, num, (size_t)k), (size_t)k, &fs, NULL, 0);
      break;
    }
    case TB_NODE_NONE:
    case TB_NODE_ROOT:
    case TB_NODE_BLOCK_QUOTE:
    case TB_NODE_LIST:
    case TB_NODE_ITEM:
    case TB_NODE_CODE_BLOCK:
    case TB_NODE_HTML_BLOCK:
    case TB_NODE_PARAGRAPH:
    case TB_NODE_HEADING:
    case TB_NODE_THEMATIC_BREAK:
    case TB_NODE_TABLE:
    case TB_NODE_TABLE_ROW:
    case TB_NODE_TABLE_CELL:
    case TB_NODE_FOOTNOTE_DEF:
      break;
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Lines → content boxes */

typedef struct para_fmt {
  float size, lead;
  bool justify;
  bool center;
  float first_indent; /* extra width removed from the first line */
  bool widows;        /* apply widow/orphan control */
} para_fmt;

/* The bars of the block quotes open around a box: one rule per level, `len` long from just
 * above the box's top, so they join from box to box (and break with the page). */
static void quote_bars(L *l, float len) {
  for (int q = 0; q < l->quote_depth && q < 64; q++) {
    tb_draw *d = add_draw(l);
    d->kind = TB_DRAW_RULE;
    d->elem = 0; /* decoration: an artifact */
    d->x = l->quote_x[q];
    d->y = -1.0f;
    d->h = len;
    d->line_width = 1.2f;
    d->gray = 0.6f;
  }
}

/* Starts a content box of height h whose first baseline is at `base` below its top; gives it
 * what is pending: block-quote bars, a list marker, a heading anchor, keep-with-previous. */
static vbox *open_box(L *l, float h, float base) {
  vbox *vb = vl_push(&l->vl, VB_CONTENT);
  vb->h = h;
  vb->base = base;
  vb->chapter = l->chapter;
  vb->d0 = l->ndraws;
  vb->l0 = l->nlinks;
  vb->f0 = l->nfnrefs;
  quote_bars(l, h + 1.0f);
  if (l->marker) {
    tb_draw *d = add_draw(l);
    d->kind = TB_DRAW_TEXT;
    d->elem = l->marker_elem ? l->marker_elem : l->cur_elem;
    d->face = l->marker_face;
    d->size = BODY_SIZE;
    d->x = l->marker_x;
    d->y = base;
    set_draw_text(l, d, l->marker, l->marker_len, text_width(l, d->face, d->size, l->marker, l->marker_len));
    l->marker = NULL;
    l->marker_elem = 0;
  }
  if (l->pending_heading >= 0) {
    vb->heading = l->pending_heading;
    l->pending_heading = -1;
  }
  if (l->keep_next) {
    vb->keep_prev = true;
    l->keep_next = false;
  }
  if (l->opens_chapter) {
    vb->opens_chapter = true;
    l->opens_chapter = false;
  }
  return vb;
}

static void close_box(L *l, vbox *vb) {
  vb->d1 = l->ndraws;
  vb->l1 = l->nlinks;
  vb->f1 = l->nfnrefs;
}

static void add_glue(L *l, float h) {
  if (l->vl.n && l->vl.v[l->vl.n - 1].kind == VB_GLUE) {
    if (l->vl.v[l->vl.n - 1].h < h)
      l->vl.v[l->vl.n - 1].h = h;
    return;
  }
  vbox *vb = vl_push(&l->vl, VB_GLUE);
  vb->h = h;
  vb->chapter = l->chapter;
  vb->d0 = l->ndraws;
  quote_bars(l, h + 2.0f);
  vb->d1 = l->ndraws;
  vb->l0 = vb->l1 = l->nlinks;
  vb->f0 = vb->f1 = l->nfnrefs;
}

/* Emits one drawn run: the words of one line in one style, w wide (to the end of its last
 * word), each space followed by word_space more points. */
static void emit_segment(L *l, tb_buf *txt, const style *st, float x, float base, float w, float word_space) {
  if (!txt->len)
    return;
  tb_draw *d = add_draw(l);
  d->kind = TB_DRAW_TEXT;
  /* a linked run is in a Link element, holding its text and its annotation: the element of the
   * run before when that was the same link's, across a line end or a change of style */
  int link = 0;
  if (st->uri || st->heading >= 0) {
    bool same = l->link_elem && l->link_uri == st->uri && l->link_heading == st->heading &&
                l->lo->elems[l->link_elem].parent == l->cur_elem;
    link = same ? l->link_elem : new_elem(l, TB_ROLE_LINK, l->cur_elem);
    l->link_uri = st->uri;
    l->link_heading = st->heading;
  }
  l->link_elem = link;
  if (link)
    d->elem = link;
  d->face = st->face;
  d->size = st->size;
  d->x = x;
  d->y = base - st->rise;
  d->gray = st->gray;
  d->word_space = word_space;
  set_draw_text(l, d, txt->data, txt->len, w);
  if (st->strike) {
    tb_draw *r = add_draw(l);
    r->kind = TB_DRAW_RULE;
    r->elem = 0; /* the strike-through line: the text says it (the EPUB's <del>) */
    r->x = x;
    r->y = base - st->size * 0.28f;
    r->w = w;
    r->line_width = st->size * 0.06f;
  }
  if (st->uri || st->heading >= 0) {
    tb_link *k = add_link(l);
    k->x0 = x;
    k->x1 = x + w;
    k->y0 = base + st->size * 0.25f; /* below the baseline (y grows downward here) */
    k->y1 = base - st->size * 0.85f - st->rise;
    k->uri = st->uri;
    k->heading = st->heading;
    k->elem = link;
  }
  tb_buf_clear(txt);
}

static bool same_style(const style *a, const style *b) {
  return a->face == b->face && a->size == b->size && a->rise == b->rise && a->strike == b->strike &&
         a->uri == b->uri && a->heading == b->heading && a->fnref == b->fnref && a->gray == b->gray;
}

/* Breaks the collected items into lines and appends one content box per line. */
static void set_paragraph(L *l, const para_fmt *pf) {
  if (l->nitems == 0)
    return;
  /* the paragraph ends: drop trailing glue, then finishing glue and a forced break */
  while (l->nitems && l->items[l->nitems - 1].type == TB_LB_GLUE)
    l->nitems--;
  push_forced_break(l);
  float widths[2] = {l->width - pf->first_indent, l->width};
  split_overlong(l, l->width - pf->first_indent > 1 ? l->width - pf->first_indent : 1);
  double wd[2] = {widths[0], widths[1]};
  tb_lb_params p = tb_lb_params_default(wd, 2);
  p.tolerance = pf->justify ? 1.0 : 1e6;
  p.max_tolerance = pf->justify ? 2.0 : 1e6;
  tb_lb_line *lines = NULL;
  size_t nl;
  if (pf->justify) {
    nl = tb_linebreak(l->items, l->nitems, &p, &lines);
  } else {
    /* Ragged text: first-fit, natural spaces. */
    nl = 0;
    size_t cap = 0, start = 0;
    double w = 0;
    size_t last_break = (size_t)-1;
    double lw = widths[0];
    for (size_t i = 0; i < l->nitems; i++) {
      tb_lb_item *it = &l->items[i];
      bool forced = it->type == TB_LB_PENALTY && it->penalty <= -TB_LB_INFINITY;
      bool can = forced || (it->type == TB_LB_GLUE && i > start && l->items[i - 1].type == TB_LB_BOX) ||
                 (it->type == TB_LB_PENALTY && it->penalty < TB_LB_INFINITY);
      if (it->type == TB_LB_BOX || (it->type == TB_LB_GLUE && it->stretch < 1e5))
        if (w + it->width > lw + 0.01 && last_break != (size_t)-1 && it->type == TB_LB_BOX) {
          tb_grow(&lines, &cap, nl + 1, sizeof *lines);
          tb_lb_item *b = &l->items[last_break];
          lines[nl] = (tb_lb_line){start, last_break, 0, b->type == TB_LB_PENALTY && b->width > 0, false};
          nl++;
          start = last_break + 1;
          while (start < l->nitems && l->items[start].type != TB_LB_BOX &&
                 !(l->items[start].type == TB_LB_PENALTY && l->items[start].penalty <= -TB_LB_INFINITY))
            start++;
          i = start - 1;
          w = 0;
          last_break = (size_t)-1;
          lw = widths[1];
          continue;
        }
      if (forced) {
        tb_grow(&lines, &cap, nl + 1, sizeof *lines);
        lines[nl++] = (tb_lb_line){start, i, 0, false, false};
        start = i + 1;
        while (start < l->nitems && l->items[start].type != TB_LB_BOX &&
               !(l->items[start].type == TB_LB_PENALTY && l->items[start].penalty <= -TB_LB_INFINITY))
          start++;
        i = start - 1;
        w = 0;
        last_break = (size_t)-1;
        lw = widths[1];
        continue;
      }
      if (can)
        last_break = i;
      if (it->type == TB_LB_BOX || (it->type == TB_LB_GLUE && it->stretch < 1e5))
        w += it->width;
    }
  }
  tb_buf txt = {0};
  /* With page_starts_only nothing is drawn: the lines' boxes (heights, keeps, first words,
   * footnote references) are made, their runs of text are not (a tenth of an EPUB's layout). */
  bool drawn = !l->opts->page_starts_only;
  for (size_t li = 0; li < nl; li++) {
    tb_lb_line *ln = &lines[li];
    bool last = li + 1 == nl;
    /* Justified lines stretch their glue by the computed ratio; an over-stretched line
     * (beyond 2x the space) is set ragged instead: never a river of white. */
    double r = pf->justify ? ln->ratio : 0;
    if (r > 2.0 || (last && r > 0))
      r = 0; /* the last line keeps natural spaces, but shrinks if it must to fit */
    if (r < -1.0)
      r = -1.0;
    float x0 = l->left + (li == 0 ? pf->first_indent : 0);
    float lw = li == 0 ? widths[0] : widths[1]; /* for centering */
    /* natural width for centering */
    if (pf->center) {
      double nat = 0;
      for (size_t i = ln->start; i < ln->end; i++)
        if (l->items[i].type != TB_LB_PENALTY)
          nat += l->items[i].width;
      if (ln->hyphenated)
        nat += l->items[ln->end].width;
      if (nat < lw)
        x0 += (float)(lw - nat) / 2;
    }
    vbox *vb = open_box(l, pf->lead, pf->lead * 0.74f);
    if (pf->widows && li > 0 && (li == 1 || last))
      vb->keep_prev = true; /* no orphan (first line alone) and no widow (last line alone) */
    if (li > 0 && l->items[lines[li - 1].end].type == TB_LB_PENALTY &&
        l->items[lines[li - 1].end].penalty > -TB_LB_INFINITY)
      vb->keep_prev = true; /* a page never starts inside a (hyphenated or broken) word */
    /* One run per stretch of the line in one style: its words joined by real space glyphs (so
     * copied text keeps its spaces), each space widened or narrowed by the line's justification
     * (the PDF writes that as a TJ adjustment). A run ends where the style changes, or where a
     * space would need a different adjustment (a space of another size or face). */
    float x = x0, seg_x = x0, seg_w = 0, ws = 0;
    bool ws_set = false;
    style cur = {0};
    bool have = false; /* stays false when nothing is drawn */
    for (size_t i = ln->start; i < ln->end; i++) {
      tb_lb_item *it = &l->items[i];
      pbox *b = &l->boxes[i];
      if (it->type == TB_LB_BOX) {
        if (!vb->start_node && b->node) {
          vb->start_node = b->node;
          vb->start_off = b->off;
        }
        if (b->st.fnref) {
          tb_grow(&l->fnrefs, &l->fnrefs_cap, l->nfnrefs + 1, sizeof *l->fnrefs);
          l->fnrefs[l->nfnrefs++] = b->st.fnref;
        }
        if (!drawn)
          continue; /* where the box starts and what it cites is all the page starts need */
        if (have && !same_style(&cur, &b->st)) {
          emit_segment(l, &txt, &cur, seg_x, vb->base, seg_w, ws);
          have = false;
        }
        if (!have) {
          cur = b->st;
          seg_x = x;
          ws = 0;
          ws_set = false;
          have = true;
        }
        tb_buf_put(&txt, b->s, b->len);
        /* summed in double and rounded to float, as x += width did (width is a double) */
        x = (float)(x + it->width);
        seg_w = x - seg_x;
      } else if (it->type == TB_LB_GLUE) {
        double gw = it->width + (r >= 0 ? r * it->stretch : r * it->shrink);
        if (it->stretch > 1e5)
          gw = 0;
        if (have && gw > 0) {
          tb_buf_putc(&txt, ' ');
          float extra = (float)gw - space_width(l, cur.face, cur.size);
          if (ws_set && fabsf(extra - ws) > 1e-4f) {
            emit_segment(l, &txt, &cur, seg_x, vb->base, seg_w, ws);
            have = false;
          } else {
            ws = extra;
            ws_set = true;
          }
        }
        if (pf->justify && !last && it->width > 0 && it->stretch < 1e5) {
          /* statistics: each justified space as a multiple of the natural one */
          tb_layout *lo = l->lo;
          float ratio = (float)(gw / it->width);
          long bin = lroundf(ratio * 1000.0f);
          lo->space_hist[bin < 0 ? 0 : bin > TB_SPACE_BINS ? TB_SPACE_BINS : bin]++;
          lo->nspaces++;
          if (ratio > lo->space_max)
            lo->space_max = ratio;
        }
        x += (float)gw;
      }
      /* penalties inside a line draw nothing */
    }
    if (drawn && ln->hyphenated && ln->end < l->nitems) {
      if (!have) {
        cur = l->boxes[ln->end].st;
        seg_x = x;
        ws = 0;
        have = true;
      }
      /* drawn as the font's hyphen, read as U+00AD: a hyphen that only breaks the line (ISO
       * 32000-1 §14.8.2.2.3), so the word reads whole (PDF/UA) */
      tb_buf_puts(&txt, "\xC2\xAD");
      seg_w = x + (float)l->items[ln->end].width - seg_x;
    } else if (have && !last && ln->end < l->nitems &&
               (l->items[ln->end].type == TB_LB_GLUE ||
                (l->items[ln->end].type == TB_LB_PENALTY && l->items[ln->end].penalty <= -TB_LB_INFINITY))) {
      /* A line that ends between words ends with a space glyph: text read from the structure
       * tree (a screen reader, a reflowing viewer) would otherwise run its last word into the
       * next line's first. It is drawn past the run's width, so nothing moves. */
      tb_buf_putc(&txt, ' ');
    }
    if (have)
      emit_segment(l, &txt, &cur, seg_x, vb->base, seg_w, ws);
    close_box(l, vb);
  }
  tb_buf_free(&txt);
  free(lines);
  l->nitems = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Blocks */

static void layout_blocks(L *l, const tb_node *first);

static para_fmt body_fmt(void) { return (para_fmt){BODY_SIZE, BODY_LEAD, true, false, 0, true}; }

static void set_place(L *l, const tb_node *n) {
  if (n->line) {
    l->line = n->line;
    l->col = n->col;
  }
}

static void layout_image(L *l, const tb_node *img);

static void layout_paragraph(L *l, const tb_node *n, para_fmt pf, style st) {
  size_t first_image = l->npending_images;
  int was = open_elem(l, TB_ROLE_P);
  collect_inlines(l, n, st);
  set_paragraph(l, &pf);
  l->cur_elem = was; /* its images are figures beside it */
  size_t end = l->npending_images;
  for (size_t i = first_image; i < end; i++)
    layout_image(l, l->pending_images[i]);
  l->npending_images = first_image;
}

static void layout_heading(L *l, const tb_node *n) {
  int level = n->as.heading.level;
  int idx = n->as.heading.index;
  const tb_chapter *ch = &l->doc->chapters[l->chapter];
  bool chapter_title = ch->heading == idx;
  float size = heading_size[level];
  if (chapter_title) {
    size = level <= 1 ? 22.0f : 19.0f;
    add_glue(l, 36.0f);
  } else {
    add_glue(l, size * 1.1f);
  }
  para_fmt pf = {size, size * 1.25f, false, false, 0, false};
  style st = base_style(size);
  st.face = level == 6 ? TB_FACE_BOLD_ITALIC : TB_FACE_BOLD;
  st.nohyph = true;
  l->pending_heading = idx;
  size_t first = l->vl.n;
  int was = open_elem(l, (tb_role)(TB_ROLE_H1 + (level >= 1 && level <= 6 ? level - 1 : 0)));
  collect_inlines(l, n, st);
  if (l->nitems == 0) {
    /* an empty heading still anchors its place */
    vbox *vb = open_box(l, pf.lead, pf.lead * 0.74f);
    close_box(l, vb);
  } else {
    set_paragraph(l, &pf);
  }
  l->cur_elem = was;
  for (size_t i = first + 1; i < l->vl.n; i++)
    l->vl.v[i].keep_prev = true;
  add_glue(l, chapter_title ? 14.0f : size * 0.45f);
  l->keep_next = true; /* a heading is never the last thing on a page */
}

/* Code blocks and raw HTML: monospace, never justified or hyphenated, long lines wrapped at
 * the character that reaches the margin. */
static void layout_code(L *l, const tb_node *n) {
  float size = BODY_SIZE * CODE_SCALE, lead = size * 1.32f;
  const char *s = n->literal;
  size_t len = n->literal_len;
  if (len && s[len - 1] == '\n')
    len--;
  float cw = (float)tb_font_advance(&l->fonts->face[TB_FACE_MONO], 'M') * size / 1000.0f;
  size_t cols = cw > 0 ? (size_t)((l->width - 8.0f) / cw) : 80;
  if (cols < 8)
    cols = 8;
  add_glue(l, PARA_SKIP);
  size_t first = l->vl.n;
  size_t pos = 0;
  tb_buf line = {0};
  /* a block of code: a P holding Code (an inline type in ISO 32000-1) */
  int was = open_elem(l, TB_ROLE_P);
  l->cur_elem = new_elem(l, TB_ROLE_CODE, l->cur_elem);
  do {
    size_t e = pos;
    while (e < len && s[e] != '\n')
      e++;
    /* expand tabs to 4 columns and wrap at `cols` characters */
    size_t p = pos;
    do {
      tb_buf_clear(&line);
      size_t col = 0, q = p;
      while (q < e && col < cols) {
        size_t k;
        uint32_t cp = tb_utf8_decode(s + q, e - q, &k);
        if (cp == '\t') {
          size_t to = (col / 4 + 1) * 4;
          while (col < to && col < cols) {
            tb_buf_putc(&line, ' ');
            col++;
          }
        } else {
          tb_buf_put(&line, s + q, k);
          col++;
        }
        q += k;
      }
      vbox *vb = open_box(l, lead, lead * 0.76f);
      if (l->vl.n - 1 > first && (l->vl.n - 1 == first + 1 || q >= len))
        vb->keep_prev = true; /* at least two lines together at each end */
      vb->start_node = n;
      vb->start_off = p;
      /* lay out the characters as boxes so glyph fallback applies */
      style st = base_style(size);
      st.face = TB_FACE_MONO;
      st.code = true;
      size_t save = l->nitems;
      push_text_boxes(l, line.data ? line.data : "", line.len, &st, n, p);
      float x = l->left + 4.0f;
      for (size_t i = save; i < l->nitems; i++) {
        pbox *b = &l->boxes[i];
        tb_draw *d = add_draw(l);
        d->kind = TB_DRAW_TEXT;
        d->face = b->st.face;
        d->size = size;
        d->x = x;
        d->y = vb->base;
        /* where the source line ends (not a wrap), a space glyph, as between the lines of a
         * paragraph, so that text read from the structure tree keeps its lines apart */
        bool line_end = i + 1 == l->nitems && q >= e && e < len;
        set_draw_text_ending(l, d, b->s, b->len, (float)l->items[i].width, line_end ? " " : "");
        x += (float)l->items[i].width;
      }
      l->nitems = save;
      close_box(l, vb);
      p = q;
    } while (p < e);
    pos = e + 1;
  } while (pos <= len);
  tb_buf_free(&line);
  l->cur_elem = was;
  add_glue(l, PARA_SKIP);
}

static void layout_rule(L *l) {
  add_glue(l, PARA_SKIP * 2);
  vbox *vb = open_box(l, 8.0f, 4.0f);
  tb_draw *d = add_draw(l);
  d->kind = TB_DRAW_RULE;
  d->elem = 0; /* a thematic break is drawn, not read */
  d->x = l->left + l->width * 0.35f;
  d->y = 4.0f;
  d->w = l->width * 0.3f;
  d->line_width = 0.6f;
  close_box(l, vb);
  add_glue(l, PARA_SKIP * 2);
}

static const tb_node *only_image(const tb_node *para) {
  const tb_node *img = NULL;
  for (const tb_node *c = para->first; c; c = c->next) {
    if (c->type == TB_NODE_IMAGE && !img)
      img = c;
    else if (c->type == TB_NODE_SOFTBREAK ||
             (c->type == TB_NODE_TEXT && strspn(c->literal, " \t") == c->literal_len))
      continue; /* blank text and line breaks around the image do not count */
    else
      return NULL;
  }
  return img;
}

/* A block image: scaled to the text width (and to a share of the page height), never split,
 * its alt text below it as a caption. */
static void layout_image(L *l, const tb_node *img) {
  add_glue(l, PARA_SKIP);
  int was = l->cur_elem, fig = 0;
  if (img->image.path) {
    /* a Figure, its alternate text the image's description (else its title) */
    l->cur_elem = fig = new_elem(l, TB_ROLE_FIGURE, was);
    if (l->cur_elem) {
      tb_buf alt = {0};
      tb_node_plain_text(img, &alt);
      if (!alt.len && img->as.link.title)
        tb_buf_puts(&alt, img->as.link.title);
      if (!alt.len)
        tb_buf_puts(&alt, tb_i18n(l->lang, TB_STR_IMAGE));
      set_elem_attr(l, l->cur_elem, lo_strndup(l, alt.data, alt.len), NULL);
      tb_buf_free(&alt);
    }
    float w = (float)img->image.width * 0.75f, h = (float)img->image.height * 0.75f; /* 96 dpi */
    float maxh = l->text_h * 0.7f;
    if (w > l->width) {
      h *= l->width / w;
      w = l->width;
    }
    if (h > maxh) {
      w *= maxh / h;
      h = maxh;
    }
    vbox *vb = open_box(l, h + 4.0f, h);
    vb->start_node = img;
    vb->start_off = 0;
    tb_draw *d = add_draw(l);
    d->kind = TB_DRAW_IMAGE;
    d->x = l->left + (l->width - w) / 2;
    d->y = 0;
    d->w = w;
    d->h = h;
    d->image = img;
    close_box(l, vb);
    l->keep_next = true;
  }
  /* the caption of an image we carry, its Figure's last kid; the stand-in text of one we could
   * not, a paragraph */
  l->cur_elem = fig ? new_elem(l, TB_ROLE_CAPTION, fig) : new_elem(l, TB_ROLE_P, was);
  /* The caption, as the EPUB has it: for an image we carry, its title, else its alt text; for
   * one we could not use, its alt text (else its title, else the word for "image"), linked to
   * its URL when that is a link. */
  para_fmt pf = {NOTE_SIZE + 0.5f, NOTE_LEAD + 1.0f, false, true, 0, false};
  style st = base_style(NOTE_SIZE + 0.5f);
  st.face = TB_FACE_ITALIC;
  const char *title = img->as.link.title && *img->as.link.title ? img->as.link.title : NULL;
  if (img->image.path && title) {
    push_fragment(l, title, strlen(title), &st, NULL, 0);
  } else {
    if (!img->image.path && tb_url_linkable(img->as.link.url))
      st.uri = img->as.link.url;
    collect_inlines(l, img, st);
    if (l->nitems == 0 && !img->image.path) {
      const char *t = title ? title : tb_i18n(l->lang, TB_STR_IMAGE);
      push_fragment(l, t, strlen(t), &st, NULL, 0);
    }
  }
  set_paragraph(l, &pf);
  l->cur_elem = was;
  l->keep_next = false;
  add_glue(l, PARA_SKIP);
}

/* Tables: column widths from content, header row, wrapping cells; a row is one box, never cut. */
static void layout_table(L *l, const tb_node *t) {
  int nc = t->as.table.ncols;
  if (nc <= 0)
    return;
  float pad = 4.0f;
  float *nat = tb_xcalloc((size_t)nc, sizeof *nat), *minw = tb_xcalloc((size_t)nc, sizeof *minw),
        *colw = tb_xcalloc((size_t)nc, sizeof *colw);
  float size = BODY_SIZE * 0.92f;
  /* measure: natural width (no wrapping) and the widest word per column */
  for (const tb_node *row = t->first; row; row = row->next) {
    int c = 0;
    for (const tb_node *cell = row->first; cell && c < nc; cell = cell->next, c++) {
      style st = base_style(size);
      if (row->as.row.header)
        st.face = TB_FACE_BOLD;
      collect_inlines(l, cell, st);
      float run = 0, word = 0;
      for (size_t i = 0; i < l->nitems; i++) {
        if (l->items[i].type == TB_LB_BOX) {
          word += (float)l->items[i].width;
          run += (float)l->items[i].width;
        } else if (l->items[i].type == TB_LB_GLUE) {
          if (word > minw[c]) minw[c] = word;
          word = 0;
          run += (float)l->items[i].width;
        } else if (l->items[i].type == TB_LB_PENALTY && l->items[i].penalty <= -TB_LB_INFINITY) {
          if (run > nat[c]) nat[c] = run;
          run = 0;
        }
      }
      if (word > minw[c]) minw[c] = word;
      if (run > nat[c]) nat[c] = run;
      l->nitems = 0;
    }
  }
  float avail = l->width - 2 * pad * (float)nc, total_nat = 0, total_min = 0;
  for (int c = 0; c < nc; c++) {
    float cap = avail > 0 ? avail : 1;
    if (minw[c] > cap) minw[c] = cap;
    if (nat[c] < minw[c]) nat[c] = minw[c];
    if (nat[c] < 6) nat[c] = 6;
    total_nat += nat[c];
    total_min += minw[c];
  }
  for (int c = 0; c < nc; c++) {
    if (total_nat <= avail)
      colw[c] = nat[c];
    else if (total_min >= avail)
      colw[c] = avail / (float)nc; /* words too long for any fair share: split evenly */
    else
      colw[c] = minw[c] + (nat[c] - minw[c]) * (avail - total_min) / (total_nat - total_min);
  }
  float table_w = 0;
  for (int c = 0; c < nc; c++)
    table_w += colw[c] + 2 * pad;
  add_glue(l, PARA_SKIP);
  float save_left = l->left, save_width = l->width;
  bool first_row = true;
  int was = open_elem(l, TB_ROLE_TABLE), table = l->cur_elem;
  for (const tb_node *row = t->first; row; row = row->next) {
    int tr = new_elem(l, TB_ROLE_TR, table);
    l->cur_elem = tr;
    /* lay out each cell into its own run of line boxes, then merge them into one row box */
    open_box(l, 0, 0);
    size_t rb_index = l->vl.n - 1;
    float rowh = 0;
    float x = save_left;
    int c = 0;
    for (const tb_node *cell = row->first; cell && c < nc; cell = cell->next, c++) {
      l->left = x + pad;
      l->width = colw[c];
      size_t v0 = l->vl.n;
      style st = base_style(size);
      if (row->as.row.header)
        st.face = TB_FACE_BOLD;
      para_fmt pf = {size, size * 1.3f, false, false, 0, false};
      l->cur_elem = new_elem(l, row->as.row.header ? TB_ROLE_TH : TB_ROLE_TD, tr);
      collect_inlines(l, cell, st);
      /* alignment */
      set_paragraph(l, &pf);
      l->cur_elem = tr;
      float y = pad;
      for (size_t i = v0; i < l->vl.n; i++) {
        vbox *cb = &l->vl.v[i];
        char al = t->as.table.align[c];
        float shift = 0;
        if (al == 'r' || al == 'c') {
          float right = 0;
          for (size_t d = cb->d0; d < cb->d1; d++)
            if (l->draws[d].kind == TB_DRAW_TEXT) {
              float e = l->draws[d].x + l->draws[d].w;
              if (e > right) right = e;
            }
          float slack = (x + pad + colw[c]) - right;
          shift = al == 'r' ? slack : slack / 2;
          if (shift < 0) shift = 0;
        }
        for (size_t d = cb->d0; d < cb->d1; d++) {
          l->draws[d].y += y;
          l->draws[d].x += shift;
        }
        for (size_t k = cb->l0; k < cb->l1; k++) {
          l->links[k].y0 += y;
          l->links[k].y1 += y;
          l->links[k].x0 += shift;
          l->links[k].x1 += shift;
        }
        if (!l->vl.v[rb_index].start_node && cb->start_node) {
          l->vl.v[rb_index].start_node = cb->start_node;
          l->vl.v[rb_index].start_off = cb->start_off;
        }
        y += cb->h;
      }
      if (y + pad > rowh)
        rowh = y + pad;
      l->vl.n = v0; /* the cell's boxes are merged into the row box */
      x += colw[c] + 2 * pad;
    }
    vbox *rb = &l->vl.v[rb_index];
    rb->h = rowh;
    rb->base = pad + size;
    if (!rb->start_node)
      rb->start_node = row;
    /* rules: above the first row, below every row (heavier under the header) */
    l->cur_elem = 0; /* the rules are drawn, not read */
    if (first_row) {
      tb_draw *d = add_draw(l);
      d->kind = TB_DRAW_RULE;
      d->x = save_left;
      d->y = 0;
      d->w = table_w;
      d->line_width = 0.8f;
    }
    tb_draw *d = add_draw(l);
    d->kind = TB_DRAW_RULE;
    d->x = save_left;
    d->y = rowh;
    d->w = table_w;
    d->line_width = row->as.row.header ? 0.8f : 0.3f;
    close_box(l, rb);
    if (row->as.row.header && row->next)
      l->keep_next = true; /* the header row stays with the first body row */
    first_row = false;
  }
  l->cur_elem = was;
  l->left = save_left;
  l->width = save_width;
  free(nat);
  free(minw);
  free(colw);
  add_glue(l, PARA_SKIP);
}

static void layout_list(L *l, const tb_node *list) {
  int num = list->as.list.ordered ? list->as.list.start : 0;
  float save_left = l->left, save_width = l->width;
  /* marker column wide enough for the largest number */
  int count = 0;
  for (const tb_node *it = list->first; it; it = it->next)
    count++;
  char widest[32];
  (void)snprintf(widest, sizeof widest, "%d.", num + count);
  float mw = list->as.list.ordered ? text_width(l, TB_FACE_REGULAR, BODY_SIZE, widest, strlen(widest)) : 6.0f;
  float indent = mw + 8.0f > LIST_INDENT ? mw + 8.0f : LIST_INDENT;
  if (indent > l->width / 3)
    indent = l->width / 3;
  add_glue(l, PARA_SKIP);
  int was = open_elem(l, TB_ROLE_L), lst = l->cur_elem;
  for (const tb_node *it = list->first; it; it = it->next, num++) {
    char buf[48];
    const char *m;
    size_t mlen;
    if (it->as.item.task) {
      m = it->as.item.task == 2 ? "\xE2\x98\x91" : "\xE2\x98\x90"; /* ☑ ☐ */
      mlen = 3;
    } else if (list->as.list.ordered) {
      mlen = (size_t)snprintf(buf, sizeof buf, "%d.", num);
      m = buf;
    } else {
      m = "\xE2\x80\xA2"; /* • */
      mlen = 3;
    }
    tb_face mf = it->as.item.task ? TB_FACE_FALLBACK : TB_FACE_REGULAR;
    float w = text_width(l, mf, BODY_SIZE, m, mlen);
    l->marker = lo_strndup(l, m, mlen);
    l->marker_len = mlen;
    l->marker_face = mf;
    int li = new_elem(l, TB_ROLE_LI, lst);
    l->marker_elem = new_elem(l, TB_ROLE_LBL, li);
    l->cur_elem = new_elem(l, TB_ROLE_LBODY, li);
    l->marker_x = save_left + indent - 5.0f - w;
    if (l->marker_x < save_left)
      l->marker_x = save_left;
    l->left = save_left + indent;
    l->width = save_width - indent;
    if (l->width < 24)
      l->width = 24;
    layout_blocks(l, it->first);
    if (l->marker) {
      /* an empty item: the marker alone on its line */
      vbox *vb = open_box(l, BODY_LEAD, BODY_LEAD * 0.74f);
      close_box(l, vb);
    }
    l->left = save_left;
    l->width = save_width;
    l->cur_elem = lst;
    if (it->next)
      add_glue(l, list->as.list.tight ? 1.5f : PARA_SKIP);
  }
  l->cur_elem = was;
  add_glue(l, PARA_SKIP);
}

static void layout_block(L *l, const tb_node *n) {
  set_place(l, n);
  switch (n->type) {
  case TB_NODE_PARAGRAPH: {
    const tb_node *img = only_image(n);
    if (img) {
      layout_image(l, img);
      break;
    }
    bool in_item = n->parent && n->parent->type == TB_NODE_ITEM;
    if (!(in_item && n->prev == NULL))
      add_glue(l, PARA_SKIP);
    layout_paragraph(l, n, body_fmt(), base_style(BODY_SIZE));
    break;
  }
  case TB_NODE_HEADING:
    layout_heading(l, n);
    break;
  case TB_NODE_CODE_BLOCK:
  case TB_NODE_HTML_BLOCK:
    layout_code(l, n);
    break;
  case TB_NODE_THEMATIC_BREAK:
    layout_rule(l);
    break;
  case TB_NODE_BLOCK_QUOTE: {
    float save_left = l->left, save_width = l->width;
    if (l->quote_depth < 64)
      l->quote_x[l->quote_depth] = l->left + 3.0f;
    l->quote_depth++;
    l->left += QUOTE_INDENT;
    l->width -= QUOTE_INDENT;
    if (l->width < 24)
      l->width = 24;
    add_glue(l, PARA_SKIP);
    int was = open_elem(l, TB_ROLE_BLOCKQUOTE);
    layout_blocks(l, n->first);
    l->cur_elem = was;
    l->quote_depth--;
    l->left = save_left;
    l->width = save_width;
    add_glue(l, PARA_SKIP);
    break;
  }
  case TB_NODE_LIST:
    layout_list(l, n);
    break;
  case TB_NODE_TABLE:
    layout_table(l, n);
    break;
  case TB_NODE_ITEM:
  case TB_NODE_ROOT:
  case TB_NODE_FOOTNOTE_DEF:
    layout_blocks(l, n->first);
    break;
  case TB_NODE_TABLE_ROW:
  case TB_NODE_TABLE_CELL:
  case TB_NODE_NONE:
  case TB_NODE_TEXT:
  case TB_NODE_SOFTBREAK:
  case TB_NODE_LINEBREAK:
  case TB_NODE_CODE:
  case TB_NODE_HTML_INLINE:
  case TB_NODE_EMPH:
  case TB_NODE_STRONG:
  case TB_NODE_STRIKETHROUGH:
  case TB_NODE_LINK:
  case TB_NODE_IMAGE:
  case TB_NODE_FOOTNOTE_REF:
    break;
  }
}

static void layout_blocks(L *l, const tb_node *first) {
  for (const tb_node *n = first; n; n = n->next)
    layout_block(l, n);
}

/* ------------------------------------------------------------------------------------------ */
/* Pagination */

typedef struct pagebuild {
  size_t v0, v1;    /* boxes on the page (body list) */
  size_t nnotes;
  int notes[64];    /* footnote numbers placed at its foot (more are moved on) */
} pagebuild;

static float note_height(const L *l, int number) {
  if (number < 1 || (size_t)number > l->nnotes)
    return 0;
  const vlist *v = &l->notes[number - 1];
  float h = 2.0f;
  for (size_t i = 0; i < v->n; i++)
    h += v->v[i].h;
  return h;
}

static tb_page *new_page(L *l) {
  tb_layout *lo = l->lo;
  tb_grow(&lo->pages, &lo->pages_cap, lo->npages + 1, sizeof *lo->pages);
  size_t cap_info = lo->pages_cap;
  lo->info = tb_xrealloc(lo->info, cap_info * sizeof *lo->info);
  tb_page *p = &lo->pages[lo->npages];
  memset(p, 0, sizeof *p);
  memset(&lo->info[lo->npages], 0, sizeof lo->info[0]);
  lo->info[lo->npages].chapter = -1;
  lo->npages++;
  return p;
}

static void page_draw(L *l, tb_page *p, const tb_draw *d) {
  if (l->opts->page_starts_only)
    return;
  tb_grow(&p->draws, &p->draws_cap, p->ndraws + 1, sizeof *p->draws);
  p->draws[p->ndraws++] = *d;
}

static void page_link(L *l, tb_page *p, const tb_link *k) {
  if (l->opts->page_starts_only)
    return;
  tb_grow(&p->links, &p->links_cap, p->nlinks + 1, sizeof *p->links);
  p->links[p->nlinks++] = *k;
}

/* Copies box b's draws and links onto page p with its top at `top` (PDF y). */
static void place_box(L *l, tb_page *p, const vbox *b, float top, const tb_draw *draws, const tb_link *links) {
  for (size_t i = b->d0; i < b->d1; i++) {
    tb_draw d = draws[i];
    switch (d.kind) {
    case TB_DRAW_TEXT:
      d.y = top - d.y;
      break;
    case TB_DRAW_RULE:
      d.y = top - d.y;
      d.h = -d.h;
      break;
    case TB_DRAW_IMAGE:
      d.y = top - d.y - d.h;
      break;
    }
    page_draw(l, p, &d);
  }
  for (size_t i = b->l0; i < b->l1; i++) {
    tb_link k = links[i];
    float y0 = top - k.y0, y1 = top - k.y1;
    k.y0 = y0 < y1 ? y0 : y1;
    k.y1 = y0 < y1 ? y1 : y0;
    page_link(l, p, &k);
  }
}

static bool can_break_before(const vlist *vl, size_t j) {
  const vbox *b = &vl->v[j];
  if (b->kind == VB_PAGEBREAK)
    return true;
  if (b->kind == VB_CONTENT)
    return !b->keep_prev;
  /* glue: only if what follows the glue may start a page */
  for (size_t k = j + 1; k < vl->n; k++) {
    if (vl->v[k].kind == VB_GLUE)
      continue;
    return vl->v[k].kind == VB_PAGEBREAK || !vl->v[k].keep_prev;
  }
  return true;
}

static void add_text(tb_page *p, L *l, int elem, tb_face f, float size, float x, float y, const char *s,
                     float gray) {
  tb_draw d = {0};
  d.kind = TB_DRAW_TEXT;
  d.elem = elem;
  d.face = f;
  d.size = size;
  d.x = x;
  d.y = y;
  d.gray = gray;
  set_draw_text(l, &d, s, strlen(s), text_width(l, f, size, s, strlen(s)));
  page_draw(l, p, &d);
}

/* elem 0: running heads and page numbers, artifacts */
static void add_centered(tb_page *p, L *l, int elem, tb_face f, float size, float y, const char *s, float gray) {
  float w = text_width(l, f, size, s, strlen(s));
  add_text(p, l, elem, f, size, (l->g.w - w) / 2, y, s, gray);
}

/* Moves draws and links from index d0/l0 on by dx (to the text block's left edge). */
static void shift_x(L *l, size_t d0, size_t l0, float dx) {
  for (size_t i = d0; i < l->ndraws; i++)
    l->draws[i].x += dx;
  for (size_t i = l0; i < l->nlinks; i++) {
    l->links[i].x0 += dx;
    l->links[i].x1 += dx;
  }
}

/* Breaks the body's vertical list (one chapter's) into pages. */
static void paginate_body(L *l) {
  vlist *vl = &l->vl;
  float top = l->g.h - l->g.top;
  float bottom = l->g.bottom;
  size_t i = 0;
  int body_no = (int)l->lo->npages; /* body pages so far: the front matter comes later */
  const char *running = NULL; /* chapter title for right-hand heads */
  while (i < vl->n) {
    /* skip glue and page breaks at the top of a page */
    while (i < vl->n && vl->v[i].kind != VB_CONTENT)
      i++;
    if (i >= vl->n)
      break;
    size_t start = i, end = i, best = 0;
    bool have_best = false;
    float y = 0, notes_h = 0;
    int notes[64];
    size_t nnotes = 0;
    for (size_t j = i; j < vl->n; j++) {
      const vbox *b = &vl->v[j];
      if (b->kind == VB_PAGEBREAK && j > start) {
        end = j;
        goto page_done;
      }
      if (j > start && can_break_before(vl, j)) {
        best = j;
        have_best = true;
      }
      float add_notes = 0;
      for (size_t f = b->f0; f < b->f1; f++)
        add_notes += note_height(l, l->fnrefs[f]) + (nnotes == 0 && add_notes == 0 ? 8.0f : 0);
      float need = y + (b->kind == VB_GLUE ? 0 : b->h) + notes_h + add_notes;
      if (need > l->text_h && j > start) {
        end = have_best ? best : j;
        goto page_done;
      }
      y += b->h;
      notes_h += add_notes;
      for (size_t f = b->f0; f < b->f1 && nnotes < 64; f++)
        notes[nnotes++] = l->fnrefs[f];
      end = j + 1;
    }
  page_done:;
    /* notes of the boxes actually on the page */
    nnotes = 0;
    for (size_t j = start; j < end; j++)
      for (size_t f = vl->v[j].f0; f < vl->v[j].f1 && nnotes < 64; f++) {
        bool dup = false;
        for (size_t q = 0; q < nnotes; q++)
          dup |= notes[q] == l->fnrefs[f];
        if (!dup)
          notes[nnotes++] = l->fnrefs[f];
      }
    tb_page *p = new_page(l);
    size_t pi = l->lo->npages - 1;
    tb_page_info *info = &l->lo->info[pi];
    body_no++;
    char label[32];
    (void)snprintf(label, sizeof label, "%d", body_no);
    info->label = lo_strndup(l, label, strlen(label));
    info->body = true;
    info->chapter = vl->v[start].chapter;
    bool opens = false;
    float cur = 0;
    for (size_t j = start; j < end; j++) {
      vbox *b = &vl->v[j];
      if (b->kind == VB_PAGEBREAK)
        continue;
      if (b->kind == VB_GLUE && j == start)
        continue;
      if (b->kind == VB_CONTENT && !info->node && b->start_node) {
        info->node = b->start_node;
        info->offset = b->start_off;
      }
      if (b->opens_chapter)
        opens = true;
      if (b->heading >= 0) {
        l->lo->heading_page[b->heading] = (int)pi;
        l->lo->heading_y[b->heading] = top - cur + 4.0f;
      }
      place_box(l, p, b, top - cur, l->draws, l->links);
      cur += b->h;
    }
    if (!info->node)
      info->node = l->doc->chapters[info->chapter].root;
    /* footnotes at the foot: a short rule, then the notes */
    if (nnotes) {
      float h = 0;
      for (size_t q = 0; q < nnotes; q++)
        h += note_height(l, notes[q]);
      float ny = bottom + h + 4.0f;
      tb_draw r = {0};
      r.kind = TB_DRAW_RULE;
      r.x = l->g.inner;
      r.y = ny + 2.0f;
      r.w = l->text_w * 0.3f;
      r.line_width = 0.4f;
      page_draw(l, p, &r);
      for (size_t q = 0; q < nnotes; q++) {
        const vlist *nv = &l->notes[notes[q] - 1];
        ny -= 2.0f;
        for (size_t k = 0; k < nv->n; k++) {
          place_box(l, p, &nv->v[k], ny, l->draws, l->links);
          ny -= nv->v[k].h;
        }
      }
    }
    /* running head: book title on left (even) pages, chapter title on right (odd) pages; none
     * on a page that opens a chapter */
    const tb_chapter *ch = &l->doc->chapters[info->chapter];
    if (ch->title)
      running = ch->title;
    else
      running = NULL;
    if (!opens) {
      const char *head = (body_no % 2 == 0 || !running) ? l->doc->meta.title : running;
      if (head) {
        /* long titles are cut at a word with an ellipsis to fit the head line */
        /* room past the text: the ellipsis (3 bytes + NUL) may be written after the last space
         * of a title cut at 255 bytes (found by the fuzz replay under ASan) */
        char buf[256 + 8];
        (void)snprintf(buf, 256, "%s", head);
        while (text_width(l, TB_FACE_ITALIC, HEAD_SIZE_PT, buf, strlen(buf)) > l->text_w && strlen(buf) > 4) {
          char *sp = strrchr(buf, ' ');
          if (!sp || sp == buf)
            sp = buf + strlen(buf) - 4;
          while (sp > buf && ((unsigned char)*sp & 0xC0) == 0x80)
            sp--;
          memcpy(sp, "\xE2\x80\xA6", 4);
          if (text_width(l, TB_FACE_ITALIC, HEAD_SIZE_PT, buf, strlen(buf)) <= l->text_w)
            break;
          *sp = 0;
        }
        add_centered(p, l, 0, TB_FACE_ITALIC, HEAD_SIZE_PT, l->g.h - l->g.top + 22.0f, buf, 0.25f);
        tb_draw r = {0};
        r.kind = TB_DRAW_RULE;
        r.x = l->g.inner;
        r.y = l->g.h - l->g.top + 16.0f;
        r.w = l->text_w;
        r.line_width = 0.3f;
        r.gray = 0.4f;
        page_draw(l, p, &r);
      }
    }
    add_centered(p, l, 0, TB_FACE_REGULAR, 9.0f, bottom - 30.0f, info->label, 0);
    i = end;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Footnotes, laid out once each */

static void layout_notes(L *l) {
  l->nnotes = l->doc->nfootnotes;
  l->notes = tb_xcalloc(l->nnotes + 1, sizeof *l->notes);
  vlist saved = l->vl;
  float save_left = l->left, save_width = l->width;
  for (size_t k = 0; k < l->nnotes; k++) {
    const tb_node *def = l->doc->footnotes[k];
    l->vl = (vlist){0};
    l->left = 12.0f;
    l->width = l->text_w - 12.0f;
    char num[16];
    int n = snprintf(num, sizeof num, "%zu", k + 1);
    l->marker = lo_strndup(l, num, (size_t)n);
    l->marker_len = (size_t)n;
    l->marker_face = TB_FACE_REGULAR;
    l->marker_x = 0;
    /* a Note in the Document: it joins the tree when its page is painted, after the Sect of the
     * chapter that cites it (a chapter's notes are read after the chapter) */
    l->cur_elem = new_elem(l, TB_ROLE_NOTE, 1);
    l->marker_elem = new_elem(l, TB_ROLE_LBL, l->cur_elem);
    for (const tb_node *b = def->first; b; b = b->next) {
      set_place(l, b);
      if (b->type == TB_NODE_PARAGRAPH) {
        para_fmt pf = {NOTE_SIZE, NOTE_LEAD, true, false, 0, false};
        layout_paragraph(l, b, pf, base_style(NOTE_SIZE));
      } else {
        layout_block(l, b);
      }
    }
    if (l->marker) {
      vbox *vb = open_box(l, NOTE_LEAD, NOTE_LEAD * 0.74f);
      close_box(l, vb);
    }
    l->cur_elem = 0;
    /* drop glue: notes are stacked tightly */
    size_t o = 0;
    for (size_t i = 0; i < l->vl.n; i++)
      if (l->vl.v[i].kind == VB_CONTENT)
        l->vl.v[o++] = l->vl.v[i];
    l->vl.n = o;
    l->notes[k] = l->vl;
  }
  l->vl = saved;
  l->left = save_left;
  l->width = save_width;
}

/* ------------------------------------------------------------------------------------------ */
/* Front matter: title page and contents */

static void title_page(L *l, tb_page *p) {
  const tb_meta *m = &l->doc->meta;
  float y = l->g.h - l->g.top - 40.0f;
  if (m->category) {
    add_centered(p, l, new_elem(l, TB_ROLE_P, 1), TB_FACE_ITALIC, 11.0f, y, m->category, 0.3f);
    y -= 70.0f;
  } else {
    y -= 60.0f;
  }
  /* the title, wrapped and centered */
  vlist saved = l->vl;
  l->vl = (vlist){0};
  float save_left = l->left, save_width = l->width;
  l->left = l->g.inner;
  l->width = l->text_w;
  struct { const char *s; tb_face f; float size, lead, gap; } parts[3] = {
      {m->title, TB_FACE_BOLD, 24.0f, 30.0f, 18.0f},
      {m->subtitle, TB_FACE_ITALIC, 14.0f, 18.0f, 24.0f},
      {NULL, TB_FACE_REGULAR, 12.0f, 16.0f, 0},
  };
  tb_buf authors = {0};
  for (size_t i = 0; i < m->nauthors; i++) {
    if (i && i + 1 == m->nauthors)
      tb_buf_printf(&authors, " %s ", tb_i18n(m->lang, TB_STR_AND));
    else if (i)
      tb_buf_puts(&authors, ", ");
    tb_buf_puts(&authors, m->authors[i]);
  }
  parts[2].s = authors.data;
  for (int k = 0; k < 3; k++) {
    if (!parts[k].s || !*parts[k].s)
      continue;
    style st = base_style(parts[k].size);
    st.face = parts[k].f;
    st.nohyph = true;
    push_fragment(l, parts[k].s, strlen(parts[k].s), &st, NULL, 0);
    para_fmt pf = {parts[k].size, parts[k].lead, false, true, 0, false};
    size_t v0 = l->vl.n;
    l->cur_elem = new_elem(l, k == 0 ? TB_ROLE_H1 : TB_ROLE_P, 1); /* the title: h1, as in the EPUB */
    set_paragraph(l, &pf);
    l->cur_elem = 0;
    for (size_t i = v0; i < l->vl.n; i++) {
      place_box(l, p, &l->vl.v[i], y, l->draws, l->links);
      y -= l->vl.v[i].h;
    }
    y -= parts[k].gap;
  }
  tb_buf_free(&authors);
  free(l->vl.v);
  l->vl = saved;
  l->left = save_left;
  l->width = save_width;
  /* the date at the foot, in the document's language: "26 November 2026" */
  int yy, mm, dd;
  if (m->date && tb_date_parse(m->date, &yy, &mm, &dd)) {
    char buf[64];
    (void)snprintf(buf, sizeof buf, "%d %s %d", dd, tb_i18n_month(m->lang, mm), yy);
    add_centered(p, l, new_elem(l, TB_ROLE_P, 1), TB_FACE_REGULAR, 11.0f, l->g.bottom + 20.0f, buf, 0.2f);
  }
}

/* The contents: every heading to level 3, indented by level, dot leaders, the body page label
 * right-aligned, each entry a link to the heading's exact spot. */
/* The contents list heading h: to level 3, and only a heading that was laid out. */
static bool in_contents(const L *l, size_t h) {
  return l->doc->headings[h].level <= 3 && l->lo->heading_page[h] >= 0;
}

static void contents_list(L *l, vlist *out, const int *chapter_heading) {
  vlist saved = l->vl;
  l->vl = (vlist){0};
  float save_left = l->left, save_width = l->width;
  /* title */
  {
    style st = base_style(19.0f);
    st.face = TB_FACE_BOLD;
    const char *t = tb_i18n(l->doc->meta.lang, TB_STR_CONTENTS);
    l->left = 0;
    l->width = l->text_w;
    push_fragment(l, t, strlen(t), &st, NULL, 0);
    para_fmt pf = {19.0f, 24.0f, false, false, 0, false};
    add_glue(l, 36.0f);
    l->cur_elem = new_elem(l, TB_ROLE_H1, 1);
    set_paragraph(l, &pf);
    add_glue(l, 16.0f);
  }
  /* a TOC of TOCIs, each a Link holding the entry's text and number (the leaders are drawn) */
  int toc = new_elem(l, TB_ROLE_TOC, 1);
  int minlevel = 6;
  for (size_t h = 0; h < l->doc->nheadings; h++)
    if (l->doc->headings[h].level < minlevel)
      minlevel = l->doc->headings[h].level;
  float numw = text_width(l, TB_FACE_REGULAR, BODY_SIZE, "0000", 4);
  for (size_t h = 0; h < l->doc->nheadings; h++) {
    const tb_heading *hd = &l->doc->headings[h];
    if (!in_contents(l, h))
      continue;
    bool top = chapter_heading[h];
    int depth = hd->level - minlevel;
    if (depth < 0) depth = 0;
    l->left = 14.0f * (float)depth;
    l->width = l->text_w - l->left - numw - 12.0f;
    style st = base_style(BODY_SIZE);
    st.face = top ? TB_FACE_BOLD : TB_FACE_REGULAR;
    st.nohyph = true; /* the entry's one link (below) covers its text, leaders and number */
    push_fragment(l, hd->text, strlen(hd->text), &st, NULL, 0);
    if (l->nitems == 0)
      push_fragment(l, "\xE2\x80\x94", 3, &st, NULL, 0);
    para_fmt pf = {BODY_SIZE, BODY_LEAD, false, false, 0, false};
    if (top)
      add_glue(l, 6.0f);
    size_t v0 = l->vl.n;
    int link = new_elem(l, TB_ROLE_LINK, new_elem(l, TB_ROLE_TOCI, toc));
    l->cur_elem = link;
    set_paragraph(l, &pf);
    for (size_t i = v0 + 1; i < l->vl.n; i++)
      l->vl.v[i].keep_prev = true;
    /* leaders and number on the entry's last line, inside that line's box */
    vbox *last = &l->vl.v[l->vl.n - 1];
    float right = l->left;
    for (size_t d = last->d0; d < last->d1; d++)
      if (l->draws[d].kind == TB_DRAW_TEXT) {
        float e = l->draws[d].x + l->draws[d].w;
        if (e > right) right = e;
      }
    const char *label = l->lo->info[l->lo->heading_page[h]].label;
    tb_face num_face = top ? TB_FACE_BOLD : TB_FACE_REGULAR;
    float lw = text_width(l, num_face, BODY_SIZE, label, strlen(label)); /* in the face drawn */
    float dotw = text_width(l, TB_FACE_REGULAR, BODY_SIZE, ". ", 2);
    /* leaders on a fixed grid so the dots line up from entry to entry */
    float x0 = (floorf((right + 6.0f) / dotw) + 1) * dotw, x1 = l->text_w - numw + 4.0f;
    tb_buf dots = {0};
    /* x is the pen position, not a count: dots go on while the next one fits. The float steps
     * are the layout itself; a count worked out another way could differ by one at the edge. */
    for (float x = x0; x + dotw <= x1; x += dotw) // NOLINT(cert-flp30-c): a position, see above
      tb_buf_puts(&dots, ". ");
    tb_draw *d;
    if (dots.len) {
      d = add_draw(l);
      d->kind = TB_DRAW_TEXT;
      d->elem = 0;
      d->face = TB_FACE_REGULAR;
      d->size = BODY_SIZE;
      d->x = x0;
      d->y = last->base;
      d->gray = 0.45f;
      set_draw_text(l, d, dots.data, dots.len - 1, text_width(l, d->face, d->size, dots.data, dots.len - 1));
    }
    tb_buf_free(&dots);
    d = add_draw(l);
    d->kind = TB_DRAW_TEXT;
    d->face = num_face;
    d->size = BODY_SIZE;
    d->x = l->text_w - lw;
    d->y = last->base;
    set_draw_text(l, d, label, strlen(label), lw);
    /* the whole entry, number included, is one link */
    tb_link *k = add_link(l);
    k->x0 = l->left;
    k->x1 = l->text_w;
    k->y0 = last->h;
    k->y1 = 0;
    k->heading = (int)h;
    k->elem = link;
    last->d1 = l->ndraws;
    last->l1 = l->nlinks;
  }
  l->cur_elem = 0;
  *out = l->vl;
  l->vl = saved;
  l->left = save_left;
  l->width = save_width;
}

static void roman(int n, char *buf, size_t cap) {
  static const struct { int v; const char *s; } t[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"},
      {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}};
  buf[0] = 0;
  size_t len = 0;
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    while (n >= t[i].v && len + 3 < cap) {
      size_t sl = strlen(t[i].s); /* 1 or 2: len + 3 < cap leaves room for it and the NUL */
      memcpy(buf + len, t[i].s, sl + 1);
      len += sl;
      n -= t[i].v;
    }
}

/* Pages of the contents list, in order; entries never split, never orphaned. */
/* Tells opts->on_pages about the body pages made since the last call (the front matter comes
 * later and is never reported: body pages are still at the front of lo->info). */
static void report_pages(L *l, size_t chapters_done, size_t *reported) {
  if (!l->opts->on_pages)
    return;
  tb_layout *lo = l->lo;
  l->opts->on_pages(l->opts->on_pages_ctx, chapters_done, lo->info + *reported, lo->npages - *reported);
  *reported = lo->npages;
}

static size_t paginate_front(L *l, vlist *cl, tb_page **out_pages) {
  size_t n = 0, cap = 0;
  tb_page *pages = NULL;
  float top = l->g.h - l->g.top;
  size_t i = 0;
  while (i < cl->n) {
    while (i < cl->n && cl->v[i].kind != VB_CONTENT && n > 0)
      i++;
    if (i >= cl->n)
      break;
    size_t start = i, end = i, best = 0;
    bool have = false;
    float y = 0;
    for (size_t j = i; j < cl->n; j++) {
      if (j > start && can_break_before(cl, j)) {
        best = j;
        have = true;
      }
      if (y + cl->v[j].h > l->text_h && j > start) {
        end = have ? best : j;
        break;
      }
      y += cl->v[j].h;
      end = j + 1;
    }
    tb_grow(&pages, &cap, n + 1, sizeof *pages);
    tb_page *p = &pages[n++];
    memset(p, 0, sizeof *p);
    float cur = 0;
    for (size_t j = start; j < end; j++) {
      if (cl->v[j].kind == VB_GLUE && j == start && n > 1)
        continue;
      place_box(l, p, &cl->v[j], top - cur, l->draws, l->links);
      cur += cl->v[j].h;
    }
    i = end;
  }
  *out_pages = pages;
  return n;
}

/* ------------------------------------------------------------------------------------------ */

tb_layout *tb_layout_new(const tb_doc *doc, const tb_fonts *fonts, const tb_layout_opts *opts, tb_error *err) {
  tb_layout *lo = tb_xcalloc(1, sizeof *lo);
  lo->space_hist = tb_xcalloc(TB_SPACE_BINS + 1, sizeof *lo->space_hist);
  L l = {0};
  l.doc = doc;
  l.fonts = fonts;
  l.lo = lo;
  l.opts = opts;
  l.err = err;
  l.g = papers[opts->paper];
  l.text_w = l.g.w - l.g.inner - l.g.outer;
  l.text_h = l.g.h - l.g.top - l.g.bottom;
  l.width = l.text_w;
  l.pending_heading = -1;
  l.lang = doc->meta.lang;
  l.source = doc->nchapters ? doc->chapters[0].source : NULL;
  l.warned = tb_xcalloc(65536 / 8 + 1, 1);
  lo->doc = doc;
  lo->page_w = l.g.w;
  lo->page_h = l.g.h;
  lo->text_x0 = l.g.inner;
  lo->text_x1 = l.g.w - l.g.outer;
  lo->heading_page = tb_xmalloc((doc->nheadings + 1) * sizeof *lo->heading_page);
  lo->heading_y = tb_xcalloc(doc->nheadings + 1, sizeof *lo->heading_y);
  for (size_t h = 0; h < doc->nheadings; h++)
    lo->heading_page[h] = -1;
  /* the structure: element 0 holds the artifacts, element 1 is the Document */
  new_elem(&l, TB_ROLE_NONE, 0);
  new_elem(&l, TB_ROLE_DOCUMENT, 0);

  /* 1. footnotes, then the body, chapter by chapter. Each chapter opens a new page, so each is
   *    laid out and paginated on its own and its scratch boxes are dropped before the next:
   *    memory holds the pages and one chapter's boxes, not the whole book's twice. */
  layout_notes(&l);
  shift_x(&l, 0, 0, l.g.inner);
  size_t keep_draws = l.ndraws, keep_links = l.nlinks, keep_refs = l.nfnrefs;
  size_t reported = 0; /* body pages told to opts->on_pages */
  for (size_t c = 0; c < doc->nchapters; c++) {
    l.chapter = (int)c;
    l.lang = doc->chapters[c].lang ? doc->chapters[c].lang : doc->meta.lang;
    l.source = doc->chapters[c].source;
    l.opens_chapter = true;
    /* each chapter a Sect, with its language where it has one of its own */
    l.cur_elem = new_elem(&l, TB_ROLE_SECT, 1);
    if (doc->chapters[c].lang && doc->meta.lang && strcmp(doc->chapters[c].lang, doc->meta.lang) != 0)
      set_elem_attr(&l, l.cur_elem, NULL, doc->chapters[c].lang);
    layout_blocks(&l, doc->chapters[c].root->first);
    l.cur_elem = 0;
    l.keep_next = false;
    l.marker = NULL;
    /* the text block's left edge: the chapter's draws are relative to it so far */
    shift_x(&l, keep_draws, keep_links, l.g.inner);
    paginate_body(&l);
    l.vl.n = 0;
    l.ndraws = keep_draws;
    l.nlinks = keep_links;
    l.nfnrefs = keep_refs;
    /* Not before the first page: a book whose chapters make none gets one below, in chapter 0. */
    if (lo->npages > 0)
      report_pages(&l, c + 1, &reported);
  }
  if (lo->npages == 0) {
    new_page(&l);
    lo->info[0].label = "1";
    lo->info[0].body = true;
    lo->info[0].chapter = 0;
    lo->info[0].node = doc->nchapters ? doc->chapters[0].root : NULL;
  }
  report_pages(&l, doc->nchapters, &reported);

  /* 2. the contents, now that every heading's page is known (body labels start at 1, so the
   *    contents' own length changes no number in it) */
  int *chapter_heading = tb_xcalloc(doc->nheadings + 1, sizeof *chapter_heading);
  for (size_t c = 0; c < doc->nchapters; c++)
    if (doc->chapters[c].heading >= 0)
      chapter_heading[doc->chapters[c].heading] = 1;
  size_t d_mark = l.ndraws, l_mark = l.nlinks;
  vlist cl = {0};
  /* no page of contents without an entry (an article with no heading to level 3) */
  bool listed = false;
  for (size_t h = 0; h < doc->nheadings && !listed; h++)
    listed = in_contents(&l, h);
  if (listed)
    contents_list(&l, &cl, chapter_heading);
  shift_x(&l, d_mark, l_mark, l.g.inner);
  free(chapter_heading);
  tb_page *cpages = NULL;
  size_t ncp = paginate_front(&l, &cl, &cpages);
  free(cl.v);

  /* 3. title page + contents pages in front of the body */
  size_t nbody = lo->npages, nfront = 1 + ncp;
  tb_grow(&lo->pages, &lo->pages_cap, nbody + nfront, sizeof *lo->pages);
  lo->info = tb_xrealloc(lo->info, lo->pages_cap * sizeof *lo->info);
  memmove(lo->pages + nfront, lo->pages, nbody * sizeof *lo->pages);
  memmove(lo->info + nfront, lo->info, nbody * sizeof *lo->info);
  lo->npages = nbody + nfront;
  lo->nfront = nfront;
  memset(&lo->pages[0], 0, sizeof lo->pages[0]);
  title_page(&l, &lo->pages[0]);
  for (size_t i = 0; i < ncp; i++)
    lo->pages[1 + i] = cpages[i];
  free(cpages);
  for (size_t i = 0; i < nfront; i++) {
    char r[32];
    roman((int)i + 1, r, sizeof r);
    memset(&lo->info[i], 0, sizeof lo->info[i]);
    lo->info[i].label = lo_strndup(&l, r, strlen(r));
    lo->info[i].chapter = -1;
    if (i > 0)
      add_centered(&lo->pages[i], &l, 0, TB_FACE_REGULAR, 9.0f, l.g.bottom - 30.0f, lo->info[i].label, 0);
  }
  for (size_t h = 0; h < doc->nheadings; h++)
    if (lo->heading_page[h] >= 0)
      lo->heading_page[h] += (int)nfront;

  /* cleanup of the scratch state */
  for (size_t k = 0; k < l.nnotes; k++)
    free(l.notes[k].v);
  free(l.notes);
  for (size_t i = 0; i < l.nhyph; i++)
    tb_hyphen_free(l.hyph[i].h);
  free(l.hyph);
  free(l.vl.v);
  free(l.draws);
  free(l.links);
  free(l.fnrefs);
  free(l.items);
  free(l.boxes);
  free(l.warned);
  free(l.pending_images);
  free(l.hc.slots);
  free(l.wc.slots);
  free(l.wc.pieces);
  if (tb_error_is_set(err)) {
    tb_layout_free(lo);
    return NULL;
  }
  return lo;
}

float tb_layout_space_median(const tb_layout *lo) {
  if (!lo->nspaces)
    return 0;
  size_t seen = 0;
  for (size_t b = 0; b <= TB_SPACE_BINS; b++) {
    seen += lo->space_hist[b];
    if (seen * 2 > lo->nspaces)
      return (float)b / 1000.0f;
  }
  return (float)TB_SPACE_BINS / 1000.0f;
}

void tb_layout_drop_draws(tb_layout *lo, size_t i) {
  if (i >= lo->npages)
    return;
  free(lo->pages[i].draws);
  lo->pages[i].draws = NULL;
  lo->pages[i].ndraws = lo->pages[i].draws_cap = 0;
}

void tb_layout_free(tb_layout *lo) {
  if (!lo)
    return;
  for (size_t i = 0; i < lo->npages; i++) {
    free(lo->pages[i].draws);
    free(lo->pages[i].links);
  }
  free(lo->pages);
  free(lo->info);
  free(lo->heading_page);
  free(lo->heading_y);
  free(lo->elems);
  free(lo->attrs);
  free(lo->space_hist);
  tb_arena_free(&lo->arena);
  free(lo);
}
