// html.c -- raw HTML into the model, as GitHub shows it. cmark-gfm hands raw HTML over as
// literal pieces (an HTML block, or an inline tag between a paragraph's texts); the pieces of one
// block container, or of one paragraph, are joined into one string, the Markdown between them
// standing in as placeholder elements (<tb-x i="N">), parsed with gumbo (HTML5's own tree
// building: unclosed and stray tags as a browser reads them), and the tree is mapped back onto
// the model through GitHub's allowlist (html-pipeline's SanitizationFilter). Nothing of the
// HTML survives as markup: the backends write the model.
#include "input/html.h"

#include <gumbo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/image.h"
#include "input/limits.h"

typedef struct seg {
  size_t off;          /* where a raw piece starts in the joined string */
  const tb_node *node; /* the HTML node it came from */
} seg;

typedef struct hx {
  tb_doc *doc;
  const tb_html_src *src;
  tb_error *err;
  tb_buf html;         /* the joined string */
  tb_node **ph;        /* placeholder i: the Markdown node it stands for */
  unsigned char *used; /* placeholder i reattached already */
  size_t nph, ph_cap;
  seg *segs;
  size_t nsegs, segs_cap;
  tb_node **pending; /* anchors met between blocks, waiting for the next paragraph */
  size_t npending, pending_cap;
  tb_node *para; /* the paragraph made for inline content in a block container */
  int base_line; /* the container's line, for pieces without one */
  bool deep_warned;
} hx;

/* ---- positions ---- */

static void place_of(const hx *h, size_t off, int *line, int *col) {
  *line = h->base_line;
  *col = 0;
  size_t lo = 0, hi = h->nsegs;
  while (lo < hi) { /* the last segment starting at or before off */
    size_t mid = (lo + hi) / 2;
    if (h->segs[mid].off <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return;
  const seg *s = &h->segs[lo - 1];
  const tb_node *n = s->node;
  size_t k = off - s->off;
  if (k > n->literal_len)
    k = n->literal_len;
  int l = n->line ? n->line : h->base_line, c = n->col;
  for (size_t i = 0; i < k; i++) {
    if (n->literal[i] == '\n') {
      l++;
      c = 1;
    } else if (c > 0) {
      c++;
    }
  }
  *line = l;
  *col = c;
}

/* ---- joining: raw pieces, escaped text, placeholders ---- */

static void put_raw(hx *h, const tb_node *n) {
  tb_grow(&h->segs, &h->segs_cap, h->nsegs + 1, sizeof *h->segs);
  h->segs[h->nsegs].off = h->html.len;
  h->segs[h->nsegs++].node = n;
  tb_buf_put(&h->html, n->literal, n->literal_len);
}

static void put_text(hx *h, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '<')
      tb_buf_puts(&h->html, "&lt;");
    else if (c == '&')
      tb_buf_puts(&h->html, "&amp;");
    else
      tb_buf_putc(&h->html, c);
  }
}

static size_t put_placeholder(hx *h, tb_node *n) {
  // NOLINTNEXTLINE(bugprone-sizeof-expression): the elements are pointers, so sizeof is a pointer's
  tb_grow(&h->ph, &h->ph_cap, h->nph + 1, sizeof *h->ph);
  h->ph[h->nph] = n;
  tb_buf_printf(&h->html, "<tb-x i=\"%zu\">", h->nph);
  return h->nph++;
}

/* ---- the allowlist ---- */

typedef enum {
  K_UNKNOWN, /* tags dropped, text kept */
  K_SILENT,  /* dropped with its content, without a word (head matter, <source>, <wbr>) */
  K_DROP,    /* dropped with its content and a warning */
  K_BLOCK,   /* div, section ...: a transparent block */
  K_P,
  K_HEADING,
  K_QUOTE,
  K_LIST,
  K_LI,
  K_DL,
  K_DT,
  K_DD,
  K_DETAILS,
  K_SUMMARY,
  K_TABLE,
  K_PRE,
  K_HR,
  K_BR,
  K_STRONG,
  K_EMPH,
  K_STRIKE,
  K_CODE,
  K_KBD,
  K_SUP,
  K_SUB,
  K_A,
  K_IMG,
  K_SPAN,
} kind;

