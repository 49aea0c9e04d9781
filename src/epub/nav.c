// nav.c -- the navigation document (toc, landmarks, page-list) and its EPUB 2 twin, toc.ncx, from
// what the chapters wrote.
#include "epub/epub_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epub/xml.h"
#include "util/i18n.h"

/* Headings deeper than this stay out of the toc (nav and ncx alike). */
#define TOC_MAX_LEVEL 3

typedef struct entry {
  const char *label;
  char *href;
  int depth; /* nesting, 0 = top */
  long seq;  /* reading-order position of the target */
} entry;

typedef struct entries {
  entry *v;
  size_t n, cap;
} entries;

static void add(entries *e, const char *label, char *href, int depth, long seq) {
  tb_grow(&e->v, &e->cap, e->n + 1, sizeof *e->v);
  e->v[e->n++] = (entry){label, href, depth, seq};
}

static char *href_of(size_t chapter, const char *id) {
  char name[TB_EPUB_NAME_MAX];
  tb_epub_chapter_name(chapter, name);
  tb_buf h = {0};
  tb_buf_puts(&h, name);
  if (id) {
    tb_buf_putc(&h, '#');
    tb_buf_puts(&h, id);
  }
  return tb_buf_detach(&h, NULL);
}

static void entries_free(entries *e) {
  for (size_t i = 0; i < e->n; i++)
    free(e->v[i].href);
  free(e->v);
  memset(e, 0, sizeof *e);
}

/* The toc: each chapter's headings to level 3, in order, nested by level (a skipped level nests
 * one step, never more); a titled chapter without such headings appears once, by its title. Only
 * headings the chapters actually wrote are listed, so every link has its target. */
static void toc_entries(const tb_epub_written *w, entries *e) {
  const tb_epub_book *b = w->book;
  const tb_doc *doc = b->doc;
  int stack[TOC_MAX_LEVEL + 1];
  int ns = 0;
  /* the headings grouped by chapter, in order (a counting sort: one pass, not one per chapter) */
  size_t *start = tb_xcalloc(doc->nchapters + 2, sizeof *start);
  size_t *order = tb_xmalloc((doc->nheadings + 1) * sizeof *order);
  for (size_t hi = 0; hi < doc->nheadings; hi++)
    if (doc->headings[hi].chapter >= 0 && (size_t)doc->headings[hi].chapter < doc->nchapters)
      start[doc->headings[hi].chapter + 1]++;
  for (size_t ci = 0; ci < doc->nchapters; ci++)
    start[ci + 1] += start[ci];
  size_t *fill = tb_xmalloc((doc->nchapters + 1) * sizeof *fill);
  memcpy(fill, start, (doc->nchapters + 1) * sizeof *fill);
  for (size_t hi = 0; hi < doc->nheadings; hi++)
    if (doc->headings[hi].chapter >= 0 && (size_t)doc->headings[hi].chapter < doc->nchapters)
      order[fill[doc->headings[hi].chapter]++] = hi;
  free(fill);
  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    bool any = false;
    /* an empty heading is listed as an em dash, as in the PDF's contents */
    for (size_t k = start[ci]; k < start[ci + 1]; k++) {
      size_t hi = order[k];
      const tb_heading *h = &doc->headings[hi];
      if (h->level < 1 || h->level > TOC_MAX_LEVEL || w->heading_seq[hi] < 0 || b->heading_chapter[hi] < 0)
        continue;
      while (ns > 0 && stack[ns - 1] >= h->level)
        ns--;
      add(e, tb_epub_has_text(h->text) ? h->text : "\xE2\x80\x94",
          href_of((size_t)b->heading_chapter[hi], h->id), ns, w->heading_seq[hi]);
      stack[ns++] = h->level;
      any = true;
    }
    /* A titled chapter without listed headings appears by its title. The untitled opening
     * of a single-file article (the text before its first heading) is not listed: the toc
     * lists the headings, as the PDF's contents does; the bodymatter landmark leads to it. */
    const char *t = doc->chapters[ci].title;
    if (!any && tb_epub_has_text(t)) {
      ns = 0;
      add(e, t, href_of(ci, NULL), 0, w->chapter_seq[ci]);
      stack[ns++] = 1;
    }
  }
  free(start);
  free(order);
  if (e->n == 0) /* no chapters: the list may not be empty */
    add(e, tb_i18n(b->lang, TB_STR_TITLE_PAGE), tb_xstrdup("titlepage.xhtml"), 0, -1);
}

/* The page-list: every body page, at its marker. A page whose marker could not be written (its
 * node is shown nowhere) points where the previous entry does when that is in its chapter, else
 * at its chapter's start, so the list stays in reading order (EPUBCheck NAV-011). */
