// test_hpdf_extra.c -- demo and test of src/pdf/hpdf_extra.{h,c} on libharu 2.3.0.
//
// Usage: test_hpdf_extra OUT.pdf [FONT_DIR]
//   FONT_DIR defaults to $TERBIT_FONT_DIR, else "assets/fonts" (run from the
//   repository root).
// Build (from the repository root):
//   gcc -std=c11 -Wall -Wextra -pedantic -Werror -Isrc
//       tests/unit/test_hpdf_extra.c src/pdf/hpdf_extra.c -lhpdf
//       -o build/test_hpdf_extra
//
// Writes a 2-page PDF (Malay text, Greek, Cyrillic, CO₂, ≈ 20 °C, curly
// quotes; Charis SIL with a DejaVu Sans fallback per character) with the
// ToUnicode and composite-glyph fixes, /Lang, /DisplayDocTitle, page labels (i, then 1), nested
// outlines, an internal link to an exact spot and a URI link, then checks:
//   * no libharu error was reported to the error handler;
//   * every UTF-8 Type0 font got its ToUnicode rewritten;
//   * an uncompressed build writes 2-byte Unicode code points in the content
//     stream and a ToUnicode with bfrange and no cidrange;
//   * the saved file starts with %PDF-1.4 and has /Lang, /DisplayDocTitle,
//     /PageLabels, /PageMode /UseOutlines;
//   * two builds of the same document are byte-identical;
//   * HPDF_Page_TextWidth() equals the sum of the per-character widths.
// Exit status 0 when all checks pass.  The last line is "N passed, N failed".
//
// Check the output by hand with:
//   pdftotext OUT.pdf - ; pdffonts OUT.pdf ; pdfinfo OUT.pdf ;
//   qpdf --check OUT.pdf ; mutool draw -o /dev/null OUT.pdf
#include "pdf/hpdf_extra.h"

#include <hpdf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

// ---------------------------------------------------------------------------
// tiny test harness

static int n_passed, n_failed;

#define CHECK(cond, ...)                                                                                     \
  do {                                                                                                       \
    if (cond) {                                                                                              \
      n_passed++;                                                                                            \
    } else {                                                                                                 \
      n_failed++;                                                                                            \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                                   \
      fprintf(stderr, __VA_ARGS__);                                                                          \
      fputc('\n', stderr);                                                                                   \
    }                                                                                                        \
  } while (0)

// libharu error handler: remember the first error, never longjmp.
typedef struct {
  HPDF_STATUS code;
  HPDF_STATUS detail;
  unsigned count;
} err_rec;

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *user) {
  err_rec *e = (err_rec *)user;
  if (e->count++ == 0) {
    e->code = code;
    e->detail = detail;
  }
}

static const unsigned char *find_bytes(const unsigned char *hay, size_t n, const char *needle) {
  size_t m = strlen(needle), i;
  if (m == 0 || m > n)
    return NULL;
  for (i = 0; i + m <= n; i++)
    if (hay[i] == (unsigned char)needle[0] && memcmp(hay + i, needle, m) == 0)
      return hay + i;
  return NULL;
}

// ---------------------------------------------------------------------------
// painting helpers

// Decode one UTF-8 character of the NUL-terminated s (util/utf8.h); returns its
// length (>= 1) and the code point in *cp (U+FFFD for malformed input).
static size_t utf8_next(const char *s, unsigned long *cp) {
  size_t len;

  *cp = tb_utf8_decode(s, strnlen(s, 4), &len);
  return len;
}

