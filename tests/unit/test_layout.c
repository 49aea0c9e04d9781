// test_layout.c -- the layout with the shipped fonts: margins, page starts, contents numbers,
// headings kept with their text, word spacing, long words, paper sizes.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/load.h"
#include "layout/layout.h"

#ifndef TB_TEST_ASSETS_DIR
#define TB_TEST_ASSETS_DIR "assets"
#endif

static tb_fonts fonts;

static int setup(void **state) {
  (void)state;
  tb_error err;
  tb_error_clear(&err);
  return tb_fonts_load(&fonts, TB_TEST_ASSETS_DIR, &err);
}

static int teardown(void **state) {
  (void)state;
  tb_fonts_free(&fonts);
  return 0;
}

/* The width a text draw paints, to the end of its last glyph that is not a trailing space:
 * its glyphs' advances plus word_space after each space inside it (what the PDF's TJ adds). */
static float draw_width(const tb_draw *d) {
  long w = 0;
  size_t n = d->len;
  while (n && d->text[n - 1] == ' ')
    n--;
  int spaces = 0;
  for (size_t i = 0; i < n;) {
    size_t k;
    uint32_t cp = tb_utf8_decode(d->text + i, n - i, &k);
    i += k;
    w += tb_font_advance(&fonts.face[d->face], cp);
    spaces += cp == ' ';
  }
  return (float)w * d->size / 1000.0f + (float)spaces * d->word_space;
}

typedef struct laid {
  tb_doc *doc;
  tb_layout *lo;
} laid;

static laid lay(const char *src, tb_paper paper) {
  tb_error err;
  tb_error_clear(&err);
  laid r = {0};
  r.doc = tb_load_memory("t.md", NULL, src, strlen(src), &err);
  assert_non_null(r.doc);
  tb_layout_opts o = {paper, TB_TEST_ASSETS_DIR, false, NULL, NULL};
  r.lo = tb_layout_new(r.doc, &fonts, &o, &err);
  assert_non_null(r.lo);
  return r;
}

static void unlay(laid *r) {
  tb_layout_free(r->lo);
  tb_doc_free(r->doc);
}

/* Every glyph inside the page's text block (running heads and footers included). */
static void assert_inside_margins(const tb_layout *lo) {
  for (size_t p = 0; p < lo->npages; p++)
    for (size_t k = 0; k < lo->pages[p].ndraws; k++) {
      const tb_draw *d = &lo->pages[p].draws[k];
      if (d->kind != TB_DRAW_TEXT)
        continue;
      float right = d->x + draw_width(d);
      /* the width the layout recorded (what tables and the contents align by) is what the
       * glyphs and the word spacing add up to */
      if (fabsf(d->w - draw_width(d)) > 0.01f)
        fail_msg("page %zu: '%.*s': width %.3f recorded, %.3f drawn", p + 1, (int)d->len, d->text, d->w,
                 draw_width(d));
      if (d->x < lo->text_x0 - 0.01f || right > lo->text_x1 + 0.05f || d->y < 20 || d->y > lo->page_h - 20)
        fail_msg("page %zu: '%.*s' at %.1f..%.1f, y %.1f is outside the page's text area", p + 1, (int)d->len,
                 d->text, d->x, right, d->y);
    }
}

static char *article(void) {
  FILE *f = fopen(TB_TEST_SOURCE_DIR "/source/pemasar-digital.md", "rb");
  assert_non_null(f);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  return buf;
}

