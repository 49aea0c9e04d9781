// xhtml.c -- a chapter's XHTML walked from the model (as cmark's html.c walks its AST), with page
// markers and footnotes, recording where each heading, marker and note reference lands.
#include "epub/xhtml.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epub/xml.h"
#include "util/i18n.h"
#include "util/url.h"
#include "util/utf8.h"

/* ---- URLs ---- */

/* tb_url_linkable and tb_url_encode (util/url.h) decide which links are kept and how. */
static bool url_linkable(const char *url) { return tb_url_linkable(url); }
static void put_url(tb_buf *h, const char *url) { tb_url_encode(h, url); }

/* ---- the chapter walker ---- */

typedef struct frame {
  const tb_node *node;
  const char *close; /* closing markup ("" for none) */
  int opened;        /* elements it opened (output depth) */
  bool flat;         /* it started a flattened region */
  bool link;         /* it opened an <a> */
  bool separator;    /* flattened block: a <br/> after it */
  bool header;       /* TABLE_ROW: cells are th */
  bool row_marks;    /* TABLE_ROW: its page markers wait for the first cell */
  int cells;         /* TABLE_ROW: cells so far */
  int part;          /* TABLE: 0 nothing open, 1 thead, 2 tbody */
} frame;

typedef struct render {
  const tb_epub_book *b;
  tb_epub_record *c; /* where it records what it wrote */
  const tb_doc *doc;
  size_t ci;
  const char *lang; /* the chapter's: generated words inside it match its lang attribute */
  tb_buf *out;
  frame *st;
  size_t n, cap;
  int depth;   /* open elements in the output (html, body, ...) */
  int flat;    /* > 0: inside a flattened region (no wrapper elements) */
  int in_link; /* > 0: inside <a> (no nested links) */
  int sect[8]; /* levels of the open <section>s */
  int nsect;
  const tb_node *fn_root;     /* the footnote definition being written */
  const tb_node *prefix_node; /* the paragraph that starts with prefix */
  tb_buf prefix;
} render;

static frame *push(render *r, const tb_node *n) {
  tb_grow(&r->st, &r->cap, r->n + 1, sizeof *r->st);
  frame *f = &r->st[r->n++];
  memset(f, 0, sizeof *f);
  f->node = n;
  f->close = "";
  return f;
}

static frame *parent_frame(render *r) { return r->n >= 2 ? &r->st[r->n - 2] : NULL; }

/* True when need more nested elements keep the output under TB_EPUB_MAX_DEPTH. */
static bool fits(const render *r, int need) { return r->flat == 0 && r->depth + need <= TB_EPUB_MAX_DEPTH; }

/* Makes frame f the start of a flattened region: its subtree keeps its text, loses its elements. */
static void flatten(render *r, frame *f, bool separator) {
  if (r->flat == 0)
    f->flat = true;
  if (f->flat)
    r->flat++;
  f->separator = separator;
}

static void opened(render *r, frame *f, const char *close) {
  f->close = close;
  f->opened = 1;
  r->depth++;
}

/* ---- page markers ---- */

static size_t marks_first(const tb_epub_book *b, const tb_node *n) {
  size_t lo = 0, hi = b->nmarks;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((uintptr_t)b->marks[mid].node < (uintptr_t)n)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static void put_mark(render *r, size_t page) {
  const tb_epub_page *pg = &r->b->pages[page];
  tb_epub_record *c = r->c;
  if (c->page_chapter[page] >= 0)
    return; /* written already: ids stay unique */
  tb_buf *o = r->out;
  tb_buf_printf(o, "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"%s\" title=\"", pg->id);
  tb_epub_escape_str(o, pg->label);
  tb_buf_puts(o, "\" aria-label=\"");
  tb_epub_escape_str(o, tb_i18n(r->lang, TB_STR_PAGE));
  tb_buf_putc(o, ' ');
  tb_epub_escape_str(o, pg->label);
  tb_buf_puts(o, "\"></span>");
  c->page_chapter[page] = (int)r->ci;
  c->page_seq[page] = c->seq++;
}

/* Markers of pages that begin at node n (a block: just before its element, or inside it). */
static void put_marks(render *r, const tb_node *n) {
  const tb_epub_book *b = r->b;
  for (size_t k = marks_first(b, n); k < b->nmarks && b->marks[k].node == n; k++)
    put_mark(r, b->marks[k].page);
}

/* Markers of every node in n's subtree (for nodes written as a whole: images, figures). */
static void put_marks_subtree(render *r, const tb_node *n) {
  if (r->b->nmarks == 0)
    return;
  tb_iter it;
  tb_iter_init(&it, n);
  tb_event ev;
  while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE)
    if (ev == TB_EVENT_ENTER)
      put_marks(r, it.cur);
}