// Show `text` at the current text position, switching between `primary` and
// `fallback` per character (fallback only where primary has no glyph).
// Must be called between HPDF_Page_BeginText and HPDF_Page_EndText.
// Returns the advance in points.
static float show_with_fallback(HPDF_Page page, HPDF_Font primary, HPDF_Font fallback, float size,
                                const char *text) {
  char run[512];
  float advance = 0;
  const char *p = text;

  while (*p) {
    unsigned long cp;
    size_t n = utf8_next(p, &cp), used = 0;
    HPDF_Font f =
        (tb_hpdf_font_has_glyph(primary, cp) || !tb_hpdf_font_has_glyph(fallback, cp)) ? primary : fallback;

    // Gather a run of characters that use the same font.
    for (;;) {
      if (used + n >= sizeof run)
        break;
      memcpy(run + used, p, n);
      used += n;
      p += n;
      if (!*p)
        break;
      n = utf8_next(p, &cp);
      if (((tb_hpdf_font_has_glyph(primary, cp) || !tb_hpdf_font_has_glyph(fallback, cp)) ? primary
                                                                                          : fallback) != f)
        break;
    }
    run[used] = '\0';
    HPDF_Page_SetFontAndSize(page, f, size);
    advance += HPDF_Page_TextWidth(page, run);
    HPDF_Page_ShowText(page, run);
  }
  return advance;
}

typedef struct {
  HPDF_Font regular, bold, italic, fallback;
} fonts_t;

static int load_fonts(HPDF_Doc doc, const char *dir, fonts_t *f) {
  static const char *const files[4] = {"CharisSIL-Regular.ttf", "CharisSIL-Bold.ttf", "CharisSIL-Italic.ttf",
                                       "DejaVuSans.ttf"};
  HPDF_Font *slots[4];
  char path[1024];
  int i;

  slots[0] = &f->regular;
  slots[1] = &f->bold;
  slots[2] = &f->italic;
  slots[3] = &f->fallback;
  for (i = 0; i < 4; i++) {
    const char *name;
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    // The returned name is the one to use: libharu appends ",Style" for
    // non-Regular subfamilies ("CharisSIL-Bold,Bold", "DejaVuSans,Book").
    name = HPDF_LoadTTFontFromFile(doc, path, HPDF_TRUE);
    if (!name) {
      fprintf(stderr, "cannot load %s\n", path);
      return -1;
    }
    *slots[i] = HPDF_GetFont(doc, name, "UTF-8");
    if (!*slots[i])
      return -1;
  }
  return 0;
}

// The text of the document, line by line, as pdftotext should return it.
static const char *const PAGE1[] = {
    "Nota Ujian terbit",
    "Kandungan",
    "1 Cuaca dan udara",
};
static const char *const PAGE2[] = {
    "Bab 1: Cuaca dan udara",
    "Suhu malam di Kuala Lumpur ialah \xE2\x89\x88 20 \xC2\xB0"
    "C.",
    "Kepekatan CO\xE2\x82\x82 di udara terus meningkat.",
    "\xE2\x80\x9CSelamat datang,\xE2\x80\x9D katanya, \xE2\x80\x98terima "
    "kasih\xE2\x80\x99.",
    "Yunani: \xCE\xB1\xCE\xB2\xCE\xB3 \xE2\x80\x94 Sirilik: "
    "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, "
    "\xD0\xBC\xD0\xB8\xD1\x80",
    "Penilaian: \xE2\x98\x85\xE2\x98\x85\xE2\x98\x85 \xE2\x99\xA5 "
    "(simbol daripada DejaVu Sans)",
    // Nested composite glyphs in DejaVu Sans (see tb_hpdf_fix_composite_glyphs).
    "DejaVu Sans: \xCE\x86\xCF\x81\xCE\xB7\xCF\x82, \xC7\x95\xC7\x96, "
    "\xC5\x89"
    "a, \xC7\x84"
    "a.",
    "Pautan: https://example.org/terbit",
};
#define DEJAVU_LINE (sizeof PAGE2 / sizeof PAGE2[0] - 2)