static void test_article_pages_and_contents(void **state) {
  (void)state;
  laid r = lay(article(), TB_PAPER_A4);
  const tb_layout *lo = r.lo;
  /* an article: its title and its contents share page i, the body begins on page 1 */
  assert_int_equal(lo->nfront, 1);
  assert_string_equal(lo->info[0].label, "i");
  assert_string_equal(lo->info[1].label, "1");
  for (size_t h = 0; h < r.doc->nheadings; h++) {
    int pg = lo->heading_page[h];
    assert_true(pg >= (int)lo->nfront);
    /* the contents page shows the label of the heading's page */
    const char *label = lo->info[pg].label;
    bool found = false;
    const tb_page *cp = &lo->pages[0];
    for (size_t k = 0; k + 1 < cp->ndraws; k++)
      /* entries are drawn word by word: find the entry's first word, then its number */
      if (cp->draws[k].kind == TB_DRAW_TEXT && cp->draws[k].len > 1 &&
          !strncmp(cp->draws[k].text, r.doc->headings[h].text, cp->draws[k].len - 1))
        for (size_t q = k + 1; q < cp->ndraws && q < k + 12; q++)
          if (cp->draws[q].len == strlen(label) && !memcmp(cp->draws[q].text, label, cp->draws[q].len))
            found = true;
    if (!found)
      fail_msg("contents entry of '%s' does not show page %s", r.doc->headings[h].text, label);
  }
  assert_inside_margins(lo);
  unlay(&r);
}

static void test_page_starts_are_word_starts(void **state) {
  (void)state;
  laid r = lay(article(), TB_PAPER_A5);
  const tb_layout *lo = r.lo;
  size_t body = 0;
  for (size_t p = 0; p < lo->npages; p++) {
    const tb_page_info *pi = &lo->info[p];
    if (!pi->body)
      continue;
    body++;
    assert_non_null(pi->node);
    if (pi->node->literal && pi->offset > 0) {
      char before = pi->node->literal[pi->offset - 1];
      if (!(before == ' ' || before == '\n' || before == '\t'))
        fail_msg("page %s begins inside a word: '...%.10s|%.10s'", pi->label,
                 pi->node->literal + (pi->offset > 10 ? pi->offset - 10 : 0), pi->node->literal + pi->offset);
    }
  }
  laid a4 = lay(article(), TB_PAPER_A4);
  assert_true(body > a4.lo->npages - a4.lo->nfront); /* A5 needs more pages than A4 */
  unlay(&a4);
  unlay(&r);
}

static void test_word_spacing_sane(void **state) {
  (void)state;
  laid r = lay(article(), TB_PAPER_A4);
  const tb_layout *lo = r.lo;
  assert_true(lo->nspaces > 100);
  size_t counted = 0, mid = 0;
  for (size_t b = 0; b <= TB_SPACE_BINS; b++) {
    counted += lo->space_hist[b];
    if (b > 900 && b < 1300)
      mid += lo->space_hist[b];
  }
  assert_int_equal(counted, lo->nspaces);
  assert_true(lo->space_max <= 2.0f);
  assert_true(lo->space_hist[TB_SPACE_BINS] == 0);
  assert_true(mid * 2 > lo->nspaces); /* the median lies in 0.9..1.3 */
  float med = tb_layout_space_median(lo);
  assert_true(med > 0.9f && med < 1.3f);
  unlay(&r);
}

static void test_long_word_is_broken_inside_margins(void **state) {
  (void)state;
  char *src = malloc(40000);
  strcpy(src, "---\ntitle: Long\nlang: en\n---\n\nStart ");
  size_t n = strlen(src);
  for (int i = 0; i < 20000; i++)
    src[n++] = (char)('a' + i % 26);
  strcpy(src + n,
         " end, and https://example.com/a/very/long/path/that/goes/on/and/on/and/on/and/on/forever/ok.\n");
  laid r = lay(src, TB_PAPER_A4);
  assert_true(r.lo->npages > 3);
  assert_inside_margins(r.lo);
  unlay(&r);
  free(src);
}

