// test_frontmatter.c -- cmocka tests of tb_frontmatter_parse: values, limits and error places.
#define _POSIX_C_SOURCE 200809L /* dup, dup2, fileno: to read a warning's text */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "input/frontmatter.h"

/* One parse per test: the fixture holds the doc and what the parse returned. */
typedef struct fx {
  tb_doc *doc;
  tb_meta meta;
  tb_error err;
  size_t off;
  int line;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  f->doc = tb_doc_new();
  tb_warn_set_quiet(1);
  tb_warn_reset();
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  tb_doc_free(f->doc);
  free(f);
  return 0;
}

static int parse_n(fx *f, const char *src, size_t len) {
  tb_error_clear(&f->err);
  f->off = 12345;
  f->line = -7;
  return tb_frontmatter_parse(f->doc, &f->meta, "t.md", src, len, &f->off, &f->line, &f->err);
}

static int parse(fx *f, const char *src) { return parse_n(f, src, strlen(src)); }

/* Parses src, which must succeed. */
static void ok(fx *f, const char *src) {
  int rc = parse(f, src);
  if (rc != 0)
    print_error("unexpected error: %d:%d: %s\n", f->err.line, f->err.col, f->err.msg);
  assert_int_equal(rc, 0);
}

/* Parses src (len bytes), which must fail with code at line:col, the message holding want. */
static void fails_n(fx *f, const char *src, size_t len, tb_error_code code, int line, int col,
                    const char *want) {
  assert_int_equal(parse_n(f, src, len), -1);
  if (!strstr(f->err.msg, want))
    print_error("message '%s' lacks '%s'\n", f->err.msg, want);
  assert_non_null(strstr(f->err.msg, want));
  assert_int_equal(f->err.code, code);
  assert_string_equal(f->err.file, "t.md");
  assert_int_equal(f->err.line, line);
  assert_int_equal(f->err.col, col);
  assert_int_equal(f->off, 12345); /* untouched on failure */
  assert_int_equal(f->line, -7);
}

static void fails(fx *f, const char *src, int line, int col, const char *want) {
  fails_n(f, src, strlen(src), TB_ERR_YAML, line, col, want);
}

/* ---- Values ------------------------------------------------------------------------------ */

static void test_minimal(void **state) {
  fx *f = *state;
  const char *src = "---\ntitle: Hello\n---\nBody\n";
  ok(f, src);
  assert_string_equal(f->meta.title, "Hello");
  assert_string_equal(f->meta.lang, "ms"); /* the default */
  assert_null(f->meta.subtitle);
  assert_null(f->meta.authors);
  assert_int_equal(f->meta.nauthors, 0);
  assert_null(f->meta.date);
  assert_null(f->meta.category);
  assert_null(f->meta.description);
  assert_null(f->meta.identifier);
  assert_null(f->meta.rights);
  assert_null(f->meta.cover);
  assert_null(f->meta.keywords);
  assert_int_equal(f->meta.nkeywords, 0);
  assert_int_equal(f->off, 21);
  assert_string_equal(src + f->off, "Body\n");
  assert_int_equal(f->line, 4);
  assert_int_equal(tb_warn_count(), 0);
}

static void test_all_keys(void **state) {
  fx *f = *state;
  ok(f, "---\n"
        "title: \"Siapa pemasar digital?\"\n"
        "subtitle: Panduan ringkas\n"
        "author:\n"
        "  - Siti Aminah\n"
        "  - 'Ahmad bin Ali'\n"
        "lang: en-GB\n"
        "date: 2024-02-29\n"
        "category: Profesion\n"
        "description: |\n"
        "  Baris satu.\n"
        "  Baris dua.\n"
        "keywords: [pemasaran digital, profesion]\n"
        "identifier: urn:isbn:9780000000000\n"
        "rights: © 2024 Siti\n"
        "cover: images/kulit.jpg\n"
        "---\n"
        "# Bab\n");
  tb_meta *m = &f->meta;
  assert_string_equal(m->title, "Siapa pemasar digital?");
  assert_string_equal(m->subtitle, "Panduan ringkas");
  assert_int_equal(m->nauthors, 2);
  assert_string_equal(m->authors[0], "Siti Aminah");
  assert_string_equal(m->authors[1], "Ahmad bin Ali");
  assert_string_equal(m->lang, "en-GB");
  assert_string_equal(m->date, "2024-02-29");
  assert_string_equal(m->category, "Profesion");
  assert_string_equal(m->description, "Baris satu.\nBaris dua."); /* trimmed of the last '\n' */
  assert_int_equal(m->nkeywords, 2);
  assert_string_equal(m->keywords[0], "pemasaran digital");
  assert_string_equal(m->keywords[1], "profesion");
  assert_string_equal(m->identifier, "urn:isbn:9780000000000");
  assert_string_equal(m->rights, "© 2024 Siti");
  assert_string_equal(m->cover, "images/kulit.jpg");
  assert_int_equal(f->line, 18);
  assert_int_equal(tb_warn_count(), 0);
}

