// front.c -- the front matter, made once the body is laid out (the contents need every
// heading's page): the title page, the contents list and its pages, put in front of the body
// with roman folios.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/layout_int.h"
#include "util/i18n.h"

static void title_page(L *l, tb_page *p) {
  const tb_meta *m = &l->doc->meta;
  float y = l->g.h - l->g.top - 40.0f;
  if (m->category) {
    lo_add_centered(p, l, lo_new_elem(l, TB_ROLE_P, 1), TB_FACE_ITALIC, 11.0f, y, m->category, 0.3f);
    y -= 70.0f;
  } else {
    y -= 60.0f;
  }
  /* the title, wrapped and centered */
  vlist saved_vl = l->vl;
  lo_frame saved = l->frame;
  l->vl = (vlist){0};
  l->frame.left = l->g.inner;
  l->frame.width = l->text_w;
  struct {
    const char *s;
    tb_face f;
    float size, lead, gap;
  } parts[3] = {
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
    style st = lo_base_style(parts[k].size);
    st.face = parts[k].f;
    st.nohyph = true;
    lo_push_fragment(l, parts[k].s, strlen(parts[k].s), &st, NULL, 0);
    para_fmt pf = {parts[k].size, parts[k].lead, false, true, 0, false};
    size_t v0 = l->vl.n;
    l->cur_elem = lo_new_elem(l, k == 0 ? TB_ROLE_H1 : TB_ROLE_P, 1); /* the title: h1, as in the EPUB */
    lo_set_paragraph(l, &pf);
    l->cur_elem = 0;
    for (size_t i = v0; i < l->vl.n; i++) {
      lo_place_box(l, p, &l->vl.v[i], y, l->out.draws, l->out.links);
      y -= l->vl.v[i].h;
    }
    y -= parts[k].gap;
  }
  tb_buf_free(&authors);
  free(l->vl.v);
  l->vl = saved_vl;
  l->frame = saved;
  /* the date at the foot, in the document's language: "26 November 2026" */
  int yy, mm, dd;
  if (m->date && tb_date_parse(m->date, &yy, &mm, &dd)) {
    char buf[64];
    (void)snprintf(buf, sizeof buf, "%d %s %d", dd, tb_i18n_month(m->lang, mm), yy);
    lo_add_centered(p, l, lo_new_elem(l, TB_ROLE_P, 1), TB_FACE_REGULAR, 11.0f, l->g.bottom + 20.0f, buf,
                    0.2f);
  }
}

/* An article's title block, as boxes at the head of its first page (the contents follow): the
 * category, the title, the subtitle, the authors and the date, centered. */
static void title_block(L *l) {
  const tb_meta *m = &l->doc->meta;
  tb_buf authors = {0};
  for (size_t i = 0; i < m->nauthors; i++) {
    if (i && i + 1 == m->nauthors)
      tb_buf_printf(&authors, " %s ", tb_i18n(m->lang, TB_STR_AND));
    else if (i)
      tb_buf_puts(&authors, ", ");
    tb_buf_puts(&authors, m->authors[i]);
  }
  char date[64] = "";
  int yy, mm, dd;
  if (m->date && tb_date_parse(m->date, &yy, &mm, &dd))
    (void)snprintf(date, sizeof date, "%d %s %d", dd, tb_i18n_month(m->lang, mm), yy);
  struct {
    const char *s;
    tb_face f;
    float size, lead, gap;
    tb_role role;
  } parts[] = {
      {m->category, TB_FACE_ITALIC, 11.0f, 14.0f, 10.0f, TB_ROLE_P},
      {m->title, TB_FACE_BOLD, 22.0f, 27.0f, 8.0f, TB_ROLE_H1}, /* the title: h1, as in the EPUB */
      {m->subtitle, TB_FACE_ITALIC, 13.0f, 17.0f, 6.0f, TB_ROLE_P},
      {authors.data, TB_FACE_REGULAR, 11.5f, 15.0f, 4.0f, TB_ROLE_P},
      {date, TB_FACE_REGULAR, 10.5f, 14.0f, 0, TB_ROLE_P},
  };
  l->frame.left = 0;
  l->frame.width = l->text_w;
  lo_add_glue(l, 24.0f);
  for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
    if (!parts[k].s || !*parts[k].s)
      continue;
    style st = lo_base_style(parts[k].size);
    st.face = parts[k].f;
    st.nohyph = true;
    if (k == 4)
      st.gray = 0.2f;
    else if (k == 0)
      st.gray = 0.3f;
    lo_push_fragment(l, parts[k].s, strlen(parts[k].s), &st, NULL, 0);
    para_fmt pf = {parts[k].size, parts[k].lead, false, true, 0, false};
    l->cur_elem = lo_new_elem(l, parts[k].role, 1);
    lo_set_paragraph(l, &pf);
    l->cur_elem = 0;
    lo_add_glue(l, parts[k].gap);
  }
  tb_buf_free(&authors);
  /* a short rule under the block, before the contents */
  lo_add_glue(l, 14.0f);
  vbox *vb = lo_open_box(l, 6.0f, 3.0f);
  tb_draw *d = lo_add_draw(l);
  d->kind = TB_DRAW_RULE;
  d->x = l->text_w * 0.4f;
  d->y = 3.0f;
  d->w = l->text_w * 0.2f;
  d->line_width = 0.5f;
  d->gray = 0.4f;
  lo_close_box(l, vb);
}

