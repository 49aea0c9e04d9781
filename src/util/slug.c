// slug.c -- GitHub's heading ids (see slug.h).
//
// Which code points a slug keeps is a question of Unicode general categories. The tables come from
// github-slugger's own regex.js, turned into sorted ranges by scripts/gen-slug-table.mjs, not from
// a Unicode library: glib's g_unichar_type, libunistring's uc_is_general_category and ICU each
// answer for their own Unicode version (15 on Debian 12) and know nothing of github-slugger's
// exceptions (it keeps the Alphabetic symbols such as U+24B6..U+24E9, circled letters, and drops
// Other_Number), while GitHub's ids are github-slugger's: Unicode 13 with those exceptions. The
// generated table is the algorithm itself, 6 KB, and adds no run-time dependency. Lower case is
// JavaScript's toLowerCase (the same script writes it), with its two cases that a table of single
// code points cannot hold done here: U+0130 becomes "i" + U+0307, and a final capital sigma "ς".
#include "util/slug.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/slug_table.h"
#include "util/utf8.h"

static bool dropped(uint32_t cp) {
  size_t lo = 0, hi = sizeof tb_slug_drop / sizeof tb_slug_drop[0];
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < tb_slug_drop[mid][0])
      hi = mid;
    else if (cp > tb_slug_drop[mid][1])
      lo = mid + 1;
    else
      return true;
  }
  return false;
}

static uint32_t to_lower(uint32_t cp) {
  if (cp < 0x80)
    return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  size_t lo = 0, hi = sizeof tb_slug_lower / sizeof tb_slug_lower[0];
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const int32_t *r = tb_slug_lower[mid];
    if ((int64_t)cp < r[0])
      hi = mid;
    else if ((int64_t)cp > r[1])
      lo = mid + 1;
    else
      return ((int64_t)cp - r[0]) % r[3] == 0 ? (uint32_t)((int64_t)cp + r[2]) : cp;
  }
  return cp;
}

static void put_cp(tb_buf *b, uint32_t cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) {
    u[0] = (char)cp, n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  }
  tb_buf_put(b, u, n);
}

/* A letter for the final-sigma rule: a kept code point that is not a digit, '_', '-' or ' ', and
 * not a combining mark of the common block (those are skipped, as Unicode's Case_Ignorable). */
static bool sigma_letter(uint32_t cp) {
  return !dropped(cp) && !(cp >= '0' && cp <= '9') && cp != '_' && cp != '-' && cp != ' ' &&
         !(cp >= 0x300 && cp <= 0x36F);
}

void tb_slug_github(const char *text, size_t len, tb_buf *b) {
  const unsigned char *s = (const unsigned char *)text;
  bool after_letter = false; /* for the final sigma: a letter before, marks skipped */
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t k = tb_utf8_strict(s + i, len - i, &cp);
    if (!k) { /* not UTF-8 (the loader validated it; a caller may not have): skip the byte */
      i++;
      continue;
    }
    i += k;
    if (cp == 0x130) { /* JavaScript: U+0130 lower-cases to "i" + U+0307 */
      tb_buf_puts(b, "i\xCC\x87");
      after_letter = true;
      continue;
    }
    uint32_t lc = to_lower(cp);
    if (cp == 0x3A3 && after_letter) {
      /* final when no letter follows (marks skipped) */
      bool letter_next = false;
      for (size_t j = i; j < len;) {
        uint32_t nx;
        size_t kk = tb_utf8_strict(s + j, len - j, &nx);
        if (!kk)
          break;
        j += kk;
        if (nx >= 0x300 && nx <= 0x36F)
          continue;
        letter_next = sigma_letter(nx);
        break;
      }
      if (!letter_next)
        lc = 0x3C2;
    }
    if (!(cp >= 0x300 && cp <= 0x36F))
      after_letter = sigma_letter(cp);
    if (dropped(lc))
      continue;
    put_cp(b, lc == ' ' ? '-' : lc);
  }
}

/* ---- BananaSlug ---- */

static size_t find_slot(const tb_slugger *s, const char *key) {
  size_t k = tb_hash_str(key) & (s->cap - 1);
  while (s->keys[k] && strcmp(s->keys[k], key) != 0)
    k = (k + 1) & (s->cap - 1);
  return k;
}

static void grow(tb_slugger *s) {
  size_t cap = s->cap ? s->cap * 2 : 64;
  char **keys = tb_xcalloc(cap, sizeof *keys);
  int *counts = tb_xcalloc(cap, sizeof *counts);
  for (size_t i = 0; i < s->cap; i++)
    if (s->keys[i]) {
      size_t k = tb_hash_str(s->keys[i]) & (cap - 1);
      while (keys[k])
        k = (k + 1) & (cap - 1);
      keys[k] = s->keys[i];
      counts[k] = s->counts[i];
    }
  free(s->keys);
  free(s->counts);
  s->keys = keys;
  s->counts = counts;
  s->cap = cap;
}

void tb_slugger_slug(tb_slugger *s, const char *text, size_t len, tb_buf *b) {
  if ((s->n + 2) * 2 > s->cap)
    grow(s);
  size_t start = b->len;
  tb_slug_github(text, len, b);
  tb_buf_putc(b, 0); /* a NUL-terminated key at b->data + start, even when empty */
  b->len--;
  size_t base = b->len;
  /* github-slugger: while the result is taken, count up the original's occurrences and try
   * original-N */
  size_t slot = find_slot(s, b->data + start);
  if (s->keys[slot]) {
    size_t orig = slot;
    do {
      int n = ++s->counts[orig];
      b->len = base;
      tb_buf_printf(b, "-%d", n);
      slot = find_slot(s, b->data + start);
    } while (s->keys[slot]);
  }
  s->keys[slot] = tb_arena_strdup(&s->arena, b->data + start);
  s->counts[slot] = 0;
  s->n++;
}

void tb_slugger_free(tb_slugger *s) {
  tb_arena_free(&s->arena);
  free(s->keys);
  free(s->counts);
  memset(s, 0, sizeof *s);
}
