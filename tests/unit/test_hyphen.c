// test_hyphen.c -- tb_hyphen: Malay/Indonesian/English break points, exceptions, rejections.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "layout/hyphen.h"
#include "util/utf8.h"

#ifndef TB_TEST_ASSETS_DIR
#define TB_TEST_ASSETS_DIR "/work/main/assets"
#endif
#define DICT_DIR TB_TEST_ASSETS_DIR "/hyphen"

/* hyph_id_ID.dic holds two duplicate patterns ("a1ha1m2i211"/"aha1mi", "ka1va1"/"ka1va"):
 * libhyphen's loader overwrites the first one's string without freeing it, so every load of
 * that file leaks 10 bytes inside libhyphen (not ours). The slow unwinder gives LeakSanitizer
 * the full stack through libhyphen (built without frame pointers), so the suppression can
 * name the loader function exactly; a leak of anything else, the dictionary itself included,
 * is still reported. */
#if defined(__SANITIZE_ADDRESS__)
#define TB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TB_ASAN 1
#endif
#endif
#ifdef TB_ASAN
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void) { return "fast_unwind_on_malloc=0"; }
const char *__lsan_default_suppressions(void) { return "leak:hnj_hyphen_load_line\n"; }
#endif

typedef struct fixture {
  tb_hyphen *ms, *id, *en;
} fixture;

static int group_setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  f->ms = tb_hyphen_new("ms", DICT_DIR);
  f->id = tb_hyphen_new("id", DICT_DIR);
  f->en = tb_hyphen_new("en", DICT_DIR);
  *state = f;
  if (!f->ms || !f->id || !f->en) {
    fprintf(stderr, "cannot load the dictionaries from %s\n", DICT_DIR);
    return -1;
  }
  return 0;
}

static int group_teardown(void **state) {
  fixture *f = *state;
  if (f) {
    tb_hyphen_free(f->ms);
    tb_hyphen_free(f->id);
    tb_hyphen_free(f->en);
    free(f);
  }
  return 0;
}

/* The word of len bytes with '-' inserted at the points found (max 64 points). */
static void hyphenate(tb_hyphen *h, const char *word, size_t len, char *out, size_t outsize) {
  size_t pos[64];
  size_t n = tb_hyphen_points(h, word, len, pos, 64);
  size_t o = 0, last = 0;
  assert_true(len + n < outsize);
  for (size_t i = 0; i < n; i++) {
    assert_true(pos[i] > last);
    assert_true(pos[i] < len);
    memcpy(out + o, word + last, pos[i] - last);
    o += pos[i] - last;
    out[o++] = '-';
    last = pos[i];
  }
  memcpy(out + o, word + last, len - last);
  o += len - last;
  out[o] = 0;
}

/* expected: the word with '-' exactly where breaks must be found (none: no '-'). */
static void check(tb_hyphen *h, const char *expected) {
  char word[256], got[512];
  size_t n = 0;
  for (const char *p = expected; *p; p++)
    if (*p != '-')
      word[n++] = *p;
  word[n] = 0;
  hyphenate(h, word, n, got, sizeof got);
  assert_string_equal(got, expected);
}

/* A word (possibly containing '-') that must get no break at all. */
static void check_none(tb_hyphen *h, const char *word, size_t len) {
  size_t pos[64];
  pos[0] = 12345;
  assert_int_equal(tb_hyphen_points(h, word, len, pos, 64), 0);
  assert_int_equal(pos[0], 12345); /* nothing written */
}

static void none(tb_hyphen *h, const char *word) { check_none(h, word, strlen(word)); }