static void test_heading_never_last_on_page(void **state) {
  (void)state;
  /* many short sections: some heading would fall at a page foot without keep-with-next */
  char *src = malloc(200000);
  strcpy(src, "---\ntitle: Many\nlang: en\n---\n\n# Chapter\n\n");
  for (int i = 0; i < 120; i++)
    sprintf(src + strlen(src),
            "## Section %d\n\nA paragraph of several words that runs over two lines at least, "
            "so that it can be split, and a second sentence to make it longer still.\n\n",
            i);
  laid r = lay(src, TB_PAPER_A5);
  const tb_layout *lo = r.lo;
  for (size_t h = 0; h < r.doc->nheadings; h++) {
    int pg = lo->heading_page[h];
    /* something must follow the heading on its page: a text draw below the heading's y */
    float hy = lo->heading_y[h];
    int below = 0;
    for (size_t k = 0; k < lo->pages[pg].ndraws; k++) {
      const tb_draw *d = &lo->pages[pg].draws[k];
      if (d->kind == TB_DRAW_TEXT && d->y < hy - 30 && d->y > 80)
        below++;
    }
    if (below < 2)
      fail_msg("heading '%s' ends page %s", r.doc->headings[h].text, lo->info[pg].label);
  }
  assert_inside_margins(lo);
  unlay(&r);
  free(src);
}

/* The lowest baseline of body text on page p (the folio left out), PDF y. */
static float lowest_text(const tb_layout *lo, size_t p) {
  float low = lo->page_h;
  for (size_t k = 0; k < lo->pages[p].ndraws; k++) {
    const tb_draw *d = &lo->pages[p].draws[k];
    if (d->kind == TB_DRAW_TEXT && d->size > 9.5f && d->y < low)
      low = d->y;
  }
  return low;
}

/* Whether heading h is the first thing on its page (nothing drawn above it but the head). */
static bool heading_opens_page(const tb_layout *lo, size_t h) {
  int pg = lo->heading_page[h];
  for (size_t k = 0; k < lo->pages[pg].ndraws; k++) {
    const tb_draw *d = &lo->pages[pg].draws[k];
    if (d->kind == TB_DRAW_TEXT && d->size > 9.5f && d->y > lo->heading_y[h] + 1.0f)
      return false;
  }
  return true;
}

/* The generated sections of the classes' tests: `marks` before each title, paragraphs of
 * varying lengths (a fixed sequence), so that headings fall at every height of a page. */
static char *sections(const char *front, const char *marks, int n) {
  char *src = malloc(400000);
  strcpy(src, front);
  unsigned seed = 13;
  for (int i = 0; i < n; i++) {
    sprintf(src + strlen(src), "%s Section %d\n\n", marks, i + 1);
    int paras = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 4;
    for (int p = 0; p < paras; p++) {
      int words = 20 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 90;
      for (int w = 0; w < words; w++)
        strcat(src, w % 7 == 3 ? "valley " : w % 5 == 1 ? "fishermen " : "the river ");
      strcat(src, "end.\n\n");
    }
  }
  return src;
}

/* An article's sections flow: a section heading opens a page only where the page before had
 * no room for it and two lines of what follows; at most one body page besides the last ends
 * in its top half. */
static void test_article_sections_flow(void **state) {
  (void)state;
  char *src = sections("---\ntitle: Flow\nlang: en\n---\n\n", "##", 36);
  laid r = lay(src, TB_PAPER_A4);
  const tb_layout *lo = r.lo;
  assert_int_equal(r.doc->nchapters, 36); /* one per section (the EPUB's documents) */
  assert_true(lo->npages - lo->nfront < 30);
  int opened = 0, short_pages = 0;
  float bottom = 92.0f; /* A4's bottom margin */
  for (size_t h = 0; h < r.doc->nheadings; h++) {
    int pg = lo->heading_page[h];
    if (!heading_opens_page(lo, h) || pg == (int)lo->nfront)
      continue;
    opened++;
    float room = lowest_text(lo, (size_t)pg - 1) - bottom;
    if (room > 80.0f)
      fail_msg("'%s' opens page %s with %.0f pt free on the page before", r.doc->headings[h].text,
               lo->info[pg].label, room);
  }
  for (size_t p = lo->nfront; p + 1 < lo->npages; p++)
    short_pages += lowest_text(lo, p) > lo->page_h / 2;
  assert_true(short_pages <= 1);
  assert_true(opened < 36 / 4); /* most flow */
  assert_inside_margins(lo);
  unlay(&r);
  free(src);
}