/* GumboTag names some 150 elements; whatever this does not list is unknown: -Wswitch-enum is off
 * for this one switch. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wswitch-enum"
static kind kind_of(const GumboElement *e) {
  switch (e->tag) {
  case GUMBO_TAG_SCRIPT:
  case GUMBO_TAG_STYLE:
  case GUMBO_TAG_IFRAME:
  case GUMBO_TAG_OBJECT:
  case GUMBO_TAG_EMBED:
  case GUMBO_TAG_FORM:
  case GUMBO_TAG_INPUT:
  case GUMBO_TAG_BUTTON:
  case GUMBO_TAG_SELECT:
  case GUMBO_TAG_TEXTAREA:
  case GUMBO_TAG_OPTION:
  case GUMBO_TAG_OPTGROUP:
  case GUMBO_TAG_FIELDSET:
  case GUMBO_TAG_DATALIST:
  case GUMBO_TAG_OUTPUT:
  case GUMBO_TAG_KEYGEN:
  case GUMBO_TAG_TEMPLATE:
  case GUMBO_TAG_SVG:
  case GUMBO_TAG_MATH:
  case GUMBO_TAG_APPLET:
  case GUMBO_TAG_FRAME:
  case GUMBO_TAG_FRAMESET:
  case GUMBO_TAG_NOEMBED:
  case GUMBO_TAG_CANVAS:
  case GUMBO_TAG_AUDIO:
  case GUMBO_TAG_VIDEO:
  case GUMBO_TAG_PARAM:
  case GUMBO_TAG_PROGRESS:
  case GUMBO_TAG_METER:
  case GUMBO_TAG_TITLE: return K_DROP;
  case GUMBO_TAG_HEAD:
  case GUMBO_TAG_META:
  case GUMBO_TAG_LINK:
  case GUMBO_TAG_BASE:
  case GUMBO_TAG_SOURCE:
  case GUMBO_TAG_TRACK:
  case GUMBO_TAG_WBR:
  case GUMBO_TAG_COL:
  case GUMBO_TAG_COLGROUP:
  case GUMBO_TAG_RP:
  case GUMBO_TAG_AREA:
  case GUMBO_TAG_MAP: return K_SILENT;
  case GUMBO_TAG_DIV:
  case GUMBO_TAG_SECTION:
  case GUMBO_TAG_ARTICLE:
  case GUMBO_TAG_ASIDE:
  case GUMBO_TAG_HEADER:
  case GUMBO_TAG_FOOTER:
  case GUMBO_TAG_NAV:
  case GUMBO_TAG_MAIN:
  case GUMBO_TAG_FIGURE:
  case GUMBO_TAG_FIGCAPTION:
  case GUMBO_TAG_ADDRESS:
  case GUMBO_TAG_CENTER:
  case GUMBO_TAG_HTML:
  case GUMBO_TAG_BODY: return K_BLOCK;
  case GUMBO_TAG_P: return K_P;
  case GUMBO_TAG_H1:
  case GUMBO_TAG_H2:
  case GUMBO_TAG_H3:
  case GUMBO_TAG_H4:
  case GUMBO_TAG_H5:
  case GUMBO_TAG_H6: return K_HEADING;
  case GUMBO_TAG_BLOCKQUOTE: return K_QUOTE;
  case GUMBO_TAG_UL:
  case GUMBO_TAG_OL:
  case GUMBO_TAG_MENU: return K_LIST;
  case GUMBO_TAG_LI: return K_LI;
  case GUMBO_TAG_DL: return K_DL;
  case GUMBO_TAG_DT: return K_DT;
  case GUMBO_TAG_DD: return K_DD;
  case GUMBO_TAG_DETAILS: return K_DETAILS;
  case GUMBO_TAG_SUMMARY: return K_SUMMARY;
  case GUMBO_TAG_TABLE: return K_TABLE;
  case GUMBO_TAG_PRE:
  case GUMBO_TAG_LISTING:
  case GUMBO_TAG_XMP:
  case GUMBO_TAG_PLAINTEXT: return K_PRE;
  case GUMBO_TAG_HR: return K_HR;
  case GUMBO_TAG_BR: return K_BR;
  case GUMBO_TAG_B:
  case GUMBO_TAG_STRONG: return K_STRONG;
  case GUMBO_TAG_I:
  case GUMBO_TAG_EM:
  case GUMBO_TAG_VAR:
  case GUMBO_TAG_CITE:
  case GUMBO_TAG_DFN: return K_EMPH;
  case GUMBO_TAG_S:
  case GUMBO_TAG_DEL:
  case GUMBO_TAG_STRIKE: return K_STRIKE;
  case GUMBO_TAG_CODE:
  case GUMBO_TAG_SAMP:
  case GUMBO_TAG_TT: return K_CODE;
  case GUMBO_TAG_KBD: return K_KBD;
  case GUMBO_TAG_SUP: return K_SUP;
  case GUMBO_TAG_SUB: return K_SUB;
  case GUMBO_TAG_A: return K_A;
  case GUMBO_TAG_IMG:
  case GUMBO_TAG_IMAGE: return K_IMG;
  case GUMBO_TAG_SPAN:
  case GUMBO_TAG_ABBR:
  case GUMBO_TAG_INS:
  case GUMBO_TAG_Q:
  case GUMBO_TAG_RUBY:
  case GUMBO_TAG_RT:
  case GUMBO_TAG_MARK:
  case GUMBO_TAG_SMALL:
  case GUMBO_TAG_BDO:
  case GUMBO_TAG_BDI:
  case GUMBO_TAG_TIME:
  case GUMBO_TAG_DATA: return K_SPAN;
  default: return K_UNKNOWN;
  }
}
#pragma GCC diagnostic pop

static const char *attr(const GumboElement *e, const char *name) {
  const GumboAttribute *a = gumbo_get_attribute(&e->attributes, name);
  return a ? a->value : NULL;
}

static int int_attr(const GumboElement *e, const char *name, int lo, int hi) {
  const char *v = attr(e, name);
  if (!v)
    return 0;
  long k = strtol(v, NULL, 10);
  return k < lo ? 0 : k > hi ? hi : (int)k;
}

/* An href GitHub keeps: no scheme (relative, "#frag"), or http, https, mailto, ftp or tel. The
 * scheme is read as browsers read it: leading blanks and controls and any tab or newline in it
 * ignored, so "java\tscript:" and " javascript:" are scripts too. */
