// utf8.h -- strict UTF-8 decoding, shared by the loader's validation, the hyphenator and the
// fuzz targets (each had its own copy).
#ifndef TB_UTF8_H
#define TB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/** Decodes one UTF-8 sequence of s[0..n) (n >= 1) strictly: no overlongs, surrogates or values
 * above U+10FFFF. Returns its length and sets *cp (when cp is not NULL), or returns 0 if the
 * sequence is invalid or cut short. */
static inline size_t tb_utf8_strict(const unsigned char *s, size_t n, uint32_t *cp) {
  unsigned char c = s[0];
  size_t len;
  uint32_t v, min;
  if (c < 0x80) {
    len = 1, v = c, min = 0;
  } else if (c >= 0xC2 && c <= 0xDF) {
    len = 2, v = c & 0x1Fu, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, v = c & 0x0Fu, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, v = c & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    v = (v << 6) | (s[i] & 0x3Fu);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  if (cp)
    *cp = v;
  return len;
}

#endif
