// doc.c -- the document model: allocation, tree building, heading index, iteration, dump.
#include "doc/doc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

tb_doc *tb_doc_new(void) {
  tb_doc *doc = tb_xcalloc(1, sizeof *doc);
  doc->meta.lang = "ms";
  doc->epoch = 315532800; /* 1980-01-01T00:00:00Z */
  return doc;
}

void tb_doc_free(tb_doc *doc) {
  if (!doc)
    return;
  free(doc->chapters);
  free(doc->headings);
  free(doc->id_slots);
  free(doc->footnotes);
  tb_arena_free(&doc->arena);
  free(doc);
}

tb_node *tb_node_new(tb_doc *doc, tb_node_type type) {
  tb_node *n = tb_arena_alloc(&doc->arena, sizeof *n);
  n->type = type;
  n->as.link.heading = -1;
  return n;
}

void tb_node_append(tb_node *parent, tb_node *child) {
  child->parent = parent;
  child->next = NULL;
  child->prev = parent->last;
  if (parent->last)
    parent->last->next = child;
  else
    parent->first = child;
  parent->last = child;
}

bool tb_node_is_block(const tb_node *n) {
  return n->type >= TB_NODE_FIRST_BLOCK && n->type <= TB_NODE_LAST_BLOCK;
}

bool tb_node_is_container(tb_node_type t) {
  switch (t) {
  case TB_NODE_ROOT:
  case TB_NODE_BLOCK_QUOTE:
  case TB_NODE_LIST:
  case TB_NODE_ITEM:
  case TB_NODE_PARAGRAPH:
  case TB_NODE_HEADING:
  case TB_NODE_TABLE:
  case TB_NODE_TABLE_ROW:
  case TB_NODE_TABLE_CELL:
  case TB_NODE_FOOTNOTE_DEF:
  case TB_NODE_EMPH:
  case TB_NODE_STRONG:
  case TB_NODE_STRIKETHROUGH:
  case TB_NODE_LINK:
  case TB_NODE_IMAGE:
    return true;
  case TB_NODE_NONE:
  case TB_NODE_CODE_BLOCK:
  case TB_NODE_HTML_BLOCK:
  case TB_NODE_THEMATIC_BREAK:
  case TB_NODE_TEXT:
  case TB_NODE_SOFTBREAK:
  case TB_NODE_LINEBREAK:
  case TB_NODE_CODE:
  case TB_NODE_HTML_INLINE:
  case TB_NODE_FOOTNOTE_REF:
    return false;
  }
  return false;
}

const char *tb_node_type_name(tb_node_type t) {
  switch (t) {
  case TB_NODE_NONE: return "none";
  case TB_NODE_ROOT: return "root";
  case TB_NODE_BLOCK_QUOTE: return "block_quote";
  case TB_NODE_LIST: return "list";
  case TB_NODE_ITEM: return "item";
  case TB_NODE_CODE_BLOCK: return "code_block";
  case TB_NODE_HTML_BLOCK: return "html_block";
  case TB_NODE_PARAGRAPH: return "paragraph";
  case TB_NODE_HEADING: return "heading";
  case TB_NODE_THEMATIC_BREAK: return "thematic_break";
  case TB_NODE_TABLE: return "table";
  case TB_NODE_TABLE_ROW: return "table_row";
  case TB_NODE_TABLE_CELL: return "table_cell";
  case TB_NODE_FOOTNOTE_DEF: return "footnote_def";
  case TB_NODE_TEXT: return "text";
  case TB_NODE_SOFTBREAK: return "softbreak";
  case TB_NODE_LINEBREAK: return "linebreak";
  case TB_NODE_CODE: return "code";
  case TB_NODE_HTML_INLINE: return "html_inline";
  case TB_NODE_EMPH: return "emph";
  case TB_NODE_STRONG: return "strong";
  case TB_NODE_STRIKETHROUGH: return "strikethrough";
  case TB_NODE_LINK: return "link";
  case TB_NODE_IMAGE: return "image";
  case TB_NODE_FOOTNOTE_REF: return "footnote_ref";
  }
  return "?";
}