static void test_malay_words(void **state) {
  tb_hyphen *ms = ((fixture *)*state)->ms;
  /* pe-ma-sar-an from the patterns moved to the Malay syllables; "ran" keeps 3 letters. */
  check(ms, "pe-ma-sa-ran");
  check(ms, "Pe-ma-sa-ran"); /* a capital first letter is fine */
  check(ms, "pe-ma-sar");    /* "sar" is 3 letters: allowed */
  check(ms, "me-nyu-sun");   /* ny never split */
  check(ms, "pe-ngik-la-nan");
  check(ms, "di-gi-tal");
  check(ms, "struk-tur");
  check(ms, "sta-tis-tik");
  check(ms, "stra-tegi");   /* s-tra-te-gi from the patterns; "gi" too short at the end */
  check(ms, "kom-pi-lasi"); /* kom-pi-la-si minus the break before "si" */
  check(ms, "pro-fe-si-o-nal");
  check(ms, "pro-gram");
  check(ms, "tran-saksi"); /* tran-s-ak-si from the patterns; Malay tran-sak-si */
  check(ms, "de-ngan");    /* ng kept together */
  check(ms, "ke-ba-nya-kan");
  check(ms, "meng-gu-na-kan");  /* ng + g */
  check(ms, "meng-ha-bis-kan"); /* ng + h, not n + gh */
  check(ms, "per-khid-ma-tan"); /* kh kept */
  check(ms, "sya-ri-kat");
  check(ms, "tang-gung-ja-wab");
  check(ms, "ru-mah"); /* exactly 5 letters: hyphenated */
  check(ms, "me-sej"); /* me-se-j: the vowelless last part is dropped */
  check(ms, "ma-sya-ra-kat");
  check(ms, "eko-nomi"); /* e-ko-no-mi minus breaks leaving 1 letter before or 2 after */
}

static void test_indonesian_words(void **state) {
  fixture *f = *state;
  /* Indonesian keeps the morpheme breaks the patterns give (KBBI pe-ma-sar-an). */
  check(f->id, "pe-ma-saran");
  check(f->id, "peng-ik-la-nan");
  check(f->id, "ber-i-kut");
  check(f->id, "me-nyu-sun");
  check(f->id, "sta-tis-tik");
  check(f->id, "stra-tegi");
}

static void test_exceptions(void **state) {
  fixture *f = *state;
  check(f->ms, "eks-trak"); /* the patterns say ek-st-rak */
  check(f->id, "eks-trak");
  check(f->ms, "Eks-trak");
  check(f->ms, "abs-trak");
  check(f->ms, "abs-traksi"); /* abs-trak-si minus the 2-letter tail */
  check(f->ms, "se-ti-a-u-saha");
  check(f->ms, "ba-gai-ma-na-pun");
  check(f->id, "ba-gai-ma-na-pun"); /* Indonesian mode alone gives ba-gai-man-a-pun */
  check(f->ms, "free-lance");
  check(f->ms, "pe-ngu-ru-san"); /* Malay only... */
  check(f->id, "pengu-rusan");   /* ...Indonesian keeps the patterns */
  check(f->id, "trans-aksi");    /* Indonesian only (KBBI trans-ak-si) */
  check(f->ms, "tran-saksi");
  check(f->ms, "fe-syen");
  /* exceptions never resurrect rejected words */
  none(f->ms, "EKSTRAK");
  none(f->ms, "eKstrak");
  /* whole words only */
  check(f->ms, "ekstrak-nya"); /* ek-st-rak-nya: the vowelless cluster loses its breaks */
}

static void test_english_words(void **state) {
  tb_hyphen *en = ((fixture *)*state)->en;
  check(en, "hy-phen-ation");
  check(en, "Hy-phen-ation");
  check(en, "ta-ble");
  check(en, "as-so-ciate");
  check(en, "project"); /* TeX's exception list is in the patterns */
  check(en, "pro-gram-ming");
  check(en, "type-set-ting");
  check(en, "doc-u-men-ta-tion");
  /* UTF-8: offsets are bytes, after the whole character */
  check(en, "r\xc3\xa9-sum\xc3\xa9");  /* ré-sumé: offset 3, not 2 */
  check(en, "en-cy-clop\xc3\xa6-dia"); /* encyclopæ-dia: offsets 2, 4, 10 */
  check(en, "\xc5\x92u-vre");          /* Œu-vre: capital outside Latin-1 */
  check(en, "na\xc3\xafve");           /* naïve: no break */
}

static void test_latin1_mapping(void **state) {
  tb_hyphen *ms = ((fixture *)*state)->ms;
  /* The Indonesian dictionary is ISO-8859-1: positions come back per Latin-1 letter and are
   * mapped to UTF-8 byte offsets. */
  check(ms, "p\xc3\xa8r-kara");     /* pèr-kara: offset 4 */
  check(ms, "p\xc3\xa9ma-sa-ran");  /* péma-sa-ran: offsets 5, 7 */
  check(ms, "pe-ma-sa-r\xc3\xa1n"); /* pe-ma-sa-rán */
  check(ms, "\xc3\x89mile");        /* Émile: capital É lowered for the patterns */
  /* outside Latin-1: the dictionary cannot represent it */
  none(ms, "pemasa\xc5\x99"
           "an"); /* ř */
}

