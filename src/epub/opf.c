// opf.c -- META-INF/container.xml and the package document: metadata, manifest and spine.
#define _POSIX_C_SOURCE 200809L /* gmtime_r */

#include "epub/epub_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "epub/xml.h"
#include "util/i18n.h"

void tb_epub_container_xml(tb_buf *out) {
  tb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
                   "<rootfiles>\n"
                   "<rootfile full-path=\"OEBPS/content.opf\" "
                   "media-type=\"application/oebps-package+xml\"/>\n"
                   "</rootfiles>\n"
                   "</container>\n");
}

/* Formats epoch as YYYY-MM-DDThh:mm:ssZ (UTC) into out[32]. */
static void iso_time(long long epoch, char out[32]) {
  if (epoch < 0)
    epoch = 0;
  if (epoch > 253402300799LL) /* 9999-12-31T23:59:59Z: keep four-digit years */
    epoch = 253402300799LL;
  time_t t = (time_t)epoch;
  struct tm tm;
  if (!gmtime_r(&t, &tm)) {
    (void)snprintf(out, 32, "1970-01-01T00:00:00Z");
    return;
  }
  /* The modulos only tell the compiler the widths (the values are already in range). */
  (void)snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(tm.tm_year + 1900) % 10000u,
                 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
                 (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

static void element(tb_buf *o, const char *name, const char *id, const char *text) {
  if (!tb_epub_has_text(text))
    return;
  tb_buf_printf(o, "<%s", name);
  if (id)
    tb_buf_printf(o, " id=\"%s\"", id);
  tb_buf_putc(o, '>');
  tb_epub_escape_str(o, text);
  tb_buf_printf(o, "</%s>\n", name);
}

static void meta(tb_buf *o, const char *property, const char *refines, const char *value) {
  tb_buf_puts(o, "<meta");
  if (refines)
    tb_buf_printf(o, " refines=\"#%s\"", refines);
  tb_buf_printf(o, " property=\"%s\">", property);
  tb_epub_escape_str(o, value);
  tb_buf_puts(o, "</meta>\n");
}

static bool digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

/* YYYY, YYYY-MM or YYYY-MM-DD: what dc:date accepts without an EPUBCheck warning. */
static bool w3cdtf_date(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n != 4 && n != 7 && n != 10)
    return false;
  if (!digits(s, 4))
    return false;
  if (n >= 7 && (s[4] != '-' || !digits(s + 5, 2) || s[5] > '1'))
    return false;
  if (n == 10 && (s[7] != '-' || !digits(s + 8, 2) || s[8] > '3'))
    return false;
  return true;
}

static void item(tb_buf *o, const char *id, const char *href, const char *type, const char *props) {
  tb_buf_printf(o, "<item id=\"%s\" href=\"%s\" media-type=\"%s\"", id, href, type);
  if (props)
    tb_buf_printf(o, " properties=\"%s\"", props);
  tb_buf_puts(o, "/>\n");
}

void tb_epub_opf(const tb_epub_book *b, tb_buf *out) {
  const tb_doc *doc = b->doc;
  const tb_meta *m = &doc->meta;
  const tb_epub_opts *opts = b->opts;
  bool images = b->nimages > 0;
  bool page_list = b->nbody > 0;

  tb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
                   "unique-identifier=\"bookid\" xml:lang=\"");
  tb_epub_escape_str(out, b->lang);
  tb_buf_puts(out, "\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");

  /* Identity and description. */
  element(out, "dc:identifier", "bookid", doc->uuid);
  element(out, "dc:title", "title", b->title);
  meta(out, "title-type", "title", "main");
  if (tb_epub_has_text(m->subtitle)) {
    element(out, "dc:title", "subtitle", m->subtitle);
    meta(out, "title-type", "subtitle", "subtitle");
  }
  for (size_t i = 0, n = 0; i < m->nauthors; i++) {
    if (!tb_epub_has_text(m->authors[i]))
      continue;
    char id[32];
    (void)snprintf(id, sizeof id, "creator-%zu", ++n);
    element(out, "dc:creator", id, m->authors[i]);
    tb_buf_printf(out, "<meta refines=\"#%s\" property=\"role\" scheme=\"marc:relators\">aut</meta>\n", id);
  }
  element(out, "dc:language", NULL, b->lang);
  for (size_t ci = 0; ci < doc->nchapters; ci++) { /* other languages of chapters, once each */
    const char *l = doc->chapters[ci].lang;
    bool seen = !tb_epub_has_text(l) || strcmp(l, b->lang) == 0;
    for (size_t cj = 0; cj < ci && !seen; cj++)
      seen = doc->chapters[cj].lang && strcmp(doc->chapters[cj].lang, l) == 0;
    if (!seen)
      element(out, "dc:language", NULL, l);
  }
  if (w3cdtf_date(m->date))
    element(out, "dc:date", NULL, m->date);
  element(out, "dc:subject", NULL, m->category);
  for (size_t i = 0; i < m->nkeywords; i++)
    element(out, "dc:subject", NULL, m->keywords[i]);
  element(out, "dc:description", NULL, m->description);
  element(out, "dc:rights", NULL, m->rights);
  /* The page-list's source: dc:source refined by source-of (EPUBCheck 4.2.6 rejects the newer
   * a11y:pageBreakSource). */
  if (page_list && tb_epub_has_text(opts->page_source)) {
    element(out, "dc:source", "src", opts->page_source);
    meta(out, "source-of", "src", "pagination");
  }
  char modified[32];
  iso_time(doc->epoch, modified);
  meta(out, "dcterms:modified", NULL, modified);

  /* Accessibility: only what is true of this file. Images count as visual content; textual is
   * sufficient only when every image has a text alternative. */
  meta(out, "schema:accessMode", NULL, "textual");
  if (images)
    meta(out, "schema:accessMode", NULL, "visual");
  if (!images || b->images_alt)
    meta(out, "schema:accessModeSufficient", NULL, "textual");
  if (images)
    meta(out, "schema:accessModeSufficient", NULL, "textual,visual");
  meta(out, "schema:accessibilityFeature", NULL, "structuralNavigation");
  meta(out, "schema:accessibilityFeature", NULL, "tableOfContents");
  meta(out, "schema:accessibilityFeature", NULL, "readingOrder");
  if (page_list) {
    /* printPageNumbers for older tools; pageBreakMarkers and pageNavigation are its current
     * replacements in the schema.org vocabulary, and both are true here. */
    meta(out, "schema:accessibilityFeature", NULL, "printPageNumbers");
    meta(out, "schema:accessibilityFeature", NULL, "pageBreakMarkers");
    meta(out, "schema:accessibilityFeature", NULL, "pageNavigation");
  }
  if (images && b->images_alt)
    meta(out, "schema:accessibilityFeature", NULL, "alternativeText");
  meta(out, "schema:accessibilityHazard", NULL, "none");
  /* The summary (tb_i18n) says only what holds of this file: contents, print page markers when
   * there is a page-list, reading order; all text, or images with their alternatives (when
   * every image has one: else no claim is made about them). */
  {
    tb_buf sum = {0};
    tb_buf_puts(&sum, tb_i18n(b->lang, page_list ? TB_STR_A11Y_NAV_PAGES : TB_STR_A11Y_NAV));
    if (!images)
      tb_buf_printf(&sum, " %s", tb_i18n(b->lang, TB_STR_A11Y_TEXT));
    else if (b->images_alt)
      tb_buf_printf(&sum, " %s", tb_i18n(b->lang, TB_STR_A11Y_IMAGES));
    meta(out, "schema:accessibilitySummary", NULL, sum.data);
    tb_buf_free(&sum);
  }
  meta(out, "dcterms:conformsTo", NULL, "EPUB Accessibility 1.1 - WCAG 2.1 Level AA");

  if (tb_epub_has_text(opts->generator)) {
    tb_buf_puts(out, "<meta name=\"generator\" content=\"");
    tb_epub_escape_str(out, opts->generator);
    tb_buf_puts(out, "\"/>\n");
  }
  /* EPUB 2 readers find the cover through this. */
  tb_buf_puts(out, "<meta name=\"cover\" content=\"cover-image\"/>\n</metadata>\n");

  /* Manifest, in the zip's order. */
  tb_buf_puts(out, "<manifest>\n");
  item(out, "nav", "nav.xhtml", "application/xhtml+xml", "nav");
  item(out, "ncx", "toc.ncx", "application/x-dtbncx+xml", NULL);
  item(out, "css", "css/terbit.css", "text/css", NULL);
  item(out, "cover-page", "cover.xhtml", "application/xhtml+xml", NULL);
  item(out, "cover-image", b->cover_name, b->cover_type, "cover-image");
  item(out, "titlepage", "titlepage.xhtml", "application/xhtml+xml", NULL);
  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    char name[TB_EPUB_NAME_MAX], id[32];
    tb_epub_chapter_name(ci, name);
    (void)snprintf(id, sizeof id, "chapter-%03zu", ci + 1);
    item(out, id, name, "application/xhtml+xml", NULL);
  }
  for (size_t i = 0; i < b->nimages; i++) {
    char id[32];
    (void)snprintf(id, sizeof id, "%s", b->images[i].name);
    char *dot = strrchr(id, '.');
    if (dot)
      *dot = 0;
    item(out, id, b->images[i].name, b->images[i].media_type, NULL);
  }
  tb_buf_puts(out, "</manifest>\n");

  /* Spine: cover, title page, the contents (nav.xhtml is linear, so the landmarks may point at
   * it), then the chapters. */
  tb_buf_puts(out, "<spine toc=\"ncx\">\n<itemref idref=\"cover-page\"/>\n<itemref idref=\"titlepage\"/>\n"
                   "<itemref idref=\"nav\"/>\n");
  for (size_t ci = 0; ci < doc->nchapters; ci++)
    tb_buf_printf(out, "<itemref idref=\"chapter-%03zu\"/>\n", ci + 1);
  tb_buf_puts(out, "</spine>\n</package>\n");
}
