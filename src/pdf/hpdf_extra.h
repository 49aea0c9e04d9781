// hpdf_extra.h -- what libharu 2.3.0 lacks: a correct ToUnicode, /Lang, viewer preferences.
//
// Small additions to libharu 2.3.0 (Debian libhpdf-dev) that use only what
// the installed headers declare (hpdf_doc.h, hpdf_objects.h, hpdf_font.h...).
//
// Return convention for every function here: 0 (HPDF_OK) on success, else a
// libharu HPDF_STATUS error code (> 0, see hpdf_error.h).  Every error is also
// raised on the document's error object, so the handler given to HPDF_New()
// sees it exactly as it sees libharu's own errors, and HPDF_GetError(doc)
// reports it.  Nothing here longjmps or aborts.
//
// How libharu 2.3.0 writes UTF-8 text (measured, and read in its sources
// hpdf_encoder_utf.c / hpdf_font_cid.c):
//   HPDF_UseUTFEncodings(doc);
//   name = HPDF_LoadTTFontFromFile(doc, path, HPDF_TRUE);
//   font = HPDF_GetFont(doc, name, "UTF-8");
// gives a /Type0 font with /Encoding /Identity-H and a /CIDFontType2
// descendant.  Each UTF-8 character becomes ONE 2-byte big-endian code equal
// to its Unicode code point (the code is NOT the glyph id); the descendant's
// /CIDToGIDMap stream then maps that code to the glyph id of the font's
// (3,1) format-4 cmap.  Consequences:
//   * Code points above U+FFFF are written as U+0020 (a space): libharu has no
//     way to emit them.  Emoji, math alphanumerics (U+1D400..), etc. must be
//     replaced by the caller before painting.
//   * Invalid UTF-8 bytes are silently dropped; a truncated sequence at the
//     end of the string is dropped.
//   * C0 controls (U+0000..U+001F, e.g. '\t', '\n') are emitted as codes
//     <0000>..<001F>, which map to glyph 0 (.notdef): never paint them.
//   * The /ToUnicode CMap libharu attaches is its *encoding* CMap and uses
//     'begincidrange', which is not allowed in a ToUnicode CMap (poppler:
//     "Syntax Warning: Invalid 'begincidrange' operator in ToUnicode CMap").
//     tb_hpdf_fix_tounicode() rewrites it.
#ifndef TERBIT_PDF_HPDF_EXTRA_H
#define TERBIT_PDF_HPDF_EXTRA_H

#include <hpdf.h>

