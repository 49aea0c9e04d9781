// epub.c -- tb_epub_write(): gathers the book (images, cover, footnotes, page markers), runs the
// producers and hands their buffers to libzip in a fixed order with fixed times.
#define _POSIX_C_SOURCE 200809L /* gmtime_r, localtime_r, setenv, tzset */

#include "epub/epub.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zip.h>

#include "util/hash.h"

#define TB_CHECK(expr)                                                                         \
  do {                                                                                         \
    if ((expr) < 0)                                                                            \
      goto fail;                                                                               \
  } while (0)

/* ---- small helpers ---- */

void tb_epub_chapter_name(size_t chapter, char name[TB_EPUB_NAME_MAX]) {
  (void)snprintf(name, TB_EPUB_NAME_MAX, "chapter-%03zu.xhtml", chapter + 1);
}

void tb_epub_iso_time(long long epoch, char out[32]) {
  if (epoch < 0)
    epoch = 0;
  if (epoch > 253402300799LL) /* 9999-12-31T23:59:59Z: keep four-digit years */
    epoch = 253402300799LL;
  time_t t = (time_t)epoch;
  struct tm tm;
  if (!gmtime_r(&t, &tm)) {
    (void)snprintf(out, 32, "1970-01-01T00:00:00Z");
    return;
  }
  /* The modulos only tell the compiler the widths (the values are already in range). */
  (void)snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(tm.tm_year + 1900) % 10000u,
                 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
                 (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

/* Reads a whole file into *data (malloc'd). */
static int read_file(const char *path, char **data, size_t *len, tb_error_code code, const char *what,
                     tb_error *err) {
  tb_buf b = {0};
  FILE *f = fopen(path, "rb");
  if (!f)
    return tb_error_set(err, code, path, 0, 0, "cannot open %s: %s", what, strerror(errno));
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    tb_buf_put(&b, chunk, n);
  int failed = ferror(f);
  int saved = errno;
  (void)fclose(f);
  if (failed) {
    tb_buf_free(&b);
    return tb_error_set(err, code, path, 0, 0, "cannot read %s: %s", what, strerror(saved));
  }
  *data = tb_buf_detach(&b, len);
  return 0;
}

/* The media type from the file's first bytes: the bytes decide, not the name or the importer's
 * guess, because a manifest media type that does not match the content is an EPUBCheck error. */
static const char *sniff_image(const char *data, size_t len) {
  const unsigned char *p = (const unsigned char *)data;
  if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
    return "image/jpeg";
  return NULL;
}

static bool has_text(const char *s) {
  for (; s && *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
      return true;
  return false;
}

/* ---- where things land ---- */

static int root_chapter(const tb_doc *doc, const tb_node *root) {
  if (root->type != TB_NODE_ROOT)
    return -1;
  int ci = root->as.root.chapter; /* the root knows its chapter: no search per page */
  return ci >= 0 && (size_t)ci < doc->nchapters && doc->chapters[ci].root == root ? ci : -1;
}

static bool valid_footnote(const tb_doc *doc, int number) {
  return number >= 1 && (size_t)number <= doc->nfootnotes && doc->footnotes[number - 1];
}

/* The chapter file that shows node: footnote definitions are shown at the end of the chapter that
 * first cites them, everything else in its own chapter. -1 when it is shown nowhere. */
static int node_chapter(const tb_epub_book *b, const tb_node *n) {
  const tb_doc *doc = b->doc;
  for (; n; n = n->parent) {
    if (n->type == TB_NODE_FOOTNOTE_DEF) {
      int k = n->as.footnote.number;
      if (valid_footnote(doc, k) && doc->footnotes[k - 1] == n)
        return b->fn_chapter[k - 1];
      return -1; /* a definition the doc does not list is never shown */
    }
    if (!n->parent)
      return root_chapter(doc, n);
  }
  return -1;
}

/* Assigns each footnote the chapter that shows it: the first chapter citing it from its text, else
 * the chapter of a footnote citing it, else the chapter holding the definition, else the last. */
static void place_footnotes(tb_epub_book *b) {
  const tb_doc *doc = b->doc;
  size_t nf = doc->nfootnotes;
  b->fn_chapter = tb_xmalloc((nf ? nf : 1) * sizeof *b->fn_chapter);
  b->fn_ref_chapter = tb_xmalloc((nf ? nf : 1) * sizeof *b->fn_ref_chapter);
  b->fn_refs = tb_xcalloc(nf ? nf : 1, sizeof *b->fn_refs);
  for (size_t i = 0; i < nf; i++)
    b->fn_chapter[i] = b->fn_ref_chapter[i] = -1;
  if (nf == 0)
    return;

  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    tb_iter it;
    tb_iter_init(&it, doc->chapters[ci].root);
    tb_event ev;
    while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
      if (ev != TB_EVENT_ENTER)
        continue;
      const tb_node *n = it.cur;
      if (n->type == TB_NODE_FOOTNOTE_DEF)
        tb_iter_skip_children(&it);
      else if (n->type == TB_NODE_FOOTNOTE_REF && valid_footnote(doc, n->as.footnote.number) &&
               b->fn_chapter[n->as.footnote.number - 1] < 0)
        b->fn_chapter[n->as.footnote.number - 1] = (int)ci;
    }
  }

  /* Footnotes cited only from other footnotes follow them (a worklist over placed ones). */
  bool *done = tb_xcalloc(nf, sizeof *done);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < nf; i++) {
      if (done[i] || b->fn_chapter[i] < 0 || !doc->footnotes[i])
        continue;
      done[i] = changed = true;
      tb_iter it;
      tb_iter_init(&it, doc->footnotes[i]);
      tb_event ev;
      while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
        const tb_node *n = it.cur;
        if (ev == TB_EVENT_ENTER && n->type == TB_NODE_FOOTNOTE_REF &&
            valid_footnote(doc, n->as.footnote.number) && b->fn_chapter[n->as.footnote.number - 1] < 0)
          b->fn_chapter[n->as.footnote.number - 1] = b->fn_chapter[i];
      }
    }
  }
  free(done);

  /* Never cited: keep the content, where the definition sits (or at the end of the book). */
  for (size_t i = 0; i < nf; i++) {
    if (b->fn_chapter[i] >= 0 || !doc->footnotes[i])
      continue;
    const tb_node *n = doc->footnotes[i];
    while (n->parent)
      n = n->parent;
    int ci = root_chapter(doc, n);
    b->fn_chapter[i] = ci >= 0 ? ci : (int)doc->nchapters - 1;
  }
}