/* A text node's literal, escaped, with each page's marker exactly before its first word. */
static void put_literal(render *r, const tb_node *n) {
  const tb_epub_book *b = r->b;
  const char *s = n->literal ? n->literal : "";
  size_t len = n->literal ? n->literal_len : 0, pos = 0;
  for (size_t k = marks_first(b, n); k < b->nmarks && b->marks[k].node == n; k++) {
    size_t off = b->marks[k].offset < len ? b->marks[k].offset : len;
    while (off > pos && off < len && tb_utf8_is_cont((unsigned char)s[off]))
      off--; /* never split a UTF-8 sequence */
    if (off < pos)
      off = pos;
    tb_epub_escape(r->out, s + pos, off - pos);
    put_mark(r, b->marks[k].page);
    pos = off;
  }
  tb_epub_escape(r->out, s + pos, len - pos);
}

/* ---- pieces ---- */

static const char *heading_id(const render *r, const tb_node *n, int *index) {
  int i = n->as.heading.index;
  *index = -1;
  if (i < 0 || (size_t)i >= r->doc->nheadings || r->doc->headings[i].node != n)
    return NULL;
  *index = i;
  return r->doc->headings[i].id;
}

/* href of a link into h; false when it is written as plain text: an internal link resolves to the
 * chapter file that shows the heading, an absolute URL is kept (percent-encoded), anything else
 * (relative files, unknown fragments) cannot work inside the EPUB and keeps only its text. */
static bool link_href(render *r, const tb_node *n, tb_buf *h) {
  const tb_doc *doc = r->doc;
  const char *url = n->as.link.url;
  int hi = n->as.link.heading;
  if (hi < 0 && url && url[0] == '#' && url[1])
    hi = tb_doc_find_heading(doc, url + 1);
  if (hi >= 0 && (size_t)hi < doc->nheadings) {
    int ch = r->b->heading_chapter[hi];
    if (ch < 0)
      return false;
    if ((size_t)ch != r->ci) {
      char name[TB_EPUB_NAME_MAX];
      tb_epub_chapter_name((size_t)ch, name);
      tb_buf_puts(h, name);
    }
    tb_buf_putc(h, '#');
    tb_buf_puts(h, doc->headings[hi].id);
    return true;
  }
  if (!url_linkable(url))
    return false;
  put_url(h, url);
  return true;
}

static void put_open_link(render *r, const tb_buf *href, const char *title) {
  tb_buf_puts(r->out, "<a href=\"");
  tb_epub_escape(r->out, href->data, href->len);
  tb_buf_putc(r->out, '"');
  if (tb_epub_has_text(title)) {
    tb_buf_puts(r->out, " title=\"");
    tb_epub_escape_str(r->out, title);
    tb_buf_putc(r->out, '"');
  }
  tb_buf_putc(r->out, '>');
}

/* Alt text: the image's own text, else its title, else the generic word. */
static void image_alt(const render *r, const tb_node *n, tb_buf *alt) {
  tb_node_plain_text(n, alt);
  if (!tb_epub_has_text(alt->data)) {
    tb_buf_clear(alt);
    tb_buf_puts(alt, tb_epub_has_text(n->as.link.title) ? n->as.link.title : tb_i18n(r->lang, TB_STR_IMAGE));
  }
}

/* An image inline: <img> when we carry the file; otherwise never fetched: its alt text, as a link
 * to the URL when that is an absolute one. */
/* <img width height> from the source's HTML, kept in proportion (the CSS keeps height:auto) */
static void put_image_size(tb_buf *o, const tb_node *n) {
  int w, h;
  if ((n->image.want_w > 0 || n->image.want_h > 0) && tb_node_image_size(n, &w, &h))
    tb_buf_printf(o, " width=\"%d\" height=\"%d\"", w, h);
}

