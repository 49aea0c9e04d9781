// pdf.c -- paints a laid-out document into a PDF with libharu: fonts, pages, links, outline,
// page labels, metadata; then the final pass writes it compactly (pack.h). The only file that
// draws with HPDF_Page_*.
#include "pdf/pdf.h"

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <uuid/uuid.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "pdf/hpdf_extra.h"
#include "pdf/pack.h"
#include "pdf/subset.h"
#include "pdf/tags.h"
#include "pdf/xmp.h"
#include "util/i18n.h"
#include "util/url.h"
#include "util/utf8.h"

typedef struct pdf_ctx {
  tb_error *err;
  const char *path;
  HPDF_STATUS first;
} pdf_ctx;

/* libharu calls this on every error: keep the first, never longjmp (STYLE: convert foreign
 * errors where the library is called). */
static void on_error(HPDF_STATUS status, HPDF_STATUS detail, void *user) {
  pdf_ctx *c = user;
  if (c->first)
    return;
  c->first = status;
  tb_error_set(c->err, TB_ERR_PDF, c->path, 0, 0, "PDF library error 0x%04X (detail %u)", (unsigned)status,
               (unsigned)detail);
  c->err->detail = (long)status;
}

static void date_of(long long epoch, HPDF_Date *d) {
  time_t t = (time_t)epoch;
  struct tm tm;
  gmtime_r(&t, &tm);
  memset(d, 0, sizeof *d);
  d->year = tm.tm_year + 1900;
  d->month = tm.tm_mon + 1;
  d->day = tm.tm_mday;
  d->hour = tm.tm_hour;
  d->minutes = tm.tm_min;
  d->seconds = tm.tm_sec;
  d->ind = 'Z';
}

/* Outline: one entry per heading, nested by level. */
static void build_outline(HPDF_Doc pdf, const tb_doc *doc, const tb_layout *lo, HPDF_Page *pages,
                          HPDF_Encoder utf8) {
  HPDF_Outline parents[7] = {0};
  for (size_t h = 0; h < doc->nheadings; h++) {
    const tb_heading *hd = &doc->headings[h];
    int pg = lo->heading_page[h];
    if (pg < 0 || hd->level < 1) /* level 0: an anchor, no heading */
      continue;
    HPDF_Outline parent = NULL;
    for (int lv = hd->level - 1; lv >= 1 && !parent; lv--)
      parent = parents[lv];
    HPDF_Outline o = HPDF_CreateOutline(pdf, parent, *hd->text ? hd->text : "\xE2\x80\x94", utf8);
    if (!o)
      return;
    HPDF_Destination dst = HPDF_Page_CreateDestination(pages[pg]);
    tb_hpdf_dest_set_xyz_keep_zoom(pdf, dst, 0, lo->heading_y[h]);
    HPDF_Outline_SetDestination(o, dst);
    HPDF_Outline_SetOpened(o, hd->level <= 2 ? HPDF_TRUE : HPDF_FALSE);
    parents[hd->level] = o;
    for (int lv = hd->level + 1; lv <= 6; lv++)
      parents[lv] = NULL;
  }
}

static void set_info(HPDF_Doc pdf, const tb_doc *doc, const tb_pdf_opts *opts) {
  const tb_meta *m = &doc->meta;
  HPDF_SetCurrentEncoder(pdf, "UTF-8");
  if (m->title)
    HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, m->title);
  if (m->nauthors) {
    tb_buf a = {0};
    for (size_t i = 0; i < m->nauthors; i++) {
      if (i)
        tb_buf_puts(&a, ", ");
      tb_buf_puts(&a, m->authors[i]);
    }
    HPDF_SetInfoAttr(pdf, HPDF_INFO_AUTHOR, a.data);
    tb_buf_free(&a);
  }
  const char *subject = m->description ? m->description : m->subtitle ? m->subtitle : m->category;
  if (subject)
    HPDF_SetInfoAttr(pdf, HPDF_INFO_SUBJECT, subject);
  tb_buf kw = {0};
  tb_xmp_keywords(&kw, m); /* the XMP's pdf:Keywords too */
  if (kw.len)
    HPDF_SetInfoAttr(pdf, HPDF_INFO_KEYWORDS, kw.data);
  tb_buf_free(&kw);
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, opts->producer);
  HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, opts->producer);
  HPDF_Date d;
  date_of(doc->epoch, &d);
  HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, d);
  HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, d);
}

/* The book's identifier, shared with the EPUB: an Info entry of its own, and the trailer's /ID
 * (two 16-byte strings: a UUID v5 of the identifier, so the same book always gets the same /ID
 * and reproducible output stays reproducible). libharu has no API for either: its document
 * record (hpdf_doc.h) holds the Info and trailer dictionaries. The /ID's bytes go to out. */