/* A book opens each chapter on a page, the same sections as '#' chapters or class: book. */
static void test_book_chapters_open_pages(void **state) {
  (void)state;
  const char *fronts[] = {"---\ntitle: Book\nlang: en\n---\n\n",
                          "---\ntitle: Book\nlang: en\nclass: book\n---\n\n"};
  const char *marks[] = {"#", "##"};
  for (int k = 0; k < 2; k++) {
    char *src = sections(fronts[k], marks[k], 12);
    laid r = lay(src, TB_PAPER_A5);
    for (size_t c = 0; c < r.doc->nchapters; c++) {
      int h = r.doc->chapters[c].heading;
      assert_true(h >= 0);
      assert_true(heading_opens_page(r.lo, (size_t)h));
      assert_true(r.lo->heading_page[h] > 0 && r.lo->info[r.lo->heading_page[h] - 1].chapter != (int)c);
    }
    assert_int_equal(r.lo->nfront, 2); /* a title page, then the contents */
    unlay(&r);
    free(src);
  }
  /* two '#' chapters in one file make a book by default */
  laid b = lay("---\ntitle: B\n---\n# One\n\ntext\n\n# Two\n\ntext\n", TB_PAPER_A4);
  assert_true(tb_doc_is_book(b.doc));
  assert_int_equal(b.lo->npages, 4); /* title, contents, a page per chapter */
  unlay(&b);
  /* class: article keeps two '#' chapters flowing */
  laid r = lay("---\ntitle: A\nclass: article\n---\n# One\n\ntext\n\n# Two\n\ntext\n", TB_PAPER_A4);
  assert_int_equal(r.lo->npages, 2);
  unlay(&r);
}

/* The stranded-heading rule: wherever a heading falls, at least two lines of what follows it
 * are on its page (here single-line list items, which no orphan rule keeps together). */
static void test_heading_keeps_two_lines(void **state) {
  (void)state;
  for (int fill = 30; fill < 60; fill++) {
    char *src = malloc(100000);
    strcpy(src, "---\ntitle: Keep\nlang: en\n---\n\n");
    for (int i = 0; i < fill; i++)
      strcat(src, "A line of filler text.\n\n");
    strcat(src, "## The heading\n\n- one\n- two\n- three\n- four\n");
    laid r = lay(src, TB_PAPER_A5);
    const tb_layout *lo = r.lo;
    int pg = lo->heading_page[0];
    int below = 0;
    for (size_t k = 0; k < lo->pages[pg].ndraws; k++) {
      const tb_draw *d = &lo->pages[pg].draws[k];
      below += d->kind == TB_DRAW_TEXT && d->size > 9.5f && d->y < lo->heading_y[0] - 20.0f && d->len >= 3 &&
               (!strncmp(d->text, "one", 3) || !strncmp(d->text, "two", 3));
    }
    if (below < 2)
      fail_msg("with %d lines before, the heading keeps %d lines on page %s", fill, below,
               lo->info[pg].label);
    unlay(&r);
    free(src);
  }
}

static void test_papers_differ(void **state) {
  (void)state;
  laid a = lay(article(), TB_PAPER_A4), b = lay(article(), TB_PAPER_LETTER), c = lay(article(), TB_PAPER_A5);
  assert_true(a.lo->page_w < b.lo->page_w);
  assert_true(c.lo->npages > a.lo->npages);
  assert_inside_margins(b.lo);
  assert_inside_margins(c.lo);
  unlay(&a);
  unlay(&b);
  unlay(&c);
}

/* A title of 300 bytes whose last space falls in its last bytes once cut to 255: the running
 * head's ellipsis was written past its buffer (ASan, found by the fuzz replay). */
static void test_long_title_running_head(void **state) {
  (void)state;
  static char src[20000];
  char title[320];
  memset(title, 'x', 253);
  title[253] = ' ';
  memset(title + 254, 'y', 46);
  title[300] = 0;
  snprintf(src, sizeof src, "---\ntitle: \"%s\"\nlang: en\n---\n\n", title);
  for (int i = 0; i < 120; i++)
    strcat(src, "A line of text long enough to fill the pages of this one chapter. ");
  strcat(src, "\n");
  laid r = lay(src, TB_PAPER_A5);
  assert_true(r.lo->npages > 3);
  assert_inside_margins(r.lo);
  unlay(&r);
}