const char *tb_doc_strndup(tb_doc *doc, const char *s, size_t n) {
  return tb_arena_strndup(&doc->arena, s, n);
}

const char *tb_doc_strdup(tb_doc *doc, const char *s) { return tb_arena_strdup(&doc->arena, s); }

bool tb_doc_is_book(const tb_doc *doc) {
  if (doc->meta.doc_class)
    return strcmp(doc->meta.doc_class, "book") == 0;
  if (doc->nsources > 1)
    return true;
  int level1 = 0;
  for (size_t h = 0; h < doc->nheadings && level1 < 2; h++)
    level1 += doc->headings[h].level == 1;
  return level1 >= 2;
}

int tb_doc_add_chapter(tb_doc *doc, const char *title, const char *lang, const char *source) {
  tb_grow(&doc->chapters, &doc->chapters_cap, doc->nchapters + 1, sizeof *doc->chapters);
  tb_chapter *c = &doc->chapters[doc->nchapters];
  memset(c, 0, sizeof *c);
  c->title = title;
  c->lang = lang;
  c->source = source;
  c->heading = -1;
  c->root = tb_node_new(doc, TB_NODE_ROOT);
  c->root->as.root.chapter = (int)doc->nchapters;
  return (int)doc->nchapters++;
}

/* Heading ids are looked up by hash: a book of thousands of same-named headings stays linear
 * (a linear search here made 3,000 headings take seconds; found by fuzzing). */
int tb_doc_find_heading(const tb_doc *doc, const char *id) {
  if (!doc->id_cap)
    return -1;
  for (size_t k = tb_hash_str(id) & (doc->id_cap - 1);; k = (k + 1) & (doc->id_cap - 1)) {
    int v = doc->id_slots[k];
    if (v == 0)
      return -1;
    if (strcmp(doc->headings[v - 1].id, id) == 0)
      return v - 1;
  }
}

static void id_insert(tb_doc *doc, int index) {
  if ((doc->nheadings + 1) * 2 > doc->id_cap) {
    size_t cap = doc->id_cap ? doc->id_cap * 2 : 64;
    int *slots = tb_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < doc->id_cap; i++)
      if (doc->id_slots[i]) {
        size_t k = tb_hash_str(doc->headings[doc->id_slots[i] - 1].id) & (cap - 1);
        while (slots[k])
          k = (k + 1) & (cap - 1);
        slots[k] = doc->id_slots[i];
      }
    free(doc->id_slots);
    doc->id_slots = slots;
    doc->id_cap = cap;
  }
  size_t k = tb_hash_str(doc->headings[index].id) & (doc->id_cap - 1);
  while (doc->id_slots[k])
    k = (k + 1) & (doc->id_cap - 1);
  doc->id_slots[k] = index + 1;
}

void tb_slugify(const char *text, tb_buf *b) {
  size_t start = b->len;
  bool dash = false;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    unsigned char c = *p;
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
    if (c >= 'A' && c <= 'Z') {
      c = (unsigned char)(c - 'A' + 'a');
      keep = true;
    }
    /* Non-ASCII punctuation that often appears in headings: keep it out of ids. */
    if (c == 0xE2 && (p[1] == 0x80 || p[1] == 0x86)) { /* U+2000..U+203F, arrows */
      p += p[2] ? 2 : 1;
      keep = false;
    } else if (c == 0xC2 && p[1] && (p[1] < 0xC0)) { /* Latin-1 punctuation/space U+0080..U+00BF */
      p++;
      keep = false;
    }
    if (keep) {
      if (dash && b->len > start)
        tb_buf_putc(b, '-');
      dash = false;
      tb_buf_putc(b, (char)c);
    } else {
      dash = true;
    }
  }
  if (b->len == start)
    tb_buf_puts(b, "bahagian");
  else if (b->data[start] >= '0' && b->data[start] <= '9') {
    /* XML ids (NCName) may not start with a digit. */
    tb_buf tmp = {0};
    tb_buf_puts(&tmp, "h-");
    tb_buf_put(&tmp, b->data + start, b->len - start);
    b->len = start;
    tb_buf_put(b, tmp.data, tmp.len);
    tb_buf_free(&tmp);
  }
}