// Build the whole document.  Returns NULL on failure (error in *err).
static HPDF_Doc build_doc(const char *font_dir, HPDF_BOOL compress, err_rec *err) {
  HPDF_Doc doc;
  HPDF_Page p1, p2;
  HPDF_Destination d_toc, d_ch1, d_sec;
  HPDF_Outline o_toc, o_ch1, o_sec;
  HPDF_Encoder utf8;
  HPDF_Annotation a;
  HPDF_Rect r;
  fonts_t f;
  float y, w;
  unsigned n_fixed = 0;
  size_t i;
  const float left = 72, size = 12, lead = 18;

  memset(err, 0, sizeof *err);
  doc = HPDF_New(on_error, err);
  if (!doc)
    return NULL;

  // Compression must be chosen before fonts and pages are created: libharu
  // copies it into each font (HPDF_COMP_METADATA) and page (HPDF_COMP_TEXT)
  // when they are made.
  HPDF_SetCompressionMode(doc, compress ? HPDF_COMP_ALL : HPDF_COMP_NONE);
  HPDF_UseUTFEncodings(doc);
  // Info strings and outline titles are converted with the current encoder:
  // UTF-8 gives UTF-16BE strings with a BOM.
  HPDF_SetCurrentEncoder(doc, "UTF-8");
  utf8 = HPDF_GetEncoder(doc, "UTF-8");
  HPDF_SetInfoAttr(doc, HPDF_INFO_TITLE, "Nota Ujian terbit \xE2\x80\x94 CO\xE2\x82\x82");
  HPDF_SetInfoAttr(doc, HPDF_INFO_AUTHOR, "terbit");

  if (load_fonts(doc, font_dir, &f) != 0) {
    HPDF_Free(doc);
    return NULL;
  }

  p1 = HPDF_AddPage(doc);
  HPDF_Page_SetSize(p1, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  p2 = HPDF_AddPage(doc);
  HPDF_Page_SetSize(p2, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);

  // ---- page 1 (front matter, label "i")
  y = HPDF_Page_GetHeight(p1) - 96;
  HPDF_Page_BeginText(p1);
  HPDF_Page_MoveTextPos(p1, left, y);
  show_with_fallback(p1, f.bold, f.fallback, 20, PAGE1[0]);
  HPDF_Page_MoveTextPos(p1, 0, -2 * lead);
  show_with_fallback(p1, f.bold, f.fallback, size, PAGE1[1]);
  HPDF_Page_MoveTextPos(p1, 0, -lead);
  w = show_with_fallback(p1, f.regular, f.fallback, size, PAGE1[2]);
  HPDF_Page_EndText(p1);
  y -= 3 * lead;

  // ---- page 2 (body, label "1")
  {
    float y2 = HPDF_Page_GetHeight(p2) - 96, url_w = 0, url_x = 0;
    const float heading_top = y2 + 20;

    HPDF_Page_BeginText(p2);
    HPDF_Page_MoveTextPos(p2, left, y2);
    show_with_fallback(p2, f.bold, f.fallback, 16, PAGE2[0]);
    for (i = 1; i < sizeof PAGE2 / sizeof PAGE2[0]; i++) {
      HPDF_Font prim = (i == 3) ? f.italic : (i == DEJAVU_LINE) ? f.fallback : f.regular;
      HPDF_Page_MoveTextPos(p2, 0, -lead);
      y2 -= lead;
      if (i == sizeof PAGE2 / sizeof PAGE2[0] - 1) {
        // "Pautan: " then the URL, to know where the URL sits.
        url_x = left + show_with_fallback(p2, prim, f.fallback, size, "Pautan: ");
        url_w = show_with_fallback(p2, prim, f.fallback, size, "https://example.org/terbit");
      } else {
        show_with_fallback(p2, prim, f.fallback, size, PAGE2[i]);
      }
    }
    HPDF_Page_EndText(p2);

    // URI link over the URL, no border.
    r.left = url_x;
    r.right = url_x + url_w;
    r.bottom = y2 - 3;
    r.top = y2 + size;
    a = HPDF_Page_CreateURILinkAnnot(p2, r, "https://example.org/terbit");
    HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);

    // Destinations: exact spots, keeping the reader's zoom
    // (HPDF_Destination_SetXYZ rejects zoom 0 with an error).
    d_sec = HPDF_Page_CreateDestination(p2);
    CHECK(tb_hpdf_dest_set_xyz_keep_zoom(doc, d_sec, left, y2 - lead * 4) == 0, "xyz");
    d_ch1 = HPDF_Page_CreateDestination(p2);
    CHECK(tb_hpdf_dest_set_xyz_keep_zoom(doc, d_ch1, left, heading_top) == 0, "xyz");
  }
  d_toc = HPDF_Page_CreateDestination(p1);
  // With an explicit zoom, libharu's own call is fine (1 = 100 %).
  HPDF_Destination_SetXYZ(d_toc, left, HPDF_Page_GetHeight(p1) - 60, 1);

  // Internal link: TOC line on page 1 -> chapter heading on page 2.
  r.left = left;
  r.right = left + w;
  r.bottom = y - 3;
  r.top = y + size;
  a = HPDF_Page_CreateLinkAnnot(p1, r, d_ch1);
  HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);

  // Outlines: two top-level entries, one child.
  o_toc = HPDF_CreateOutline(doc, NULL, "Kandungan", utf8);
  HPDF_Outline_SetDestination(o_toc, d_toc);
  o_ch1 = HPDF_CreateOutline(doc, NULL, "Bab 1: Cuaca dan udara", utf8);
  HPDF_Outline_SetDestination(o_ch1, d_ch1);
  HPDF_Outline_SetOpened(o_ch1, HPDF_TRUE);
  o_sec = HPDF_CreateOutline(doc, o_ch1, "1.1 Suhu dan CO\xE2\x82\x82", utf8);
  HPDF_Outline_SetDestination(o_sec, d_sec);
  HPDF_SetPageMode(doc, HPDF_PAGE_MODE_USE_OUTLINE); // not ..._OUTLINES

  // Page labels: page index 0 -> "i" (front matter), 1 -> "1" (body).
  HPDF_AddPageLabel(doc, 0, HPDF_PAGE_NUM_STYLE_LOWER_ROMAN, 1, NULL);
  HPDF_AddPageLabel(doc, 1, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, NULL);

  CHECK(tb_hpdf_set_lang(doc, "ms") == 0, "tb_hpdf_set_lang");
  CHECK(tb_hpdf_set_display_doc_title(doc) == 0, "tb_hpdf_set_display_doc_title");
  CHECK(tb_hpdf_fix_all_tounicode(doc, &n_fixed) == 0, "tb_hpdf_fix_all_tounicode");
  CHECK(n_fixed == 4, "expected 4 fonts fixed, got %u", n_fixed);
  CHECK(tb_hpdf_fix_composite_glyphs(doc, &n_fixed) == 0, "tb_hpdf_fix_composite_glyphs");
  CHECK(n_fixed > 0, "nested composite components must be added");
  return doc;
}

