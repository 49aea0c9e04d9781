// test_epub.c -- EPUB writer: builds a tb_doc by hand, writes it, reopens the zip with libzip
// and checks entries, markup, page markers, determinism (also across time zones) and failures.
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setenv, tzset */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "doc/doc.h"
#include "epub/epub.h"
#include "epub/epub_int.h"
#include "epub/xml.h"
#include "layout/pages.h"
#include "util/error.h"

/* The repository's assets folder (CMake passes -DTB_TEST_ASSETS_DIR="${PROJECT_SOURCE_DIR}/assets"). */
#ifndef TB_TEST_ASSETS_DIR
#define TB_TEST_ASSETS_DIR "assets"
#endif

/* A 4x4 red PNG. */
static const unsigned char png4[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x08, 0x02, 0x00, 0x00, 0x00, 0x26,
    0x93, 0x09, 0x29, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38,
    0x63, 0x6c, 0x0c, 0x47, 0x0c, 0xc4, 0x71, 0x00, 0xfb, 0x13, 0x13, 0x21, 0xc4, 0x5c, 0x62,
    0xac, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

#define EPOCH_2024_03_05 1709596800LL /* 2024-03-05T00:00:00Z */

/* ---- a hand-built book ---- */

typedef struct fixture {
  char dir[64];
  char png[96];
  tb_doc *doc;
  tb_page_info pages[16];
  size_t npages;
  const tb_node *deep_text;
} fixture;

static tb_node *add(tb_doc *d, tb_node *parent, tb_node_type t) {
  tb_node *n = tb_node_new(d, t);
  tb_node_append(parent, n);
  return n;
}

static tb_node *lit(tb_doc *d, tb_node *parent, tb_node_type t, const char *s) {
  tb_node *n = add(d, parent, t);
  n->literal = tb_doc_strdup(d, s);
  n->literal_len = strlen(s);
  return n;
}

static tb_node *text(tb_doc *d, tb_node *parent, const char *s) { return lit(d, parent, TB_NODE_TEXT, s); }

static tb_node *heading(tb_doc *d, int ch, tb_node *parent, int level, const char *s) {
  tb_node *h = add(d, parent, TB_NODE_HEADING);
  h->as.heading.level = level;
  text(d, h, s);
  tb_doc_add_heading(d, h, ch);
  return h;
}

static tb_node *para(tb_doc *d, tb_node *parent, const char *s) {
  tb_node *p = add(d, parent, TB_NODE_PARAGRAPH);
  if (s)
    text(d, p, s);
  return p;
}

static tb_node *wrap(tb_doc *d, tb_node *parent, tb_node_type t, const char *s) {
  tb_node *n = add(d, parent, t);
  text(d, n, s);
  return n;
}

static tb_node *footnote_def(tb_doc *d, tb_node *parent, int number, const char *s) {
  tb_node *def = add(d, parent, TB_NODE_FOOTNOTE_DEF);
  def->as.footnote.number = number;
  def->as.footnote.label = tb_doc_strdup(d, s);
  para(d, def, s);
  tb_grow(&d->footnotes, &d->footnotes_cap, (size_t)number, sizeof *d->footnotes);
  while (d->nfootnotes < (size_t)number)
    d->footnotes[d->nfootnotes++] = NULL;
  d->footnotes[number - 1] = def;
  return def;
}

static tb_node *footnote_ref(tb_doc *d, tb_node *parent, int number) {
  tb_node *r = add(d, parent, TB_NODE_FOOTNOTE_REF);
  r->as.footnote.number = number;
  return r;
}

static void page(fixture *fx, const char *label, bool body, int chapter, const tb_node *node, size_t offset) {
  tb_page_info *p = &fx->pages[fx->npages++];
  p->label = label;
  p->body = body;
  p->chapter = chapter;
  p->node = node;
  p->offset = offset;
}

static size_t offset_of(const tb_node *n, const char *word) {
  const char *p = strstr(n->literal, word);
  assert_non_null(p);
  return (size_t)(p - n->literal);
}

static void build(fixture *fx) {
  memset(fx, 0, sizeof *fx);
  strcpy(fx->dir, "/tmp/test_epub_XXXXXX");
  assert_non_null(mkdtemp(fx->dir));
  snprintf(fx->png, sizeof fx->png, "%s/gambar.png", fx->dir);
  FILE *f = fopen(fx->png, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(png4, 1, sizeof png4, f), sizeof png4);
  fclose(f);

  tb_doc *d = tb_doc_new();
  fx->doc = d;
  static const char *authors[] = {"Siti Aminah", "Ali bin Abu"};
  static const char *keywords[] = {"epub", "ujian"};
  d->meta.title = "Ujian Terbit & <Kawan>";
  d->meta.subtitle = "Buku contoh";
  d->meta.authors = authors;
  d->meta.nauthors = 2;
  d->meta.lang = "ms";
  d->meta.date = "2024-03-05";
  d->meta.category = "Teknologi";
  d->meta.description = "Sebuah buku untuk ujian.";
  d->meta.rights = "\xC2\xA9 2024 Siti Aminah";
  d->meta.keywords = keywords;
  d->meta.nkeywords = 2;
  d->uuid = "urn:uuid:12345678-1234-4234-8234-123456789abc";
  d->epoch = EPOCH_2024_03_05;
  d->has_images = true;

  page(fx, "i", false, -1, NULL, 0);
  page(fx, "ii", false, -1, NULL, 0);

  /* Chapter 1 */
  int c1 = tb_doc_add_chapter(d, "Pengenalan", "ms", "bab1.md");
  tb_node *r1 = d->chapters[c1].root;
  tb_node *h1 = heading(d, c1, r1, 1, "Pengenalan");
  d->chapters[c1].heading = h1->as.heading.index;
  page(fx, "1", true, c1, h1, 0);
  tb_node *p = para(d, r1, "Ini perenggan pertama dengan ");
  wrap(d, p, TB_NODE_EMPH, "penekanan");
  text(d, p, " dan ");
  wrap(d, p, TB_NODE_STRONG, "tebal");
  text(d, p, " dan ");
  wrap(d, p, TB_NODE_STRIKETHROUGH, "padam");
  text(d, p, ". Rujukan");
  footnote_ref(d, p, 1);
  add(d, p, TB_NODE_SOFTBREAK);
  tb_node *two = text(d, p, "Halaman kedua bermula di sini dan ketiga di sana.");
  page(fx, "2", true, c1, two, offset_of(two, "bermula"));
  page(fx, "3", true, c1, two, offset_of(two, "ketiga"));

  heading(d, c1, r1, 2, "Senarai");
  tb_node *ul = add(d, r1, TB_NODE_LIST);
  ul->as.list.tight = true;
  tb_node *it1 = add(d, ul, TB_NODE_ITEM);
  para(d, it1, "satu");
  tb_node *it2 = add(d, ul, TB_NODE_ITEM);
  it2->as.item.task = 1;
  para(d, it2, "dua");
  tb_node *it3 = add(d, ul, TB_NODE_ITEM);
  it3->as.item.task = 2;
  para(d, it3, "tiga");
  page(fx, "4", true, c1, it3, 0);
  tb_node *ol = add(d, r1, TB_NODE_LIST);
  ol->as.list.ordered = true;
  ol->as.list.start = 3;
  para(d, add(d, ol, TB_NODE_ITEM), "tiga (longgar)");
  para(d, add(d, ol, TB_NODE_ITEM), "empat");

  heading(d, c1, r1, 3, "Jadual");
  tb_node *tbl = add(d, r1, TB_NODE_TABLE);
  tbl->as.table.ncols = 3;
  tbl->as.table.align = (char *)tb_doc_strndup(d, "lcr", 3);
  tb_node *hr = add(d, tbl, TB_NODE_TABLE_ROW);
  hr->as.row.header = true;
  wrap(d, hr, TB_NODE_TABLE_CELL, "Kiri");
  wrap(d, hr, TB_NODE_TABLE_CELL, "Tengah");
  wrap(d, hr, TB_NODE_TABLE_CELL, "Kanan");
  tb_node *br = add(d, tbl, TB_NODE_TABLE_ROW);
  wrap(d, br, TB_NODE_TABLE_CELL, "a");
  wrap(d, br, TB_NODE_TABLE_CELL, "b");
  wrap(d, br, TB_NODE_TABLE_CELL, "c");
  page(fx, "5", true, c1, br, 0);

  heading(d, c1, r1, 4, "Terlalu dalam");
  tb_node *cb = lit(d, r1, TB_NODE_CODE_BLOCK, "int main(void) {\n  return a < b && c;\n}\n");
  cb->as.code.info = "c extra";
  page(fx, "6", true, c1, cb, offset_of(cb, "return"));
  lit(d, r1, TB_NODE_HTML_BLOCK, "<div onclick=\"x()\">mentah</div>\n");

  p = para(d, r1, NULL);
  lit(d, p, TB_NODE_HTML_INLINE, "<script>");
  text(d, p, "ok ");
  tb_node *a = add(d, p, TB_NODE_LINK);
  a->as.link.url = "https://example.com/a b?x=1&y=\"2\"";
  a->as.link.title = "Contoh";
  text(d, a, "luar");
  text(d, p, " ");
  a = add(d, p, TB_NODE_LINK);
  a->as.link.url = "#second-chapter";
  text(d, a, "dalam");
  text(d, p, " ");
  a = add(d, p, TB_NODE_LINK);
  a->as.link.url = "bab2.md";
  text(d, a, "relatif");
  text(d, p, " ");
  a = add(d, p, TB_NODE_LINK);
  a->as.link.url = "javascript:alert(1)";
  text(d, a, "skrip");
  add(d, p, TB_NODE_LINEBREAK);
  lit(d, p, TB_NODE_CODE, "x < y");
  text(d, p, " kawalan:\x01\x1f|\xEF\xBF\xBF|\xFF|]]>|\"q\"");

  p = para(d, r1, NULL);
  tb_node *img = add(d, p, TB_NODE_IMAGE);
  img->as.link.url = "gambar.png";
  img->as.link.title = "Gambar ujian";
  img->image.path = tb_doc_strdup(d, fx->png);
  img->image.kind = TB_IMAGE_PNG;
  text(d, img, "Segi empat merah");

  p = para(d, r1, "Jauh: ");
  img = add(d, p, TB_NODE_IMAGE);
  img->as.link.url = "https://example.com/x.png";
  text(d, img, "gambar jauh");

  tb_node *bq = add(d, r1, TB_NODE_BLOCK_QUOTE);
  para(d, bq, "Petikan.");
  tb_node *tb = add(d, r1, TB_NODE_THEMATIC_BREAK);
  page(fx, "7", true, c1, tb, 0);
  para(d, r1, "Selepas garisan.");
  footnote_def(d, r1, 1, "Nota pertama.");

  /* Chapter 2, in English, with a deeply nested part */
  int c2 = tb_doc_add_chapter(d, "Second chapter", "en", "bab2.md");
  tb_node *r2 = d->chapters[c2].root;
  tb_node *h2 = heading(d, c2, r2, 1, "Second chapter");
  d->chapters[c2].heading = h2->as.heading.index;
  p = para(d, r2, "Notes again");
  footnote_ref(d, p, 2);
  text(d, p, " and ");
  footnote_ref(d, p, 1);
  page(fx, "8", true, c2, p->first, offset_of(p->first, "again"));
  heading(d, c2, r2, 2, "3 \xC3\x97 4");
  tb_node *deep = r2;
  for (int i = 0; i < 150; i++)
    deep = add(d, deep, TB_NODE_BLOCK_QUOTE);
  for (int i = 0; i < 40; i++) {
    deep = add(d, deep, TB_NODE_LIST);
    deep = add(d, deep, TB_NODE_ITEM);
  }
  heading(d, c2, deep, 3, "Deep inside");
  p = para(d, deep, NULL);
  for (int i = 0; i < 20; i++)
    p = add(d, p, TB_NODE_EMPH);
  fx->deep_text = text(d, p, "deep text here");
  page(fx, "9", true, c2, fx->deep_text, 5);
  page(fx, "10", true, c2, NULL, 0); /* no node: points at the chapter */
  footnote_def(d, r2, 2, "Second note.");

  /* Chapter 3: untitled, no heading */
  int c3 = tb_doc_add_chapter(d, NULL, "ms", "bab3.md");
  p = para(d, d->chapters[c3].root, "Penutup tanpa tajuk.");
  page(fx, "11", true, c3, p, 0);
  assert_int_equal(tb_doc_check(d), 0);
}

static void teardown_fixture(fixture *fx) {
  unlink(fx->png);
  rmdir(fx->dir);
  tb_doc_free(fx->doc);
}

static tb_epub_opts opts_for(const fixture *fx) {
  tb_epub_opts o = {TB_TEST_ASSETS_DIR, fx->pages, fx->npages, "terbit 0.1.0 PDF, A4", "terbit 0.1.0"};
  return o;
}

/* ---- reading back ---- */

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  tb_buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    tb_buf_put(&b, chunk, n);
  fclose(f);
  return tb_buf_detach(&b, len);
}