static void page_entries(const tb_epub_written *w, entries *e) {
  const tb_epub_book *b = w->book;
  int prev_ch = -1;
  for (size_t i = 0; i < b->nbody; i++) {
    const tb_epub_page *pg = &b->pages[i];
    int ch = w->page_chapter[i];
    if (ch >= 0) {
      add(e, pg->label, href_of((size_t)ch, pg->id), 0, w->page_seq[i]);
    } else {
      ch = pg->home;
      if (ch < 0 || (size_t)ch >= b->doc->nchapters)
        continue;
      if (ch == prev_ch && e->n > 0) {
        const entry *last = &e->v[e->n - 1];
        add(e, pg->label, tb_xstrdup(last->href), 0, last->seq);
      } else {
        add(e, pg->label, href_of((size_t)ch, NULL), 0, w->chapter_seq[ch]);
      }
    }
    prev_ch = ch;
  }
}

static void put_link(tb_buf *o, const char *type, const char *href, const char *label) {
  tb_buf_puts(o, "<a");
  if (type)
    tb_buf_printf(o, " epub:type=\"%s\"", type);
  tb_buf_puts(o, " href=\"");
  tb_epub_escape_str(o, href);
  tb_buf_puts(o, "\">");
  tb_epub_escape_str(o, label);
  tb_buf_puts(o, "</a>");
}

void tb_epub_nav(const tb_epub_written *w, tb_buf *out) {
  const tb_epub_book *b = w->book;
  const tb_doc *doc = b->doc;
  const char *lang = b->lang;
  entries toc = {0}, pages = {0};
  toc_entries(w, &toc);
  page_entries(w, &pages);

  tb_epub_xhtml_open(out, lang, tb_i18n(lang, TB_STR_CONTENTS), /*epub_ns*/ true);
  tb_buf_puts(out, ">\n<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n"
                   "<h1 id=\"toc-title\">");
  tb_epub_escape_str(out, tb_i18n(lang, TB_STR_CONTENTS));
  tb_buf_puts(out, "</h1>\n<ol>\n");
  int cur = 0;
  for (size_t i = 0; i < toc.n; i++) {
    int d = toc.v[i].depth;
    if (i == 0)
      tb_buf_puts(out, "<li>");
    else if (d > cur)
      tb_buf_puts(out, "\n<ol>\n<li>"); /* d == cur + 1 by construction */
    else {
      tb_buf_puts(out, "</li>\n");
      for (int k = cur; k > d; k--)
        tb_buf_puts(out, "</ol>\n</li>\n");
      tb_buf_puts(out, "<li>");
    }
    put_link(out, NULL, toc.v[i].href, toc.v[i].label);
    cur = d;
  }
  tb_buf_puts(out, "</li>\n");
  for (int k = cur; k > 0; k--)
    tb_buf_puts(out, "</ol>\n</li>\n");
  tb_buf_puts(out, "</ol>\n</nav>\n");

  /* Landmarks point only into the spine. */
  tb_buf_puts(out, "<nav epub:type=\"landmarks\" id=\"landmarks\" aria-labelledby=\"landmarks-title\" "
                   "hidden=\"hidden\">\n<h2 id=\"landmarks-title\">");
  tb_epub_escape_str(out, tb_i18n(lang, TB_STR_LANDMARKS));
  tb_buf_puts(out, "</h2>\n<ol>\n<li>");
  put_link(out, "cover", "cover.xhtml", tb_i18n(lang, TB_STR_COVER));
  tb_buf_puts(out, "</li>\n<li>");
  put_link(out, "titlepage", "titlepage.xhtml", tb_i18n(lang, TB_STR_TITLE_PAGE));
  tb_buf_puts(out, "</li>\n<li>");
  put_link(out, "toc", "nav.xhtml#toc", tb_i18n(lang, TB_STR_CONTENTS));
  tb_buf_puts(out, "</li>\n");
  if (doc->nchapters > 0) {
    tb_buf_puts(out, "<li>");
    put_link(out, "bodymatter", "chapter-001.xhtml", tb_i18n(lang, TB_STR_BODY));
    tb_buf_puts(out, "</li>\n");
  }
  tb_buf_puts(out, "</ol>\n</nav>\n");

  if (pages.n > 0) {
    tb_buf_puts(out, "<nav epub:type=\"page-list\" role=\"doc-pagelist\" id=\"page-list\" "
                     "aria-labelledby=\"page-list-title\" hidden=\"hidden\">\n<h2 id=\"page-list-title\">");
    tb_epub_escape_str(out, tb_i18n(lang, TB_STR_PAGE_LIST));
    tb_buf_puts(out, "</h2>\n<ol>\n");
    for (size_t i = 0; i < pages.n; i++) {
      tb_buf_puts(out, "<li>");
      put_link(out, NULL, pages.v[i].href, pages.v[i].label);
      tb_buf_puts(out, "</li>\n");
    }
    tb_buf_puts(out, "</ol>\n</nav>\n");
  }
  tb_buf_puts(out, "</body>\n</html>\n");
  entries_free(&toc);
  entries_free(&pages);
}

/* ---- toc.ncx ---- */

typedef struct target {
  const entry *e;
  size_t order; /* index in toc then page order, to keep the sort stable */
  int play;
} target;

