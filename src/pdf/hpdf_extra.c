// hpdf_extra.c -- what libharu 2.3.0 lacks: a correct ToUnicode, /Lang, viewer preferences.
//
// See hpdf_extra.h for the API and for what libharu writes for UTF-8 text.
// Only structures and functions declared by the installed libharu headers
// are used (all of them are exported by libhpdf-2.3.0.so).

#include "hpdf_extra.h"

#include <stdio.h>
#include <string.h>

#include <hpdf_doc.h>
#include <hpdf_encoder.h>
#include <hpdf_error.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_list.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

// ---------------------------------------------------------------------------
// helpers

// Record `code` on the document's error object and call its handler, the way
// libharu's own public functions do.  Returns `code`.
static int raise_error(HPDF_Doc doc, HPDF_STATUS code) {
  HPDF_RaiseError(&doc->error, code, 0);
  return (int)code;
}

// Report a failure of an internal libharu call: those record the error on the
// document's error object but, unlike the public API, do not call the
// handler.  Re-raise it so the handler sees it.
static int raise_internal(HPDF_Doc doc) {
  HPDF_STATUS code = HPDF_Error_GetCode(&doc->error);
  if (code == HPDF_OK)
    code = HPDF_FAILD_TO_ALLOC_MEM;
  return raise_error(doc, code);
}