static void put_image(render *r, const tb_node *n) {
  tb_buf *o = r->out;
  tb_buf alt = {0}, href = {0};
  image_alt(r, n, &alt);
  const tb_epub_image *img = tb_epub_find_image(r->b, n);
  if (img) {
    tb_buf_printf(o, "<img src=\"%s\"", img->name);
    put_image_size(o, n);
    tb_buf_puts(o, " alt=\"");
    tb_epub_escape(o, alt.data, alt.len);
    tb_buf_puts(o, "\"/>");
  } else if (r->flat == 0 && r->in_link == 0 && url_linkable(n->as.link.url)) {
    put_url(&href, n->as.link.url);
    put_open_link(r, &href, n->as.link.title);
    tb_epub_escape(o, alt.data, alt.len);
    tb_buf_puts(o, "</a>");
  } else if (r->flat == 0) {
    tb_buf_puts(o, "<span class=\"image-alt\">");
    tb_epub_escape(o, alt.data, alt.len);
    tb_buf_puts(o, "</span>");
  } else {
    tb_epub_escape(o, alt.data, alt.len);
  }
  tb_buf_free(&alt);
  tb_buf_free(&href);
}

/* A paragraph holding only an image we carry: a figure. The caption is the title, else the alt
 * text; when it repeats the alt text it is hidden from screen readers (read once, as pandoc does). */
static void put_figure(render *r, const tb_node *n, const tb_epub_image *img) {
  tb_buf *o = r->out;
  tb_buf alt = {0};
  image_alt(r, n, &alt);
  const char *caption = tb_epub_has_text(n->as.link.title) ? n->as.link.title : NULL;
  tb_buf plain = {0};
  tb_node_plain_text(n, &plain);
  if (!caption && tb_epub_has_text(plain.data))
    caption = plain.data;
  tb_buf_printf(o, "<figure>\n<img src=\"%s\"", img->name);
  put_image_size(o, n);
  tb_buf_puts(o, " alt=\"");
  tb_epub_escape(o, alt.data, alt.len);
  tb_buf_puts(o, "\"/>\n");
  if (caption) {
    tb_buf_puts(o, strcmp(caption, alt.data) == 0 ? "<figcaption aria-hidden=\"true\">" : "<figcaption>");
    tb_epub_escape_str(o, caption);
    tb_buf_puts(o, "</figcaption>\n");
  }
  tb_buf_puts(o, "</figure>\n");
  tb_buf_free(&alt);
  tb_buf_free(&plain);
}

static void put_prefix(render *r, const tb_node *n) {
  if (r->prefix_node != n)
    return;
  tb_buf_put(r->out, r->prefix.data, r->prefix.len);
  r->prefix_node = NULL;
}

static void put_footnote_ref(render *r, const tb_node *n) {
  const tb_epub_book *b = r->b;
  tb_epub_record *c = r->c;
  tb_buf *o = r->out;
  int k = n->as.footnote.number;
  bool valid = k >= 1 && (size_t)k <= r->doc->nfootnotes && r->doc->footnotes[k - 1];
  int fc = valid ? b->fn_chapter[k - 1] : -1;
  if (fc < 0) {
    tb_buf_printf(o, "<sup>%d</sup>", k); /* no such note: the number, unlinked */
    return;
  }
  /* The first reference gets fn-ref-K (the note's back link goes there), later ones fn-ref-K-N. */
  int nth = ++c->fn_refs[k - 1];
  char id[48];
  if (nth == 1) {
    (void)snprintf(id, sizeof id, "fn-ref-%d", k);
    c->fn_ref_chapter[k - 1] = (int)r->ci;
  } else {
    (void)snprintf(id, sizeof id, "fn-ref-%d-%d", k, nth);
  }
  if (r->in_link) {
    tb_buf_printf(o, "<sup id=\"%s\">%d</sup>", id, k); /* no <a> inside <a> */
    return;
  }
  char file[TB_EPUB_NAME_MAX] = "";
  if ((size_t)fc != r->ci)
    tb_epub_chapter_name((size_t)fc, file);
  tb_buf_printf(o,
                "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" href=\"%s#fn-%d\" id=\"%s\">%d</a>"
                "</sup>",
                file, k, id, k);
}

