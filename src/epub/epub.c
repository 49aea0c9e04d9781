// epub.c -- tb_epub_write() and its job: gathers the book (book.c), writes each chapter as soon as
// the layout has told where its pages begin (chapter.c, on a thread of its own), then runs the
// other producers and hands the entries to zip.c in a fixed order. Only the job and the assembly.
#define _POSIX_C_SOURCE 200809L /* pthread_sigmask in util/thread.h */

#include "epub/epub.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "epub/book.h"
#include "epub/epub_int.h"
#include "util/thread.h"

/* ---- the writer: chapters rendered as their pages become known, then the archive ---- */

struct tb_epub_job {
  const tb_doc *doc;
  const tb_epub_opts *opts;
  tb_epub_book book;
  bool failed; /* tb_epub_book_init failed (set before the worker starts): err is reported by
                  tb_epub_job_finish */
  tb_error err;
  /* the renderer's: the worker's while it runs, then the caller's */
  tb_epub_chapters *writer; /* the chapter step */
  tb_epub_part *chapters;   /* [nchapters]: chapter files, rendered and deflated in order */
  size_t next;              /* the next chapter to render */
  tb_buf buf;
  tb_epub_deflater *z;
  /* what the layout has told and the renderer not yet taken, under mu */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  tb_page_info *told;
  size_t ntold, told_cap;
  size_t ready; /* chapters whose pages have all been told */
  bool closing, cancelled;
  /* the worker's progress, under mu: for tb_epub_job_wait */
  pthread_cond_t progress;
  size_t rendered;     /* chapters the worker has rendered */
  bool worker_stopped; /* it has returned (or is about to) */
  bool threaded;       /* the worker runs */
  pthread_t worker;
  /* every entry, once assembled (by the worker as soon as the last chapter is rendered) */
  bool assembled, assemble_failed; /* written by whoever assembles; read after the join */
  tb_epub_part *parts;
  size_t nparts;
};

/* p holds data[0..len) under dir+name, deflated with the renderer's stream. */
static void put_part(tb_epub_job *j, tb_epub_part *p, const char *dir, const char *name, char *data,
                     size_t len, bool store) {
  tb_epub_part_set(p, dir, name, data, len, store);
  tb_epub_part_pack(j->z, p);
}

/* Adds the pages told, then renders and deflates every chapter whose pages are all known. */
static void render_ready(tb_epub_job *j, const tb_page_info *pages, size_t n, size_t ready) {
  tb_epub_book_add_pages(&j->book, pages, n);
  for (; j->next < ready && j->next < j->doc->nchapters; j->next++) {
    size_t ci = tb_epub_chapters_next(j->writer, &j->buf), len; /* ci == j->next */
    char name[TB_EPUB_NAME_MAX];
    tb_epub_chapter_name(ci, name);
    char *data = tb_buf_detach(&j->buf, &len);
    put_part(j, &j->chapters[ci], "OEBPS/", name, data, len, false);
  }
}

static void assemble(tb_epub_job *j, const tb_epub_written *written);