// Look `key` up in `dict` without side effects: HPDF_Dict_GetItem() sets an
// error (and so poisons the document) when the class does not match.
// Proxies (references to indirect objects) are resolved.
static void *dict_peek(HPDF_Dict dict, const char *key) {
  HPDF_UINT i;

  for (i = 0; i < dict->list->count; i++) {
    HPDF_DictElement e = (HPDF_DictElement)HPDF_List_ItemAt(dict->list, i);
    HPDF_Obj_Header *h;

    if (!e || strcmp(e->key, key) != 0)
      continue;
    if (!e->value)
      return NULL;
    h = (HPDF_Obj_Header *)e->value;
    if ((h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_PROXY)
      return ((HPDF_Proxy)e->value)->obj;
    return e->value;
  }
  return NULL;
}

static HPDF_UINT16 obj_class(const void *obj) {
  return obj ? (HPDF_UINT16)(((const HPDF_Obj_Header *)obj)->obj_class & HPDF_OCLASS_ANY) : 0;
}

// A Type0 TrueType font using libharu's "UTF-8" encoder with /Identity-H:
// content-stream codes are 2-byte Unicode code points.
static HPDF_BOOL is_utf8_identity_font(HPDF_Font font) {
  HPDF_FontAttr attr;
  HPDF_Encoder enc;
  void *encoding;

  if (!font || !HPDF_Font_Validate(font))
    return HPDF_FALSE;
  attr = (HPDF_FontAttr)font->attr;
  if (!attr || attr->type != HPDF_FONT_TYPE0_TT)
    return HPDF_FALSE;
  enc = attr->encoder;
  if (!enc || enc->type != HPDF_ENCODER_TYPE_DOUBLE_BYTE || strcmp(enc->name, "UTF-8") != 0)
    return HPDF_FALSE;
  encoding = dict_peek(font, "Encoding");
  if (obj_class(encoding) != HPDF_OCLASS_NAME)
    return HPDF_FALSE; // e.g. a later libharu that embeds a code CMap
  return strcmp(HPDF_Name_GetValue((HPDF_Name)encoding), "Identity-H") == 0 ? HPDF_TRUE : HPDF_FALSE;
}

// ---------------------------------------------------------------------------
// ToUnicode

// One 'beginbfrange' line per high byte: <hh00> <hhFF> <hh00>.  A bfrange
// whose destination is a string may only vary in its last byte, so ranges
// never cross a high-byte boundary.  Skipped: C0 controls, the surrogates
// (never valid UTF-16 on their own) and the noncharacters U+FFFE/U+FFFF.
// No code maps to U+0000, U+FEFF or U+FFFE (PDF/UA-1 7.21.7: a reader takes
// U+FEFF for a byte-order mark): the code U+FEFF (ZERO WIDTH NO-BREAK SPACE,
// which a source may hold and the fonts draw) maps to U+2060 WORD JOINER, the
// same character without the mark's second meaning, in a bfchar of its own.
#define TU_FIRST_CODE 0x0020u
#define TU_LAST_CODE 0xFFFDu
#define TU_BOM 0xFEFFu
#define TU_BOM_AS 0x2060u
#define TU_MAX_PER_BLOCK 100u // PDF limit for one begin...end block

static unsigned tu_range(unsigned idx, unsigned *lo, unsigned *hi) {
  // idx counts the usable high bytes: 0x00..0xD7, then 0xE0..0xFF.
  unsigned hb = idx < 0xD8u ? idx : idx + 8u;

  if (hb > 0xFFu)
    return 0;
  *lo = hb << 8;
  *hi = *lo | 0xFFu;
  if (*lo < TU_FIRST_CODE)
    *lo = TU_FIRST_CODE;
  if (*hi > TU_LAST_CODE)
    *hi = TU_LAST_CODE;
  if (*hi == TU_BOM)
    *hi = TU_BOM - 1u; // its own bfchar
  return 1;
}

// Whether the high byte of range idx has a code in used (a bit per BMP code
// point); every range when used is NULL.
static int tu_used(unsigned idx, const unsigned char *used) {
  unsigned lo, hi, b;

  if (!used)
    return 1;
  if (!tu_range(idx, &lo, &hi))
    return 0;
  for (b = lo >> 3; b <= hi >> 3; b++)
    if (used[b])
      return 1;
  return 0;
}

static HPDF_STATUS write_tounicode(HPDF_Stream s, const unsigned char *used) {
  static const char head[] = "/CIDInit /ProcSet findresource begin\n"
                             "12 dict begin\n"
                             "begincmap\n"
                             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> "
                             "def\n"
                             "/CMapName /Adobe-Identity-UCS def\n"
                             "/CMapType 2 def\n"
                             "1 begincodespacerange\n"
                             "<0000> <FFFF>\n"
                             "endcodespacerange\n";
  static const char tail[] = "endcmap\n"
                             "CMapName currentdict /CMap defineresource pop\n"
                             "end\n"
                             "end\n";
  unsigned n = 0, all = 0, k = 0, idx, lo, hi;
  HPDF_STATUS ret;
  char line[64];

  while (tu_range(all, &lo, &hi)) {
    n += (unsigned)tu_used(all, used);
    all++;
  }

  if ((ret = HPDF_Stream_WriteStr(s, head)) != HPDF_OK)
    return ret;

  for (idx = 0; idx < all; idx++) {
    if (!tu_used(idx, used))
      continue;
    if (k % TU_MAX_PER_BLOCK == 0) {
      unsigned left = n - k;
      (void)snprintf(line, sizeof line, "%u beginbfrange\n",
                     left < TU_MAX_PER_BLOCK ? left : TU_MAX_PER_BLOCK);
      if ((ret = HPDF_Stream_WriteStr(s, line)) != HPDF_OK)
        return ret;
    }
    tu_range(idx, &lo, &hi);
    (void)snprintf(line, sizeof line, "<%04X> <%04X> <%04X>\n", lo, hi, lo);
    if ((ret = HPDF_Stream_WriteStr(s, line)) != HPDF_OK)
      return ret;
    if (k % TU_MAX_PER_BLOCK == TU_MAX_PER_BLOCK - 1 || k == n - 1) {
      if ((ret = HPDF_Stream_WriteStr(s, "endbfrange\n")) != HPDF_OK)
        return ret;
    }
    k++;
  }
  if (!used || (used[TU_BOM >> 3] & (1u << (TU_BOM & 7u)))) {
    (void)snprintf(line, sizeof line, "1 beginbfchar\n<%04X> <%04X>\nendbfchar\n", TU_BOM, TU_BOM_AS);
    if ((ret = HPDF_Stream_WriteStr(s, line)) != HPDF_OK)
      return ret;
  }

  return HPDF_Stream_WriteStr(s, tail);
}

int tb_hpdf_fix_tounicode(HPDF_Doc doc, HPDF_Font font) {
  return tb_hpdf_fix_tounicode_used(doc, font, NULL);
}

int tb_hpdf_fix_tounicode_used(HPDF_Doc doc, HPDF_Font font, const unsigned char *used) {
  HPDF_FontAttr attr;
  HPDF_Dict tu;

  if (!HPDF_HasDoc(doc))
    return HPDF_INVALID_DOCUMENT;
  if (!is_utf8_identity_font(font))
    return raise_error(doc, HPDF_INVALID_FONT);
  attr = (HPDF_FontAttr)font->attr;

  tu = (HPDF_Dict)dict_peek(font, "ToUnicode");
  if (obj_class(tu) == HPDF_OCLASS_DICT && tu->stream && tu->stream->type == HPDF_STREAM_MEMORY) {
    // Rewrite libharu's stream object in place: replacing the entry would
    // leave the old object in the xref, written but unreferenced.
    HPDF_MemStream_FreeData(tu->stream);
    // These described libharu's *encoding* CMap; a ToUnicode stream
    // needs none of them.  (NOT_FOUND is fine, and sets no error.)
    HPDF_Dict_RemoveElement(tu, "Type");
    HPDF_Dict_RemoveElement(tu, "CMapName");
    HPDF_Dict_RemoveElement(tu, "CIDSystemInfo");
    HPDF_Dict_RemoveElement(tu, "WMode");
  } else {
    tu = HPDF_DictStream_New(doc->mmgr, doc->xref);
    if (!tu)
      return raise_internal(doc);
    if (HPDF_Dict_Add(font, "ToUnicode", tu) != HPDF_OK)
      return raise_internal(doc);
  }

  if (write_tounicode(tu->stream, used) != HPDF_OK)
    return raise_internal(doc);

  // libharu's before-write hook of the font copies the font's filter onto
  // attr->cmap_stream at save time; detach it so the filter chosen here
  // (from the document's current compression mode) is the one used.
  if (attr->cmap_stream == tu)
    attr->cmap_stream = NULL;
  tu->filter = (doc->compression_mode & HPDF_COMP_METADATA) ? HPDF_STREAM_FILTER_FLATE_DECODE
                                                            : HPDF_STREAM_FILTER_NONE;
  return HPDF_OK;
}

int tb_hpdf_fix_all_tounicode(HPDF_Doc doc, unsigned *n_fixed) {
  HPDF_UINT i;
  unsigned n = 0;
  int ret;

  if (n_fixed)
    *n_fixed = 0;
  if (!HPDF_HasDoc(doc))
    return HPDF_INVALID_DOCUMENT;

  for (i = 0; doc->font_mgr && i < doc->font_mgr->count; i++) {
    HPDF_Font font = (HPDF_Font)HPDF_List_ItemAt(doc->font_mgr, i);

    if (!is_utf8_identity_font(font))
      continue;
    if ((ret = tb_hpdf_fix_tounicode(doc, font)) != HPDF_OK)
      return ret;
    n++;
  }
  if (n_fixed)
    *n_fixed = n;
  return HPDF_OK;
}

// ---------------------------------------------------------------------------
// composite glyphs

#define GLYF_ARG_1_AND_2_ARE_WORDS 0x0001u
#define GLYF_WE_HAVE_A_SCALE 0x0008u
#define GLYF_MORE_COMPONENTS 0x0020u
#define GLYF_WE_HAVE_AN_X_AND_Y_SCALE 0x0040u
#define GLYF_WE_HAVE_A_TWO_BY_TWO 0x0080u

// Flag the direct components of glyph `gid`; returns the number newly
// flagged, or -1 on a read error (the font data is read from the TTF file,
// which libharu keeps open for embedded fonts).
static int flag_components(HPDF_TTFontDefAttr tt, HPDF_UINT gid) {
  HPDF_UINT32 unit = tt->header.index_to_loc_format == 0 ? 2u : 1u;
  HPDF_UINT32 start = tt->glyph_tbl.offsets[gid] * unit;
  HPDF_UINT32 end = tt->glyph_tbl.offsets[gid + 1] * unit;
  HPDF_BYTE buf[4096];
  HPDF_UINT len, pos = 10;
  int added = 0;

  if (end <= start + 10)
    return 0; // empty glyph, or too short to be a composite
  len = end - start;
  if (len > sizeof buf)
    len = sizeof buf; // component records come first; plenty
  if (HPDF_Stream_Seek(tt->stream, (HPDF_INT)(tt->glyph_tbl.base_offset + start), HPDF_SEEK_SET) != HPDF_OK ||
      HPDF_Stream_Read(tt->stream, buf, &len) != HPDF_OK)
    return -1;
  // numberOfContours < 0: composite glyph.
  if (!(buf[0] & 0x80u))
    return 0;
  for (;;) {
    HPDF_UINT flags, comp;

    if (pos + 4 > len)
      break;
    flags = (HPDF_UINT)buf[pos] << 8 | buf[pos + 1];
    comp = (HPDF_UINT)buf[pos + 2] << 8 | buf[pos + 3];
    pos += 4;
    pos += (flags & GLYF_ARG_1_AND_2_ARE_WORDS) ? 4 : 2;
    if (flags & GLYF_WE_HAVE_A_SCALE)
      pos += 2;
    else if (flags & GLYF_WE_HAVE_AN_X_AND_Y_SCALE)
      pos += 4;
    else if (flags & GLYF_WE_HAVE_A_TWO_BY_TWO)
      pos += 8;
    if (comp < tt->num_glyphs && !tt->glyph_tbl.flgs[comp]) {
      tt->glyph_tbl.flgs[comp] = 1;
      added++;
    }
    if (!(flags & GLYF_MORE_COMPONENTS))
      break;
  }
  return added;
}

int tb_hpdf_fix_composite_glyphs(HPDF_Doc doc, unsigned *n_added) {
  HPDF_UINT i;
  unsigned total = 0;

  if (n_added)
    *n_added = 0;
  if (!HPDF_HasDoc(doc))
    return HPDF_INVALID_DOCUMENT;

  for (i = 0; doc->fontdef_list && i < doc->fontdef_list->count; i++) {
    HPDF_FontDef def = (HPDF_FontDef)HPDF_List_ItemAt(doc->fontdef_list, i);
    HPDF_TTFontDefAttr tt;
    int changed;

    if (!def || def->type != HPDF_FONTDEF_TYPE_TRUETYPE)
      continue;
    tt = (HPDF_TTFontDefAttr)def->attr;
    if (!tt || !tt->embedding || !tt->stream || !tt->glyph_tbl.flgs || !tt->glyph_tbl.offsets)
      continue;
    // Iterate to a fixed point: a newly flagged component may itself be
    // a composite (with any glyph id, lower or higher).
    do {
      HPDF_UINT g;
      changed = 0;
      for (g = 0; g < tt->num_glyphs; g++) {
        int n;
        if (!tt->glyph_tbl.flgs[g])
          continue;
        n = flag_components(tt, g);
        if (n < 0)
          return raise_internal(doc);
        if (n > 0) {
          changed = 1;
          total += (unsigned)n;
        }
      }
    } while (changed);
  }
  if (n_added)
    *n_added = total;
  return HPDF_OK;
}

// ---------------------------------------------------------------------------
// glyph coverage

int tb_hpdf_font_has_glyph(HPDF_Font font, unsigned long cp) {
  HPDF_FontAttr attr;

  if (cp > 0xFFFFul || !font || !HPDF_Font_Validate(font))
    return 0;
  attr = (HPDF_FontAttr)font->attr;
  if (!attr || !attr->fontdef || attr->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
    return 0;
  {
    // Guard the two cases where libharu's lookup misbehaves: a format-0
    // cmap (it would mask cp to 8 bits) and an empty format-4 cmap (it
    // would set an error on the document).
    HPDF_TTFontDefAttr tt = (HPDF_TTFontDefAttr)attr->fontdef->attr;
    if (!tt || (tt->cmap.format == 0 && cp > 0xFFul) || (tt->cmap.format != 0 && tt->cmap.seg_count_x2 == 0))
      return 0;
  }
  // Looks the code point up in the parsed cmap only; unlike
  // HPDF_TTFontDef_GetCharWidth() it does not flag the glyph for embedding.
  return HPDF_TTFontDef_GetGlyphid(attr->fontdef, (HPDF_UINT16)cp) != 0;
}

// ---------------------------------------------------------------------------
// text written by the caller

int tb_hpdf_page_write(HPDF_Page page, const void *data, size_t len) {
  HPDF_PageAttr attr;

  if (!page || !HPDF_Page_Validate(page))
    return HPDF_INVALID_PAGE;
  attr = (HPDF_PageAttr)page->attr;
  if (!attr || !attr->stream)
    return HPDF_INVALID_PAGE;
  if (len > 0xFFFFFFFFu)
    return HPDF_INVALID_PARAMETER;
  if (HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len) != HPDF_OK)
    return (int)HPDF_CheckError(page->error);
  return HPDF_OK;
}

int tb_hpdf_font_use(HPDF_Font font, unsigned cp) {
  HPDF_FontAttr attr;

  if (cp > 0xFFFFu || !font || !HPDF_Font_Validate(font))
    return HPDF_INVALID_FONT;
  attr = (HPDF_FontAttr)font->attr;
  if (!attr || !attr->fontdef || attr->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
    return HPDF_INVALID_FONT;
  (void)HPDF_TTFontDef_GetCharWidth(attr->fontdef, (HPDF_UINT16)cp);
  return HPDF_OK;
}

// ---------------------------------------------------------------------------
// destinations

int tb_hpdf_dest_set_xyz_keep_zoom(HPDF_Doc doc, HPDF_Destination dst, HPDF_REAL left, HPDF_REAL top) {
  HPDF_Obj_Header *h = (HPDF_Obj_Header *)dst;
  void *target;
  HPDF_Null null_obj;
  HPDF_STATUS ret = HPDF_OK;

  if (!HPDF_HasDoc(doc))
    return HPDF_INVALID_DOCUMENT;
  if (!dst || h->obj_class != (HPDF_OCLASS_ARRAY | HPDF_OSUBCLASS_DESTINATION) || dst->list->count < 1 ||
      !(left >= 0) || !(top >= 0))
    return raise_error(doc, HPDF_INVALID_PARAMETER);

  // Item 0 is a reference (proxy) to the target page.
  target = HPDF_List_ItemAt(dst->list, 0);
  if (obj_class(target) == HPDF_OCLASS_PROXY)
    target = ((HPDF_Proxy)target)->obj;
  if (!HPDF_Page_Validate((HPDF_Page)target))
    return raise_error(doc, HPDF_INVALID_PAGE);

  null_obj = HPDF_Null_New(doc->mmgr);
  if (!null_obj)
    return raise_internal(doc);
  HPDF_Array_Clear(dst); // frees the proxy only, not the page
  ret += HPDF_Array_Add(dst, target);
  ret += HPDF_Array_AddName(dst, "XYZ");
  ret += HPDF_Array_AddReal(dst, left);
  ret += HPDF_Array_AddReal(dst, top);
  ret += HPDF_Array_Add(dst, null_obj);
  if (ret != HPDF_OK)
    return raise_internal(doc);
  return HPDF_OK;
}

// ---------------------------------------------------------------------------
// catalog: version, /Lang, /ViewerPreferences

int tb_hpdf_require_version(HPDF_Doc doc, HPDF_PDFVer version) {
  if (!HPDF_HasDoc(doc))
    return HPDF_INVALID_DOCUMENT;
  if ((int)version < (int)HPDF_VER_12 || (int)version >= (int)HPDF_VER_EOF)
    return raise_error(doc, HPDF_INVALID_PARAMETER);
  if (doc->pdf_version < version)
    doc->pdf_version = version;
  return HPDF_OK;
}

static HPDF_BOOL is_lang_tag(const char *s) {
  size_t i, n;

  if (!s)
    return HPDF_FALSE;
  n = strlen(s);
  if (n == 0 || n > 35 || s[0] == '-' || s[n - 1] == '-')
    return HPDF_FALSE;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      return HPDF_FALSE;
    if (c == '-' && s[i + 1] == '-')
      return HPDF_FALSE;
  }
  return HPDF_TRUE;
}

int tb_hpdf_set_lang(HPDF_Doc doc, const char *bcp47) {
  HPDF_String lang;
  int ret;

  if (!HPDF_HasDoc(doc))
    return HPDF_INVALID_DOCUMENT;
  if (!is_lang_tag(bcp47))
    return raise_error(doc, HPDF_INVALID_PARAMETER);

  // No encoder: written as a plain literal string, e.g. (ms-MY).
  lang = HPDF_String_New(doc->mmgr, bcp47, NULL);
  if (!lang)
    return raise_internal(doc);
  if (HPDF_Dict_Add(doc->catalog, "Lang", lang) != HPDF_OK)
    return raise_internal(doc);
  if ((ret = tb_hpdf_require_version(doc, HPDF_VER_14)) != HPDF_OK)
    return ret;
  return HPDF_OK;
}

int tb_hpdf_set_display_doc_title(HPDF_Doc doc) {
  HPDF_Dict prefs;
  int ret;

  if (!HPDF_HasDoc(doc))
    return HPDF_INVALID_DOCUMENT;

  prefs = (HPDF_Dict)dict_peek(doc->catalog, "ViewerPreferences");
  if (obj_class(prefs) != HPDF_OCLASS_DICT) {
    prefs = HPDF_Dict_New(doc->mmgr);
    if (!prefs)
      return raise_internal(doc);
    // Replaces a (never seen) non-dictionary entry, adds one otherwise.
    if (HPDF_Dict_Add(doc->catalog, "ViewerPreferences", prefs) != HPDF_OK)
      return raise_internal(doc);
  }
  if (HPDF_Dict_AddBoolean(prefs, "DisplayDocTitle", HPDF_TRUE) != HPDF_OK)
    return raise_internal(doc);
  if ((ret = tb_hpdf_require_version(doc, HPDF_VER_14)) != HPDF_OK)
    return ret;
  return HPDF_OK;
}