static bool href_allowed(const char *href) {
  char scheme[16];
  size_t n = 0;
  const char *p = href;
  while (*p && (unsigned char)*p <= ' ')
    p++;
  for (; *p && *p != ':'; p++) {
    if (*p == '\t' || *p == '\n' || *p == '\r')
      continue;
    if (*p == '/' || *p == '?' || *p == '#')
      return true; /* a path before any colon: relative */
    if (n + 1 >= sizeof scheme)
      return true; /* too long for one of ours: a relative name with a colon later on */
    scheme[n++] = *p;
  }
  if (!*p)
    return true;
  scheme[n] = 0;
  return !strcasecmp(scheme, "http") || !strcasecmp(scheme, "https") || !strcasecmp(scheme, "mailto") ||
         !strcasecmp(scheme, "ftp") || !strcasecmp(scheme, "tel");
}

/* ---- building ---- */

static bool holds_inlines(const tb_node *n) {
  tb_node_type t = n->type;
  return t == TB_NODE_PARAGRAPH || t == TB_NODE_HEADING || t == TB_NODE_TABLE_CELL || t == TB_NODE_SUMMARY ||
         t == TB_NODE_DEF_TERM || !tb_node_is_block(n);
}

static int depth_of(const tb_node *n) {
  int d = 0;
  for (; n; n = n->parent)
    d++;
  return d;
}

static tb_node *text_node(hx *h, const char *s, size_t n) {
  tb_node *t = tb_node_new(h->doc, TB_NODE_TEXT);
  t->literal = tb_doc_strndup(h->doc, s, n);
  t->literal_len = n;
  return t;
}

/* Anchors waiting go first into paragraph or heading p. */
static void take_pending(hx *h, tb_node *p) {
  for (size_t i = h->npending; i-- > 0;) {
    tb_node *a = h->pending[i];
    a->parent = p;
    a->prev = NULL;
    a->next = p->first;
    if (p->first)
      p->first->prev = a;
    else
      p->last = a;
    p->first = a;
  }
  h->npending = 0;
}

/* A block made inside block container cur. */
static tb_node *add_block(hx *h, tb_node *cur, tb_node_type t) {
  tb_node *b = tb_node_new(h->doc, t);
  tb_node_append(cur, b);
  h->para = NULL;
  if (t == TB_NODE_PARAGRAPH || t == TB_NODE_HEADING || t == TB_NODE_SUMMARY || t == TB_NODE_DEF_TERM)
    take_pending(h, b);
  return b;
}

/* Where inline content goes from cur: cur itself, or a paragraph in it (made on first use). */
static tb_node *inline_target(hx *h, tb_node *cur) {
  if (holds_inlines(cur))
    return cur;
  if (cur->type == TB_NODE_LIST)
    cur = add_block(h, cur, TB_NODE_ITEM);
  if (h->para && h->para->parent == cur && h->para == cur->last)
    return h->para;
  tb_node *p = add_block(h, cur, TB_NODE_PARAGRAPH);
  h->para = p;
  return p;
}

/* An anchor named `name` where the build is. */
static void add_anchor(hx *h, tb_node *cur, const char *name) {
  tb_node *a = tb_node_new(h->doc, TB_NODE_ANCHOR);
  if (!name || tb_doc_add_anchor(h->doc, a, name, h->src->chapter) < 0)
    return;
  if (holds_inlines(cur)) {
    tb_node_append(cur, a);
    return;
  }
  // NOLINTNEXTLINE(bugprone-sizeof-expression): the elements are pointers, so sizeof is a pointer's
  tb_grow(&h->pending, &h->pending_cap, h->npending + 1, sizeof *h->pending);
  h->pending[h->npending++] = a;
}

static void text_of(hx *h, const GumboNode *g, tb_buf *b);

static void warn_dropped(hx *h, const GumboElement *e) {
  int line, col;
  place_of(h, e->start_pos.offset, &line, &col);
  const char *name = gumbo_normalized_tagname(e->tag);
  tb_warn(h->src->path, line, col, "HTML element <%s> dropped: its content is not shown", *name ? name : "?");
}

/* The text of a subtree as one TEXT node under cur: what an element too deep, <pre> or <code>
 * keeps. Iterative: the subtree may be deep. Dropped elements' content stays out. */
