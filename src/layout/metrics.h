// metrics.h -- glyph coverage and advance widths read from the shipped TrueType fonts.
#ifndef TB_METRICS_H
#define TB_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/utf8.h" /* tb_utf8_decode: the layout reads its text through this header */

/* The faces terbit uses; the files live in assets/fonts/. */
typedef enum {
  TB_FACE_REGULAR,
  TB_FACE_ITALIC,
  TB_FACE_BOLD,
  TB_FACE_BOLD_ITALIC,
  TB_FACE_MONO,
  TB_FACE_MONO_BOLD,
  TB_FACE_FALLBACK, /* wide coverage: Greek, arrows, symbols, U+FFFD */
  TB_FACE_COUNT
} tb_face;

/** File name of a face inside assets/fonts/. */
const char *tb_face_file(tb_face f);

typedef struct tb_font {
  uint16_t *bmp_glyph; /* glyph id per BMP code point (0 = missing), 65536 entries */
  uint16_t *adv1000;   /* advance per glyph in 1/1000 em, truncated exactly as libharu does */
  int nglyphs;
  int upem;
  int ascent, descent; /* 1/1000 em (descent negative) */
} tb_font;

typedef struct tb_fonts {
  tb_font face[TB_FACE_COUNT];
  char *path[TB_FACE_COUNT]; /* full paths of the files (for the PDF painter) */
} tb_fonts;

/** Loads every face from assets_dir/fonts. 0, or -1 with err (TB_ERR_ASSET naming the file). */
int tb_fonts_load(tb_fonts *f, const char *assets_dir, tb_error *err);
void tb_fonts_free(tb_fonts *f);

/** Parses one TrueType font held in memory. 0 or -1 (not a usable TrueType font). */
int tb_font_parse(tb_font *font, const unsigned char *data, size_t len);
void tb_font_free(tb_font *font);

/** True when the font has a glyph for cp (only the BMP: libharu cannot draw beyond it). */
static inline bool tb_font_has(const tb_font *f, uint32_t cp) {
  return cp < 0x10000 && f->bmp_glyph && f->bmp_glyph[cp] != 0;
}

/** Advance of cp in 1/1000 em (0 when missing). */
static inline int tb_font_advance(const tb_font *f, uint32_t cp) {
  if (cp >= 0x10000 || !f->bmp_glyph)
    return 0;
  uint16_t g = f->bmp_glyph[cp];
  return g && g < f->nglyphs ? f->adv1000[g] : 0;
}

#endif
