// tags.c -- the tagged PDF's structure tree: built while the pages are painted, written into the
// final pass's object streams once libharu's document is gone (tags.h says why).
#include "pdf/tags.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pack.h"
#include "util/mem.h"
#include "util/utf8.h"

/* What the painter tells, kept small while libharu holds the whole document (the tree is built
 * from it after libharu is gone): each marked-content sequence as the reading order meets it,
 * and each link annotation. */
typedef struct mark_rec {
  int elem;
  unsigned mcid;
} mark_rec;

/* A footnote's reference mark: the Note it cites is read right after marks[mark]. */
typedef struct anchor_rec {
  size_t mark;
  int note;
} anchor_rec;

typedef struct annot_rec {
  int elem;
  unsigned page;
  unsigned obj;
} annot_rec;

struct tb_tags {
  const tb_layout *lo;
  size_t n;        /* elements */
  mark_rec *marks; /* in reading order, page after page */
  size_t nmarks, marks_cap;
  size_t *page_mark0;  /* per page started: its first mark */
  anchor_rec *anchors; /* in the order of their marks */
  size_t nanchors, anchors_cap;
  annot_rec *annots; /* their /StructParent keys follow the pages' */
  size_t nannots, annots_cap;
  unsigned *page_nmcid; /* per page: MCIDs given */
  unsigned *page_obj;   /* per page: its object number */
  size_t page;          /* the page being painted */
  int *link_at;         /* per element: 1 + its index in link_text, 0: none */
  tb_buf *link_text;    /* per Link element met: its text (the annotation's /Contents) */
  size_t nlink_text, link_text_cap;
  struct tree *tree;    /* built by tb_tags_number */
  unsigned *obj;        /* per element in the tree: its object number */
  unsigned parent_tree; /* the parent tree's */
};

static const char *const role_names[TB_ROLE_COUNT] = {
    [TB_ROLE_NONE] = "Artifact",
    [TB_ROLE_DOCUMENT] = "Document",
    [TB_ROLE_SECT] = "Sect",
    [TB_ROLE_P] = "P",
    [TB_ROLE_H1] = "H1",
    [TB_ROLE_H2] = "H2",
    [TB_ROLE_H3] = "H3",
    [TB_ROLE_H4] = "H4",
    [TB_ROLE_H5] = "H5",
    [TB_ROLE_H6] = "H6",
    [TB_ROLE_BLOCKQUOTE] = "BlockQuote",
    [TB_ROLE_CODE] = "Code",
    [TB_ROLE_L] = "L",
    [TB_ROLE_LI] = "LI",
    [TB_ROLE_LBL] = "Lbl",
    [TB_ROLE_LBODY] = "LBody",
    [TB_ROLE_TABLE] = "Table",
    [TB_ROLE_TR] = "TR",
    [TB_ROLE_TH] = "TH",
    [TB_ROLE_TD] = "TD",
    [TB_ROLE_FIGURE] = "Figure",
    [TB_ROLE_CAPTION] = "Caption",
    [TB_ROLE_NOTE] = "Note",
    [TB_ROLE_TOC] = "TOC",
    [TB_ROLE_TOCI] = "TOCI",
    [TB_ROLE_LINK] = "Link",
};

const char *tb_tags_role_name(tb_role role) {
  return role >= 0 && role < TB_ROLE_COUNT ? role_names[role] : "P";
}

tb_tags *tb_tags_new(const tb_layout *lo) {
  if (lo->nelems < 2)
    return NULL;
  tb_tags *t = tb_xcalloc(1, sizeof *t);
  t->lo = lo;
  t->n = lo->nelems;
  t->page_nmcid = tb_xcalloc(lo->npages + 1, sizeof *t->page_nmcid);
  t->page_mark0 = tb_xcalloc(lo->npages + 1, sizeof *t->page_mark0);
  t->marks_cap = 256;
  t->marks = tb_xmalloc(t->marks_cap * sizeof *t->marks);
  t->page_obj = tb_xcalloc(lo->npages + 1, sizeof *t->page_obj);
  t->link_at = tb_xcalloc(t->n, sizeof *t->link_at);
  return t;
}