static void *worker_main(void *arg) {
  tb_epub_job *j = arg;
  pthread_mutex_lock(&j->mu);
  for (;;) {
    while (!j->closing && j->ntold == 0 && j->ready <= j->next)
      pthread_cond_wait(&j->cv, &j->mu);
    if (j->cancelled)
      break;
    tb_page_info *pages = j->told;
    size_t n = j->ntold, ready = j->ready;
    bool last = j->closing; /* nothing is told after closing */
    j->told = NULL;
    j->ntold = j->told_cap = 0;
    pthread_mutex_unlock(&j->mu);
    render_ready(j, pages, n, ready);
    free(pages);
    /* The last chapter told means every page told: nav, ncx and the rest are made now, while
     * the caller finishes its own work (the PDF's front matter, its temporary file). */
    size_t nc = j->doc->nchapters;
    const tb_epub_written *written = NULL;
    if (nc > 0 && ready >= nc && !j->assembled && (written = tb_epub_chapters_done(j->writer)))
      assemble(j, written);
    pthread_mutex_lock(&j->mu);
    j->rendered = j->next;
    pthread_cond_broadcast(&j->progress);
    if (last || j->assembled)
      break;
  }
  j->worker_stopped = true;
  pthread_cond_broadcast(&j->progress);
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

tb_epub_job *tb_epub_job_start(const tb_doc *doc, const tb_epub_opts *opts, bool threaded) {
  tb_epub_job *j = tb_xcalloc(1, sizeof *j);
  j->doc = doc;
  j->opts = opts;
  tb_error_clear(&j->err);
  pthread_mutex_init(&j->mu, NULL);
  pthread_cond_init(&j->cv, NULL);
  pthread_cond_init(&j->progress, NULL);
  if (!doc || !opts) {
    tb_error_set(&j->err, TB_ERR_USAGE, NULL, 0, 0, "tb_epub_write: missing argument");
    j->failed = true;
    return j;
  }
  j->chapters = tb_xcalloc(doc->nchapters ? doc->nchapters : 1, sizeof *j->chapters);
  /* 1. What goes where; inputs read into memory first, so a missing file leaves no output. */
  if (tb_epub_book_init(&j->book, doc, opts, &j->err) != 0) {
    j->failed = true;
    return j;
  }
  j->writer = tb_epub_chapters_new(&j->book);
  j->z = tb_epub_deflater_new();
  if (threaded) {
    j->threaded = tb_thread_start(&j->worker, worker_main, j);
  }
  return j;
}

void tb_epub_job_pages(void *job, size_t chapters_done, const tb_page_info *pages, size_t n) {
  tb_epub_job *j = job;
  if (!j || j->failed)
    return;
  pthread_mutex_lock(&j->mu);
  tb_grow(&j->told, &j->told_cap, j->ntold + n, sizeof *j->told);
  if (n)
    memcpy(j->told + j->ntold, pages, n * sizeof *pages);
  j->ntold += n;
  if (chapters_done > j->ready)
    j->ready = chapters_done;
  pthread_cond_signal(&j->cv);
  pthread_mutex_unlock(&j->mu);
}

size_t tb_epub_job_wait(tb_epub_job *j, size_t chapters) {
  if (!j || !j->threaded)
    return 0;
  pthread_mutex_lock(&j->mu);
  while (j->rendered < chapters && !j->worker_stopped)
    pthread_cond_wait(&j->progress, &j->mu);
  size_t n = j->rendered;
  pthread_mutex_unlock(&j->mu);
  return n;
}

static void stop_worker(tb_epub_job *j, bool cancel) {
  if (!j->threaded)
    return;
  pthread_mutex_lock(&j->mu);
  j->closing = true;
  j->cancelled = cancel;
  pthread_cond_signal(&j->cv);
  pthread_mutex_unlock(&j->mu);
  pthread_join(j->worker, NULL);
  j->threaded = false;
}

static void job_free(tb_epub_job *j) {
  for (size_t i = 0; i < j->nparts; i++)
    free(j->parts[i].data);
  free(j->parts);
  for (size_t ci = 0; j->chapters && ci < j->doc->nchapters; ci++)
    free(j->chapters[ci].data);
  free(j->chapters);
  free(j->told);
  tb_buf_free(&j->buf);
  tb_epub_deflater_free(j->z);
  tb_epub_chapters_free(j->writer);
  if (j->doc && j->opts)
    tb_epub_book_free(&j->book);
  pthread_cond_destroy(&j->cv);
  pthread_cond_destroy(&j->progress);
  pthread_mutex_destroy(&j->mu);
  free(j);
}

void tb_epub_job_cancel(tb_epub_job *j) {
  if (!j)
    return;
  stop_worker(j, true);
  job_free(j);
}

/* The next entry of the archive, deflated as it is added (j->parts has room for all). */
static void add_part(tb_epub_job *j, const char *dir, const char *name, char *data, size_t len, bool store) {
  put_part(j, &j->parts[j->nparts++], dir, name, data, len, store);
}

/* The next entry, from what the producer left in j->buf. */
static void add_buf(tb_epub_job *j, const char *dir, const char *name) {
  size_t len;
  char *data = tb_buf_detach(&j->buf, &len);
  add_part(j, dir, name, data, len, false);
}

/* Every entry in its fixed order, deflated: mimetype first and stored (OCF), then the package
 * document, the navigation, the stylesheet, cover and title page, the chapters (rendered
 * already: `written`, which only the last of them gives, says where headings, markers and notes
 * landed for nav and ncx) and the images. On failure j->assemble_failed and j->err say why. */
static void assemble(tb_epub_job *j, const tb_epub_written *written) {
  assert(written);
  const tb_doc *doc = j->doc;
  tb_epub_book *book = &j->book;
  tb_buf *b = &j->buf;
  const char *D = "OEBPS/";
  char *css = NULL;
  size_t css_len = 0;
  j->assembled = true;
  if (!j->opts->assets_dir) {
    tb_error_set(&j->err, TB_ERR_ASSET, NULL, 0, 0, "no assets folder for css/terbit.css");
    j->assemble_failed = true;
    return;
  }
  tb_buf_clear(b);
  tb_buf_printf(b, "%s/css/terbit.css", j->opts->assets_dir);
  if (tb_epub_read_file(b->data, &css, &css_len, TB_ERR_ASSET, "stylesheet", &j->err) != 0) {
    j->assemble_failed = true;
    return;
  }
  tb_buf_clear(b);
  j->parts = tb_xcalloc(9 + doc->nchapters + book->nimages, sizeof *j->parts);
  add_part(j, "", "mimetype", tb_xstrdup("application/epub+zip"), 20, /*store*/ true);
  tb_epub_container_xml(b);
  add_buf(j, "", "META-INF/container.xml");
  tb_epub_opf(book, b);
  add_buf(j, D, "content.opf");
  tb_epub_nav(written, b);
  add_buf(j, D, "nav.xhtml");
  tb_epub_ncx(written, b);
  add_buf(j, D, "toc.ncx");
  add_part(j, D, "css/terbit.css", css, css_len, false);
  tb_epub_xhtml_cover(book, b);
  add_buf(j, D, "cover.xhtml");
  if (book->cover.data) {
    add_part(j, D, book->cover_name, book->cover.data, book->cover.len, false);
    book->cover.data = NULL;
  } else {
    tb_epub_cover_svg(book, b);
    add_buf(j, D, book->cover_name);
  }
  tb_epub_xhtml_titlepage(book, b);
  add_buf(j, D, "titlepage.xhtml");
  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    j->parts[j->nparts++] = j->chapters[ci]; /* packed already */
    j->chapters[ci].data = NULL;
  }
  for (size_t i = 0; i < book->nimages; i++) {
    add_part(j, D, book->images[i].name, book->images[i].data, book->images[i].len, false);
    book->images[i].data = NULL;
  }
}

