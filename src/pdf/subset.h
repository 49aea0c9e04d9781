// subset.h -- embedded fonts cut down to what the document draws, with HarfBuzz's subsetter.
//
// libharu 2.3.0 empties the outlines of unused glyphs but keeps the rest of each face whole:
// its cmap, hmtx, name and post tables, a /W array and a /CIDToGIDMap over every code point the
// face maps (about 40 KB a face, compressed). Text is written with 2-byte codes equal to the
// Unicode code points (hpdf_extra.h), mapped to glyph ids by the /CIDToGIDMap, so a subset that
// keeps every glyph id where it was (HB_SUBSET_FLAGS_RETAIN_GIDS) leaves the content streams
// and the map valid.
#ifndef TB_PDF_SUBSET_H
#define TB_PDF_SUBSET_H

#include <hpdf.h>
#include <stddef.h>

#include "util/mem.h"

/** The TrueType font at path cut down to the glyphs gid with keep[gid] != 0 (n entries; glyph 0
 * and every component of a composite glyph are kept too), each at its old glyph id, with only
 * the tables a PDF reader draws with: glyf, loca, head, hhea, hmtx, maxp and the hinting
 * programs (cvt, fpgm, prep). Appended to out; returns 0, or -1 when HarfBuzz cannot read the
 * font or subset it. */
int tb_subset_ttf(const char *path, const unsigned char *keep, size_t n, tb_buf *out);

/** For `font` (a UTF-8 Type0 TrueType font of doc, hpdf_extra.h) loaded from path, of which the
 * codes with a bit in used (8,192 bytes: a bit per BMP code point) are drawn: embeds the subset
 * of its used glyphs (tb_subset_ttf; libharu's own copy of the face is then never made), and
 * writes its /W, /CIDToGIDMap and /ToUnicode for the used codes only. Call after the composite
 * glyph repair and before saving. Returns 0 or a libharu error code (raised on doc). */
int tb_pdf_subset_font(HPDF_Doc doc, HPDF_Font font, const char *path, const unsigned char *used);

#endif