int tb_doc_add_heading(tb_doc *doc, tb_node *node, int chapter) {
  tb_buf text = {0}, slug = {0};
  tb_node_plain_text(node, &text);
  tb_slugify(text.data ? text.data : "", &slug);
  /* Ids the backends make themselves (page-N, fn-N, fn-ref-N, the contents' "kandungan") are
   * kept free: a heading whose slug would take such a name gets an "h-" in front. */
  if (!strncmp(slug.data, "page-", 5) || !strncmp(slug.data, "fn-", 3) || !strcmp(slug.data, "kandungan") ||
      !strncmp(slug.data, "cover", 5) || !strncmp(slug.data, "titlepage", 9) || !strncmp(slug.data, "toc", 3)) {
    tb_buf tmp = {0};
    tb_buf_puts(&tmp, "h-");
    tb_buf_put(&tmp, slug.data, slug.len);
    tb_buf_free(&slug);
    slug = tmp;
  }
  /* Unique across the book: keanehan, keanehan-1, keanehan-2 ... (an id taken literally by an
   * earlier heading is skipped too). */
  size_t base = slug.len;
  int owner = tb_doc_find_heading(doc, slug.data);
  if (owner >= 0) {
    /* the next free suffix, starting after the last one this base gave out */
    int k = doc->headings[owner].dups;
    do {
      slug.len = base;
      tb_buf_printf(&slug, "-%d", ++k);
    } while (tb_doc_find_heading(doc, slug.data) >= 0);
    doc->headings[owner].dups = k;
  }
  tb_grow(&doc->headings, &doc->headings_cap, doc->nheadings + 1, sizeof *doc->headings);
  tb_heading *h = &doc->headings[doc->nheadings];
  memset(h, 0, sizeof *h);
  h->level = node->as.heading.level;
  h->text = tb_doc_strndup(doc, text.data ? text.data : "", text.len);
  h->id = tb_doc_strndup(doc, slug.data, slug.len);
  h->chapter = chapter;
  h->node = node;
  node->as.heading.index = (int)doc->nheadings;
  tb_buf_free(&text);
  tb_buf_free(&slug);
  id_insert(doc, (int)doc->nheadings);
  return (int)doc->nheadings++;
}

void tb_node_plain_text(const tb_node *n, tb_buf *b) {
  tb_iter it;
  tb_iter_init(&it, n);
  tb_event ev;
  while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
    const tb_node *c = it.cur;
    if (ev != TB_EVENT_ENTER)
      continue;
    if (c->type == TB_NODE_TEXT || c->type == TB_NODE_CODE || c->type == TB_NODE_HTML_INLINE)
      tb_buf_put(b, c->literal, c->literal_len);
    else if (c->type == TB_NODE_SOFTBREAK || c->type == TB_NODE_LINEBREAK)
      tb_buf_putc(b, ' ');
    else if (c->type == TB_NODE_FOOTNOTE_REF)
      tb_iter_skip_children(&it);
  }
}

void tb_iter_init(tb_iter *it, const tb_node *root) {
  it->root = root;
  it->cur = NULL;
  it->ev = TB_EVENT_NONE;
}

void tb_iter_skip_children(tb_iter *it) {
  if (it->ev == TB_EVENT_ENTER && tb_node_is_container(it->cur->type))
    it->ev = TB_EVENT_EXIT; /* next call moves on from this node */
}

tb_event tb_iter_next(tb_iter *it) {
  const tb_node *c = it->cur;
  tb_event ev = it->ev;
  if (ev == TB_EVENT_DONE)
    return TB_EVENT_DONE;
  if (ev == TB_EVENT_NONE) {
    it->cur = it->root;
    it->ev = TB_EVENT_ENTER;
    return it->ev;
  }
  if (ev == TB_EVENT_ENTER && tb_node_is_container(c->type)) {
    if (c->first) {
      it->cur = c->first;
      it->ev = TB_EVENT_ENTER;
    } else {
      it->ev = TB_EVENT_EXIT;
    }
    return it->ev;
  }
  if (c == it->root) {
    it->ev = TB_EVENT_DONE;
    return it->ev;
  }
  if (c->next) {
    it->cur = c->next;
    it->ev = TB_EVENT_ENTER;
  } else {
    it->cur = c->parent;
    it->ev = TB_EVENT_EXIT;
  }
  return it->ev;
}