static char *entry(zip_t *za, const char *name) {
  zip_stat_t st;
  assert_int_equal(zip_stat(za, name, 0, &st), 0);
  zip_file_t *zf = zip_fopen(za, name, 0);
  assert_non_null(zf);
  char *data = malloc(st.size + 1);
  assert_non_null(data);
  assert_int_equal(zip_fread(zf, data, st.size), (zip_int64_t)st.size);
  data[st.size] = 0;
  zip_fclose(zf);
  return data;
}

static void write_book(const tb_doc *doc, const tb_epub_opts *o, const char *path, bool keep_it) {
  tb_error err;
  tb_error_clear(&err);
  int rc = tb_epub_write(doc, o, path, &err);
  if (rc != 0)
    tb_error_print(&err);
  assert_int_equal(rc, 0);
  /* TB_TEST_KEEP_EPUB=/tmp/x keeps the main book as /tmp/x.epub and the others as
   * /tmp/x-NAME.epub, for EPUBCheck by hand. */
  const char *keep = getenv("TB_TEST_KEEP_EPUB");
  if (keep && *keep) {
    size_t len;
    char *data = read_all(path, &len);
    char name[512];
    const char *base = strrchr(path, '/');
    if (keep_it)
      snprintf(name, sizeof name, "%s.epub", keep);
    else
      snprintf(name, sizeof name, "%s-%s", keep, base ? base + 1 : path);
    FILE *f = fopen(name, "wb");
    if (f) {
      fwrite(data, 1, len, f);
      fclose(f);
    }
    free(data);
  }
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
    n++;
  return n;
}

