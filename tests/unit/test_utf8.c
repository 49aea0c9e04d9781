// test_utf8.c -- util/utf8.h: the strict decoder refuses what is not UTF-8 (overlongs, surrogates,
// values past U+10FFFF, cut sequences), the lenient one keeps the layout's behaviour on such bytes,
// the encoder round-trips every scalar value, and counting counts code points.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/utf8.h"

/* strict decode of the whole of s (n bytes): its length, 0 when refused */
static size_t strict(const char *s, size_t n, uint32_t *cp) {
  *cp = 0xDEAD;
  return tb_utf8_strict((const unsigned char *)s, n, cp);
}

static void test_strict_boundaries(void **state) {
  (void)state;
  static const struct {
    const char *s;
    size_t n;
    uint32_t cp;
  } ok[] = {
      {"\0", 1, 0},
      {"\x7F", 1, 0x7F},
      {"\xC2\x80", 2, 0x80},
      {"\xDF\xBF", 2, 0x7FF},
      {"\xE0\xA0\x80", 3, 0x800},
      {"\xED\x9F\xBF", 3, 0xD7FF}, /* just below the surrogates */
      {"\xEE\x80\x80", 3, 0xE000}, /* just above them */
      {"\xEF\xBF\xBF", 3, 0xFFFF},
      {"\xF0\x90\x80\x80", 4, 0x10000},
      {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    uint32_t cp;
    assert_int_equal(strict(ok[i].s, ok[i].n, &cp), ok[i].n);
    assert_int_equal(cp, ok[i].cp);
    /* followed by more text: only the one character is taken */
    char buf[8] = {0};
    memcpy(buf, ok[i].s, ok[i].n);
    buf[ok[i].n] = 'x';
    assert_int_equal(strict(buf, ok[i].n + 1, &cp), ok[i].n);
    /* the code point is optional */
    assert_int_equal(tb_utf8_strict((const unsigned char *)ok[i].s, ok[i].n, NULL), ok[i].n);
  }
}

static void test_strict_refuses(void **state) {
  (void)state;
  static const struct {
    const char *s;
    size_t n;
  } bad[] = {
      {"\xC0\x80", 2},             /* overlong U+0000 */
      {"\xC1\xBF", 2},             /* overlong U+007F */
      {"\xE0\x80\x80", 3},         /* overlong, 3 bytes */
      {"\xE0\x9F\xBF", 3},         /* overlong U+07FF */
      {"\xF0\x80\x80\x80", 4},     /* overlong, 4 bytes */
      {"\xF0\x8F\xBF\xBF", 4},     /* overlong U+FFFF */
      {"\xED\xA0\x80", 3},         /* U+D800 */
      {"\xED\xBF\xBF", 3},         /* U+DFFF */
      {"\xF4\x90\x80\x80", 4},     /* U+110000 */
      {"\xF5\x80\x80\x80", 4},     /* lead bytes past F4 */
      {"\xF8\x88\x80\x80\x80", 5}, /* old 5-byte form */
      {"\xFE", 1},
      {"\xFF", 1},
      {"\x80", 1}, /* a stray continuation byte */
      {"\xBF", 1},
      {"\xC3", 1},             /* cut short by the end */
      {"\xE2\x82", 2},         /* cut short by the end */
      {"\xF0\x9F\x98", 3},     /* cut short by the end */
      {"\xC3(", 2},            /* cut short by a byte that does not continue it */
      {"\xE2\x82(", 3},        /* idem */
      {"\xF0\x9F\x98\xC3", 4}, /* idem: a new lead byte */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uint32_t cp;
    assert_int_equal(strict(bad[i].s, bad[i].n, &cp), 0);
    assert_int_equal(cp, 0xDEAD); /* untouched */
  }
  /* n, not the bytes, decides where the text ends */
  uint32_t cp;
  assert_int_equal(strict("\xE2\x82\xAC", 2, &cp), 0);
  assert_int_equal(strict("\xE2\x82\xAC", 3, &cp), 3);
  assert_int_equal(cp, 0x20AC);
}

static uint32_t lenient(const char *s, size_t n, size_t *len) {
  *len = 99;
  return tb_utf8_decode(s, n, len);
}

static void test_lenient_valid(void **state) {
  (void)state;
  size_t len;
  assert_int_equal(lenient("a", 1, &len), 'a');
  assert_int_equal(len, 1);
  assert_int_equal(lenient("\xC3\xA9x", 3, &len), 0xE9);
  assert_int_equal(len, 2);
  assert_int_equal(lenient("\xE2\x82\xAC", 3, &len), 0x20AC);
  assert_int_equal(len, 3);
  assert_int_equal(lenient("\xF0\x9F\x98\x80", 4, &len), 0x1F600);
  assert_int_equal(len, 4);
  /* nothing left: 0, and a length of 0 */
  assert_int_equal(lenient("a", 0, &len), 0);
  assert_int_equal(len, 0);
}

/* What the layout has always drawn for bytes that are not UTF-8 (input is validated, so this is
 * only what a caller handing other text gets): U+FFFD for one byte, then on. */
static void test_lenient_replacement(void **state) {
  (void)state;
  size_t len;
  /* a stray continuation byte */
  assert_int_equal(lenient("\x80z", 2, &len), 0xFFFD);
  assert_int_equal(len, 1);
  assert_int_equal(lenient("\xBF", 1, &len), 0xFFFD);
  assert_int_equal(len, 1);
  /* cut short by the end of the text: one byte at a time */
  assert_int_equal(lenient("\xE2\x82\xAC", 2, &len), 0xFFFD);
  assert_int_equal(len, 1);
  assert_int_equal(lenient("\xF0\x9F\x98", 3, &len), 0xFFFD);
  assert_int_equal(len, 1);
  /* cut short by a byte that does not continue it: the next byte is read again */
  assert_int_equal(lenient("\xE2\x82z", 3, &len), 0xFFFD);
  assert_int_equal(len, 1);
  assert_int_equal(lenient("\xC3\xC3\xA9", 3, &len), 0xFFFD);
  assert_int_equal(len, 1);
  /* the value is not checked: overlongs, surrogates and values past U+10FFFF come out as
   * they are, with the length the lead byte gives (F8..FF read as 4-byte leads) */
  assert_int_equal(lenient("\xC0\x80", 2, &len), 0);
  assert_int_equal(len, 2);
  assert_int_equal(lenient("\xC1\xBF", 2, &len), 0x7F);
  assert_int_equal(len, 2);
  assert_int_equal(lenient("\xE0\x80\x80", 3, &len), 0);
  assert_int_equal(len, 3);
  assert_int_equal(lenient("\xED\xA0\x80", 3, &len), 0xD800);
  assert_int_equal(len, 3);
  assert_int_equal(lenient("\xF4\x90\x80\x80", 4, &len), 0x110000);
  assert_int_equal(len, 4);
  assert_int_equal(lenient("\xF5\x80\x80\x80", 4, &len), 0x140000);
  assert_int_equal(len, 4);
  assert_int_equal(lenient("\xFF\xBF\xBF\xBF", 4, &len), 0x1FFFFF);
  assert_int_equal(len, 4);
  /* the slow path on its own also takes ASCII */
  assert_int_equal(tb_utf8_decode_slow("a", 1, &len), 'a');
  assert_int_equal(len, 1);
}

/* Every scalar value: the encoder writes the shortest form, both decoders read it back, and the
 * strict one accepts exactly these. */
static void test_encode_round_trip(void **state) {
  (void)state;
  for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF)
      continue;
    char buf[4];
    size_t n = tb_utf8_encode(cp, buf), want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    assert_int_equal(n, want);
    uint32_t back = 0;
    assert_int_equal(tb_utf8_strict((const unsigned char *)buf, n, &back), n);
    assert_int_equal(back, cp);
    size_t len = 0;
    assert_int_equal(tb_utf8_decode(buf, n, &len), cp);
    assert_int_equal(len, n);
    assert_int_equal(tb_utf8_count(buf, n), 1);
  }
}