static void test_rejected(void **state) {
  fixture *f = *state;
  tb_hyphen *hs[] = {f->ms, f->en};
  for (size_t i = 0; i < 2; i++) {
    tb_hyphen *h = hs[i];
    /* capitals after the first letter: acronyms, CamelCase */
    none(h, "UNESCO");
    none(h, "PEMASARAN");
    none(h, "iPhone");
    none(h, "McDonald");
    none(h, "pemasaRan");
    none(h, "hyphenatioN");
    none(h, "\xc3\x89\xc3\x89mile"); /* ÉÉmile */
    /* digits */
    none(h, "pemasaran2");
    none(h, "2pemasaran");
    none(h, "hyphen4tion");
    /* short */
    none(h, "buku");
    none(h, "kita");
    none(h, "abc");
    none(h, "a");
    none(h, "\xc3\xa9t\xc3\xa9s"); /* étés: 4 letters, 6 bytes */
    /* non-letters: compounds, apostrophes, URL-ish, code */
    none(h, "berhati-hati");
    none(h, "hyphen-ation");
    none(h, "don't");
    none(h, "isn\xe2\x80\x99t");
    none(h, "http://example.com/pemasaran");
    none(h, "www.pemasaran.com");
    none(h, "pemasar@example.com");
    none(h, "pemasaran/penjualan");
    none(h, "pemasaran.");
    none(h, "pemasaran:");
    none(h, "pemasaran_digital");
    none(h, "pemasaran ");
    none(h, " pemasaran");
    none(h, "pema\xc2\xadsaran");                                                /* soft hyphen */
    none(h, "pema\xe2\x80\x8bsaran");                                            /* zero-width space */
    none(h, "r\x65\xcc\x81sume\xcc\x81s");                                       /* combining accents (NFD) */
    none(h, "\xef\xac\x81nancial");                                              /* ﬁ ligature */
    none(h, "\xce\xb1\xce\xbb\xcf\x86\xce\xb1\xce\xb2\xce\xb7\xcf\x84\xce\xbf"); /* Greek */
    none(h, "pema\tsaran");
    check_none(h, "pema\0saran", 10);
  }
}

static void test_invalid_utf8(void **state) {
  fixture *f = *state;
  tb_hyphen *hs[] = {f->ms, f->en};
  for (size_t i = 0; i < 2; i++) {
    tb_hyphen *h = hs[i];
    none(h, "pemasaran\xff");
    none(h, "\xc3\x28pemasaran");         /* bad continuation */
    none(h, "pemasar\xc3");               /* truncated */
    none(h, "\xc0\xa1pemasaran");         /* overlong */
    none(h, "pema\xe0\x80\xa1saran");     /* overlong, 3 bytes */
    none(h, "pema\xed\xa0\x80saran");     /* surrogate */
    none(h, "pema\xf4\x90\x80\x80saran"); /* above U+10FFFF */
    none(h, "\xa9pemasaran");             /* lone continuation */
    none(h, "pemasaran\xe2\x82");         /* truncated 3-byte sequence */
  }
}

static void test_limits(void **state) {
  fixture *f = *state;
  size_t pos[64];
  /* empty, NULL, no room */
  check_none(f->ms, "", 0);
  assert_int_equal(tb_hyphen_points(f->ms, NULL, 9, pos, 64), 0);
  assert_int_equal(tb_hyphen_points(f->ms, "pemasaran", 9, NULL, 64), 0);
  assert_int_equal(tb_hyphen_points(f->ms, "pemasaran", 9, pos, 0), 0);
  assert_int_equal(tb_hyphen_points(NULL, "pemasaran", 9, pos, 64), 0);
  /* max caps the output: the first points, in order, and nothing beyond */
  size_t few[4] = {0, 0, 99, 99};
  assert_int_equal(tb_hyphen_points(f->ms, "pemasaran", 9, few, 2), 2);
  assert_int_equal(few[0], 2);
  assert_int_equal(few[1], 4);
  assert_int_equal(few[2], 99);
  /* only len bytes are read: the word need not be NUL-terminated */
  char buf[9];
  memcpy(buf, "pemasaran", 9);
  assert_int_equal(tb_hyphen_points(f->ms, buf, 9, pos, 64), 3);
  assert_int_equal(tb_hyphen_points(f->ms, "pemasaranXYZ", 9, pos, 64), 3);
  assert_int_equal(pos[2], 6);

  /* up to 64 letters are hyphenated, 65 are not; 30,000 letters return at once */
  char w[30001];
  for (size_t i = 0; i < 7; i++)
    memcpy(w + 9 * i, "pemasaran", 9);
  memcpy(w + 63, "ya", 2);
  assert_true(tb_hyphen_points(f->ms, w, 63, pos, 64) > 0);
  assert_true(tb_hyphen_points(f->ms, w, 64, pos, 64) > 0);
  check_none(f->ms, w, 65);
  memset(w, 'a', 30000);
  w[30000] = 0;
  check_none(f->ms, w, 30000);
  check_none(f->en, w, 30000);
  for (size_t i = 0; i + 2 <= 30000; i += 2)
    memcpy(w + i, "\xc3\xa9", 2); /* 15,000 × é */
  check_none(f->en, w, 30000);
}

