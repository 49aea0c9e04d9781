// test_html.c -- raw HTML into the model (input/html.c): the allowlist, dropped elements,
// pairing of inline tags, HTML blocks around Markdown, anchors, tables, hostile attributes.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "input/load.h"
#include "util/error.h"
#include "util/mem.h"

static tb_doc *load(const char *src) {
  tb_error err;
  tb_error_clear(&err);
  tb_warn_set_quiet(1);
  tb_doc *d = tb_load_memory("t.md", NULL, src, strlen(src), &err);
  assert_non_null(d);
  assert_int_equal(tb_doc_check(d), 0);
  return d;
}

/* The model's dump of every chapter, for substring checks. */
static char *dump(const tb_doc *d) {
  tb_buf b = {0};
  tb_doc_dump(d, &b);
  tb_buf_putc(&b, 0);
  return b.data;
}

static int count(const tb_doc *d, tb_node_type t) {
  int k = 0;
  for (size_t c = 0; c < d->nchapters; c++) {
    tb_iter it;
    tb_iter_init(&it, d->chapters[c].root);
    tb_event ev;
    while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE)
      k += ev == TB_EVENT_ENTER && it.cur->type == t;
  }
  return k;
}

static void test_inline_pairs_and_allowlist(void **state) {
  (void)state;
  tb_doc *d = load("Press <kbd>Ctrl</kbd>, x<sup>2</sup> H<sub>2</sub>O, a<br>b, <b>bold *and em*</b> "
                   "<span class=\"x\">kept</span> <font>text</font>.\n");
  assert_int_equal(count(d, TB_NODE_KBD), 1);
  assert_int_equal(count(d, TB_NODE_SUP), 1);
  assert_int_equal(count(d, TB_NODE_SUB), 1);
  assert_int_equal(count(d, TB_NODE_LINEBREAK), 1);
  assert_int_equal(count(d, TB_NODE_STRONG), 1);
  assert_int_equal(count(d, TB_NODE_EMPH), 1); /* the Markdown emphasis, inside the HTML <b> */
  assert_int_equal(count(d, TB_NODE_HTML_INLINE), 0);
  char *s = dump(d);
  assert_non_null(strstr(s, "\"kept\""));
  assert_non_null(strstr(s, "\"text\""));
  assert_null(strstr(s, "<"));
  free(s);
  tb_doc_free(d);
}

static void test_dropped_and_hostile(void **state) {
  (void)state;
  tb_doc *d = load(
      "<script>alert(1)</script>\n\n<iframe src=x>frame</iframe>\n\n"
      "<a href=\"javascript:alert(2)\" onclick=\"x()\">js</a> <a href=\" JaVa\tScRiPt:y\">js2</a> "
      "<a href=\"https://example.com\" style=\"c\">ok</a>\n\n<svg onload=\"z\"><text>svgtext</text></svg>\n");
  char *s = dump(d);
  assert_null(strstr(s, "alert"));
  assert_null(strstr(s, "frame"));
  assert_null(strstr(s, "svgtext"));
  assert_null(strstr(s, "javascript"));
  assert_non_null(strstr(s, "\"js\""));
  free(s);
  assert_int_equal(count(d, TB_NODE_LINK), 1); /* only the https one */
  tb_doc_free(d);
}

static void test_blocks_around_markdown(void **state) {
  (void)state;
  tb_doc *d = load("<details>\n<summary>More</summary>\n\nInside *md*.\n\n</details>\n\n"
                   "<dl><dt>T</dt><dd>D</dd></dl>\n\n<p align=\"center\">mid</p>\n\n<!-- gone -->\n");
  assert_int_equal(count(d, TB_NODE_DETAILS), 1);
  assert_int_equal(count(d, TB_NODE_SUMMARY), 1);
  assert_int_equal(count(d, TB_NODE_DEF_LIST), 1);
  assert_int_equal(count(d, TB_NODE_DEF_TERM), 1);
  assert_int_equal(count(d, TB_NODE_DEF_DESC), 1);
  assert_int_equal(count(d, TB_NODE_CENTER), 1);
  /* the Markdown paragraph is inside the details */
  const tb_node *det = d->chapters[0].root->first;
  assert_int_equal(det->type, TB_NODE_DETAILS);
  assert_int_equal(det->first->type, TB_NODE_SUMMARY);
  assert_int_equal(det->first->next->type, TB_NODE_PARAGRAPH);
  char *s = dump(d);
  assert_null(strstr(s, "gone"));
  free(s);
  tb_doc_free(d);
}

static void test_anchors_and_headings(void **state) {
  (void)state;
  tb_doc *d = load("# T\n\nSee [x](#here), [y](#named), [z](#hid).\n\n<a id=\"here\"></a>\n\n## A\n\n"
                   "<a name=\"named\"></a>text\n\n<h3 id=\"hid\">HTML heading</h3>\n\n## B\n");
  assert_int_equal(count(d, TB_NODE_ANCHOR), 3);
  assert_true(tb_doc_find_heading(d, "here") >= 0);
  assert_true(tb_doc_find_heading(d, "named") >= 0);
  assert_true(tb_doc_find_heading(d, "hid") >= 0);
  assert_int_equal(d->headings[tb_doc_find_heading(d, "here")].level, 0);
  /* the HTML heading is in document order, between A and B, with its own id */
  int a = tb_doc_find_heading(d, "a"), h = tb_doc_find_heading(d, "html-heading"),
      b = tb_doc_find_heading(d, "b");
  assert_true(a >= 0 && h > a && b > h);
  assert_int_equal(d->headings[h].level, 3);
  tb_doc_free(d);
}

static void test_table_spans(void **state) {
  (void)state;
  tb_doc *d = load("<table><tr><th>a</th><th>b</th><th>c</th></tr>"
                   "<tr><td colspan=\"2\">wide</td><td>z</td></tr><tr><td>1</td></tr></table>\n");
  assert_int_equal(count(d, TB_NODE_TABLE), 1);
  assert_int_equal(count(d, TB_NODE_TABLE_ROW), 3);
  assert_int_equal(count(d, TB_NODE_TABLE_CELL), 9); /* spans flattened, short rows padded */
  const tb_node *t = d->chapters[0].root->first;
  assert_int_equal(t->as.table.ncols, 3);
  assert_true(t->first->as.row.header);
  tb_doc_free(d);
}

static void test_deep_and_unclosed(void **state) {
  (void)state;
  tb_buf b = {0};
  for (int i = 0; i < 5000; i++)
    tb_buf_puts(&b, "<span><div>");
  tb_buf_puts(&b, "deep\n");
  tb_buf_putc(&b, 0);
  tb_doc *d = load(b.data);
  char *s = dump(d);
  assert_non_null(strstr(s, "deep"));
  free(s);
  tb_doc_free(d);
  tb_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_inline_pairs_and_allowlist),
      cmocka_unit_test(test_dropped_and_hostile),
      cmocka_unit_test(test_blocks_around_markdown),
      cmocka_unit_test(test_anchors_and_headings),
      cmocka_unit_test(test_table_spans),
      cmocka_unit_test(test_deep_and_unclosed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