const tb_epub_image *tb_epub_find_image(const tb_epub_book *b, const tb_node *n) {
  if (!n || n->type != TB_NODE_IMAGE || !n->image.path || (n->image.kind != 1 && n->image.kind != 2))
    return NULL;
  for (size_t i = 0; i < b->nimages; i++)
    if (strcmp(b->images[i].path, n->image.path) == 0)
      return &b->images[i];
  return NULL;
}

/* Content images: every IMAGE with a local PNG/JPEG file in a shown part of the book, once per
 * path, named image-NNN in order of first appearance. */
static int gather_images(tb_epub_book *b, tb_error *err) {
  const tb_doc *doc = b->doc;
  b->images_alt = true;
  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    tb_iter it;
    tb_iter_init(&it, doc->chapters[ci].root);
    tb_event ev;
    while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
      const tb_node *n = it.cur;
      if (ev != TB_EVENT_ENTER || n->type != TB_NODE_IMAGE || !n->image.path ||
          (n->image.kind != 1 && n->image.kind != 2) || node_chapter(b, n) < 0)
        continue;
      tb_buf alt = {0};
      tb_node_plain_text(n, &alt);
      bool has_alt = has_text(alt.data) || has_text(n->as.link.title);
      tb_buf_free(&alt);
      tb_epub_image *img = (tb_epub_image *)tb_epub_find_image(b, n);
      if (!img) {
        tb_grow(&b->images, &b->images_cap, b->nimages + 1, sizeof *b->images);
        img = &b->images[b->nimages++];
        memset(img, 0, sizeof *img);
        img->path = n->image.path;
        img->alt = true;
        TB_CHECK(read_file(img->path, &img->data, &img->len, TB_ERR_IO, "image", err));
        img->media_type = sniff_image(img->data, img->len);
        if (!img->media_type)
          return tb_error_set(err, TB_ERR_IMAGE, img->path, n->line, n->col,
                              "image is neither PNG nor JPEG");
        (void)snprintf(img->name, sizeof img->name, "image-%03zu.%s", b->nimages,
                       strcmp(img->media_type, "image/png") == 0 ? "png" : "jpg");
      }
      if (!has_alt)
        img->alt = b->images_alt = false;
    }
  }
  return 0;
