// test_tags.c -- the tagged PDF's structure tree (src/pdf/tags.c): elements join their parents in
// reading order, not in the order their content is painted; a sequence split by artifacts is one
// kid; content on a second page is a marked-content reference; links hold their annotations;
// the parent tree maps every MCID back; an element never drawn is left out; the tree's objects go
// into the final pass's object streams, the catalog its root.
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "doc/doc.h"
#include "pdf/pack.h"
#include "pdf/tags.h"
#include "pdf/xmp.h"

/* The inflated text of every object stream in the file, one after the other. */
static char *object_streams(const char *pdf, size_t n) {
  size_t cap = 1 << 20, len = 0;
  char *out = calloc(cap, 1);
  const char *p = pdf;
  while ((p = memmem(p, (size_t)(pdf + n - p), "/Type/ObjStm", 12)) != NULL) {
    const char *l = memmem(p, (size_t)(pdf + n - p), "/Length ", 8);
    assert_non_null(l);
    long clen = strtol(l + 8, NULL, 10);
    const char *s = memmem(p, (size_t)(pdf + n - p), "stream\n", 7);
    assert_non_null(s);
    s += 7;
    assert_true(s + clen <= pdf + n);
    uLongf got = (uLongf)(cap - len - 1);
    assert_int_equal(uncompress((Bytef *)out + len, &got, (const Bytef *)s, (uLong)clen), Z_OK);
    len += got;
    p = s + clen;
  }
  out[len] = 0;
  return out;
}

static void test_no_elements_no_tree(void **state) {
  (void)state;
  tb_layout lo;
  memset(&lo, 0, sizeof lo);
  assert_null(tb_tags_new(&lo));
}

