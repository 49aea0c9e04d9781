// suggest.c -- edit distances for "did you mean ...?" (front matter keys, options, commands).
#include "util/suggest.h"

#include <string.h>

static unsigned char fold(char c) { return (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); }

static int min2(int a, int b) { return a < b ? a : b; }

int tb_edit_distance(const char *a, size_t alen, const char *b, size_t blen) {
  if (alen > TB_SUGGEST_MAX_LEN || blen > TB_SUGGEST_MAX_LEN)
    return TB_SUGGEST_FAR; /* too long to be a typo of a name */
  /* three rows of the table: i-2, i-1 and i (the swap looks two rows back) */
  int rows[3][TB_SUGGEST_MAX_LEN + 1];
  for (size_t j = 0; j <= blen; j++)
    rows[0][j] = (int)j;
  for (size_t i = 1; i <= alen; i++) {
    int *cur = rows[i % 3], *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];
    cur[0] = (int)i;
    for (size_t j = 1; j <= blen; j++) {
      int cost = fold(a[i - 1]) != fold(b[j - 1]);
      int d = min2(min2(up[j] + 1, cur[j - 1] + 1), up[j - 1] + cost);
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
        d = min2(d, up2[j - 2] + 1);
      cur[j] = d;
    }
  }
  return rows[alen % 3][blen];
}

const char *tb_suggest(const char *word, size_t wlen, const char *const *names, size_t n, int max) {
  const char *best = NULL;
  int best_d = max + 1;
  for (size_t k = 0; k < n; k++) {
    int d = tb_edit_distance(word, wlen, names[k], strlen(names[k]));
    if (d < best_d && (size_t)d < wlen) {
      best = names[k];
      best_d = d;
    }
  }
  return best;
}