static void tree_free(struct tree *r);

void tb_tags_free(tb_tags *t) {
  if (!t)
    return;
  if (t->tree)
    tree_free(t->tree);
  free(t->tree);
  free(t->obj);
  free(t->marks);
  free(t->annots);
  free(t->anchors);
  free(t->page_nmcid);
  free(t->page_mark0);
  free(t->page_obj);
  for (size_t i = 0; i < t->nlink_text; i++)
    tb_buf_free(&t->link_text[i]);
  free(t->link_text);
  free(t->link_at);
  free(t);
}

void tb_tags_page(tb_tags *t, size_t page, unsigned obj) {
  if (page >= t->lo->npages)
    return;
  /* pages come in order: those skipped (none, unless painting failed) hold no marks */
  for (size_t p = t->page + 1; p <= page; p++)
    t->page_mark0[p] = t->nmarks;
  t->page = page;
  t->page_obj[page] = obj;
}

/* The end of page pg's marks: the next page's first, or for the last page started, the end. */
static size_t marks_end(const tb_tags *t, size_t pg) {
  return pg < t->page ? t->page_mark0[pg + 1] : t->nmarks;
}

int tb_tags_mcid(tb_tags *t) { return (int)t->page_nmcid[t->page]++; }

/* Draw k's content is in the sequence `id` of element e: a mark, unless the one before is that. */
static void add_mark(tb_tags *t, int e, int id) {
  const mark_rec *last = t->nmarks > t->page_mark0[t->page] ? &t->marks[t->nmarks - 1] : NULL;
  if (last && last->elem == e && last->mcid == (unsigned)id)
    return; /* the same sequence as the draw before */
  tb_grow(&t->marks, &t->marks_cap, t->nmarks + 1, sizeof *t->marks);
  // NOLINTNEXTLINE(clang-analyzer-core.NullDereference): allocated in tb_tags_new, grown just above
  t->marks[t->nmarks++] = (mark_rec){e, (unsigned)id};
}

void tb_tags_read(tb_tags *t, const tb_draw *draws, const int *mcid, size_t n, const tb_tags_seq *more,
                  size_t nmore) {
  size_t m = 0;
  for (size_t k = 0; k < n; k++) {
    int e = draws[k].elem;
    if (e <= 0 || (size_t)e >= t->n || mcid[k] < 0 || (unsigned)mcid[k] >= t->page_nmcid[t->page])
      continue;
    /* a link's text, for its /Contents (a contents entry's is its heading's: not kept) */
    if (t->lo->elems[e].role == TB_ROLE_LINK && draws[k].kind == TB_DRAW_TEXT &&
        t->lo->elems[t->lo->elems[e].parent].role != TB_ROLE_TOCI) {
      if (!t->link_at[e]) {
        tb_grow(&t->link_text, &t->link_text_cap, t->nlink_text + 1, sizeof *t->link_text);
        t->link_text[t->nlink_text++] = (tb_buf){0};
        t->link_at[e] = (int)t->nlink_text;
      }
      /* a hyphenated line end's '-' left out: the word reads whole ("sejumlah") */
      size_t len = draws[k].len - (draws[k].hyphen && draws[k].len && draws[k].text[draws[k].len - 1] == '-');
      if (len) /* a draw without text (none the layout makes) adds nothing */
        tb_buf_put(&t->link_text[t->link_at[e] - 1], draws[k].text, len);
    }
    add_mark(t, e, mcid[k]);
    for (; m < nmore && more[m].draw <= k; m++)
      if (more[m].draw == k && more[m].mcid >= 0 && (unsigned)more[m].mcid < t->page_nmcid[t->page])
        add_mark(t, e, more[m].mcid);
    int note = draws[k].note;
    if (note > 0 && (size_t)note < t->n && t->lo->elems[note].role == TB_ROLE_NOTE) {
      tb_grow(&t->anchors, &t->anchors_cap, t->nanchors + 1, sizeof *t->anchors);
      t->anchors[t->nanchors++] = (anchor_rec){t->nmarks - 1, note};
    }
  }
}

