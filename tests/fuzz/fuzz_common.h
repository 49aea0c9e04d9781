// fuzz_common.h -- shared by the fuzz targets: the UTF-8 precondition and the file-replay main().
#ifndef TB_FUZZ_COMMON_H
#define TB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifndef TB_LIBFUZZER
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#endif

#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s[0..n) holds no NUL and is valid UTF-8 (no overlongs, no surrogates): what the
 * loader checks before it calls the front-matter parser (frontmatter.h's precondition). */
static inline int tb_fuzz_utf8_ok(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t k = s[i] ? tb_utf8_strict(s + i, n - i, NULL) : 0;
    if (k == 0)
      return 0;
    i += k;
  }
  return 1;
}

#ifndef TB_LIBFUZZER
/* Without libFuzzer (AFL++, replaying crashes in ctest): run each file named on the command
 * line once; with none, read one input from stdin (afl-fuzz without @@). Exit 0 when every
 * input ran (a crash aborts the process, so it never gets here). */
static unsigned char *tb_fuzz_read(FILE *f, size_t *len) {
  size_t cap = 1 << 16, n = 0, k;
  unsigned char *buf = malloc(cap);
  if (!buf)
    abort();
  while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      if (!buf)
        abort();
    }
  }
  *len = n;
  return buf;
}

/* TB_FUZZ_BUDGET=SECONDS: an input that takes longer counts as a failure (a hang is caught by
 * ctest's TIMEOUT; this catches the merely quadratic). */
static int tb_fuzz_slow;

static int tb_fuzz_run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: cannot open\n", path);
    return -1;
  }
  size_t len;
  unsigned char *buf = tb_fuzz_read(f, &len);
  fclose(f);
  fprintf(stderr, "running %s (%zu bytes)\n", path, len);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  LLVMFuzzerTestOneInput(buf, len);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  free(buf);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  const char *b = getenv("TB_FUZZ_BUDGET");
  double budget = b ? atof(b) : 0;
  if (budget > 0 && secs > budget) {
    fprintf(stderr, "SLOW: %s took %.3f s (TB_FUZZ_BUDGET=%g)\n", path, secs, budget);
    tb_fuzz_slow++;
  }
  return 0;
}

/* A directory argument runs every regular file in it (not recursively), so one ctest line
 * replays a whole regressions/<target>/ folder, however many files it holds. */
int main(int argc, char **argv) {
  if (argc < 2) {
    size_t len;
    unsigned char *buf = tb_fuzz_read(stdin, &len);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
  }
  int ran = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      struct dirent **names;
      int n = scandir(argv[i], &names, NULL, alphasort);
      if (n < 0) {
        fprintf(stderr, "%s: cannot list\n", argv[i]);
        return 2;
      }
      for (int k = 0; k < n; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
        if (names[k]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
          if (tb_fuzz_run_file(path) < 0)
            return 2;
          ran++;
        }
        free(names[k]);
      }
      free(names);
    } else {
      if (tb_fuzz_run_file(argv[i]) < 0)
        return 2;
      ran++;
    }
  }
  fprintf(stderr, "ran %d input(s)%s\n", ran, tb_fuzz_slow ? ", some over the time budget" : "");
  return tb_fuzz_slow ? 1 : 0;
}
#endif

#endif
