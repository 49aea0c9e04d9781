// layout.c -- the model laid out into pages: the entry point. Footnotes first, then the body a
// chapter at a time (blocks.c sets it, paginate.c breaks it into pages), then the front matter
// (front.c); the papers and the layout's lifetime. No libharu here: layout_int.h lists the files.
#include "layout/layout.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout/layout_int.h"

/* Margins proportioned to the size (about 1/9 of the width at the sides). */
static const paper_geom papers[] = {
    [TB_PAPER_A4] = {"A4", 595.276f, 841.89f, 82.0f, 82.0f, 84.0f, 92.0f},
    [TB_PAPER_A5] = {"A5", 419.528f, 595.276f, 50.0f, 50.0f, 56.0f, 62.0f},
    [TB_PAPER_LETTER] = {"Letter", 612.0f, 792.0f, 76.0f, 76.0f, 76.0f, 82.0f},
};

int tb_paper_parse(const char *name) {
  if (!strcasecmp(name, "a4"))
    return TB_PAPER_A4;
  if (!strcasecmp(name, "a5"))
    return TB_PAPER_A5;
  if (!strcasecmp(name, "letter"))
    return TB_PAPER_LETTER;
  return -1;
}

const char *tb_paper_name(tb_paper p) { return papers[p].name; }

/* Tells opts->on_pages about the body pages made since the last call (the front matter comes
 * later and is never reported: body pages are still at the front of lo->info). */
static void report_pages(L *l, size_t chapters_done, size_t *reported) {
  if (!l->opts->on_pages)
    return;
  tb_layout *lo = l->lo;
  l->opts->on_pages(l->opts->on_pages_ctx, chapters_done, lo->info + *reported, lo->npages - *reported);
  *reported = lo->npages;
}

/* Drops the first `used` boxes of the vertical list (their pages are made) with their draws,
 * links and footnote references: the scratch arrays keep their first keep_* entries (the
 * footnotes') and what the remaining boxes point at, moved down. */
static void drop_boxes(L *l, size_t used, size_t keep_draws, size_t keep_links, size_t keep_refs) {
  if (used == 0)
    return;
  vlist *vl = &l->vl;
  size_t d = l->out.ndraws, k = l->out.nlinks, f = l->out.nfnrefs;
  for (size_t j = used; j < vl->n; j++) {
    if (vl->v[j].d0 < d)
      d = vl->v[j].d0;
    if (vl->v[j].l0 < k)
      k = vl->v[j].l0;
    if (vl->v[j].f0 < f)
      f = vl->v[j].f0;
  }
  if (d > keep_draws)
    memmove(l->out.draws + keep_draws, l->out.draws + d, (l->out.ndraws - d) * sizeof *l->out.draws);
  if (k > keep_links)
    memmove(l->out.links + keep_links, l->out.links + k, (l->out.nlinks - k) * sizeof *l->out.links);
  if (f > keep_refs)
    memmove(l->out.fnrefs + keep_refs, l->out.fnrefs + f, (l->out.nfnrefs - f) * sizeof *l->out.fnrefs);
  l->out.ndraws -= d - keep_draws;
  l->out.nlinks -= k - keep_links;
  l->out.nfnrefs -= f - keep_refs;
  memmove(vl->v, vl->v + used, (vl->n - used) * sizeof *vl->v);
  vl->n -= used;
  for (size_t j = 0; j < vl->n; j++) {
    vbox *b = &vl->v[j];
    b->d0 -= d - keep_draws;
    b->d1 -= d - keep_draws;
    b->l0 -= k - keep_links;
    b->l1 -= k - keep_links;
    b->f0 -= f - keep_refs;
    b->f1 -= f - keep_refs;
  }
}