static void test_lang_tags(void **state) {
  (void)state;
  /* Each tag loads a dictionary (slow under the sanitizers' full unwinding): a few only. */
  const char *ok[] = {"ms-MY", "EN-gb", "zsm", "in", "MS_my", "ms-Latn-BN", "en-Latn-US"};
  enum { NOK = sizeof ok / sizeof ok[0] };
  tb_hyphen *h[NOK];
  for (size_t i = 0; i < NOK; i++) {
    h[i] = tb_hyphen_new(ok[i], DICT_DIR);
    if (!h[i])
      fail_msg("tb_hyphen_new(\"%s\") returned NULL", ok[i]);
  }
  /* variants behave as their language */
  check(h[0], "pe-ma-sa-ran");
  check(h[0], "eks-trak");
  check(h[1], "hy-phen-ation");
  check(h[2], "pe-ngu-ru-san"); /* zsm: Malay, with the Malay exceptions */
  check(h[3], "pe-ma-saran");   /* in: Indonesian */
  check(h[3], "trans-aksi");
  check(h[4], "pe-ma-sa-ran");
  check(h[5], "pe-ma-sa-ran");
  check(h[6], "hy-phen-ation");
  for (size_t i = 0; i < NOK; i++)
    tb_hyphen_free(h[i]);

  const char *bad[] = {"ja",      "ja-JP",      "",        "m",  "e",     "msa", "enx", "english", "malay",
                       "ms-Arab", "ms-arab-MY", "en-Dsrt", "de", "fr-FR", "-ms", "jv",  "su",      "zh"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (tb_hyphen_new(bad[i], DICT_DIR))
      fail_msg("tb_hyphen_new(\"%s\") should be NULL", bad[i]);
  assert_null(tb_hyphen_new(NULL, DICT_DIR));
  assert_null(tb_hyphen_new("ms", NULL));
  assert_null(tb_hyphen_new("ms", "/nonexistent/terbit/hyphen"));
  assert_null(tb_hyphen_new("en", "/nonexistent/terbit/hyphen"));
  tb_hyphen_free(NULL);

  /* the assets folder itself is accepted (its hyphen/ subfolder is tried second) */
  tb_hyphen *a = tb_hyphen_new("ms", TB_TEST_ASSETS_DIR);
  assert_non_null(a);
  check(a, "pe-ma-sa-ran");
  tb_hyphen_free(a);
}

static uint32_t rng(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

/* Every result: ascending offsets strictly inside the word, on character boundaries, with at
 * least 2 letters before and 3 after. */
static void check_invariants(tb_hyphen *h, const char *w, size_t len) {
  size_t pos[8];
  size_t n = tb_hyphen_points(h, w, len, pos, 8);
  assert_true(n <= 8);
  size_t letters = tb_utf8_count(w, len);
  for (size_t i = 0; i < n; i++) {
    assert_true(pos[i] > 0 && pos[i] < len);
    if (i > 0)
      assert_true(pos[i] > pos[i - 1]);
    assert_true(!tb_utf8_is_cont((unsigned char)w[pos[i]]));
    size_t before = tb_utf8_count(w, pos[i]);
    assert_true(before >= 2);
    assert_true(letters - before >= 3);
  }
}

static void test_random_input(void **state) {
  fixture *f = *state;
  tb_hyphen *hs[] = {f->ms, f->id, f->en};
  static const char *const pieces[] = {
      "a", "e", "i", "o", "u", "ng", "ny", "sy",       "kh",       "gh",       "str",          "k", "s",
      "t", "r", "m", "p", "b", "l",  "n",  "\xc3\xa9", "\xc3\xa6", "\xc5\x93", "\xe1\xba\xa1", "y"};
  uint32_t s = 0x9e3779b9u;
  char w[400];
  for (int iter = 0; iter < 6000; iter++) {
    size_t len;
    if (iter % 2) { /* random bytes */
      len = rng(&s) % 300;
      for (size_t i = 0; i < len; i++)
        w[i] = (char)(rng(&s) & 0xFF);
    } else { /* random "words" of letters: exercises the patterns and the rules */
      len = 0;
      size_t parts = 1 + rng(&s) % 30;
      for (size_t i = 0; i < parts; i++) {
        const char *p = pieces[rng(&s) % (sizeof pieces / sizeof pieces[0])];
        memcpy(w + len, p, strlen(p));
        len += strlen(p);
      }
    }
    for (size_t k = 0; k < 3; k++)
      check_invariants(hs[k], w, len);
  }
}

/* The dictionaries compiled in at build time (hyphen_gen.c) hyphenate exactly as libhyphen
 * does with the files it parses: the same points for 40,000 random words and the random bytes
 * above, in Malay, Indonesian and English; a changed file is parsed, not replaced. */
static void test_builtin_equals_parsed(void **state) {
  (void)state;
  static const char *const langs[] = {"ms", "id", "en"};
  static const char *const pieces[] = {
      "a", "e", "i", "o",  "u",  "ng", "ny",  "sy", "kh",  "gh",  "str", "k",        "s", "t", "r", "m", "p",
      "b", "l", "n", "ti", "on", "er", "ing", "pe", "ber", "kan", "an",  "\xc3\xa9", "y", "w", "c", "h"};
  for (size_t li = 0; li < 3; li++) {
    tb_hyphen *b = tb_hyphen_new(langs[li], DICT_DIR);
    tb_hyphen *p = tb_hyphen_new_parsed(langs[li], DICT_DIR);
    assert_non_null(b);
    assert_non_null(p);
    assert_true(tb_hyphen_is_builtin(b));
    assert_false(tb_hyphen_is_builtin(p));
    uint32_t s = 0x51ed270bu + (uint32_t)li;
    char w[200];
    size_t total = 0;
    for (int iter = 0; iter < 40000; iter++) {
      size_t len = 0, parts = 2 + rng(&s) % 8;
      for (size_t i = 0; i < parts; i++) {
        const char *pc = pieces[rng(&s) % (sizeof pieces / sizeof pieces[0])];
        memcpy(w + len, pc, strlen(pc));
        len += strlen(pc);
      }
      size_t pb[64], pp[64];
      size_t nb = tb_hyphen_points(b, w, len, pb, 64), np = tb_hyphen_points(p, w, len, pp, 64);
      if (nb != np || memcmp(pb, pp, nb * sizeof *pb) != 0)
        fail_msg("%s: '%.*s': %zu points compiled in, %zu parsed", langs[li], (int)len, w, nb, np);
      total += nb;
    }
    assert_true(total > 10000); /* the words were hyphenated, not all refused */
    tb_hyphen_free(b);
    tb_hyphen_free(p);
  }
  /* a dictionary that differs from the shipped one by one line is parsed from its file */
  char dir[] = "/tmp/terbit-hyph-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char src[512], dst[512];
  snprintf(src, sizeof src, "%s/hyph_id_ID.dic", DICT_DIR);
  snprintf(dst, sizeof dst, "%s/hyph_id_ID.dic", dir);
  FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
  assert_non_null(in);
  assert_non_null(out);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    assert_int_equal(fwrite(buf, 1, n, out), n);
  fputs("% a local change\n", out); /* a comment: libhyphen leaks a duplicate pattern */
  fclose(in);
  assert_int_equal(fclose(out), 0);
  tb_hyphen *c = tb_hyphen_new("ms", dir);
  assert_non_null(c);
  assert_false(tb_hyphen_is_builtin(c));
  tb_hyphen_free(c);
  remove(dst);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_builtin_equals_parsed),
      cmocka_unit_test(test_malay_words),
      cmocka_unit_test(test_indonesian_words),
      cmocka_unit_test(test_exceptions),
      cmocka_unit_test(test_english_words),
      cmocka_unit_test(test_latin1_mapping),
      cmocka_unit_test(test_rejected),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_lang_tags),
      cmocka_unit_test(test_random_input),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