const char *tb_tags_link_text(const tb_tags *t, int elem) {
  if (!t || elem <= 0 || (size_t)elem >= t->n || !t->link_at[elem])
    return NULL;
  return t->link_text[t->link_at[elem] - 1].data;
}

int tb_tags_annot(tb_tags *t, int elem, size_t page, unsigned obj) {
  if (elem <= 0 || (size_t)elem >= t->n)
    return -1;
  tb_grow(&t->annots, &t->annots_cap, t->nannots + 1, sizeof *t->annots);
  t->annots[t->nannots++] = (annot_rec){elem, (unsigned)page, obj};
  return (int)(t->lo->npages + t->nannots - 1);
}

/* ---- the tree, built once the painting is done ---- */

enum { KID_MCID, KID_ELEM, KID_OBJR };

/* One kid of an element, in a list per element: a marked-content sequence on a page, a child
 * element, or an annotation. */
typedef struct kid {
  int next;
  int kind;
  unsigned page;  /* KID_MCID, KID_OBJR */
  unsigned value; /* the MCID, the child element, the annotation's object number */
} kid;

struct tree {
  const tb_tags *t;
  int *first, *last; /* per element: its kids (indices into kids), -1: none */
  int *up;           /* per element: its parent in the tree (the layout's, or a Note's citer) */
  long *pg;          /* per element: the page of its first marked content, -1: none */
  unsigned char *joined;
  unsigned char *level; /* per heading element: its level in the tree, 1-6 */
  kid *kids;
  size_t nkids, kids_cap;
};
typedef struct tree tree;

static void add_kid(tree *r, int e, int kind, unsigned page, unsigned value) {
  tb_grow(&r->kids, &r->kids_cap, r->nkids + 1, sizeof *r->kids);
  int k = (int)r->nkids++;
  r->kids[k] = (kid){-1, kind, page, value};
  if (r->last[e] >= 0)
    r->kids[r->last[e]].next = k;
  else
    r->first[e] = k;
  r->last[e] = k;
}

/* Puts e into the tree: at the end of its parent's kids, the parent too if it is not in yet.
 * Called when e first has content, so elements join in reading order. */
static void join(tree *r, int e) {
  const tb_tags *t = r->t;
  while (e > 0 && (size_t)e < t->n && !r->joined[e]) {
    r->joined[e] = 1;
    int p = r->up[e];
    if (p <= 0 || p >= e)
      break; /* the Document (or a parent out of order, which the layout never makes) */
    add_kid(r, p, KID_ELEM, 0, (unsigned)e);
    e = p;
  }
}

/* The headings' levels in the tree (PDF/UA-1 §7.4.2): in the tree's order, the first is H1 and
 * each is at most one level below the one before, whatever the source's levels do (a ### under a
 * # is an H2 here; its drawn size and the outline follow the source). A heading's level is the
 * depth of the stack of source levels open above it. */
static void heading_levels(tree *r) {
  const tb_tags *t = r->t;
  r->level = tb_xcalloc(t->n, 1);
  if (t->n < 2 || !r->joined[1])
    return;
  int open[6], depth = 0;
  size_t cap = 64, sp = 0;
  int *stack = tb_xmalloc(cap * sizeof *stack); /* kids still to visit, depth first */
  stack[sp++] = r->first[1];
  while (sp) {
    int k = stack[--sp];
    if (k < 0)
      continue;
    const kid *c = &r->kids[k];
    tb_grow(&stack, &cap, sp + 2, sizeof *stack);
    stack[sp++] = c->next; /* its next sibling after its own kids */
    if (c->kind != KID_ELEM)
      continue;
    tb_role role = t->lo->elems[c->value].role;
    if (role >= TB_ROLE_H1 && role <= TB_ROLE_H6) {
      int src = (int)(role - TB_ROLE_H1) + 1;
      while (depth > 0 && open[depth - 1] >= src)
        depth--;
      open[depth++] = src;
      r->level[c->value] = (unsigned char)depth;
    }
    stack[sp++] = r->first[c->value];
  }
  free(stack);
}

