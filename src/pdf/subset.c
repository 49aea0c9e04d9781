// subset.c -- embedded fonts cut down to what the document draws (subset.h says why).
#include "pdf/subset.h"

#include <hb-subset.h>
#include <hb.h>
#include <hpdf_doc.h>
#include <hpdf_error.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <stdbool.h>
#include <string.h>

#include "pdf/hpdf_extra.h"

/* What a PDF reader draws a CIDFontType2 with, through the /CIDToGIDMap: the outlines, their
 * metrics and the hinting programs. No cmap (the map replaces it), name, post, OS/2 or layout
 * tables (the text is already shaped and placed). */
static const char *const keep_tables[] = {"glyf", "loca", "head", "hhea", "hmtx",
                                          "maxp", "cvt ", "fpgm", "prep"};

static int kept(hb_tag_t tag) {
  for (size_t i = 0; i < sizeof keep_tables / sizeof *keep_tables; i++)
    if (tag == hb_tag_from_string(keep_tables[i], 4))
      return 1;
  return 0;
}

int tb_subset_ttf(const char *path, const unsigned char *keep, size_t n, tb_buf *out) {
  hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
  if (!blob)
    return -1;
  hb_face_t *face = hb_face_create(blob, 0);
  hb_blob_destroy(blob);
  hb_subset_input_t *in = hb_subset_input_create_or_fail();
  int rc = -1;
  if (!in || hb_face_get_glyph_count(face) == 0)
    goto done;
  hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS);
  hb_set_t *glyphs = hb_subset_input_glyph_set(in);
  hb_set_add(glyphs, 0);
  for (size_t g = 0; g < n; g++)
    if (keep[g])
      hb_set_add(glyphs, (hb_codepoint_t)g);
  hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
  hb_set_clear(drop);
  hb_tag_t tags[64];
  unsigned start = 0, count;
  do {
    count = sizeof tags / sizeof *tags;
    hb_face_get_table_tags(face, start, &count, tags);
    for (unsigned i = 0; i < count; i++)
      if (!kept(tags[i]))
        hb_set_add(drop, tags[i]);
    start += count;
  } while (count == sizeof tags / sizeof *tags);
  hb_face_t *sub = hb_subset_or_fail(face, in);
  if (sub) {
    hb_blob_t *b = hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *data = hb_blob_get_data(b, &len);
    if (data && len) {
      tb_buf_put(out, data, len);
      rc = 0;
    }
    hb_blob_destroy(b);
    hb_face_destroy(sub);
  }
done:
  hb_subset_input_destroy(in);
  hb_face_destroy(face);
  return rc;
}

static bool used_bit(const unsigned char *used, unsigned cp) { return (used[cp >> 3] >> (cp & 7)) & 1u; }

/* The glyph of code cp: its code point's, but for U+00AD, which the painter draws only as the
 * hyphen of a hyphenated line end (pdf.c), with the hyphen's glyph (a font's own soft hyphen may
 * be another glyph, which would then be embedded too). */
static HPDF_UINT16 code_gid(HPDF_FontDef def, unsigned cp) {
  return HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)(cp == 0xAD ? '-' : cp));
}

/* The font descriptor as libharu's CIDFontType2_BeforeWrite_Func makes it (the same entries in
 * the same order), its FontFile2 holding our subset: libharu finds fontdef->descriptor set at
 * saving time and never copies the face itself. */
static HPDF_STATUS put_descriptor(HPDF_Doc doc, HPDF_FontDef def, const tb_buf *ttf) {
  HPDF_TTFontDefAttr tt = (HPDF_TTFontDefAttr)def->attr;
  HPDF_Dict d = HPDF_Dict_New(doc->mmgr);
  if (!d)
    return HPDF_Error_GetCode(&doc->error);
  HPDF_Dict data = HPDF_DictStream_New(doc->mmgr, doc->xref);
  if (!data)
    return HPDF_Error_GetCode(&doc->error);
  HPDF_STATUS ret = HPDF_Stream_Write(data->stream, (const HPDF_BYTE *)ttf->data, (HPDF_UINT)ttf->len);
  ret += HPDF_Dict_Add(d, "FontFile2", data);
  ret += HPDF_Dict_AddNumber(data, "Length1", (HPDF_INT32)ttf->len);
  data->filter = (doc->compression_mode & HPDF_COMP_METADATA) ? HPDF_STREAM_FILTER_FLATE_DECODE
                                                              : HPDF_STREAM_FILTER_NONE;
  ret += HPDF_Xref_Add(doc->xref, d);
  ret += HPDF_Dict_AddName(d, "Type", "FontDescriptor");
  ret += HPDF_Dict_AddNumber(d, "Ascent", def->ascent);
  ret += HPDF_Dict_AddNumber(d, "Descent", def->descent);
  ret += HPDF_Dict_AddNumber(d, "Flags", (HPDF_INT32)def->flags);
  ret += HPDF_Dict_Add(d, "FontBBox", HPDF_Box_Array_New(doc->mmgr, def->font_bbox));
  ret += HPDF_Dict_AddName(d, "FontName", tt->base_font);
  ret += HPDF_Dict_AddNumber(d, "ItalicAngle", def->italic_angle);
  ret += HPDF_Dict_AddNumber(d, "StemV", def->stemv);
  ret += HPDF_Dict_AddNumber(d, "XHeight", def->x_height);
  if (ret != HPDF_OK)
    return HPDF_Error_GetCode(&doc->error) ? HPDF_Error_GetCode(&doc->error) : HPDF_FAILD_TO_ALLOC_MEM;
  def->descriptor = d;
  return HPDF_OK;
}