/* The front matter of source/pemasar-digital.md, as it is. */
static void test_real_source(void **state) {
  fx *f = *state;
  const char *src = "---\n"
                    "title: \"Siapa pemasar digital dan apa yang dia lakukan?\"\n"
                    "lang: ms\n"
                    "category: Profesion\n"
                    "keywords: [pemasaran digital, pemasar digital, profesion]\n"
                    "---\n"
                    "\n"
                    "Hari ini teknologi tinggi\n";
  ok(f, src);
  assert_string_equal(f->meta.title, "Siapa pemasar digital dan apa yang dia lakukan?");
  assert_string_equal(f->meta.lang, "ms");
  assert_int_equal(f->meta.nkeywords, 3);
  assert_string_equal(f->meta.keywords[2], "profesion");
  assert_int_equal(f->line, 7);
  assert_string_equal(src + f->off, "\nHari ini teknologi tinggi\n");
}

static void test_author_string_and_list(void **state) {
  fx *f = *state;
  ok(f, "---\ntitle: x\nauthor: Siti Aminah\n---\n");
  assert_int_equal(f->meta.nauthors, 1);
  assert_string_equal(f->meta.authors[0], "Siti Aminah");

  ok(f, "---\ntitle: x\nauthor: [A, B, C]\n---\n");
  assert_int_equal(f->meta.nauthors, 3);
  assert_string_equal(f->meta.authors[0], "A");
  assert_string_equal(f->meta.authors[2], "C");

  ok(f, "---\ntitle: x\nauthor:\n- A\n- B\n---\n"); /* block sequence at the key's indent */
  assert_int_equal(f->meta.nauthors, 2);
  assert_string_equal(f->meta.authors[1], "B");

  ok(f, "---\ntitle: x\nauthor: []\n---\n");
  assert_int_equal(f->meta.nauthors, 0);
  assert_null(f->meta.authors);
}

static void test_keywords_single_string(void **state) {
  fx *f = *state;
  ok(f, "---\ntitle: x\nkeywords: pemasaran, digital\n---\n");
  assert_int_equal(f->meta.nkeywords, 1);
  assert_string_equal(f->meta.keywords[0], "pemasaran, digital");
}

static void test_scalars_as_text(void **state) {
  fx *f = *state;
  ok(f, "---\ntitle: 2024\nsubtitle: 3.14\ncategory: true\nrights: 0x1F\nauthor: [1, no]\n---\n");
  assert_string_equal(f->meta.title, "2024");
  assert_string_equal(f->meta.subtitle, "3.14");
  assert_string_equal(f->meta.category, "true");
  assert_string_equal(f->meta.rights, "0x1F");
  assert_string_equal(f->meta.authors[0], "1");
  assert_string_equal(f->meta.authors[1], "no");
}

static void test_trim_and_nulls(void **state) {
  fx *f = *state;
  ok(f, "---\n"
        "title: \"  Spaced  \\t\"\n"
        "subtitle: ~\n"
        "category: \"\"\n"
        "description: null\n"
        "rights:\n"
        "lang:\n"
        "keywords: [a, \"\", ~, \" \", b]\n"
        "identifier: 'null'\n" /* quoted: text, not null */
        "---\n");
  assert_string_equal(f->meta.title, "Spaced");
  assert_null(f->meta.subtitle);
  assert_null(f->meta.category);
  assert_null(f->meta.description);
  assert_null(f->meta.rights);
  assert_string_equal(f->meta.lang, "ms");
  assert_int_equal(f->meta.nkeywords, 2);
  assert_string_equal(f->meta.keywords[0], "a");
  assert_string_equal(f->meta.keywords[1], "b");
  assert_string_equal(f->meta.identifier, "null");
}