/* The contents list heading h: to level 3, and only a heading that was laid out. */
static bool in_contents(const L *l, size_t h) {
  return l->doc->headings[h].level >= 1 && l->doc->headings[h].level <= 3 && l->lo->heading_page[h] >= 0;
}

/* The contents: every heading to level 3, indented by level, dot leaders, the body page label
 * right-aligned, each entry a link to the heading's exact spot. */
static void contents_list(L *l, vlist *out, const int *chapter_heading) {
  vlist saved_vl = l->vl;
  lo_frame saved = l->frame;
  l->vl = *out; /* after an article's title block */
  /* title */
  {
    float size = l->book ? 19.0f : 15.0f;
    style st = lo_base_style(size);
    st.face = TB_FACE_BOLD;
    const char *t = tb_i18n(l->doc->meta.lang, TB_STR_CONTENTS);
    l->frame.left = 0;
    l->frame.width = l->text_w;
    lo_push_fragment(l, t, strlen(t), &st, NULL, 0);
    para_fmt pf = {size, size * 1.25f, false, false, 0, false};
    lo_add_glue(l, l->book ? 36.0f : 22.0f);
    l->cur_elem = lo_new_elem(l, TB_ROLE_H1, 1);
    lo_set_paragraph(l, &pf);
    lo_add_glue(l, 16.0f);
  }
  /* a TOC of TOCIs, each a Link holding the entry's text and number (the leaders are drawn) */
  int toc = lo_new_elem(l, TB_ROLE_TOC, 1);
  int minlevel = 6;
  for (size_t h = 0; h < l->doc->nheadings; h++)
    if (l->doc->headings[h].level < minlevel && l->doc->headings[h].level > 0) /* 0: an anchor */
      minlevel = l->doc->headings[h].level;
  float numw = lo_text_width(l, TB_FACE_REGULAR, BODY_SIZE, "0000", 4);
  for (size_t h = 0; h < l->doc->nheadings; h++) {
    const tb_heading *hd = &l->doc->headings[h];
    if (!in_contents(l, h))
      continue;
    bool top = chapter_heading[h];
    int depth = hd->level - minlevel;
    if (depth < 0)
      depth = 0;
    l->frame.left = 14.0f * (float)depth;
    l->frame.width = l->text_w - l->frame.left - numw - 12.0f;
    style st = lo_base_style(BODY_SIZE);
    st.face = top ? TB_FACE_BOLD : TB_FACE_REGULAR;
    st.nohyph = true; /* the entry's one link (below) covers its text, leaders and number */
    lo_push_fragment(l, hd->text, strlen(hd->text), &st, NULL, 0);
    if (l->para.n == 0)
      lo_push_fragment(l, "\xE2\x80\x94", 3, &st, NULL, 0);
    para_fmt pf = {BODY_SIZE, BODY_LEAD, false, false, 0, false};
    if (top)
      lo_add_glue(l, 6.0f);
    size_t v0 = l->vl.n;
    int link = lo_new_elem(l, TB_ROLE_LINK, lo_new_elem(l, TB_ROLE_TOCI, toc));
    l->cur_elem = link;
    lo_set_paragraph(l, &pf);
    for (size_t i = v0 + 1; i < l->vl.n; i++)
      l->vl.v[i].keep_prev = true;
    /* leaders and number on the entry's last line, inside that line's box */
    vbox *last = &l->vl.v[l->vl.n - 1];
    float right = l->frame.left;
    for (size_t d = last->d0; d < last->d1; d++)
      if (l->out.draws[d].kind == TB_DRAW_TEXT) {
        float e = l->out.draws[d].x + l->out.draws[d].w;
        if (e > right)
          right = e;
      }
    const char *label = l->lo->info[l->lo->heading_page[h]].label;
    tb_face num_face = top ? TB_FACE_BOLD : TB_FACE_REGULAR;
    float lw = lo_text_width(l, num_face, BODY_SIZE, label, strlen(label)); /* in the face drawn */
    float dotw = lo_text_width(l, TB_FACE_REGULAR, BODY_SIZE, ". ", 2);
    /* leaders on a fixed grid so the dots line up from entry to entry */
    float x0 = (floorf((right + 6.0f) / dotw) + 1) * dotw, x1 = l->text_w - numw + 4.0f;
    tb_buf dots = {0};
    /* x is the pen position, not a count: dots go on while the next one fits. The float steps
     * are the layout itself; a count worked out another way could differ by one at the edge. */
    for (float x = x0; x + dotw <= x1; x += dotw) // NOLINT(cert-flp30-c): a position, see above
      tb_buf_puts(&dots, ". ");
    tb_draw *d;
    if (dots.len) {
      d = lo_add_draw(l);
      d->kind = TB_DRAW_TEXT;
      d->elem = 0;
      d->face = TB_FACE_REGULAR;
      d->size = BODY_SIZE;
      d->x = x0;
      d->y = last->base;
      d->gray = 0.45f;
      lo_set_draw_text(l, d, dots.data, dots.len - 1,
                       lo_text_width(l, d->face, d->size, dots.data, dots.len - 1));
    }
    tb_buf_free(&dots);
    d = lo_add_draw(l);
    d->kind = TB_DRAW_TEXT;
    d->face = num_face;
    d->size = BODY_SIZE;
    d->x = l->text_w - lw;
    d->y = last->base;
    lo_set_draw_text(l, d, label, strlen(label), lw);
    /* the whole entry, number included, is one link */
    tb_link *k = lo_add_link(l);
    k->x0 = l->frame.left;
    k->x1 = l->text_w;
    k->y0 = last->h;
    k->y1 = 0;
    k->heading = (int)h;
    k->elem = link;
    last->d1 = l->out.ndraws;
    last->l1 = l->out.nlinks;
  }
  l->cur_elem = 0;
  *out = l->vl;
  l->vl = saved_vl;
  l->frame = saved;
}

