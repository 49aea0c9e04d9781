// test_suggest.c -- "did you mean ...?" (util/suggest.c): the edit distance and the choice of
// the closest name.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/suggest.h"

static int dist(const char *a, const char *b) { return tb_edit_distance(a, strlen(a), b, strlen(b)); }

static void test_distance(void **state) {
  (void)state;
  assert_int_equal(dist("", ""), 0);
  assert_int_equal(dist("", "abc"), 3);
  assert_int_equal(dist("abc", ""), 3);
  assert_int_equal(dist("author", "author"), 0);
  assert_int_equal(dist("autor", "author"), 1);   /* a byte left out */
  assert_int_equal(dist("authors", "author"), 1); /* one too many */
  assert_int_equal(dist("titke", "title"), 1);    /* one replaced */
  assert_int_equal(dist("titel", "title"), 1);    /* two swapped: one edit, not two */
  assert_int_equal(dist("dtae", "date"), 1);
  assert_int_equal(dist("ca", "abc"), 3);      /* optimal string alignment: no edit twice */
  assert_int_equal(dist("TITLE", "title"), 0); /* ASCII case aside */
  assert_int_equal(dist("language", "lang"), 4);
  assert_int_equal(dist("kitten", "sitting"), 3);
  assert_int_equal(dist("\xc3\xa9", "e"), 2); /* bytes, not characters */
  char longer[TB_SUGGEST_MAX_LEN + 2];
  memset(longer, 'a', sizeof longer - 1);
  longer[sizeof longer - 1] = 0;
  assert_int_equal(dist(longer, "a"), TB_SUGGEST_FAR);
  assert_int_equal(dist("a", longer), TB_SUGGEST_FAR);
  longer[TB_SUGGEST_MAX_LEN] = 0; /* at the limit: counted */
  assert_int_equal(dist(longer, longer), 0);
}

static void test_suggest(void **state) {
  (void)state;
  static const char *const names[] = {"pdf", "epub", "output", "paper", "dry-run", "date", "data"};
  const size_t n = sizeof names / sizeof names[0];
  assert_string_equal(tb_suggest("epbu", 4, names, n, 2), "epub");
  assert_string_equal(tb_suggest("ouptut", 6, names, n, 2), "output");
  assert_string_equal(tb_suggest("dryrun", 6, names, n, 2), "dry-run");
  assert_string_equal(tb_suggest("papers", 6, names, n, 2), "paper");
  assert_string_equal(tb_suggest("datx", 4, names, n, 2), "date"); /* a tie: the first listed */
  assert_string_equal(tb_suggest("dat", 3, names, n, 1), "date");
  assert_null(tb_suggest("format", 6, names, n, 2)); /* nothing close */
  assert_string_equal(tb_suggest("otput", 5, names, n, 1), "output");
  assert_null(tb_suggest("otpt", 4, names, n, 1)); /* two edits, one allowed */
  assert_string_equal(tb_suggest("otpt", 4, names, n, 2), "output");
  assert_null(tb_suggest("x", 1, names, n, 2)); /* all of a short word replaced */
  assert_string_equal(tb_suggest("pd", 2, names, n, 2), "pdf");
  assert_null(tb_suggest("", 0, names, n, 2));
  assert_null(tb_suggest("epbu", 4, names, 0, 2));
  assert_string_equal(tb_suggest("pdfx", 3, names, n, 2), "pdf"); /* wlen bytes only */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_distance),
      cmocka_unit_test(test_suggest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
