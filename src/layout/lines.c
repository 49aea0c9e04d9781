// lines.c -- a paragraph's items set as lines: broken total-fit (justified) or first-fit
// (ragged), each line a content box of drawn runs; the vertical list's boxes and glue.
#include <math.h>
#include <stdlib.h>

#include "layout/layout_int.h"

/* The bars of the block quotes open around a box: one rule per level, `len` long from just
 * above the box's top, so they join from box to box (and break with the page). */
static void quote_bars(L *l, float len) {
  for (int q = 0; q < l->quotes.depth && q < 64; q++) {
    tb_draw *d = lo_add_draw(l);
    d->kind = TB_DRAW_RULE;
    d->elem = 0; /* decoration: an artifact */
    d->x = l->quotes.x[q];
    d->y = -1.0f;
    d->h = len;
    d->line_width = 1.2f;
    d->gray = 0.6f;
  }
}

/* Starts a content box of height h whose first baseline is at `base` below its top; gives it
 * what is pending: block-quote bars, a list marker, a heading anchor, keep-with-previous. */
vbox *lo_open_box(L *l, float h, float base) {
  vbox *vb = lo_vl_push(&l->vl, VB_CONTENT);
  vb->h = h;
  vb->base = base;
  vb->chapter = l->at.chapter;
  vb->d0 = l->out.ndraws;
  vb->l0 = l->out.nlinks;
  vb->f0 = l->out.nfnrefs;
  quote_bars(l, h + 1.0f);
  if (l->next.marker) {
    tb_draw *d = lo_add_draw(l);
    d->kind = TB_DRAW_TEXT;
    d->elem = l->next.marker_elem ? l->next.marker_elem : l->cur_elem;
    d->face = l->next.marker_face;
    d->size = BODY_SIZE;
    d->x = l->next.marker_x;
    d->y = base;
    lo_set_draw_text(l, d, l->next.marker, l->next.marker_len,
                     lo_text_width(l, d->face, d->size, l->next.marker, l->next.marker_len));
    l->next.marker = NULL;
    l->next.marker_elem = 0;
  }
  if (l->next.heading >= 0) {
    vb->heading = l->next.heading;
    l->next.heading = -1;
  }
  if (l->next.keep_prev) {
    vb->keep_prev = true;
    l->next.keep_prev = false;
  }
  if (l->next.keep_lines > 0) {
    vb->keep_prev = true;
    l->next.keep_lines--;
  }
  if (l->next.opens_chapter) {
    vb->opens_chapter = true;
    l->next.opens_chapter = false;
  }
  return vb;
}

void lo_close_box(L *l, vbox *vb) {
  vb->d1 = l->out.ndraws;
  vb->l1 = l->out.nlinks;
  vb->f1 = l->out.nfnrefs;
}

void lo_add_glue(L *l, float h) {
  if (l->vl.n && l->vl.v[l->vl.n - 1].kind == VB_GLUE) {
    if (l->vl.v[l->vl.n - 1].h < h)
      l->vl.v[l->vl.n - 1].h = h;
    return;
  }
  vbox *vb = lo_vl_push(&l->vl, VB_GLUE);
  vb->h = h;
  vb->chapter = l->at.chapter;
  vb->d0 = l->out.ndraws;
  quote_bars(l, h + 2.0f);
  vb->d1 = l->out.ndraws;
  vb->l0 = vb->l1 = l->out.nlinks;
  vb->f0 = vb->f1 = l->out.nfnrefs;
}

/* Emits one drawn run: the words of one line in one style, w wide (to the end of its last
 * word), each space followed by word_space more points. */
