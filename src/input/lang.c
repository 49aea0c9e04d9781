// lang.c -- the language of a text without `lang` (see lang.h).
//
// A stop-word count: in running text the commonest words of a language make a third of it or
// more, and the two lists share no word, so a paragraph or two decides. Words are ASCII letters
// (both languages write their common words in ASCII), compared lower-cased.
#include "input/lang.h"

#include <stdbool.h>
#include <string.h>

static const char *const words_ms[] = {
    "yang", "dan",  "di",     "ini",     "untuk", "dengan", "itu",   "dalam", "tidak",    "ke",
    "ada",  "pada", "akan",   "boleh",   "oleh",  "kepada", "juga",  "atau",  "daripada", "anda",
    "kita", "kami", "mereka", "sebagai", "lebih", "adalah", "ialah", "saya",  "telah",    "bagi",
};
static const char *const words_en[] = {
    "the", "and", "of",   "to",   "is",  "in",  "that",  "it",   "for", "with",
    "as",  "on",  "be",   "this", "are", "you", "not",   "or",   "by",  "from",
    "an",  "if",  "your", "will", "can", "was", "which", "have", "has", "we",
};

static bool in_list(const char *w, size_t n, const char *const *list, size_t count) {
  for (size_t i = 0; i < count; i++)
    if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
      return true;
  return false;
}

/* True when the line at s[0..n) opens or closes a fenced code block (``` or ~~~, up to three
 * spaces of indent). */
static bool is_fence(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && i < 3 && s[i] == ' ')
    i++;
  return n - i >= 3 && (memcmp(s + i, "```", 3) == 0 || memcmp(s + i, "~~~", 3) == 0);
}

const char *tb_lang_guess(const char *s, size_t len, int *hits_ms, int *hits_en) {
  int ms = 0, en = 0;
  bool code = false;
  if (len > TB_LANG_SCAN_BYTES)
    len = TB_LANG_SCAN_BYTES;
  for (size_t pos = 0; pos < len;) {
    const char *nl = memchr(s + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - s) : len;
    if (is_fence(s + pos, end - pos))
      code = !code;
    else if (!code) {
      char w[16];
      size_t n = 0;
      for (size_t i = pos; i <= end; i++) {
        unsigned char c = i < end ? (unsigned char)s[i] : ' ';
        if (c >= 'A' && c <= 'Z')
          c = (unsigned char)(c | 0x20);
        if (c >= 'a' && c <= 'z') {
          if (n < sizeof w)
            w[n] = (char)c;
          n++;
          continue;
        }
        if (n > 0 && n <= sizeof w) {
          ms += in_list(w, n, words_ms, sizeof words_ms / sizeof words_ms[0]);
          en += in_list(w, n, words_en, sizeof words_en / sizeof words_en[0]);
        }
        n = 0;
      }
    }
    pos = end + 1;
  }
  if (hits_ms)
    *hits_ms = ms;
  if (hits_en)
    *hits_en = en;
  return en > ms ? "en" : "ms";
}