/* A footnote's Note, read where its reference mark is (PDF/UA and screen readers would have it
 * there, not after the chapter): a kid of the element holding the mark (of a Link's parent, after
 * the Link), right after the mark's sequence. Only a Note that has content on some page (notes[]:
 * per element, whether it is a Note with content), and only at its first reference. */
static void place_note(tree *r, const unsigned char *notes, int note, int at) {
  const tb_layout *lo = r->t->lo;
  if (at > 0 && lo->elems[at].role == TB_ROLE_LINK)
    at = lo->elems[at].parent;
  if (at <= 0 || !notes[note] || r->joined[note] || !r->joined[at])
    return;
  r->joined[note] = 1;
  r->up[note] = at;
  add_kid(r, at, KID_ELEM, 0, (unsigned)note);
}

static void build(tree *r, const tb_tags *t) {
  memset(r, 0, sizeof *r);
  r->t = t;
  r->first = tb_xmalloc(t->n * sizeof *r->first);
  r->last = tb_xmalloc(t->n * sizeof *r->last);
  r->up = tb_xmalloc(t->n * sizeof *r->up);
  r->pg = tb_xmalloc(t->n * sizeof *r->pg);
  r->joined = tb_xcalloc(t->n, 1);
  for (size_t e = 0; e < t->n; e++) {
    r->first[e] = r->last[e] = -1;
    r->up[e] = t->lo->elems[e].parent;
    r->pg[e] = -1;
  }
  unsigned char *notes = tb_xcalloc(t->n, 1);
  for (size_t i = 0; i < t->nanchors; i++) /* the Notes cited: do they have content? */
    notes[t->anchors[i].note] = 2;
  for (size_t i = 0; t->nanchors && i < t->nmarks; i++)
    for (int e = t->marks[i].elem; e > 0 && (size_t)e < t->n; e = t->lo->elems[e].parent)
      if (notes[e] == 2) {
        notes[e] = 1;
        break;
      }
  for (size_t e = 0; t->nanchors && e < t->n; e++)
    notes[e] = notes[e] == 1;
  size_t a = 0;
  for (unsigned pg = 0; pg <= t->page && pg < t->lo->npages; pg++)
    for (size_t i = t->page_mark0[pg]; i < marks_end(t, pg); i++) {
      const mark_rec *m = &t->marks[i];
      int last = r->last[m->elem];
      // NOLINTNEXTLINE(clang-analyzer-core.NullDereference): last >= 0 only once add_kid has made kids
      if (!(last >= 0 && r->kids[last].kind == KID_MCID && r->kids[last].page == pg &&
            r->kids[last].value == m->mcid)) {
        add_kid(r, m->elem, KID_MCID, pg, m->mcid);
        if (r->pg[m->elem] < 0)
          r->pg[m->elem] = (long)pg;
        join(r, m->elem);
      }
      for (; a < t->nanchors && t->anchors[a].mark <= i; a++)
        if (t->anchors[a].mark == i)
          place_note(r, notes, t->anchors[a].note, m->elem);
    }
  free(notes);
  for (size_t i = 0; i < t->nannots; i++) {
    add_kid(r, t->annots[i].elem, KID_OBJR, t->annots[i].page, t->annots[i].obj);
    join(r, t->annots[i].elem);
  }
  heading_levels(r);
}

static void tree_free(struct tree *r) {
  free(r->first);
  free(r->last);
  free(r->up);
  free(r->pg);
  free(r->joined);
  free(r->level);
  free(r->kids);
}

/* A text string: UTF-16BE with its byte-order mark, in hex (§7.9.2.2). */
static void put_text(tb_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  tb_buf_puts(b, "<FEFF");
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    size_t k;
    uint32_t cp = tb_utf8_decode(s + i, n - i, &k);
    i += k ? k : 1;
    unsigned u[2];
    int nu = 1;
    if (cp > 0x10FFFF)
      cp = 0xFFFD;
    if (cp >= 0x10000) {
      u[0] = 0xD800 + ((cp - 0x10000) >> 10);
      u[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
      nu = 2;
    } else {
      u[0] = cp;
    }
    for (int j = 0; j < nu; j++) {
      char c[4] = {hex[(u[j] >> 12) & 15], hex[(u[j] >> 8) & 15], hex[(u[j] >> 4) & 15], hex[u[j] & 15]};
      tb_buf_put(b, c, 4);
    }
  }
  tb_buf_putc(b, '>');
}

