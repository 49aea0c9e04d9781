// floor_epub.c -- the EPUB floor of tests/bench/run.sh: the least a libzip program must do to
// ship the same text as XHTML chapters in a zip.
//
//   floor_epub -o OUT.epub [-l LEVEL] SOURCE...
//
// Reads the sources the way terbit splits them into chapters (floor_common.h), writes one XHTML
// file per chapter (headings as <hN>, paragraphs and list items as <p>, text escaped for XML:
// & < > "), and zips them with libzip: "mimetype" first and stored, the chapters deflated at
// LEVEL (default 6, zlib's default; terbit's src/epub/zip.c deflates at 3, TB_DEFLATE_LEVEL: the
// floor's published numbers were measured at 6). Nothing else: no package document, navigation,
// NCX, cover, title page, ids, page markers or footnotes.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "floor_common.h"

typedef struct buf {
  char *d;
  size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->d = fl_xrealloc(b->d, b->cap);
  }
  memcpy(b->d + b->n, s, n);
  b->n += n;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void escape(buf *b, const char *s) {
  const char *run = s;
  for (; *s; s++) {
    const char *ent = NULL;
    switch (*s) {
    case '&': ent = "&amp;"; break;
    case '<': ent = "&lt;"; break;
    case '>': ent = "&gt;"; break;
    case '"': ent = "&quot;"; break;
    default: continue;
    }
    put(b, run, (size_t)(s - run));
    puts_(b, ent);
    run = s + 1;
  }
  put(b, run, (size_t)(s - run));
}

static void die_zip(zip_t *za, const char *what) {
  fprintf(stderr, "floor_epub: %s: %s\n", what, zip_strerror(za));
  exit(3);
}

static void add(zip_t *za, const char *name, char *data, size_t len, int store, int level) {
  zip_source_t *src = zip_source_buffer(za, data, len, 1);
  if (!src)
    die_zip(za, name);
  zip_int64_t idx = zip_file_add(za, name, src, 0);
  if (idx < 0)
    die_zip(za, name);
  if (zip_set_file_compression(za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                               store ? 0 : (zip_uint32_t)level) < 0)
    die_zip(za, name);
}

int main(int argc, char **argv) {
  const char *out = NULL;
  int level = 6, i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc)
      out = argv[++i];
    else if (!strcmp(argv[i], "-l") && i + 1 < argc)
      level = atoi(argv[++i]);
    else
      break;
  }
  if (!out || i >= argc) {
    fprintf(stderr, "usage: floor_epub -o OUT.epub [-l LEVEL] SOURCE...\n");
    return 2;
  }
  fl_book bk;
  fl_load(&bk, argv + i, argc - i);

  int err = 0;
  zip_t *za = zip_open(out, ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!za) {
    fprintf(stderr, "floor_epub: cannot create %s (libzip error %d)\n", out, err);
    return 3;
  }
  char *mt = strdup("application/epub+zip");
  add(za, "mimetype", mt, strlen(mt), 1, 0);

  size_t b = 0, total = 0;
  for (int ch = 0; ch < bk.nchapters; ch++) {
    buf x = {0};
    puts_(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
              "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>");
    if (b < bk.n && bk.b[b].kind == FL_HEADING)
      escape(&x, bk.b[b].text);
    puts_(&x, "</title></head>\n<body>\n");
    for (; b < bk.n && bk.b[b].chapter == ch; b++) {
      const fl_block *bl = &bk.b[b];
      char tag[8];
      snprintf(tag, sizeof tag, bl->kind == FL_HEADING ? "h%d" : "p", bl->level);
      puts_(&x, "<");
      puts_(&x, tag);
      puts_(&x, ">");
      escape(&x, bl->text);
      puts_(&x, "</");
      puts_(&x, tag);
      puts_(&x, ">\n");
    }
    puts_(&x, "</body>\n</html>\n");
    char name[64];
    snprintf(name, sizeof name, "OEBPS/chapter-%03d.xhtml", ch + 1);
    total += x.n;
    add(za, name, x.d, x.n, 0, level);
  }
  if (zip_close(za) < 0)
    die_zip(za, "cannot write the zip");
  fprintf(stderr, "floor_epub: %d chapters, %zu bytes of XHTML, level %d\n", bk.nchapters, total, level);
  fl_free(&bk);
  return 0;
}