static void dump_escaped(tb_buf *out, const char *s, size_t n) {
  tb_buf_putc(out, '"');
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '\n')
      tb_buf_puts(out, "\\n");
    else if (c == '"' || c == '\\') {
      tb_buf_putc(out, '\\');
      tb_buf_putc(out, c);
    } else
      tb_buf_putc(out, c);
  }
  tb_buf_putc(out, '"');
}

bool tb_date_parse(const char *s, int *y, int *m, int *d) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9'))
      return false;
  int yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int mm = (s[5] - '0') * 10 + (s[6] - '0');
  int dd = (s[8] - '0') * 10 + (s[9] - '0');
  if (yy < 1 || mm < 1 || mm > 12 || dd < 1)
    return false;
  bool leap = (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
  if (dd > mdays[mm - 1] + (mm == 2 && leap))
    return false;
  *y = yy;
  *m = mm;
  *d = dd;
  return true;
}

void tb_doc_dump(const tb_doc *doc, tb_buf *out) {
  const tb_meta *m = &doc->meta;
  tb_buf_printf(out, "title: %s\nlang: %s\n", m->title ? m->title : "", m->lang);
  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    const tb_chapter *ch = &doc->chapters[ci];
    tb_buf_printf(out, "chapter %zu: %s [%s]\n", ci, ch->title ? ch->title : "(untitled)", ch->lang);
    tb_iter it;
    tb_iter_init(&it, ch->root);
    int depth = 0;
    tb_event ev;
    while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
      const tb_node *n = it.cur;
      if (ev == TB_EVENT_EXIT) {
        depth--;
        continue;
      }
      for (int i = 0; i < depth; i++)
        tb_buf_puts(out, "  ");
      tb_buf_puts(out, tb_node_type_name(n->type));
      if (n->type == TB_NODE_HEADING)
        tb_buf_printf(out, " level=%d id=%s", n->as.heading.level, doc->headings[n->as.heading.index].id);
      else if (n->type == TB_NODE_LIST)
        tb_buf_printf(out, " %s start=%d %s", n->as.list.ordered ? "ordered" : "bullet", n->as.list.start,
                      n->as.list.tight ? "tight" : "loose");
      else if (n->type == TB_NODE_LINK || n->type == TB_NODE_IMAGE) {
        tb_buf_printf(out, " url=%s", n->as.link.url ? n->as.link.url : "");
        if (n->as.link.heading >= 0 && n->type == TB_NODE_LINK)
          tb_buf_printf(out, " heading=%d", n->as.link.heading);
      } else if (n->type == TB_NODE_FOOTNOTE_REF || n->type == TB_NODE_FOOTNOTE_DEF)
        tb_buf_printf(out, " number=%d", n->as.footnote.number);
      if (n->literal) {
        tb_buf_putc(out, ' ');
        dump_escaped(out, n->literal, n->literal_len);
      }
      tb_buf_putc(out, '\n');
      if (tb_node_is_container(n->type))
        depth++;
    }
  }
}

int tb_doc_check(const tb_doc *doc) {
  int problems = 0;
  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    tb_iter it;
    tb_iter_init(&it, doc->chapters[ci].root);
    tb_event ev;
    while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
      const tb_node *n = it.cur;
      if (ev != TB_EVENT_ENTER)
        continue;
      for (const tb_node *c = n->first; c; c = c->next) {
        if (c->parent != n || (c->next && c->next->prev != c)) {
          fprintf(stderr, "terbit: model: broken links under %s\n", tb_node_type_name(n->type));
          problems++;
        }
      }
      if (n->type == TB_NODE_HEADING &&
          (n->as.heading.index < 0 || (size_t)n->as.heading.index >= doc->nheadings ||
           doc->headings[n->as.heading.index].node != n)) {
        fprintf(stderr, "terbit: model: heading not indexed\n");
        problems++;
      }
    }
  }
  return problems;
}