static unsigned char *save_to_memory(HPDF_Doc doc, size_t *len) {
  HPDF_UINT32 size;
  unsigned char *buf;

  *len = 0;
  if (HPDF_SaveToStream(doc) != HPDF_OK)
    return NULL;
  size = HPDF_GetStreamSize(doc);
  buf = malloc((size_t)size + 1); /* NUL-terminated: tounicode_bad reads lines with sscanf */
  if (!buf)
    return NULL;
  if (HPDF_ReadFromStream(doc, buf, &size) != HPDF_OK && size == 0) {
    free(buf);
    return NULL;
  }
  buf[size] = 0;
  *len = size;
  return buf;
}

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  unsigned char *buf = NULL;
  long n;

  *len = 0;
  if (!fp)
    return NULL;
  if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
      (buf = malloc((size_t)n + 1)) != NULL) {
    *len = fread(buf, 1, (size_t)n, fp);
    buf[*len] = 0; /* NUL-terminated, as save_to_memory's */
  }
  fclose(fp);
  return buf;
}

// ---------------------------------------------------------------------------
// checks

static void test_argument_checks(void) {
  err_rec err;
  HPDF_Doc doc;

  memset(&err, 0, sizeof err);
  doc = HPDF_New(on_error, &err);
  CHECK(doc != NULL, "HPDF_New");
  if (!doc)
    return;
  CHECK(tb_hpdf_set_lang(NULL, "ms") == HPDF_INVALID_DOCUMENT, "NULL doc");
  CHECK(tb_hpdf_set_lang(doc, "m s") == HPDF_INVALID_PARAMETER, "bad tag");
  CHECK(err.count == 1 && err.code == HPDF_INVALID_PARAMETER,
        "error handler must see our errors (count %u code 0x%04X)", err.count, (unsigned)err.code);
  HPDF_ResetError(doc);
  // A base-14 font is not a UTF-8 Type0 font.
  CHECK(tb_hpdf_fix_tounicode(doc, HPDF_GetFont(doc, "Helvetica", NULL)) == HPDF_INVALID_FONT,
        "base-14 font must be refused");
  HPDF_ResetError(doc);
  CHECK(tb_hpdf_font_has_glyph(HPDF_GetFont(doc, "Helvetica", NULL), 'A') == 0, "has_glyph on base-14");
  CHECK(tb_hpdf_require_version(doc, HPDF_VER_EOF) == HPDF_INVALID_PARAMETER, "bad version");
  HPDF_Free(doc);
}