static void set_identifier(HPDF_Doc pdf, const char *identifier, unsigned char out[16]) {
  if (!identifier || !pdf->info || !pdf->trailer)
    return;
  HPDF_String s = HPDF_String_New(pdf->mmgr, identifier, NULL);
  if (s)
    HPDF_Dict_Add(pdf->info, "Identifier", s);
  static const uuid_t ns = {0x3d, 0x0f, 0x9b, 0x6e, 0x51, 0x7a, 0x4b, 0x8c,
                            0xa2, 0x19, 0x64, 0xe5, 0x0b, 0x37, 0xc8, 0x11};
  uuid_t u;
  uuid_generate_sha1(u, ns, identifier, strlen(identifier));
  memcpy(out, u, 16); /* for the final pass's trailer */
  HPDF_Array id = HPDF_Array_New(pdf->mmgr);
  if (!id)
    return;
  HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, u, 16));
  HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, u, 16));
  HPDF_Dict_Add(pdf->trailer, "ID", id);
}

/* A link annotation's /Contents, its description for screen readers (PDF/UA-1 §7.18.5): the
 * link's text as painted, with its line ends undone; for a contents entry, its heading and
 * "Page N" in the document's language; the target when the link drew no text. */
static void set_link_contents(HPDF_Doc pdf, HPDF_Annotation a, const tb_doc *doc, const tb_layout *lo,
                              const tb_tags *tags, const tb_link *ln, HPDF_Encoder utf8) {
  tb_buf b = {0};
  int e = ln->elem > 0 && (size_t)ln->elem < lo->nelems ? ln->elem : 0;
  int up = e ? lo->elems[e].parent : 0;
  if (up > 0 && lo->elems[up].role == TB_ROLE_TOCI && ln->heading >= 0) {
    const char *h = doc->headings[ln->heading].text;
    tb_buf_printf(&b, "%s, %s %s", *h ? h : "\xE2\x80\x94", tb_i18n(doc->meta.lang, TB_STR_PAGE),
                  lo->info[lo->heading_page[ln->heading]].label);
  } else {
    const char *s = tb_tags_link_text(tags, e);
    for (bool gap = false; s && *s; s++) { /* a line end's hyphen is out already (tags.h) */
      if (*s == ' ' || *s == '\n' || *s == '\t') {
        gap = b.len > 0;
      } else {
        if (gap)
          tb_buf_putc(&b, ' ');
        gap = false;
        tb_buf_putc(&b, *s);
      }
    }
  }
  if (!b.len)
    tb_buf_puts(&b, ln->uri ? ln->uri : ln->heading >= 0 ? doc->headings[ln->heading].text : "");
  bool ascii = true; /* then a literal string (PDFDocEncoding): a quarter of UTF-16 in hex */
  for (size_t i = 0; i < b.len && ascii; i++)
    ascii = (unsigned char)b.data[i] >= 0x20 && (unsigned char)b.data[i] < 0x7F;
  if (b.len) {
    HPDF_String str = HPDF_String_New(pdf->mmgr, b.data, ascii ? NULL : utf8);
    if (str)
      HPDF_Dict_Add(a, "Contents", str);
  }
  tb_buf_free(&b);
}

static unsigned obj_number(void *obj) { return ((HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF; }

/* Each page's content stream, deflated as soon as the page is painted and taken out of
 * libharu (which would hold it uncompressed to the end: 14 of the 62 MiB a 500-chapter book
 * took); the final pass writes it in place of the empty stream libharu writes. */
typedef struct page_data {
  unsigned obj; /* the content stream's object number */
  char *data;
  size_t len;
} page_data;

typedef struct contents {
  page_data *pages; /* in painting order: their object numbers ascend */
  size_t n;
  z_stream z;
  bool z_ready;
  unsigned root;     /* the placeholder StructTreeRoot, which the structure tree replaces */
  unsigned metadata; /* the placeholder Metadata, which the XMP packet replaces */
  tb_buf xmp;
} contents;

/* Deflates page's content stream into c (level 6, libharu's own) and empties it. */
static int take_contents(contents *c, size_t i, HPDF_Page page) {
  HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
  HPDF_Stream s = attr->stream;
  if (!s || s->type != HPDF_STREAM_MEMORY || !attr->contents)
    return -1;
  if (!c->z_ready) {
    if (deflateInit(&c->z, 6) != Z_OK)
      return -1;
    c->z_ready = true;
  } else if (deflateReset(&c->z) != Z_OK) {
    return -1;
  }
  HPDF_MemStreamAttr m = (HPDF_MemStreamAttr)s->attr;
  tb_buf out = {0};
  size_t left = s->size;
  tb_grow(&out.data, &out.cap, deflateBound(&c->z, (uLong)left) + 1, 1);
  c->z.next_out = (Bytef *)out.data;
  c->z.avail_out = (uInt)out.cap;
  int zr = Z_OK;
  for (HPDF_UINT k = 0; k < m->buf->count && zr == Z_OK; k++) {
    size_t n = left < m->buf_siz ? left : m->buf_siz;
    c->z.next_in = (Bytef *)HPDF_List_ItemAt(m->buf, k);
    c->z.avail_in = (uInt)n;
    left -= n;
    zr = deflate(&c->z, Z_NO_FLUSH);
  }
  if (zr == Z_OK)
    zr = deflate(&c->z, Z_FINISH); /* the room is deflateBound's: it ends at once */
  if (zr != Z_STREAM_END || left || c->z.avail_in) {
    tb_buf_free(&out);
    return -1;
  }
  out.len = out.cap - c->z.avail_out;
  c->pages[i] = (page_data){obj_number(attr->contents), tb_xrealloc(out.data, out.len + 1), out.len};
  c->n = i + 1;
  HPDF_MemStream_FreeData(s);
  return 0;
}

/* tb_pack_copy's hook: the page contents kept here, the XMP packet, and no placeholder
 * StructTreeRoot. */
static int replace(void *user, tb_pack *p, unsigned num) {
  contents *c = user;
  if (num == c->root)
    return 1;
  if (num == c->metadata) {
    /* uncompressed, so that tools that know nothing of PDF find it (ISO 32000-1 §14.3.2) */
    static const char dict[] = "/Type/Metadata/Subtype/XML";
    tb_pack_stream(p, num, dict, sizeof dict - 1, c->xmp.data ? c->xmp.data : "", c->xmp.len);
    return 1;
  }
  size_t lo = 0, hi = c->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (c->pages[mid].obj < num)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == c->n || c->pages[lo].obj != num)
    return 0;
  page_data *d = &c->pages[lo];
  static const char dict[] = "/Filter/FlateDecode";
  tb_pack_stream(p, num, dict, sizeof dict - 1, d->data, d->len);
  free(d->data);
  d->data = NULL;
  return 1;
}

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  tb_buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    tb_buf_put(&b, chunk, n);
  bool bad = ferror(f) != 0;
  (void)fclose(f);
  if (bad) {
    tb_buf_free(&b);
    return NULL;
  }
  return tb_buf_detach(&b, len);
}

