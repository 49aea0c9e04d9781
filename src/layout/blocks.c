// blocks.c -- the model's blocks into the vertical list: paragraphs, headings, code, rules,
// images, lists, block quotes (tables: table.c); and the footnotes, laid out once each.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/layout_int.h"
#include "util/i18n.h"
#include "util/url.h"

static const float heading_size[7] = {0, 19.0f, 15.0f, 12.5f, 11.0f, 10.5f, 10.5f};

static para_fmt body_fmt(void) { return (para_fmt){BODY_SIZE, BODY_LEAD, true, false, 0, true}; }

static void set_place(L *l, const tb_node *n) {
  if (n->line) {
    l->at.line = n->line;
    l->at.col = n->col;
  }
}

static void layout_image(L *l, const tb_node *img);

static void layout_paragraph(L *l, const tb_node *n, para_fmt pf, style st) {
  size_t first_image = l->para.nimages;
  int was = lo_open_elem(l, TB_ROLE_P);
  lo_collect_inlines(l, n, st);
  lo_set_paragraph(l, &pf);
  l->cur_elem = was; /* its images are figures beside it */
  size_t end = l->para.nimages;
  for (size_t i = first_image; i < end; i++)
    layout_image(l, l->para.images[i]);
  l->para.nimages = first_image;
}

static void layout_heading(L *l, const tb_node *n) {
  int level = n->as.heading.level;
  int idx = n->as.heading.index;
  const tb_chapter *ch = &l->doc->chapters[l->at.chapter];
  /* a book's chapter title opens its page, bigger; an article's section heading flows */
  bool chapter_title = l->book && ch->heading == idx;
  float size = heading_size[level];
  if (chapter_title) {
    size = level <= 1 ? 22.0f : 19.0f;
    lo_add_glue(l, 36.0f);
  } else {
    lo_add_glue(l, size * 1.1f);
  }
  para_fmt pf = {size, size * 1.25f, false, l->center > 0, 0, false}; /* <h1 align=center> */
  style st = lo_base_style(size);
  st.face = level == 6 ? TB_FACE_BOLD_ITALIC : TB_FACE_BOLD;
  st.nohyph = true;
  lo_anchor(l, idx);
  size_t first = l->vl.n;
  int was = lo_open_elem(l, (tb_role)(TB_ROLE_H1 + (level >= 1 && level <= 6 ? level - 1 : 0)));
  lo_collect_inlines(l, n, st);
  if (l->para.n == 0) {
    /* an empty heading still anchors its place */
    vbox *vb = lo_open_box(l, pf.lead, pf.lead * 0.74f);
    lo_close_box(l, vb);
  } else {
    lo_set_paragraph(l, &pf);
  }
  l->cur_elem = was;
  for (size_t i = first + 1; i < l->vl.n; i++)
    l->vl.v[i].keep_prev = true;
  lo_add_glue(l, chapter_title ? 14.0f : size * 0.45f);
  /* a heading is never stranded at the foot of a page: it keeps at least two lines of what
   * follows (a heading right after it keeps its own) */
  l->next.keep_lines = HEADING_KEEP_LINES;
}

/* Code blocks and raw HTML: monospace on a light tint, inset from its edges, never justified
 * or hyphenated. A line too long breaks at a space, or after / - . , before it ever breaks
 * inside a token (tb_code_wrap); its continuation is indented two columns behind a gray ↪. */
#define CODE_INSET 8.0f /* from the tint's left edge to the text */
#define CODE_PAD 4.0f   /* the tint above the first line and below the last */
#define CODE_TINT 0.945f

