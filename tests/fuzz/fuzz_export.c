// fuzz_export.c -- libFuzzer/AFL++ target: bytes → load → layout → PDF and EPUB (temporary files).
//
// The fonts are loaded once (static). Images resolve against TB_FUZZ_IMAGE_DIR (tests/fuzz/images:
// a good PNG and JPEG, a corrupt PNG, a truncated JPEG, a text file named .png), so the painter's
// and the EPUB writer's image paths are exercised. Each input is written to one PDF and one EPUB in
// a private temporary folder, reused and removed at exit.
//
// Besides the sanitizers, checks: a PDF write fails only for an image it cannot embed; the PDF
// has a header and a trailer; an EPUB write fails only for an image or cover; and, when built
// with libxml2 (TB_FUZZ_XML), every XHTML/OPF/NCX/SVG entry of the EPUB parses as XML with no
// <script> element, no on* event attribute and no javascript: link, mimetype first and stored.
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "epub/epub.h"
#include "fuzz_common.h"
#include "known_bugs.h"
#include "input/load.h"
#include "layout/layout.h"
#include "pdf/pdf.h"
#include "util/error.h"

#ifdef TB_FUZZ_XML
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <strings.h>
#include <zip.h>
#endif

#ifndef TB_FUZZ_ASSETS_DIR
#define TB_FUZZ_ASSETS_DIR "assets"
#endif
#ifndef TB_FUZZ_IMAGE_DIR
#define TB_FUZZ_IMAGE_DIR "tests/fuzz/images"
#endif

#define CHECK(cond)                                                                                          \
  do {                                                                                                       \
    if (!(cond)) {                                                                                           \
      fprintf(stderr, "fuzz_export: contract broken: %s (line %d)\n", #cond, __LINE__);                      \
      abort();                                                                                               \
    }                                                                                                        \
  } while (0)

static tb_fonts fonts;
static const char *assets_dir;
static char tmp_dir[256], pdf_path[300], epub_path[300];

static void cleanup(void) {
  unlink(pdf_path);
  unlink(epub_path);
  rmdir(tmp_dir);
}

static void init_once(void) {
  tb_warn_set_quiet(1);
  assets_dir = getenv("TB_FUZZ_ASSETS");
  if (!assets_dir || !*assets_dir)
    assets_dir = TB_FUZZ_ASSETS_DIR;
  tb_error err;
  tb_error_clear(&err);
  if (tb_fonts_load(&fonts, assets_dir, &err) != 0) {
    tb_error_print(&err);
    abort();
  }
  const char *t = getenv("TMPDIR");
  snprintf(tmp_dir, sizeof tmp_dir, "%s/terbit-fuzz-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(tmp_dir)) {
    perror("fuzz_export: mkdtemp");
    abort();
  }
  snprintf(pdf_path, sizeof pdf_path, "%s/out.pdf", tmp_dir);
  snprintf(epub_path, sizeof epub_path, "%s/out.epub", tmp_dir);
  atexit(cleanup);
#ifdef TB_FUZZ_XML
  xmlInitParser();
#endif
}

/* The PDF starts with its header and ends with its trailer. */
static void check_pdf(const char *path) {
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  char head[8] = {0}, tail[64] = {0};
  CHECK(fread(head, 1, 5, f) == 5);
  CHECK(memcmp(head, "%PDF-", 5) == 0);
  CHECK(fseek(f, -(long)(sizeof tail - 1), SEEK_END) == 0);
  size_t n = fread(tail, 1, sizeof tail - 1, f);
  tail[n] = 0;
  /* memmem: the tail may hold the end of a compressed stream (the structure tree's update) */
  CHECK(memmem(tail, n, "%%EOF", 5) != NULL);
  fclose(f);
}

#ifdef TB_FUZZ_XML
static void ignore_xml_error(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
}

/* No scripting in the EPUB's markup, whatever the Markdown said. */
static void check_no_script(const xmlNode *n, const char *entry) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (!strcasecmp((const char *)n->name, "script")) {
      fprintf(stderr, "fuzz_export: <script> element in %s\n", entry);
      abort();
    }
    for (const xmlAttr *a = n->properties; a; a = a->next) {
      const char *an = (const char *)a->name;
      if (!strncasecmp(an, "on", 2)) {
        fprintf(stderr, "fuzz_export: event attribute %s on <%s> in %s\n", an, n->name, entry);
        abort();
      }
      if (!strcasecmp(an, "href") || !strcasecmp(an, "src")) {
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        const char *s = v ? (const char *)v : "";
        while (*s && (unsigned char)*s <= ' ')
          s++;
        if (!strncasecmp(s, "javascript:", 11) || !strncasecmp(s, "vbscript:", 9)) {
          fprintf(stderr, "fuzz_export: script link '%s' in %s\n", s, entry);
          abort();
        }
        xmlFree(v);
      }
    }
    check_no_script(n->children, entry);
  }
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && !strcmp(s + n - k, suffix);
}

