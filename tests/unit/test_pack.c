// test_pack.c -- the PDF's final pass (src/pdf/pack.c) and font subsetter (src/pdf/subset.c):
// dictionaries lose only the white space a reader does not need, strings none; a file in
// libharu's form is written again with its dictionaries in an object stream, its streams with a
// direct /Length (their /Length objects gone), a hooked object replaced, and one cross-reference
// stream whose every entry points where it says; a subset keeps its glyph ids, the glyphs asked
// for and their components, and drops the tables a PDF reader does not draw with.
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pdf/pack.h"
#include "pdf/subset.h"

static void test_minify(void **state) {
  (void)state;
  static const char in[] = "<<\n/Type /Page\n/MediaBox [ 0 0 595.276 841.89001 ]\n/T (a  b\\) (c) \n)"
                           "\n/ID <AB CD>\n/K [ 1 0 R 2 0 R ]\n/D << /S /r\n/St 1 >>\n>>";
  tb_buf b = {0};
  tb_pack_minify(&b, in, sizeof in - 1);
  assert_string_equal(b.data, "<</Type/Page/MediaBox[0 0 595.276 841.89001]/T(a  b\\) (c) \n)/ID<AB CD>"
                              "/K[1 0 R 2 0 R]/D<</S/r/St 1>>>>");
  tb_buf_clear(&b);
  tb_pack_minify(&b, "1676\n", 5);
  assert_string_equal(b.data, "1676");
  tb_buf_free(&b);
}

/* A file as libharu writes one: a catalog, a stream whose /Length is object 3, a page to replace. */
static size_t libharu_file(char *out, size_t cap) {
  static const char *const objs[] = {
      "1 0 obj\n<<\n/Type /Catalog\n/Pages 4 0 R\n>>\nendobj\n",
      ("2 0 obj\n<<\n/Length 3 0 R\n/Filter [ /FlateDecode ]\n>>\nstream\r\nendobj "
       "endstream\nendstream\nendobj\n"), /* one object: a stream whose data holds "endobj" */
      "3 0 obj\n17\nendobj\n",
      "4 0 obj\n<<\n/Type /Pages\n/Count 0\n>>\nendobj\n",
  };
  size_t off[5], n = (size_t)snprintf(out, cap, "%%PDF-1.5\n%%\xB7\xBE\xAD\xAA\n");
  for (int i = 0; i < 4; i++) {
    off[i + 1] = n;
    n += (size_t)snprintf(out + n, cap - n, "%s", objs[i]);
  }
  size_t x = n;
  n += (size_t)snprintf(out + n, cap - n, "xref\n0 5\n0000000000 65535 f\r\n");
  for (int i = 1; i <= 4; i++)
    n += (size_t)snprintf(out + n, cap - n, "%010zu 00000 n\r\n", off[i]);
  n += (size_t)snprintf(out + n, cap - n, "trailer\n<<\n/Root 1 0 R\n/Size 5\n>>\nstartxref\n%zu\n%%%%EOF\n",
                        x);
  return n;
}

static int hook(void *user, tb_pack *p, unsigned num) {
  (void)user;
  if (num != 4)
    return 0;
  tb_pack_obj(p, 4, "<</Type/Pages/Count 0/Kids[]>>", 30);
  return 1;
}

static unsigned long be(const unsigned char *p, int n) {
  unsigned long v = 0;
  for (int i = 0; i < n; i++)
    v = v << 8 | p[i];
  return v;
}

static void test_copy(void **state) {
  (void)state;
  char in[2048];
  size_t n = libharu_file(in, sizeof in);
  assert_int_equal(tb_pack_size(in, n), 5);
  FILE *fp = tmpfile();
  assert_non_null(fp);
  tb_pack *p = tb_pack_new(fp, 5);
  assert_int_equal(tb_pack_copy(p, in, n, hook, NULL), 0);
  assert_int_equal(tb_pack_end(p, 1, 0, NULL), 0);
  tb_pack_free(p);
  size_t len = (size_t)ftell(fp);
  char *out = malloc(len + 1);
  rewind(fp);
  assert_int_equal(fread(out, 1, len, fp), len);
  fclose(fp);
  out[len] = 0;

  assert_memory_equal(out, "%PDF-1.5\n", 9);
  /* the stream: its bytes as they were (an "endobj" inside included), its /Length direct */
  static const char stream[] =
      "2 0 obj\n<</Filter[/FlateDecode]/Length 17>>\nstream\nendobj endstream\n\nendstream";
  assert_non_null(memmem(out, len, stream, sizeof stream - 1));
  assert_null(memmem(out, len, "\nxref\n", 6)); /* no classic table */
  /* the cross-reference stream: at startxref, 7 objects (the object stream 5, itself 6) */
  const char *sx = memmem(out, len, "startxref\n", 10);
  assert_non_null(sx);
  long at = strtol(sx + 10, NULL, 10);
  assert_memory_equal(out + at, "6 0 obj\n<</Type/XRef/Size 7/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length ",
                      73);
  long zlen = strtol(out + at + 73, NULL, 10);
  const char *z = strstr(out + at, "stream\n") + 7;
  unsigned char rows[7 * 7];
  uLongf got = sizeof rows;
  assert_int_equal(uncompress(rows, &got, (const Bytef *)z, (uLong)zlen), Z_OK);
  assert_int_equal(got, sizeof rows);
  assert_int_equal(rows[0], 0); /* 0: free */
  assert_int_equal(rows[7], 2); /* 1: the catalog, in object stream 5, first */
  assert_int_equal(be(rows + 8, 4), 5);
  assert_int_equal(be(rows + 12, 2), 0);
  assert_int_equal(rows[14], 1); /* 2: the stream, where it says */
  assert_memory_equal(out + be(rows + 15, 4), "2 0 obj\n", 8);
  assert_int_equal(rows[21], 0); /* 3: its /Length object, gone */
  assert_int_equal(rows[28], 2); /* 4: the hook's, second in the object stream */
  assert_int_equal(be(rows + 33, 2), 1);
  assert_int_equal(rows[35], 1); /* 5: the object stream */
  assert_memory_equal(out + be(rows + 36, 4), "5 0 obj\n<</Type/ObjStm/N 2/First ", 33);
  assert_int_equal(rows[42], 1); /* 6: the cross-reference stream */
  assert_int_equal((long)be(rows + 43, 4), at);
  /* the object stream's text */
  const char *os = out + be(rows + 36, 4);
  long olen = strtol(strstr(os, "/Length ") + 8, NULL, 10);
  char text[512];
  got = sizeof text - 1;
  assert_int_equal(uncompress((Bytef *)text, &got, (const Bytef *)strstr(os, "stream\n") + 7, (uLong)olen),
                   Z_OK);
  text[got] = 0;
  assert_non_null(strstr(text, "<</Type/Catalog/Pages 4 0 R>>\n<</Type/Pages/Count 0/Kids[]>>"));
  free(out);

  /* not libharu's form: refused */
  fp = tmpfile();
  p = tb_pack_new(fp, 5);
  assert_int_not_equal(tb_pack_copy(p, "%PDF-1.5\n", 9, NULL, NULL), 0);
  tb_pack_free(p);
  fclose(fp);
  assert_int_equal(tb_pack_size("%PDF-1.5\n", 9), 0);
}

