// fuzz_frontmatter.c -- libFuzzer/AFL++ target: bytes → tb_frontmatter_parse, checking its contract.
//
// The input is what the loader would hand over: a leading BOM is dropped, and inputs with a NUL
// or invalid UTF-8 are skipped (the loader refuses them before it calls the parser). Besides the
// sanitizers, the contract in frontmatter.h is checked: success means a title, a body offset
// inside the input just after a line ending; failure means a YAML/LIMIT error with a place.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "input/frontmatter.h"
#include "util/error.h"

#define CHECK(cond)                                                                                          \
  do {                                                                                                       \
    if (!(cond)) {                                                                                           \
      fprintf(stderr, "fuzz_frontmatter: contract broken: %s (line %d)\n", #cond, __LINE__);                 \
      abort();                                                                                               \
    }                                                                                                        \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int quiet;
  if (!quiet) {
    tb_warn_set_quiet(1);
    quiet = 1;
  }
  if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
    data += 3;
    size -= 3;
  }
  if (!tb_fuzz_utf8_ok(data, size))
    return 0;
  /* An exact-size heap copy, so ASan sees any read past the end (src is not NUL-terminated). */
  char *src = malloc(size ? size : 1);
  if (!src)
    abort();
  memcpy(src, data, size);

  int lines = 1;
  for (size_t i = 0; i < size; i++)
    lines += src[i] == '\n';

  tb_doc *doc = tb_doc_new();
  tb_meta meta;
  memset(&meta, 0, sizeof meta);
  size_t body_offset = (size_t)-1;
  int body_line = -1;
  tb_error err;
  tb_error_clear(&err);
  int rc = tb_frontmatter_parse(doc, &meta, "fuzz.md", src, size, &body_offset, &body_line, &err);
  if (rc == 0) {
    CHECK(!tb_error_is_set(&err));
    CHECK(!meta.title || *meta.title); /* optional, never empty */
    CHECK(meta.lang && *meta.lang);
    CHECK(body_offset <= size);
    if (body_offset == 0) { /* no front matter */
      CHECK(body_line == 1);
      CHECK(!meta.title);
    } else {
      CHECK(body_offset == size || src[body_offset - 1] == '\n');
      CHECK(body_line >= 3 && body_line <= lines + 1);
    }
    for (size_t i = 0; i < meta.nauthors; i++)
      CHECK(meta.authors[i] && *meta.authors[i]);
    for (size_t i = 0; i < meta.nkeywords; i++)
      CHECK(meta.keywords[i] && *meta.keywords[i]);
  } else {
    CHECK(rc == -1);
    CHECK(tb_error_is_set(&err));
    CHECK(err.code == TB_ERR_YAML || err.code == TB_ERR_LIMIT);
    CHECK(err.line >= 1 && err.line <= lines + 1);
    CHECK(err.col >= 1);
    CHECK(err.msg[0] != 0);
    CHECK(body_offset == (size_t)-1 && body_line == -1); /* untouched on failure */
  }
  tb_doc_free(doc);
  free(src);
  return 0;
}
