// test_source.c -- issue 12, Markdown as people have it: GitHub's heading ids (every case of
// github-slugger's test/fixtures.json), the title rules, the language read from the text, -M.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc/doc.h"
#include "input/frontmatter.h"
#include "input/lang.h"
#include "input/load.h"
#include "util/error.h"
#include "util/slug.h"

static const char *fixtures_path; /* argv[1] */

/* ---- a reader for fixtures.json: an array of objects whose values are strings ---- */

static void put_utf8(tb_buf *b, uint32_t cp) {
  char u[4];
  size_t n;
  if (cp < 0x80)
    u[0] = (char)cp, n = 1;
  else if (cp < 0x800)
    u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  else
    u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  tb_buf_put(b, u, n);
}

static uint32_t hex4(const char *p) {
  char h[5] = {p[0], p[1], p[2], p[3], 0};
  return (uint32_t)strtoul(h, NULL, 16);
}

/* Reads the JSON string starting at *p (at its '"') into b; *p moves past it. */
static void json_string(const char **p, tb_buf *b) {
  const char *s = *p;
  assert_int_equal(*s, '"');
  s++;
  tb_buf_clear(b);
  while (*s != '"') {
    assert_true(*s != 0);
    if (*s != '\\') {
      tb_buf_putc(b, *s++);
      continue;
    }
    s++;
    switch (*s) {
    case 'n': tb_buf_putc(b, '\n'); break;
    case 't': tb_buf_putc(b, '\t'); break;
    case 'r': tb_buf_putc(b, '\r'); break;
    case 'b': tb_buf_putc(b, '\b'); break;
    case 'f': tb_buf_putc(b, '\f'); break;
    case 'u': {
      uint32_t cp = hex4(s + 1);
      s += 4;
      if (cp >= 0xD800 && cp < 0xDC00 && s[1] == '\\' && s[2] == 'u') {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(s + 3) - 0xDC00);
        s += 6;
      }
      put_utf8(b, cp);
      break;
    }
    default: tb_buf_putc(b, *s); break; /* \" \\ \/ */
    }
    s++;
  }
  *p = s + 1;
}

static char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  tb_buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    tb_buf_put(&b, chunk, n);
  fclose(f);
  size_t len;
  return tb_buf_detach(&b, &len);
}

/* Every case, in order, through one slugger (as github-slugger's own test runs them). */
static void test_github_slugger_fixtures(void **state) {
  (void)state;
  char *json = read_all(fixtures_path);
  tb_slugger sl = {0};
  tb_buf key = {0}, name = {0}, input = {0}, expected = {0}, got = {0};
  int cases = 0, failed = 0;
  for (const char *p = strchr(json, '{'); p; p = strchr(p, '{')) {
    /* one object: "key": "value" pairs up to '}' */
    p++;
    bool have_in = false, have_exp = false;
    while (*p && *p != '}') {
      if (*p != '"') {
        p++;
        continue;
      }
      json_string(&p, &key);
      p = strchr(p, '"');
      assert_non_null(p);
      tb_buf *dst = !strcmp(key.data, "name")       ? &name
                    : !strcmp(key.data, "input")    ? &input
                    : !strcmp(key.data, "expected") ? &expected
                                                    : &got;
      json_string(&p, dst);
      have_in |= dst == &input;
      have_exp |= dst == &expected;
    }
    assert_true(have_in && have_exp);
    tb_buf_clear(&got);
    tb_slugger_slug(&sl, input.data, input.len, &got);
    cases++;
    if (got.len != expected.len || memcmp(got.data, expected.data, got.len) != 0) {
      failed++;
      print_error("%s: got '%.*s', want '%s'\n", name.data, (int)(got.len > 200 ? 200 : got.len),
                  got.data ? got.data : "", expected.data);
    }
  }
  assert_int_equal(failed, 0);
  assert_true(cases >= 70); /* the file as it is: 43 cases written by hand, 30 categories */
  tb_slugger_free(&sl);
  tb_buf_free(&key);
  tb_buf_free(&name);
  tb_buf_free(&input);
  tb_buf_free(&expected);
  tb_buf_free(&got);
  free(json);
}

