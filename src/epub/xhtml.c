// xhtml.c -- XHTML content documents: chapters walked from the model (as cmark's html.c walks its
// AST), with page markers and footnotes; the title page, the cover page and the generated cover.
#include "epub/epub.h"
#include "util/url.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"

/* ---- escaping ---- */

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not one (overlong forms,
 * surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *p, const unsigned char *end) {
  size_t avail = (size_t)(end - p);
  unsigned c = p[0];
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    return avail >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
      return 0;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
      return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
      return 0;
    if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
      return 0;
    return 4;
  }
  return 0;
}

void tb_epub_escape(tb_buf *out, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
  while (p < end) {
    const char *rep = NULL;
    size_t len = 1;
    unsigned c = *p;
    if (c < 0x80) {
      if (c == '&')
        rep = "&amp;";
      else if (c == '<')
        rep = "&lt;";
      else if (c == '>')
        rep = "&gt;"; /* also makes "]]>" harmless */
      else if (c == '"')
        rep = "&quot;";
      else if (c < 0x20 && c != '\t' && c != '\n')
        rep = ""; /* not allowed in XML 1.0 (CR is dropped too: the parser would normalize it) */
    } else {
      len = utf8_len(p, end);
      if (len == 0) {
        rep = "\xEF\xBF\xBD"; /* U+FFFD for a byte that is not UTF-8 */
        len = 1;
      } else if (len == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
        rep = ""; /* U+FFFE, U+FFFF: not XML characters */
      }
    }
    if (rep) {
      tb_buf_put(out, run, (size_t)(p - run));
      tb_buf_puts(out, rep);
      p += len;
      run = p;
    } else {
      p += len;
    }
  }
  tb_buf_put(out, run, (size_t)(p - run));
}

void tb_epub_escape_str(tb_buf *out, const char *s) {
  if (s)
    tb_epub_escape(out, s, strlen(s));
}

static bool has_text(const char *s) {
  for (; s && *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
      return true;
  return false;
}

void tb_epub_xhtml_open(tb_buf *out, const char *lang, const char *title, bool epub_ns) {
  tb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
                   "<html xmlns=\"http://www.w3.org/1999/xhtml\" ");
  if (epub_ns)
    tb_buf_puts(out, "xmlns:epub=\"http://www.idpf.org/2007/ops\" ");
  tb_buf_puts(out, "lang=\"");
  tb_epub_escape_str(out, lang);
  tb_buf_puts(out, "\" xml:lang=\"");
  tb_epub_escape_str(out, lang);
  tb_buf_puts(out, "\">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>");
  tb_epub_escape_str(out, has_text(title) ? title : "-");
  tb_buf_puts(out, "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"css/terbit.css\"/>\n"
                   "</head>\n<body");
}

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
  tb_epub_book *b;
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
static bool fits(const render *r, int need) {
  return r->flat == 0 && r->depth + need <= TB_EPUB_MAX_DEPTH;
}

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
  tb_epub_page *pg = &r->b->pages[page];
  if (pg->chapter >= 0)
    return; /* written already: ids stay unique */
  tb_buf *o = r->out;
  tb_buf_printf(o, "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"%s\" title=\"", pg->id);
  tb_epub_escape_str(o, pg->label);
  tb_buf_puts(o, "\" aria-label=\"");
  tb_epub_escape_str(o, tb_i18n(r->lang, TB_STR_PAGE));
  tb_buf_putc(o, ' ');
  tb_epub_escape_str(o, pg->label);
  tb_buf_puts(o, "\"></span>");
  pg->chapter = (int)r->ci;
  pg->seq = r->b->seq++;
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
    while (off > pos && off < len && ((unsigned char)s[off] & 0xC0) == 0x80)
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
  if (has_text(title)) {
    tb_buf_puts(r->out, " title=\"");
    tb_epub_escape_str(r->out, title);
    tb_buf_putc(r->out, '"');
  }
  tb_buf_putc(r->out, '>');
}