fail:
  return -1;
}

static int load_cover(tb_epub_book *b, tb_error *err) {
  const tb_doc *doc = b->doc;
  const char *cover = doc->meta.cover;
  char *joined = NULL;
  if (!cover || !*cover) {
    b->cover_name = "cover.svg";
    b->cover_type = "image/svg+xml";
    return 0;
  }
  /* The importer normally resolves the path; a bare relative one is tried against base_dir. */
  FILE *f = fopen(cover, "rb");
  if (f)
    (void)fclose(f);
  else if (cover[0] != '/' && doc->base_dir && *doc->base_dir) {
    size_t n = strlen(doc->base_dir) + strlen(cover) + 2;
    joined = tb_xmalloc(n);
    (void)snprintf(joined, n, "%s/%s", doc->base_dir, cover);
    cover = joined;
  }
  int rc = read_file(cover, &b->cover.data, &b->cover.len, TB_ERR_IO, "cover image", err);
  if (rc == 0) {
    b->cover.media_type = sniff_image(b->cover.data, b->cover.len);
    if (!b->cover.media_type)
      rc = tb_error_set(err, TB_ERR_IMAGE, cover, 0, 0, "cover image is neither PNG nor JPEG");
  }
  free(joined);
  if (rc != 0) /* read_file and tb_error_set return 0 or -1: anything but 0 is a failure */
    return -1;
  bool png = strcmp(b->cover.media_type, "image/png") == 0;
  b->cover_name = png ? "cover.png" : "cover.jpg";
  b->cover_type = b->cover.media_type;
  (void)snprintf(b->cover.name, sizeof b->cover.name, "%s", b->cover_name);
  b->cover.alt = true; /* shown with the title as its alt text */
  return 0;
}

static int cmp_mark(const void *pa, const void *pb) {
  const tb_epub_mark *a = pa, *b = pb;
  uintptr_t na = (uintptr_t)a->node, nb = (uintptr_t)b->node;
  if (na != nb)
    return na < nb ? -1 : 1;
  if (a->offset != b->offset)
    return a->offset < b->offset ? -1 : 1;
  return a->page < b->page ? -1 : a->page > b->page;
}

/* Page ids: "page-" + the label with anything but [A-Za-z0-9._-] as '-', made unique. */
typedef struct strset {
  const char **slots;
  size_t cap, n;
} strset;

static bool set_has(const strset *set, const char *s) {
  if (!set->cap)
    return false;
  for (size_t k = tb_hash_str(s) & (set->cap - 1); set->slots[k]; k = (k + 1) & (set->cap - 1))
    if (!strcmp(set->slots[k], s))
      return true;
  return false;
}