static void open_section(render *r, int level, int index, const char *id) {
  tb_buf *o = r->out;
  while (r->nsect > 0 && r->sect[r->nsect - 1] >= level) {
    tb_buf_puts(o, "</section>\n");
    r->nsect--;
    r->depth--;
  }
  tb_buf_puts(o, "<section");
  if (r->doc->chapters[r->ci].heading == index)
    tb_buf_puts(o, " epub:type=\"chapter\" role=\"doc-chapter\"");
  /* named by its heading only when no other section of the file has that name: a named section
   * is a region landmark, and two landmarks of one role may not share a name (Ace's
   * landmark-unique; an API reference repeats "Event: 'close'" under each class) */
  if (index < 0 || (size_t)index >= r->doc->nheadings || !r->b->heading_name_shared[index]) {
    tb_buf_puts(o, " aria-labelledby=\"");
    tb_epub_escape_str(o, id);
    tb_buf_puts(o, "\"");
  }
  tb_buf_puts(o, ">\n");
  r->sect[r->nsect++] = level;
  r->depth++;
}

static void close_sections(render *r) {
  for (; r->nsect > 0; r->nsect--, r->depth--)
    tb_buf_puts(r->out, "</section>\n");
}

/* "language-c" from an info string's first word, keeping only class-safe characters. */
static void put_code_class(tb_buf *o, const char *info) {
  if (!info)
    return;
  size_t start = o->len;
  tb_buf_puts(o, " class=\"language-");
  size_t mark = o->len;
  for (const char *p = info; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
    char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '+' || c == '.' || c == '#')
      tb_buf_putc(o, c);
  }
  if (o->len == mark) {
    o->len = start; /* nothing usable: no class */
    o->data[start] = 0;
  } else {
    tb_buf_putc(o, '"');
  }
}

static const char *const close_h[7] = {"", "</h1>\n", "</h2>\n", "</h3>\n", "</h4>\n", "</h5>\n", "</h6>\n"};

static bool tight_paragraph(const tb_node *n) {
  const tb_node *item = n->parent;
  return item && item->type == TB_NODE_ITEM && item->parent && item->parent->type == TB_NODE_LIST &&
         item->parent->as.list.tight;
}

/* The markup of a block only raw HTML makes (input/html.c); a part out of its place (a summary
 * not opening its details, a term or description outside a written list) is a plain block. */
static const char *html_block(const render *r, const tb_node *n, const char **close) {
  const frame *pf = r->n >= 2 ? &r->st[r->n - 2] : NULL;
  bool in = pf && pf->node == n->parent && pf->opened;
  tb_node_type t = n->type;
  if (t == TB_NODE_SUMMARY && in && n->parent->type == TB_NODE_DETAILS && n->parent->first == n)
    return *close = "</summary>\n", "<summary>";
  if (t == TB_NODE_DEF_TERM || t == TB_NODE_DEF_DESC)
    in = in && n->parent->type == TB_NODE_DEF_LIST;
  return t == TB_NODE_DETAILS    ? (*close = "</details>\n", "<details open=\"open\">\n")
         : t == TB_NODE_SUMMARY  ? (*close = "</strong></p>\n", "<p><strong>")
         : t == TB_NODE_DEF_LIST ? (*close = "</dl>\n", "<dl>\n")
         : t == TB_NODE_DEF_TERM ? (*close = in ? "</dt>\n" : "</p>\n", in ? "<dt>" : "<p>")
         : t == TB_NODE_DEF_DESC ? (*close = in ? "</dd>\n" : "</div>\n", in ? "<dd>" : "<div>")
                                 : (*close = "</div>\n", "<div class=\"align-center\">\n");
}