static void test_utf8_kept(void **state) {
  fx *f = *state;
  ok(f, "---\ntitle: \"Kafé — ünïcödé \\u00e9 \\t tab\"\nsubtitle: 日本語\n---\n");
  assert_string_equal(f->meta.title, "Kafé — ünïcödé é \t tab");
  assert_string_equal(f->meta.subtitle, "日本語");
}

static void test_meta_untouched_on_failure(void **state) {
  fx *f = *state;
  f->meta.title = "before";
  f->meta.nauthors = 9;
  fails(f, "---\ntitle: x\ndate: 2023-02-30\n---\n", 3, 7, "date");
  assert_string_equal(f->meta.title, "before");
  assert_int_equal(f->meta.nauthors, 9);
}

/* ---- Delimiters and places --------------------------------------------------------------- */

static void test_body_offset_and_line(void **state) {
  fx *f = *state;
  const char *src = "---\ntitle: x\nsubtitle: y\n\n---\nline five\nline six\n";
  ok(f, src);
  assert_string_equal(src + f->off, "line five\nline six\n");
  assert_int_equal(f->line, 6);

  src = "---\ntitle: x\n...\nBody";
  ok(f, src);
  assert_string_equal(src + f->off, "Body");
  assert_int_equal(f->line, 4);

  src = "---\ntitle: x\n---"; /* the closing line ends the file */
  ok(f, src);
  assert_int_equal(f->off, strlen(src));
  assert_int_equal(f->line, 4);

  src = "---\ntitle: x\n---\n---\nstill body\n"; /* the first closing line wins */
  ok(f, src);
  assert_string_equal(src + f->off, "---\nstill body\n");
  assert_int_equal(f->line, 4);
}

static void test_crlf(void **state) {
  fx *f = *state;
  const char *src = "---\r\ntitle: Hello\r\nauthor:\r\n  - A\r\n  - B\r\ndescription: |\r\n"
                    "  one\r\n  two\r\n---\r\nBody\r\n";
  ok(f, src);
  assert_string_equal(f->meta.title, "Hello");
  assert_int_equal(f->meta.nauthors, 2);
  assert_string_equal(f->meta.authors[1], "B");
  assert_string_equal(f->meta.description, "one\ntwo"); /* libyaml folds CRLF to '\n' */
  assert_string_equal(src + f->off, "Body\r\n");
  assert_int_equal(f->line, 10);

  src = "---\r\ntitle: x\r\n...\r\nBody";
  ok(f, src);
  assert_string_equal(src + f->off, "Body");

  /* Error places count CRLF as one line end. */
  fails(f, "---\r\ntitle: x\r\n\r\nlang: [x]\r\n---\r\n", 4, 7, "lang: expected a string");
}

/* issue 12: front matter is optional. A file that does not start with exactly "---" has none:
 * every key unset, lang "ms" (not given), the body is the whole file from line 1. */
static void no_front_matter(fx *f, const char *src) {
  f->off = 99;
  f->line = 99;
  assert_int_equal(parse(f, src), 0);
  assert_false(tb_error_is_set(&f->err));
  assert_null(f->meta.title);
  assert_string_equal(f->meta.lang, "ms");
  assert_false(f->meta.lang_given);
  assert_int_equal(f->off, 0);
  assert_int_equal(f->line, 1);
}

static void test_missing_front_matter(void **state) {
  fx *f = *state;
  no_front_matter(f, "# Just Markdown\n");
  no_front_matter(f, "");
  no_front_matter(f, "--- \ntitle: x\n---\n"); /* not exactly "---" */
  no_front_matter(f, "----\ntitle: x\n---\n");
  no_front_matter(f, "\n---\ntitle: x\n---\n"); /* not on line 1 */
  no_front_matter(f, "...\ntitle: x\n...\n");   /* "..." only closes */
}