/* No contents page without an entry: an article without headings is its title page and its
 * body; a source of front matter only is its title page and one empty body page (and a
 * warning). Both used to carry a contents page titled Kandungan with nothing under it. */
static void test_no_empty_contents_page(void **state) {
  (void)state;
  laid r = lay("---\ntitle: T\n---\nJust a paragraph, no heading.\n", TB_PAPER_A4);
  assert_int_equal(r.lo->nfront, 1);
  assert_int_equal(r.lo->npages, 2);
  assert_string_equal(r.lo->info[1].label, "1");
  unlay(&r);
  r = lay("---\ntitle: T\n---\n", TB_PAPER_A4);
  assert_int_equal(r.lo->nfront, 1);
  assert_int_equal(r.lo->npages, 2);
  assert_true(r.lo->info[1].body);
  unlay(&r);
  r = lay("---\ntitle: T\n---\n#### Only a level-4 heading\n\ntext\n", TB_PAPER_A4);
  assert_int_equal(r.lo->nfront, 1); /* the contents list levels 1 to 3 */
  unlay(&r);
  /* an article's contents share page i with its title; a book's follow its title page */
  r = lay("---\ntitle: T\n---\n## A heading\n\ntext\n", TB_PAPER_A4);
  assert_int_equal(r.lo->nfront, 1);
  assert_int_equal(r.lo->heading_page[0], 1);
  unlay(&r);
  r = lay("---\ntitle: T\nclass: book\n---\n## A heading\n\ntext\n", TB_PAPER_A4);
  assert_int_equal(r.lo->nfront, 2);
  unlay(&r);
}

/* What the layout tells as it goes (the EPUB renders chapters from it while later ones are laid
 * out): every body page once, in order, each before chapters_done passes its chapter, with the
 * info the finished layout holds. */
#define TOLD_MAX 256

typedef struct told {
  tb_page_info pages[TOLD_MAX]; /* the first TOLD_MAX pages told */
  size_t n, calls;
  size_t total; /* every page told, kept or not */
  size_t chapters_done;
  bool order_ok;
} told;

static void tell(void *ctx, size_t chapters_done, const tb_page_info *pages, size_t n) {
  told *t = ctx;
  t->calls++;
  if (chapters_done < t->chapters_done)
    t->order_ok = false; /* never goes back */
  for (size_t i = 0; i < n; i++) {
    if (pages[i].chapter < (int)t->chapters_done || !pages[i].body)
      t->order_ok = false; /* a page of a chapter already said to be complete */
    t->total++;
    if (t->n < TOLD_MAX) /* more are counted, not kept: check_told fails on them */
      t->pages[t->n++] = pages[i];
  }
  for (size_t i = 0; i < t->n; i++) /* every page told begins in a chapter now complete */
    if (t->pages[i].chapter >= (int)chapters_done)
      t->order_ok = false;
  t->chapters_done = chapters_done;
}

static void check_told(const char *src, size_t want_chapters) {
  tb_error err;
  tb_error_clear(&err);
  tb_doc *doc = tb_load_memory("t.md", NULL, src, strlen(src), &err);
  if (!doc)
    tb_error_print(&err);
  assert_non_null(doc);
  assert_int_equal(doc->nchapters, want_chapters);
  told t = {.order_ok = true};
  tb_layout_opts o = {TB_PAPER_A5, TB_TEST_ASSETS_DIR, true, tell, &t};
  tb_layout *lo = tb_layout_new(doc, &fonts, &o, &err);
  assert_non_null(lo);
  assert_true(t.order_ok);
  assert_int_equal(t.chapters_done, doc->nchapters);
  assert_int_equal(t.total, lo->npages - lo->nfront);
  assert_int_equal(t.n, t.total); /* a test document of at most TOLD_MAX pages: all compared */
  for (size_t i = 0; i < t.n; i++) {
    const tb_page_info *a = &t.pages[i], *b = &lo->info[lo->nfront + i];
    assert_ptr_equal(a->node, b->node);
    assert_int_equal(a->offset, b->offset);
    assert_int_equal(a->chapter, b->chapter);
    assert_string_equal(a->label, b->label);
  }
  tb_layout_free(lo);
  tb_doc_free(doc);
}