/* ENTER of n. Containers push a frame (popped by leave()) unless their children are skipped. */
static void enter(render *r, tb_iter *it, const tb_node *n) {
  const tb_epub_book *b = r->b;
  tb_buf *o = r->out;
  frame *f;
  switch (n->type) {
  case TB_NODE_NONE: break;

  case TB_NODE_ROOT:
    push(r, n);
    put_marks(r, n);
    break;

  case TB_NODE_BLOCK_QUOTE:
    f = push(r, n);
    put_marks(r, n);
    if (!fits(r, 1)) {
      flatten(r, f, false);
      break;
    }
    tb_buf_puts(o, "<blockquote>\n");
    opened(r, f, "</blockquote>\n");
    break;

  case TB_NODE_LIST:
    f = push(r, n);
    put_marks(r, n);
    if (!fits(r, 2)) { /* <ul> and its <li>s go together */
      flatten(r, f, false);
      break;
    }
    if (n->as.list.ordered) {
      if (n->as.list.start != 1)
        tb_buf_printf(o, "<ol start=\"%d\">\n", n->as.list.start);
      else
        tb_buf_puts(o, "<ol>\n");
      opened(r, f, "</ol>\n");
    } else {
      tb_buf_puts(o, "<ul>\n");
      opened(r, f, "</ul>\n");
    }
    break;

  case TB_NODE_ITEM: {
    f = push(r, n);
    const frame *pf = parent_frame(r);
    bool in_list = pf && pf->node == n->parent && n->parent->type == TB_NODE_LIST && pf->opened;
    /* Task boxes are characters, not <input type="checkbox">: a form control needs a label (axe
     * / Ace flag an unlabelled one, and we have no word for it), and ☐/☑ show on every reader
     * and are announced by name. */
    const char *box = n->as.item.task == 2   ? "<span class=\"task\">\xE2\x98\x91</span> "
                      : n->as.item.task == 1 ? "<span class=\"task\">\xE2\x98\x90</span> "
                                             : NULL;
    if (r->flat || !in_list) {
      flatten(r, f, true);
      put_marks(r, n);
      if (box)
        tb_buf_puts(o, n->as.item.task == 2 ? "\xE2\x98\x91 " : "\xE2\x98\x90 ");
      break;
    }
    tb_buf_puts(o, box ? "<li class=\"task\">" : "<li>");
    opened(r, f, "</li>\n");
    put_marks(r, n); /* inside: a <span> may not stand directly in <ul> */
    if (box) {
      if (n->first && n->first->type == TB_NODE_PARAGRAPH) {
        tb_buf_clear(&r->prefix);
        tb_buf_puts(&r->prefix, box);
        r->prefix_node = n->first;
      } else {
        tb_buf_puts(o, box);
      }
    }
    break;
  }

  case TB_NODE_CODE_BLOCK:
  case TB_NODE_HTML_BLOCK:
    /* Raw HTML is never passed through as markup: it is shown as escaped text in a code element,
     * the safest choice (no script, no invalid XHTML) that still keeps the content. */
    if (fits(r, 3)) { /* pre, code and a marker span */
      if (n->type == TB_NODE_CODE_BLOCK) {
        tb_buf_puts(o, "<pre><code");
        put_code_class(o, n->as.code.info);
        tb_buf_putc(o, '>');
      } else {
        tb_buf_puts(o, "<pre class=\"raw-html\"><code>");
      }
      put_literal(r, n);
      tb_buf_puts(o, "</code></pre>\n");
    } else {
      put_literal(r, n);
      tb_buf_puts(o, "<br/>\n");
    }
    break;

  case TB_NODE_PARAGRAPH: {
    const tb_epub_image *img = n->first && n->first == n->last ? tb_epub_find_image(b, n->first) : NULL;
    if (img && fits(r, 2)) {
      put_marks_subtree(r, n);
      if (r->prefix_node == n) {
        tb_buf_puts(o, "<p>");
        put_prefix(r, n);
        tb_buf_puts(o, "</p>\n");
      }
      put_figure(r, n->first, img);
      tb_iter_skip_children(it); /* written whole: no frame */
      break;
    }
    f = push(r, n);
    put_marks(r, n);
    if (!fits(r, 1)) {
      flatten(r, f, true);
    } else if (tight_paragraph(n)) {
      f->close = n->next ? "\n" : ""; /* a tight list item holds its text without <p> */
    } else {
      tb_buf_puts(o, "<p>");
      opened(r, f, "</p>\n");
    }
    put_prefix(r, n);
    break;
  }

  case TB_NODE_HEADING: {
    int index;
    const char *id = heading_id(r, n, &index);
    int level = n->as.heading.level < 1 ? 1 : n->as.heading.level > 6 ? 6 : n->as.heading.level;
    /* A section per heading of the chapter's top level, nested by level (sections cannot cross a
     * blockquote or list, so headings inside those get no section). */
    if (id && r->flat == 0 && n->parent && n->parent->type == TB_NODE_ROOT && r->fn_root == NULL)
      open_section(r, level, index, id);
    f = push(r, n);
    put_marks(r, n);
    if (!fits(r, 1)) {
      flatten(r, f, true);
      if (id) { /* keep the target of toc entries and links */
        tb_buf_puts(o, "<span id=\"");
        tb_epub_escape_str(o, id);
        tb_buf_puts(o, "\"></span>");
      }
    } else {
      tb_buf_printf(o, "<h%d", level);
      if (id) {
        tb_buf_puts(o, " id=\"");
        tb_epub_escape_str(o, id);
        tb_buf_putc(o, '"');
      }
      tb_buf_putc(o, '>');
      opened(r, f, close_h[level]);
    }
    if (index >= 0)
      r->c->heading_seq[index] = r->c->seq++;
    break;
  }

  case TB_NODE_THEMATIC_BREAK:
    put_marks(r, n);
    tb_buf_puts(o, fits(r, 1) ? "<hr/>\n" : "<br/>\n");
    break;

  case TB_NODE_TABLE:
    f = push(r, n);
    put_marks(r, n);
    if (!fits(r, 4)) { /* table, thead/tbody, tr, th/td */
      flatten(r, f, false);
      break;
    }
    tb_buf_puts(o, "<table>\n");
    opened(r, f, "</table>\n");
    break;

  case TB_NODE_TABLE_ROW: {
    f = push(r, n);
    frame *tf = parent_frame(r);
    if (r->flat || !tf || tf->node != n->parent || n->parent->type != TB_NODE_TABLE || !tf->opened) {
      flatten(r, f, true);
      put_marks(r, n);
      break;
    }
    if (n->as.row.header && tf->part != 2) {
      if (tf->part == 0) {
        tb_buf_puts(o, "<thead>\n");
        tf->part = 1;
        r->depth++;
      }
      f->header = true;
    } else {
      if (tf->part == 1) {
        tb_buf_puts(o, "</thead>\n");
        r->depth--;
      }
      if (tf->part != 2) {
        tb_buf_puts(o, "<tbody>\n");
        tf->part = 2;
        r->depth++;
      }
    }
    tb_buf_puts(o, "<tr>");
    opened(r, f, "</tr>\n");
    /* A marker may not stand in <tr>: it waits for the first cell. */
    size_t k = marks_first(b, n);
    f->row_marks = k < b->nmarks && b->marks[k].node == n;
    break;
  }

  case TB_NODE_TABLE_CELL: {
    f = push(r, n);
    frame *rf = parent_frame(r);
    if (r->flat || !rf || rf->node != n->parent || !rf->opened) {
      flatten(r, f, false);
      f->close = " ";
      put_marks(r, n);
      break;
    }
    int col = rf->cells++;
    const tb_node *table = n->parent->parent;
    char align = 0;
    if (table && table->type == TB_NODE_TABLE && table->as.table.align && col < table->as.table.ncols)
      align = table->as.table.align[col];
    tb_buf_puts(o, rf->header ? "<th scope=\"col\"" : "<td");
    /* Alignment by class, not a style attribute: reading systems and user style sheets can
     * override a class. */
    if (align == 'l')
      tb_buf_puts(o, " class=\"align-left\"");
    else if (align == 'c')
      tb_buf_puts(o, " class=\"align-center\"");
    else if (align == 'r')
      tb_buf_puts(o, " class=\"align-right\"");
    tb_buf_putc(o, '>');
    opened(r, f, rf->header ? "</th>" : "</td>");
    if (rf->row_marks) {
      put_marks(r, rf->node);
      rf->row_marks = false;
    }
    put_marks(r, n);
    break;
  }

  case TB_NODE_DETAILS:
  case TB_NODE_SUMMARY:
  case TB_NODE_DEF_LIST:
  case TB_NODE_DEF_TERM:
  case TB_NODE_DEF_DESC:
  case TB_NODE_CENTER: {
    f = push(r, n);
    put_marks(r, n);
    const char *close, *open = html_block(r, n, &close);
    if (!fits(r, 2)) {
      flatten(r, f, true);
      break;
    }
    tb_buf_puts(o, open);
    opened(r, f, close);
    break;
  }

  case TB_NODE_ANCHOR: /* a link target: an empty element with its id */
    if (n->as.heading.index >= 0 && (size_t)n->as.heading.index < r->doc->nheadings &&
        r->doc->headings[n->as.heading.index].node == n) {
      tb_buf_puts(o, "<span id=\"");
      tb_epub_escape_str(o, r->doc->headings[n->as.heading.index].id);
      tb_buf_puts(o, "\"></span>");
    }
    break;

  case TB_NODE_FOOTNOTE_DEF:
    if (n != r->fn_root) {
      tb_iter_skip_children(it); /* written at the end of the chapter that cites it */
      break;
    }
    f = push(r, n);
    tb_buf_printf(o, "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-%d\" aria-label=\"",
                  n->as.footnote.number);
    tb_epub_escape_str(o, tb_i18n(r->lang, TB_STR_FOOTNOTE));
    tb_buf_printf(o, " %d\">\n", n->as.footnote.number);
    opened(r, f, "</aside>\n");
    put_marks(r, n);
    if (r->prefix_node && r->prefix_node != n->first) { /* no leading paragraph to carry it */
      tb_buf_puts(o, "<p>");
      put_prefix(r, r->prefix_node);
      tb_buf_puts(o, "</p>\n");
    }
    break;

  case TB_NODE_TEXT: put_literal(r, n); break;

  case TB_NODE_SOFTBREAK:
    put_marks(r, n);
    tb_buf_putc(o, '\n');
    break;

  case TB_NODE_LINEBREAK:
    put_marks(r, n);
    tb_buf_puts(o, "<br/>\n");
    break;

  case TB_NODE_CODE:
  case TB_NODE_HTML_INLINE: /* raw HTML: escaped text in <code>, as for HTML_BLOCK above */
    if (fits(r, 2)) {
      tb_buf_puts(o, n->type == TB_NODE_CODE ? "<code>" : "<code class=\"raw-html\">");
      put_literal(r, n);
      tb_buf_puts(o, "</code>");
    } else {
      put_literal(r, n);
    }
    break;

  case TB_NODE_EMPH:
  case TB_NODE_STRONG:
  case TB_NODE_STRIKETHROUGH:
  case TB_NODE_KBD:
  case TB_NODE_SUP:
  case TB_NODE_SUB:
    f = push(r, n);
    put_marks(r, n);
    if (!fits(r, 1)) {
      flatten(r, f, false);
    } else if (n->type == TB_NODE_KBD || n->type == TB_NODE_SUP || n->type == TB_NODE_SUB) {
      const char *t = n->type == TB_NODE_KBD ? "kbd" : n->type == TB_NODE_SUP ? "sup" : "sub";
      tb_buf_printf(o, "<%s>", t);
      opened(r, f, n->type == TB_NODE_KBD ? "</kbd>" : n->type == TB_NODE_SUP ? "</sup>" : "</sub>");
    } else if (n->type == TB_NODE_EMPH) {
      tb_buf_puts(o, "<em>");
      opened(r, f, "</em>");
    } else if (n->type == TB_NODE_STRONG) {
      tb_buf_puts(o, "<strong>");
      opened(r, f, "</strong>");
    } else {
      tb_buf_puts(o, "<del>");
      opened(r, f, "</del>");
    }
    break;

  case TB_NODE_LINK: {
    f = push(r, n);
    put_marks(r, n);
    if (!fits(r, 1)) {
      flatten(r, f, false);
      break;
    }
    tb_buf href = {0};
    if (r->in_link == 0 && link_href(r, n, &href)) {
      put_open_link(r, &href, n->as.link.title);
      opened(r, f, "</a>");
      f->link = true;
      r->in_link++;
    }
    tb_buf_free(&href);
    break;
  }

  case TB_NODE_IMAGE:
    put_marks_subtree(r, n);
    put_image(r, n);
    tb_iter_skip_children(it); /* the alt text is written as an attribute: no frame */
    break;

  case TB_NODE_FOOTNOTE_REF:
    put_marks(r, n);
    put_footnote_ref(r, n);
    break;

  default: assert(0); break;
  }
}