static void layout_code(L *l, const tb_node *n) {
  float size = BODY_SIZE * CODE_SCALE, lead = size * 1.32f;
  const char *s = n->literal;
  size_t len = n->literal_len;
  if (len && s[len - 1] == '\n')
    len--;
  float cw = (float)tb_font_advance(&l->fonts->face[TB_FACE_MONO], 'M') * size / 1000.0f;
  size_t cols = cw > 0 ? (size_t)((l->frame.width - 2 * CODE_INSET) / cw) : 80;
  if (cols < 8)
    cols = 8;
  lo_add_glue(l, PARA_SKIP + 2.0f);
  size_t first = l->vl.n;
  size_t pos = 0;
  tb_buf line = {0};
  /* a block of code: a P holding Code (an inline type in ISO 32000-1) */
  int was = lo_open_elem(l, TB_ROLE_P);
  l->cur_elem = lo_new_elem(l, TB_ROLE_CODE, l->cur_elem);
  do {
    size_t e = pos;
    while (e < len && s[e] != '\n')
      e++;
    /* expand tabs to 4 columns; wrap where tb_code_wrap says */
    size_t p = pos;
    bool cont = false;
    do {
      tb_buf_clear(&line);
      size_t q = p + tb_code_wrap(s + p, e - p, cont ? cols - 2 : cols);
      size_t col = 0, end = q;
      if (q < e) /* the spaces at a break are not drawn */
        while (end > p && (s[end - 1] == ' ' || s[end - 1] == '\t'))
          end--;
      for (size_t r = p; r < end;) {
        size_t k;
        uint32_t cp = tb_utf8_decode(s + r, end - r, &k);
        if (cp == '\t') {
          for (size_t to = (col / 4 + 1) * 4; col < to; col++)
            tb_buf_putc(&line, ' ');
        } else {
          tb_buf_put(&line, s + r, k);
          col++;
        }
        r += k;
      }
      bool top = l->vl.n == first, bottom = q >= len;
      float h = lead + (top ? CODE_PAD : 0) + (bottom ? CODE_PAD : 0);
      vbox *vb = lo_open_box(l, h, (top ? CODE_PAD : 0) + lead * 0.76f);
      if (l->vl.n - 1 > first && (l->vl.n - 1 == first + 1 || bottom))
        vb->keep_prev = true; /* at least two lines together at each end */
      vb->start_node = n;
      vb->start_off = p;
      /* the tint: a band as tall as the box (a hair more, so bands join without a seam) */
      tb_draw *t = lo_add_draw(l);
      t->kind = TB_DRAW_RULE;
      t->elem = 0;
      t->x = l->frame.left;
      t->w = l->frame.width;
      t->y = h / 2;
      t->line_width = h + 0.4f;
      t->gray = CODE_TINT;
      float x = l->frame.left + CODE_INSET;
      if (cont) {
        tb_draw *m = lo_add_draw(l);
        m->kind = TB_DRAW_TEXT;
        m->elem = 0; /* the mark of a continued line is not the code's */
        m->face = TB_FACE_MONO;
        m->size = size;
        m->x = x;
        m->y = vb->base;
        m->gray = 0.55f;
        lo_set_draw_text(l, m, "\xE2\x86\xAA", 3, lo_text_width(l, TB_FACE_MONO, size, "\xE2\x86\xAA", 3));
        x += 2 * cw;
      }
      /* lay out the characters as boxes so glyph fallback applies */
      style st = lo_base_style(size);
      st.face = TB_FACE_MONO;
      st.code = true;
      size_t save = l->para.n;
      lo_push_text_boxes(l, line.data ? line.data : "", line.len, &st, n, p);
      for (size_t i = save; i < l->para.n; i++) {
        pbox *b = &l->para.boxes[i];
        tb_draw *d = lo_add_draw(l);
        d->kind = TB_DRAW_TEXT;
        d->face = b->st.face;
        d->size = size;
        d->x = x;
        d->y = vb->base;
        /* where the source line ends (not a wrap), a space glyph, as between the lines of a
         * paragraph, so that text read from the structure tree keeps its lines apart; at a
         * wrap after a space, that space */
        bool line_end = i + 1 == l->para.n && ((q >= e && e < len) || (q < e && end < q));
        lo_set_draw_text_ending(l, d, b->s, b->len, (float)l->para.items[i].width, line_end ? " " : "");
        x += (float)l->para.items[i].width;
      }
      l->para.n = save;
      lo_close_box(l, vb);
      p = q;
      cont = true;
    } while (p < e);
    pos = e + 1;
  } while (pos <= len);
  tb_buf_free(&line);
  l->cur_elem = was;
  lo_add_glue(l, PARA_SKIP + 2.0f);
}

