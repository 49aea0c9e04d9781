// epub_int.h -- what epub.c assembles the EPUB from: the producers of its files and the archive.
// Internal to src/epub/ (and its unit test): not a stable API.
//
// epub.c gathers a tb_epub_book (book.h), the producers append their file to a tb_buf, and
// epub.c hands the buffers to zip.c in a fixed order. The producers never touch libzip.
//
// The chapters come before the navigation, and the types say so: the chapter step (xhtml.c)
// records where each heading and page marker lands in reading order, and nav.c reads that only
// through a tb_epub_written, which tb_epub_chapters_done gives once every chapter is written.
#ifndef TB_EPUB_INT_H
#define TB_EPUB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "epub/book.h"
#include "util/error.h"
#include "util/mem.h"

/* ---- epub.c ---- */

/** For tests: waits until the job's worker thread has rendered `chapters` chapters (in order)
 * or has stopped, and returns how many it has rendered; 0 at once when the job has no worker.
 * The worker stops once it has assembled the book, or when finished or cancelled. */
size_t tb_epub_job_wait(tb_epub_job *job, size_t chapters);

/* ---- chapter.c and xhtml.c: the chapter step ---- */

/* libxml2 refuses documents nested deeper than 256 elements. The model builder limits nesting,
 * but xhtml.c also stops emitting wrapper elements (keeping the text) past this depth. */
#define TB_EPUB_MAX_DEPTH 200

/** Where the chapters put what the navigation links to, in reading order (positions count
 * every chapter start, heading and page marker written). A finished result: only
 * tb_epub_chapters_done gives one, and it stays valid until tb_epub_chapters_free. */
typedef struct tb_epub_written {
  const tb_epub_book *book;
  const int *page_chapter; /* [book->nbody]: the chapter file holding page i's marker, -1 none */
  const long *page_seq;    /* [book->nbody]: reading-order position of that marker, -1 none */
  const long *heading_seq; /* [nheadings]: reading-order position of the heading, -1 not written */
  const long *chapter_seq; /* [nchapters]: reading-order position of the chapter's start */
} tb_epub_written;

/** The chapter step: writes chapter-NNN.xhtml files one after another, in order. It reads book
 * (which must outlive it) and never writes it; the pages added to book between two chapters are
 * seen by the next one. */
typedef struct tb_epub_chapters tb_epub_chapters;
tb_epub_chapters *tb_epub_chapters_new(const tb_epub_book *book);
/** Writes the next chapter file into out and returns its index; every body page beginning in it
 * must have been added to the book (tb_epub_book_add_pages). There must be a next chapter. */
size_t tb_epub_chapters_next(tb_epub_chapters *c, tb_buf *out);
/** What the chapters recorded, once every chapter is written (pages added since the last one
 * are listed as not written); NULL before that. */
const tb_epub_written *tb_epub_chapters_done(tb_epub_chapters *c);
void tb_epub_chapters_free(tb_epub_chapters *c); /* c may be NULL */

/* ---- front.c: the pages before the chapters ---- */

void tb_epub_xhtml_titlepage(const tb_epub_book *book, tb_buf *out);
void tb_epub_xhtml_cover(const tb_epub_book *book, tb_buf *out);
/** The generated cover (used when the doc names no cover image). */
void tb_epub_cover_svg(const tb_epub_book *book, tb_buf *out);

/* ---- opf.c ---- */

void tb_epub_container_xml(tb_buf *out);
/** The package document; every page must have been added to book. */
void tb_epub_opf(const tb_epub_book *book, tb_buf *out);

/* ---- nav.c: after the chapters ---- */

void tb_epub_nav(const tb_epub_written *w, tb_buf *out);
void tb_epub_ncx(const tb_epub_written *w, tb_buf *out);

/* ---- zip.c ---- */

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
/** Deflates p in place (level 3, the bytes libzip would write). Leaves it to libzip when it cannot. */
void tb_epub_part_pack(tb_epub_deflater *d, tb_epub_part *p);
/** Writes parts[0..n) to path in that order, every entry dated epoch (UTC). Takes every part's
 * data, also on failure (the caller frees what is left non-NULL). */
int tb_epub_zip_write(tb_epub_part *parts, size_t n, long long epoch, const char *path, tb_error *err);

#endif
