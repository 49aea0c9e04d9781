// paginate.c -- where a page breaks: one loop breaks a vertical list into pages, the body's a
// chapter at a time and the front matter's; on a body page, its footnotes at the foot, the
// running head and the folio.
#include <stdio.h>
#include <string.h>

#include "layout/layout_int.h"

typedef struct pagebuild {
  size_t v0, v1; /* boxes on the page: v[v0, v1) */
  bool final;    /* ended by a box that did not fit or a forced break, not by the list's end:
                    boxes added to the list later would not change it */
  size_t nnotes;
  int notes[64]; /* footnote numbers placed at its foot (more are moved on) */
} pagebuild;

static float note_height(const L *l, int number) {
  if (number < 1 || (size_t)number > l->notes.n)
    return 0;
  const vlist *v = &l->notes.lists[number - 1];
  float h = 2.0f;
  for (size_t i = 0; i < v->n; i++)
    h += v->v[i].h;
  return h;
}

tb_page *lo_new_page(L *l) {
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
void lo_place_box(L *l, tb_page *p, const vbox *b, float top, const tb_draw *draws, const tb_link *links) {
  for (size_t i = b->d0; i < b->d1; i++) {
    tb_draw d = draws[i];
    switch (d.kind) {
    case TB_DRAW_TEXT: d.y = top - d.y; break;
    case TB_DRAW_RULE:
      d.y = top - d.y;
      d.h = -d.h;
      break;
    case TB_DRAW_IMAGE: d.y = top - d.y - d.h; break;
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
  lo_set_draw_text(l, &d, s, strlen(s), lo_text_width(l, f, size, s, strlen(s)));
  page_draw(l, p, &d);
}

/* elem 0: running heads and page numbers, artifacts */
void lo_add_centered(tb_page *p, L *l, int elem, tb_face f, float size, float y, const char *s, float gray) {
  float w = lo_text_width(l, f, size, s, strlen(s));
  add_text(p, l, elem, f, size, (l->g.w - w) / 2, y, s, gray);
}

/* Moves draws and links from index d0/l0 on by dx (to the text block's left edge). */
void lo_shift_x(L *l, size_t d0, size_t l0, float dx) {
  for (size_t i = d0; i < l->out.ndraws; i++)
    l->out.draws[i].x += dx;
  for (size_t i = l0; i < l->out.nlinks; i++) {
    l->out.links[i].x0 += dx;
    l->out.links[i].x1 += dx;
  }
}

/* Fills pb with the page that starts at box `start`: boxes while they fit with the notes they
 * cite, ended at the last place a page may break (or at a forced break), and the notes of the
 * boxes kept. Glue is not counted where it would end the page (it is dropped at the top of the
 * next); a page always takes at least one box. */
static void fill_page(const L *l, const vlist *vl, size_t start, pagebuild *pb) {
  size_t end = start, best = 0, nrefs = 0;
  bool have_best = false;
  pb->final = false;
  float y = 0, notes_h = 0;
  for (size_t j = start; j < vl->n; j++) {
    const vbox *b = &vl->v[j];
    if (b->kind == VB_PAGEBREAK && j > start) {
      end = j;
      pb->final = true;
      break;
    }
    if (j > start && can_break_before(vl, j)) {
      best = j;
      have_best = true;
    }
    float add_notes = 0;
    for (size_t f = b->f0; f < b->f1; f++)
      add_notes += note_height(l, l->out.fnrefs[f]) + (nrefs == 0 && add_notes == 0 ? 8.0f : 0);
    float need = y + (b->kind == VB_GLUE ? 0 : b->h) + notes_h + add_notes;
    if (need > l->text_h && j > start) {
      /* box j is content (glue adds no height here): every look past a glue before it ended
       * at or before j, so the break is the one a longer list would have too */
      end = have_best ? best : j;
      pb->final = true;
      break;
    }
    y += b->h;
    notes_h += add_notes;
    nrefs += b->f1 - b->f0;
    end = j + 1;
  }
  /* notes of the boxes actually on the page */
  pb->v0 = start;
  pb->v1 = end;
  pb->nnotes = 0;
  for (size_t j = start; j < end; j++)
    for (size_t f = vl->v[j].f0; f < vl->v[j].f1 && pb->nnotes < 64; f++) {
      bool dup = false;
      for (size_t q = 0; q < pb->nnotes; q++)
        dup |= pb->notes[q] == l->out.fnrefs[f];
      if (!dup)
        pb->notes[pb->nnotes++] = l->out.fnrefs[f];
    }
}

/* The furniture of body page pi (its boxes placed): its info (label, chapter, where it begins),
 * the footnotes at its foot, the running head, the folio. */
static void finish_body_page(L *l, tb_page *p, size_t pi, const vlist *vl, const pagebuild *pb) {
  float bottom = l->g.bottom;
  tb_page_info *info = &l->lo->info[pi];
  int body_no = (int)pi + 1; /* body pages come first: the front matter is put in front later */
  char label[32];
  (void)snprintf(label, sizeof label, "%d", body_no);
  info->label = lo_strndup(l, label, strlen(label));
  info->body = true;
  info->chapter = vl->v[pb->v0].chapter;
  bool opens = false;
  int section = info->chapter; /* an article's: the last section opened on the page, else the
                                  one the page begins in */
  for (size_t j = pb->v0; j < pb->v1; j++) {
    const vbox *b = &vl->v[j];
    if (b->kind == VB_CONTENT && !info->node && b->start_node) {
      info->node = b->start_node;
      info->offset = b->start_off;
    }
    if (b->opens_chapter) {
      opens = true;
      section = b->chapter;
    }
  }
  if (!info->node)
    info->node = l->doc->chapters[info->chapter].root;
  /* footnotes at the foot: a short rule, then the notes */
  if (pb->nnotes) {
    float h = 0;
    for (size_t q = 0; q < pb->nnotes; q++)
      h += note_height(l, pb->notes[q]);
    float ny = bottom + h + 4.0f;
    tb_draw r = {0};
    r.kind = TB_DRAW_RULE;
    r.x = l->g.inner;
    r.y = ny + 2.0f;
    r.w = l->text_w * 0.3f;
    r.line_width = 0.4f;
    page_draw(l, p, &r);
    for (size_t q = 0; q < pb->nnotes; q++) {
      const vlist *nv = &l->notes.lists[pb->notes[q] - 1];
      ny -= 2.0f;
      for (size_t k = 0; k < nv->n; k++) {
        lo_place_box(l, p, &nv->v[k], ny, l->out.draws, l->out.links);
        ny -= nv->v[k].h;
      }
    }
  }
  /* running head: the title on left (even) pages, the chapter's or section's title on right
   * (odd) pages; none on a page that opens a book's chapter */
  const char *running = l->doc->chapters[l->book ? info->chapter : section].title;
  if (!opens || !l->book) {
    const char *head = (body_no % 2 == 0 || !running) ? l->doc->meta.title : running;
    if (head) {
      /* long titles are cut at a word with an ellipsis to fit the head line */
      /* room past the text: the ellipsis (3 bytes + NUL) may be written after the last space
       * of a title cut at 255 bytes (found by the fuzz replay under ASan) */
      char buf[256 + 8];
      (void)snprintf(buf, 256, "%s", head);
      while (lo_text_width(l, TB_FACE_ITALIC, HEAD_SIZE_PT, buf, strlen(buf)) > l->text_w &&
             strlen(buf) > 4) {
        char *sp = strrchr(buf, ' ');
        if (!sp || sp == buf)
          sp = buf + strlen(buf) - 4;
        while (sp > buf && tb_utf8_is_cont((unsigned char)*sp))
          sp--;
        memcpy(sp, "\xE2\x80\xA6", 4);
        if (lo_text_width(l, TB_FACE_ITALIC, HEAD_SIZE_PT, buf, strlen(buf)) <= l->text_w)
          break;
        *sp = 0;
      }
      lo_add_centered(p, l, 0, TB_FACE_ITALIC, HEAD_SIZE_PT, l->g.h - l->g.top + 22.0f, buf, 0.25f);
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
  lo_add_centered(p, l, 0, TB_FACE_REGULAR, 9.0f, bottom - 30.0f, info->label, 0);
}

/* The one page-breaking loop, for the body (a chapter's list) and the front matter (the
 * contents). Glue and page breaks at the top of a page are dropped, except on the front
 * matter's first page (the space above the contents' title). Each body page records where its
 * headings are and gets its furniture; front pages get theirs when they are put in front. */
size_t lo_paginate(L *l, const vlist *vl, lo_pages kind, bool partial) {
  float top = l->g.h - l->g.top;
  bool body = kind == LO_PAGES_BODY;
  size_t first_page = l->lo->npages;
  size_t i = 0;
  while (i < vl->n) {
    if (body || l->lo->npages > first_page)
      while (i < vl->n && vl->v[i].kind != VB_CONTENT)
        i++;
    if (i >= vl->n)
      break;
    pagebuild pb;
    fill_page(l, vl, i, &pb);
    if (partial && !pb.final)
      return i; /* the rest waits for what follows it */
    tb_page *p = lo_new_page(l);
    size_t pi = l->lo->npages - 1;
    float cur = 0;
    for (size_t j = pb.v0; j < pb.v1; j++) {
      const vbox *b = &vl->v[j];
      if (b->kind == VB_PAGEBREAK)
        continue;
      if (body && b->heading >= 0) {
        l->lo->heading_page[b->heading] = (int)pi;
        l->lo->heading_y[b->heading] = top - cur + 4.0f;
      }
      lo_place_box(l, p, b, top - cur, l->out.draws, l->out.links);
      cur += b->h;
    }
    if (body)
      finish_body_page(l, p, pi, vl, &pb);
    i = pb.v1;
  }
  return vl->n;
}
