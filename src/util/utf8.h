// utf8.h -- UTF-8, in one place: the lenient decoder the layout and the PDF painter read text with,
// the strict one that validates input (the loader, the hyphenator, the EPUB escaper, the fuzz
// targets), the encoder, and counting code points. Each of these had copies of its own before.
#ifndef TB_UTF8_H
#define TB_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** True for a continuation byte (10xxxxxx): one that never begins a character. */
static inline bool tb_utf8_is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

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
    if (!tb_utf8_is_cont(s[i]))
      return 0;
    v = (v << 6) | (s[i] & 0x3Fu);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  if (cp)
    *cp = v;
  return len;
}

/** tb_utf8_decode for a first byte that is not ASCII (and for n == 0). */
uint32_t tb_utf8_decode_slow(const char *s, size_t n, size_t *len);

/** Decodes one UTF-8 code point at s (n bytes left) leniently, for text already validated: sets
 * *len (1..4; 0 only when n == 0, which returns 0). A stray continuation byte, or a sequence cut
 * short by n or by a byte that does not continue it, gives U+FFFD and *len = 1. Otherwise the lead
 * byte alone decides the length (C0..DF 2, E0..EF 3, F0..FF 4) and the value is not checked:
 * overlong forms, surrogates and values above U+10FFFF come out as they are.
 * ASCII inline: it is most of every text, decoded once per character by the layout. */
static inline uint32_t tb_utf8_decode(const char *s, size_t n, size_t *len) {
  if (n && (unsigned char)s[0] < 0x80) {
    *len = 1;
    return (unsigned char)s[0];
  }
  return tb_utf8_decode_slow(s, n, len);
}

/** Writes cp as UTF-8 to out (room for 4 bytes) and returns the length (1..4). A value that is
 * not a Unicode scalar value (a surrogate, or above U+10FFFF) is written as U+FFFD. */
static inline size_t tb_utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp >= 0x10000 && cp <= 0x10FFFF) {
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
  }
  if (cp > 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    cp = 0xFFFD;
  out[0] = (char)(0xE0 | (cp >> 12));
  out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[2] = (char)(0x80 | (cp & 0x3F));
  return 3;
}

/** Code points in s[0..n): the bytes that are not continuation bytes. Exact for valid UTF-8; in
 * invalid text a stray continuation byte counts nothing, and a cut sequence counts once. */
size_t tb_utf8_count(const char *s, size_t n);

#endif
