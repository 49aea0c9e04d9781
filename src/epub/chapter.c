// chapter.c -- the chapter step: the chapter files one after another, in order, and what they
// recorded for the navigation, given out only once the last one is written.
#include "epub/epub_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "epub/xhtml.h"
#include "epub/xml.h"

struct tb_epub_chapters {
  const tb_epub_book *b;
  size_t next;        /* the next chapter to write */
  tb_epub_record rec; /* what xhtml.c records */
  size_t npages;      /* pages of the book rec has room for */
  size_t page_chapter_cap, page_seq_cap;
  tb_epub_written done; /* given out once every chapter is written */
};

/* Room to record the markers of every page the book has been told so far (none written yet). */
static void sync_pages(tb_epub_chapters *c) {
  size_t n = c->b->nbody;
  if (c->npages >= n)
    return;
  tb_grow(&c->rec.page_chapter, &c->page_chapter_cap, n, sizeof *c->rec.page_chapter);
  tb_grow(&c->rec.page_seq, &c->page_seq_cap, n, sizeof *c->rec.page_seq);
  for (size_t i = c->npages; i < n; i++) {
    c->rec.page_chapter[i] = -1;
    c->rec.page_seq[i] = -1;
  }
  c->npages = n;
}

tb_epub_chapters *tb_epub_chapters_new(const tb_epub_book *b) {
  const tb_doc *doc = b->doc;
  size_t nf = doc->nfootnotes, nh = doc->nheadings, nc = doc->nchapters;
  tb_epub_chapters *c = tb_xcalloc(1, sizeof *c);
  tb_epub_record *r = &c->rec;
  c->b = b;
  r->fn_ref_chapter = tb_xmalloc((nf ? nf : 1) * sizeof *r->fn_ref_chapter);
  r->fn_refs = tb_xcalloc(nf ? nf : 1, sizeof *r->fn_refs);
  for (size_t i = 0; i < nf; i++)
    r->fn_ref_chapter[i] = -1;
  r->heading_seq = tb_xmalloc((nh ? nh : 1) * sizeof *r->heading_seq);
  for (size_t i = 0; i < nh; i++)
    r->heading_seq[i] = -1;
  r->chapter_seq = tb_xmalloc((nc ? nc : 1) * sizeof *r->chapter_seq);
  for (size_t i = 0; i < nc; i++)
    r->chapter_seq[i] = -1;
  return c;
}

size_t tb_epub_chapters_next(tb_epub_chapters *c, tb_buf *out) {
  const tb_epub_book *b = c->b;
  const tb_doc *doc = b->doc;
  assert(c->next < doc->nchapters);
  size_t ci = c->next++;
  const tb_chapter *ch = &doc->chapters[ci];
  sync_pages(c);
  tb_buf body = {0}; /* the body first: the head declares the epub namespace only if used */
  const char *lang = tb_epub_xhtml_body(b, &c->rec, ci, &body);
  tb_epub_xhtml_open(out, lang, tb_epub_has_text(ch->title) ? ch->title : b->title,
                     body.data && strstr(body.data, "epub:type") != NULL);
  tb_buf_puts(out, ">\n");
  if (body.data)
    tb_buf_put(out, body.data, body.len);
  tb_buf_puts(out, "</body>\n</html>\n");
  tb_buf_free(&body);
  return ci;
}

const tb_epub_written *tb_epub_chapters_done(tb_epub_chapters *c) {
  if (c->next < c->b->doc->nchapters)
    return NULL;
  sync_pages(c);
  c->done =
      (tb_epub_written){c->b, c->rec.page_chapter, c->rec.page_seq, c->rec.heading_seq, c->rec.chapter_seq};
  return &c->done;
}

void tb_epub_chapters_free(tb_epub_chapters *c) {
  if (!c)
    return;
  free(c->rec.fn_ref_chapter);
  free(c->rec.fn_refs);
  free(c->rec.page_chapter);
  free(c->rec.page_seq);
  free(c->rec.heading_seq);
  free(c->rec.chapter_seq);
  free(c);
}