static void test_unterminated(void **state) {
  fx *f = *state;
  const char *want = "front matter is not closed with '---'";
  fails(f, "---\ntitle: x\n\n# Heading\n", 1, 1, want);
  fails(f, "---", 1, 1, want);
  fails(f, "---\n", 1, 1, want);
  fails(f, "---\ntitle: x\n--- \n", 1, 1, want); /* trailing blank: not a delimiter */
}

static void test_wrong_type_places(void **state) {
  fx *f = *state;
  fails(f, "---\ntitle: [a, b]\n---\n", 2, 8, "title: expected a string");
  fails(f, "---\ntitle: x\nsubtitle: {a: b}\n---\n", 3, 11, "subtitle: expected a string");
  fails(f, "---\ntitle:\n  - a\n---\n", 3, 3, "title: expected a string");
  fails(f, "---\ntitle: x\ndate:\n  y: 1\n---\n", 4, 3, "date: expected a string");
  fails(f, "---\ntitle: x\nkeywords: {a: b}\n---\n", 3, 11, "keywords: expected a list of strings");
  fails(f, "---\ntitle: x\nauthor:\n  - a\n  - [b, c]\n---\n", 5, 5, "author: expected a list of strings");
  fails(f, "---\ntitle: x\nauthor:\n  - name: a\n---\n", 4, 5, "author: expected a list of strings");
  /* Columns count characters, not bytes ("ééé" is 6 bytes). */
  fails(f, "---\n{subtitle: ééé, title: [x]}\n---\n", 2, 24, "title: expected a string");
}

static void test_not_a_mapping(void **state) {
  fx *f = *state;
  fails(f, "---\n- title\n- x\n---\n", 2, 1, "must be a mapping");
  fails(f, "---\njust a sentence\n---\n", 2, 1, "must be a mapping");
  fails(f, "---\ntitle: x\n[a]: b\n---\n", 3, 1, "keys must be plain strings");
  fails(f, "---\ntitle: x\n? {a: b}\n: c\n---\n", 3, 3, "keys must be plain strings");
}

/* A front matter without a title is no error now (the loader falls back on an opening heading or
 * the file name); an empty title still is. */
static void test_missing_or_empty_title(void **state) {
  fx *f = *state;
  static const char *const untitled[] = {"---\n---\nBody\n", "---\n# only a comment\n\n---\n",
                                         "---\n{}\n---\n", "---\nsubtitle: x\nauthor: y\n---\n",
                                         "---\nTitle: x\n---\n"}; /* keys are case-sensitive */
  for (size_t i = 0; i < sizeof untitled / sizeof untitled[0]; i++) {
    assert_int_equal(parse(f, untitled[i]), 0);
    assert_null(f->meta.title);
    assert_true(f->off > 0);
  }
  fails(f, "---\ntitle: \"\"\n---\n", 2, 8, "title: must not be empty");
  fails(f, "---\ntitle: '   '\n---\n", 2, 8, "title: must not be empty");
  fails(f, "---\ntitle: ~\n---\n", 2, 8, "title: must not be empty");
}

#define LONG_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Parses src with warnings printed, capturing stderr into text. */
static int parse_capturing(fx *f, const char *src, char *text, size_t size) {
  FILE *tmp = tmpfile();
  assert_non_null(tmp);
  fflush(stderr);
  int saved = dup(2);
  assert_true(saved >= 0);
  assert_true(dup2(fileno(tmp), 2) >= 0);
  tb_warn_set_quiet(0);
  int rc = parse(f, src);
  tb_warn_set_quiet(1);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  rewind(tmp);
  size_t n = fread(text, 1, size - 1, tmp);
  text[n] = 0;
  fclose(tmp);
  return rc;
}