/* The final pass: libharu's file at path read back and written again compactly (pack.h), the
 * structure tree among its objects. */
static int compact(contents *c, tb_tags *tags, unsigned catalog, unsigned info, const unsigned char *id,
                   const char *path, tb_error *err) {
  size_t len = 0;
  char *file = read_all(path, &len);
  if (!file)
    return tb_error_set(err, TB_ERR_IO, path, 0, 0, "cannot read the PDF back: %s", strerror(errno));
  unsigned first = tb_pack_size(file, len);
  if (!first) {
    free(file);
    return tb_error_set(err, TB_ERR_PDF, path, 0, 0, "cannot compact the PDF: no cross-reference table");
  }
  unsigned next = tags && c->root ? tb_tags_number(tags, first) : first;
  FILE *fp = fopen(path, "wb");
  if (!fp) {
    free(file);
    return tb_error_set(err, TB_ERR_IO, path, 0, 0, "cannot write the PDF: %s", strerror(errno));
  }
  tb_pack *pk = tb_pack_new(fp, next);
  int rc = tb_pack_copy(pk, file, len, replace, c);
  free(file);
  if (rc != 0) {
    tb_pack_free(pk);
    (void)fclose(fp);
    return tb_error_set(err, TB_ERR_PDF, path, 0, 0,
                        "cannot compact the PDF: libharu's file is not as expected");
  }
  if (tags && c->root)
    tb_tags_write(tags, c->root, pk);
  errno = 0;
  int e = tb_pack_end(pk, catalog, info, id) != 0 ? errno : 0;
  tb_pack_free(pk);
  if (fclose(fp) != 0 && !e)
    e = errno ? errno : EIO;
  if (e)
    return tb_error_set(err, TB_ERR_IO, path, 0, 0, "cannot write the PDF: %s", strerror(e));
  return 0;
}

/* Text is written as content-stream operators of our own (hpdf_extra.h says why): per run, a
 * Td from the previous run's start, then a Tj, or for a justified run a TJ with an adjustment
 * after each space. */
typedef struct pen_state {
  long long x, y;      /* the current line start, in 1/1000 pt: each Td moves it exactly */
  unsigned char *used; /* per face, a bit per BMP code point whose glyph is marked used */
  tb_buf out;          /* one run's operators, reused from run to run and page to page */
} pen_state;

/* v / 1000 as a PDF number, without trailing zeros (by hand: snprintf was a tenth of the
 * whole export's instructions). */
static void put_milli(tb_buf *b, long long v) {
  char tmp[32], *e = tmp + sizeof tmp, *p = e;
  unsigned long long a = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  unsigned frac = (unsigned)(a % 1000);
  a /= 1000;
  if (frac) {
    int digits = 3;
    while (frac % 10 == 0) {
      frac /= 10;
      digits--;
    }
    for (int i = 0; i < digits; i++) {
      *--p = (char)('0' + frac % 10);
      frac /= 10;
    }
    *--p = '.';
  }
  do {
    *--p = (char)('0' + a % 10);
    a /= 10;
  } while (a);
  if (v < 0)
    *--p = '-';
  tb_buf_put(b, p, (size_t)(e - p));
}