/* Alt text: the image's own text, else its title, else the generic word. */
static void image_alt(const render *r, const tb_node *n, tb_buf *alt) {
  tb_node_plain_text(n, alt);
  if (!has_text(alt->data)) {
    tb_buf_clear(alt);
    tb_buf_puts(alt, has_text(n->as.link.title) ? n->as.link.title : tb_i18n(r->lang, TB_STR_IMAGE));
  }
}

/* An image inline: <img> when we carry the file; otherwise never fetched: its alt text, as a link
 * to the URL when that is an absolute one. */
static void put_image(render *r, const tb_node *n) {
  tb_buf *o = r->out;
  tb_buf alt = {0}, href = {0};
  image_alt(r, n, &alt);
  const tb_epub_image *img = tb_epub_find_image(r->b, n);
  if (img) {
    tb_buf_printf(o, "<img src=\"%s\" alt=\"", img->name);
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
  const char *caption = has_text(n->as.link.title) ? n->as.link.title : NULL;
  tb_buf plain = {0};
  tb_node_plain_text(n, &plain);
  if (!caption && has_text(plain.data))
    caption = plain.data;
  tb_buf_printf(o, "<figure>\n<img src=\"%s\" alt=\"", img->name);
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
  tb_epub_book *b = r->b;
  tb_buf *o = r->out;
  int k = n->as.footnote.number;
  bool valid = k >= 1 && (size_t)k <= r->doc->nfootnotes && r->doc->footnotes[k - 1];
  int fc = valid ? b->fn_chapter[k - 1] : -1;
  if (fc < 0) {
    tb_buf_printf(o, "<sup>%d</sup>", k); /* no such note: the number, unlinked */
    return;
  }
  /* The first reference gets fn-ref-K (the note's back link goes there), later ones fn-ref-K-N. */
  int nth = ++b->fn_refs[k - 1];
  char id[48];
  if (nth == 1) {
    (void)snprintf(id, sizeof id, "fn-ref-%d", k);
    b->fn_ref_chapter[k - 1] = (int)r->ci;
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
  tb_buf_puts(o, " aria-labelledby=\"");
  tb_epub_escape_str(o, id);
  tb_buf_puts(o, "\">\n");
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
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '+' || c == '.' || c == '#')
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

/* ENTER of n. Containers push a frame (popped by leave()) unless their children are skipped. */
static void enter(render *r, tb_iter *it, const tb_node *n) {
  tb_epub_book *b = r->b;
  tb_buf *o = r->out;
  frame *f;
  switch (n->type) {
  case TB_NODE_NONE:
    break;

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
    const char *box = n->as.item.task == 2 ? "<span class=\"task\">\xE2\x98\x91</span> "
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
      b->heading_seq[index] = b->seq++;
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

  case TB_NODE_TEXT:
    put_literal(r, n);
    break;

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
    f = push(r, n);
    put_marks(r, n);
    if (!fits(r, 1)) {
      flatten(r, f, false);
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

  default:
    assert(0);
    break;
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
  tb_epub_book *b = r->b;
  const tb_node *def = r->doc->footnotes[k - 1];
  tb_buf *p = &r->prefix;
  tb_buf_clear(p);
  int rc = b->fn_ref_chapter[k - 1];
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

void tb_epub_xhtml_chapter(tb_epub_book *b, size_t ci, tb_buf *out) {
  const tb_doc *doc = b->doc;
  const tb_chapter *ch = &doc->chapters[ci];
  render r;
  memset(&r, 0, sizeof r);
  r.b = b;
  r.doc = doc;
  r.ci = ci;
  r.lang = ch->lang && *ch->lang ? ch->lang : b->lang;
  tb_buf body = {0}; /* the body first: the head declares the epub namespace only if used */
  r.out = &body;
  r.depth = 2; /* html, body */
  b->chapter_seq[ci] = b->seq++;
  if (ch->root)
    walk(&r, ch->root);

  /* The notes this chapter shows, in number order. */
  bool any = false;
  for (size_t k = 1; k <= doc->nfootnotes; k++) {
    if (b->fn_chapter[k - 1] != (int)ci || !doc->footnotes[k - 1])
      continue;
    if (!any) {
      tb_buf_puts(&body, "<section class=\"footnotes\" aria-label=\"");
      tb_epub_escape_str(&body, tb_i18n(r.lang, TB_STR_FOOTNOTES));
      tb_buf_puts(&body, "\">\n");
      r.depth++;
      any = true;
    }
    put_footnote(&r, (int)k);
  }
  if (any)
    tb_buf_puts(&body, "</section>\n");
  tb_epub_xhtml_open(out, r.lang, has_text(ch->title) ? ch->title : b->title,
                     body.data && strstr(body.data, "epub:type") != NULL);
  tb_buf_puts(out, ">\n");
  if (body.data)
    tb_buf_put(out, body.data, body.len);
  tb_buf_puts(out, "</body>\n</html>\n");
  tb_buf_free(&body);
  free(r.st);
  tb_buf_free(&r.prefix);
}

/* ---- title page and cover ---- */

/* "5 Mac 2024" from 2024-03-05 (month names in lang); other forms are shown as given. */
static void put_date(tb_buf *o, const char *lang, const char *date) {
  int y, m, d;
  if (tb_date_parse(date, &y, &m, &d)) {
    tb_buf_printf(o, "%d ", d);
    tb_epub_escape_str(o, tb_i18n_month(lang, m));
    tb_buf_printf(o, " %d", y);
  } else {
    tb_epub_escape_str(o, date);
  }
}

static void put_para(tb_buf *o, const char *cls, const char *text) {
  if (!has_text(text))
    return;
  tb_buf_printf(o, "<p class=\"%s\">", cls);
  tb_epub_escape_str(o, text);
  tb_buf_puts(o, "</p>\n");
}

void tb_epub_xhtml_titlepage(const tb_epub_book *b, tb_buf *out) {
  const tb_meta *m = &b->doc->meta;
  tb_epub_xhtml_open(out, b->lang, b->title, /*epub_ns*/ true);
  tb_buf_puts(out, " class=\"titlepage\">\n<section epub:type=\"titlepage\" class=\"titlepage\">\n"
                   "<h1 class=\"title\">");
  tb_epub_escape_str(out, b->title);
  tb_buf_puts(out, "</h1>\n");
  put_para(out, "subtitle", m->subtitle);
  for (size_t i = 0; i < m->nauthors; i++)
    put_para(out, "author", m->authors[i]);
  put_para(out, "category", m->category);
  if (has_text(m->date)) {
    tb_buf_puts(out, "<p class=\"date\">");
    put_date(out, b->lang, m->date);
    tb_buf_puts(out, "</p>\n");
  }
  put_para(out, "rights", m->rights);
  tb_buf_puts(out, "</section>\n</body>\n</html>\n");
}

void tb_epub_xhtml_cover(const tb_epub_book *b, tb_buf *out) {
  tb_epub_xhtml_open(out, b->lang, tb_i18n(b->lang, TB_STR_COVER), /*epub_ns*/ false);
  tb_buf_printf(out, " class=\"cover\">\n<div class=\"cover\"><img role=\"doc-cover\" src=\"%s\" alt=\"",
                b->cover_name);
  tb_epub_escape_str(out, b->title);
  tb_buf_puts(out, "\"/></div>\n</body>\n</html>\n");
}

/* Code points in s[0..n). */
static size_t u8_count(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

typedef struct lines {
  tb_buf *v;
  size_t n, cap;
} lines;

static void lines_free(lines *L) {
  for (size_t i = 0; i < L->n; i++)
    tb_buf_free(&L->v[i]);
  free(L->v);
  memset(L, 0, sizeof *L);
}

/* Greedy word wrap at maxch code points (an SVG text has no wrapping of its own). */
static void wrap(const char *s, size_t maxch, lines *L) {
  size_t cur = 0;
  bool fresh = true; /* each call starts a line of its own */
  const char *p = s ? s : "";
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    if (!*p)
      break;
    const char *w = p;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      p++;
    size_t wl = u8_count(w, (size_t)(p - w));
    if (fresh || (cur > 0 && cur + 1 + wl > maxch)) {
      tb_grow(&L->v, &L->cap, L->n + 1, sizeof *L->v);
      memset(&L->v[L->n++], 0, sizeof *L->v);
      cur = 0;
      fresh = false;
    }
    tb_buf *line = &L->v[L->n - 1];
    if (cur > 0) {
      tb_buf_putc(line, ' ');
      cur++;
    }
    tb_buf_put(line, w, (size_t)(p - w));
    cur += wl;
  }
}

/* Lines centred at x = 300 from baseline y, each at most 480 units wide (estimated: a glyph is
 * about 0.55 em; longer lines are squeezed with textLength). */
static int put_svg_lines(tb_buf *o, const lines *L, int y, int size, const char *weight) {
  for (size_t i = 0; i < L->n; i++, y += size * 6 / 5) {
    /* Presentation attributes on each text, not inherited from a <g>: not every renderer
     * inherits text-anchor. */
    tb_buf_printf(o,
                  "<text x=\"300\" y=\"%d\" fill=\"#f1faee\" font-family=\"serif\" "
                  "text-anchor=\"middle\" font-size=\"%d\" font-weight=\"%s\"",
                  y, size, weight);
    if (u8_count(L->v[i].data, L->v[i].len) * (size_t)size * 55 / 100 > 480)
      tb_buf_puts(o, " textLength=\"480\" lengthAdjust=\"spacingAndGlyphs\"");
    tb_buf_putc(o, '>');
    tb_epub_escape(o, L->v[i].data, L->v[i].len);
    tb_buf_puts(o, "</text>\n");
  }
  return y;
}

void tb_epub_cover_svg(const tb_epub_book *b, tb_buf *out) {
  const tb_meta *m = &b->doc->meta;
  lines title = {0}, sub = {0}, auth = {0};
  /* The title shrinks until it fits 320 units of height. */
  int size = 64;
  for (;; size -= 4) {
    lines_free(&title);
    wrap(b->title, (size_t)(480 * 100 / (size * 55)), &title);
    if ((int)title.n * size * 6 / 5 <= 320 || size <= 24)
      break;
  }
  wrap(m->subtitle, 28, &sub);
  for (size_t i = 0; i < m->nauthors; i++)
    wrap(m->authors[i], 30, &auth);

  tb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"600\" "
                   "height=\"800\" viewBox=\"0 0 600 800\" xml:lang=\"");
  tb_epub_escape_str(out, b->lang);
  tb_buf_puts(out, "\">\n<title>");
  tb_epub_escape_str(out, b->title);
  tb_buf_puts(out, "</title>\n<rect width=\"600\" height=\"800\" fill=\"#1d3557\"/>\n"
                   "<rect x=\"30\" y=\"30\" width=\"540\" height=\"740\" fill=\"none\" "
                   "stroke=\"#f1faee\" stroke-width=\"3\"/>\n");
  int y = put_svg_lines(out, &title, 140 + size, size, "bold");
  if (sub.n)
    put_svg_lines(out, &sub, y + 20, 30, "normal");
  int ay = 720 - (int)(auth.n > 0 ? auth.n - 1 : 0) * 34;
  if (ay < 520)
    ay = 520;
  put_svg_lines(out, &auth, ay, 28, "normal");
  tb_buf_puts(out, "</svg>\n");
  lines_free(&title);
  lines_free(&sub);
  lines_free(&auth);
}