static int cmp_target(const void *pa, const void *pb) {
  const target *a = pa, *b = pb;
  if (a->e->seq != b->e->seq)
    return a->e->seq < b->e->seq ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

/* A page number for value="": the label when it is a positive integer, else 0. */
static long label_number(const char *s) {
  long v = 0;
  if (!s || !*s)
    return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > 100000000L)
      return 0;
    v = v * 10 + (*s - '0');
  }
  return v;
}

static void ncx_label(tb_buf *o, const char *text) {
  tb_buf_puts(o, "<navLabel><text>");
  tb_epub_escape_str(o, text);
  tb_buf_puts(o, "</text></navLabel>");
}

void tb_epub_ncx(const tb_epub_written *w, tb_buf *out) {
  const tb_epub_book *b = w->book;
  const tb_doc *doc = b->doc;
  entries toc = {0}, pages = {0};
  toc_entries(w, &toc);
  page_entries(w, &pages);

  /* playOrder follows reading order over navPoints and pageTargets together; entries with the
   * same target share a number. */
  size_t nt = toc.n + pages.n;
  target *t = tb_xcalloc(nt ? nt : 1, sizeof *t);
  for (size_t i = 0; i < toc.n; i++)
    t[i] = (target){&toc.v[i], i, 0};
  for (size_t i = 0; i < pages.n; i++)
    t[toc.n + i] = (target){&pages.v[i], toc.n + i, 0};
  qsort(t, nt, sizeof *t, cmp_target);
  int *play = tb_xcalloc(nt ? nt : 1, sizeof *play); /* by order */
  int p = 0;
  for (size_t i = 0; i < nt; i++) {
    if (i == 0 || strcmp(t[i].e->href, t[i - 1].e->href) != 0)
      p++;
    play[t[i].order] = p;
  }

  int depth = 1;
  for (size_t i = 0; i < toc.n; i++)
    if (toc.v[i].depth + 1 > depth)
      depth = toc.v[i].depth + 1;
  long maxpage = 0;
  for (size_t i = 0; i < pages.n; i++) {
    long v = label_number(pages.v[i].label);
    if (v > maxpage)
      maxpage = v;
  }

  tb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"");
  tb_epub_escape_str(out, b->lang);
  tb_buf_puts(out, "\">\n<head>\n<meta name=\"dtb:uid\" content=\"");
  tb_epub_escape_str(out, doc->uuid);
  tb_buf_printf(out,
                "\"/>\n<meta name=\"dtb:depth\" content=\"%d\"/>\n"
                "<meta name=\"dtb:totalPageCount\" content=\"%zu\"/>\n"
                "<meta name=\"dtb:maxPageNumber\" content=\"%ld\"/>\n</head>\n<docTitle><text>",
                depth, pages.n, maxpage);
  tb_epub_escape_str(out, b->title);
  tb_buf_puts(out, "</text></docTitle>\n");
  for (size_t i = 0; i < doc->meta.nauthors; i++) {
    if (!tb_epub_has_text(doc->meta.authors[i]))
      continue;
    tb_buf_puts(out, "<docAuthor><text>");
    tb_epub_escape_str(out, doc->meta.authors[i]);
    tb_buf_puts(out, "</text></docAuthor>\n");
  }

  tb_buf_puts(out, "<navMap>\n");
  int cur = 0;
  for (size_t i = 0; i < toc.n; i++) {
    int d = toc.v[i].depth;
    if (i > 0)
      for (int k = cur; k >= d; k--)
        tb_buf_puts(out, "</navPoint>\n");
    tb_buf_printf(out, "<navPoint id=\"navpoint-%zu\" playOrder=\"%d\">", i + 1, play[i]);
    ncx_label(out, toc.v[i].label);
    tb_buf_puts(out, "<content src=\"");
    tb_epub_escape_str(out, toc.v[i].href);
    tb_buf_puts(out, "\"/>\n");
    cur = d;
  }
  for (int k = cur; k >= 0; k--)
    tb_buf_puts(out, "</navPoint>\n");
  tb_buf_puts(out, "</navMap>\n");

  if (pages.n > 0) {
    tb_buf_puts(out, "<pageList>\n");
    ncx_label(out, tb_i18n(b->lang, TB_STR_PAGE_LIST));
    tb_buf_putc(out, '\n');
    for (size_t i = 0; i < pages.n; i++) {
      tb_buf_printf(out, "<pageTarget id=\"pagetarget-%zu\" type=\"normal\"", i + 1);
      long v = label_number(pages.v[i].label);
      if (v > 0)
        tb_buf_printf(out, " value=\"%ld\"", v);
      tb_buf_printf(out, " playOrder=\"%d\">", play[toc.n + i]);
      ncx_label(out, pages.v[i].label);
      tb_buf_puts(out, "<content src=\"");
      tb_epub_escape_str(out, pages.v[i].href);
      tb_buf_puts(out, "\"/></pageTarget>\n");
    }
    tb_buf_puts(out, "</pageList>\n");
  }
  tb_buf_puts(out, "</ncx>\n");
  free(play);
  free(t);
  entries_free(&toc);
  entries_free(&pages);
}