static void layout_rule(L *l) {
  lo_add_glue(l, PARA_SKIP * 2);
  vbox *vb = lo_open_box(l, 8.0f, 4.0f);
  tb_draw *d = lo_add_draw(l);
  d->kind = TB_DRAW_RULE;
  d->elem = 0; /* a thematic break is drawn, not read */
  d->x = l->frame.left + l->frame.width * 0.35f;
  d->y = 4.0f;
  d->w = l->frame.width * 0.3f;
  d->line_width = 0.6f;
  lo_close_box(l, vb);
  lo_add_glue(l, PARA_SKIP * 2);
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

/* One thin rule of a missing image's frame: from (x, y) by (w, h), y downward in its box. */
static void frame_rule(L *l, float x, float y, float w, float h) {
  tb_draw *d = lo_add_draw(l);
  d->kind = TB_DRAW_RULE;
  d->elem = 0; /* the frame is drawn, not read */
  d->x = x;
  d->y = y;
  d->w = w;
  d->h = h;
  d->line_width = 0.6f;
  d->gray = 0.45f;
}

/* The top or bottom edge of a missing image's frame: a box of its own with the corners' sides. */
static void frame_edge(L *l, float x0, float x1, bool top) {
  const float h = 7.0f;
  vbox *vb = lo_open_box(l, h, h);
  frame_rule(l, x0, top ? 0 : h, x1 - x0, 0);
  frame_rule(l, x0, 0, 0, h);
  frame_rule(l, x1, 0, 0, h);
  lo_close_box(l, vb);
}

/* A block image: scaled to the text width (and to a share of the page height), never split,
 * its alt text below it as a caption. */
static void layout_image(L *l, const tb_node *img) {
  lo_add_glue(l, PARA_SKIP);
  int was = l->cur_elem, fig = 0;
  if (img->image.path) {
    /* a Figure, its alternate text the image's description (else its title) */
    l->cur_elem = fig = lo_new_elem(l, TB_ROLE_FIGURE, was);
    if (l->cur_elem) {
      tb_buf alt = {0};
      tb_node_plain_text(img, &alt);
      if (!alt.len && img->as.link.title)
        tb_buf_puts(&alt, img->as.link.title);
      if (!alt.len)
        tb_buf_puts(&alt, tb_i18n(l->at.lang, TB_STR_IMAGE));
      lo_set_elem_attr(l, l->cur_elem, lo_strndup(l, alt.data, alt.len), NULL);
      tb_buf_free(&alt);
    }
    int pw = 0, ph = 0;
    tb_node_image_size(img, &pw, &ph);                  /* <img width height> when given */
    float w = (float)pw * 0.75f, h = (float)ph * 0.75f; /* 96 dpi */
    float maxh = l->text_h * 0.7f;
    if (w > l->frame.width) {
      h *= l->frame.width / w;
      w = l->frame.width;
    }
    if (h > maxh) {
      w *= maxh / h;
      h = maxh;
    }
    vbox *vb = lo_open_box(l, h + 4.0f, h);
    vb->start_node = img;
    vb->start_off = 0;
    tb_draw *d = lo_add_draw(l);
    d->kind = TB_DRAW_IMAGE;
    d->x = l->frame.left + (l->frame.width - w) / 2;
    d->y = 0;
    d->w = w;
    d->h = h;
    d->image = img;
    lo_close_box(l, vb);
    l->next.keep_prev = true;
  }
  /* the caption of an image we carry, its Figure's last kid; the stand-in text of one we could
   * not, a paragraph */
  l->cur_elem = fig ? lo_new_elem(l, TB_ROLE_CAPTION, fig) : lo_new_elem(l, TB_ROLE_P, was);
  /* The caption, as the EPUB has it: for an image we carry, its title, else its alt text; for
   * one we could not use, its alt text (else its title, else the word for "image"), linked to
   * its URL when that is a link. */
  para_fmt pf = {NOTE_SIZE + 0.5f, NOTE_LEAD + 1.0f, false, true, 0, false};
  style st = lo_base_style(NOTE_SIZE + 0.5f);
  st.face = TB_FACE_ITALIC;
  const char *title = img->as.link.title && *img->as.link.title ? img->as.link.title : NULL;
  if (img->image.path && title) {
    lo_push_fragment(l, title, strlen(title), &st, NULL, 0);
  } else {
    if (!img->image.path && tb_url_linkable(img->as.link.url))
      st.uri = img->as.link.url;
    lo_collect_inlines(l, img, st);
    if (l->para.n == 0 && !img->image.path) {
      const char *t = title ? title : tb_i18n(l->at.lang, TB_STR_IMAGE);
      lo_push_fragment(l, t, strlen(t), &st, NULL, 0);
    }
  }
  if (img->image.path) {
    lo_set_paragraph(l, &pf);
  } else {
    /* an image we could not carry: its text in a framed box, so that nobody misses it */
    lo_frame saved = l->frame;
    float x0 = saved.left + 12.0f, x1 = saved.left + saved.width - 12.0f;
    l->frame.left = x0 + 10.0f;
    l->frame.width = x1 - x0 - 20.0f > 24.0f ? x1 - x0 - 20.0f : 24.0f;
    size_t first = l->vl.n;
    frame_edge(l, x0, x1, true);
    lo_set_paragraph(l, &pf);
    frame_edge(l, x0, x1, false);
    for (size_t i = first + 1; i < l->vl.n; i++) {
      vbox *b = &l->vl.v[i];
      b->keep_prev = true;   /* never cut */
      if (i + 1 < l->vl.n) { /* the sides of the lines; the edges draw their own */
        size_t d0 = l->out.ndraws;
        frame_rule(l, x0, 0, 0, b->h);
        frame_rule(l, x1, 0, 0, b->h);
        /* the box's draws must be contiguous: move the sides in front of the next box's */
        if (b->d1 != d0) {
          tb_draw sides[2] = {l->out.draws[d0], l->out.draws[d0 + 1]};
          memmove(&l->out.draws[b->d1 + 2], &l->out.draws[b->d1], (d0 - b->d1) * sizeof sides[0]);
          memcpy(&l->out.draws[b->d1], sides, sizeof sides);
          for (size_t j = i + 1; j < l->vl.n; j++) {
            l->vl.v[j].d0 += 2;
            l->vl.v[j].d1 += 2;
          }
        }
        b->d1 += 2;
      }
    }
    l->frame = saved;
  }
  l->cur_elem = was;
  l->next.keep_prev = false;
  lo_add_glue(l, PARA_SKIP);
}
static void layout_list(L *l, const tb_node *list) {
  int num = list->as.list.ordered ? list->as.list.start : 0;
  lo_frame saved = l->frame;
  /* marker column wide enough for the largest number */
  int count = 0;
  for (const tb_node *it = list->first; it; it = it->next)
    count++;
  char widest[32];
  (void)snprintf(widest, sizeof widest, "%d.", num + count);
  float mw =
      list->as.list.ordered ? lo_text_width(l, TB_FACE_REGULAR, BODY_SIZE, widest, strlen(widest)) : 6.0f;
  float indent = mw + 8.0f > LIST_INDENT ? mw + 8.0f : LIST_INDENT;
  if (indent > l->frame.width / 3)
    indent = l->frame.width / 3;
  lo_add_glue(l, PARA_SKIP);
  int was = lo_open_elem(l, TB_ROLE_L), lst = l->cur_elem;
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
    float w = lo_text_width(l, mf, BODY_SIZE, m, mlen);
    l->next.marker = lo_strndup(l, m, mlen);
    l->next.marker_len = mlen;
    l->next.marker_face = mf;
    int li = lo_new_elem(l, TB_ROLE_LI, lst);
    l->next.marker_elem = lo_new_elem(l, TB_ROLE_LBL, li);
    l->cur_elem = lo_new_elem(l, TB_ROLE_LBODY, li);
    l->next.marker_x = saved.left + indent - 5.0f - w;
    if (l->next.marker_x < saved.left)
      l->next.marker_x = saved.left;
    l->frame.left = saved.left + indent;
    l->frame.width = saved.width - indent;
    if (l->frame.width < 24)
      l->frame.width = 24;
    lo_layout_blocks(l, it->first);
    if (l->next.marker) {
      /* an empty item: the marker alone on its line */
      vbox *vb = lo_open_box(l, BODY_LEAD, BODY_LEAD * 0.74f);
      lo_close_box(l, vb);
    }
    l->frame = saved;
    l->cur_elem = lst;
    if (it->next)
      lo_add_glue(l, list->as.list.tight ? 1.5f : PARA_SKIP);
  }
  l->cur_elem = was;
  lo_add_glue(l, PARA_SKIP);
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
      lo_add_glue(l, PARA_SKIP);
    para_fmt pf = body_fmt();
    pf.center = l->center > 0; /* in a centred block (html.c) */
    pf.justify = !pf.center;
    layout_paragraph(l, n, pf, lo_base_style(BODY_SIZE));
    break;
  }
  case TB_NODE_HEADING: layout_heading(l, n); break;
  case TB_NODE_CODE_BLOCK:
  case TB_NODE_HTML_BLOCK: layout_code(l, n); break;
  case TB_NODE_THEMATIC_BREAK: layout_rule(l); break;
  case TB_NODE_BLOCK_QUOTE: {
    lo_frame saved = l->frame;
    if (l->quotes.depth < 64)
      l->quotes.x[l->quotes.depth] = l->frame.left + 3.0f;
    l->quotes.depth++;
    l->frame.left += QUOTE_INDENT;
    l->frame.width -= QUOTE_INDENT;
    if (l->frame.width < 24)
      l->frame.width = 24;
    lo_add_glue(l, BLOCK_SKIP);
    int was = lo_open_elem(l, TB_ROLE_BLOCKQUOTE);
    lo_layout_blocks(l, n->first);
    l->cur_elem = was;
    l->quotes.depth--;
    l->frame = saved;
    lo_add_glue(l, BLOCK_SKIP);
    break;
  }
  case TB_NODE_LIST: layout_list(l, n); break;
  case TB_NODE_TABLE: lo_layout_table(l, n); break;
  case TB_NODE_ITEM:
  case TB_NODE_ROOT:
  case TB_NODE_FOOTNOTE_DEF: lo_layout_blocks(l, n->first); break;
  case TB_NODE_DETAILS:
  case TB_NODE_SUMMARY:
  case TB_NODE_DEF_LIST:
  case TB_NODE_DEF_TERM:
  case TB_NODE_DEF_DESC:
  case TB_NODE_CENTER: lo_layout_html_block(l, n); break;
  case TB_NODE_ANCHOR: /* among blocks only when the HTML left it alone */
    lo_anchor(l, n->as.heading.index);
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
  case TB_NODE_KBD:
  case TB_NODE_SUP:
  case TB_NODE_SUB: break;
  }
}