/* An indirect reference "n 0 R" (by hand: printf cost a third of the structure tree's writing). */
static void put_ref(tb_buf *b, unsigned obj) {
  tb_buf_putu(b, obj);
  tb_buf_put(b, " 0 R", 4);
}

/* One element's object body (no "obj" line) into b; attr: its attributes, or NULL. */
static void put_elem(tb_buf *b, const tree *r, size_t e, const tb_elem_attr *attr, const unsigned *obj,
                     unsigned root) {
  const tb_tags *t = r->t;
  const tb_elem *el = &t->lo->elems[e];
  int p = r->up[e];
  tb_buf_puts(b, "<</S/");
  if (r->level[e]) {
    tb_buf_putc(b, 'H');
    tb_buf_putu(b, r->level[e]);
  } else {
    tb_buf_puts(b, tb_tags_role_name(el->role));
  }
  if (el->role == TB_ROLE_TH) /* GFM tables have header rows only: each TH heads its column */
    tb_buf_puts(b, "/A<</O/Table/Scope/Column>>");
  if (el->role == TB_ROLE_NOTE) { /* PDF/UA-1 §7.9: a unique ID */
    tb_buf_puts(b, "/ID(note");
    tb_buf_putu(b, e);
    tb_buf_putc(b, ')');
  }
  tb_buf_puts(b, "/P ");
  put_ref(b, p > 0 && (size_t)p < t->n && r->joined[p] ? obj[p] : root);
  if (r->pg[e] >= 0) {
    tb_buf_puts(b, "/Pg ");
    put_ref(b, t->page_obj[r->pg[e]]);
  }
  if (attr && attr->alt) {
    tb_buf_puts(b, "/Alt");
    put_text(b, attr->alt);
  }
  if (attr && attr->lang) {
    tb_buf_puts(b, "/Lang");
    put_text(b, attr->lang);
  }
  int k = r->first[e];
  bool one = k >= 0 && r->kids[k].next < 0;
  if (k >= 0)
    tb_buf_puts(b, one ? "/K " : "/K[");
  for (; k >= 0; k = r->kids[k].next) {
    const kid *c = &r->kids[k];
    if (k != r->first[e])
      tb_buf_putc(b, ' ');
    if (c->kind == KID_MCID && (long)c->page == r->pg[e]) {
      tb_buf_putu(b, c->value);
    } else if (c->kind == KID_MCID) {
      tb_buf_puts(b, "<</Type/MCR/Pg ");
      put_ref(b, t->page_obj[c->page]);
      tb_buf_puts(b, "/MCID ");
      tb_buf_putu(b, c->value);
      tb_buf_puts(b, ">>");
    } else if (c->kind == KID_ELEM) {
      put_ref(b, obj[c->value]);
    } else {
      tb_buf_puts(b, "<</Type/OBJR/Pg ");
      put_ref(b, t->page_obj[c->page]);
      tb_buf_puts(b, "/Obj ");
      put_ref(b, c->value);
      tb_buf_puts(b, ">>");
    }
  }
  if (r->first[e] >= 0 && !one)
    tb_buf_putc(b, ']');
  tb_buf_puts(b, ">>");
}