/* s must outlive the set. */
static void set_add(strset *set, const char *s) {
  if ((set->n + 1) * 2 > set->cap) {
    strset old = *set;
    set->cap = old.cap ? old.cap * 2 : 256;
    set->slots = tb_xcalloc(set->cap, sizeof *set->slots);
    set->n = 0;
    for (size_t i = 0; i < old.cap; i++)
      if (old.slots[i])
        set_add(set, old.slots[i]);
    free(old.slots);
  }
  size_t k = tb_hash_str(s) & (set->cap - 1);
  while (set->slots[k])
    k = (k + 1) & (set->cap - 1);
  set->slots[k] = s;
  set->n++;
}

static void gather_pages(tb_epub_book *b) {
  strset ids = {0};
  const tb_epub_opts *o = b->opts;
  size_t np = o->pages ? o->npages : 0;
  b->page_ids = tb_xcalloc(np ? np : 1, sizeof *b->page_ids);
  b->page_labels = tb_xcalloc(np ? np : 1, sizeof *b->page_labels);
  b->page_chapter = tb_xmalloc((np ? np : 1) * sizeof *b->page_chapter);
  b->page_seq = tb_xmalloc((np ? np : 1) * sizeof *b->page_seq);
  b->marks = tb_xmalloc((np ? np : 1) * sizeof *b->marks);
  tb_buf id = {0};
  const tb_node *prev = NULL;
  size_t prev_offset = 0;
  for (size_t i = 0; i < np; i++) {
    const tb_page_info *p = &o->pages[i];
    b->page_chapter[i] = -1;
    b->page_seq[i] = -1;
    if (!p->body)
      continue; /* front matter: not in the page-list, no marker */
    b->nbody++;
    tb_buf_clear(&id);
    if (p->label && *p->label)
      b->page_labels[i] = tb_xstrdup(p->label);
    else {
      char num[32];
      (void)snprintf(num, sizeof num, "%zu", b->nbody);
      b->page_labels[i] = tb_xstrdup(num);
    }
    tb_buf_puts(&id, "page-");
    for (const char *s = b->page_labels[i]; *s; s++) {
      char c = *s;
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.';
      tb_buf_putc(&id, (char)(ok ? c : '-'));
    }
    /* unique ids: a hash set of those given (labels are unique in practice; a set keeps a
     * 50,000-page book linear all the same) */
    size_t base = id.len;
    for (int k = 2; set_has(&ids, id.data); k++) {
      id.len = base;
      tb_buf_printf(&id, "-%d", k);
    }
    b->page_ids[i] = tb_xstrdup(id.data);
    set_add(&ids, b->page_ids[i]);
    /* A body page without a node (the layout should not make one) borrows the previous page's
     * place when that is in the same chapter, else its chapter's start: the page-list stays in
     * reading order (EPUBCheck NAV-011) and every entry keeps a marker of its own. */
    const tb_node *node = p->node;
    size_t offset = p->offset;
    if (!node && prev && node_chapter(b, prev) == p->chapter) {
      node = prev;
      offset = prev_offset;
    } else if (!node && p->chapter >= 0 && (size_t)p->chapter < b->doc->nchapters) {
      node = b->doc->chapters[p->chapter].root;
      offset = 0;
    }
    if (node) {
      b->marks[b->nmarks].node = node;
      b->marks[b->nmarks].offset = offset;
      b->marks[b->nmarks].page = i;
      b->nmarks++;
      prev = node;
      prev_offset = offset;
    }
  }
  tb_buf_free(&id);
  free(ids.slots);
  qsort(b->marks, b->nmarks, sizeof *b->marks, cmp_mark);
}