static void text_of(hx *h, const GumboNode *g, tb_buf *b) {
  const GumboNode **stack = NULL;
  size_t n = 0, cap = 0;
  // NOLINTNEXTLINE(bugprone-sizeof-expression): the elements are pointers, so sizeof is a pointer's
  tb_grow(&stack, &cap, 1, sizeof *stack);
  stack[n++] = g;
  while (n) {
    const GumboNode *c = stack[--n];
    if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE || c->type == GUMBO_NODE_CDATA) {
      tb_buf_puts(b, c->v.text.text);
    } else if (c->type == GUMBO_NODE_ELEMENT || c->type == GUMBO_NODE_TEMPLATE) {
      kind k = kind_of(&c->v.element);
      if (k == K_DROP || k == K_SILENT)
        continue;
      const char *iv = attr(&c->v.element, "i");
      unsigned long i = iv ? strtoul(iv, NULL, 10) : 0;
      if (c->v.element.tag == GUMBO_TAG_UNKNOWN && iv && i < h->nph && !h->used[i] &&
          c->v.element.original_tag.length >= 5 && !strncasecmp(c->v.element.original_tag.data, "<tb-x", 5)) {
        /* Markdown inside <pre> or <code>: its text (the node is shown nowhere else) */
        h->used[i] = 1;
        tb_node_plain_text(h->ph[i], b);
        if (tb_node_is_block(h->ph[i]))
          tb_buf_putc(b, '\n');
        h->ph[i]->parent = h->ph[i]->prev = h->ph[i]->next = NULL;
        continue;
      }
      if (k == K_BR)
        tb_buf_putc(b, '\n');
      const GumboVector *v = &c->v.element.children;
      // NOLINTNEXTLINE(bugprone-sizeof-expression): the elements are pointers, so sizeof is a pointer's
      tb_grow(&stack, &cap, n + v->length + 1, sizeof *stack);
      for (unsigned j = v->length; j-- > 0;)
        stack[n++] = v->data[j];
    }
  }
  free(stack);
}

static int build(hx *h, const GumboNode *g, tb_node *cur, int depth);

static int build_children(hx *h, const GumboNode *g, tb_node *cur, int depth) {
  const GumboVector *v = &g->v.element.children;
  for (unsigned i = 0; i < v->length; i++)
    if (build(h, v->data[i], cur, depth) < 0)
      return -1;
  return 0;
}

/* A placeholder: the Markdown node it stands for goes back, its children (inline pieces) built
 * from the element's. */
static int reattach(hx *h, const GumboNode *g, tb_node *cur, int depth) {
  const GumboElement *e = &g->v.element;
  const char *iv = attr(e, "i");
  char *end = NULL;
  unsigned long i = iv ? strtoul(iv, &end, 10) : 0;
  if (!iv || *end || i >= h->nph || h->used[i])
    return 0; /* a <tb-x> written in the source: an unknown element */
  h->used[i] = 1;
  tb_node *n = h->ph[i];
  bool container = !tb_node_is_block(n) && tb_node_is_container(n->type) && n->type != TB_NODE_IMAGE;
  if (tb_node_is_block(n)) {
    while (holds_inlines(cur) && cur->parent && cur->type != TB_NODE_TABLE_CELL)
      cur = cur->parent; /* a Markdown block met inside inline HTML goes after it */
    if (holds_inlines(cur)) {
      tb_node_append(cur, text_node(h, "", 0)); /* never here: the cells hold no blocks */
      return 0;
    }
    tb_node_append(cur->type == TB_NODE_LIST ? add_block(h, cur, TB_NODE_ITEM) : cur, n);
    h->para = NULL;
    if (n->type == TB_NODE_PARAGRAPH || n->type == TB_NODE_HEADING)
      take_pending(h, n);
  } else {
    tb_node *t = inline_target(h, cur);
    if (container) /* its children come back through the element's */
      n->first = n->last = NULL;
    tb_node_append(t, n);
  }
  if (container)
    return build_children(h, g, n, depth + 1);
  return 0;
}

static tb_node_type inline_type(kind k) {
  return k == K_STRONG   ? TB_NODE_STRONG
         : k == K_EMPH   ? TB_NODE_EMPH
         : k == K_STRIKE ? TB_NODE_STRIKETHROUGH
         : k == K_KBD    ? TB_NODE_KBD
         : k == K_SUP    ? TB_NODE_SUP
                         : TB_NODE_SUB;
}

static int build_table(hx *h, const GumboNode *g, tb_node *cur, int depth);
static int build_image(hx *h, const GumboElement *e, tb_node *cur);