static void leave(render *r, const tb_node *n) {
  /* Nodes whose children were skipped have no frame. */
  if (r->n == 0 || r->st[r->n - 1].node != n)
    return;
  frame f = r->st[--r->n];
  tb_buf *o = r->out;
  if (n->type == TB_NODE_ROOT)
    close_sections(r);
  if (n->type == TB_NODE_TABLE && f.opened) {
    if (f.part == 1)
      tb_buf_puts(o, "</thead>\n");
    if (f.part != 0)
      r->depth--;
    if (f.part == 2)
      tb_buf_puts(o, "</tbody>\n");
  }
  tb_buf_puts(o, f.close);
  r->depth -= f.opened;
  if (f.link)
    r->in_link--;
  if (f.flat)
    r->flat--;
  if (f.separator && (f.flat || r->flat))
    tb_buf_puts(o, "<br/>\n");
}

static void walk(render *r, const tb_node *root) {
  tb_iter it;
  tb_iter_init(&it, root);
  tb_event ev;
  while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
    if (ev == TB_EVENT_ENTER)
      enter(r, &it, it.cur);
    else if (ev == TB_EVENT_EXIT)
      leave(r, it.cur);
  }
  while (r->n > 0) /* a walk always balances; this only guards a malformed tree */
    leave(r, r->st[r->n - 1].node);
}