void lo_layout_blocks(L *l, const tb_node *first) {
  for (const tb_node *n = first; n; n = n->next)
    layout_block(l, n);
}

/* ------------------------------------------------------------------------------------------ */
/* Footnotes, laid out once each */

void lo_layout_notes(L *l) {
  l->notes.n = l->doc->nfootnotes;
  l->notes.lists = tb_xcalloc(l->notes.n + 1, sizeof *l->notes.lists);
  l->notes.elems = tb_xcalloc(l->notes.n + 1, sizeof *l->notes.elems);
  vlist saved_vl = l->vl;
  lo_frame saved = l->frame;
  for (size_t k = 0; k < l->notes.n; k++) {
    const tb_node *def = l->doc->footnotes[k];
    l->vl = (vlist){0};
    l->frame.left = 12.0f;
    l->frame.width = l->text_w - 12.0f;
    char num[16];
    int n = snprintf(num, sizeof num, "%zu", k + 1);
    l->next.marker = lo_strndup(l, num, (size_t)n);
    l->next.marker_len = (size_t)n;
    l->next.marker_face = TB_FACE_REGULAR;
    l->next.marker_x = 0;
    /* a Note in the Document; the structure tree reads it right after the mark that cites it
     * (tb_draw.note), inside the element that holds the mark (pdf/tags.c) */
    l->cur_elem = lo_new_elem(l, TB_ROLE_NOTE, 1);
    l->notes.elems[k] = l->cur_elem;
    l->next.marker_elem = lo_new_elem(l, TB_ROLE_LBL, l->cur_elem);
    for (const tb_node *b = def->first; b; b = b->next) {
      set_place(l, b);
      if (b->type == TB_NODE_PARAGRAPH) {
        para_fmt pf = {NOTE_SIZE, NOTE_LEAD, true, false, 0, false};
        layout_paragraph(l, b, pf, lo_base_style(NOTE_SIZE));
      } else {
        layout_block(l, b);
      }
    }
    if (l->next.marker) {
      vbox *vb = lo_open_box(l, NOTE_LEAD, NOTE_LEAD * 0.74f);
      lo_close_box(l, vb);
    }
    l->cur_elem = 0;
    /* drop glue: notes are stacked tightly */
    size_t o = 0;
    for (size_t i = 0; i < l->vl.n; i++)
      if (l->vl.v[i].kind == VB_CONTENT)
        l->vl.v[o++] = l->vl.v[i];
    l->vl.n = o;
    l->notes.lists[k] = l->vl;
  }
  l->vl = saved_vl;
  l->frame = saved;
}