static int build_element(hx *h, const GumboNode *g, tb_node *cur, int depth) {
  const GumboElement *e = &g->v.element;
  kind k = kind_of(e);
  if (k == K_DROP) {
    warn_dropped(h, e);
    return 0;
  }
  if (k == K_SILENT)
    return 0;
  if (e->tag == GUMBO_TAG_UNKNOWN && e->original_tag.length >= 5 &&
      !strncasecmp(e->original_tag.data, "<tb-x", 5))
    return reattach(h, g, cur, depth);
  bool inl = holds_inlines(cur);
  bool deep = depth >= TB_MAX_HTML_DEPTH || depth_of(cur) >= TB_MAX_NESTING - 2;
  if (deep) {
    if (!h->deep_warned) {
      int line, col;
      place_of(h, e->start_pos.offset, &line, &col);
      tb_warn(h->src->path, line, col, "HTML nested too deep: the deeper elements keep only their text");
      h->deep_warned = true;
    }
    tb_buf t = {0};
    text_of(h, g, &t);
    if (t.len)
      tb_node_append(inline_target(h, cur), text_node(h, t.data, t.len));
    tb_buf_free(&t);
    return 0;
  }
  const char *id = attr(e, "id");
  if (k != K_A && k != K_HEADING && id)
    add_anchor(h, cur, id);
  const char *align = attr(e, "align");
  bool center = align && !strcasecmp(align, "center") && !inl;
  if (center) /* a centred block holds the element, whatever it is */
    cur = add_block(h, cur, TB_NODE_CENTER);
  tb_node *n;
  switch (k) {
  case K_A: {
    const char *href = attr(e, "href");
    add_anchor(h, cur, id);
    add_anchor(h, cur, attr(e, "name"));
    if (!href || !href_allowed(href))
      return build_children(h, g, cur, depth + 1);
    n = tb_node_new(h->doc, TB_NODE_LINK);
    n->as.link.url = tb_doc_strdup(h->doc, href);
    const char *title = attr(e, "title");
    n->as.link.title = title && *title ? tb_doc_strdup(h->doc, title) : NULL;
    n->as.link.heading = -1;
    tb_node_append(inline_target(h, cur), n);
    return build_children(h, g, n, depth + 1);
  }
  case K_IMG: return build_image(h, e, cur);
  case K_BR:
    if (inl || (h->para && h->para == cur->last))
      tb_node_append(inline_target(h, cur), tb_node_new(h->doc, TB_NODE_LINEBREAK));
    return 0;
  case K_STRONG:
  case K_EMPH:
  case K_STRIKE:
  case K_KBD:
  case K_SUP:
  case K_SUB:
    n = tb_node_new(h->doc, inline_type(k));
    tb_node_append(inline_target(h, cur), n);
    return build_children(h, g, n, depth + 1);
  case K_CODE: {
    tb_buf t = {0};
    text_of(h, g, &t);
    n = tb_node_new(h->doc, TB_NODE_CODE);
    n->literal = tb_doc_strndup(h->doc, t.data ? t.data : "", t.len);
    n->literal_len = t.len;
    tb_buf_free(&t);
    tb_node_append(inline_target(h, cur), n);
    return 0;
  }
  case K_SPAN:
  case K_UNKNOWN: return build_children(h, g, cur, depth + 1);
  case K_DROP:
  case K_SILENT: return 0;
  case K_BLOCK:
  case K_P:
  case K_HEADING:
  case K_QUOTE:
  case K_LIST:
  case K_LI:
  case K_DL:
  case K_DT:
  case K_DD:
  case K_DETAILS:
  case K_SUMMARY:
  case K_TABLE:
  case K_PRE:
  case K_HR: break;
  }
  if (inl) {
    /* a block inside inline content (a <p> in a cell, a <div> in a span): its text on a line of
     * its own */
    if (cur->last && cur->last->type != TB_NODE_LINEBREAK)
      tb_node_append(cur, tb_node_new(h->doc, TB_NODE_LINEBREAK));
    if (k == K_PRE || k == K_HR) {
      tb_buf t = {0};
      if (k == K_PRE)
        text_of(h, g, &t);
      if (t.len) {
        n = tb_node_new(h->doc, TB_NODE_CODE);
        n->literal = tb_doc_strndup(h->doc, t.data, t.len);
        n->literal_len = t.len;
        tb_node_append(cur, n);
      }
      tb_buf_free(&t);
      return 0;
    }
    return build_children(h, g, cur, depth + 1);
  }
  if (cur->type == TB_NODE_LIST && k != K_LI)
    cur = add_block(h, cur, TB_NODE_ITEM);
  switch (k) {
  case K_P: return build_children(h, g, add_block(h, cur, TB_NODE_PARAGRAPH), depth + 1);
  case K_HEADING: {
    int level = (int)e->tag - (int)GUMBO_TAG_H1 + 1 + h->src->heading_shift;
    n = add_block(h, cur, TB_NODE_HEADING);
    n->as.heading.level = level > 6 ? 6 : level;
    n->as.heading.index = -1;
    add_anchor(h, n, id);
    if (build_children(h, g, n, depth + 1) < 0)
      return -1;
    tb_doc_add_heading(h->doc, n, h->src->chapter);
    return 0;
  }
  case K_QUOTE: return build_children(h, g, add_block(h, cur, TB_NODE_BLOCK_QUOTE), depth + 1);
  case K_LIST:
    n = add_block(h, cur, TB_NODE_LIST);
    n->as.list.ordered = e->tag == GUMBO_TAG_OL;
    n->as.list.tight = true;
    n->as.list.start = n->as.list.ordered ? (attr(e, "start") ? int_attr(e, "start", 0, 999999999) : 1) : 0;
    return build_children(h, g, n, depth + 1);
  case K_LI: return build_children(h, g, add_block(h, cur, TB_NODE_ITEM), depth + 1);
  case K_DL: return build_children(h, g, add_block(h, cur, TB_NODE_DEF_LIST), depth + 1);
  case K_DT: return build_children(h, g, add_block(h, cur, TB_NODE_DEF_TERM), depth + 1);
  case K_DD: return build_children(h, g, add_block(h, cur, TB_NODE_DEF_DESC), depth + 1);
  case K_DETAILS: return build_children(h, g, add_block(h, cur, TB_NODE_DETAILS), depth + 1);
  case K_SUMMARY: return build_children(h, g, add_block(h, cur, TB_NODE_SUMMARY), depth + 1);
  case K_TABLE: return build_table(h, g, cur, depth);
  case K_PRE: {
    tb_buf t = {0};
    text_of(h, g, &t);
    if (!t.len || t.data[t.len - 1] != '\n')
      tb_buf_putc(&t, '\n');
    n = add_block(h, cur, TB_NODE_CODE_BLOCK);
    n->literal = tb_doc_strndup(h->doc, t.data, t.len);
    n->literal_len = t.len;
    tb_buf_free(&t);
    return 0;
  }
  case K_HR: add_block(h, cur, TB_NODE_THEMATIC_BREAK); return 0;
  case K_BLOCK:
  case K_UNKNOWN:
  case K_SILENT:
  case K_DROP:
  case K_BR:
  case K_STRONG:
  case K_EMPH:
  case K_STRIKE:
  case K_CODE:
  case K_KBD:
  case K_SUP:
  case K_SUB:
  case K_A:
  case K_IMG:
  case K_SPAN: break;
  }
  h->para = NULL; /* a transparent block: its text is not the paragraph before it */
  return build_children(h, g, cur, depth + 1);
}

