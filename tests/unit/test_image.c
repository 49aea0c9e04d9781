// test_image.c -- images are checked through before a backend sees them (libpng aborts the
// process on a corrupt PNG inside libharu), and never leave the source's folder.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "input/image.h"
#include "util/error.h"

static char dir[64];

static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* Writes a chunk (length, type, data, CRC) at o; returns the new end. */
static size_t chunk(unsigned char *o, size_t at, const char *type, const unsigned char *data, size_t n) {
  put32(o + at, (uint32_t)n);
  memcpy(o + at + 4, type, 4);
  if (n)
    memcpy(o + at + 8, data, n);
  put32(o + at + 8 + n, (uint32_t)crc32(crc32(0, NULL, 0), o + at + 4, (uInt)(n + 4)));
  return at + 12 + n;
}

/* A w x h RGB PNG; `cut` bytes are removed from the end of the compressed pixels (with a
 * correct CRC, so only the inflate check can see it). */
static size_t make_png(unsigned char *o, unsigned w, unsigned h, size_t cut) {
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  memcpy(o, sig, 8);
  unsigned char ihdr[13];
  put32(ihdr, w);
  put32(ihdr + 4, h);
  ihdr[8] = 8, ihdr[9] = 2, ihdr[10] = 0, ihdr[11] = 0, ihdr[12] = 0;
  size_t at = chunk(o, 8, "IHDR", ihdr, 13);
  size_t rawlen = h * (1 + 3 * w);
  unsigned char *raw = calloc(rawlen, 1);
  uLongf zlen = compressBound(rawlen);
  unsigned char *z = malloc(zlen);
  compress(z, &zlen, raw, rawlen);
  at = chunk(o, at, "IDAT", z, zlen - cut);
  at = chunk(o, at, "IEND", NULL, 0);
  free(raw);
  free(z);
  return at;
}

static void write_file(const char *name, const unsigned char *d, size_t n) {
  char p[128];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  fwrite(d, 1, n, f);
  fclose(f);
}

static bool resolves(tb_doc *doc, const char *name) {
  tb_node *img = tb_node_new(doc, TB_NODE_IMAGE);
  img->as.link.url = name;
  tb_image_resolve(doc, img, "t.md", dir);
  return img->image.path != NULL;
}

static void test_png_checked_through(void **state) {
  (void)state;
  unsigned char buf[4096];
  tb_doc *doc = tb_doc_new();
  size_t n = make_png(buf, 20, 10, 0);
  write_file("good.png", buf, n);
  assert_true(resolves(doc, "good.png"));
  n = make_png(buf, 20, 10, 3); /* pixels cut short, CRC right */
  write_file("short.png", buf, n);
  assert_false(resolves(doc, "short.png"));
  n = make_png(buf, 20, 10, 0);
  buf[n - 20] ^= 0x55; /* a flipped byte: CRC wrong */
  write_file("flipped.png", buf, n);
  assert_false(resolves(doc, "flipped.png"));
  write_file("half.png", buf, n / 2);
  assert_false(resolves(doc, "half.png"));
  tb_doc_free(doc);
}

static void test_jpeg_must_be_complete(void **state) {
  (void)state;
  /* SOI, SOF0 (8x8, 1 component), SOS header, a little data, EOI */
  static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00,
                                      0x08, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xDA, 0x00, 0x08, 0x01,
                                      0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34, 0xFF, 0xD9};
  tb_doc *doc = tb_doc_new();
  write_file("whole.jpg", jpg, sizeof jpg);
  assert_true(resolves(doc, "whole.jpg"));
  write_file("cut.jpg", jpg, sizeof jpg - 4);
  assert_false(resolves(doc, "cut.jpg"));
  tb_doc_free(doc);
}

/* One sniffer: the signature names the kind (what the EPUB writer goes by); tb_image_sniff also
 * needs the size (what the importer goes by), and resolving records the kind on the node. */