static hb_face_t *face_of(const tb_buf *b) {
  hb_blob_t *blob = hb_blob_create(b->data, (unsigned)b->len, HB_MEMORY_MODE_READONLY, NULL, NULL);
  hb_face_t *f = hb_face_create(blob, 0);
  hb_blob_destroy(blob);
  return f;
}

static void test_subset(void **state) {
  (void)state;
  /* DejaVu Sans: U+01D5 (Ǖ) is a composite whose parts are composites */
  const char *path = TB_TEST_ASSETS_DIR "/fonts/DejaVuSans.ttf";
  hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
  assert_non_null(blob);
  hb_face_t *full = hb_face_create(blob, 0);
  hb_blob_destroy(blob);
  hb_font_t *font = hb_font_create(full);
  hb_codepoint_t a, u;
  assert_true(hb_font_get_nominal_glyph(font, 'a', &a));
  assert_true(hb_font_get_nominal_glyph(font, 0x01D5, &u));
  unsigned n = hb_face_get_glyph_count(full);
  unsigned char *keep = calloc(n, 1);
  keep[a] = keep[u] = 1;
  tb_buf b = {0};
  assert_int_equal(tb_subset_ttf(path, keep, n, &b), 0);
  assert_true(b.len > 0 && b.len < 60000); /* of 760 KB: mostly loca and hmtx up to the highest id */
  hb_face_t *sub = face_of(&b);
  /* glyph ids kept: the count reaches the highest one kept */
  unsigned max = a > u ? a : u;
  assert_true(hb_face_get_glyph_count(sub) >= max + 1);
  hb_font_t *sf = hb_font_create(sub);
  hb_glyph_extents_t ea, eu, fa, fu;
  assert_true(hb_font_get_glyph_extents(sf, a, &ea) && hb_font_get_glyph_extents(font, a, &fa));
  assert_true(hb_font_get_glyph_extents(sf, u, &eu) && hb_font_get_glyph_extents(font, u, &fu));
  assert_memory_equal(&ea, &fa, sizeof ea); /* the same outline at the same id */
  assert_memory_equal(&eu, &fu, sizeof eu); /* the composite's parts came along */
  assert_int_equal(hb_font_get_glyph_h_advance(sf, a), hb_font_get_glyph_h_advance(font, a));
  /* a glyph not asked for is empty */
  hb_codepoint_t z;
  assert_true(hb_font_get_nominal_glyph(font, 'z', &z));
  hb_glyph_extents_t ez = {0};
  (void)hb_font_get_glyph_extents(sf, z, &ez);
  assert_int_equal(ez.width, 0);
  /* the tables: glyf and friends, no cmap, name, post or layout tables */
  static const char *const gone[] = {"cmap", "name", "post", "GSUB", "GPOS", "GDEF", "OS/2"};
  for (size_t i = 0; i < sizeof gone / sizeof *gone; i++) {
    hb_blob_t *t = hb_face_reference_table(sub, hb_tag_from_string(gone[i], 4));
    assert_int_equal(hb_blob_get_length(t), 0);
    hb_blob_destroy(t);
  }
  hb_blob_t *g = hb_face_reference_table(sub, HB_TAG('g', 'l', 'y', 'f'));
  assert_true(hb_blob_get_length(g) > 0);
  hb_blob_destroy(g);
  hb_font_destroy(sf);
  hb_face_destroy(sub);
  hb_font_destroy(font);
  hb_face_destroy(full);
  /* no such font: -1, nothing written */
  tb_buf_clear(&b);
  assert_int_equal(tb_subset_ttf("/nonexistent/font.ttf", keep, n, &b), -1);
  assert_int_equal(b.len, 0);
  tb_buf_free(&b);
  free(keep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_minify),
      cmocka_unit_test(test_copy),
      cmocka_unit_test(test_subset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