// The first code of an uncompressed file's ToUnicode CMaps (their bfrange
// lines "<lo> <hi> <dst>" and bfchar lines "<code> <dst>") that maps to U+0000,
// U+FEFF or U+FFFE (PDF/UA-1 7.21.7-2), 0x10000 for code 0; 0 when none.
// *n_lines: the mapping lines read.
static unsigned tounicode_bad(const unsigned char *buf, size_t len, unsigned *n_lines) {
  int block = 0; // 2: in a bfrange block, 1: in a bfchar block
  *n_lines = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned lo, hi, dst;
    char a[5], b[5], c[5], kw[16];
    const char *line = (const char *)buf + i;
    if (i && buf[i - 1] != '\n')
      continue;
    if (len - i > 24 && sscanf(line, "%*u %15[a-z]", kw) == 1) {
      block = !strcmp(kw, "beginbfrange") ? 2 : !strcmp(kw, "beginbfchar") ? 1 : 0;
      continue;
    }
    if (!block || len - i < 14 || buf[i] != '<')
      continue;
    if (block == 2 && len - i > 20 && sscanf(line, "<%4[0-9A-F]> <%4[0-9A-F]> <%4[0-9A-F]>", a, b, c) == 3) {
      lo = (unsigned)strtoul(a, NULL, 16);
      hi = (unsigned)strtoul(b, NULL, 16);
    } else if (block == 1 && sscanf(line, "<%4[0-9A-F]> <%4[0-9A-F]>", a, c) == 2) {
      lo = hi = (unsigned)strtoul(a, NULL, 16);
    } else {
      continue;
    }
    dst = (unsigned)strtoul(c, NULL, 16);
    (*n_lines)++;
    for (unsigned k = lo; k <= hi; k++) {
      unsigned u = dst + (k - lo);
      if (u == 0 || u == 0xFEFFu || u == 0xFFFEu)
        return k ? k : 0x10000u;
    }
  }
  return 0;
}

static void test_uncompressed_internals(const char *font_dir) {
  err_rec err;
  HPDF_Doc doc = build_doc(font_dir, HPDF_FALSE, &err);
  unsigned char *buf;
  size_t len;

  CHECK(doc != NULL, "build uncompressed doc");
  if (!doc)
    return;
  buf = save_to_memory(doc, &len);
  CHECK(buf != NULL && len > 1000, "save uncompressed to memory");
  CHECK(err.count == 0, "libharu error 0x%04X detail %u", (unsigned)err.code, (unsigned)err.detail);
  if (buf) {
    // αβγ is written as the code points U+03B1 U+03B2 U+03B3.
    CHECK(find_bytes(buf, len, "03B103B203B3") != NULL, "content stream codes are Unicode code points");
    CHECK(find_bytes(buf, len, "begincidrange") == NULL, "no begincidrange left anywhere");
    CHECK(find_bytes(buf, len, "100 beginbfrange\n<0020> <00FF> <0020>") != NULL,
          "ToUnicode starts with the expected bfrange");
    CHECK(find_bytes(buf, len, "<FF00> <FFFD> <FF00>\nendbfrange") != NULL,
          "ToUnicode ends with the expected bfrange");
    CHECK(find_bytes(buf, len, "<D800>") == NULL, "no surrogate codes");
    unsigned n_lines = 0, bad = tounicode_bad(buf, len, &n_lines);
    CHECK(n_lines >= 249 && bad == 0, "no ToUnicode value is U+0000, U+FEFF or U+FFFE (%u lines; code %04X)",
          n_lines, bad);
    CHECK(find_bytes(buf, len, "<FE00> <FEFE> <FE00>\n") != NULL &&
              find_bytes(buf, len, "1 beginbfchar\n<FEFF> <2060>\nendbfchar\n") != NULL,
          "the code U+FEFF reads as U+2060 WORD JOINER");
    CHECK(find_bytes(buf, len, "/Encoding /Identity-H") != NULL, "Identity-H encoding");
  }
  free(buf);
  HPDF_Free(doc);
}