/* Marked content (§14.6): the draws of one element in a sequence of their own, whose MCID the
 * structure tree points to; what belongs to no element (running heads, page numbers, rules,
 * leaders) is an /Artifact. Sequences never straddle BT/ET: each loop of the painter ends its own. */
typedef struct marks {
  tb_tags *tags; /* NULL: an untagged PDF, no operators */
  const tb_layout *lo;
  HPDF_Page page;
  int open; /* the element of the open sequence (0: an artifact), -1: none */
  int mcid; /* its MCID, -1 for an artifact */
  tb_buf ops;
} marks;

static void mark_end(marks *m) {
  if (m->open >= 0)
    tb_hpdf_page_write(m->page, "EMC\n", 4);
  m->open = -1;
}

/* Puts what comes next in elem's sequence, opening one if need be; returns its MCID or -1. */
static int mark(marks *m, int elem) {
  if (!m->tags)
    return -1;
  if (elem < 0 || (size_t)elem >= m->lo->nelems)
    elem = 0;
  if (elem == m->open)
    return m->mcid;
  mark_end(m);
  tb_buf *b = &m->ops;
  tb_buf_clear(b);
  if (elem == 0) {
    m->mcid = -1;
    tb_buf_puts(b, "/Artifact BMC\n");
  } else {
    m->mcid = tb_tags_mcid(m->tags);
    tb_buf_putc(b, '/');
    tb_buf_puts(b, tb_tags_role_name(m->lo->elems[elem].role));
    tb_buf_puts(b, " <</MCID ");
    tb_buf_putu(b, (unsigned)m->mcid);
    tb_buf_puts(b, ">> BDC\n");
  }
  tb_hpdf_page_write(m->page, b->data, b->len);
  m->open = elem;
  return m->mcid;
}

/* One byte of a literal string into p (room for 2): the delimiters and the line ends escaped
 * (a raw CR would be read back as LF). Returns the end. */
static char *put_string_byte(char *p, unsigned char c) {
  if (c == '(' || c == ')' || c == '\\') {
    *p++ = '\\';
    *p++ = (char)c;
  } else if (c == '\r') {
    *p++ = '\\';
    *p++ = 'r';
  } else if (c == '\n') {
    *p++ = '\\';
    *p++ = 'n';
  } else {
    *p++ = (char)c;
  }
  return p;
}

/* Paints d's text from byte `from` to byte `to`: after a Td to the run's start when from is 0,
 * else where the text before it ended (a run painted in parts moves nothing). With `soft`, the
 * '-' that ends the part is drawn with the soft hyphen's code (U+00AD: the layout added it, ISO
 * 32000-1 §14.8.2.2.3), which the fonts' /CIDToGIDMap gives the hyphen's glyph (subset.c). With
 * `adj_end`, a space that ends the part gets its adjustment (the next word follows in another
 * operator). */
static void paint_text(pen_state *pen, HPDF_Page page, HPDF_Font font, const tb_draw *d, size_t from,
                       size_t to, bool soft, bool adj_end) {
  tb_buf *b = &pen->out;
  tb_buf_clear(b);
  if (from == 0) {
    long long x = llround((double)d->x * 1000.0), y = llround((double)d->y * 1000.0);
    put_milli(b, x - pen->x);
    tb_buf_putc(b, ' ');
    put_milli(b, y - pen->y);
    tb_buf_puts(b, " Td");
    pen->x = x;
    pen->y = y;
  }
  /* the adjustment after a space, in 1/1000 of the text size (negative: further right) */
  long long adj = d->size > 0 ? llround(-(double)d->word_space * 10000.0 / (double)d->size) : 0;
  size_t adj_to = adj_end ? to + 1 : to; /* a space before it gets its adjustment */
  if (soft)
    to--; /* the '-', written below */
  bool tj = false;
  if (adj != 0)
    for (size_t i = from; i + 1 < adj_to && !tj; i++)
      tj = d->text[i] == ' ';
  tb_buf_puts(b, tj ? "[(" : "(");
  /* the most a character takes: 4 escaped bytes, and after a space ")" + a number (up to 22
   * characters) + "(" */
  tb_grow(&b->data, &b->cap, b->len + (to - from) * 32 + 64, 1);
  char *o = b->data + b->len;
  unsigned char *used = pen->used + (size_t)d->face * 8192;
  bool open = true; /* a string is open */
  for (size_t i = from; i < to;) {
    size_t k;
    uint32_t cp = tb_utf8_decode(d->text + i, to - i, &k);
    i += k;
    if (cp > 0xFFFF)
      cp = 0xFFFD; /* the layout never draws these; Identity-H codes are 2 bytes */
    if (!(used[cp >> 3] & (1u << (cp & 7)))) {
      used[cp >> 3] |= (unsigned char)(1u << (cp & 7));
      tb_hpdf_font_use(font, cp);
    }
    if (cp < 0x100) { /* most text: a high byte of 0, which needs no escape */
      *o++ = 0;
    } else {
      o = put_string_byte(o, (unsigned char)(cp >> 8));
    }
    o = put_string_byte(o, (unsigned char)(cp & 0xFF));
    if (cp == ' ' && tj && i < adj_to) {
      *o++ = ')';
      b->len = (size_t)(o - b->data);
      put_milli(b, adj * 100);
      o = b->data + b->len;
      open = i < to;
      if (open)
        *o++ = '(';
    }
  }
  if (soft) {
    if (!(used[0xAD >> 3] & (1u << (0xAD & 7)))) {
      used[0xAD >> 3] |= (unsigned char)(1u << (0xAD & 7));
      tb_hpdf_font_use(font, '-'); /* the glyph drawn: the hyphen's */
    }
    o = put_string_byte(o, 0);
    o = put_string_byte(o, 0xAD);
  }
  b->len = (size_t)(o - b->data);
  tb_buf_puts(b, !tj ? ") Tj\n" : open ? ")] TJ\n" : "] TJ\n");
  tb_hpdf_page_write(page, b->data, b->len);
}