int tb_epub_book_init(tb_epub_book *b, const tb_doc *doc, const tb_epub_opts *opts, tb_error *err) {
  memset(b, 0, sizeof *b);
  b->doc = doc;
  b->opts = opts;
  if (!doc->uuid || !*doc->uuid)
    return tb_error_set(err, TB_ERR_INPUT, NULL, 0, 0, "EPUB: the document has no identifier");
  b->lang = doc->meta.lang && *doc->meta.lang ? doc->meta.lang : "ms";
  /* dc:title is required: fall back to the first heading, then to the identifier. */
  b->title = doc->meta.title;
  if (!has_text(b->title))
    b->title = doc->nheadings && has_text(doc->headings[0].text) ? doc->headings[0].text : doc->uuid;

  place_footnotes(b);

  size_t nh = doc->nheadings, nc = doc->nchapters;
  b->heading_chapter = tb_xmalloc((nh ? nh : 1) * sizeof *b->heading_chapter);
  b->heading_seq = tb_xmalloc((nh ? nh : 1) * sizeof *b->heading_seq);
  for (size_t i = 0; i < nh; i++) {
    b->heading_chapter[i] = doc->headings[i].node ? node_chapter(b, doc->headings[i].node) : -1;
    b->heading_seq[i] = -1;
  }
  b->chapter_seq = tb_xmalloc((nc ? nc : 1) * sizeof *b->chapter_seq);
  for (size_t i = 0; i < nc; i++)
    b->chapter_seq[i] = -1;

  gather_pages(b);
  TB_CHECK(gather_images(b, err));
  TB_CHECK(load_cover(b, err));
  return 0;
fail:
  return -1;
}

void tb_epub_book_free(tb_epub_book *b) {
  if (!b)
    return;
  for (size_t i = 0; i < b->nimages; i++)
    free(b->images[i].data);
  free(b->images);
  free(b->cover.data);
  free(b->fn_chapter);
  free(b->fn_ref_chapter);
  free(b->fn_refs);
  size_t np = b->opts && b->opts->pages ? b->opts->npages : 0;
  for (size_t i = 0; b->page_ids && i < np; i++) {
    free(b->page_ids[i]);
    free(b->page_labels[i]);
  }
  free(b->page_ids);
  free(b->page_labels);
  free(b->page_chapter);
  free(b->page_seq);
  free(b->marks);
  free(b->heading_chapter);
  free(b->heading_seq);
  free(b->chapter_seq);
  memset(b, 0, sizeof *b);
}

/* ---- the zip ---- */

typedef struct part {
  char name[64];
  char *data; /* malloc'd; NULL once libzip owns it */
  size_t len;
  bool store;
} part;

typedef struct parts {
  part *v;
  size_t n, cap;
} parts;

