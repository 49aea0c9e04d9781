// epub.h -- tb_epub_write() and its job: the EPUB 3 edition of a tb_doc. What the rest of terbit
// calls; the writer's internals are in book.h, xml.h and epub_int.h.
#ifndef TB_EPUB_H
#define TB_EPUB_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/doc.h"
#include "layout/pages.h"
#include "util/error.h"

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
 * time is doc->epoch (UTC, clamped to 1980-01-01), deflate level 3. doc and opts are only read;
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

#endif