static int build(hx *h, const GumboNode *g, tb_node *cur, int depth) {
  switch (g->type) {
  case GUMBO_NODE_TEXT:
  case GUMBO_NODE_CDATA:
  case GUMBO_NODE_WHITESPACE: {
    if (g->type == GUMBO_NODE_WHITESPACE && !holds_inlines(cur) && !(h->para && h->para == cur->last))
      return 0; /* blanks between blocks */
    /* white space collapses, as HTML shows it; none opens a paragraph or follows a break */
    tb_node *t = holds_inlines(cur) ? cur : (h->para && h->para == cur->last) ? h->para : NULL;
    const tb_node *before = t ? t->last : NULL;
    bool space = !before || before->type == TB_NODE_LINEBREAK || before->type == TB_NODE_SOFTBREAK ||
                 (before->type == TB_NODE_TEXT && before->literal_len &&
                  before->literal[before->literal_len - 1] == ' ');
    tb_buf b = {0};
    for (const char *s = g->v.text.text; *s; s++) {
      bool ws = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r' || *s == '\f';
      if (ws && !space)
        tb_buf_putc(&b, ' ');
      else if (!ws)
        tb_buf_putc(&b, *s);
      space = ws;
    }
    if (b.len && !t)
      t = inline_target(h, cur);
    if (b.len)
      tb_node_append(t, text_node(h, b.data, b.len));
    tb_buf_free(&b);
    return 0;
  }
  case GUMBO_NODE_ELEMENT:
  case GUMBO_NODE_TEMPLATE:
    if (tb_error_is_set(h->err))
      return -1;
    return build_element(h, g, cur, depth);
  case GUMBO_NODE_DOCUMENT:
  case GUMBO_NODE_COMMENT: /* comments vanish */ return 0;
  }
  return 0;
}

/* <img>: a Markdown image's rules (image.c: local, inside the source's folder, PNG or JPEG); its
 * alt text the image's text; width and height the size asked for. */
static int build_image(hx *h, const GumboElement *e, tb_node *cur) {
  const char *src = attr(e, "src"), *alt = attr(e, "alt"), *title = attr(e, "title");
  tb_node *n = tb_node_new(h->doc, TB_NODE_IMAGE);
  n->as.link.url = tb_doc_strdup(h->doc, src && href_allowed(src) ? src : "");
  n->as.link.title = title && *title ? tb_doc_strdup(h->doc, title) : NULL;
  n->as.link.heading = -1;
  n->image.want_w = int_attr(e, "width", 1, 10000);
  n->image.want_h = int_attr(e, "height", 1, 10000);
  if (alt && *alt)
    tb_node_append(n, text_node(h, alt, strlen(alt)));
  int line, col;
  place_of(h, e->start_pos.offset, &line, &col);
  n->line = line;
  n->col = col;
  tb_node_append(inline_target(h, cur), n);
  if (*n->as.link.url)
    tb_image_resolve(h->doc, n, h->src->path, h->src->dir);
  return 0;
}

static bool is_cell(const GumboNode *c) {
  return c->type == GUMBO_NODE_ELEMENT &&
         (c->v.element.tag == GUMBO_TAG_TD || c->v.element.tag == GUMBO_TAG_TH);
}

/* One <tr>: cells built inline; a column or row span is flattened (the text in the first cell,
 * empty cells after or below), with one warning per table. */