/* /W for the used codes: runs of consecutive codes whose width is not /DW, as libharu writes it
 * for every code. */
static HPDF_STATUS put_widths(HPDF_Doc doc, HPDF_FontDef def, HPDF_Dict cidfont, const unsigned char *used) {
  HPDF_Array w = HPDF_Array_New(doc->mmgr);
  if (!w)
    return HPDF_Error_GetCode(&doc->error);
  HPDF_STATUS ret = HPDF_Dict_Add(cidfont, "W", w);
  HPDF_Array run = NULL;
  unsigned prev = 0;
  for (unsigned cp = 0; cp < 0x10000 && ret == HPDF_OK; cp++) {
    if (!used_bit(used, cp))
      continue;
    HPDF_INT width = HPDF_TTFontDef_GetGidWidth(def, code_gid(def, cp));
    if (width == def->missing_width) {
      run = NULL;
      continue;
    }
    if (!run || cp != prev + 1) {
      run = HPDF_Array_New(doc->mmgr);
      if (!run)
        return HPDF_Error_GetCode(&doc->error);
      ret += HPDF_Array_AddNumber(w, (HPDF_INT32)cp);
      ret += HPDF_Array_Add(w, run);
    }
    ret += HPDF_Array_AddNumber(run, width);
    prev = cp;
  }
  return ret;
}

/* The /CIDToGIDMap up to the last used code, the glyph id of each used code (0 elsewhere). */
static HPDF_STATUS put_gid_map(HPDF_FontDef def, HPDF_Dict map, const unsigned char *used) {
  unsigned last = 0;
  for (unsigned cp = 0; cp < 0x10000; cp++)
    if (used_bit(used, cp))
      last = cp;
  HPDF_MemStream_FreeData(map->stream);
  HPDF_BYTE buf[512];
  unsigned n = 0;
  HPDF_STATUS ret = HPDF_OK;
  for (unsigned cp = 0; cp <= last && ret == HPDF_OK; cp++) {
    HPDF_UINT16 gid = used_bit(used, cp) ? code_gid(def, cp) : 0;
    buf[n++] = (HPDF_BYTE)(gid >> 8);
    buf[n++] = (HPDF_BYTE)gid;
    if (n == sizeof buf || cp == last) {
      ret = HPDF_Stream_Write(map->stream, buf, n);
      n = 0;
    }
  }
  return ret;
}

int tb_pdf_subset_font(HPDF_Doc doc, HPDF_Font font, const char *path, const unsigned char *used) {
  if (!HPDF_HasDoc(doc) || !font || !HPDF_Font_Validate(font))
    return HPDF_INVALID_FONT;
  HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
  HPDF_FontDef def = attr ? attr->fontdef : NULL;
  if (!def || def->type != HPDF_FONTDEF_TYPE_TRUETYPE || !attr->descendant_font)
    return (int)HPDF_RaiseError(&doc->error, HPDF_INVALID_FONT, 0);
  HPDF_TTFontDefAttr tt = (HPDF_TTFontDefAttr)def->attr;
  HPDF_STATUS ret = HPDF_OK;
  if (!def->descriptor && tt->embedding) {
    tb_buf ttf = {0};
    if (tb_subset_ttf(path, tt->glyph_tbl.flgs, tt->num_glyphs, &ttf) != 0) {
      tb_buf_free(&ttf);
      return (int)HPDF_RaiseError(&doc->error, HPDF_TTF_INVALID_FOMAT, 0);
    }
    ret = put_descriptor(doc, def, &ttf);
    tb_buf_free(&ttf);
  }
  if (ret == HPDF_OK)
    ret = put_widths(doc, def, attr->descendant_font, used);
  if (ret == HPDF_OK && attr->map_stream && attr->map_stream->stream->type == HPDF_STREAM_MEMORY)
    ret = put_gid_map(def, attr->map_stream, used);
  if (ret != HPDF_OK)
    return (int)HPDF_RaiseError(&doc->error, ret, 0);
  return tb_hpdf_fix_tounicode_used(doc, font, used);
}