static void roman(int n, char *buf, size_t cap) {
  static const struct {
    int v;
    const char *s;
  } t[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
           {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
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

void lo_front_matter(L *l) {
  const tb_doc *doc = l->doc;
  tb_layout *lo = l->lo;
  /* the contents, now that every heading's page is known (body labels start at 1, so the
   * contents' own length changes no number in it) */
  int *chapter_heading = tb_xcalloc(doc->nheadings + 1, sizeof *chapter_heading);
  for (size_t c = 0; c < doc->nchapters; c++)
    if (doc->chapters[c].heading >= 0)
      chapter_heading[doc->chapters[c].heading] = 1;
  size_t d_mark = l->out.ndraws, l_mark = l->out.nlinks;
  vlist cl = {0};
  /* an article's first page: its title block, then the contents */
  if (!l->book) {
    vlist saved_vl = l->vl;
    lo_frame saved = l->frame;
    l->vl = (vlist){0};
    title_block(l);
    cl = l->vl;
    l->vl = saved_vl;
    l->frame = saved;
  }
  /* no page of contents without an entry (an article with no heading to level 3) */
  bool listed = false;
  for (size_t h = 0; h < doc->nheadings && !listed; h++)
    listed = in_contents(l, h);
  if (listed)
    contents_list(l, &cl, chapter_heading);
  lo_shift_x(l, d_mark, l_mark, l->g.inner);
  free(chapter_heading);
  /* its pages, after the body's for now */
  size_t nbody = lo->npages;
  (void)lo_paginate(l, &cl, LO_PAGES_FRONT, false);
  free(cl.v);
  size_t ncp = lo->npages - nbody;

  /* the title page and the contents pages in front of the body (an article's title is on its
   * first page of contents) */
  size_t title_pages = l->book ? 1 : 0;
  size_t nfront = title_pages + ncp;
  tb_page *cpages = tb_xmalloc((ncp + 1) * sizeof *cpages);
  memcpy(cpages, lo->pages + nbody, ncp * sizeof *cpages);
  tb_grow(&lo->pages, &lo->pages_cap, nbody + nfront, sizeof *lo->pages);
  lo->info = tb_xrealloc(lo->info, lo->pages_cap * sizeof *lo->info);
  memmove(lo->pages + nfront, lo->pages, nbody * sizeof *lo->pages);
  memmove(lo->info + nfront, lo->info, nbody * sizeof *lo->info);
  lo->npages = nbody + nfront;
  lo->nfront = nfront;
  if (title_pages) {
    memset(&lo->pages[0], 0, sizeof lo->pages[0]);
    title_page(l, &lo->pages[0]);
  }
  memcpy(lo->pages + title_pages, cpages, ncp * sizeof *cpages);
  free(cpages);
  for (size_t i = 0; i < nfront; i++) {
    char r[32];
    roman((int)i + 1, r, sizeof r);
    memset(&lo->info[i], 0, sizeof lo->info[i]);
    lo->info[i].label = lo_strndup(l, r, strlen(r));
    lo->info[i].chapter = -1;
    if (i >= title_pages)
      lo_add_centered(&lo->pages[i], l, 0, TB_FACE_REGULAR, 9.0f, l->g.bottom - 30.0f, lo->info[i].label, 0);
  }
  for (size_t h = 0; h < doc->nheadings; h++)
    if (lo->heading_page[h] >= 0)
      lo->heading_page[h] += (int)nfront;
}