// tb_hpdf_fix_tounicode_used: one identity bfrange per high byte drawn.
static void test_tounicode_used(const char *font_dir) {
  err_rec err;
  HPDF_Doc doc;
  fonts_t f;
  unsigned char used[8192];
  unsigned char *buf;
  size_t len;

  memset(&err, 0, sizeof err);
  doc = HPDF_New(on_error, &err);
  if (!doc)
    return;
  HPDF_UseUTFEncodings(doc);
  if (load_fonts(doc, font_dir, &f) != 0) {
    CHECK(0, "load fonts");
    HPDF_Free(doc);
    return;
  }
  HPDF_AddPage(doc);
  memset(used, 0, sizeof used);
  used['A' >> 3] |= 1u << ('A' & 7);
  used[0x03B1 >> 3] |= 1u << (0x03B1 & 7);
  CHECK(tb_hpdf_fix_tounicode_used(doc, f.fallback, used) == 0, "fix_tounicode_used");
  buf = save_to_memory(doc, &len);
  CHECK(buf != NULL && find_bytes(buf, len,
                                  "2 beginbfrange\n<0020> <00FF> <0020>\n"
                                  "<0300> <03FF> <0300>\nendbfrange") != NULL,
        "ToUnicode of the used high bytes only");
  CHECK(buf != NULL && find_bytes(buf, len, "bfchar") == NULL, "no bfchar when U+FEFF is not drawn");
  free(buf);
  HPDF_Free(doc);

  // U+FEFF drawn (a source may hold it): its block up to U+FEFE, and U+FEFF as U+2060
  memset(&err, 0, sizeof err);
  doc = HPDF_New(on_error, &err);
  if (!doc)
    return;
  HPDF_UseUTFEncodings(doc);
  HPDF_SetCompressionMode(doc, HPDF_COMP_NONE);
  if (load_fonts(doc, font_dir, &f) != 0) {
    CHECK(0, "load fonts");
    HPDF_Free(doc);
    return;
  }
  HPDF_AddPage(doc);
  memset(used, 0, sizeof used);
  used[0xFEFF >> 3] |= 1u << (0xFEFF & 7);
  used[0xFFFD >> 3] |= 1u << (0xFFFD & 7);
  CHECK(tb_hpdf_fix_tounicode_used(doc, f.fallback, used) == 0, "fix_tounicode_used U+FEFF");
  buf = save_to_memory(doc, &len);
  unsigned n_lines = 0, bad = buf ? tounicode_bad(buf, len, &n_lines) : 1;
  CHECK(buf != NULL && n_lines == 3 && bad == 0 &&
            find_bytes(buf, len,
                       "2 beginbfrange\n<FE00> <FEFE> <FE00>\n<FF00> <FFFD> <FF00>\n"
                       "endbfrange\n1 beginbfchar\n<FEFF> <2060>\nendbfchar\n") != NULL,
        "ToUnicode with U+FEFF drawn maps no code to U+FEFF (%u lines; code %04X)", n_lines, bad);
  free(buf);
  HPDF_Free(doc);
}