static void test_tree(void **state) {
  (void)state;
  /* 1 Document; 2 Sect; 3 P holding 4 Link; 5 L > 6 LI > 7 Lbl, 8 LBody > 9 P; 10 Figure; 11 P
   * never drawn */
  tb_elem elems[] = {{TB_ROLE_NONE, 0},  {TB_ROLE_DOCUMENT, 0}, {TB_ROLE_SECT, 1},   {TB_ROLE_P, 2},
                     {TB_ROLE_LINK, 3},  {TB_ROLE_L, 2},        {TB_ROLE_LI, 5},     {TB_ROLE_LBL, 6},
                     {TB_ROLE_LBODY, 6}, {TB_ROLE_P, 8},        {TB_ROLE_FIGURE, 2}, {TB_ROLE_P, 2}};
  tb_elem_attr attrs[] = {{2, NULL, "en"}, {10, "Titik \xE2\x80\x9Cmerah\xE2\x80\x9D", NULL}};
  tb_layout lo;
  memset(&lo, 0, sizeof lo);
  lo.npages = 2;
  lo.elems = elems;
  lo.nelems = sizeof elems / sizeof elems[0];
  lo.attrs = attrs;
  lo.nattrs = 2;
  tb_tags *t = tb_tags_new(&lo);
  assert_non_null(t);

  /* page 0 (object 10): the reading order P, Link, P, a running head, Lbl, P; the painter numbers
   * the sequences in the same order here */
  tb_tags_page(t, 0, 10);
  tb_draw d0[6];
  memset(d0, 0, sizeof d0);
  int e0[6] = {3, 4, 3, 0, 7, 9}, m0[6];
  for (int k = 0; k < 6; k++) {
    d0[k].elem = e0[k];
    m0[k] = e0[k] ? tb_tags_mcid(t) : -1;
  }
  /* a second draw of the last sequence (the same P, the same MCID) is not a second kid */
  tb_draw d0b[7];
  int m0b[7];
  memcpy(d0b, d0, sizeof d0);
  memcpy(m0b, m0, sizeof m0);
  d0b[6] = d0[5];
  m0b[6] = m0[5];
  tb_tags_read(t, d0b, m0b, 7, NULL, 0);
  /* page 1 (object 11): the P goes on, then the figure; the painter paints the image first, so
   * the figure's MCID is 0 and the P's 1 */
  tb_tags_page(t, 1, 11);
  tb_draw d1[2];
  memset(d1, 0, sizeof d1);
  d1[0].elem = 9;
  d1[1].elem = 10;
  int m1[2];
  m1[1] = tb_tags_mcid(t);
  m1[0] = tb_tags_mcid(t);
  assert_int_equal(m1[1], 0);
  assert_int_equal(m1[0], 1);
  tb_tags_read(t, d1, m1, 2, NULL, 0);
  /* the link's annotation: its key comes after the two pages' */
  assert_int_equal(tb_tags_annot(t, 4, 0, 20), 2);
  assert_int_equal(tb_tags_annot(t, 0, 0, 21), -1); /* no element: no key */

  /* libharu's objects end at 29; the tree is numbered from 30, written with the catalog 1 */
  assert_int_equal(tb_tags_number(t, 30), 41);
  FILE *fp = tmpfile();
  assert_non_null(fp);
  tb_pack *pk = tb_pack_new(fp, 41);
  tb_pack_obj(pk, 1, "<</Type/Catalog/StructTreeRoot 5 0 R>>", 38);
  tb_tags_write(t, 5, pk);
  static const unsigned char id[16] = {0xAB};
  assert_int_equal(tb_pack_end(pk, 1, 3, id), 0);
  tb_pack_free(pk);
  tb_tags_free(t);
  size_t n = (size_t)ftell(fp);
  char *pdf = malloc(n + 1);
  rewind(fp);
  assert_int_equal(fread(pdf, 1, n, fp), n);
  pdf[n] = 0;
  fclose(fp);
  char *objs = object_streams(pdf, n);
  /* elements 1-10 are objects 30-39 (11 was never drawn), the parent tree 40 */
  assert_non_null(strstr(objs, "<</Type/StructTreeRoot/K 30 0 R/ParentTree 40 0 R/ParentTreeNextKey 3>>"));
  assert_non_null(strstr(objs, "<</S/Document/P 5 0 R/K 31 0 R>>"));
  /* the Sect: its kids in reading order, its language */
  assert_non_null(strstr(objs, "<</S/Sect/P 30 0 R/Lang<FEFF0065006E>/K[32 0 R 34 0 R 39 0 R]>>"));
  /* the P: its text, the Link, its text again (a running head between them is no kid) */
  assert_non_null(strstr(objs, "<</S/P/P 31 0 R/Pg 10 0 R/K[0 33 0 R 2]>>"));
  assert_non_null(strstr(objs, "<</S/Link/P 32 0 R/Pg 10 0 R/K[1 <</Type/OBJR/Pg 10 0 R/Obj 20 0 R>>]>>"));
  assert_non_null(strstr(objs, "<</S/L/P 31 0 R/K 35 0 R>>"));
  assert_non_null(strstr(objs, "<</S/LI/P 34 0 R/K[36 0 R 37 0 R]>>"));
  assert_non_null(strstr(objs, "<</S/Lbl/P 35 0 R/Pg 10 0 R/K 3>>"));
  /* the P that goes on to page 1: a marked-content reference there */
  assert_non_null(strstr(objs, "<</S/P/P 37 0 R/Pg 10 0 R/K[4 <</Type/MCR/Pg 11 0 R/MCID 1>>]>>"));
  /* the figure and its alternate text (UTF-16BE: the curly quotes are U+201C and U+201D) */
  assert_non_null(strstr(
      objs,
      "<</S/Figure/P 31 0 R/Pg 11 0 R/Alt<FEFF0054006900740069006B0020201C006D0065007200610068201D>/K 0>>"));
  assert_null(strstr(objs, "41 0 R")); /* nothing after the parent tree is an element */
  /* the parent tree: page 0's five MCIDs, page 1's two, then the annotation */
  assert_non_null(
      strstr(objs, "<</Nums[0[32 0 R 33 0 R 32 0 R 36 0 R 38 0 R]\n1[39 0 R 38 0 R]\n2 33 0 R]>>"));
  /* one cross-reference stream for everything: the object stream is 41, the stream itself 42 */
  static const char xref[] = "42 0 obj\n<</Type/XRef/Size 43/W[1 4 2]/Root 1 0 R/Info 3 0 R"
                             "/ID[<AB000000000000000000000000000000><AB000000000000000000000000000000>]/";
  assert_non_null(memmem(pdf, n, xref, sizeof xref - 1)); /* the file holds binary: not strstr */
  assert_true(n > 6 && !memcmp(pdf + n - 6, "%%EOF\n", 6));
  free(objs);
  free(pdf);
}

