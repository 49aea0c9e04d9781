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
  free(doc->out_slots);
  tb_slugger_free(&doc->slugger);
  tb_slugger_free(&doc->file_slugger);
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
  case TB_NODE_DETAILS:
  case TB_NODE_SUMMARY:
  case TB_NODE_DEF_LIST:
  case TB_NODE_DEF_TERM:
  case TB_NODE_DEF_DESC:
  case TB_NODE_CENTER:
  case TB_NODE_FOOTNOTE_DEF:
  case TB_NODE_KBD:
  case TB_NODE_SUP:
  case TB_NODE_SUB:
  case TB_NODE_EMPH:
  case TB_NODE_STRONG:
  case TB_NODE_STRIKETHROUGH:
  case TB_NODE_LINK:
  case TB_NODE_IMAGE: return true;
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
  case TB_NODE_ANCHOR: return false;
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
  case TB_NODE_DETAILS: return "details";
  case TB_NODE_SUMMARY: return "summary";
  case TB_NODE_DEF_LIST: return "def_list";
  case TB_NODE_DEF_TERM: return "def_term";
  case TB_NODE_DEF_DESC: return "def_desc";
  case TB_NODE_CENTER: return "center";
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
  case TB_NODE_KBD: return "kbd";
  case TB_NODE_SUP: return "sup";
  case TB_NODE_SUB: return "sub";
  case TB_NODE_ANCHOR: return "anchor";
  }
  return "?";
}

const char *tb_doc_strndup(tb_doc *doc, const char *s, size_t n) {
  return tb_arena_strndup(&doc->arena, s, n);
}

const char *tb_doc_strdup(tb_doc *doc, const char *s) { return tb_arena_strdup(&doc->arena, s); }

bool tb_node_image_size(const tb_node *n, int *width, int *height) {
  int w = n->image.width, h = n->image.height, ww = n->image.want_w, wh = n->image.want_h;
  if (ww > 0 && wh > 0) {
    w = ww;
    h = wh;
  } else if (ww > 0 && w > 0 && h > 0) {
    h = (int)((long long)h * ww / w);
    w = ww;
  } else if (wh > 0 && w > 0 && h > 0) {
    w = (int)((long long)w * wh / h);
    h = wh;
  }
  *width = w > 0 ? w : 0;
  *height = h > 0 ? h : 0;
  return *width > 0 && *height > 0;
}