static void test_text_width(const char *font_dir) {
  err_rec err;
  HPDF_Doc doc;
  HPDF_Page page;
  fonts_t f;
  const char *s = "Suhu \xE2\x89\x88 20 \xC2\xB0"
                  "C, CO\xE2\x82\x82, "
                  "\xCE\xB1\xCE\xB2\xCE\xB3";
  const char *p;
  long units = 0;
  float tw;

  memset(&err, 0, sizeof err);
  doc = HPDF_New(on_error, &err);
  if (!doc)
    return;
  HPDF_UseUTFEncodings(doc);
  if (load_fonts(doc, font_dir, &f) != 0) {
    CHECK(0, "load fonts");
    HPDF_Free(doc);
    return;
  }
  page = HPDF_AddPage(doc);
  HPDF_Page_SetFontAndSize(page, f.regular, 10);
  tw = HPDF_Page_TextWidth(page, s);
  for (p = s; *p;) {
    unsigned long cp;
    p += utf8_next(p, &cp);
    // Per-glyph advance in 1/1000 em, truncated from font units exactly
    // as libharu does: advance * 1000 / unitsPerEm (integer division).
    units += HPDF_Font_GetUnicodeWidth(f.regular, (HPDF_UNICODE)cp);
  }
  CHECK((long)(tw * 100 + 0.5f) == (long)(units * 10 / 1000.0 * 100 + 0.5),
        "TextWidth %.4f != sum of unicode widths %ld/1000*10", (double)tw, units);
  CHECK(err.count == 0, "libharu error 0x%04X", (unsigned)err.code);
  HPDF_Free(doc);
}

int main(int argc, char **argv) {
  const char *out, *font_dir;
  err_rec err;
  HPDF_Doc doc;
  unsigned char *file = NULL, *mem = NULL;
  size_t file_len = 0, mem_len = 0;

  if (argc < 2) {
    fprintf(stderr, "usage: %s OUT.pdf [FONT_DIR]\n", argv[0]);
    return 2;
  }
  out = argv[1];
  font_dir = argc > 2 ? argv[2] : getenv("TERBIT_FONT_DIR");
  if (!font_dir)
    font_dir = "assets/fonts";

  remove(out); // never check a stale file from an earlier run
  test_argument_checks();
  test_uncompressed_internals(font_dir);
  test_tounicode_used(font_dir);
  test_text_width(font_dir);

  // The real document, compressed, saved to OUT.pdf.
  doc = build_doc(font_dir, HPDF_TRUE, &err);
  CHECK(doc != NULL, "build doc");
  if (doc) {
    CHECK(HPDF_SaveToFile(doc, out) == HPDF_OK, "HPDF_SaveToFile(%s)", out);
    CHECK(err.count == 0, "libharu error 0x%04X detail %u", (unsigned)err.code, (unsigned)err.detail);
    HPDF_Free(doc);
  }
  file = read_file(out, &file_len);
  CHECK(file != NULL && file_len > 1000, "read back %s", out);
  if (file) {
    CHECK(file_len >= 8 && memcmp(file, "%PDF-1.4", 8) == 0, "header %%PDF-1.4");
    CHECK(find_bytes(file, file_len, "/Lang (ms)") != NULL, "/Lang");
    CHECK(find_bytes(file, file_len, "/DisplayDocTitle true") != NULL, "/DisplayDocTitle");
    CHECK(find_bytes(file, file_len, "/PageMode /UseOutlines") != NULL, "/PageMode");
    CHECK(find_bytes(file, file_len, "/PageLabels") != NULL, "/PageLabels");
    CHECK(find_bytes(file, file_len, "/S /r") != NULL, "roman label");
    CHECK(find_bytes(file, file_len, "/S /D") != NULL, "decimal label");
    CHECK(find_bytes(file, file_len, "/ID") == NULL, "no /ID");
    CHECK(find_bytes(file, file_len, "Date") == NULL, "no dates");
  }

  // Determinism: a second, independent build must give the same bytes.
  doc = build_doc(font_dir, HPDF_TRUE, &err);
  if (doc) {
    mem = save_to_memory(doc, &mem_len);
    HPDF_Free(doc);
  }
  CHECK(file && mem && file_len == mem_len && memcmp(file, mem, mem_len) == 0,
        "two builds differ (%zu vs %zu bytes)", file_len, mem_len);
  free(file);
  free(mem);

  printf("%d passed, %d failed\n", n_passed, n_failed);
  return n_failed == 0 ? 0 : 1;
}