static void test_unknown_key_warns(void **state) {
  fx *f = *state;
  ok(f, "---\ntitle: x\nfoo: [1, {a: [b, c]}]\nbar: 2\nlayout: post\n---\n");
  assert_string_equal(f->meta.title, "x");
  assert_int_equal(tb_warn_count(), 3);

  /* The warning names the key and its place. */
  char text[256];
  assert_int_equal(parse_capturing(f, "---\ntitle: x\n\n# c\n  foo: 1\n---\n", text, sizeof text),
                   -1); /* an indented key breaks the mapping: no warning, an error */
  assert_string_equal(text, "");
  assert_int_equal(parse_capturing(f, "---\ntitle: x\n\n# c\nfoo: 1\n---\n", text, sizeof text), 0);
  assert_string_equal(text, "terbit: warning: t.md:5:1: unknown front matter key 'foo' (ignored)\n");
  assert_int_equal(parse_capturing(f, "---\r\n{title: é, \"\\tbad\": 1}\r\n---\r\n", text, sizeof text), 0);
  assert_string_equal(text, "terbit: warning: t.md:2:12: unknown front matter key '?bad' (ignored)\n");
  /* A long key is cut in the message (at a character boundary). */
  char src[256], want[256];
  snprintf(src, sizeof src, "---\ntitle: x\n%.59sé%.40s: 1\n---\n", LONG_A, LONG_A);
  snprintf(want, sizeof want, "terbit: warning: t.md:3:1: unknown front matter key '%.59s...' (ignored)\n",
           LONG_A);
  assert_int_equal(parse_capturing(f, src, text, sizeof text), 0);
  assert_string_equal(text, want);
}

/* An unknown key names the known key it was probably meant to be: within two edits (a swap is
 * one), or one of its other spellings; a short key or a far one gets no guess. */
