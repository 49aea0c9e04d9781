// fuzz_load.c -- libFuzzer/AFL++ target: bytes → tb_load_memory → the model (and its dump).
//
// Any bytes are fair: the loader itself refuses NUL, invalid UTF-8 and inputs over the limits.
//
// Amplification (TB_FUZZ_AMPLIFY=N, scripts/fuzz.sh -A N): the input becomes the body of a
// source with a fixed front matter, repeated N times. With a small -max_len and -timeout=2, any
// short pattern whose repetition the parser or the model builder handles in quadratic time shows
// up as a timeout (the cmark-gfm 0.29.0.gfm.6 kind: `![[]()` repeated).
// Besides the sanitizers, checks that a failure is an input error naming the file (with line and
// column for limit, UTF-8 and front-matter errors), and that a success passes tb_doc_check.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "known_bugs.h"
#include "input/load.h"
#include "util/error.h"

#define CHECK(cond)                                                                                          \
  do {                                                                                                       \
    if (!(cond)) {                                                                                           \
      fprintf(stderr, "fuzz_load: contract broken: %s (line %d)\n", #cond, __LINE__);                        \
      abort();                                                                                               \
    }                                                                                                        \
  } while (0)

static const char amp_head[] = "---\ntitle: a\n---\n\n";

/* The amplified source (malloc'd) for data, or NULL when amplification is off. */
static char *amplify(const uint8_t *data, size_t size, size_t *len) {
  static long n = -1;
  if (n < 0) {
    const char *e = getenv("TB_FUZZ_AMPLIFY");
    n = e ? strtol(e, NULL, 10) : 0;
    if (n < 0)
      n = 0;
  }
  if (n == 0)
    return NULL;
  size_t h = sizeof amp_head - 1;
  *len = h + size * (size_t)n;
  char *s = malloc(*len ? *len : 1);
  if (!s)
    abort();
  memcpy(s, amp_head, h);
  for (long i = 0; i < n; i++)
    memcpy(s + h + size * (size_t)i, data, size);
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int quiet;
  if (!quiet) {
    tb_warn_set_quiet(1);
    quiet = 1;
  }
  size_t amp_len = 0;
  char *amp = amplify(data, size, &amp_len);
  if (amp) {
    data = (const uint8_t *)amp;
    size = amp_len;
  }
  if (tb_fuzz_known_bug(data, size)) {
    free(amp);
    return 0;
  }
  tb_error err;
  tb_error_clear(&err);
  /* dir NULL: image references are never resolved (fuzz_export covers them) */
  tb_doc *doc = tb_load_memory("fuzz.md", NULL, (const char *)data, size, &err);
  free(amp); /* the loader copies what it keeps */
  if (!doc) {
    CHECK(tb_error_is_set(&err));
    CHECK(tb_error_exit_status(&err) == 1); /* bad input, never an I/O or library error */
    CHECK(strcmp(err.file, "fuzz.md") == 0);
    CHECK(err.msg[0] != 0);
    if (err.code == TB_ERR_LIMIT || err.code == TB_ERR_UTF8 || err.code == TB_ERR_YAML)
      CHECK(err.line >= 1 && err.col >= 1);
    return 0;
  }
  CHECK(!tb_error_is_set(&err));
  CHECK(doc->nchapters >= 1);
  CHECK(doc->meta.title && doc->uuid);
  CHECK(tb_doc_check(doc) == 0);
  tb_buf dump = {0};
  tb_doc_dump(doc, &dump);
  tb_buf_free(&dump);
  tb_doc_free(doc);
  return 0;
}