static int build_row(hx *h, const GumboNode *tr, tb_node *table, bool head, int *below, int depth,
                     bool *warned) {
  const GumboVector *v = &tr->v.element.children;
  bool all_th = true, any = false;
  for (unsigned i = 0; i < v->length; i++)
    if (is_cell(v->data[i])) {
      any = true;
      all_th = all_th && ((const GumboNode *)v->data[i])->v.element.tag == GUMBO_TAG_TH;
    }
  if (!any)
    return 0;
  tb_node *row = tb_node_new(h->doc, TB_NODE_TABLE_ROW);
  row->as.row.header = head || (all_th && !table->first);
  tb_node_append(table, row);
  int col = 0;
  for (unsigned i = 0; i < v->length; i++) {
    const GumboNode *c = v->data[i];
    if (!is_cell(c))
      continue;
    for (; col < TB_MAX_TABLE_COLUMNS && below[col] > 0; col++) {
      below[col]--;
      tb_node_append(row, tb_node_new(h->doc, TB_NODE_TABLE_CELL));
    }
    int span = int_attr(&c->v.element, "colspan", 1, TB_MAX_TABLE_COLUMNS);
    int rows = int_attr(&c->v.element, "rowspan", 1, 1000);
    if ((span > 1 || rows > 1) && !*warned) {
      int line, col0;
      place_of(h, c->v.element.start_pos.offset, &line, &col0);
      tb_warn(h->src->path, line, col0,
              "HTML table cell spans %s: shown flattened, the text in its first "
              "cell, the others empty",
              span > 1 && rows > 1 ? "columns and rows"
              : span > 1           ? "columns"
                                   : "rows");
      *warned = true;
    }
    for (int s = 0; s < (span ? span : 1); s++, col++) {
      if (col >= TB_MAX_TABLE_COLUMNS) {
        int line, col0;
        place_of(h, c->v.element.start_pos.offset, &line, &col0);
        tb_warn(h->src->path, line, col0, "HTML table row has more than %d cells: the rest are dropped",
                TB_MAX_TABLE_COLUMNS);
        return 0;
      }
      tb_node *cell = tb_node_new(h->doc, TB_NODE_TABLE_CELL);
      tb_node_append(row, cell);
      if (rows > 1)
        below[col] = rows - 1;
      if (s == 0 && build_children(h, c, cell, depth + 1) < 0)
        return -1;
      if (s == 0) {
        const char *al = attr(&c->v.element, "align");
        if (al && table->as.table.align[col] == 0)
          table->as.table.align[col] = (char)(!strcasecmp(al, "center")  ? 'c'
                                              : !strcasecmp(al, "right") ? 'r'
                                              : !strcasecmp(al, "left")  ? 'l'
                                                                         : 0);
      }
    }
  }
  return 0;
}

/* <table>: the model's table, rows from thead, tbody, tfoot or the table itself. */
static int build_table(hx *h, const GumboNode *g, tb_node *cur, int depth) {
  tb_node *t = tb_node_new(h->doc, TB_NODE_TABLE);
  t->as.table.align = tb_arena_alloc(&h->doc->arena, TB_MAX_TABLE_COLUMNS + 1);
  int below[TB_MAX_TABLE_COLUMNS] = {0};
  bool warned = false;
  const GumboVector *v = &g->v.element.children;
  for (unsigned i = 0; i < v->length; i++) {
    const GumboNode *c = v->data[i];
    if (c->type != GUMBO_NODE_ELEMENT)
      continue;
    GumboTag tag = c->v.element.tag;
    if (tag == GUMBO_TAG_TR) {
      if (build_row(h, c, t, false, below, depth, &warned) < 0)
        return -1;
    } else if (tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TBODY || tag == GUMBO_TAG_TFOOT) {
      const GumboVector *rv = &c->v.element.children;
      for (unsigned k = 0; k < rv->length; k++) {
        const GumboNode *r = rv->data[k];
        if (r->type == GUMBO_NODE_ELEMENT && r->v.element.tag == GUMBO_TAG_TR &&
            build_row(h, r, t, tag == GUMBO_TAG_THEAD, below, depth, &warned) < 0)
          return -1;
      }
    } else if (tag == GUMBO_TAG_CAPTION) {
      if (build_children(h, c, add_block(h, cur, TB_NODE_PARAGRAPH), depth + 1) < 0)
        return -1;
    }
  }
  /* every row as wide as the widest, as a Markdown table's */
  int ncols = 0;
  for (const tb_node *r = t->first; r; r = r->next) {
    int k = 0;
    for (const tb_node *c = r->first; c; c = c->next)
      k++;
    ncols = k > ncols ? k : ncols;
  }
  if (!ncols)
    return 0;
  for (tb_node *r = t->first; r; r = r->next) {
    int k = 0;
    for (const tb_node *c = r->first; c; c = c->next)
      k++;
    for (; k < ncols; k++)
      tb_node_append(r, tb_node_new(h->doc, TB_NODE_TABLE_CELL));
  }
  t->as.table.ncols = ncols;
  tb_node_append(cur, t);
  h->para = NULL;
  return 0;
}

/* ---- the two passes ---- */