/* The tree written as the final pass writes it (libharu's catalog 1 and Info 3 beside it), read
 * back: the file and the inflated text of its object streams. */
static char *packed(tb_tags *t, unsigned first, unsigned root, size_t *n_out, char **objs_out) {
  unsigned next = tb_tags_number(t, first);
  FILE *fp = tmpfile();
  assert_non_null(fp);
  tb_pack *pk = tb_pack_new(fp, next);
  tb_pack_obj(pk, 1, "<</Type/Catalog>>", 17);
  tb_tags_write(t, root, pk);
  assert_int_equal(tb_pack_end(pk, 1, 3, NULL), 0);
  tb_pack_free(pk);
  size_t n = (size_t)ftell(fp);
  char *pdf = malloc(n + 1);
  rewind(fp);
  assert_int_equal(fread(pdf, 1, n, fp), n);
  pdf[n] = 0;
  fclose(fp);
  *n_out = n;
  *objs_out = object_streams(pdf, n);
  return pdf;
}

/* What PDF/UA-1 asks of the tree: heading levels that begin at H1 and never skip (whatever the
 * source's are), TH with /Scope, Note with unique /IDs, a link's text for its /Contents (a
 * hyphenated line end's '-' left out, a hyphen of the source's kept), and the XMP metadata, which
 * claims pdfuaid:part 1 only when every Figure has alternate text. */
