// epub.h -- tb_epub_write(): the EPUB 3 edition of a tb_doc, plus the producers it is built from.
#ifndef TB_EPUB_H
#define TB_EPUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc/doc.h"
#include "layout/pages.h"
#include "util/error.h"
#include "util/mem.h"

typedef struct tb_epub_opts {
  const char *assets_dir;    /* folder holding css/terbit.css */
  const tb_page_info *pages; /* the PDF edition's pages (may be NULL / 0: no page-list) */
  size_t npages;
  const char *page_source; /* names the PDF edition exactly, e.g. "terbit 0.1.0 PDF, A4" */
  const char *generator;   /* "terbit 0.1.0" */
} tb_epub_opts;

/**
 * Writes the EPUB of doc to `path`, truncating any file there (the caller handles temp-file +
 * rename). Returns 0, or -1 with err set (TB_ERR_ZIP for libzip failures, TB_ERR_ASSET when
 * opts->assets_dir lacks css/terbit.css, TB_ERR_IO / TB_ERR_IMAGE for an image or cover that
 * cannot be read or is not PNG/JPEG, TB_ERR_INPUT when doc->uuid is NULL).
 *
 * The output is byte-identical for the same doc and opts: entry order is fixed, every entry's
 * time is doc->epoch (UTC, clamped to 1980-01-01), deflate level 6. doc and opts are only read;
 * opts->pages (and the nodes they point to) must stay valid for the call. err may be NULL.
 */
int tb_epub_write(const tb_doc *doc, const tb_epub_opts *opts, const char *path, tb_error *err);

/**
 * The same EPUB, written while the layout runs: tb_epub_job_pages is a tb_layout_pages_fn, and a
 * thread of the job's own renders and deflates each chapter as soon as the layout has told where
 * its pages begin. The bytes are those of tb_epub_write with all the pages.
 *
 * tb_epub_job_start reads the images and the cover at once (opts->pages is not read); an error
 * there waits for tb_epub_job_finish, which writes `path` and frees the job, or for
 * tb_epub_job_cancel. doc, opts and every page told must stay valid until then. With threaded
 * false (or when no thread can be made), the work is done inside tb_epub_job_finish.
 */
typedef struct tb_epub_job tb_epub_job;
tb_epub_job *tb_epub_job_start(const tb_doc *doc, const tb_epub_opts *opts, bool threaded);
void tb_epub_job_pages(void *job, size_t chapters_done, const tb_page_info *pages, size_t n);
int tb_epub_job_finish(tb_epub_job *job, const char *path, tb_error *err);
void tb_epub_job_cancel(tb_epub_job *job);

/* ==== Internal to src/epub/ (and its unit test): not a stable API. ==========================
 * epub.c gathers a tb_epub_book (names of every entry, where each footnote, heading and page
 * marker lands), the producers (xhtml.c, opf.c, nav.c) append their file to a tb_buf, and
 * epub.c hands the buffers to libzip in a fixed order. The producers never touch libzip. */

/* libxml2 refuses documents nested deeper than 256 elements. The model builder limits nesting,
 * but xhtml.c also stops emitting wrapper elements (keeping the text) past this depth. */
#define TB_EPUB_MAX_DEPTH 200

typedef struct tb_epub_image {
  const char *path; /* the resolved local file (owned by the doc) */
  const char *media_type;
  char name[32];    /* our own entry name, "image-001.png": never derived from the path */
  char *data;       /* the file's bytes (malloc'd; handed to libzip) */
  size_t len;
  bool alt;         /* every node showing it has a real text alternative (alt or title) */
} tb_epub_image;

/* A page marker: body page `page` begins at byte `offset` of node (0 for a block). */
typedef struct tb_epub_mark {
  const tb_node *node;
  size_t offset;
  size_t page;
} tb_epub_mark;

/* One entry of the page-list: a body page of the PDF edition. */
typedef struct tb_epub_page {
  char *id;    /* "page-5" */
  char *label; /* the printed label ("5"; the body ordinal if none) */
  int home;    /* the chapter the page begins in (the layout's), -1 none */
  int chapter; /* where its marker was written; -1 not written */
  long seq;    /* reading-order position of its marker (NCX playOrder) */
} tb_epub_page;

typedef struct tb_epub_strset {
  const char **slots;
  size_t cap, n;
} tb_epub_strset;

typedef struct tb_epub_book {
  const tb_doc *doc;
  const tb_epub_opts *opts;
  const char *lang;  /* the book's language (meta.lang, else "ms") */
  const char *title; /* meta.title, else the first heading, else the identifier */

  tb_epub_image *images; /* content images, deduplicated by path, in order of appearance */
  size_t nimages, images_cap;
  bool images_alt; /* every content image has a real text alternative */

  tb_epub_image cover; /* the given cover image (data == NULL: we generate cover.svg) */
  const char *cover_name, *cover_type;

  int *fn_chapter; /* [nfootnotes]: the chapter whose end shows footnote n+1, -1 none */
  int *fn_ref_chapter; /* [nfootnotes]: where its first reference was written, -1 not yet */
  int *fn_refs;        /* [nfootnotes]: references written so far (for unique ids) */

  /* The page-list: body pages only, in order, indexed by body ordinal - 1 (the PDF's page
   * "5" of the body is entry 4). Filled by tb_epub_book_add_pages as the layout tells them. */
  tb_epub_mark *marks; /* body pages with a node, sorted by (node, offset, page) */
  size_t nmarks, marks_cap;
  tb_epub_page *pages; /* [nbody] */
  size_t nbody, pages_cap; /* body pages (entries of the page-list) */
  tb_epub_strset page_id_set; /* the ids given, to keep them unique */
  const tb_node *prev_node;   /* the last page's marker place, lent to a page without a node */
  size_t prev_offset;

  int *heading_chapter; /* [nheadings]: the chapter file showing it, -1 none */
  long *heading_seq;    /* [nheadings]: reading-order position, -1 not written */
  long *chapter_seq;    /* [nchapters]: reading-order position of the chapter's start */
  long seq;             /* next reading-order position */
} tb_epub_book;