static void check_epub(const char *path) {
  int zerr = 0;
  zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
  if (!za) {
    fprintf(stderr, "fuzz_export: the EPUB does not open as a zip (libzip error %d)\n", zerr);
    abort();
  }
  zip_int64_t n = zip_get_num_entries(za, 0);
  CHECK(n > 0);
  zip_stat_t st;
  CHECK(zip_stat_index(za, 0, 0, &st) == 0);
  CHECK(!strcmp(st.name, "mimetype") && st.comp_method == ZIP_CM_STORE);
  xmlSetGenericErrorFunc(NULL, ignore_xml_error);
  for (zip_int64_t i = 0; i < n; i++) {
    CHECK(zip_stat_index(za, (zip_uint64_t)i, 0, &st) == 0);
    if (!ends_with(st.name, ".xhtml") && !ends_with(st.name, ".opf") && !ends_with(st.name, ".ncx") &&
        !ends_with(st.name, ".xml") && !ends_with(st.name, ".svg"))
      continue;
    char *buf = malloc(st.size + 1);
    CHECK(buf != NULL);
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
    CHECK(zf != NULL);
    CHECK(zip_fread(zf, buf, st.size) == (zip_int64_t)st.size);
    zip_fclose(zf);
    xmlDocPtr x = xmlReadMemory(buf, (int)st.size, st.name, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!x) {
      const xmlError *e = xmlGetLastError();
      fprintf(stderr, "fuzz_export: %s is not well-formed XML: line %d: %s", st.name, e ? e->line : 0,
              e && e->message ? e->message : "?\n");
      abort();
    }
    check_no_script(xmlDocGetRootElement(x), st.name);
    xmlFreeDoc(x);
    free(buf);
  }
  zip_close(za);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    init_once();
    ready = 1;
  }
  if (tb_fuzz_known_bug(data, size))
    return 0;
  tb_error err;
  tb_error_clear(&err);
  tb_doc *doc = tb_load_memory("fuzz.md", TB_FUZZ_IMAGE_DIR, (const char *)data, size, &err);
  if (!doc)
    return 0;
  /* the paper follows the input, so every size gets its share */
  tb_layout_opts lopts = {(tb_paper)(size % 3), assets_dir, false, NULL, NULL};
  tb_layout *lo = tb_layout_new(doc, &fonts, &lopts, &err);
  CHECK(lo != NULL); /* layout fails only on missing assets, loaded above */

  tb_pdf_opts po = {"terbit fuzz"};
  unlink(pdf_path);
  if (tb_pdf_write(doc, lo, &fonts, &po, pdf_path, &err) == 0)
    check_pdf(pdf_path);
  else if (err.code != TB_ERR_IMAGE) {
    tb_error_print(&err);
    CHECK(!"the PDF failed for a document that loaded and laid out");
  }

  tb_error_clear(&err);
  tb_epub_opts eo = {assets_dir, lo->info, lo->npages, "terbit fuzz PDF", "terbit fuzz"};
  unlink(epub_path);
  if (tb_epub_write(doc, &eo, epub_path, &err) == 0) {
#ifdef TB_FUZZ_XML
    check_epub(epub_path);
#endif
  } else if (err.code != TB_ERR_IMAGE && !(err.code == TB_ERR_IO && doc->meta.cover)) {
    tb_error_print(&err);
    CHECK(!"the EPUB failed for a document that loaded and laid out");
  }
  tb_layout_free(lo);
  tb_doc_free(doc);
  return 0;
}
