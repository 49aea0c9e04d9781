// front.c -- the documents before the chapters: the title page, the cover page and the generated
// cover (an SVG, when the doc names no cover image). They read only the book as tb_epub_book_init
// leaves it.
#include "epub/epub_int.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "epub/xml.h"
#include "util/i18n.h"
#include "util/utf8.h"

/* ---- title page and cover ---- */

/* "5 Mac 2024" from 2024-03-05 (month names in lang); other forms are shown as given. */
static void put_date(tb_buf *o, const char *lang, const char *date) {
  int y, m, d;
  if (tb_date_parse(date, &y, &m, &d)) {
    tb_buf_printf(o, "%d ", d);
    tb_epub_escape_str(o, tb_i18n_month(lang, m));
    tb_buf_printf(o, " %d", y);
  } else {
    tb_epub_escape_str(o, date);
  }
}

static void put_para(tb_buf *o, const char *cls, const char *text) {
  if (!tb_epub_has_text(text))
    return;
  tb_buf_printf(o, "<p class=\"%s\">", cls);
  tb_epub_escape_str(o, text);
  tb_buf_puts(o, "</p>\n");
}

void tb_epub_xhtml_titlepage(const tb_epub_book *b, tb_buf *out) {
  const tb_meta *m = &b->doc->meta;
  tb_epub_xhtml_open(out, b->lang, b->title, /*epub_ns*/ true);
  tb_buf_puts(out, " class=\"titlepage\">\n<section epub:type=\"titlepage\" class=\"titlepage\">\n"
                   "<h1 class=\"title\">");
  tb_epub_escape_str(out, b->title);
  tb_buf_puts(out, "</h1>\n");
  put_para(out, "subtitle", m->subtitle);
  for (size_t i = 0; i < m->nauthors; i++)
    put_para(out, "author", m->authors[i]);
  put_para(out, "category", m->category);
  if (tb_epub_has_text(m->date)) {
    tb_buf_puts(out, "<p class=\"date\">");
    put_date(out, b->lang, m->date);
    tb_buf_puts(out, "</p>\n");
  }
  put_para(out, "rights", m->rights);
  tb_buf_puts(out, "</section>\n</body>\n</html>\n");
}

void tb_epub_xhtml_cover(const tb_epub_book *b, tb_buf *out) {
  tb_epub_xhtml_open(out, b->lang, tb_i18n(b->lang, TB_STR_COVER), /*epub_ns*/ false);
  tb_buf_printf(out, " class=\"cover\">\n<div class=\"cover\"><img role=\"doc-cover\" src=\"%s\" alt=\"",
                b->cover_name);
  tb_epub_escape_str(out, b->title);
  tb_buf_puts(out, "\"/></div>\n</body>\n</html>\n");
}

typedef struct lines {
  tb_buf *v;
  size_t n, cap;
} lines;

static void lines_free(lines *L) {
  for (size_t i = 0; i < L->n; i++)
    tb_buf_free(&L->v[i]);
  free(L->v);
  memset(L, 0, sizeof *L);
}

/* Greedy word wrap at maxch code points (an SVG text has no wrapping of its own). */
static void wrap(const char *s, size_t maxch, lines *L) {
  size_t cur = 0;
  bool fresh = true; /* each call starts a line of its own */
  const char *p = s ? s : "";
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    if (!*p)
      break;
    const char *w = p;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      p++;
    size_t wl = tb_utf8_count(w, (size_t)(p - w));
    if (fresh || (cur > 0 && cur + 1 + wl > maxch)) {
      tb_grow(&L->v, &L->cap, L->n + 1, sizeof *L->v);
      memset(&L->v[L->n++], 0, sizeof *L->v);
      cur = 0;
      fresh = false;
    }
    tb_buf *line = &L->v[L->n - 1];
    if (cur > 0) {
      tb_buf_putc(line, ' ');
      cur++;
    }
    tb_buf_put(line, w, (size_t)(p - w));
    cur += wl;
  }
}

/* Lines centred at x = 300 from baseline y, each at most 480 units wide (estimated: a glyph is
 * about 0.55 em; longer lines are squeezed with textLength). */
static int put_svg_lines(tb_buf *o, const lines *L, int y, int size, const char *weight) {
  for (size_t i = 0; i < L->n; i++, y += size * 6 / 5) {
    /* Presentation attributes on each text, not inherited from a <g>: not every renderer
     * inherits text-anchor. */
    tb_buf_printf(o,
                  "<text x=\"300\" y=\"%d\" fill=\"#f1faee\" font-family=\"serif\" "
                  "text-anchor=\"middle\" font-size=\"%d\" font-weight=\"%s\"",
                  y, size, weight);
    if (tb_utf8_count(L->v[i].data, L->v[i].len) * (size_t)size * 55 / 100 > 480)
      tb_buf_puts(o, " textLength=\"480\" lengthAdjust=\"spacingAndGlyphs\"");
    tb_buf_putc(o, '>');
    tb_epub_escape(o, L->v[i].data, L->v[i].len);
    tb_buf_puts(o, "</text>\n");
  }
  return y;
}

void tb_epub_cover_svg(const tb_epub_book *b, tb_buf *out) {
  const tb_meta *m = &b->doc->meta;
  lines title = {0}, sub = {0}, auth = {0};
  /* The title shrinks until it fits 320 units of height. */
  int size = 64;
  for (;; size -= 4) {
    lines_free(&title);
    wrap(b->title, (size_t)(480 * 100 / (size * 55)), &title);
    if ((int)title.n * size * 6 / 5 <= 320 || size <= 24)
      break;
  }
  wrap(m->subtitle, 28, &sub);
  for (size_t i = 0; i < m->nauthors; i++)
    wrap(m->authors[i], 30, &auth);

  tb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"600\" "
                   "height=\"800\" viewBox=\"0 0 600 800\" xml:lang=\"");
  tb_epub_escape_str(out, b->lang);
  tb_buf_puts(out, "\">\n<title>");
  tb_epub_escape_str(out, b->title);
  tb_buf_puts(out, "</title>\n<rect width=\"600\" height=\"800\" fill=\"#1d3557\"/>\n"
                   "<rect x=\"30\" y=\"30\" width=\"540\" height=\"740\" fill=\"none\" "
                   "stroke=\"#f1faee\" stroke-width=\"3\"/>\n");
  int y = put_svg_lines(out, &title, 140 + size, size, "bold");
  if (sub.n)
    put_svg_lines(out, &sub, y + 20, 30, "normal");
  int ay = 720 - (int)(auth.n > 0 ? auth.n - 1 : 0) * 34;
  if (ay < 520)
    ay = 520;
  put_svg_lines(out, &auth, ay, 28, "normal");
  tb_buf_puts(out, "</svg>\n");
  lines_free(&title);
  lines_free(&sub);
  lines_free(&auth);
}