/* hyphen: the text ends with the '-' of a hyphenated line end (tb_draw.hyphen). */
static void emit_segment(L *l, tb_buf *txt, const style *st, float x, float base, float w, float word_space,
                         bool hyphen) {
  if (!txt->len)
    return;
  tb_draw *d = lo_add_draw(l);
  d->kind = TB_DRAW_TEXT;
  /* a linked run is in a Link element, holding its text and its annotation: the element of the
   * run before when that was the same link's, across a line end or a change of style */
  int link = 0;
  if (st->uri || st->heading >= 0) {
    bool same = l->link.elem && l->link.uri == st->uri && l->link.heading == st->heading &&
                l->lo->elems[l->link.elem].parent == l->cur_elem;
    link = same ? l->link.elem : lo_new_elem(l, TB_ROLE_LINK, l->cur_elem);
    l->link.uri = st->uri;
    l->link.heading = st->heading;
  }
  l->link.elem = link;
  if (link)
    d->elem = link;
  d->link = st->uri || st->heading >= 0;
  d->face = st->face;
  d->size = st->size;
  d->x = x;
  d->y = base - st->rise;
  d->gray = st->gray;
  d->word_space = word_space;
  d->hyphen = hyphen;
  d->note = st->fnref > 0 && (size_t)st->fnref <= l->notes.n ? l->notes.elems[st->fnref - 1] : 0;
  lo_set_draw_text(l, d, txt->data, txt->len, w);
  if (st->strike) {
    tb_draw *r = lo_add_draw(l);
    r->kind = TB_DRAW_RULE;
    r->elem = 0; /* the strike-through line: the text says it (the EPUB's <del>) */
    r->x = x;
    r->y = base - st->size * 0.28f;
    r->w = w;
    r->line_width = st->size * 0.06f;
  }
  if (st->kbd) /* a light frame around the key */
    for (int side = 0; side < 4; side++) {
      tb_draw *r = lo_add_draw(l);
      r->kind = TB_DRAW_RULE;
      r->elem = 0;
      r->gray = 0.6f;
      r->line_width = 0.5f;
      r->x = side == 2 ? x + w + 1.5f : x - 1.5f;
      r->y = side == 1 ? base - st->size * 0.85f : base + st->size * 0.25f;
      r->w = side & 2 ? 0 : w + 3.0f;
      r->h = side & 2 ? -st->size * 1.1f : 0;
      if (side == 3)
        r->x = x - 1.5f;
      if (side & 2)
        r->y = base + st->size * 0.25f;
    }
  if (st->uri || st->heading >= 0) {
    tb_link *k = lo_add_link(l);
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
         a->uri == b->uri && a->heading == b->heading && a->fnref == b->fnref && a->gray == b->gray &&
         a->kbd == b->kbd;
}

/* Breaks the collected items into lines and appends one content box per line. */
void lo_set_paragraph(L *l, const para_fmt *pf) {
  if (l->para.n == 0)
    return;
  /* the paragraph ends: drop trailing glue, then finishing glue and a forced break */
  while (l->para.n && l->para.items[l->para.n - 1].type == TB_LB_GLUE)
    l->para.n--;
  lo_push_forced_break(l);
  float widths[2] = {l->frame.width - pf->first_indent, l->frame.width};
  lo_split_overlong(l, l->frame.width - pf->first_indent > 1 ? l->frame.width - pf->first_indent : 1);
  double wd[2] = {widths[0], widths[1]};
  tb_lb_params p = tb_lb_params_default(wd, 2);
  p.tolerance = pf->justify ? 1.0 : 1e6;
  p.max_tolerance = pf->justify ? 2.0 : 1e6;
  tb_lb_line *lines = NULL;
  /* justified text total-fit; ragged text first-fit, at natural spaces */
  size_t nl = pf->justify ? tb_linebreak(l->para.items, l->para.n, &p, &lines)
                          : tb_linebreak_first_fit(l->para.items, l->para.n, &p, &lines);
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
    float x0 = l->frame.left + (li == 0 ? pf->first_indent : 0);
    float lw = li == 0 ? widths[0] : widths[1]; /* for centering */
    /* natural width for centering */
    if (pf->center) {
      double nat = 0;
      for (size_t i = ln->start; i < ln->end; i++)
        if (l->para.items[i].type != TB_LB_PENALTY)
          nat += l->para.items[i].width;
      if (ln->hyphenated)
        nat += l->para.items[ln->end].width;
      if (nat < lw)
        x0 += (float)(lw - nat) / 2;
    }
    vbox *vb = lo_open_box(l, pf->lead, pf->lead * 0.74f);
    if (pf->widows && li > 0 && (li == 1 || last))
      vb->keep_prev = true; /* no orphan (first line alone) and no widow (last line alone) */
    if (li > 0 && l->para.items[lines[li - 1].end].type == TB_LB_PENALTY &&
        l->para.items[lines[li - 1].end].penalty > -TB_LB_INFINITY)
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
      tb_lb_item *it = &l->para.items[i];
      pbox *b = &l->para.boxes[i];
      if (it->type == TB_LB_BOX) {
        if (!vb->start_node && b->node) {
          vb->start_node = b->node;
          vb->start_off = b->off;
        }
        if (b->st.fnref) {
          tb_grow(&l->out.fnrefs, &l->out.fnrefs_cap, l->out.nfnrefs + 1, sizeof *l->out.fnrefs);
          l->out.fnrefs[l->out.nfnrefs++] = b->st.fnref;
        }
        if (!drawn)
          continue; /* where the box starts and what it cites is all the page starts need */
        if (have && !same_style(&cur, &b->st)) {
          emit_segment(l, &txt, &cur, seg_x, vb->base, seg_w, ws, false);
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
          /* a code span's spaces are all drawn, at their width (push_spaces) */
          size_t nsp = b->st.code && it->stretch == 0 && b->len > 1 ? b->len : 1;
          for (size_t q = 0; q < nsp; q++)
            tb_buf_putc(&txt, ' ');
          float extra = ((float)gw - (float)nsp * lo_space_width(l, cur.face, cur.size)) / (float)nsp;
          if (ws_set && fabsf(extra - ws) > 1e-4f) {
            emit_segment(l, &txt, &cur, seg_x, vb->base, seg_w, ws, false);
            have = false;
          } else {
            ws = extra;
            ws_set = true;
          }
        }
        if (pf->justify && !last && it->width > 0 && it->stretch > 0 && it->stretch < 1e5) {
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
    bool hyphen = drawn && ln->hyphenated && ln->end < l->para.n;
    if (hyphen) {
      if (!have) {
        cur = l->para.boxes[ln->end].st;
        seg_x = x;
        ws = 0;
        have = true;
      }
      tb_buf_putc(&txt, '-');
      seg_w = x + (float)l->para.items[ln->end].width - seg_x;
    } else if (have && !last && ln->end < l->para.n &&
               (l->para.items[ln->end].type == TB_LB_GLUE ||
                (l->para.items[ln->end].type == TB_LB_PENALTY &&
                 l->para.items[ln->end].penalty <= -TB_LB_INFINITY))) {
      /* A line that ends between words ends with a space glyph: text read from the structure
       * tree (a screen reader, a reflowing viewer) would otherwise run its last word into the
       * next line's first. It is drawn past the run's width, so nothing moves. */
      tb_buf_putc(&txt, ' ');
    }
    if (have)
      emit_segment(l, &txt, &cur, seg_x, vb->base, seg_w, ws, hyphen);
    lo_close_box(l, vb);
  }
  tb_buf_free(&txt);
  free(lines);
  l->para.n = 0;
}