static void test_pages_told_as_laid_out(void **state) {
  (void)state;
  static char src[60000];
  snprintf(src, sizeof src, "---\ntitle: Told\n---\n");
  for (int c = 1; c <= 6; c++) {
    char h[64];
    snprintf(h, sizeof h, "# Bab %d\n\n", c);
    strcat(src, h);
    for (int i = 0; i < (c % 3) * 40; i++) /* chapters of 0, 1 and 2 pages and more */
      strcat(src, i % 10 == 9 ? "Ayat penutup perenggan.\n\n" : "Perkataan yang cukup panjang untuk baris. ");
  }
  check_told(src, 6);
  check_told("---\ntitle: T\n---\n", 1);                           /* no page of its own: one is made */
  check_told("---\ntitle: T\n---\n# Satu\n\n# Dua\n\nTeks.\n", 2); /* an empty chapter still opens a page */
}

/* The layout never fails (layout.h): a glyph no font has and a language without hyphenation
 * patterns still give a layout, and err is left as it was. */
static void test_layout_never_fails(void **state) {
  (void)state;
  const char *src = "---\ntitle: T\nlang: xx\n---\n# Bab\n\nA \xF0\x9F\x98\x80 and \xE4\xB8\x80 here.\n";
  tb_error err;
  tb_error_clear(&err);
  tb_doc *doc = tb_load_memory("t.md", NULL, src, strlen(src), &err);
  assert_non_null(doc);
  tb_warn_set_quiet(1);
  size_t warned = tb_warn_count();
  tb_layout_opts o = {TB_PAPER_A5, TB_TEST_ASSETS_DIR, false, NULL, NULL};
  tb_layout *lo = tb_layout_new(doc, &fonts, &o, &err);
  tb_warn_set_quiet(0);
  assert_non_null(lo);
  assert_true(tb_warn_count() > warned); /* the missing glyphs were warned about */
  assert_false(tb_error_is_set(&err));
  tb_layout_free(lo);
  tb_doc_free(doc);
}

/* The two layouts draw the same things at the same places, page for page. */
static void assert_same_layout(const tb_layout *la, const tb_layout *lb) {
  assert_int_equal(la->npages, lb->npages);
  for (size_t p = 0; p < la->npages; p++) {
    const tb_page *pa = &la->pages[p], *pb = &lb->pages[p];
    assert_int_equal(pa->ndraws, pb->ndraws);
    for (size_t k = 0; k < pa->ndraws; k++) {
      const tb_draw *x = &pa->draws[k], *y = &pb->draws[k];
      assert_int_equal(x->kind, y->kind);
      assert_int_equal(x->face, y->face);
      assert_true(x->x == y->x && x->y == y->y && x->w == y->w && x->word_space == y->word_space);
      assert_int_equal(x->len, y->len);
      if (x->text)
        assert_memory_equal(x->text, y->text, x->len);
    }
    const tb_node *na = la->info[p].node, *nb = lb->info[p].node; /* two loads: two models */
    assert_true((na == NULL) == (nb == NULL));
    if (na) {
      assert_int_equal(na->type, nb->type);
      assert_int_equal(na->line, nb->line);
      assert_int_equal(na->col, nb->col);
    }
    assert_int_equal(la->info[p].offset, lb->info[p].offset);
  }
}

/* Words set before are replayed, not measured again: the layout is the same draw for draw as
 * with every word measured, for the same word in other faces, sizes, languages (another
 * hyphenator), links and code, with a glyph no font has, and over a chapter's worth of text. */