/* Footnote K at the end of the chapter: its number opens it, as the back link to the first
 * reference when one was written. */
static void put_footnote(render *r, int k) {
  const tb_node *def = r->doc->footnotes[k - 1];
  tb_buf *p = &r->prefix;
  tb_buf_clear(p);
  int rc = r->c->fn_ref_chapter[k - 1];
  if (rc >= 0) {
    char file[TB_EPUB_NAME_MAX] = "";
    if ((size_t)rc != r->ci)
      tb_epub_chapter_name((size_t)rc, file);
    tb_buf_printf(p, "<a href=\"%s#fn-ref-%d\" role=\"doc-backlink\" title=\"", file, k);
    tb_epub_escape_str(p, tb_i18n(r->lang, TB_STR_BACK));
    tb_buf_printf(p, "\">%d</a>. ", k);
  } else {
    tb_buf_printf(p, "<span class=\"fn-label\">%d</span>. ", k);
  }
  r->prefix_node = def->first && def->first->type == TB_NODE_PARAGRAPH ? def->first : def;
  r->fn_root = def;
  walk(r, def);
  r->fn_root = NULL;
  r->prefix_node = NULL;
}

/* ---- a chapter's body ---- */

const char *tb_epub_xhtml_body(const tb_epub_book *b, tb_epub_record *c, size_t ci, tb_buf *body) {
  const tb_doc *doc = b->doc;
  const tb_chapter *ch = &doc->chapters[ci];
  render r;
  memset(&r, 0, sizeof r);
  r.b = b;
  r.c = c;
  r.doc = doc;
  r.ci = ci;
  r.lang = ch->lang && *ch->lang ? ch->lang : b->lang;
  r.out = body;
  r.depth = 2; /* html, body */
  c->chapter_seq[ci] = c->seq++;
  if (ch->root)
    walk(&r, ch->root);

  /* The notes this chapter shows, in number order. */
  bool any = false;
  for (size_t k = 1; k <= doc->nfootnotes; k++) {
    if (b->fn_chapter[k - 1] != (int)ci || !doc->footnotes[k - 1])
      continue;
    if (!any) {
      tb_buf_puts(body, "<section class=\"footnotes\" aria-label=\"");
      tb_epub_escape_str(body, tb_i18n(r.lang, TB_STR_FOOTNOTES));
      tb_buf_puts(body, "\">\n");
      r.depth++;
      any = true;
    }
    put_footnote(&r, (int)k);
  }
  if (any)
    tb_buf_puts(body, "</section>\n");
  free(r.st);
  tb_buf_free(&r.prefix);
  return r.lang;
}