static void test_encode_invalid(void **state) {
  (void)state;
  static const uint32_t bad[] = {0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x110000, 0x7FFFFFFF, 0xFFFFFFFF};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char buf[4] = {0};
    assert_int_equal(tb_utf8_encode(bad[i], buf), 3);
    assert_memory_equal(buf, "\xEF\xBF\xBD", 3);
  }
  char buf[4];
  assert_int_equal(tb_utf8_encode(0x7FF, buf), 2);
  assert_memory_equal(buf, "\xDF\xBF", 2);
  assert_int_equal(tb_utf8_encode(0x800, buf), 3);
  assert_memory_equal(buf, "\xE0\xA0\x80", 3);
  assert_int_equal(tb_utf8_encode(0x10FFFF, buf), 4);
  assert_memory_equal(buf, "\xF4\x8F\xBF\xBF", 4);
}

static void test_count(void **state) {
  (void)state;
  const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"; /* a é € 😀 */
  assert_int_equal(tb_utf8_count(s, strlen(s)), 4);
  assert_int_equal(tb_utf8_count(s, 0), 0);
  assert_int_equal(tb_utf8_count(s, 2), 2); /* n decides, even inside a character */
  /* invalid text: a stray continuation byte counts nothing, a cut sequence once */
  assert_int_equal(tb_utf8_count("\x80\xBF", 2), 0);
  assert_int_equal(tb_utf8_count("\xE2\x82z", 3), 2);
  assert_int_equal(tb_utf8_count("\xFF", 1), 1);
}

static void test_is_cont(void **state) {
  (void)state;
  for (unsigned c = 0; c < 256; c++)
    assert_int_equal(tb_utf8_is_cont((unsigned char)c), c >= 0x80 && c <= 0xBF);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strict_boundaries),
      cmocka_unit_test(test_strict_refuses),
      cmocka_unit_test(test_lenient_valid),
      cmocka_unit_test(test_lenient_replacement),
      cmocka_unit_test(test_encode_round_trip),
      cmocka_unit_test(test_encode_invalid),
      cmocka_unit_test(test_count),
      cmocka_unit_test(test_is_cont),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