static void test_word_cache_changes_nothing(void **state) {
  (void)state;
  static char src[80000];
  snprintf(src, sizeof src, "---\ntitle: Cache\nlang: ms\n---\n# Pemasaran\n\n");
  for (int i = 0; i < 30; i++)
    strcat(src, "Pemasaran **pemasaran** *pemasaran* `pemasaran` [pemasaran](https://x.example/) "
                "***pemasaran*** pemasaran-digital e/mel \u2603 \xe2\x98\x83 bersungguh-sungguh "
                "kebertanggungjawaban ketidakbertanggungjawaban.\n\n");
  strcat(src, "## pemasaran kebertanggungjawaban\n\n> pemasaran kebertanggungjawaban\n\n"
              "- pemasaran kebertanggungjawaban\n\n"
              "| pemasaran | kebertanggungjawaban |\n|---|---|\n| pemasaran | x |\n\n"
              "Wie hei\xc3\x9ft die pemasaran auf Deutsch?\n");
  tb_layout_word_cache = false;
  laid a = lay(src, TB_PAPER_A5);
  tb_layout_word_cache = true;
  laid b = lay(src, TB_PAPER_A5);
  assert_same_layout(a.lo, b.lo);
  assert_inside_margins(b.lo);
  unlay(&a);
  unlay(&b);

  /* The same words in a Malay and an English chapter hyphenate differently: the hyphenator is
   * part of what a word is remembered by. */
  char pa[] = "/tmp/test_layout_ms_XXXXXX.md", pb[] = "/tmp/test_layout_en_XXXXXX.md";
  const char *body = "international interpretation considerations constitutional internationalization "
                     "telecommunications responsibilities international interpretation.\n\n";
  for (int k = 0; k < 2; k++) {
    char *path = k ? pb : pa;
    int fd = mkstemps(path, 3);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "---\ntitle: %s\nlang: %s\n---\n", k ? "English" : "Melayu", k ? "en" : "ms");
    for (int i = 0; i < 12; i++)
      fputs(body, f);
    fclose(f);
  }
  const char *paths[] = {pa, pb};
  tb_doc *docs[2];
  tb_layout *los[2];
  for (int cache = 0; cache < 2; cache++) {
    tb_layout_word_cache = cache;
    tb_error err;
    tb_error_clear(&err);
    docs[cache] = tb_load_files(paths, 2, &err);
    assert_non_null(docs[cache]);
    tb_layout_opts o = {TB_PAPER_A5, TB_TEST_ASSETS_DIR, false, NULL, NULL};
    los[cache] = tb_layout_new(docs[cache], &fonts, &o, &err);
    assert_non_null(los[cache]);
  }
  tb_layout_word_cache = true;
  assert_same_layout(los[0], los[1]);
  for (int k = 0; k < 2; k++) {
    tb_layout_free(los[k]);
    tb_doc_free(docs[k]);
  }
  unlink(pa);
  unlink(pb);
}

/* The EPUB alone lays out with page_starts_only, which draws nothing: its pages must begin
 * exactly where the PDF's do, with the same labels, chapters and statistics. */