/* The deepest element nesting of an XML text (comments, PIs and doctype aside). */
static int max_depth(const char *x) {
  int depth = 0, max = 0;
  for (const char *p = x; (p = strchr(p, '<')) != NULL; p++) {
    if (p[1] == '?' || p[1] == '!')
      continue;
    if (p[1] == '/') {
      depth--;
      continue;
    }
    const char *e = strchr(p, '>');
    assert_non_null(e);
    if (e[-1] != '/' && ++depth > max)
      max = depth;
  }
  assert_int_equal(depth, 0);
  return max;
}

static void test_entries(void **state) {
  (void)state;
  fixture fx;
  build(&fx);
  tb_epub_opts o = opts_for(&fx);
  char path[128];
  snprintf(path, sizeof path, "%s/buku.epub", fx.dir);
  write_book(fx.doc, &o, path, true);

  /* OCF: "mimetype" is the first local header, stored, no extra field, so its content sits at
   * byte 38; the DOS time is the epoch in UTC. */
  size_t len;
  unsigned char *raw = (unsigned char *)read_all(path, &len);
  assert_true(len > 64);
  assert_memory_equal(raw, "PK\x03\x04", 4);
  assert_int_equal(raw[8] | raw[9] << 8, 0);   /* method: stored */
  assert_int_equal(raw[28] | raw[29] << 8, 0); /* extra field length */
  assert_memory_equal(raw + 30, "mimetypeapplication/epub+zip", 28);
  unsigned dtime = raw[10] | raw[11] << 8, ddate = raw[12] | raw[13] << 8;
  assert_int_equal(dtime, 0);                                   /* 00:00:00 */
  assert_int_equal(ddate, ((2024 - 1980) << 9) | (3 << 5) | 5); /* 2024-03-05 */
  free(raw);

  int zerr;
  zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
  assert_non_null(za);
  static const char *names[] = {"mimetype",
                                "META-INF/container.xml",
                                "OEBPS/content.opf",
                                "OEBPS/nav.xhtml",
                                "OEBPS/toc.ncx",
                                "OEBPS/css/terbit.css",
                                "OEBPS/cover.xhtml",
                                "OEBPS/cover.svg",
                                "OEBPS/titlepage.xhtml",
                                "OEBPS/chapter-001.xhtml",
                                "OEBPS/chapter-002.xhtml",
                                "OEBPS/chapter-003.xhtml",
                                "OEBPS/image-001.png"};
  size_t nnames = sizeof names / sizeof names[0];
  assert_int_equal(zip_get_num_entries(za, 0), (zip_int64_t)nnames);
  for (size_t i = 0; i < nnames; i++) {
    zip_stat_t st;
    assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
    assert_string_equal(st.name, names[i]);
    if (i == 0)
      assert_int_equal(st.comp_method, ZIP_CM_STORE);
    assert_int_equal(zip_file_extra_fields_count(za, i, ZIP_FL_LOCAL | ZIP_FL_CENTRAL), 0);
  }
  char *mt = entry(za, "mimetype");
  assert_string_equal(mt, "application/epub+zip");
  free(mt);

  /* The image: our own name, the same bytes. */
  char *png = entry(za, "OEBPS/image-001.png");
  assert_memory_equal(png, png4, sizeof png4);
  free(png);

  /* Package document. */
  char *opf = entry(za, "OEBPS/content.opf");
  assert_non_null(strstr(opf, "unique-identifier=\"bookid\""));
  assert_non_null(strstr(opf, "<dc:identifier id=\"bookid\">urn:uuid:12345678-1234-4234-8234-123456789abc<"));
  assert_non_null(strstr(opf, "<dc:title id=\"title\">Ujian Terbit &amp; &lt;Kawan&gt;</dc:title>"));
  assert_non_null(strstr(opf, "<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>"));
  assert_int_equal(count(opf, "<dc:creator"), 2);
  assert_int_equal(count(opf, "<dc:subject>"), 3);
  assert_non_null(strstr(opf, "<dc:language>ms</dc:language>"));
  assert_non_null(strstr(opf, "<dc:language>en</dc:language>"));
  assert_non_null(strstr(opf, "<dc:date>2024-03-05</dc:date>"));
  assert_non_null(strstr(opf, "<meta property=\"dcterms:modified\">2024-03-05T00:00:00Z</meta>"));
  assert_non_null(strstr(opf, "<dc:source id=\"src\">terbit 0.1.0 PDF, A4</dc:source>"));
  assert_non_null(strstr(opf, "<meta refines=\"#src\" property=\"source-of\">pagination</meta>"));
  assert_non_null(strstr(opf, ">printPageNumbers<"));
  assert_non_null(strstr(opf, "<meta property=\"schema:accessMode\">visual</meta>"));
  assert_non_null(strstr(opf, ">alternativeText<"));
  assert_non_null(strstr(opf, "href=\"cover.svg\" media-type=\"image/svg+xml\" properties=\"cover-image\""));
  assert_non_null(strstr(opf, "href=\"image-001.png\" media-type=\"image/png\""));
  assert_non_null(strstr(opf, "<spine toc=\"ncx\">\n<itemref idref=\"cover-page\"/>"));
  assert_non_null(strstr(opf, "<meta name=\"generator\" content=\"terbit 0.1.0\"/>"));
  free(opf);

  /* Navigation: toc to level 3, landmarks, page-list of body pages only. */
  char *nav = entry(za, "OEBPS/nav.xhtml");
  assert_non_null(strstr(nav, "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\""));
  assert_non_null(strstr(nav, ">Kandungan</h1>"));
  assert_non_null(strstr(nav, "<a href=\"chapter-001.xhtml#pengenalan\">Pengenalan</a>"));
  assert_non_null(strstr(nav, "<a href=\"chapter-001.xhtml#jadual\">Jadual</a>"));
  assert_null(strstr(nav, "Terlalu dalam"));
  assert_non_null(strstr(nav, "<a href=\"chapter-002.xhtml#deep-inside\">Deep inside</a>"));
  assert_null(strstr(nav, "<a href=\"chapter-003.xhtml\">Mula membaca</a>")); /* untitled: not in the toc */
  assert_non_null(strstr(nav, "<a epub:type=\"bodymatter\" href=\"chapter-001.xhtml\">"));
  assert_non_null(strstr(nav, "<a epub:type=\"toc\" href=\"nav.xhtml#toc\">"));
  assert_non_null(strstr(nav, "<nav epub:type=\"page-list\""));
  assert_non_null(strstr(nav, "<li><a href=\"chapter-001.xhtml#page-1\">1</a></li>"));
  assert_non_null(strstr(nav, "<li><a href=\"chapter-001.xhtml#page-3\">3</a></li>"));
  assert_non_null(strstr(nav, "<li><a href=\"chapter-002.xhtml#page-9\">9</a></li>"));
  assert_non_null(strstr(nav, "<li><a href=\"chapter-002.xhtml#page-10\">10</a></li>"));
  assert_non_null(strstr(nav, "<li><a href=\"chapter-003.xhtml#page-11\">11</a></li>"));
  assert_null(strstr(nav, ">ii<"));
  assert_int_equal(count(nav, "<li><a href=\"chapter-"), 11 + 6); /* pages + toc entries */
  free(nav);

  char *ncx = entry(za, "OEBPS/toc.ncx");
  assert_non_null(
      strstr(ncx, "<meta name=\"dtb:uid\" content=\"urn:uuid:12345678-1234-4234-8234-123456789abc\"/>"));
  assert_non_null(strstr(ncx, "<meta name=\"dtb:totalPageCount\" content=\"11\"/>"));
  assert_non_null(strstr(ncx, "<meta name=\"dtb:maxPageNumber\" content=\"11\"/>"));
  assert_int_equal(count(ncx, "<pageTarget "), 11);
  assert_int_equal(count(ncx, "<navPoint "), 6);
  assert_null(strstr(ncx, "Terlalu dalam"));
  free(ncx);

  /* Chapter 1: structure, escaping, markers before the right words. */
  char *c1 = entry(za, "OEBPS/chapter-001.xhtml");
  assert_non_null(strstr(c1, "<!DOCTYPE html>"));
  assert_non_null(strstr(c1, "lang=\"ms\" xml:lang=\"ms\""));
  assert_non_null(
      strstr(c1, "<section epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"pengenalan\">\n"
                 "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-1\" title=\"1\" "
                 "aria-label=\"Halaman 1\"></span><h1 id=\"pengenalan\">"));
  assert_non_null(
      strstr(c1, "Halaman kedua <span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-2\""));
  assert_non_null(
      strstr(c1, "aria-label=\"Halaman 2\"></span>bermula di sini dan <span epub:type=\"pagebreak\""));
  assert_non_null(strstr(c1, "aria-label=\"Halaman 3\"></span>ketiga di sana."));
  assert_non_null(
      strstr(c1, "<li class=\"task\"><span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-4\""));
  assert_non_null(strstr(c1, "<span class=\"task\">\xE2\x98\x91</span> tiga"));
  assert_non_null(strstr(c1, "<span class=\"task\">\xE2\x98\x90</span> dua"));
  assert_non_null(strstr(c1, "<ol start=\"3\">"));
  assert_non_null(strstr(c1, "<th scope=\"col\" class=\"align-left\">Kiri</th>"));
  assert_non_null(strstr(c1, "<tbody>\n<tr><td class=\"align-left\"><span epub:type=\"pagebreak\""));
  assert_non_null(
      strstr(c1, "<pre><code class=\"language-c\">int main(void) {\n  <span epub:type=\"pagebreak\""));
  assert_non_null(strstr(c1, "></span>return a &lt; b &amp;&amp; c;"));
  assert_non_null(
      strstr(c1, "<pre class=\"raw-html\"><code>&lt;div onclick=&quot;x()&quot;&gt;mentah&lt;/div&gt;"));
  assert_non_null(strstr(c1, "<code class=\"raw-html\">&lt;script&gt;</code>"));
  assert_null(strstr(c1, "<script"));
  assert_null(strstr(c1, "<div"));
  assert_non_null(
      strstr(c1, "<a href=\"https://example.com/a%20b?x=1&amp;y=%222%22\" title=\"Contoh\">luar</a>"));
  assert_non_null(strstr(c1, "<a href=\"chapter-002.xhtml#second-chapter\">dalam</a>"));
  assert_non_null(strstr(c1, " relatif "));
  assert_null(strstr(c1, "bab2.md"));
  assert_null(strstr(c1, "javascript"));
  assert_non_null(strstr(c1, "<br/>\n<code>x &lt; y</code> kawalan:||\xEF\xBF\xBD|]]&gt;|&quot;q&quot;"));
  assert_non_null(strstr(c1, "<figure>\n<img src=\"image-001.png\" alt=\"Segi empat merah\"/>\n"
                             "<figcaption>Gambar ujian</figcaption>\n</figure>"));
  assert_non_null(strstr(c1, "<a href=\"https://example.com/x.png\">gambar jauh</a>"));
  assert_non_null(strstr(c1, "<blockquote>\n<p>Petikan.</p>\n</blockquote>"));
  assert_non_null(strstr(c1, "id=\"page-7\" title=\"7\" aria-label=\"Halaman 7\"></span><hr/>"));
  assert_non_null(strstr(
      c1, "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" href=\"#fn-1\" id=\"fn-ref-1\">1</a></sup>"));
  assert_non_null(strstr(
      c1,
      "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-1\" aria-label=\"Nota kaki 1\">\n"
      "<p><a href=\"#fn-ref-1\" role=\"doc-backlink\" title=\"Kembali ke teks\">1</a>. Nota pertama.</p>"));
  assert_int_equal(count(c1, "<section"), count(c1, "</section>"));
  assert_int_equal(count(c1, "epub:type=\"pagebreak\""), 7);
  free(c1);

  /* Chapter 2: its own language, a cross-chapter note reference, the deep part flattened. */
  char *c2 = entry(za, "OEBPS/chapter-002.xhtml");
  assert_non_null(strstr(c2, "lang=\"en\" xml:lang=\"en\""));
  assert_non_null(strstr(c2, "href=\"chapter-001.xhtml#fn-1\" id=\"fn-ref-1-2\">1</a>"));
  assert_non_null(strstr(c2, "href=\"#fn-2\" id=\"fn-ref-2\">2</a>"));
  assert_non_null(strstr(c2, "id=\"fn-2\" aria-label=\"Footnote 2\""));
  assert_non_null(strstr(c2, "<span id=\"deep-inside\"></span>Deep inside"));
  assert_non_null(
      strstr(c2, "deep <span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-9\" title=\"9\" "
                 "aria-label=\"Page 9\"></span><span epub:type=\"pagebreak\" role=\"doc-pagebreak\" "
                 "id=\"page-10\" title=\"10\" aria-label=\"Page 10\"></span>text here"));
  assert_true(max_depth(c2) <= TB_EPUB_MAX_DEPTH + 3);
  assert_int_equal(count(c2, "<blockquote>"), count(c2, "</blockquote>"));
  free(c2);

  char *c3 = entry(za, "OEBPS/chapter-003.xhtml");
  assert_non_null(strstr(c3, "<title>Ujian Terbit &amp; &lt;Kawan&gt;</title>"));
  assert_non_null(strstr(c3, "id=\"page-11\""));
  free(c3);

  char *tp = entry(za, "OEBPS/titlepage.xhtml");
  assert_non_null(strstr(tp, "<p class=\"date\">5 Mac 2024</p>"));
  assert_non_null(strstr(tp, "<p class=\"author\">Ali bin Abu</p>"));
  assert_non_null(strstr(tp, "<p class=\"category\">Teknologi</p>"));
  free(tp);

  char *svg = entry(za, "OEBPS/cover.svg");
  assert_non_null(strstr(svg, "<title>Ujian Terbit &amp; &lt;Kawan&gt;</title>"));
  free(svg);
  char *cover = entry(za, "OEBPS/cover.xhtml");
  assert_non_null(
      strstr(cover, "<img role=\"doc-cover\" src=\"cover.svg\" alt=\"Ujian Terbit &amp; &lt;Kawan&gt;\"/>"));
  free(cover);

  zip_close(za);
  unlink(path);
  teardown_fixture(&fx);
}