/* A word hyphenated at a line end reads whole (ISO 32000-1 §14.8.2.2.3, §14.9.4): its first
 * half, "se" and the hyphen at the end of draw d, drawn as a soft hyphen (U+00AD), is a /Span
 * marked-content sequence of d's element whose /ActualText is the word ("sejumlah"); its second
 * half, "jumlah" at the start of the next line's first run, the next /Span, whose /ActualText is
 * empty. A reader of ActualText (poppler's pdftotext, a screen reader) reads the word once, where
 * the line ends; one that ignores it (pdfinfo -struct-text, MuPDF) reads the glyphs, "se" and
 * "jumlah", with the soft hyphen or without. One /Span over both halves would be the plainer
 * form, but poppler boxes an ActualText from its first glyph to its last: across the line end,
 * over the next line's words, and pdftotext then read the word out of order in a list item. The
 * next run is the page's next text draw (a page never begins inside a hyphenated word); it must
 * belong to the same element, and begin with the word. Returns its index, or 0 when d is not
 * such a draw (its '-' is then drawn as it is, a hyphen that pdftotext joins across the line). */
static size_t hyphen_next(const tb_page *lp, size_t k) {
  const tb_draw *d = &lp->draws[k];
  if (!d->hyphen || d->len < 2 || d->text[d->len - 1] != '-' || d->text[d->len - 2] == ' ')
    return 0;
  for (size_t j = k + 1; j < lp->ndraws; j++) {
    const tb_draw *n = &lp->draws[j];
    if (n->kind != TB_DRAW_TEXT || !n->len)
      continue;
    return n->elem == d->elem && d->elem > 0 && n->text[0] != ' ' && !n->note ? j : 0;
  }
  return 0;
}

/* Draw k goes on in sequence mcid (tb_tags_read's `more`). */
static void add_seq(tb_tags_seq **more, size_t *n, size_t *cap, size_t k, int mcid) {
  tb_grow(more, cap, *n + 1, sizeof **more);
  (*more)[(*n)++] = (tb_tags_seq){k, mcid};
}

/* Opens a /Span sequence of elem whose /ActualText is the two parts joined (a hyphenated word's
 * first half: the word; its second half: nothing), and returns its MCID. */
static int mark_span(marks *m, int elem, const char *a, size_t alen, const char *b2, size_t blen) {
  mark_end(m);
  tb_buf *b = &m->ops;
  tb_buf_clear(b);
  m->mcid = tb_tags_mcid(m->tags);
  const char *part[2] = {a, b2};
  size_t plen[2] = {alen, blen};
  /* a text string (§7.9.2.2): ASCII as it is (PDFDocEncoding, a quarter of UTF-16BE in hex),
   * else UTF-16BE (the painter draws the BMP only) */
  bool ascii = true;
  for (int j = 0; j < 2; j++)
    for (size_t i = 0; i < plen[j] && ascii; i++)
      ascii = (unsigned char)part[j][i] >= 0x20 && (unsigned char)part[j][i] < 0x7F;
  tb_buf_puts(b, ascii ? "/Span<</ActualText(" : "/Span<</ActualText<FEFF");
  for (int j = 0; j < 2; j++) {
    for (size_t i = 0; i < plen[j];) {
      static const char hex[] = "0123456789ABCDEF";
      size_t k;
      uint32_t cp = tb_utf8_decode(part[j] + i, plen[j] - i, &k);
      i += k;
      if (ascii) {
        char c[2];
        tb_buf_put(b, c, (size_t)(put_string_byte(c, (unsigned char)cp) - c));
        continue;
      }
      if (cp > 0xFFFF)
        cp = 0xFFFD;
      char c[4] = {hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15]};
      tb_buf_put(b, c, 4);
    }
  }
  tb_buf_puts(b, ascii ? ")/MCID " : ">/MCID ");
  tb_buf_putu(b, (unsigned)m->mcid);
  tb_buf_puts(b, ">>BDC\n");
  tb_hpdf_page_write(m->page, b->data, b->len);
  m->open = elem;
  return m->mcid;
}