/* The examples of issue 12, GitHub's ids of headings that terbit gave other ids before. */
static void test_slug_examples(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"Linux/Unix", "linuxunix"},
      {"Rust's editions", "rusts-editions"},
      {"A - B", "a---b"},
      {"Bab 1: Pengenalan", "bab-1-pengenalan"},
      {"ΑΣ", "ας"}, /* final sigma */
      {"ΣΑ", "σα"},
      {"İstanbul", "i\xCC\x87stanbul"}, /* JavaScript lower-cases U+0130 to two code points */
      {"Ⓐ circled", "ⓐ-circled"},       /* Alphabetic symbols stay */
      {"", ""},
  };
  tb_buf b = {0};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tb_buf_clear(&b);
    tb_slug_github(cases[i][0], strlen(cases[i][0]), &b);
    assert_string_equal(b.data ? b.data : "", cases[i][1]);
  }
  tb_buf_free(&b);
}

/* ---- titles ---- */

static tb_doc *load_named(const char *name, const char *src) {
  tb_error err;
  tb_error_clear(&err);
  tb_doc *d = tb_load_memory(name, NULL, src, strlen(src), &err);
  if (!d)
    print_error("%s\n", err.msg);
  assert_non_null(d);
  return d;
}

/* No front matter, an opening level-1 heading: it is the title, not a body heading; the ##
 * sections are the chapters. */
static void test_title_from_opening_heading(void **state) {
  (void)state;
  tb_doc *d = load_named("README.md", "# My *Tool*\n\nIntro.\n\n## Usage\n\nRun.\n\n## Usage\n");
  assert_string_equal(d->meta.title, "My Tool");
  assert_int_equal(d->nchapters, 3);
  assert_null(d->chapters[0].title);
  assert_string_equal(d->chapters[1].title, "Usage");
  assert_int_equal(d->nheadings, 2);
  assert_int_equal(d->headings[0].level, 2);
  /* GitHub counted the title's slug ("my-tool"): the repeats still get -1 as there */
  assert_string_equal(d->headings[0].slug, "usage");
  assert_string_equal(d->headings[1].slug, "usage-1");
  tb_doc_free(d);
}

/* A front matter title and an opening heading of the same text: printed once. Another text: the
 * heading stays in the body. */
static void test_title_front_matter_and_heading(void **state) {
  (void)state;
  tb_doc *d = load_named("t.md", "---\ntitle: Guide\n---\n# Guide\n\n## One\n\n## Two\n");
  assert_string_equal(d->meta.title, "Guide");
  assert_int_equal(d->nheadings, 2);
  assert_string_equal(d->headings[0].text, "One");
  tb_doc_free(d);
  d = load_named("t.md", "---\ntitle: Guide\n---\n# Part one\n\ntext\n\n## A\n");
  assert_string_equal(d->meta.title, "Guide");
  assert_int_equal(d->nheadings, 2);
  assert_string_equal(d->headings[0].text, "Part one");
  assert_int_equal(d->headings[0].level, 1);
  tb_doc_free(d);
}

/* Neither: the file's stem, '-' and '_' as spaces. A heading that does not open the file, or is
 * not of level 1, gives no title. */
static void test_title_from_file_name(void **state) {
  (void)state;
  tb_doc *d = load_named("docs/getting-started_guide.md", "Some text.\n\n# Later\n");
  assert_string_equal(d->meta.title, "getting started guide");
  assert_int_equal(d->nheadings, 1);
  tb_doc_free(d);
  d = load_named("notes.md", "## Not a title\n\ntext\n");
  assert_string_equal(d->meta.title, "notes");
  assert_int_equal(d->nheadings, 1);
  tb_doc_free(d);
}

static char *write_tmp(char *templ, const char *text) {
  int fd = mkstemps(templ, 3);
  assert_true(fd >= 0);
  size_t n = strlen(text);
  assert_int_equal(write(fd, text, n), (ssize_t)n);
  close(fd);
  return templ;
}

/* In a book, a file's opening level-1 heading is its chapter's title heading (kept, with its
 * markup), and the first file's gives the book's title; a file with neither takes its name. */