static void test_deterministic(void **state) {
  (void)state;
  fixture fx;
  build(&fx);
  tb_epub_opts o = opts_for(&fx);
  char a[128], b[128];
  snprintf(a, sizeof a, "%s/a.epub", fx.dir);
  snprintf(b, sizeof b, "%s/b.epub", fx.dir);
  const char *old = getenv("TZ");
  char *saved = old ? strdup(old) : NULL;

  size_t la, lb;
  write_book(fx.doc, &o, a, false);
  char *da = read_all(a, &la);
  write_book(fx.doc, &o, b, false);
  char *db = read_all(b, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(da, db, la);
  free(db);

  static const char *zones[] = {"Asia/Kuala_Lumpur", "America/New_York", "UTC"};
  for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
    setenv("TZ", zones[i], 1);
    tzset();
    write_book(fx.doc, &o, b, false);
    db = read_all(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(da, db, la);
    free(db);
  }
  free(da);

  /* 2018-11-04 00:00 does not exist in São Paulo (DST began at midnight): libzip's local-time
   * round trip would shift it, the writer must not. */
  fx.doc->epoch = 1541289600LL;
  setenv("TZ", "UTC", 1);
  tzset();
  write_book(fx.doc, &o, a, false);
  da = read_all(a, &la);
  setenv("TZ", "America/Sao_Paulo", 1);
  tzset();
  write_book(fx.doc, &o, b, false);
  db = read_all(b, &lb);
  assert_string_equal(getenv("TZ"), "America/Sao_Paulo"); /* restored */
  assert_int_equal(la, lb);
  assert_memory_equal(da, db, la);
  free(da);
  free(db);

  if (saved)
    setenv("TZ", saved, 1);
  else
    unsetenv("TZ");
  tzset();
  free(saved);
  unlink(a);
  unlink(b);
  teardown_fixture(&fx);
}

static void test_no_pages(void **state) {
  (void)state;
  fixture fx;
  build(&fx);
  tb_epub_opts o = opts_for(&fx);
  o.pages = NULL;
  o.npages = 0;
  char path[128];
  snprintf(path, sizeof path, "%s/np.epub", fx.dir);
  write_book(fx.doc, &o, path, false);
  int zerr;
  zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  char *nav = entry(za, "OEBPS/nav.xhtml");
  assert_null(strstr(nav, "page-list"));
  free(nav);
  char *opf = entry(za, "OEBPS/content.opf");
  assert_null(strstr(opf, "printPageNumbers"));
  assert_null(strstr(opf, "dc:source"));
  free(opf);
  char *ncx = entry(za, "OEBPS/toc.ncx");
  assert_null(strstr(ncx, "<pageList>"));
  assert_non_null(strstr(ncx, "dtb:totalPageCount\" content=\"0\""));
  free(ncx);
  char *c1 = entry(za, "OEBPS/chapter-001.xhtml");
  assert_null(strstr(c1, "pagebreak"));
  free(c1);
  zip_close(za);
  unlink(path);
  teardown_fixture(&fx);
}

static void test_given_cover(void **state) {
  (void)state;
  fixture fx;
  build(&fx);
  fx.doc->meta.cover = fx.png;
  tb_epub_opts o = opts_for(&fx);
  char path[128];
  snprintf(path, sizeof path, "%s/cv.epub", fx.dir);
  write_book(fx.doc, &o, path, false);
  int zerr;
  zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  assert_int_equal(zip_name_locate(za, "OEBPS/cover.svg", 0), -1);
  assert_int_equal(zip_name_locate(za, "OEBPS/cover.png", 0), 7);
  char *opf = entry(za, "OEBPS/content.opf");
  assert_non_null(strstr(opf, "href=\"cover.png\" media-type=\"image/png\" properties=\"cover-image\""));
  free(opf);
  zip_close(za);

  /* The bytes decide the type: a JPEG behind a .png name is cover.jpg, image/jpeg. */
  FILE *f = fopen(fx.png, "wb");
  assert_non_null(f);
  fwrite("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 1, 11, f);
  fclose(f);
  write_book(fx.doc, &o, path, false);
  za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  assert_int_equal(zip_name_locate(za, "OEBPS/cover.jpg", 0), 7);
  assert_true(zip_name_locate(za, "OEBPS/image-001.jpg", 0) > 0);
  opf = entry(za, "OEBPS/content.opf");
  assert_non_null(strstr(opf, "href=\"cover.jpg\" media-type=\"image/jpeg\" properties=\"cover-image\""));
  assert_non_null(strstr(opf, "href=\"image-001.jpg\" media-type=\"image/jpeg\""));
  free(opf);
  zip_close(za);
  unlink(path);
  teardown_fixture(&fx);
}

static void test_errors(void **state) {
  (void)state;
  fixture fx;
  build(&fx);
  tb_epub_opts o = opts_for(&fx);
  char path[128];
  snprintf(path, sizeof path, "%s/err.epub", fx.dir);
  tb_error err;

  /* No stylesheet: an asset error, and no file left behind. */
  o.assets_dir = "/nonexistent-terbit-assets";
  tb_error_clear(&err);
  assert_int_equal(tb_epub_write(fx.doc, &o, path, &err), -1);
  assert_int_equal(err.code, TB_ERR_ASSET);
  assert_int_equal(access(path, F_OK), -1);
  o.assets_dir = TB_TEST_ASSETS_DIR;

  /* An unwritable place: the system's message in the error. */
  tb_error_clear(&err);
  assert_int_equal(tb_epub_write(fx.doc, &o, "/nonexistent-terbit-dir/x.epub", &err), -1);
  assert_int_equal(err.code, TB_ERR_IO);
  assert_non_null(strstr(err.msg, "No such file or directory"));

  /* An image that vanished, then one that is not an image. */
  unlink(fx.png);
  tb_error_clear(&err);
  assert_int_equal(tb_epub_write(fx.doc, &o, path, &err), -1);
  assert_int_equal(err.code, TB_ERR_IO);
  FILE *f = fopen(fx.png, "wb");
  assert_non_null(f);
  fputs("GIF89a not really", f);
  fclose(f);
  tb_error_clear(&err);
  assert_int_equal(tb_epub_write(fx.doc, &o, path, &err), -1);
  assert_int_equal(err.code, TB_ERR_IMAGE);

  /* No identifier. */
  fx.doc->uuid = NULL;
  tb_error_clear(&err);
  assert_int_equal(tb_epub_write(fx.doc, &o, path, &err), -1);
  assert_int_equal(err.code, TB_ERR_INPUT);
  assert_int_equal(tb_epub_write(fx.doc, &o, path, NULL), -1); /* err may be NULL */
  assert_int_equal(access(path, F_OK), -1);
  teardown_fixture(&fx);
}

static void test_escape(void **state) {
  (void)state;
  tb_buf b = {0};
  const char in[] =
      "a&b<c>d\"e'\t\n\r\x01\x7f|\xEF\xBF\xBE\xEF\xBF\xBF|\xC3\xA9|\xC3|\xED\xA0\x80|\xF0\x9F\x98\x80";
  tb_epub_escape(&b, in, sizeof in - 1);
  assert_string_equal(b.data, "a&amp;b&lt;c&gt;d&quot;e'\t\n\x7f||\xC3\xA9|\xEF\xBF\xBD|"
                              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xF0\x9F\x98\x80");
  tb_buf_free(&b);
}

static void test_empty_doc(void **state) {
  (void)state;
  /* No chapters at all: still a valid package (toc points at the title page). */
  char dir[] = "/tmp/test_epub_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/e.epub", dir);
  tb_doc *d = tb_doc_new();
  d->uuid = "urn:uuid:00000000-0000-4000-8000-000000000000";
  tb_epub_opts o = {TB_TEST_ASSETS_DIR, NULL, 0, NULL, NULL};
  write_book(d, &o, path, false);
  int zerr;
  zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  char *nav = entry(za, "OEBPS/nav.xhtml");
  assert_non_null(strstr(nav, "<a href=\"titlepage.xhtml\">Halaman judul</a>"));
  assert_null(strstr(nav, "bodymatter"));
  free(nav);
  char *opf = entry(za, "OEBPS/content.opf");
  assert_non_null(
      strstr(opf, "<dc:title id=\"title\">urn:uuid:00000000-0000-4000-8000-000000000000</dc:title>"));
  free(opf);
  zip_close(za);
  unlink(path);
  rmdir(dir);
  tb_doc_free(d);
}

/* The job renders chapters on a thread of its own as the pages are told, one at a time as the
 * layout tells them: the bytes are tb_epub_write's. The same without a thread; cancelled
 * half-way, it writes nothing (and leaks nothing: valgrind runs this test in CI).
 *
 * That the worker really works beside the producer is checked, not hoped for: sleeping between
 * pages asserted nothing (the worker could as well run after the last page on a busy machine).
 * tb_epub_job_wait blocks until the worker has rendered the chapters asked for, so after each
 * page the test waits for every chapter told complete so far: each chapter is then rendered by
 * the worker while the producer still holds the pages after it, in every run, and the bytes
 * must still be tb_epub_write's. (A worker that waited for the last page would hang here, and
 * ctest's timeout would fail the test.) */
static void test_job(void **state) {
  (void)state;
  fixture fx;
  build(&fx);
  tb_epub_opts o = opts_for(&fx);
  char a[128], b[128];
  snprintf(a, sizeof a, "%s/whole.epub", fx.dir);
  snprintf(b, sizeof b, "%s/job.epub", fx.dir);
  write_book(fx.doc, &o, a, false);
  size_t la, lb;
  char *da = read_all(a, &la);
  tb_epub_opts jo = o;
  jo.pages = NULL; /* the job is told its pages, it never reads these */
  jo.npages = 0;
  for (int threaded = 0; threaded < 2; threaded++) {
    tb_epub_job *j = tb_epub_job_start(fx.doc, &jo, threaded);
    size_t interleaved = 0; /* chapters the worker rendered while pages were still to come */
    for (size_t i = 0; i < fx.npages; i++) {
      int ch = fx.pages[i].chapter;
      size_t done = ch > 0 ? (size_t)ch : 0;
      tb_epub_job_pages(j, done, &fx.pages[i], 1);
      if (threaded) {
        assert_true(tb_epub_job_wait(j, done) >= done);
        interleaved = done;
      } else {
        assert_int_equal(tb_epub_job_wait(j, done), 0); /* no worker: nothing to wait for */
      }
    }
    if (threaded) /* every chapter but the last (3 chapters in the fixture) */
      assert_int_equal(interleaved, fx.doc->nchapters - 1);
    tb_epub_job_pages(j, fx.doc->nchapters, NULL, 0);
    tb_error err;
    tb_error_clear(&err);
    assert_int_equal(tb_epub_job_finish(j, b, &err), 0);
    char *db = read_all(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(da, db, la);
    free(db);
    unlink(b);
  }

  /* Cancelled once the worker has rendered the first chapter, with more pages told after. */
  tb_epub_job *j = tb_epub_job_start(fx.doc, &jo, true);
  tb_epub_job_pages(j, 1, fx.pages, 8);
  assert_int_equal(tb_epub_job_wait(j, 1), 1);
  tb_epub_job_pages(j, 1, fx.pages + 8, 2);
  tb_epub_job_cancel(j);
  tb_epub_job_cancel(NULL);
  assert_int_equal(access(b, F_OK), -1);

  /* The worker assembles the book after its last chapter: a stylesheet missing then is
   * reported by finish, and nothing is written. */
  tb_epub_opts bad = jo;
  bad.assets_dir = "/nonexistent-terbit-assets";
  j = tb_epub_job_start(fx.doc, &bad, true);
  tb_epub_job_pages(j, fx.doc->nchapters, fx.pages, fx.npages);
  /* The worker stops before finish only once it has assembled (and failed to): waiting past
   * the last chapter returns when it has stopped, so the failure is the worker's. */
  assert_int_equal(tb_epub_job_wait(j, SIZE_MAX), fx.doc->nchapters);
  tb_error e2;
  tb_error_clear(&e2);
  assert_int_equal(tb_epub_job_finish(j, b, &e2), -1);
  assert_int_equal(e2.code, TB_ERR_ASSET);
  assert_int_equal(access(b, F_OK), -1);

  /* A start that fails (no identifier) is reported by finish, and nothing is written. */
  const char *uuid = fx.doc->uuid;
  fx.doc->uuid = NULL;
  j = tb_epub_job_start(fx.doc, &jo, true);
  tb_epub_job_pages(j, fx.doc->nchapters, fx.pages, fx.npages);
  tb_error err;
  tb_error_clear(&err);
  assert_int_equal(tb_epub_job_finish(j, b, &err), -1);
  assert_int_equal(err.code, TB_ERR_INPUT);
  assert_int_equal(access(b, F_OK), -1);
  fx.doc->uuid = uuid;
  free(da);
  unlink(a);
  teardown_fixture(&fx);
}

/* An entry deflated by zip.c is the entry libzip would have written: the same archive, byte for
 * byte, whoever deflates. 300 KB of text with repeats near and far (past deflate's 32 KiB window),
 * a one-byte entry (larger deflated than stored) and an empty one. */
static void test_pack_same_as_libzip(void **state) {
  (void)state;
  static const char *words[] = {"pemasar",  "digital",  "strategi", "kandungan", "<p>", "&amp;",
                                "analitis", "khalayak", "\n",       "jenama",    "SEO", "media"};
  tb_buf text = {0};
  uint32_t x = 12345;
  while (text.len < 300000) {
    x = x * 1103515245u + 12345u;
    tb_buf_puts(&text, words[(x >> 16) % 12]);
    tb_buf_putc(&text, (char)(' ' + (x >> 28)));
  }
  char dir[] = "/tmp/test_pack_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char *bytes[2];
  size_t len[2];
  for (int packed = 0; packed < 2; packed++) {
    tb_epub_part parts[4];
    tb_epub_part_set(&parts[0], "", "mimetype", tb_xstrdup("application/epub+zip"), 20, true);
    tb_epub_part_set(&parts[1], "OEBPS/", "big.xhtml", tb_xstrndup(text.data, text.len), text.len, false);
    tb_epub_part_set(&parts[2], "OEBPS/", "one.css", tb_xstrdup("x"), 1, false);
    tb_epub_part_set(&parts[3], "OEBPS/", "empty.css", tb_xstrdup(""), 0, false);
    if (packed) {
      tb_epub_deflater *d = tb_epub_deflater_new();
      for (int i = 0; i < 4; i++)
        tb_epub_part_pack(d, &parts[i]);
      tb_epub_deflater_free(d);
      assert_true(parts[1].packed && parts[2].packed && !parts[0].packed && !parts[3].packed);
      assert_true(parts[1].len < text.len / 2);
      assert_int_equal(parts[1].size, text.len);
    }
    char path[128];
    snprintf(path, sizeof path, "%s/%d.zip", dir, packed);
    tb_error err;
    tb_error_clear(&err);
    assert_int_equal(tb_epub_zip_write(parts, 4, EPOCH_2024_03_05, path, &err), 0);
    for (int i = 0; i < 4; i++)
      assert_null(parts[i].data); /* libzip took them all */
    bytes[packed] = read_all(path, &len[packed]);
    unlink(path);
  }
  assert_int_equal(len[0], len[1]);
  assert_memory_equal(bytes[0], bytes[1], len[0]);
  free(bytes[0]);
  free(bytes[1]);
  tb_buf_free(&text);
  rmdir(dir);
}

int main(void) {
  tb_warn_set_quiet(1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escape),
      cmocka_unit_test(test_entries),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_no_pages),
      cmocka_unit_test(test_given_cover),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_empty_doc),
      cmocka_unit_test(test_job),
      cmocka_unit_test(test_pack_same_as_libzip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
