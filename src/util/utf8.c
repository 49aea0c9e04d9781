// utf8.c -- the parts of utf8.h that are not worth inlining (utf8.h says what each does).
#include "util/utf8.h"

uint32_t tb_utf8_decode_slow(const char *str, size_t n, size_t *len) {
  const unsigned char *s = (const unsigned char *)str;
  if (n == 0) {
    *len = 0;
    return 0;
  }
  unsigned c = s[0];
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (k == 0 || k > n) {
    *len = 1;
    return 0xFFFD;
  }
  uint32_t cp = c & (0x7F >> k);
  for (size_t i = 1; i < k; i++) {
    if (!tb_utf8_is_cont(s[i])) {
      *len = 1;
      return 0xFFFD;
    }
    cp = cp << 6 | (s[i] & 0x3F);
  }
  *len = k;
  return cp;
}

size_t tb_utf8_count(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += !tb_utf8_is_cont((unsigned char)s[i]);
  return c;
}