static void test_title_in_a_book(void **state) {
  (void)state;
  char a[] = "/tmp/terbit-src-aXXXXXX.md", b[] = "/tmp/terbit-src-bXXXXXX.md";
  write_tmp(a, "# The `Book`\n\nThe text of the book, and the rest of it.\n\n## Part\n");
  write_tmp(b, "Just text in the second file.\n");
  const char *paths[] = {a, b};
  tb_error err;
  tb_error_clear(&err);
  tb_doc *d = tb_load_files(paths, 2, &err);
  assert_non_null(d);
  assert_string_equal(d->meta.title, "The Book");
  assert_int_equal(d->nchapters, 2);
  assert_string_equal(d->chapters[0].title, "The Book");
  assert_int_equal(d->chapters[0].heading, 0);
  assert_int_equal(d->headings[0].level, 1);
  assert_int_equal(d->headings[1].level, 3); /* ## under the chapter title, one level down */
  assert_int_equal(d->nheadings, 3);         /* the second file's title heading is made */
  /* "/tmp/terbit-src-bXXXXXX.md": its stem with '-' as spaces */
  char want[64];
  (void)snprintf(want, sizeof want, "terbit src %s", strrchr(b, '-') + 1);
  want[strlen(want) - 3] = 0;
  assert_string_equal(d->chapters[1].title, want);
  tb_doc_free(d);
  unlink(a);
  unlink(b);
}

/* Links to another file of the book go to its heading by the id GitHub gives it in that file's
 * own page ("usage", though the book calls it "usage-1"); a .md outside the book keeps its text. */
