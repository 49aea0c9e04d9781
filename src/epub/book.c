// book.c -- the book: what goes where before any file is written. Images and the cover read into
// memory, the chapter that shows each footnote and heading, the page-list and its markers as the
// layout tells the pages; and the small helpers every producer shares (entry names, images).
#include "epub/book.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epub/xml.h"
#include "util/hash.h"
#include "util/image_kind.h"

#define TB_CHECK(expr)                                                                                       \
  do {                                                                                                       \
    if ((expr) < 0)                                                                                          \
      goto fail;                                                                                             \
  } while (0)

/* ---- small helpers ---- */

void tb_epub_chapter_name(size_t chapter, char name[TB_EPUB_NAME_MAX]) {
  (void)snprintf(name, TB_EPUB_NAME_MAX, "chapter-%03zu.xhtml", chapter + 1);
}

int tb_epub_read_file(const char *path, char **data, size_t *len, tb_error_code code, const char *what,
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
  for (size_t i = 0; i < nf; i++)
    b->fn_chapter[i] = -1;
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
  if (!n || n->type != TB_NODE_IMAGE || !n->image.path || n->image.kind == TB_IMAGE_NONE)
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
          n->image.kind == TB_IMAGE_NONE || node_chapter(b, n) < 0)
        continue;
      tb_buf alt = {0};
      tb_node_plain_text(n, &alt);
      bool has_alt = tb_epub_has_text(alt.data) || tb_epub_has_text(n->as.link.title);
      tb_buf_free(&alt);
      tb_epub_image *img = (tb_epub_image *)tb_epub_find_image(b, n);
      if (!img) {
        tb_grow(&b->images, &b->images_cap, b->nimages + 1, sizeof *b->images);
        img = &b->images[b->nimages++];
        memset(img, 0, sizeof *img);
        img->path = n->image.path;
        img->alt = true;
        TB_CHECK(tb_epub_read_file(img->path, &img->data, &img->len, TB_ERR_IO, "image", err));
        /* The bytes read decide the media type, not the name or what the importer saw (the
         * file could have changed since): a manifest media type that does not match the content
         * is an EPUBCheck error. */
        tb_image_kind kind = tb_image_kind_of((const unsigned char *)img->data, img->len);
        if (kind == TB_IMAGE_NONE)
          return tb_error_set(err, TB_ERR_IMAGE, img->path, n->line, n->col, "image is neither PNG nor JPEG");
        img->media_type = tb_image_media_type(kind);
        (void)snprintf(img->name, sizeof img->name, "image-%03zu.%s", b->nimages, tb_image_ext(kind));
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
  tb_image_kind kind = TB_IMAGE_NONE;
  int rc = tb_epub_read_file(cover, &b->cover.data, &b->cover.len, TB_ERR_IO, "cover image", err);
  if (rc == 0) {
    kind = tb_image_kind_of((const unsigned char *)b->cover.data, b->cover.len); /* as above */
    if (kind == TB_IMAGE_NONE)
      rc = tb_error_set(err, TB_ERR_IMAGE, cover, 0, 0, "cover image is neither PNG nor JPEG");
  }
  free(joined);
  if (rc != 0) /* read_file and tb_error_set return 0 or -1: anything but 0 is a failure */
    return -1;
  b->cover.media_type = tb_image_media_type(kind);
  (void)snprintf(b->cover.name, sizeof b->cover.name, "cover.%s", tb_image_ext(kind));
  b->cover_name = b->cover.name;
  b->cover_type = b->cover.media_type;
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
typedef tb_epub_strset strset;

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

/* Merges the sorted marks b->marks[0..old) and [old..nmarks) in place: each batch of pages is
 * sorted on its own, and the whole stays sorted for xhtml.c's binary search. */
static void merge_marks(tb_epub_book *b, size_t old) {
  size_t n = b->nmarks - old;
  if (n == 0)
    return;
  qsort(b->marks + old, n, sizeof *b->marks, cmp_mark);
  if (old == 0 || cmp_mark(&b->marks[old - 1], &b->marks[old]) <= 0)
    return; /* already in order: the usual case, as nodes are allocated in reading order */
  tb_epub_mark *fresh = tb_xmalloc(n * sizeof *fresh);
  memcpy(fresh, b->marks + old, n * sizeof *fresh);
  size_t i = old, j = n, k = old + n;
  while (j > 0) { /* from the back: the larger of the two tails goes last */
    if (i > 0 && cmp_mark(&b->marks[i - 1], &fresh[j - 1]) > 0)
      b->marks[--k] = b->marks[--i];
    else
      b->marks[--k] = fresh[--j];
  }
  free(fresh);
}

void tb_epub_book_add_pages(tb_epub_book *b, const tb_page_info *pages, size_t n) {
  tb_buf id = {0};
  size_t old_marks = b->nmarks;
  for (size_t i = 0; i < n; i++) {
    const tb_page_info *p = &pages[i];
    if (!p->body)
      continue; /* front matter: not in the page-list, no marker */
    size_t k = b->nbody++;
    tb_grow(&b->pages, &b->pages_cap, b->nbody, sizeof *b->pages);
    tb_epub_page *pg = &b->pages[k];
    pg->home = p->chapter;
    if (p->label && *p->label)
      pg->label = tb_xstrdup(p->label);
    else {
      char num[32];
      (void)snprintf(num, sizeof num, "%zu", b->nbody);
      pg->label = tb_xstrdup(num);
    }
    tb_buf_clear(&id);
    tb_buf_puts(&id, "page-");
    for (const char *s = pg->label; *s; s++) {
      char c = *s;
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '_' || c == '.';
      tb_buf_putc(&id, (char)(ok ? c : '-'));
    }
    /* unique ids: a hash set of those given (labels are unique in practice; a set keeps a
     * 50,000-page book linear all the same) */
    size_t base = id.len;
    for (int d = 2; set_has(&b->page_id_set, id.data); d++) {
      id.len = base;
      tb_buf_printf(&id, "-%d", d);
    }
    pg->id = tb_xstrdup(id.data);
    set_add(&b->page_id_set, pg->id);
    /* A body page without a node (the layout should not make one) borrows the previous page's
     * place when that is in the same chapter, else its chapter's start: the page-list stays in
     * reading order (EPUBCheck NAV-011) and every entry keeps a marker of its own. */
    const tb_node *node = p->node;
    size_t offset = p->offset;
    if (!node && b->prev_node && node_chapter(b, b->prev_node) == p->chapter) {
      node = b->prev_node;
      offset = b->prev_offset;
    } else if (!node && p->chapter >= 0 && (size_t)p->chapter < b->doc->nchapters) {
      node = b->doc->chapters[p->chapter].root;
      offset = 0;
    }
    if (node) {
      tb_grow(&b->marks, &b->marks_cap, b->nmarks + 1, sizeof *b->marks);
      b->marks[b->nmarks].node = node;
      b->marks[b->nmarks].offset = offset;
      b->marks[b->nmarks].page = k;
      b->nmarks++;
      b->prev_node = node;
      b->prev_offset = offset;
    }
  }
  tb_buf_free(&id);
  merge_marks(b, old_marks);
}

typedef struct name_key {
  int chapter;
  const char *text;
  size_t index;
} name_key;

static int cmp_name_key(const void *pa, const void *pb) {
  const name_key *a = pa, *b = pb;
  if (a->chapter != b->chapter)
    return a->chapter < b->chapter ? -1 : 1;
  return strcmp(a->text, b->text);
}

/* heading_name_shared: sorted by (chapter file, text), equal neighbours share their name
 * (one sort: an API reference's many "Event: 'close'" stay linear) */
static void find_shared_names(tb_epub_book *b) {
  const tb_doc *doc = b->doc;
  size_t nh = doc->nheadings, n = 0;
  b->heading_name_shared = tb_xcalloc(nh ? nh : 1, sizeof *b->heading_name_shared);
  name_key *k = tb_xmalloc((nh ? nh : 1) * sizeof *k);
  for (size_t i = 0; i < nh; i++)
    if (doc->headings[i].level >= 1 && b->heading_chapter[i] >= 0)
      k[n++] = (name_key){b->heading_chapter[i], doc->headings[i].text ? doc->headings[i].text : "", i};
  qsort(k, n, sizeof *k, cmp_name_key);
  for (size_t i = 1; i < n; i++)
    if (cmp_name_key(&k[i - 1], &k[i]) == 0)
      b->heading_name_shared[k[i - 1].index] = b->heading_name_shared[k[i].index] = true;
  free(k);
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
  if (!tb_epub_has_text(b->title))
    b->title = doc->nheadings && tb_epub_has_text(doc->headings[0].text) ? doc->headings[0].text : doc->uuid;

  place_footnotes(b);

  size_t nh = doc->nheadings;
  b->heading_chapter = tb_xmalloc((nh ? nh : 1) * sizeof *b->heading_chapter);
  for (size_t i = 0; i < nh; i++)
    b->heading_chapter[i] = doc->headings[i].node ? node_chapter(b, doc->headings[i].node) : -1;
  find_shared_names(b);

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
  for (size_t i = 0; i < b->nbody; i++) {
    free(b->pages[i].id);
    free(b->pages[i].label);
  }
  free(b->pages);
  free(b->marks);
  free(b->page_id_set.slots);
  free(b->heading_chapter);
  free(b->heading_name_shared);
  memset(b, 0, sizeof *b);
}