static void push_part(parts *ps, const char *dir, const char *name, char *data, size_t len, bool store) {
  tb_grow(&ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
  part *p = &ps->v[ps->n++];
  (void)snprintf(p->name, sizeof p->name, "%s%s", dir, name);
  p->data = data;
  p->len = len;
  p->store = store;
}

static void push_buf(parts *ps, const char *dir, const char *name, tb_buf *b) {
  size_t len;
  char *data = tb_buf_detach(b, &len);
  push_part(ps, dir, name, data, len, false);
}

/* libzip's error → tb_error (libzip code in detail). */
static int zip_fail(tb_error *err, zip_error_t *ze, const char *path, const char *what) {
  bool fresh = err && !tb_error_is_set(err);
  tb_error_set(err, TB_ERR_ZIP, path, 0, 0, "%s: %s", what, zip_error_strerror(ze));
  if (fresh)
    err->detail = zip_error_code_zip(ze);
  return -1;
}

/* DOS date/time of epoch in UTC, clamped to what the format holds (1980..2107). */
static void dos_time(long long epoch, zip_uint16_t *dtime, zip_uint16_t *ddate) {
  if (epoch < 315532800LL) /* 1980-01-01T00:00:00Z */
    epoch = 315532800LL;
  if (epoch > 4354819198LL) /* 2107-12-31T23:59:58Z */
    epoch = 4354819198LL;
  time_t t = (time_t)epoch;
  struct tm tm;
  gmtime_r(&t, &tm);
  *ddate = (zip_uint16_t)(((tm.tm_year + 1900 - 1980) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
  *dtime = (zip_uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
}

/* libzip 1.7 keeps an entry's time as a time_t: zip_file_set_dostime converts the DOS fields with
 * mktime() and zip_close converts back with localtime(). That round trip is exact unless the wall
 * time does not exist in the local zone (a DST gap), so this checks it the same way. */
static bool dos_time_survives(zip_uint16_t dtime, zip_uint16_t ddate) {
  struct tm tm = {0};
  tm.tm_isdst = -1;
  tm.tm_year = ((ddate >> 9) & 127) + 1980 - 1900;
  tm.tm_mon = ((ddate >> 5) & 15) - 1;
  tm.tm_mday = ddate & 31;
  tm.tm_hour = (dtime >> 11) & 31;
  tm.tm_min = (dtime >> 5) & 63;
  tm.tm_sec = (dtime << 1) & 62;
  struct tm want = tm; /* mktime normalizes tm in place */
  time_t t = mktime(&tm);
  struct tm back;
  if (t == (time_t)-1 || !localtime_r(&t, &back))
    return false;
  tm = want;
  return back.tm_year == tm.tm_year && back.tm_mon == tm.tm_mon && back.tm_mday == tm.tm_mday &&
         back.tm_hour == tm.tm_hour && back.tm_min == tm.tm_min && back.tm_sec == tm.tm_sec;
}

/* Hands p->data to libzip (it owns it from zip_source_buffer on, and frees it: freep = 1). */
static int add_entry(zip_t *za, part *p, zip_uint16_t dtime, zip_uint16_t ddate, const char *path,
                     tb_error *err) {
  zip_source_t *src = zip_source_buffer(za, p->data, p->len, /*freep*/ 1);
  if (!src)
    return zip_fail(err, zip_get_error(za), path, p->name); /* p->data is still ours */
  p->data = NULL;
  zip_int64_t idx = zip_file_add(za, p->name, src, 0);
  if (idx < 0) {
    zip_source_free(src); /* zip_file_add consumes the source only on success */
    return zip_fail(err, zip_get_error(za), path, p->name);
  }
  zip_uint64_t i = (zip_uint64_t)idx;
  /* level 6, zlib's default: level 9 took 4% more of a 50-chapter export for 0.3% less */
  if (zip_set_file_compression(za, i, p->store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, p->store ? 0 : 6) < 0 ||
      zip_file_set_dostime(za, i, dtime, ddate, 0) < 0)
    return zip_fail(err, zip_get_error(za), path, p->name);
  return 0;
}

static int write_zip(parts *ps, long long epoch, const char *path, tb_error *err) {
  int rc = -1;
  zip_t *za = NULL;
  zip_uint16_t dtime, ddate;
  dos_time(epoch, &dtime, &ddate);

  /* In the rare zone where that wall time does not exist, libzip must see UTC instead (restored
   * below): the bytes may not depend on the time zone. */
  char *saved_tz = NULL;
  bool tz_changed = false;
  if (!dos_time_survives(dtime, ddate)) {
    const char *tz = getenv("TZ");
    saved_tz = tz ? tb_xstrdup(tz) : NULL;
    setenv("TZ", "UTC0", 1);
    tzset();
    tz_changed = true;
  }

  int zerr = 0;
  za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  if (!za) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, zerr);
    zip_fail(err, &ze, path, "cannot create EPUB");
    zip_error_fini(&ze);
    goto fail;
  }
  for (size_t i = 0; i < ps->n; i++)
    TB_CHECK(add_entry(za, &ps->v[i], dtime, ddate, path, err));
  if (zip_close(za) < 0) {
    zip_fail(err, zip_get_error(za), path, "cannot write EPUB");
    goto fail; /* za is still open: discarded below */
  }
  za = NULL;
  rc = 0;
fail:
  if (za)
    zip_discard(za);
  if (tz_changed) {
    if (saved_tz)
      setenv("TZ", saved_tz, 1);
    else
      unsetenv("TZ");
    tzset();
    free(saved_tz);
  }
  return rc;
}

int tb_epub_write(const tb_doc *doc, const tb_epub_opts *opts, const char *path, tb_error *err) {
  int rc = -1;
  bool have_book = false;
  tb_epub_book book;
  parts ps = {0};
  tb_buf b = {0};
  char **chapters = NULL;
  size_t *chapter_len = NULL;
  char *css = NULL;
  size_t css_len = 0;
  const char *D = "OEBPS/";

  if (!doc || !opts || !path)
    return tb_error_set(err, TB_ERR_USAGE, NULL, 0, 0, "tb_epub_write: missing argument");

  /* 1. What goes where; inputs read into memory first, so a missing file leaves no output. */
  have_book = true;
  TB_CHECK(tb_epub_book_init(&book, doc, opts, err));
  if (!opts->assets_dir)
    TB_CHECK(tb_error_set(err, TB_ERR_ASSET, NULL, 0, 0, "no assets folder for css/terbit.css"));
  tb_buf_printf(&b, "%s/css/terbit.css", opts->assets_dir);
  {
    char *css_path = tb_buf_detach(&b, NULL);
    int r = read_file(css_path, &css, &css_len, TB_ERR_ASSET, "stylesheet", err);
    free(css_path);
    TB_CHECK(r);
  }

  /* 2. Chapters first: they record where headings, markers and notes land for nav and ncx. */
  chapters = tb_xcalloc(doc->nchapters ? doc->nchapters : 1, sizeof *chapters);
  chapter_len = tb_xcalloc(doc->nchapters ? doc->nchapters : 1, sizeof *chapter_len);
  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    tb_epub_xhtml_chapter(&book, ci, &b);
    chapters[ci] = tb_buf_detach(&b, &chapter_len[ci]);
  }

  /* 3. Every entry in its fixed order; mimetype first and stored (OCF). */
  push_part(&ps, "", "mimetype", tb_xstrdup("application/epub+zip"), 20, /*store*/ true);
  tb_epub_container_xml(&b);
  push_buf(&ps, "", "META-INF/container.xml", &b);
  tb_epub_opf(&book, &b);
  push_buf(&ps, D, "content.opf", &b);
  tb_epub_nav(&book, &b);
  push_buf(&ps, D, "nav.xhtml", &b);
  tb_epub_ncx(&book, &b);
  push_buf(&ps, D, "toc.ncx", &b);
  push_part(&ps, D, "css/terbit.css", css, css_len, false);
  css = NULL;
  tb_epub_xhtml_cover(&book, &b);
  push_buf(&ps, D, "cover.xhtml", &b);
  if (book.cover.data) {
    push_part(&ps, D, book.cover_name, book.cover.data, book.cover.len, false);
    book.cover.data = NULL;
  } else {
    tb_epub_cover_svg(&book, &b);
    push_buf(&ps, D, book.cover_name, &b);
  }
  tb_epub_xhtml_titlepage(&book, &b);
  push_buf(&ps, D, "titlepage.xhtml", &b);
  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    char name[TB_EPUB_NAME_MAX];
    tb_epub_chapter_name(ci, name);
    push_part(&ps, D, name, chapters[ci], chapter_len[ci], false);
    chapters[ci] = NULL;
  }
  for (size_t i = 0; i < book.nimages; i++) {
    push_part(&ps, D, book.images[i].name, book.images[i].data, book.images[i].len, false);
    book.images[i].data = NULL;
  }

  /* 4. The archive. */
  TB_CHECK(write_zip(&ps, doc->epoch, path, err));
  rc = 0;
fail:
  for (size_t i = 0; i < ps.n; i++)
    free(ps.v[i].data);
  free(ps.v);
  for (size_t ci = 0; chapters && ci < doc->nchapters; ci++)
    free(chapters[ci]);
  free(chapters);
  free(chapter_len);
  free(css);
  tb_buf_free(&b);
  if (have_book)
    tb_epub_book_free(&book);
  return rc;
}