#ifdef __cplusplus
extern "C" {
#endif

// Rewrite the /ToUnicode CMap of `font` (a font obtained with
// HPDF_GetFont(doc, ttf_name, "UTF-8") after HPDF_UseUTFEncodings(doc)) into
// a valid one: codespace <0000>-<FFFF>, and 'beginbfrange' entries mapping
// every code libharu's UTF-8 encoder can emit to itself, i.e. U+0020..U+FFFD
// minus the surrogates U+D800..U+DFFF (248 ranges in 3 blocks: 5.6 KB,
// 1.7 KB Flate-compressed), except U+FEFF, which maps to U+2060 (no code maps
// to U+0000, U+FEFF or U+FFFE: PDF/UA-1 7.21.7).  The existing stream object is rewritten in place
// (no orphan object is left in the file); its /Type /CMapName
// /CIDSystemInfo /WMode keys (which described the encoding CMap) are
// removed.  The stream is Flate-compressed when the document's compression
// mode includes HPDF_COMP_METADATA (HPDF_COMP_ALL does) at the time of the
// call.
//
// Call it once per font, any time after HPDF_GetFont() and before
// HPDF_SaveToFile()/HPDF_SaveToStream() (the map does not depend on the text
// painted); calling it again is harmless.
// Errors: HPDF_INVALID_DOCUMENT, HPDF_INVALID_FONT (NULL or not such a
// Type0/Identity-H UTF-8 TrueType font), or a libharu allocation error.
int tb_hpdf_fix_tounicode(HPDF_Doc doc, HPDF_Font font);

// The same, for the codes with a bit in `used` only (8,192 bytes, a bit per
// BMP code point; NULL: every code): one identity bfrange per high byte that
// has a used code, so a Latin text's map is one line.
int tb_hpdf_fix_tounicode_used(HPDF_Doc doc, HPDF_Font font, const unsigned char *used);

// tb_hpdf_fix_tounicode() for every font of `doc` that qualifies (Type0
// TrueType, encoder "UTF-8", /Encoding /Identity-H); other fonts (base-14,
// single-byte encodings) are left alone.  If `n_fixed` is not NULL it
// receives the number of fonts rewritten.
int tb_hpdf_fix_all_tounicode(HPDF_Doc doc, unsigned *n_fixed);

// Work around a libharu subsetting bug: when a used glyph is a composite
// whose components are themselves composites, libharu embeds only the first
// level, so e.g. DejaVu Sans "Ǖ ǖ Ά ŉ Ǆ" render with parts missing (612 such
// characters in DejaVuSans.ttf, 327 in DejaVuSansMono.ttf, none in Charis
// SIL).  This flags every component, recursively, of every glyph already
// flagged for embedding, in every embedded TrueType font of `doc`.
// Call after all text has been painted and before saving.  If `n_added` is
// not NULL it receives the number of glyphs added.
int tb_hpdf_fix_composite_glyphs(HPDF_Doc doc, unsigned *n_added);

// 1 if the TrueType font behind `font` (any encoding) maps code point `cp` to
// a real glyph in its (3,1) cmap, 0 otherwise (also for cp > U+FFFF, which
// libharu cannot emit, and for base-14/Type1 fonts).  For choosing a fallback
// font per character: libharu itself silently paints .notdef for unmapped
// characters.  Does not mark the glyph as used (no effect on subsetting).
int tb_hpdf_font_has_glyph(HPDF_Font font, unsigned long cp);

// Add /Lang (bcp47) to the document catalog, e.g. "ms", "en-GB", "ms-Latn-MY".
// `bcp47` must be 1..35 ASCII letters, digits and '-' (not starting or ending
// with '-'); anything else is HPDF_INVALID_PARAMETER.  Raises the header to
// %PDF-1.4 (where /Lang was introduced) if it was lower.
int tb_hpdf_set_lang(HPDF_Doc doc, const char *bcp47);

// Add /DisplayDocTitle true to the catalog's /ViewerPreferences, keeping any
// entries already there (create the dictionary if absent).  Raises the header
// to %PDF-1.4.  NOTE: HPDF_SetViewerPreference() *replaces* the whole
// dictionary (and forces %PDF-1.6), so call it (if at all) BEFORE this one.
// The viewer shows the /Title of the Info dictionary: set it with
// HPDF_SetInfoAttr(doc, HPDF_INFO_TITLE, utf8) after
// HPDF_SetCurrentEncoder(doc, "UTF-8"), or a non-ASCII title is mangled.
int tb_hpdf_set_display_doc_title(HPDF_Doc doc);

// Point `dst` (from HPDF_Page_CreateDestination) at (left, top) of its page
// keeping the reader's zoom: [page /XYZ left top null].  libharu's
// HPDF_Destination_SetXYZ() cannot do this: it rejects any zoom outside
// 0.08..32 (0 = "keep" included) with HPDF_INVALID_PARAMETER, and that error
// then makes every later call on the document fail (see HPDF_HasDoc).
// Coordinates are PDF user space (origin bottom-left), left/top >= 0.
int tb_hpdf_dest_set_xyz_keep_zoom(HPDF_Doc doc, HPDF_Destination dst, HPDF_REAL left, HPDF_REAL top);

// Text written by the caller: libharu can only show a string at a position
// (HPDF_Page_TextOut: one Td and one Tj per call), never a TJ array whose
// adjustments justify a line, and it spends most of its painting time on
// bookkeeping per call (zeroed 512-byte buffers, a glyph look-up per
// character).  These two let the caller write a page's text operators itself:
//
// Append `len` bytes of content-stream operators to `page`'s content stream,
// as they are (the caller writes valid operators, inside BT/ET for text:
// begin with HPDF_Page_BeginText() and select the font with
// HPDF_Page_SetFontAndSize(), which also adds it to the page's resources).
// libharu's own record of the text position is not updated: do not mix with
// HPDF_Page_TextOut()/ShowText() in the same text object.
int tb_hpdf_page_write(HPDF_Page page, const void *data, size_t len);

// Mark the glyph of code point `cp` (<= U+FFFF) of `font` (a UTF-8 Type0
// TrueType font, see above) as used, so that the subset embeds it, as
// libharu's own text functions do for every character they show (through
// HPDF_TTFontDef_GetCharWidth, which also flags composite glyphs' parts).
// The code written for cp in a content string is its 2-byte big-endian value.
int tb_hpdf_font_use(HPDF_Font font, unsigned cp);

// Make libharu write at least `version` in the %PDF-x.y header (it never
// lowers it).  libharu starts at 1.3 and has no public setter; this sets
// doc->pdf_version (hpdf_doc.h).
int tb_hpdf_require_version(HPDF_Doc doc, HPDF_PDFVer version);

#ifdef __cplusplus
}
#endif

#endif // TERBIT_PDF_HPDF_EXTRA_H