tb_layout *tb_layout_new(const tb_doc *doc, const tb_fonts *fonts, const tb_layout_opts *opts,
                         tb_error *err) {
  (void)err; /* nothing here fails: see layout.h */
  tb_layout *lo = tb_xcalloc(1, sizeof *lo);
  lo->space_hist = tb_xcalloc(TB_SPACE_BINS + 1, sizeof *lo->space_hist);
  L l = {0};
  l.doc = doc;
  l.fonts = fonts;
  l.lo = lo;
  l.opts = opts;
  l.g = papers[opts->paper];
  l.book = tb_doc_is_book(doc);
  l.text_w = l.g.w - l.g.inner - l.g.outer;
  l.text_h = l.g.h - l.g.top - l.g.bottom;
  l.frame.width = l.text_w;
  l.next.heading = -1;
  l.at.lang = doc->meta.lang;
  l.at.source = doc->nchapters ? doc->chapters[0].source : NULL;
  l.at.warned = tb_xcalloc(65536 / 8 + 1, 1);
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
  lo_new_elem(&l, TB_ROLE_NONE, 0);
  lo_new_elem(&l, TB_ROLE_DOCUMENT, 0);

  /* 1. footnotes, then the body, chapter by chapter. A book's chapters each open a new page, so
   *    each is laid out and paginated on its own and its scratch boxes are dropped before the
   *    next: memory holds the pages and one chapter's boxes, not the whole book's twice. An
   *    article's sections flow from one to the next: after each, the pages that are final are
   *    made and their boxes dropped; the last page's boxes wait for the next section. */
  lo_layout_notes(&l);
  lo_shift_x(&l, 0, 0, l.g.inner);
  size_t keep_draws = l.out.ndraws, keep_links = l.out.nlinks, keep_refs = l.out.nfnrefs;
  size_t mark_draws = keep_draws, mark_links = keep_links; /* draws not yet shifted */
  size_t reported = 0;                                     /* body pages told to opts->on_pages */
  for (size_t c = 0; c < doc->nchapters; c++) {
    l.at.chapter = (int)c;
    l.at.lang = doc->chapters[c].lang ? doc->chapters[c].lang : doc->meta.lang;
    l.at.source = doc->chapters[c].source;
    l.next.opens_chapter = true;
    /* each chapter a Sect, with its language where it has one of its own */
    l.cur_elem = lo_new_elem(&l, TB_ROLE_SECT, 1);
    if (doc->chapters[c].lang && doc->meta.lang && strcmp(doc->chapters[c].lang, doc->meta.lang) != 0)
      lo_set_elem_attr(&l, l.cur_elem, NULL, doc->chapters[c].lang);
    lo_layout_blocks(&l, doc->chapters[c].root->first);
    l.cur_elem = 0;
    l.next.marker = NULL;
    /* the text block's left edge: the chapter's draws are relative to it so far */
    lo_shift_x(&l, mark_draws, mark_links, l.g.inner);
    if (!l.book && c + 1 < doc->nchapters) {
      /* the article's next section follows on the same page: the pages that are final leave,
       * the boxes of the last one stay for the next section to fill it */
      size_t used = lo_paginate(&l, &l.vl, LO_PAGES_BODY, true);
      drop_boxes(&l, used, keep_draws, keep_links, keep_refs);
      mark_draws = l.out.ndraws;
      mark_links = l.out.nlinks;
      size_t done = c + 1; /* the pages to come begin in the first chapter with content left */
      for (size_t j = 0; j < l.vl.n; j++)
        if (l.vl.v[j].kind == VB_CONTENT) {
          done = (size_t)l.vl.v[j].chapter;
          break;
        }
      if (lo->npages > 0)
        report_pages(&l, done, &reported);
      continue;
    }
    l.next.keep_prev = false;
    l.next.keep_lines = 0;
    (void)lo_paginate(&l, &l.vl, LO_PAGES_BODY, false);
    l.vl.n = 0;
    l.out.ndraws = mark_draws = keep_draws;
    l.out.nlinks = mark_links = keep_links;
    l.out.nfnrefs = keep_refs;
    /* Not before the first page: a book whose chapters make none gets one below, in chapter 0. */
    if (lo->npages > 0)
      report_pages(&l, c + 1, &reported);
  }
  if (lo->npages == 0) {
    lo_new_page(&l);
    lo->info[0].label = "1";
    lo->info[0].body = true;
    lo->info[0].chapter = 0;
    lo->info[0].node = doc->nchapters ? doc->chapters[0].root : NULL;
  }
  report_pages(&l, doc->nchapters, &reported);

  lo_anchors_placed(&l);
  /* 2. the title page and the contents in front of the body */
  lo_front_matter(&l);

  /* cleanup of the scratch state */
  for (size_t k = 0; k < l.notes.n; k++)
    free(l.notes.lists[k].v);
  free(l.notes.lists);
  free(l.notes.elems);
  lo_words_free(&l.words);
  free(l.vl.v);
  free(l.out.draws);
  free(l.out.links);
  free(l.out.fnrefs);
  free(l.para.items);
  free(l.para.boxes);
  free(l.para.images);
  free(l.at.warned);
  free(l.anchor_lead);
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