int tb_epub_job_finish(tb_epub_job *j, const char *path, tb_error *err) {
  if (!j)
    return tb_error_set(err, TB_ERR_USAGE, NULL, 0, 0, "tb_epub_write: missing argument");
  stop_worker(j, false);
  int rc = -1;
  if (!path && !j->failed) {
    tb_error_set(err, TB_ERR_USAGE, NULL, 0, 0, "tb_epub_write: missing argument");
    goto done;
  }
  /* What the worker has not done is done here (all of it without a worker). */
  if (!j->failed && !j->assembled) {
    render_ready(j, j->told, j->ntold, j->doc->nchapters);
    j->ntold = 0;
    assemble(j, tb_epub_chapters_done(j->writer)); /* every chapter is written now */
  }
  if (j->failed || j->assemble_failed) {
    if (err)
      *err = j->err;
    goto done;
  }
  /* 4. The archive. */
  if (tb_epub_zip_write(j->parts, j->nparts, j->doc->epoch, path, err) == 0)
    rc = 0;
done:
  job_free(j);
  return rc;
}

int tb_epub_write(const tb_doc *doc, const tb_epub_opts *opts, const char *path, tb_error *err) {
  if (!doc || !opts || !path)
    return tb_error_set(err, TB_ERR_USAGE, NULL, 0, 0, "tb_epub_write: missing argument");
  tb_epub_job *j = tb_epub_job_start(doc, opts, false);
  if (opts->pages)
    tb_epub_job_pages(j, doc->nchapters, opts->pages, opts->npages);
  return tb_epub_job_finish(j, path, err);
}