/* epub.c */
/** Fills book for doc (reads images and the cover into memory), with no pages yet. 0, or -1
 * with err. Free with tb_epub_book_free (also after a failure). opts->pages is not read. */
int tb_epub_book_init(tb_epub_book *book, const tb_doc *doc, const tb_epub_opts *opts,
                      tb_error *err);
/** Adds the page-list entries and markers of pages[0..n) (front matter pages are skipped). A
 * chapter must be rendered only once every body page beginning in it has been added. */
void tb_epub_book_add_pages(tb_epub_book *book, const tb_page_info *pages, size_t n);
void tb_epub_book_free(tb_epub_book *book);
/** Room for any chapter file name ("chapter-" + a size_t + ".xhtml"). */
#define TB_EPUB_NAME_MAX 48
/** "chapter-001.xhtml" for chapter index 0. */
void tb_epub_chapter_name(size_t chapter, char name[TB_EPUB_NAME_MAX]);
/** The image entry showing node (an IMAGE with a file), or NULL. */
const tb_epub_image *tb_epub_find_image(const tb_epub_book *book, const tb_node *node);
/** Formats doc->epoch as YYYY-MM-DDThh:mm:ssZ (UTC) into out[32]. */
void tb_epub_iso_time(long long epoch, char out[32]);

/* xhtml.c */
/** Appends s[0..n) escaped for XML text and attributes: & < > " become entities, characters
 * XML 1.0 forbids (C0 controls but tab and newline, U+FFFE, U+FFFF) are dropped, and invalid
 * UTF-8 becomes U+FFFD. */
void tb_epub_escape(tb_buf *out, const char *s, size_t n);
void tb_epub_escape_str(tb_buf *out, const char *s); /* s may be NULL */
/** The XML declaration, doctype, <html> with lang/xml:lang (and the epub: namespace when
 * epub_ns), <head> (title, stylesheet) and <body (unclosed: the caller adds attributes and '>'). */
void tb_epub_xhtml_open(tb_buf *out, const char *lang, const char *title, bool epub_ns);
/** chapter-NNN.xhtml for chapter ci. Records in book where its headings, page markers and
 * footnote references were written, so chapters must be produced in order, before nav/ncx. */
void tb_epub_xhtml_chapter(tb_epub_book *book, size_t ci, tb_buf *out);
void tb_epub_xhtml_titlepage(const tb_epub_book *book, tb_buf *out);
void tb_epub_xhtml_cover(const tb_epub_book *book, tb_buf *out);
/** The generated cover (used when the doc names no cover image). */
void tb_epub_cover_svg(const tb_epub_book *book, tb_buf *out);

/* opf.c */
void tb_epub_container_xml(tb_buf *out);
void tb_epub_opf(const tb_epub_book *book, tb_buf *out);

/* nav.c: both read what tb_epub_xhtml_chapter recorded. */
void tb_epub_nav(const tb_epub_book *book, tb_buf *out);
void tb_epub_ncx(const tb_epub_book *book, tb_buf *out);

/* zip.c */
/** One entry of the archive. */
typedef struct tb_epub_part {
  char name[64];
  char *data;   /* malloc'd: the entry's bytes, raw deflate once packed; NULL once libzip has them */
  size_t len;   /* of data */
  size_t size;  /* the entry's own size */
  uint32_t crc; /* CRC-32 of the entry (set when packed) */
  bool store;   /* kept as is: the mimetype */
  bool packed;  /* data is deflated already */
} tb_epub_part;

/** A zlib stream kept across entries: one per thread. */
typedef struct tb_epub_deflater tb_epub_deflater;
tb_epub_deflater *tb_epub_deflater_new(void);
void tb_epub_deflater_free(tb_epub_deflater *d);
/** p holds data[0..len) under dir+name; it takes data. */
void tb_epub_part_set(tb_epub_part *p, const char *dir, const char *name, char *data, size_t len, bool store);
/** Deflates p in place (level 6, the bytes libzip would write). Leaves it to libzip when it cannot. */
void tb_epub_part_pack(tb_epub_deflater *d, tb_epub_part *p);
/** Writes parts[0..n) to path in that order, every entry dated epoch (UTC). Takes every part's
 * data, also on failure (the caller frees what is left non-NULL). */
int tb_epub_zip_write(tb_epub_part *parts, size_t n, long long epoch, const char *path, tb_error *err);

#endif