static void test_unknown_key_suggests(void **state) {
  fx *f = *state;
  static const struct {
    const char *key, *hint; /* hint NULL: no guess */
  } cases[] = {
      {"autor", "author"},
      {"authors", "author"},
      {"titel", "title"},
      {"Title", "title"},
      {"subtitel", "subtitle"},
      {"language", "lang"},
      {"Language", "lang"},
      {"langs", "lang"},
      {"dtae", "date"},
      {"categry", "category"},
      {"categories", "category"},
      {"descripton", "description"},
      {"keyword", "keywords"},
      {"tags", "keywords"},
      {"identifer", "identifier"},
      {"right", "rights"},
      {"cover-image", "cover"},
      {"covr", "cover"},
      {"summary", "description"},
      {"foo", NULL},
      {"x", NULL},
      {"layout", NULL},
      {"permalink", NULL},
      {"tl", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char src[128], text[256], want[256];
    (void)snprintf(src, sizeof src, "---\ntitle: x\n%s: 1\n---\n", cases[i].key);
    if (cases[i].hint)
      (void)snprintf(
          want, sizeof want,
          "terbit: warning: t.md:3:1: unknown front matter key '%s' (ignored); did you mean '%s'?\n",
          cases[i].key, cases[i].hint);
    else
      (void)snprintf(want, sizeof want,
                     "terbit: warning: t.md:3:1: unknown front matter key '%s' (ignored)\n", cases[i].key);
    assert_int_equal(parse_capturing(f, src, text, sizeof text), 0);
    assert_string_equal(text, want);
  }
}

static void test_duplicate_key(void **state) {
  fx *f = *state;
  fails(f, "---\ntitle: a\ntitle: b\n---\n", 3, 1, "duplicate front matter key 'title'");
  fails(f, "---\ntitle: a\nauthor: x\nlang: ms\nauthor: [y]\n---\n", 5, 1,
        "duplicate front matter key 'author'");
  fails(f, "---\ntitle: a\nfoo: 1\n\"foo\": 2\n---\n", 4, 1, "duplicate front matter key 'foo'");
  fails(f, "---\n{title: a, title: b}\n---\n", 2, 12, "duplicate");
}

static void test_anchors_aliases_tags(void **state) {
  fx *f = *state;
  const char *want = "YAML anchors and aliases are not allowed";
  fails(f, "---\ntitle: &t x\nsubtitle: *t\n---\n", 2, 8, want);
  fails(f, "---\ntitle: x\nsubtitle: *t\n---\n", 3, 11, want);
  fails(f, "---\ntitle: x\nkeywords: &k [a]\n---\n", 3, 11, want);
  fails(f, "---\n&root\ntitle: x\n---\n", 2, 1, want);
  fails(f, "---\ntitle: x\nfoo: {a: &z 1}\n---\n", 3, 10, want); /* inside an unknown key too */
  fails(f, "---\ntitle: !!binary aGk=\n---\n", 2, 8, "YAML tags are not allowed");
  fails(f, "---\ntitle: !!str x\n---\n", 2, 8, "YAML tags are not allowed");
  fails(f, "---\ntitle: x\nauthor: !people [a]\n---\n", 3, 9, "YAML tags are not allowed");
}

static void test_billion_laughs(void **state) {
  fx *f = *state;
  tb_buf b = {0};
  tb_buf_puts(&b, "---\ntitle: lol\n");
  tb_buf_puts(&b, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
  for (char c = 'b'; c <= 'i'; c++)
    tb_buf_printf(&b, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, c - 1, c - 1, c - 1, c - 1,
                  c - 1, c - 1, c - 1, c - 1, c - 1);
  tb_buf_puts(&b, "keywords: *i\n---\n");
  clock_t t0 = clock();
  fails_n(f, b.data, b.len, TB_ERR_YAML, 3, 4, "YAML anchors and aliases are not allowed");
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  assert_true(secs < 1.0);
  tb_buf_free(&b);
}

static void test_yaml_syntax_errors(void **state) {
  fx *f = *state;
  fails(f, "---\ntitle: \"abc\n---\n", 3, 1, "found unexpected end of stream");
  fails(f, "---\ntitle: x\nfoo bar\n---\n", 4, 1, "could not find expected ':'");
  fails(f, "---\ntitle: x\n  bad: y\n---\n", 3, 6, "mapping values are not allowed");
  fails(f, "---\ntitle: x\n\tsub: 1\n---\n", 3, 1, "tab");
  fails(f, "---\r\ntitle: x\r\nfoo bar\r\n---\r\n", 4, 1, "could not find expected ':'");
  /* A raw control character is refused by libyaml's reader (a byte offset, converted). */
  const char nul[] = "---\ntitle: x\nsub: a\0b\n---\n";
  fails_n(f, nul, sizeof nul - 1, TB_ERR_YAML, 3, 7, "control characters are not allowed");
  fails(f, "---\ntitle: é\nsub: a\x01z\n---\n", 3, 7, "control characters are not allowed");
}

static void test_multiple_documents(void **state) {
  fx *f = *state;
  const char *want = "more than one YAML document";
  fails(f, "---\ntitle: a\n--- # two\ntitle: b\n---\n", 3, 1, want);
  fails(f, "---\ntitle: a\n--- b\n---\n", 3, 1, want);
  fails(f, "---\ntitle: a\n... # end\n--- {title: b}\n---\n", 4, 1, want);
}

static void test_lang(void **state) {
  fx *f = *state;
  static const char *const good[] = {"ms",         "id",  "en",    "en-GB", "zh-Hant-TW", "sr-Latn",
                                     "de-CH-1996", "fil", "ms-MY", "EN-gb", "en-a-b1"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    char src[128];
    snprintf(src, sizeof src, "---\ntitle: x\nlang: %s\n---\n", good[i]);
    ok(f, src);
    assert_string_equal(f->meta.lang, good[i]);
  }
  static const char *const bad[] = {"english", "e",  "en_GB",  "en-",  "en--GB",    "en-toolongsub",
                                    "-en",     "12", "en-G B", "x1-a", "\"en GB\"", "abcd"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char src[128];
    snprintf(src, sizeof src, "---\ntitle: x\nlang:   %s\n---\n", bad[i]);
    fails(f, src, 3, 9, "lang: '");
  }
  fails(f, "---\ntitle: x\nlang: en_GB\n---\n", 3, 7, "lang: 'en_GB' is not a BCP 47 language tag");
}

static void test_date(void **state) {
  fx *f = *state;
  static const char *const good[] = {"2024-02-29", "2000-02-29", "2023-12-31", "1999-01-01", "0001-01-01"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    char src[128];
    snprintf(src, sizeof src, "---\ntitle: x\ndate: %s\n---\n", good[i]);
    ok(f, src);
    assert_string_equal(f->meta.date, good[i]);
  }
  fails(f, "---\ntitle: x\ndate: 2023-02-30\n---\n", 3, 7, "date: '2023-02-30' is not a real date");
  static const char *const bad[] = {
      "2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10",           "2024-01-00",
      "2024-1-5",   "24-01-05",   "2024/01/05", "0000-01-01", "2024-01-05T10:00:00Z", "tomorrow"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char src[128];
    snprintf(src, sizeof src, "---\ntitle: x\nsubtitle: y\ndate: %s\n---\n", bad[i]);
    fails(f, src, 4, 7, "is not a real date");
  }
}

static void test_control_characters(void **state) {
  fx *f = *state;
  fails(f, "---\ntitle: \"a\\x01b\"\n---\n", 2, 8, "title: character U+0001 is not allowed");
  fails(f, "---\ntitle: \"a\\0b\"\n---\n", 2, 8, "U+0000");
  fails(f, "---\ntitle: x\nsubtitle: \"\\e[31mred\"\n---\n", 3, 11, "U+001B");
  fails(f, "---\ntitle: x\nrights: \"a\\rb\"\n---\n", 3, 9, "U+000D");
  fails(f, "---\ntitle: x\nkeywords: [ok, \"b\\x07\"]\n---\n", 3, 16, "keywords: character U+0007");
  fails(f, "---\ntitle: \"\\uFFFE\"\n---\n", 2, 8, "U+FFFE");
  fails(f, "---\ntitle: x\n\"a\\x02\": 1\n---\n", 3, 1, "front matter key: character U+0002");
  ok(f, "---\ntitle: \"tab\\there\"\ndescription: \"one\\ntwo\"\n---\n");
  assert_string_equal(f->meta.title, "tab\there");
  assert_string_equal(f->meta.description, "one\ntwo");
}

/* ---- Limits ------------------------------------------------------------------------------ */

static void test_limit_block(void **state) {
  fx *f = *state;
  tb_buf b = {0};
  /* Exactly at the limit: accepted. */
  tb_buf_puts(&b, "---\ntitle: x\n# ");
  size_t head = b.len - 4;
  for (size_t i = head + 1; i < TB_FRONTMATTER_MAX_BLOCK; i++)
    tb_buf_putc(&b, 'a');
  tb_buf_puts(&b, "\n---\nBody\n");
  ok(f, b.data);
  assert_string_equal(b.data + f->off, "Body\n");
  /* One byte more: refused. */
  tb_buf_clear(&b);
  tb_buf_puts(&b, "---\ntitle: x\n# ");
  for (size_t i = head + 1; i < TB_FRONTMATTER_MAX_BLOCK + 1; i++)
    tb_buf_putc(&b, 'a');
  tb_buf_puts(&b, "\n---\nBody\n");
  fails_n(f, b.data, b.len, TB_ERR_LIMIT, 1, 1, "larger than 65536 bytes");
  tb_buf_free(&b);
}

static void test_limit_value(void **state) {
  fx *f = *state;
  /* "\L" (U+2028, 3 bytes) makes a value longer than its 64 KiB-bounded source. */
  tb_buf b = {0};
  tb_buf_puts(&b, "---\ntitle: x\ndescription: \"");
  for (int i = 0; i < 30000; i++)
    tb_buf_puts(&b, "\\L");
  tb_buf_puts(&b, "\"\n---\n");
  fails_n(f, b.data, b.len, TB_ERR_LIMIT, 3, 14, "description: the value is longer than 65536");
  tb_buf_free(&b);
}

static void test_limit_list(void **state) {
  fx *f = *state;
  tb_buf b = {0};
  tb_buf_puts(&b, "---\ntitle: x\nkeywords:\n");
  for (int i = 0; i < TB_FRONTMATTER_MAX_ITEMS; i++)
    tb_buf_printf(&b, "- k%d\n", i);
  tb_buf_puts(&b, "---\n");
  ok(f, b.data);
  assert_int_equal(f->meta.nkeywords, TB_FRONTMATTER_MAX_ITEMS);
  assert_string_equal(f->meta.keywords[999], "k999");

  b.len -= 4; /* drop the closing line, add one entry */
  tb_buf_puts(&b, "- one-too-many\n---\n");
  fails_n(f, b.data, b.len, TB_ERR_LIMIT, 4 + TB_FRONTMATTER_MAX_ITEMS, 3,
          "keywords: more than 1000 entries");
  tb_buf_free(&b);
}

static void test_limit_keys(void **state) {
  fx *f = *state;
  tb_buf b = {0};
  tb_buf_puts(&b, "---\ntitle: x\n");
  for (int i = 1; i <= TB_FRONTMATTER_MAX_ITEMS; i++)
    tb_buf_printf(&b, "k%d: 1\n", i);
  tb_buf_puts(&b, "---\n");
  fails_n(f, b.data, b.len, TB_ERR_LIMIT, 3 + TB_FRONTMATTER_MAX_ITEMS - 1, 1, "more than 1000 keys");
  assert_int_equal(tb_warn_count(), TB_FRONTMATTER_MAX_ITEMS - 1);
  tb_buf_free(&b);
}

/* Deep nesting under an unknown key is skipped without recursion. */
static void test_deep_nesting(void **state) {
  fx *f = *state;
  tb_buf b = {0};
  tb_buf_puts(&b, "---\ntitle: x\nfoo: ");
  for (int i = 0; i < 20000; i++)
    tb_buf_putc(&b, '[');
  for (int i = 0; i < 20000; i++)
    tb_buf_putc(&b, ']');
  tb_buf_puts(&b, "\n---\n");
  ok(f, b.data);
  assert_int_equal(tb_warn_count(), 1);
  tb_buf_free(&b);
}

static void test_null_err_allowed(void **state) {
  fx *f = *state;
  size_t off = 0;
  int line = 0;
  const char *src = "---\ntitle: [x]\n---\n";
  assert_int_equal(tb_frontmatter_parse(f->doc, &f->meta, "t.md", src, strlen(src), &off, &line, NULL), -1);
}

/* class: article or book, else an error at the value; tb_doc_is_book follows it, and without
 * it counts the sources and the level-1 headings. */
static void test_class(void **state) {
  fx *f = *state;
  ok(f, "---\ntitle: T\nclass: book\n---\n");
  assert_string_equal(f->meta.doc_class, "book");
  ok(f, "---\ntitle: T\nclass: article\n---\n");
  assert_string_equal(f->meta.doc_class, "article");
  fails(f, "---\ntitle: T\nclass: novel\n---\n", 3, 8, "class: 'novel' is neither article nor book");
  assert_int_equal(tb_warn_count(), 0); /* a known key */
  tb_doc *d = tb_doc_new();
  d->nsources = 1;
  assert_false(tb_doc_is_book(d));
  d->nsources = 2;
  assert_true(tb_doc_is_book(d));
  d->meta.doc_class = "article";
  assert_false(tb_doc_is_book(d));
  tb_doc_free(d);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_minimal),
      T(test_all_keys),
      T(test_real_source),
      T(test_author_string_and_list),
      T(test_keywords_single_string),
      T(test_scalars_as_text),
      T(test_trim_and_nulls),
      T(test_utf8_kept),
      T(test_meta_untouched_on_failure),
      T(test_body_offset_and_line),
      T(test_crlf),
      T(test_missing_front_matter),
      T(test_unterminated),
      T(test_wrong_type_places),
      T(test_not_a_mapping),
      T(test_missing_or_empty_title),
      T(test_unknown_key_warns),
      T(test_unknown_key_suggests),
      T(test_duplicate_key),
      T(test_anchors_aliases_tags),
      T(test_billion_laughs),
      T(test_yaml_syntax_errors),
      T(test_multiple_documents),
      T(test_lang),
      T(test_date),
      T(test_control_characters),
      T(test_limit_block),
      T(test_limit_value),
      T(test_limit_list),
      T(test_limit_keys),
      T(test_deep_nesting),
      T(test_null_err_allowed),
      T(test_class),
  };
  return cmocka_run_group_tests_name("frontmatter", tests, NULL, NULL);
}