static void test_page_starts_only_same_pages(void **state) {
  (void)state;
  static char src[120000];
  snprintf(src, sizeof src, "%s", article());
  strcat(src, "\n# Lagi\n\n> Petikan *panjang* dengan nota kaki[^1] dan **tebal**.\n\n"
              "1. Satu\n2. Dua ~~dibuang~~\n\n| a | b |\n|--:|:-:|\n| kanan | tengah |\n\n"
              "[^1]: Nota kaki yang agak panjang juga.\n");
  for (int i = 0; i < 60; i++)
    strcat(src, "Perenggan panjang yang mengisi halaman demi halaman, dengan sempang-sempang.\n\n");
  for (tb_paper paper = TB_PAPER_A4; paper <= TB_PAPER_LETTER; paper++) {
    tb_error err;
    tb_error_clear(&err);
    tb_doc *doc = tb_load_memory("t.md", NULL, src, strlen(src), &err);
    assert_non_null(doc);
    tb_layout_opts full = {paper, TB_TEST_ASSETS_DIR, false, NULL, NULL};
    tb_layout_opts starts = {paper, TB_TEST_ASSETS_DIR, true, NULL, NULL};
    tb_layout *a = tb_layout_new(doc, &fonts, &full, &err), *b = tb_layout_new(doc, &fonts, &starts, &err);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(a->npages, b->npages);
    assert_int_equal(a->nfront, b->nfront);
    for (size_t p = 0; p < a->npages; p++) {
      assert_ptr_equal(a->info[p].node, b->info[p].node);
      assert_int_equal(a->info[p].offset, b->info[p].offset);
      assert_int_equal(a->info[p].chapter, b->info[p].chapter);
      assert_string_equal(a->info[p].label, b->info[p].label);
      assert_int_equal(b->pages[p].ndraws, 0);
    }
    assert_int_equal(a->nspaces, b->nspaces);
    assert_true(a->space_max == b->space_max);
    tb_layout_free(a);
    tb_layout_free(b);
    tb_doc_free(doc);
  }
}

/* A text draw says when its '-' is the one the layout added at a hyphenated line end
 * (tb_draw.hyphen, which a link's /Contents leaves out), and never for a line that breaks after a
 * hyphen of the source's own: a hyphenated word inside a link (to a heading: a URI's text is
 * never hyphenated), and a compound of four-letter
 * parts (too short to hyphenate) that can break only at its own hyphens. */
static void test_hyphen_flag(void **state) {
  (void)state;
  static char src[8192];
  size_t n = (size_t)snprintf(src, sizeof src, "---\ntitle: T\nlang: ms\n---\n\n# Sasaran\n\n[");
  for (int i = 0; i < 60; i++)
    n += (size_t)snprintf(src + n, sizeof src - n, "pemasaran kandungan ");
  n += (size_t)snprintf(src + n, sizeof src - n, "](#sasaran)\n\n");
  for (int i = 0; i < 120; i++)
    n += (size_t)snprintf(src + n, sizeof src - n, "abcd-efgh-");
  snprintf(src + n, sizeof src - n, "abcd\n");
  laid r = lay(src, TB_PAPER_A4);
  size_t in_link = 0, own = 0;
  for (size_t p = 0; p < r.lo->npages; p++)
    for (size_t k = 0; k < r.lo->pages[p].ndraws; k++) {
      const tb_draw *d = &r.lo->pages[p].draws[k];
      if (d->kind != TB_DRAW_TEXT || !d->len || d->text[d->len - 1] != '-')
        continue;
      bool compound = d->len >= 5 && !memcmp(d->text + d->len - 5, "efgh-", 5);
      if (d->hyphen) {
        assert_false(compound);
        in_link += r.lo->elems[d->elem].role == TB_ROLE_LINK;
      } else {
        own += compound;
      }
    }
  assert_true(in_link > 0);
  assert_true(own > 0);
  unlay(&r);
}

int main(void) {
  tb_warn_set_quiet(1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_article_pages_and_contents),
      cmocka_unit_test(test_page_starts_are_word_starts),
      cmocka_unit_test(test_word_spacing_sane),
      cmocka_unit_test(test_long_word_is_broken_inside_margins),
      cmocka_unit_test(test_heading_never_last_on_page),
      cmocka_unit_test(test_article_sections_flow),
      cmocka_unit_test(test_book_chapters_open_pages),
      cmocka_unit_test(test_heading_keeps_two_lines),
      cmocka_unit_test(test_papers_differ),
      cmocka_unit_test(test_long_title_running_head),
      cmocka_unit_test(test_no_empty_contents_page),
      cmocka_unit_test(test_pages_told_as_laid_out),
      cmocka_unit_test(test_layout_never_fails),
      cmocka_unit_test(test_word_cache_changes_nothing),
      cmocka_unit_test(test_page_starts_only_same_pages),
      cmocka_unit_test(test_hyphen_flag),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
