// xhtml.h -- between the chapter step (chapter.c) and the walker that writes a chapter's body
// (xhtml.c). Internal to src/epub/.
#ifndef TB_EPUB_XHTML_H
#define TB_EPUB_XHTML_H

#include <stddef.h>

#include "epub/epub_int.h"

/** What the walker records while it writes chapters, in arrays the chapter step owns and sizes
 * (tb_epub_written explains page_chapter, page_seq, heading_seq and chapter_seq). */
typedef struct tb_epub_record {
  long seq;            /* the next reading-order position */
  int *fn_ref_chapter; /* [nfootnotes]: where its first reference was written, -1 not yet */
  int *fn_refs;        /* [nfootnotes]: references written so far (for unique ids) */
  int *page_chapter;   /* [book->nbody] */
  long *page_seq;      /* [book->nbody] */
  long *heading_seq;   /* [nheadings] */
  long *chapter_seq;   /* [nchapters] */
} tb_epub_record;

/** Appends the body of chapter ci to body: its text, then the footnotes it shows (no <html>,
 * <head> or <body>), recording in rec where things land. Returns the chapter's language. */
const char *tb_epub_xhtml_body(const tb_epub_book *book, tb_epub_record *rec, size_t ci, tb_buf *body);

#endif
