// book.h -- the book the EPUB producers share: what goes where, gathered before any file is
// written (images, cover, the chapter of each footnote and heading) and as the layout tells the
// pages (the page-list and its markers). Internal to src/epub/ (and its unit test).
//
// Written only by book.c: the producers read it through a const pointer. What the chapters
// record while they are written (where each marker and heading lands) is not here but in the
// chapter step's own result (epub_int.h, tb_epub_written).
#ifndef TB_EPUB_BOOK_H
#define TB_EPUB_BOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/doc.h"
#include "epub/epub.h"
#include "layout/pages.h"
#include "util/error.h"
#include "util/mem.h"

typedef struct tb_epub_image {
  const char *path; /* the resolved local file (owned by the doc) */
  const char *media_type;
  char name[32]; /* our own entry name, "image-001.png": never derived from the path */
  char *data;    /* the file's bytes (malloc'd; handed to libzip) */
  size_t len;
  bool alt; /* every node showing it has a real text alternative (alt or title) */
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

  /* The page-list: body pages only, in order, indexed by body ordinal - 1 (the PDF's page
   * "5" of the body is entry 4). Filled by tb_epub_book_add_pages as the layout tells them. */
  tb_epub_mark *marks; /* body pages with a node, sorted by (node, offset, page) */
  size_t nmarks, marks_cap;
  tb_epub_page *pages;        /* [nbody] */
  size_t nbody, pages_cap;    /* body pages (entries of the page-list) */
  tb_epub_strset page_id_set; /* the ids given, to keep them unique */
  const tb_node *prev_node;   /* the last page's marker place, lent to a page without a node */
  size_t prev_offset;

  int *heading_chapter; /* [nheadings]: the chapter file showing it, -1 none */
  /* [nheadings]: another heading of the same chapter file has the same text. Its section is not
   * named by it (a named section is a region landmark, and landmarks' names must differ). */
  bool *heading_name_shared;
} tb_epub_book;

/** Fills book for doc (reads images and the cover into memory), with no pages yet. 0, or -1
 * with err. Free with tb_epub_book_free (also after a failure). opts->pages is not read. */
int tb_epub_book_init(tb_epub_book *book, const tb_doc *doc, const tb_epub_opts *opts, tb_error *err);
/** Adds the page-list entries and markers of pages[0..n) (front matter pages are skipped). A
 * chapter must be written only once every body page beginning in it has been added. */
void tb_epub_book_add_pages(tb_epub_book *book, const tb_page_info *pages, size_t n);
void tb_epub_book_free(tb_epub_book *book);

/** Room for any chapter file name ("chapter-" + a size_t + ".xhtml"). */
#define TB_EPUB_NAME_MAX 48
/** "chapter-001.xhtml" for chapter index 0. */
void tb_epub_chapter_name(size_t chapter, char name[TB_EPUB_NAME_MAX]);
/** The image entry showing node (an IMAGE with a file), or NULL. */
const tb_epub_image *tb_epub_find_image(const tb_epub_book *book, const tb_node *node);
/** Reads the whole file at path into *data (malloc'd, the caller frees) and *len. 0, or -1 with
 * err set to code, naming the file as `what` ("image", "stylesheet"). */
int tb_epub_read_file(const char *path, char **data, size_t *len, tb_error_code code, const char *what,
                      tb_error *err);

#endif