bool tb_doc_is_book(const tb_doc *doc) {
  if (doc->meta.doc_class)
    return strcmp(doc->meta.doc_class, "book") == 0;
  if (doc->nsources > 1)
    return true;
  /* an HTML <h1> counts as Markdown's '#' does (GitHub renders both as h1); anchors are level 0 */
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

/* Heading slugs and ids are looked up by hash: a book of thousands of same-named headings stays
 * linear (a linear search here made 3,000 headings take seconds; found by fuzzing). Two tables of
 * the same capacity: id_slots by slug (what links name), out_slots by the id written out. */
static const char *key_of(const tb_heading *h, bool out) { return out ? h->id : h->slug; }

static int find_in(const tb_doc *doc, const int *slots, bool out, const char *key) {
  if (!doc->id_cap)
    return -1;
  for (size_t k = tb_hash_str(key) & (doc->id_cap - 1);; k = (k + 1) & (doc->id_cap - 1)) {
    int v = slots[k];
    if (v == 0)
      return -1;
    if (strcmp(key_of(&doc->headings[v - 1], out), key) == 0)
      return v - 1;
  }
}

int tb_doc_find_heading(const tb_doc *doc, const char *id) { return find_in(doc, doc->id_slots, false, id); }

static void put_in(const tb_doc *doc, int *slots, size_t cap, bool out, int index) {
  size_t k = tb_hash_str(key_of(&doc->headings[index], out)) & (cap - 1);
  while (slots[k])
    k = (k + 1) & (cap - 1);
  slots[k] = index + 1;
}

static void id_insert(tb_doc *doc, int index) {
  if ((doc->nheadings + 1) * 2 > doc->id_cap) {
    size_t cap = doc->id_cap ? doc->id_cap * 2 : 64;
    int *slots = tb_xcalloc(cap, sizeof *slots), *out = tb_xcalloc(cap, sizeof *out);
    for (size_t i = 0; i < doc->nheadings; i++)
      if ((int)i != index) {
        put_in(doc, slots, cap, false, (int)i);
        put_in(doc, out, cap, true, (int)i);
      }
    free(doc->id_slots);
    free(doc->out_slots);
    doc->id_slots = slots;
    doc->out_slots = out;
    doc->id_cap = cap;
  }
  put_in(doc, doc->id_slots, doc->id_cap, false, index);
  put_in(doc, doc->out_slots, doc->id_cap, true, index);
}

/* The ids the backends make themselves (page-N, fn-N, fn-ref-N; toc, toc-title, cover, titlepage
 * and the contents' "kandungan" in the navigation files) are never a heading's: a heading whose
 * slug would be one keeps its slug for links and is written out with "h-" in front. So is a slug
 * that is not an XML name (XHTML ids are NCNames): empty, or starting with a digit, '-' or a mark. */
static bool needs_prefix(const char *slug) {
  unsigned char c = (unsigned char)slug[0];
  bool start = (c >= 'a' && c <= 'z') || c == '_' || c >= 0xC3; /* U+00C0 and up */
  if (c == 0xCC || c == 0xCD)                                   /* U+0300..U+036F, combining marks */
    start = false;
  return !start || !strncmp(slug, "page-", 5) || !strncmp(slug, "fn-", 3) || !strcmp(slug, "kandungan") ||
         !strncmp(slug, "cover", 5) || !strncmp(slug, "titlepage", 9) || !strncmp(slug, "toc", 3);
}

void tb_doc_skip_slug(tb_doc *doc, const char *text) {
  tb_buf slug = {0};
  tb_slugger_slug(&doc->slugger, text, strlen(text), &slug);
  if (doc->file_slugs) {
    tb_buf_clear(&slug);
    tb_slugger_slug(&doc->file_slugger, text, strlen(text), &slug);
  }
  tb_buf_free(&slug);
}

int tb_doc_add_heading(tb_doc *doc, tb_node *node, int chapter) {
  tb_buf text = {0}, slug = {0}, id = {0};
  tb_node_plain_text(node, &text);
  tb_slugger_slug(&doc->slugger, text.data ? text.data : "", text.len, &slug);
  tb_buf_putc(&slug, 0);
  slug.len--;
  size_t digits = slug.len && slug.data[0] == '-' ? strspn(slug.data + 1, "0123456789") : 0;
  if (!slug.len || (digits && digits + 1 == slug.len)) {
    /* a heading of no letter or digit ("", then "-1", "-2" on GitHub): written out as before */
    tb_buf_puts(&id, "bahagian");
  } else if (needs_prefix(slug.data)) {
    tb_buf_puts(&id, "h-");
    tb_buf_put(&id, slug.data, slug.len);
  } else {
    tb_buf_put(&id, slug.data, slug.len);
  }
  /* an id written out is unique too: "h-1" made from "1" may meet a heading named "h-1" */
  size_t base = id.len;
  for (int k = 1; find_in(doc, doc->out_slots, true, id.data) >= 0; k++) {
    id.len = base;
    tb_buf_printf(&id, "-%d", k);
  }
  tb_grow(&doc->headings, &doc->headings_cap, doc->nheadings + 1, sizeof *doc->headings);
  tb_heading *h = &doc->headings[doc->nheadings];
  memset(h, 0, sizeof *h);
  h->level = node->as.heading.level;
  h->text = tb_doc_strndup(doc, text.data ? text.data : "", text.len);
  h->slug = tb_doc_strndup(doc, slug.data, slug.len);
  h->id = strcmp(slug.data, id.data) ? tb_doc_strndup(doc, id.data, id.len) : h->slug;
  h->file_slug = h->slug;
  if (doc->file_slugs) { /* the first file's slugs are its own; a later file counts alone too */
    tb_buf_clear(&id);
    tb_slugger_slug(&doc->file_slugger, text.data ? text.data : "", text.len, &id);
    if (strcmp(id.data ? id.data : "", h->slug) != 0)
      h->file_slug = tb_doc_strndup(doc, id.data ? id.data : "", id.len);
  }
  h->chapter = chapter;
  h->node = node;
  node->as.heading.index = (int)doc->nheadings;
  tb_buf_free(&text);
  tb_buf_free(&slug);
  tb_buf_free(&id);
  id_insert(doc, (int)doc->nheadings);
  return (int)doc->nheadings++;
}

int tb_doc_add_anchor(tb_doc *doc, tb_node *node, const char *name, int chapter) {
  node->as.heading.index = -1;
  if (!*name || tb_doc_find_heading(doc, name) >= 0)
    return -1;
  tb_buf id = {0};
  /* written out as given where it is an XML name of ours to give; else "a-" + it, made unique */
  bool ok = !needs_prefix(name);
  for (const char *p = name; *p && ok; p++)
    ok = ((unsigned char)*p >= 0x80) || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
         (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';
  if (!ok) {
    tb_buf_puts(&id, "a-");
    for (const char *p = name; *p; p++)
      tb_buf_putc(&id, (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
                                  ? *p
                                  : '_'));
  } else {
    tb_buf_puts(&id, name);
  }
  size_t base = id.len;
  for (int k = 1; find_in(doc, doc->out_slots, true, id.data) >= 0; k++) {
    id.len = base;
    tb_buf_printf(&id, "-%d", k);
  }
  tb_grow(&doc->headings, &doc->headings_cap, doc->nheadings + 1, sizeof *doc->headings);
  tb_heading *h = &doc->headings[doc->nheadings];
  memset(h, 0, sizeof *h);
  h->text = "";
  h->slug = tb_doc_strdup(doc, name);
  h->id = strcmp(name, id.data) ? tb_doc_strndup(doc, id.data, id.len) : h->slug;
  h->file_slug = h->slug;
  h->chapter = chapter;
  h->node = node;
  node->as.heading.index = (int)doc->nheadings;
  tb_buf_free(&id);
  id_insert(doc, (int)doc->nheadings);
  return (int)doc->nheadings++;
}

static void sort_visit(tb_doc *doc, const tb_node *root, size_t first, int *order, size_t *k) {
  tb_iter it;
  tb_iter_init(&it, root);
  tb_event ev;
  while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
    const tb_node *n = it.cur;
    if (ev != TB_EVENT_ENTER || (n->type != TB_NODE_HEADING && n->type != TB_NODE_ANCHOR))
      continue;
    int i = n->as.heading.index;
    if (i >= (int)first && (size_t)i < doc->nheadings && doc->headings[i].node == n &&
        order[i - (int)first] < 0)
      order[i - (int)first] = (int)(*k)++;
  }
}

void tb_doc_sort_headings(tb_doc *doc, size_t first, size_t chapter) {
  size_t n = doc->nheadings - first, k = 0;
  if (n < 2)
    return;
  int *order = tb_xmalloc(n * sizeof *order); /* old index - first -> new index - first */
  for (size_t i = 0; i < n; i++)
    order[i] = -1;
  for (size_t c = chapter; c < doc->nchapters; c++)
    sort_visit(doc, doc->chapters[c].root, first, order, &k);
  for (size_t f = 0; f < doc->nfootnotes; f++)
    sort_visit(doc, doc->footnotes[f], first, order, &k);
  for (size_t i = 0; i < n; i++) /* a heading shown nowhere keeps its place after the others */
    if (order[i] < 0)
      order[i] = (int)k++;
  tb_heading *sorted = tb_xmalloc(n * sizeof *sorted);
  for (size_t i = 0; i < n; i++) {
    sorted[order[i]] = doc->headings[first + i];
    sorted[order[i]].node->as.heading.index = (int)first + order[i];
  }
  memcpy(doc->headings + first, sorted, n * sizeof *sorted);
  free(sorted);
  for (size_t c = chapter; c < doc->nchapters; c++)
    if (doc->chapters[c].heading >= (int)first)
      doc->chapters[c].heading = (int)first + order[doc->chapters[c].heading - (int)first];
  free(order);
  memset(doc->id_slots, 0, doc->id_cap * sizeof *doc->id_slots);
  memset(doc->out_slots, 0, doc->id_cap * sizeof *doc->out_slots);
  for (size_t i = 0; i < doc->nheadings; i++) {
    put_in(doc, doc->id_slots, doc->id_cap, false, (int)i);
    put_in(doc, doc->out_slots, doc->id_cap, true, (int)i);
  }
}

void tb_node_plain_text(const tb_node *n, tb_buf *b) {
  tb_iter it;
  tb_iter_init(&it, n);
  tb_event ev;
  while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
    const tb_node *c = it.cur;
    if (ev != TB_EVENT_ENTER)
      continue;
    if (c->type == TB_NODE_TEXT || c->type == TB_NODE_CODE) /* tags are no text (GitHub's ids too) */
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
  tb_buf_printf(out, "title: %s\nlang: %s%s\n", m->title ? m->title : "", m->lang,
                m->lang_guessed ? " (read from the text: no lang given)" : "");
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
      if (n->type == TB_NODE_HEADING) {
        const tb_heading *h = &doc->headings[n->as.heading.index];
        tb_buf_printf(out, " level=%d id=%s", n->as.heading.level, h->id);
        if (strcmp(h->id, h->slug) != 0)
          tb_buf_printf(out, " slug=%s", h->slug);
      } else if (n->type == TB_NODE_LIST)
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