int tb_pdf_write(const tb_doc *doc, tb_layout *lo, const tb_fonts *fonts, const tb_pdf_opts *opts,
                 const char *path, tb_error *err) {
  pdf_ctx ctx = {err, path, 0};
  pen_state pen = {0}; /* before any goto done: freed there */
  HPDF_Doc pdf = HPDF_New(on_error, &ctx);
  HPDF_Page *pages = NULL;
  HPDF_Image *images = NULL;
  int *mcid = NULL;         /* per draw of the page being painted: its MCID, -1 */
  tb_tags_seq *more = NULL; /* the further sequences of draws painted in parts, in draw order */
  size_t nmore = 0, more_cap = 0;
  size_t mcid_cap = 0;
  tb_tags *tags = tb_tags_new(lo);
  contents cont = {0};
  unsigned char id[16] = {0};
  marks mk = {tags, lo, NULL, -1, -1, {0}};
  int rc = -1;
  if (!pdf) {
    tb_tags_free(tags);
    tb_error_set(err, TB_ERR_PDF, path, 0, 0, "cannot create a PDF document");
    return -1;
  }
  pen.used = tb_xcalloc(TB_FACE_COUNT, 8192);
  cont.pages = tb_xcalloc(lo->npages + 1, sizeof *cont.pages);
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(pdf);
  HPDF_Encoder utf8 = HPDF_GetEncoder(pdf, "UTF-8");

  /* fonts: loaded only when a page uses them, so unused faces are not embedded */
  HPDF_Font font[TB_FACE_COUNT] = {0};
  bool used[TB_FACE_COUNT] = {0};
  for (size_t i = 0; i < lo->npages; i++)
    for (size_t k = 0; k < lo->pages[i].ndraws; k++)
      if (lo->pages[i].draws[k].kind == TB_DRAW_TEXT)
        used[lo->pages[i].draws[k].face] = true;
  for (int f = 0; f < TB_FACE_COUNT && !ctx.first; f++) {
    if (!used[f])
      continue;
    const char *name = HPDF_LoadTTFontFromFile(pdf, fonts->path[f], HPDF_TRUE);
    if (name)
      font[f] = HPDF_GetFont(pdf, name, "UTF-8");
  }
  if (ctx.first)
    goto done;

  // NOLINTNEXTLINE(bugprone-sizeof-expression): the elements are pointers, so sizeof is a pointer's
  pages = tb_xcalloc(lo->npages + 1, sizeof *pages);
  size_t nimg_cap = 0, nimg = 0;
  const tb_node **img_nodes = NULL;
  for (size_t i = 0; i < lo->npages && !ctx.first; i++) {
    /* libharu puts every page in one /Kids array, which it caps at 8,191 entries: a long book
     * gets a two-level page tree, 4,096 pages under each intermediate node */
    if (i % 4096 == 0) {
      HPDF_Pages sub = HPDF_Doc_AddPagesTo(pdf, pdf->root_pages);
      if (!sub || HPDF_Doc_SetCurrentPages(pdf, sub) != HPDF_OK)
        break;
    }
    HPDF_Page p = HPDF_AddPage(pdf);
    if (!p)
      break;
    pages[i] = p;
    HPDF_Page_SetWidth(p, lo->page_w);
    HPDF_Page_SetHeight(p, lo->page_h);
    const tb_page *lp = &lo->pages[i];
    mk.page = p;
    mk.open = mk.mcid = -1;
    if (tags) {
      tb_tags_page(tags, i, obj_number(p));
      HPDF_Dict_AddNumber(p, "StructParents", (HPDF_INT32)i);
      tb_grow(&mcid, &mcid_cap, lp->ndraws + 1, sizeof *mcid);
      for (size_t k = 0; k < lp->ndraws; k++)
        mcid[k] = -1;
      nmore = 0;
    }
    /* rules and images first, then all text in one text object */
    for (size_t k = 0; k < lp->ndraws; k++) {
      const tb_draw *d = &lp->draws[k];
      if (d->kind != TB_DRAW_TEXT && tags)
        mcid[k] = mark(&mk, d->elem);
      if (d->kind == TB_DRAW_RULE) {
        HPDF_Page_SetGrayStroke(p, d->gray);
        HPDF_Page_SetLineWidth(p, d->line_width);
        HPDF_Page_MoveTo(p, d->x, d->y);
        HPDF_Page_LineTo(p, d->x + d->w, d->y + d->h);
        HPDF_Page_Stroke(p);
      } else if (d->kind == TB_DRAW_IMAGE) {
        /* each image file is embedded once, however often it is drawn */
        HPDF_Image im = NULL;
        for (size_t q = 0; q < nimg; q++)
          if (img_nodes[q]->image.path && !strcmp(img_nodes[q]->image.path, d->image->image.path))
            im = images[q];
        if (!im) {
          im = d->image->image.kind == TB_IMAGE_PNG ? HPDF_LoadPngImageFromFile(pdf, d->image->image.path)
                                                    : HPDF_LoadJpegImageFromFile(pdf, d->image->image.path);
          if (!im) {
            tb_error_clear(err);
            ctx.first = 0;
            HPDF_ResetError(pdf);
            tb_error_set(err, TB_ERR_IMAGE, d->image->image.path, 0, 0,
                         "cannot embed this image (corrupt or unsupported PNG/JPEG)");
            ctx.first = 1;
            break;
          }
          // NOLINTBEGIN(bugprone-sizeof-expression): the elements are pointers, so sizeof is a pointer's
          tb_grow(&images, &nimg_cap, nimg + 1, sizeof *images);
          img_nodes = tb_xrealloc(img_nodes, nimg_cap * sizeof *img_nodes);
          // NOLINTEND(bugprone-sizeof-expression)
          images[nimg] = im;
          img_nodes[nimg++] = d->image;
        }
        HPDF_Page_DrawImage(p, im, d->x, d->y, d->w, d->h);
      }
    }
    mark_end(&mk);
    HPDF_Page_BeginText(p);
    pen.x = pen.y = 0;          /* BT: the line matrix is the identity */
    float gray = -1, size = -1; /* gray -2: the links' blue */
    int face = -1;
    size_t second = 0; /* the draw that ends the open /Span of a hyphenated word (0: none) */
    for (size_t k = 0; k < lp->ndraws && !ctx.first; k++) {
      const tb_draw *d = &lp->draws[k];
      if (d->kind != TB_DRAW_TEXT || !d->len)
        continue;
      if (d->link && gray != -2) {
        /* links told apart from the text, as on a screen; dark enough to print well */
        HPDF_Page_SetRGBFill(p, 0.05f, 0.2f, 0.55f);
        gray = -2;
      } else if (!d->link && d->gray != gray) {
        HPDF_Page_SetGrayFill(p, d->gray);
        gray = d->gray;
      }
      if ((int)d->face != face || d->size != size) { /* a Tf only when it changes */
        HPDF_Page_SetFontAndSize(p, font[d->face], d->size);
        face = (int)d->face;
        size = d->size;
      }
      if (!tags) {
        paint_text(&pen, p, font[d->face], d, 0, d->len, false, false);
        continue;
      }
      size_t from = 0;
      if (second && k == second) { /* a hyphenated word's second half: a /Span that reads as nothing */
        while (from < d->len && d->text[from] != ' ')
          from++;
        mcid[k] = mark_span(&mk, d->elem, NULL, 0, NULL, 0);
        paint_text(&pen, p, font[d->face], d, 0, from, false, false);
        mark_end(&mk);
      }
      second = from < d->len ? hyphen_next(lp, k) : 0;
      size_t w = d->len; /* where the /Span of a hyphenated word's first half begins */
      if (second)
        for (w = d->len - 1; w > from && d->text[w - 1] != ' ';)
          w--;
      if (w > from) {
        int seq = mark(&mk, d->elem);
        if (from)
          add_seq(&more, &nmore, &more_cap, k, seq);
        else
          mcid[k] = seq;
        paint_text(&pen, p, font[d->face], d, from, w, false, second != 0);
      }
      if (second) { /* a hyphenated word's first half: a /Span that reads as the word */
        const tb_draw *n2 = &lp->draws[second];
        size_t n2len = 0;
        while (n2len < n2->len && n2->text[n2len] != ' ')
          n2len++;
        int seq = mark_span(&mk, d->elem, d->text + w, d->len - 1 - w, n2->text, n2len);
        if (w)
          add_seq(&more, &nmore, &more_cap, k, seq);
        else
          mcid[k] = seq;
        paint_text(&pen, p, font[d->face], d, w, d->len, true, false);
        mark_end(&mk);
      }
      if (d->note)
        mark_end(&mk); /* a footnote's mark ends its sequence: the tree reads the Note after it */
    }
    mark_end(&mk);
    HPDF_Page_EndText(p);
    if (tags)
      tb_tags_read(tags, lp->draws, mcid, lp->ndraws, more, nmore);
    if (!ctx.first && take_contents(&cont, i, p) != 0) {
      tb_error_set(err, TB_ERR_PDF, path, 0, 0, "cannot compress a page");
      ctx.first = 1;
    }
    tb_layout_drop_draws(lo, i); /* libharu holds the page now */
  }
  free(img_nodes);
  if (ctx.first)
    goto done;

  /* links: to a heading's exact spot, or to a URI; no visible border */
  for (size_t i = 0; i < lo->npages; i++) {
    const tb_page *lp = &lo->pages[i];
    for (size_t k = 0; k < lp->nlinks; k++) {
      const tb_link *ln = &lp->links[k];
      HPDF_Rect r = {ln->x0, ln->y0, ln->x1, ln->y1};
      HPDF_Annotation a = NULL;
      if (ln->heading >= 0 && lo->heading_page[ln->heading] >= 0) {
        HPDF_Destination dst = HPDF_Page_CreateDestination(pages[lo->heading_page[ln->heading]]);
        tb_hpdf_dest_set_xyz_keep_zoom(pdf, dst, 0, lo->heading_y[ln->heading]);
        a = HPDF_Page_CreateLinkAnnot(pages[i], r, dst);
      } else if (ln->uri && tb_url_linkable(ln->uri)) {
        /* the same links as the EPUB keeps, percent-encoded: a URI is ASCII */
        tb_buf u = {0};
        tb_url_encode(&u, ln->uri);
        a = HPDF_Page_CreateURILinkAnnot(pages[i], r, u.data);
        tb_buf_free(&u);
      }
      if (a) {
        HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
        set_link_contents(pdf, a, doc, lo, tags, ln, utf8);
      }
      if (a && tags && ln->elem > 0) {
        int key = tb_tags_annot(tags, ln->elem, i, obj_number(a));
        if (key >= 0)
          HPDF_Dict_AddNumber(a, "StructParent", key);
      }
    }
    if (tags && lp->nlinks)
      HPDF_Dict_AddName(pages[i], "Tabs", "S"); /* tab through the links in structure order */
  }

  build_outline(pdf, doc, lo, pages, utf8);
  HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE);
  /* page labels: front matter i, ii, ...; the body from 1 */
  HPDF_AddPageLabel(pdf, 0, HPDF_PAGE_NUM_STYLE_LOWER_ROMAN, 1, NULL);
  if (lo->nfront < lo->npages)
    HPDF_AddPageLabel(pdf, (HPDF_UINT)lo->nfront, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, NULL);
  set_info(pdf, doc, opts);
  set_identifier(pdf, doc->uuid, id);
  /* tagged: the catalog says so and points to a StructTreeRoot and a Metadata stream that the
   * final pass writes in their placeholders' places */
  if (tags) {
    HPDF_Dict root = HPDF_Dict_New(pdf->mmgr);
    HPDF_Dict mark_info = HPDF_Dict_New(pdf->mmgr);
    HPDF_Dict metadata = HPDF_Dict_New(pdf->mmgr); /* the XMP, which the final pass writes */
    if (root && mark_info && metadata && HPDF_Xref_Add(pdf->xref, root) == HPDF_OK &&
        HPDF_Xref_Add(pdf->xref, metadata) == HPDF_OK) {
      HPDF_Dict_AddName(root, "Type", "StructTreeRoot");
      HPDF_Dict_Add(pdf->catalog, "StructTreeRoot", root);
      HPDF_Dict_AddBoolean(mark_info, "Marked", HPDF_TRUE);
      HPDF_Dict_Add(pdf->catalog, "MarkInfo", mark_info);
      HPDF_Dict_AddName(metadata, "Type", "Metadata");
      HPDF_Dict_Add(pdf->catalog, "Metadata", metadata);
      /* PDF/UA-1 is on PDF 1.7 (ISO 32000-1); the final pass's header says 1.5, what the file
       * needs (§7.2.2) */
      HPDF_Dict_AddName(pdf->catalog, "Version", "1.7");
      cont.root = obj_number(root);
      cont.metadata = obj_number(metadata);
    }
  }
  tb_hpdf_set_lang(pdf, doc->meta.lang);
  tb_hpdf_set_display_doc_title(pdf);
  tb_hpdf_fix_composite_glyphs(pdf, NULL);
  for (int f = 0; f < TB_FACE_COUNT && !ctx.first; f++)
    if (font[f])
      tb_pdf_subset_font(pdf, font[f], fonts->path[f], pen.used + (size_t)f * 8192);
  if (ctx.first)
    goto done;
  errno = 0;
  if (HPDF_SaveToFile(pdf, path) != HPDF_OK || ctx.first) {
    int e = errno; /* libharu writes with stdio: errno says why (a full disk: EFBIG, ENOSPC) */
    tb_error_clear(err);
    tb_error_set(err, TB_ERR_IO, path, 0, 0, "cannot write the PDF%s%s", e ? ": " : "", e ? strerror(e) : "");
    goto done;
  }
  {
    /* the final pass runs once libharu's document is gone: the two never take memory together */
    unsigned catalog = obj_number(pdf->catalog), info = pdf->info ? obj_number(pdf->info) : 0;
    bool has_id = false;
    for (int k = 0; k < 16; k++)
      has_id |= id[k] != 0;
    HPDF_Free(pdf);
    pdf = NULL;
    if (cont.metadata)
      tb_xmp_write(&cont.xmp, doc, opts->producer ? opts->producer : "", tb_tags_ua(tags));
    if (compact(&cont, tags, catalog, info, has_id ? id : NULL, path, err) != 0)
      goto done;
  }
  rc = 0;
done:
  tb_tags_free(tags);
  for (size_t i = 0; i < cont.n; i++)
    free(cont.pages[i].data);
  free(cont.pages);
  tb_buf_free(&cont.xmp);
  if (cont.z_ready)
    deflateEnd(&cont.z);
  tb_buf_free(&mk.ops);
  free(mcid);
  free(more);
  free(pen.used);
  tb_buf_free(&pen.out);
  free(pages);
  free(images);
  if (pdf)
    HPDF_Free(pdf);
  return rc;
}