static void test_links_across_files(void **state) {
  (void)state;
  char dir[] = "/tmp/terbit-links-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char a[64], b[64], sub[64];
  (void)snprintf(a, sizeof a, "%s/guide.md", dir);
  (void)snprintf(sub, sizeof sub, "%s/sub", dir);
  (void)snprintf(b, sizeof b, "%s/sub/setup.md", dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  FILE *f = fopen(a, "w");
  fputs("# Guide\n\n[1](sub/setup.md#usage) [2](./sub/setup.md) [3](../x.md) [4](sub/setup.md#nope)\n\n"
        "## Usage\n",
        f);
  fclose(f);
  f = fopen(b, "w");
  fputs("# Setup\n\n## Usage\n\n[back](../guide.md#usage)\n", f);
  fclose(f);
  const char *paths[] = {a, b};
  tb_error err;
  tb_error_clear(&err);
  size_t warns = tb_warn_count();
  tb_doc *d = tb_load_files(paths, 2, &err);
  assert_non_null(d);
  assert_int_equal(tb_warn_count() - warns, 2); /* ../x.md outside the book; #nope */
  /* headings: 0 Guide, 1 Usage (guide), 2 Setup, 3 Usage (setup: usage-1 in the book) */
  assert_string_equal(d->headings[3].slug, "usage-1");
  assert_string_equal(d->headings[3].file_slug, "usage");
  const tb_node *para = d->chapters[0].root->first->next;
  const tb_node *l = para->first;
  int want[] = {3, 2, -1, -1};
  for (int i = 0; i < 4; l = l->next) {
    if (l->type != TB_NODE_LINK)
      continue;
    assert_int_equal(l->as.link.heading, want[i]);
    i++;
  }
  const tb_node *back = d->chapters[1].root->last->first;
  assert_int_equal(back->type, TB_NODE_LINK);
  assert_int_equal(back->as.link.heading, 1);
  tb_doc_free(d);
  unlink(a);
  unlink(b);
  rmdir(sub);
  rmdir(dir);
}

/* ---- lang ---- */

static void test_lang_guess(void **state) {
  (void)state;
  int ms, en;
  assert_string_equal(tb_lang_guess("This is the text of the book, and it is in English.", 52, &ms, &en),
                      "en");
  assert_true(en > ms);
  const char *m = "Buku ini ialah untuk anda yang mahu belajar dengan cepat dan mudah.";
  assert_string_equal(tb_lang_guess(m, strlen(m), &ms, &en), "ms");
  assert_true(ms > en);
  /* no common word: the default; code blocks do not count */
  const char *c = "```\nthe and of to is in that it for with the and\n```\nBahasa.\n";
  assert_string_equal(tb_lang_guess(c, strlen(c), &ms, &en), "ms");
  assert_int_equal(en, 0);
  assert_int_equal(ms, 0);
}

/* Without lang the first file's text decides, and the dump says so; the front matter wins. */
static void test_lang_read_from_text(void **state) {
  (void)state;
  tb_doc *d = load_named("README.md", "# Tool\n\nThis is the tool that you will want for the work.\n");
  assert_string_equal(d->meta.lang, "en");
  assert_true(d->meta.lang_guessed);
  assert_false(d->meta.lang_given);
  assert_string_equal(d->chapters[0].lang, "en");
  tb_buf b = {0};
  tb_doc_dump(d, &b);
  assert_non_null(strstr(b.data, "lang: en (read from the text: no lang given)\n"));
  tb_buf_free(&b);
  tb_doc_free(d);
  d = load_named("t.md", "---\nlang: ms\n---\nThis is the tool that you will want for the work.\n");
  assert_string_equal(d->meta.lang, "ms");
  assert_false(d->meta.lang_guessed);
  tb_doc_free(d);
}

/* ---- -M ---- */

static void test_meta_args(void **state) {
  (void)state;
  tb_error err;
  tb_error_clear(&err);
  assert_int_equal(tb_meta_arg_check("lang=en", &err), 0);
  assert_int_equal(tb_meta_arg_check("title=", &err), 0); /* shape only: the value is checked later */
  assert_int_equal(tb_meta_arg_check("lang", &err), -1);
  assert_int_equal(err.code, TB_ERR_USAGE);
  assert_int_equal(tb_error_exit_status(&err), 2);
  tb_error_clear(&err);
  assert_int_equal(tb_meta_arg_check("=en", &err), -1);

  tb_doc *d = tb_doc_new();
  tb_meta m = {0};
  m.lang = "ms";
  tb_error_clear(&err);
  assert_int_equal(tb_meta_apply_arg(d, &m, "lang= en-GB ", &err), 0);
  assert_string_equal(m.lang, "en-GB");
  assert_true(m.lang_given);
  assert_int_equal(tb_meta_apply_arg(d, &m, "author=A", &err), 0);
  assert_int_equal(tb_meta_apply_arg(d, &m, "author=B", &err), 0);
  assert_int_equal(m.nauthors, 2);
  assert_string_equal(m.authors[1], "B");
  assert_int_equal(tb_meta_apply_arg(d, &m, "date=2024-02-29", &err), 0);
  /* the front matter's checks and messages */
  assert_int_equal(tb_meta_apply_arg(d, &m, "lang=e!", &err), -1);
  assert_string_equal(err.msg, "lang: 'e!' is not a BCP 47 language tag (like ms, en or en-GB)");
  assert_int_equal(tb_error_exit_status(&err), 2);
  tb_error_clear(&err);
  assert_int_equal(tb_meta_apply_arg(d, &m, "date=2023-02-29", &err), -1);
  assert_string_equal(err.msg, "date: '2023-02-29' is not a real date written YYYY-MM-DD");
  tb_error_clear(&err);
  assert_int_equal(tb_meta_apply_arg(d, &m, "title=  ", &err), -1);
  assert_string_equal(err.msg, "title: must not be empty");
  tb_error_clear(&err);
  assert_int_equal(tb_meta_apply_arg(d, &m, "nonsense=1", &err), 0); /* a warning */
  tb_doc_free(d);
}

/* -M overrides the first file's front matter: lang and title. */
static void test_meta_overrides_front_matter(void **state) {
  (void)state;
  char a[] = "/tmp/terbit-src-mXXXXXX.md";
  write_tmp(a, "---\ntitle: Buku\nlang: ms\n---\n# Other\n\nteks\n");
  const char *paths[] = {a};
  const char *args[] = {"lang=en", "title=Other"};
  tb_error err;
  tb_error_clear(&err);
  tb_doc *d = tb_load_files_meta(paths, 1, args, 2, &err);
  assert_non_null(d);
  assert_string_equal(d->meta.lang, "en");
  assert_string_equal(d->meta.title, "Other");
  assert_int_equal(d->nheadings, 0); /* the opening heading repeats the title: not printed twice */
  tb_doc_free(d);
  const char *bad[] = {"lang=???"};
  tb_error_clear(&err);
  assert_null(tb_load_files_meta(paths, 1, bad, 1, &err));
  assert_int_equal(tb_error_exit_status(&err), 2);
  unlink(a);
}

int main(int argc, char **argv) {
  fixtures_path = argc > 1 ? argv[1] : TB_TEST_SOURCE_DIR "/tests/fixtures/github-slugger/fixtures.json";
  tb_warn_set_quiet(1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_github_slugger_fixtures),
      cmocka_unit_test(test_slug_examples),
      cmocka_unit_test(test_title_from_opening_heading),
      cmocka_unit_test(test_title_front_matter_and_heading),
      cmocka_unit_test(test_title_from_file_name),
      cmocka_unit_test(test_title_in_a_book),
      cmocka_unit_test(test_links_across_files),
      cmocka_unit_test(test_lang_guess),
      cmocka_unit_test(test_lang_read_from_text),
      cmocka_unit_test(test_meta_args),
      cmocka_unit_test(test_meta_overrides_front_matter),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