static void ua_tree(const char *alt) {
  /* 1 Document > 2 Sect > 3 H1, 4 H3, 5 H4, 6 H2, 7 Table > 8 TR > 9 TH; 10 Note, 11 Note,
   * 12 P > 13 Link; 14 Figure */
  static tb_elem elems[] = {{TB_ROLE_NONE, 0}, {TB_ROLE_DOCUMENT, 0}, {TB_ROLE_SECT, 1},  {TB_ROLE_H1, 2},
                            {TB_ROLE_H3, 2},   {TB_ROLE_H4, 2},       {TB_ROLE_H2, 2},    {TB_ROLE_TABLE, 2},
                            {TB_ROLE_TR, 7},   {TB_ROLE_TH, 8},       {TB_ROLE_NOTE, 1},  {TB_ROLE_NOTE, 1},
                            {TB_ROLE_P, 2},    {TB_ROLE_LINK, 12},    {TB_ROLE_FIGURE, 2}};
  tb_elem_attr attrs[] = {{14, alt, NULL}};
  static const char *authors[] = {"A <&> B"};
  tb_doc doc;
  memset(&doc, 0, sizeof doc);
  doc.meta.title = "Judul";
  doc.meta.lang = "ms";
  doc.meta.authors = authors;
  doc.meta.nauthors = 1;
  doc.epoch = 1700000000;
  doc.uuid = "urn:uuid:1";
  tb_layout lo;
  memset(&lo, 0, sizeof lo);
  lo.doc = &doc;
  lo.npages = 1;
  lo.elems = elems;
  lo.nelems = sizeof elems / sizeof elems[0];
  lo.attrs = attrs;
  lo.nattrs = 1;
  tb_tags *t = tb_tags_new(&lo);
  tb_tags_page(t, 0, 10);
  tb_draw d[14];
  int m[14];
  memset(d, 0, sizeof d);
  /* the link drawn in two runs: "se-" ends a line the layout hyphenated, "jumlah e-" one that
   * breaks after the source's own hyphen */
  static const char *texts[] = {"se-", "jumlah e-"};
  for (int k = 0; k < 14; k++) {
    d[k].kind = TB_DRAW_TEXT;
    d[k].elem = k < 10 ? k + 3 : k < 12 ? 13 : 14;
    if (d[k].elem == 13) {
      d[k].text = texts[k - 10];
      d[k].len = strlen(texts[k - 10]);
    }
    m[k] = tb_tags_mcid(t);
  }
  d[10].hyphen = true;
  tb_tags_read(t, d, m, 14, NULL, 0);
  assert_string_equal(tb_tags_link_text(t, 13), "sejumlah e-");
  assert_null(tb_tags_link_text(t, 12));
  assert_int_equal(tb_tags_ua(t), alt && *alt);

  /* the XMP packet, which the final pass writes over the catalog's placeholder */
  tb_buf x = {0};
  tb_xmp_write(&x, &doc, "terbit", tb_tags_ua(t));
  tb_buf_putc(&x, 0);
  if (alt && *alt)
    assert_non_null(strstr(x.data, "<pdfuaid:part>1</pdfuaid:part>"));
  else
    assert_null(strstr(x.data, "pdfuaid:part>")); /* a Figure without alternate text: no claim */
  assert_non_null(strstr(x.data, "<rdf:li xml:lang=\"ms\">Judul</rdf:li>"));
  assert_non_null(strstr(x.data, "<rdf:li>A &lt;&amp;&gt; B</rdf:li>"));
  assert_non_null(strstr(x.data, "<xmp:CreateDate>2023-11-14T22:13:20Z</xmp:CreateDate>"));
  assert_non_null(strstr(x.data, "<pdf:Producer>terbit</pdf:Producer>"));
  tb_buf_free(&x);

  size_t n;
  char *objs;
  char *pdf = packed(t, 30, 5, &n, &objs);
  tb_tags_free(t);
  /* the levels: H1, then the H3 and H4 one below each other, the H2 back at 2 */
  assert_non_null(strstr(objs, "<</S/H1/P 31 0 R"));
  assert_non_null(strstr(objs, "<</S/H2/P 31 0 R/Pg 10 0 R/K 1>>"));
  assert_non_null(strstr(objs, "<</S/H3/P 31 0 R/Pg 10 0 R/K 2>>"));
  assert_non_null(strstr(objs, "<</S/H2/P 31 0 R/Pg 10 0 R/K 3>>"));
  assert_non_null(strstr(objs, "<</S/TH/A<</O/Table/Scope/Column>>/P "));
  assert_non_null(strstr(objs, "<</S/Note/ID(note10)/P "));
  assert_non_null(strstr(objs, "<</S/Note/ID(note11)/P "));
  assert_null(memmem(pdf, n, "/Prev", 5)); /* one cross-reference stream, no update */
  free(objs);
  free(pdf);
}

/* A run painted in parts (a hyphenated word's /Span, pdf.c): its element gets each sequence as a
 * kid, in order, and the parent tree maps each back. */
