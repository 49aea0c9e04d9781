// words.c -- inline text into a paragraph's items: where a word is measured, hyphenated, split
// where the face changes (glyph fallback) or where it is wider than the line; the inline nodes
// walked with their styles.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/layout_int.h"
#include "util/i18n.h"

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
  if (l->at.warned[bit / 8] & (1u << (bit % 8)))
    return;
  l->at.warned[bit / 8] |= (unsigned char)(1u << (bit % 8));
  if (cp >= 0x10000)
    tb_warn(l->at.source, l->at.line, l->at.col,
            "U+%04X is beyond the Basic Multilingual Plane, which the PDF library cannot draw; "
            "shown as a replacement mark in the PDF (the EPUB keeps it)",
            cp);
  else
    tb_warn(l->at.source, l->at.line, l->at.col,
            "U+%04X has no glyph in the shipped fonts; shown as a replacement mark in the PDF "
            "(the EPUB keeps it)",
            cp);
}

/* lo_text_width(l, f, size, " ", 1) without the decoding (every face has a space). */
float lo_space_width(const L *l, tb_face f, float size) {
  return (float)tb_font_advance(&l->fonts->face[f], ' ') * size / 1000.0f;
}

float lo_text_width(const L *l, tb_face f, float size, const char *s, size_t n) {
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

/* Appends boxes for text s[0..n) of one style that contains no spaces, splitting where the
 * face changes (glyph fallback) and replacing what no font has by U+FFFD. */
void lo_push_text_boxes(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off) {
  size_t i = 0;
  while (i < n) {
    size_t k;
    uint32_t cp = tb_utf8_decode(s + i, n - i, &k);
    int f = face_for(l, st->face, cp);
    if (f < 0) {
      if (node && node->line) {
        /* the character's own place: its node's start plus the characters before it */
        l->at.line = node->line;
        l->at.col = node->col;
        for (size_t q = 0; q < off + i && node->literal && q < node->literal_len; q++)
          l->at.col += !tb_utf8_is_cont((unsigned char)node->literal[q]);
      }
      warn_glyph(l, cp);
      pbox pb = {"\xEF\xBF\xBD", 3, *st, node, off + i, 0};
      pb.st.face = TB_FACE_FALLBACK;
      lo_push_item(l, TB_LB_BOX, lo_text_width(l, TB_FACE_FALLBACK, st->size, pb.s, 3), 0, 0, 0, false, &pb);
      i += k;
      continue;
    }
    /* the run of characters this face draws, measured as it is scanned (the hot path: one
     * decode and one coverage look-up per character, not a second pass through lo_text_width) */
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
    lo_push_item(l, TB_LB_BOX, (float)adv * st->size / 1000.0f, 0, 0, 0, false, &pb);
    i = j;
  }
}

static bool is_letter_byte(unsigned char c) { return isalpha(c) || c >= 0x80; }

static void push_word_measured(L *l, const char *s, size_t n, const style *st, const tb_node *node,
                               size_t off, bool hyph, tb_hyphen *h);

bool tb_layout_word_cache = true;

/* One word (no spaces) of one style: hyphenation points and explicit break points become
 * penalties between its boxes. */
static void push_word(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off) {
  bool hyph = !st->nohyph && !st->code && !st->uri && st->fnref == 0;
  tb_hyphen *h = hyph ? lo_hyphenator(l, l->at.lang) : NULL;
  wkey key = {s, n, (unsigned char)st->face, st->size, hyph, h};
  const wentry *e = tb_layout_word_cache ? lo_wcache_slot(&l->words.wc, &key) : NULL;
  if (e && e->word) {
    lo_wcache_replay(l, e, s, st, node, off);
    return;
  }
  size_t first = l->para.n;
  push_word_measured(l, s, n, st, node, off, hyph, h);
  if (tb_layout_word_cache)
    lo_wcache_add(l, &key, first);
}

/* push_word's work for a word not seen before: hyph says whether its style hyphenates, h is the
 * hyphenator of its language then (NULL: none, only explicit breaks). */
static void push_word_measured(L *l, const char *s, size_t n, const style *st, const tb_node *node,
                               size_t off, bool hyph, tb_hyphen *h) {
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
        size_t m = lo_hyphen_points(l, h, s + p, q - p, local, 30);
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
  float hyph_w = np ? lo_text_width(l, st->face, st->size, "-", 1) : 0;
  size_t prev = 0;
  for (size_t i = 0; i <= np; i++) {
    size_t at = i < np ? (pts[i] & ~EXPL) : n;
    if (at <= prev || at > n)
      continue;
    lo_push_text_boxes(l, s + prev, at - prev, st, node, off + prev);
    if (i < np) {
      bool explicit_break = (pts[i] & EXPL) != 0;
      /* a hyphen break costs 50 (TeX's \hyphenpenalty); after an explicit '-' or '/' nothing is
       * added */
      lo_push_item(l, TB_LB_PENALTY, explicit_break ? 0 : hyph_w, 0, 0, explicit_break ? 30 : 50,
                   !explicit_break || s[at - 1] == '-', NULL);
      l->para.boxes[l->para.n - 1].st = *st;
    }
    prev = at;
  }
}

/* Splits boxes wider than the line into pieces that fit, with break points between them: a
 * 30,000-letter word or a long URL is broken, never drawn past the margin. */
void lo_split_overlong(L *l, float max_w) {
  size_t n = l->para.n;
  bool any = false;
  for (size_t i = 0; i < n; i++)
    if (l->para.items[i].type == TB_LB_BOX && l->para.items[i].width > max_w)
      any = true;
  if (!any)
    return;
  tb_lb_item *items = l->para.items;
  pbox *boxes = l->para.boxes;
  l->para.items = NULL;
  l->para.boxes = NULL;
  l->para.n = l->para.items_cap = l->para.boxes_cap = 0;
  for (size_t i = 0; i < n; i++) {
    if (items[i].type != TB_LB_BOX || items[i].width <= max_w) {
      lo_push_item(l, items[i].type, (float)items[i].width, (float)items[i].stretch, (float)items[i].shrink,
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
      lo_push_item(l, TB_LB_BOX, w, 0, 0, 0, false, &pb);
      if (q < b->len)
        lo_push_item(l, TB_LB_PENALTY, 0, 0, 0, 200, false, NULL);
      p = q;
    } while (p < b->len);
  }
  free(items);
  free(boxes);
}

/* Glue for `count` spaces. Inside a code span every space is kept at its width, never stretched
 * or shrunk by the justification (`diff  -r` keeps its two); elsewhere a run of spaces is one
 * TeX-like interword glue: stretch 1/2, shrink 1/3 of the space. */
static void push_spaces(L *l, const style *st, size_t count) {
  float sw = lo_space_width(l, st->face == TB_FACE_FALLBACK ? TB_FACE_REGULAR : st->face, st->size);
  if (st->code && count > 0) {
    pbox pb = {0};
    pb.s = "";
    pb.len = count; /* lines.c draws so many spaces */
    pb.st = *st;
    lo_push_item(l, TB_LB_GLUE, sw * (float)count, 0, 0, 0, false, &pb);
    l->para.boxes[l->para.n - 1].s = NULL;
    return;
  }
  lo_push_item(l, TB_LB_GLUE, sw, sw * 0.5f, sw / 3.0f, 0, false, NULL);
  l->para.boxes[l->para.n - 1].st = *st;
}

static void push_space(L *l, const style *st) { push_spaces(l, st, 1); }

/* Adds fragment text: words and the glue between them. */
void lo_push_fragment(L *l, const char *s, size_t n, const style *st, const tb_node *node, size_t off) {
  size_t i = 0;
  while (i < n) {
    size_t k;
    uint32_t cp = tb_utf8_decode(s + i, n - i, &k);
    if (is_space_cp(cp)) {
      /* one glue for a run of spaces; none at the start of a paragraph or after glue */
      size_t i0 = i;
      while (i < n && is_space_cp((unsigned char)s[i]))
        i++;
      if (l->para.n && l->para.items[l->para.n - 1].type != TB_LB_GLUE)
        push_spaces(l, st, i - i0);
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

void lo_push_forced_break(L *l) {
  /* +inf penalty, fil glue, -inf penalty: the line ends here, ragged (no break at the glue) */
  lo_push_item(l, TB_LB_PENALTY, 0, 0, 0, (float)TB_LB_INFINITY, false, NULL);
  lo_push_item(l, TB_LB_GLUE, 0, (float)TB_LB_FIL_STRETCH, 0, 0, false, NULL);
  lo_push_item(l, TB_LB_PENALTY, 0, 0, 0, (float)-TB_LB_INFINITY, false, NULL);
}

style lo_base_style(float size) {
  style s = {TB_FACE_REGULAR, size, 0, 0, false, false, false, NULL, -1, 0, false};
  return s;
}

static tb_face face_of(bool bold, bool italic) {
  return bold ? (italic ? TB_FACE_BOLD_ITALIC : TB_FACE_BOLD) : (italic ? TB_FACE_ITALIC : TB_FACE_REGULAR);
}

/* Walks the inline children of `block` and builds the paragraph's items. */
void lo_collect_inlines(L *l, const tb_node *block, style base) {
  int bold = base.face == TB_FACE_BOLD || base.face == TB_FACE_BOLD_ITALIC;
  int italic = base.face == TB_FACE_ITALIC || base.face == TB_FACE_BOLD_ITALIC;
  int strike = 0, alt = 0, kbd = 0, sup = 0, sub = 0;
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
    if (sup || sub) { /* raised or lowered, smaller, as a footnote's mark */
      st.rise = st.size * (sup ? 0.33f : -0.18f);
      st.size *= 0.72f;
    }
    switch (n->type) {
    case TB_NODE_EMPH: italic += d; break;
    case TB_NODE_STRONG: bold += d; break;
    case TB_NODE_STRIKETHROUGH: strike += d; break;
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
        tb_grow(&l->para.images, &l->para.images_cap, l->para.nimages + 1, sizeof *l->para.images);
        l->para.images[l->para.nimages++] = n;
        tb_iter_skip_children(&it);
        break;
      }
      if (d > 0 && !n->first) {
        /* no alt text: its title, else the word for "image" (as the EPUB shows it) */
        const char *t =
            n->as.link.title && *n->as.link.title ? n->as.link.title : tb_i18n(l->at.lang, TB_STR_IMAGE);
        style is = st;
        is.face = face_of(bold, true);
        lo_push_fragment(l, t, strlen(t), &is, NULL, 0);
        break;
      }
      alt += d;
      break;
    case TB_NODE_TEXT:
      if (kbd) { /* a key: monospace in a light frame */
        st.face = bold ? TB_FACE_MONO_BOLD : TB_FACE_MONO;
        st.size *= CODE_SCALE;
        st.code = st.kbd = true;
      }
      lo_push_fragment(l, n->literal, n->literal_len, &st, n, 0);
      break;
    case TB_NODE_KBD: kbd += d; break;
    case TB_NODE_SUP: sup += d; break;
    case TB_NODE_SUB: sub += d; break;
    case TB_NODE_ANCHOR: lo_anchor(l, n->as.heading.index); break;
    case TB_NODE_CODE:
    case TB_NODE_HTML_INLINE: {
      style cs = st;
      cs.face = bold ? TB_FACE_MONO_BOLD : TB_FACE_MONO;
      cs.size = st.size * CODE_SCALE;
      cs.code = true;
      lo_push_fragment(l, n->literal, n->literal_len, &cs, n, 0);
      break;
    }
    case TB_NODE_SOFTBREAK:
      if (l->para.n && l->para.items[l->para.n - 1].type != TB_LB_GLUE)
        push_space(l, &st);
      break;
    case TB_NODE_LINEBREAK: lo_push_forced_break(l); break;
    case TB_NODE_FOOTNOTE_REF: {
      char num[16];
      int k = snprintf(num, sizeof num, "%d", n->as.footnote.number);
      style fs = st;
      fs.size = st.size * 0.62f;
      fs.rise = st.size * 0.38f;
      fs.fnref = n->as.footnote.number;
      fs.face = TB_FACE_REGULAR;
      lo_push_text_boxes(l, lo_strndup(l, num, (size_t)k), (size_t)k, &fs, NULL, 0);
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
    case TB_NODE_DETAILS:
    case TB_NODE_SUMMARY:
    case TB_NODE_DEF_LIST:
    case TB_NODE_DEF_TERM:
    case TB_NODE_DEF_DESC:
    case TB_NODE_CENTER:
    case TB_NODE_FOOTNOTE_DEF: break;
    }
  }
}