/* The parent tree (§14.7.4.4): per page, the element of each MCID; per annotation, its Link. */
static void put_parent_tree(tb_buf *b, const tree *r, const unsigned *obj) {
  const tb_tags *t = r->t;
  size_t npages = t->lo->npages, total = 0;
  size_t *first = tb_xmalloc((npages + 1) * sizeof *first);
  for (size_t pg = 0; pg < npages; pg++) {
    first[pg] = total;
    total += t->page_nmcid[pg];
  }
  int *elem = tb_xmalloc((total + 1) * sizeof *elem);
  for (size_t i = 0; i < total; i++)
    elem[i] = 0;
  for (size_t pg = 0; pg <= t->page && pg < npages; pg++)
    for (size_t i = t->page_mark0[pg]; i < marks_end(t, pg); i++)
      if (t->marks[i].mcid < t->page_nmcid[pg])
        elem[first[pg] + t->marks[i].mcid] = t->marks[i].elem;
  tb_buf_puts(b, "<</Nums[");
  for (size_t pg = 0; pg < npages; pg++) {
    if (pg)
      tb_buf_putc(b, '\n');
    tb_buf_putu(b, pg);
    tb_buf_putc(b, '[');
    for (size_t m = 0; m < t->page_nmcid[pg]; m++) {
      int e = elem[first[pg] + m];
      if (m)
        tb_buf_putc(b, ' ');
      if (e > 0 && r->joined[e])
        put_ref(b, obj[e]);
      else
        tb_buf_puts(b, "null");
    }
    tb_buf_putc(b, ']');
  }
  for (size_t a = 0; a < t->nannots; a++)
    tb_buf_printf(b, "\n%zu %u 0 R", npages + a, obj[t->annots[a].elem]);
  tb_buf_puts(b, "]>>");
  free(first);
  free(elem);
}

bool tb_tags_ua(const tb_tags *t) {
  const tb_layout *lo = t->lo;
  if (!lo->doc || !lo->doc->meta.title || !*lo->doc->meta.title)
    return false; /* §7.1: dc:title identifies the document */
  size_t a = 0;
  for (size_t e = 1; e < t->n; e++) {
    if (lo->elems[e].role != TB_ROLE_FIGURE)
      continue;
    while (a < lo->nattrs && (size_t)lo->attrs[a].elem < e)
      a++;
    if (a >= lo->nattrs || (size_t)lo->attrs[a].elem != e || !lo->attrs[a].alt || !*lo->attrs[a].alt)
      return false; /* §7.3: a Figure without alternate text (the source gave none) */
  }
  return true;
}

unsigned tb_tags_number(tb_tags *t, unsigned first) {
  if (!t->tree) {
    t->tree = tb_xmalloc(sizeof *t->tree);
    build(t->tree, t);
  }
  free(t->obj);
  t->obj = tb_xcalloc(t->n, sizeof *t->obj);
  unsigned next = first;
  for (size_t e = 1; e < t->n; e++)
    if (t->tree->joined[e])
      t->obj[e] = next++;
  t->parent_tree = next++;
  return next;
}

void tb_tags_write(const tb_tags *t, unsigned root, tb_pack *p) {
  const tree *r = t->tree;
  if (!r)
    return;
  const unsigned *obj = t->obj;
  tb_buf body = {0};
  tb_buf_puts(&body, "<</Type/StructTreeRoot");
  if (t->n > 1 && r->joined[1])
    tb_buf_printf(&body, "/K %u 0 R", obj[1]);
  tb_buf_printf(&body, "/ParentTree %u 0 R/ParentTreeNextKey %zu>>", t->parent_tree,
                t->lo->npages + t->nannots);
  tb_pack_obj(p, root, body.data, body.len);
  size_t a_at = 0; /* the attributes from there on: they are in the order of their elements */
  for (size_t e = 1; e < t->n; e++) {
    if (!r->joined[e])
      continue;
    while (a_at < t->lo->nattrs && (size_t)t->lo->attrs[a_at].elem < e)
      a_at++;
    const tb_elem_attr *attr =
        a_at < t->lo->nattrs && (size_t)t->lo->attrs[a_at].elem == e ? &t->lo->attrs[a_at] : NULL;
    tb_buf_clear(&body);
    put_elem(&body, r, e, attr, obj, root);
    tb_pack_obj(p, obj[e], body.data, body.len);
  }
  tb_buf_clear(&body);
  put_parent_tree(&body, r, obj);
  tb_pack_obj(p, t->parent_tree, body.data, body.len);
  tb_buf_free(&body);
}