static void test_runs_in_parts(void **state) {
  (void)state;
  /* 1 Document > 2 P */
  tb_elem elems[] = {{TB_ROLE_NONE, 0}, {TB_ROLE_DOCUMENT, 0}, {TB_ROLE_P, 1}};
  tb_layout lo;
  memset(&lo, 0, sizeof lo);
  lo.npages = 1;
  lo.elems = elems;
  lo.nelems = 3;
  tb_tags *t = tb_tags_new(&lo);
  tb_tags_page(t, 0, 10);
  /* "kata se-" in MCID 0 then the /Span 1; "jumlah besar" in the /Span 2 then 3; a rule (an
   * artifact) between them, and "lagi" in 3 */
  tb_draw d[4];
  memset(d, 0, sizeof d);
  int m[4] = {-1, -1, -1, -1};
  d[0].elem = d[2].elem = d[3].elem = 2;
  for (int k = 0; k < 4; k++)
    assert_int_equal(tb_tags_mcid(t), k);
  m[0] = 0;
  m[2] = 2;
  m[3] = 3;
  const tb_tags_seq more[] = {{0, 1}, {2, 3}};
  tb_tags_read(t, d, m, 4, more, 2);
  size_t n;
  char *objs;
  char *pdf = packed(t, 30, 5, &n, &objs);
  tb_tags_free(t);
  assert_non_null(strstr(objs, "<</S/P/P 30 0 R/Pg 10 0 R/K[0 1 2 3]>>"));
  assert_non_null(strstr(objs, "<</Nums[0[31 0 R 31 0 R 31 0 R 31 0 R]]>>"));
  free(objs);
  free(pdf);
}

/* A footnote's Note is read where it is cited: a kid of the element holding the reference mark,
 * right after the mark's sequence (at its first reference only); a Note cited but never drawn is
 * left out. */
static void test_notes_where_cited(void **state) {
  (void)state;
  /* 1 Document > 2 Note > 3 Lbl; 4 Note (never drawn); 5 Sect > 6 P > 7 Link */
  tb_elem elems[] = {{TB_ROLE_NONE, 0}, {TB_ROLE_DOCUMENT, 0}, {TB_ROLE_NOTE, 1}, {TB_ROLE_LBL, 2},
                     {TB_ROLE_NOTE, 1}, {TB_ROLE_SECT, 1},     {TB_ROLE_P, 5},    {TB_ROLE_LINK, 6}};
  tb_layout lo;
  memset(&lo, 0, sizeof lo);
  lo.npages = 1;
  lo.elems = elems;
  lo.nelems = 8;
  tb_tags *t = tb_tags_new(&lo);
  tb_tags_page(t, 0, 10);
  /* "kata¹" (MCID 0, citing note 2), " lagi" (1), a link "pautan" citing note 4 (2), "kata¹"
   * again (3), then the note at the foot: its Lbl (4) */
  tb_draw d[6];
  memset(d, 0, sizeof d);
  int e[6] = {6, 6, 6, 7, 6, 3}, m[6];
  for (int k = 0; k < 6; k++) {
    d[k].elem = e[k];
    m[k] = k < 2 ? k : k - 1;
  }
  d[0].note = 2; /* "kata" and its mark "1" in one sequence */
  d[1].note = 0;
  d[3].note = 4;
  d[4].note = 2;
  for (int k = 0; k < 5; k++)
    tb_tags_mcid(t);
  tb_tags_read(t, d, m, 6, NULL, 0);
  size_t n;
  char *objs;
  char *pdf = packed(t, 30, 50, &n, &objs);
  tb_tags_free(t);
  /* objects: 1 Document 30, 2 Note 31, 3 Lbl 32, 5 Sect 33, 6 P 34, 7 Link 35 */
  assert_non_null(strstr(objs, "<</S/Document/P 50 0 R/K 33 0 R>>"));
  assert_non_null(strstr(objs, "<</S/P/P 33 0 R/Pg 10 0 R/K[0 31 0 R 1 35 0 R 3]>>"));
  assert_non_null(strstr(objs, "<</S/Note/ID(note2)/P 34 0 R/K 32 0 R>>"));
  assert_non_null(strstr(objs, "<</S/Lbl/P 31 0 R/Pg 10 0 R/K 4>>"));
  assert_null(strstr(objs, "note4"));
  free(objs);
  free(pdf);
}

static void test_ua(void **state) {
  (void)state;
  ua_tree("Peta");
  ua_tree("");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_elements_no_tree),
      cmocka_unit_test(test_tree),
      cmocka_unit_test(test_runs_in_parts),
      cmocka_unit_test(test_notes_where_cited),
      cmocka_unit_test(test_ua),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