static int parse_and_build(hx *h, tb_node *into, int line) {
  /* gumbo's time grows fast with nesting: the tags in one piece are limited (limits.h) */
  size_t tags = 0;
  for (size_t i = 0; i + 1 < h->html.len; i++)
    if (h->html.data[i] == '<' &&
        ((h->html.data[i + 1] | 0x20) >= 'a' && (h->html.data[i + 1] | 0x20) <= 'z'))
      tags++;
  if (tags > TB_MAX_HTML_TAGS + h->nph)
    return tb_error_set(h->err, TB_ERR_LIMIT, h->src->path, line, 0,
                        "raw HTML with more than %d tags in one block or paragraph", TB_MAX_HTML_TAGS);
  /* Parsed as a whole document, whose <body> holds the piece: gumbo 0.10.1's fragment mode
   * (fragment_context) reads memory it never wrote when a table is parsed (valgrind: a
   * conditional jump on an uninitialised heap value inside gumbo_parse_with_options). html,
   * head and body are no allowed elements: their tags drop, their content stays. */
  GumboOptions opts = kGumboDefaultOptions;
  opts.max_errors = 0;
  GumboOutput *out = gumbo_parse_with_options(&opts, h->html.data ? h->html.data : "", h->html.len);
  if (!out)
    return tb_error_set(h->err, TB_ERR_INPUT, h->src->path, line, 0, "raw HTML could not be parsed");
  h->used = tb_xcalloc(h->nph + 1, 1);
  into->first = into->last = NULL;
  h->para = NULL;
  int rc = build(h, out->root, into, 0);
  if (rc == 0 && h->npending) { /* anchors with nothing after them: a paragraph of their own */
    tb_node *p = tb_node_new(h->doc, holds_inlines(into) ? TB_NODE_NONE : TB_NODE_PARAGRAPH);
    if (p->type == TB_NODE_PARAGRAPH) {
      tb_node_append(into, p);
      take_pending(h, p);
    }
  }
  /* a Markdown node the HTML swallowed (inside a dropped element) is shown nowhere: out of the
   * tree (a heading's index entry stays, with no place in either format) */
  for (size_t i = 0; i < h->nph; i++)
    if (!h->used[i])
      h->ph[i]->parent = h->ph[i]->prev = h->ph[i]->next = NULL;
  gumbo_destroy_output(&opts, out);
  free(h->used);
  h->used = NULL;
  return rc;
}

static void reset(hx *h) {
  tb_buf_clear(&h->html);
  h->nph = h->nsegs = h->npending = 0;
  h->para = NULL;
}

/* A block container whose children include HTML blocks: all its children as one piece. */
static int blocks_pass(hx *h, tb_node *c) {
  reset(h);
  h->base_line = c->line;
  for (tb_node *n = c->first; n; n = n->next) {
    if (n->type == TB_NODE_HTML_BLOCK) {
      put_raw(h, n);
      if (!h->base_line)
        h->base_line = n->line;
    } else {
      put_placeholder(h, n);
      tb_buf_puts(&h->html, "</tb-x>\n");
    }
  }
  return parse_and_build(h, c, h->base_line);
}

/* A paragraph, heading or cell holding inline HTML: its inline subtree as one piece, Markdown
 * containers (emphasis, links) as placeholders around their children. */
static int inlines_pass(hx *h, tb_node *c) {
  reset(h);
  h->base_line = c->line;
  tb_iter it;
  tb_iter_init(&it, c);
  tb_event ev;
  while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
    tb_node *n = (tb_node *)it.cur;
    if (n == c)
      continue;
    if (ev == TB_EVENT_EXIT) {
      tb_buf_puts(&h->html, "</tb-x>");
    } else if (n->type == TB_NODE_TEXT) {
      put_text(h, n->literal, n->literal_len);
    } else if (n->type == TB_NODE_HTML_INLINE) {
      put_raw(h, n);
    } else {
      put_placeholder(h, n);
      if (!tb_node_is_container(n->type) || n->type == TB_NODE_IMAGE) {
        tb_buf_puts(&h->html, "</tb-x>");
        tb_iter_skip_children(&it);
      }
    }
  }
  return parse_and_build(h, c, h->base_line);
}

bool tb_html_present(const tb_node *root) {
  tb_iter it;
  tb_iter_init(&it, root);
  while (tb_iter_next(&it) != TB_EVENT_DONE)
    if (it.cur->type == TB_NODE_HTML_BLOCK || it.cur->type == TB_NODE_HTML_INLINE)
      return true;
  return false;
}

int tb_html_apply(tb_doc *doc, tb_node *root, const tb_html_src *src, tb_error *err) {
  /* the containers to rebuild, children before their parents (EXIT order) */
  tb_node **work = NULL;
  size_t nwork = 0, cap = 0;
  bool inline_html = false;
  tb_iter it;
  tb_iter_init(&it, root);
  tb_event ev;
  while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
    tb_node *n = (tb_node *)it.cur;
    bool add = false;
    if (ev == TB_EVENT_ENTER && n->type == TB_NODE_HTML_INLINE)
      inline_html = true;
    if (ev == TB_EVENT_EXIT &&
        (n->type == TB_NODE_PARAGRAPH || n->type == TB_NODE_HEADING || n->type == TB_NODE_TABLE_CELL)) {
      add = inline_html;
      inline_html = false;
    } else if (ev == TB_EVENT_EXIT && tb_node_is_block(n) && !holds_inlines(n)) {
      for (const tb_node *c = n->first; c && !add; c = c->next)
        add = c->type == TB_NODE_HTML_BLOCK;
    }
    if (add) {
      // NOLINTNEXTLINE(bugprone-sizeof-expression): the elements are pointers, so sizeof is a pointer's
      tb_grow(&work, &cap, nwork + 1, sizeof *work);
      work[nwork++] = n;
    }
  }
  hx h = {0};
  h.doc = doc;
  h.src = src;
  h.err = err;
  int rc = 0;
  for (size_t i = 0; i < nwork && rc == 0; i++)
    rc = holds_inlines(work[i]) ? inlines_pass(&h, work[i]) : blocks_pass(&h, work[i]);
  free(work);
  tb_buf_free(&h.html);
  free(h.ph);
  free(h.segs);
  free(h.pending);
  return rc;
}