static void test_kinds(void **state) {
  (void)state;
  unsigned char png[4096];
  size_t n = make_png(png, 20, 10, 0);
  static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x06, 0x00,
                                      0x07, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xDA, 0x00, 0x08, 0x01,
                                      0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34, 0xFF, 0xD9};
  assert_int_equal(tb_image_kind_of(png, n), TB_IMAGE_PNG);
  assert_int_equal(tb_image_kind_of(png, 8), TB_IMAGE_PNG);
  assert_int_equal(tb_image_kind_of(png, 7), TB_IMAGE_NONE);
  assert_int_equal(tb_image_kind_of(jpg, sizeof jpg), TB_IMAGE_JPEG);
  assert_int_equal(tb_image_kind_of(jpg, 3), TB_IMAGE_JPEG);
  assert_int_equal(tb_image_kind_of(jpg, 2), TB_IMAGE_NONE);
  assert_int_equal(tb_image_kind_of((const unsigned char *)"\xFF\xD8\x00", 3), TB_IMAGE_NONE);
  assert_int_equal(tb_image_kind_of((const unsigned char *)"GIF89a", 6), TB_IMAGE_NONE);

  int w = 0, h = 0;
  assert_int_equal(tb_image_sniff(png, n, &w, &h), TB_IMAGE_PNG);
  assert_int_equal(w, 20);
  assert_int_equal(h, 10);
  assert_int_equal(tb_image_sniff(jpg, sizeof jpg, &w, &h), TB_IMAGE_JPEG);
  assert_int_equal(w, 7);
  assert_int_equal(h, 6);
  /* the signature alone is no image to the importer: no size */
  assert_int_equal(tb_image_sniff(png, 32, &w, &h), TB_IMAGE_NONE);
  assert_int_equal(tb_image_sniff(jpg, 11, &w, &h), TB_IMAGE_NONE);

  assert_string_equal(tb_image_media_type(TB_IMAGE_PNG), "image/png");
  assert_string_equal(tb_image_media_type(TB_IMAGE_JPEG), "image/jpeg");
  assert_null(tb_image_media_type(TB_IMAGE_NONE));
  assert_string_equal(tb_image_ext(TB_IMAGE_PNG), "png");
  assert_string_equal(tb_image_ext(TB_IMAGE_JPEG), "jpg");
  assert_null(tb_image_ext(TB_IMAGE_NONE));

  tb_doc *doc = tb_doc_new();
  write_file("kind.png", png, n);
  write_file("kind.jpg", jpg, sizeof jpg);
  tb_node *img = tb_node_new(doc, TB_NODE_IMAGE);
  img->as.link.url = "kind.png";
  tb_image_resolve(doc, img, "t.md", dir);
  assert_int_equal(img->image.kind, TB_IMAGE_PNG);
  img = tb_node_new(doc, TB_NODE_IMAGE);
  img->as.link.url = "kind.jpg";
  tb_image_resolve(doc, img, "t.md", dir);
  assert_int_equal(img->image.kind, TB_IMAGE_JPEG);
  assert_int_equal(img->image.width, 7);
  img = tb_node_new(doc, TB_NODE_IMAGE);
  img->as.link.url = "missing.png";
  tb_image_resolve(doc, img, "t.md", dir);
  assert_int_equal(img->image.kind, TB_IMAGE_NONE);
  tb_doc_free(doc);
}

static void test_never_outside_the_folder(void **state) {
  (void)state;
  tb_doc *doc = tb_doc_new();
  char link[128];
  snprintf(link, sizeof link, "%s/out.png", dir);
  assert_int_equal(symlink("/etc/passwd", link), 0);
  assert_false(resolves(doc, "out.png"));
  assert_false(resolves(doc, "../../etc/passwd"));
  assert_false(resolves(doc, "/etc/passwd"));
  assert_false(resolves(doc, "https://example.com/a.png"));
  tb_doc_free(doc);
}

/* A path longer than PATH_MAX was cut when decoded: "././.../good.pngXXXX" then named
 * good.png, another file than the one written. It is refused now. */
static void test_overlong_path_is_not_cut(void **state) {
  (void)state;
  unsigned char buf[4096];
  tb_doc *doc = tb_doc_new();
  size_t n = make_png(buf, 20, 10, 0);
  write_file("good.png", buf, n);
  static char url[PATH_MAX + 64];
  size_t o = 0;
  while (o + 2 + 1 + 8 <= PATH_MAX - 1) {
    memcpy(url + o, "./", 2);
    o += 2;
  }
  while (o + 8 < PATH_MAX - 1)
    url[o++] = '/';
  memcpy(url + o, "good.png", 8); /* ends exactly where a PATH_MAX buffer is full */
  o += 8;
  assert_int_equal(o, PATH_MAX - 1);
  url[o] = 0;
  assert_true(resolves(doc, url)); /* the longest path that fits is still a path */
  memcpy(url + o, "-not-this-one", 14);
  assert_false(resolves(doc, url));
  tb_doc_free(doc);
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/tb-image-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  const char *names[] = {"good.png",  "short.png", "flipped.png", "half.png",
                         "whole.jpg", "cut.jpg",   "out.png"};
  char p[128];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    unlink(p);
  }
  return rmdir(dir);
}

int main(void) {
  tb_warn_set_quiet(1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_png_checked_through),
      cmocka_unit_test(test_jpeg_must_be_complete),
      cmocka_unit_test(test_kinds),
      cmocka_unit_test(test_overlong_path_is_not_cut),
      cmocka_unit_test(test_never_outside_the_folder),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
