// frontmatter.c -- split the leading '---' block and read it with libyaml into tb_meta.
#include "input/frontmatter.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/suggest.h"
#include "util/utf8.h"

/* The keys we know. Order matches key_names. */
typedef enum {
  KEY_TITLE,
  KEY_SUBTITLE,
  KEY_AUTHOR,
  KEY_LANG,
  KEY_DATE,
  KEY_CATEGORY,
  KEY_DESCRIPTION,
  KEY_KEYWORDS,
  KEY_IDENTIFIER,
  KEY_RIGHTS,
  KEY_COVER,
  KEY_CLASS,
  KEY__COUNT
} fm_key;

static const char *const key_names[KEY__COUNT] = {
    "title",       "subtitle", "author",     "lang",   "date",  "category",
    "description", "keywords", "identifier", "rights", "cover", "class",
};

/* Where the block is in the file (split_block's result). */
typedef struct fm_split {
  size_t block_start, block_len; /* the YAML text between the delimiter lines */
  size_t body_offset;
  int body_line;
} fm_split;

typedef struct fm_ctx {
  tb_doc *doc;
  const char *path;
  const char *block; /* the YAML text; it starts on line 2 of the file */
  size_t block_len;
  tb_error *err;
  yaml_parser_t parser;
  tb_meta meta; /* filled here, copied to the caller's only on success */
  bool seen_title;
  char **keys; /* every key read so far (heap copies), to find duplicates */
  size_t nkeys, keys_cap;
  const char **items; /* scratch: the list being read */
  size_t nitems, items_cap;
} fm_ctx;

#define BLOCK_LINE 2 /* the file line of the block's first byte */

/* ---- Places and errors ------------------------------------------------------------------ */

/* libyaml's mark.index counts characters (a CRLF counts two) and its reader errors give a byte
 * offset. Walk the block to turn either into the file's line and column, counting lines by '\n'
 * only, as the delimiter scan and the body_line contract do. */
static void place_in_block(const fm_ctx *c, size_t limit, bool in_chars, int *line, int *col) {
  const unsigned char *s = (const unsigned char *)c->block;
  size_t i = 0, nchars = 0;
  int l = BLOCK_LINE, k = 1;
  while (i < c->block_len && (in_chars ? nchars : i) < limit) {
    unsigned char b = s[i];
    size_t w;
    (void)tb_utf8_decode(c->block + i, c->block_len - i, &w); /* src is valid UTF-8 */
    if (b == '\n') {
      l++;
      k = 1;
    } else {
      k++;
    }
    i += w;
    nchars++;
  }
  *line = l;
  *col = k;
}

static int vfail(fm_ctx *c, tb_error_code code, int line, int col, const char *fmt, va_list ap) {
  char msg[sizeof c->err->msg];
  (void)vsnprintf(msg, sizeof msg, fmt, ap);
  return tb_error_set(c->err, code, c->path, line, col, "%s", msg);
}

/* Sets the error at a libyaml mark. Returns -1. */
static int fail_at(fm_ctx *c, yaml_mark_t m, tb_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(fm_ctx *c, yaml_mark_t m, tb_error_code code, const char *fmt, ...) {
  int line, col;
  place_in_block(c, m.index, /*in_chars*/ true, &line, &col);
  va_list ap;
  va_start(ap, fmt);
  vfail(c, code, line, col, fmt, ap);
  va_end(ap);
  return -1;
}

/* Copies s (n bytes) into buf for a message: at most SNIPPET bytes, cut at a character boundary
 * and marked "...", control characters shown as '?'. */
#define SNIPPET 60
static const char *printable(const char *s, size_t n, char buf[SNIPPET + 4]) {
  size_t o = 0;
  bool cut = n > SNIPPET;
  if (cut) {
    n = SNIPPET;
    while (n > 0 && tb_utf8_is_cont((unsigned char)s[n]))
      n--;
  }
  for (size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)s[i];
    buf[o++] = (char)((b < 0x20 || b == 0x7F) ? '?' : b);
  }
  if (cut) {
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  buf[o] = 0;
  return buf;
}

/* Turns libyaml's error into ours. Returns -1. */
static int yaml_fail(fm_ctx *c) {
  const yaml_parser_t *p = &c->parser;
  const char *problem = p->problem ? p->problem : "syntax error";
  int line, col;
  switch (p->error) {
  case YAML_MEMORY_ERROR:
    /* Running out of memory is fatal everywhere in terbit (mem.h). */
    fprintf(stderr, "terbit: out of memory in libyaml, aborting\n");
    abort();
  case YAML_READER_ERROR:
    place_in_block(c, p->problem_offset, /*in_chars*/ false, &line, &col);
    if (p->problem_value >= 0)
      return tb_error_set(c->err, TB_ERR_YAML, c->path, line, col,
                          "front matter is not valid YAML: %s (U+%04X)", problem, (unsigned)p->problem_value);
    return tb_error_set(c->err, TB_ERR_YAML, c->path, line, col, "front matter is not valid YAML: %s",
                        problem);
  case YAML_SCANNER_ERROR:
  case YAML_PARSER_ERROR:
  case YAML_COMPOSER_ERROR:
  case YAML_NO_ERROR:
  case YAML_WRITER_ERROR:
  case YAML_EMITTER_ERROR: break;
  }
  if (p->context) {
    int cline, ccol;
    place_in_block(c, p->context_mark.index, /*in_chars*/ true, &cline, &ccol);
    return fail_at(c, p->problem_mark, TB_ERR_YAML,
                   "front matter is not valid YAML: %s (%s at line %d, column %d)", problem, p->context,
                   cline, ccol);
  }
  return fail_at(c, p->problem_mark, TB_ERR_YAML, "front matter is not valid YAML: %s", problem);
}

/* ---- Events ----------------------------------------------------------------------------- */

/* The next event, refusing anchors, aliases and explicit tags at once, so that an alias bomb
 * costs nothing. On failure the event has been deleted. */
static int next_event(fm_ctx *c, yaml_event_t *ev) {
  if (!yaml_parser_parse(&c->parser, ev))
    return yaml_fail(c);
  const yaml_char_t *anchor = NULL, *tag = NULL;
  switch (ev->type) {
  case YAML_ALIAS_EVENT: anchor = ev->data.alias.anchor; break;
  case YAML_SCALAR_EVENT:
    anchor = ev->data.scalar.anchor;
    tag = ev->data.scalar.tag;
    break;
  case YAML_SEQUENCE_START_EVENT:
    anchor = ev->data.sequence_start.anchor;
    tag = ev->data.sequence_start.tag;
    break;
  case YAML_MAPPING_START_EVENT:
    anchor = ev->data.mapping_start.anchor;
    tag = ev->data.mapping_start.tag;
    break;
  case YAML_NO_EVENT:
  case YAML_STREAM_START_EVENT:
  case YAML_STREAM_END_EVENT:
  case YAML_DOCUMENT_START_EVENT:
  case YAML_DOCUMENT_END_EVENT:
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: break;
  }
  int rc = 0;
  if (ev->type == YAML_ALIAS_EVENT || anchor) {
    rc = fail_at(c, ev->start_mark, TB_ERR_YAML, "YAML anchors and aliases are not allowed");
  } else if (tag) {
    char buf[SNIPPET + 4];
    rc = fail_at(c, ev->start_mark, TB_ERR_YAML, "YAML tags are not allowed (%s)",
                 printable((const char *)tag, strlen((const char *)tag), buf));
  }
  if (rc < 0)
    yaml_event_delete(ev);
  return rc;
}

static bool is_start(const yaml_event_t *ev) {
  return ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
}

static bool is_end(const yaml_event_t *ev) {
  return ev->type == YAML_SEQUENCE_END_EVENT || ev->type == YAML_MAPPING_END_EVENT;
}

/* Skips one value (a scalar or a whole collection). Iterative: nesting costs no stack. */
static int skip_value(fm_ctx *c) {
  size_t depth = 0;
  do {
    yaml_event_t ev;
    if (next_event(c, &ev) < 0)
      return -1;
    if (is_start(&ev))
      depth++;
    else if (is_end(&ev))
      depth--;
    yaml_event_delete(&ev);
  } while (depth > 0);
  return 0;
}

/* ---- Scalars ---------------------------------------------------------------------------- */

static bool is_plain_null(const yaml_event_t *ev) {
  static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
  if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return false;
  for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
    if (ev->data.scalar.length == strlen(nulls[i]) &&
        memcmp(ev->data.scalar.value, nulls[i], ev->data.scalar.length) == 0)
      return true;
  return false;
}

/* The first character XML cannot carry (C0 controls other than tab and newline, which double-
 * quoted escapes such as "\0" or "\e" can produce, and the non-characters U+FFFE/U+FFFF), or 0. */
static unsigned bad_char(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n; i++) {
    if (u[i] < 0x20 && u[i] != '\t' && u[i] != '\n')
      return u[i] ? u[i] : 0x10000; /* 0x10000: NUL, told apart from "none" */
    if (u[i] == 0xEF && i + 2 < n && u[i + 1] == 0xBF && (u[i + 2] == 0xBE || u[i + 2] == 0xBF))
      return u[i + 2] == 0xBE ? 0xFFFE : 0xFFFF;
  }
  return 0;
}

static int check_chars(fm_ctx *c, const char *what, const yaml_event_t *ev) {
  unsigned b = bad_char((const char *)ev->data.scalar.value, ev->data.scalar.length);
  if (b)
    return fail_at(c, ev->start_mark, TB_ERR_YAML, "%s: character U+%04X is not allowed", what,
                   b == 0x10000 ? 0u : b);
  return 0;
}

/* A scalar's text for key: checked, trimmed and copied into the doc. *out is NULL for a plain
 * null ("", "~", "null") and for a value that is empty after trimming. */
static int scalar_text(fm_ctx *c, const char *key, const yaml_event_t *ev, const char **out) {
  const char *s = (const char *)ev->data.scalar.value;
  size_t n = ev->data.scalar.length;
  *out = NULL;
  if (n > TB_FRONTMATTER_MAX_VALUE)
    return fail_at(c, ev->start_mark, TB_ERR_LIMIT, "%s: the value is longer than %d bytes", key,
                   TB_FRONTMATTER_MAX_VALUE);
  if (is_plain_null(ev))
    return 0;
  if (check_chars(c, key, ev) < 0)
    return -1;
  while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n')) {
    s++;
    n--;
  }
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
    n--;
  if (n > 0)
    *out = tb_doc_strndup(c->doc, s, n);
  return 0;
}

/* ---- Value checks ----------------------------------------------------------------------- */

static bool is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* The shape of a BCP 47 tag, as the issue asks: a primary subtag of 2-3 letters, then any number
 * of "-" subtags of 1-8 letters or digits. */
static bool lang_ok(const char *s) {
  size_t i = 0;
  while (is_alpha(s[i]))
    i++;
  if (i < 2 || i > 3)
    return false;
  while (s[i]) {
    if (s[i++] != '-')
      return false;
    size_t n = 0;
    while (is_alpha(s[i]) || is_digit(s[i])) {
      i++;
      n++;
    }
    if (n < 1 || n > 8)
      return false;
  }
  return true;
}

/* YYYY-MM-DD naming a day of the Gregorian calendar (year 0001..9999). */
static bool date_ok(const char *s) {
  int y, m, d;
  return tb_date_parse(s, &y, &m, &d);
}

/* ---- Values ----------------------------------------------------------------------------- */

/* Reads a string value for key k into *out (NULL when null or empty); *at is its place. */
static int read_string(fm_ctx *c, fm_key k, const char **out, yaml_mark_t *at) {
  yaml_event_t ev;
  if (next_event(c, &ev) < 0)
    return -1;
  *at = ev.start_mark;
  int rc;
  if (ev.type == YAML_SCALAR_EVENT)
    rc = scalar_text(c, key_names[k], &ev, out);
  else
    rc = fail_at(c, ev.start_mark, TB_ERR_YAML, "%s: expected a string", key_names[k]);
  yaml_event_delete(&ev);
  return rc;
}

static void push_item(fm_ctx *c, const char *s) {
  tb_grow(&c->items, &c->items_cap, c->nitems + 1, sizeof *c->items);
  c->items[c->nitems++] = s;
}

/* Reads a list of strings (or one string) for key k into an array owned by the doc. Null and
 * empty entries are dropped; *out is NULL when nothing is left. */
static int read_list(fm_ctx *c, fm_key k, const char ***out, size_t *nout) {
  const char *name = key_names[k];
  const char *s;
  yaml_event_t ev;
  c->nitems = 0;
  if (next_event(c, &ev) < 0)
    return -1;
  if (ev.type == YAML_SCALAR_EVENT) {
    int rc = scalar_text(c, name, &ev, &s);
    yaml_event_delete(&ev);
    if (rc < 0)
      return -1;
    if (s)
      push_item(c, s);
  } else if (ev.type == YAML_SEQUENCE_START_EVENT) {
    yaml_event_delete(&ev);
    for (size_t count = 0;; count++) {
      s = NULL;
      if (next_event(c, &ev) < 0)
        return -1;
      if (ev.type == YAML_SEQUENCE_END_EVENT) {
        yaml_event_delete(&ev);
        break;
      }
      int rc;
      if (ev.type != YAML_SCALAR_EVENT)
        rc = fail_at(c, ev.start_mark, TB_ERR_YAML, "%s: expected a list of strings", name);
      else if (count >= TB_FRONTMATTER_MAX_ITEMS)
        rc = fail_at(c, ev.start_mark, TB_ERR_LIMIT, "%s: more than %d entries", name,
                     TB_FRONTMATTER_MAX_ITEMS);
      else
        rc = scalar_text(c, name, &ev, &s);
      yaml_event_delete(&ev);
      if (rc < 0)
        return -1;
      if (s)
        push_item(c, s);
    }
  } else {
    int rc = fail_at(c, ev.start_mark, TB_ERR_YAML, "%s: expected a list of strings", name);
    yaml_event_delete(&ev);
    return rc;
  }
  *out = NULL;
  *nout = c->nitems;
  if (c->nitems) {
    const char **arr = tb_arena_alloc(&c->doc->arena, c->nitems * sizeof *arr);
    memcpy(arr, c->items, c->nitems * sizeof *arr);
    *out = arr;
  }
  return 0;
}

/* Reads the value of known key k into c->meta, checking title, lang and date. */
static int read_known(fm_ctx *c, fm_key k) {
  tb_meta *m = &c->meta;
  const char *s = NULL;
  const char **slot = NULL;
  yaml_mark_t at;
  char buf[SNIPPET + 4];

  switch (k) {
  case KEY_AUTHOR: return read_list(c, k, &m->authors, &m->nauthors);
  case KEY_KEYWORDS: return read_list(c, k, &m->keywords, &m->nkeywords);
  case KEY_TITLE: slot = &m->title; break;
  case KEY_SUBTITLE: slot = &m->subtitle; break;
  case KEY_LANG: slot = &m->lang; break;
  case KEY_DATE: slot = &m->date; break;
  case KEY_CATEGORY: slot = &m->category; break;
  case KEY_DESCRIPTION: slot = &m->description; break;
  case KEY_IDENTIFIER: slot = &m->identifier; break;
  case KEY_RIGHTS: slot = &m->rights; break;
  case KEY_COVER: slot = &m->cover; break;
  case KEY_CLASS: slot = &m->doc_class; break;
  case KEY__COUNT: return -1;
  }
  if (read_string(c, k, &s, &at) < 0)
    return -1;

  switch (k) {
  case KEY_TITLE:
    c->seen_title = true;
    if (!s)
      return fail_at(c, at, TB_ERR_YAML, "title: must not be empty");
    break;
  case KEY_LANG:
    if (!s)
      return 0; /* keep the default */
    if (!lang_ok(s))
      return fail_at(c, at, TB_ERR_YAML, "lang: '%s' is not a BCP 47 language tag (like ms, en or en-GB)",
                     printable(s, strlen(s), buf));
    m->lang_given = true;
    break;
  case KEY_DATE:
    if (s && !date_ok(s))
      return fail_at(c, at, TB_ERR_YAML, "date: '%s' is not a real date written YYYY-MM-DD",
                     printable(s, strlen(s), buf));
    break;
  case KEY_CLASS:
    if (s && strcmp(s, "article") != 0 && strcmp(s, "book") != 0)
      return fail_at(c, at, TB_ERR_YAML, "class: '%s' is neither article nor book",
                     printable(s, strlen(s), buf));
    break;
  case KEY_SUBTITLE:
  case KEY_AUTHOR:
  case KEY_CATEGORY:
  case KEY_DESCRIPTION:
  case KEY_KEYWORDS:
  case KEY_IDENTIFIER:
  case KEY_RIGHTS:
  case KEY_COVER:
  case KEY__COUNT: break;
  }
  *slot = s;
  return 0;
}

/* Other spellings of known keys, too far from them in edits: other tools' names (Pandoc's,
 * Hugo's, Dublin Core's) and plurals. A misspelling of any key is found by suggest_key without
 * a row here. */
static const struct {
  const char *name;
  fm_key key;
} key_aliases[] = {
    {"language", KEY_LANG},        {"locale", KEY_LANG},         {"creator", KEY_AUTHOR},
    {"abstract", KEY_DESCRIPTION}, {"summary", KEY_DESCRIPTION}, {"tags", KEY_KEYWORDS},
    {"subject", KEY_CATEGORY},     {"categories", KEY_CATEGORY}, {"cover-image", KEY_COVER},
    {"cover_image", KEY_COVER},    {"image", KEY_COVER},         {"copyright", KEY_RIGHTS},
    {"license", KEY_RIGHTS},       {"id", KEY_IDENTIFIER},       {"isbn", KEY_IDENTIFIER},
    {"uuid", KEY_IDENTIFIER},      {"pubdate", KEY_DATE},        {"published", KEY_DATE},
};

/* The known key an unknown one was probably meant to be: one of its other spellings (ASCII case
 * aside), else the closest key in key_names within two edits (util/suggest.h), else NULL. */
static const char *suggest_key(const char *key, size_t n) {
  for (size_t i = 0; i < sizeof key_aliases / sizeof key_aliases[0]; i++)
    if (tb_edit_distance(key, n, key_aliases[i].name, strlen(key_aliases[i].name)) == 0)
      return key_names[key_aliases[i].key];
  return tb_suggest(key, n, key_names, KEY__COUNT, 2);
}

/* One "key: value" pair; kev is the key's event (a scalar). */
static int read_pair(fm_ctx *c, const yaml_event_t *kev) {
  const char *key = (const char *)kev->data.scalar.value;
  size_t n = kev->data.scalar.length;
  char buf[SNIPPET + 4];

  if (c->nkeys >= TB_FRONTMATTER_MAX_ITEMS)
    return fail_at(c, kev->start_mark, TB_ERR_LIMIT, "front matter has more than %d keys",
                   TB_FRONTMATTER_MAX_ITEMS);
  if (check_chars(c, "front matter key", kev) < 0)
    return -1; /* so the key has no NUL and strcmp below is exact */
  for (size_t i = 0; i < c->nkeys; i++)
    if (strcmp(c->keys[i], key) == 0)
      return fail_at(c, kev->start_mark, TB_ERR_YAML, "duplicate front matter key '%s'",
                     printable(key, n, buf));
  tb_grow(&c->keys, &c->keys_cap, c->nkeys + 1, sizeof *c->keys);
  c->keys[c->nkeys++] = tb_xstrndup(key, n);

  for (int k = 0; k < KEY__COUNT; k++)
    if (strcmp(key, key_names[k]) == 0)
      return read_known(c, (fm_key)k);

  int line, col;
  place_in_block(c, kev->start_mark.index, /*in_chars*/ true, &line, &col);
  const char *hint = suggest_key(key, n);
  tb_warn(c->path, line, col, "unknown front matter key '%s' (ignored)%s%s%s", printable(key, n, buf),
          hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
  return skip_value(c);
}

static int read_mapping(fm_ctx *c) {
  for (;;) {
    yaml_event_t ev;
    if (next_event(c, &ev) < 0)
      return -1;
    int rc;
    if (ev.type == YAML_MAPPING_END_EVENT)
      rc = 1;
    else if (ev.type != YAML_SCALAR_EVENT)
      rc = fail_at(c, ev.start_mark, TB_ERR_YAML, "front matter keys must be plain strings");
    else
      rc = read_pair(c, &ev);
    yaml_event_delete(&ev);
    if (rc != 0)
      return rc < 0 ? -1 : 0;
  }
}

/* The document's root: a mapping (or nothing, which leaves the title missing). */
static int read_root(fm_ctx *c) {
  yaml_event_t ev;
  if (next_event(c, &ev) < 0)
    return -1;
  int rc = 0;
  if (ev.type == YAML_MAPPING_START_EVENT)
    rc = read_mapping(c);
  else if (ev.type != YAML_SCALAR_EVENT || !is_plain_null(&ev))
    rc = fail_at(c, ev.start_mark, TB_ERR_YAML,
                 "front matter must be a mapping of keys to values, like 'title: ...'");
  yaml_event_delete(&ev);
  return rc;
}

/* The whole stream: at most one document. libyaml parses lazily, so reading on to the stream's
 * end also finds syntax errors after the first document. */
static int read_stream(fm_ctx *c) {
  int ndocs = 0;
  for (;;) {
    yaml_event_t ev;
    if (next_event(c, &ev) < 0)
      return -1;
    yaml_event_type_t type = ev.type;
    yaml_mark_t at = ev.start_mark;
    yaml_event_delete(&ev);
    if (type == YAML_STREAM_END_EVENT)
      break;
    if (type != YAML_DOCUMENT_START_EVENT)
      continue; /* STREAM_START, DOCUMENT_END */
    if (ndocs++ > 0)
      return fail_at(c, at, TB_ERR_YAML,
                     "front matter holds more than one YAML document (one '---' block only)");
    if (read_root(c) < 0)
      return -1;
  }
  return 0; /* no title is no error: the loader takes an opening heading or the file's name */
}

/* ---- The block -------------------------------------------------------------------------- */

/* True when line (n bytes, without its '\n') is exactly word, allowing a trailing '\r'. */
static bool is_line(const char *line, size_t n, const char *word) {
  if (n > 0 && line[n - 1] == '\r')
    n--;
  return n == strlen(word) && memcmp(line, word, n) == 0;
}

/* Offset of the '\n' ending the line that starts at pos, or len. */
static size_t line_end(const char *src, size_t len, size_t pos) {
  const char *nl = memchr(src + pos, '\n', len - pos);
  return nl ? (size_t)(nl - src) : len;
}

/* 0 with *out set, 1 when the file has no front matter, -1 on error. */
static int split_block(const char *path, const char *src, size_t len, fm_split *out, tb_error *err) {
  size_t eol = line_end(src, len, 0);
  if (!is_line(src, eol, "---"))
    return 1;
  /* The whole file is scanned for the closing line (linear), so that a missing one is told
   * apart from a block over the limit. */
  size_t pos = eol + 1;
  for (int line = 2; eol < len; line++) {
    size_t e = line_end(src, len, pos);
    if (is_line(src + pos, e - pos, "---") || is_line(src + pos, e - pos, "...")) {
      out->block_start = eol + 1;
      out->block_len = pos - out->block_start;
      out->body_offset = e < len ? e + 1 : len;
      out->body_line = line + 1;
      if (out->block_len > TB_FRONTMATTER_MAX_BLOCK)
        return tb_error_set(err, TB_ERR_LIMIT, path, 1, 1, "front matter is larger than %d bytes",
                            TB_FRONTMATTER_MAX_BLOCK);
      return 0;
    }
    if (e == len)
      break;
    pos = e + 1;
  }
  return tb_error_set(err, TB_ERR_YAML, path, 1, 1, "front matter is not closed with '---'");
}

/* ---- Entry point ------------------------------------------------------------------------ */

int tb_frontmatter_parse(tb_doc *doc, tb_meta *meta, const char *path, const char *src, size_t len,
                         size_t *body_offset, int *body_line, tb_error *err) {
  fm_split sp = {0, 0, 0, 0};
  int found = split_block(path, src, len, &sp, err);
  if (found < 0)
    return -1;
  if (found > 0) { /* none: every key unset, the body is the whole file */
    memset(meta, 0, sizeof *meta);
    meta->lang = tb_doc_strdup(doc, "ms");
    *body_offset = 0;
    *body_line = 1;
    return 0;
  }

  fm_ctx c;
  memset(&c, 0, sizeof c);
  c.doc = doc;
  c.path = path;
  c.block = src + sp.block_start;
  c.block_len = sp.block_len;
  c.err = err;
  c.meta.lang = tb_doc_strdup(doc, "ms");
  if (!yaml_parser_initialize(&c.parser)) {
    fprintf(stderr, "terbit: out of memory in libyaml, aborting\n");
    abort();
  }
  yaml_parser_set_input_string(&c.parser, (const unsigned char *)c.block, c.block_len);
  yaml_parser_set_encoding(&c.parser, YAML_UTF8_ENCODING);

  int rc = read_stream(&c);

  yaml_parser_delete(&c.parser);
  for (size_t i = 0; i < c.nkeys; i++)
    free(c.keys[i]);
  free(c.keys);
  free(c.items);
  if (rc < 0)
    return -1;
  *meta = c.meta;
  *body_offset = sp.body_offset;
  *body_line = sp.body_line;
  return 0;
}

/* ---- -M KEY=VALUE ----------------------------------------------------------------------- */

int tb_meta_arg_check(const char *arg, tb_error *err) {
  const char *eq = strchr(arg, '=');
  char buf[SNIPPET + 4];
  if (!eq || eq == arg)
    return tb_error_set(err, TB_ERR_USAGE, NULL, 0, 0, "-M '%s': write KEY=VALUE, like -M lang=en",
                        printable(arg, strlen(arg), buf));
  return 0;
}

int tb_meta_apply_arg(tb_doc *doc, tb_meta *meta, const char *arg, tb_error *err) {
  if (tb_meta_arg_check(arg, err))
    return -1;
  const char *eq = strchr(arg, '=');
  size_t klen = (size_t)(eq - arg);
  const char *v = eq + 1;
  size_t n = strlen(v);
  char buf[SNIPPET + 4], kbuf[SNIPPET + 4];
  while (n > 0 && (*v == ' ' || *v == '\t' || *v == '\n')) {
    v++;
    n--;
  }
  while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n'))
    n--;
  int k = 0;
  while (k < KEY__COUNT && !(strlen(key_names[k]) == klen && memcmp(arg, key_names[k], klen) == 0))
    k++;
  if (k == KEY__COUNT) {
    tb_warn("-M", 0, 0, "unknown metadata key '%s' (ignored)", printable(arg, klen, kbuf));
    return 0;
  }
  const char *name = key_names[k];
  if (n > TB_FRONTMATTER_MAX_VALUE)
    return tb_error_set(err, TB_ERR_USAGE, "-M", 0, 0, "%s: the value is longer than %d bytes", name,
                        TB_FRONTMATTER_MAX_VALUE);
  unsigned b = bad_char(v, n);
  if (b)
    return tb_error_set(err, TB_ERR_USAGE, "-M", 0, 0, "%s: character U+%04X is not allowed", name,
                        b == 0x10000 ? 0u : b);
  const char *s = n ? tb_doc_strndup(doc, v, n) : NULL;
  switch ((fm_key)k) {
  case KEY_TITLE:
    if (!s)
      return tb_error_set(err, TB_ERR_USAGE, "-M", 0, 0, "title: must not be empty");
    meta->title = s;
    break;
  case KEY_LANG:
    if (!s)
      return 0; /* as in the front matter: an empty lang keeps what there is */
    if (!lang_ok(s))
      return tb_error_set(err, TB_ERR_USAGE, "-M", 0, 0,
                          "lang: '%s' is not a BCP 47 language tag (like ms, en or en-GB)",
                          printable(s, strlen(s), buf));
    meta->lang = s;
    meta->lang_given = true;
    break;
  case KEY_DATE:
    if (s && !date_ok(s))
      return tb_error_set(err, TB_ERR_USAGE, "-M", 0, 0, "date: '%s' is not a real date written YYYY-MM-DD",
                          printable(s, strlen(s), buf));
    meta->date = s;
    break;
  case KEY_AUTHOR:
  case KEY_KEYWORDS: {
    /* repeated, they make a list (pandoc's -M does the same); the first replaces the file's */
    const char ***list = k == KEY_AUTHOR ? &meta->authors : &meta->keywords;
    size_t *count = k == KEY_AUTHOR ? &meta->nauthors : &meta->nkeywords;
    bool *fresh = k == KEY_AUTHOR ? &meta->m_authors : &meta->m_keywords;
    if (!*fresh) {
      *list = NULL;
      *count = 0;
      *fresh = true;
    }
    if (!s)
      break;
    if (*count >= TB_FRONTMATTER_MAX_ITEMS)
      return tb_error_set(err, TB_ERR_USAGE, "-M", 0, 0, "%s: more than %d entries", name,
                          TB_FRONTMATTER_MAX_ITEMS);
    const char **arr = tb_arena_alloc(&doc->arena, (*count + 1) * sizeof *arr);
    if (*count)
      memcpy(arr, *list, *count * sizeof *arr);
    arr[(*count)++] = s;
    *list = arr;
    break;
  }
  case KEY_SUBTITLE: meta->subtitle = s; break;
  case KEY_CATEGORY: meta->category = s; break;
  case KEY_DESCRIPTION: meta->description = s; break;
  case KEY_IDENTIFIER: meta->identifier = s; break;
  case KEY_RIGHTS: meta->rights = s; break;
  case KEY_COVER: meta->cover = s; break;
  case KEY_CLASS:
    if (s && strcmp(s, "article") != 0 && strcmp(s, "book") != 0)
      return tb_error_set(err, TB_ERR_USAGE, "-M", 0, 0, "class: '%s' is neither article nor book",
                          printable(s, strlen(s), buf));
    meta->doc_class = s;
    break;
  case KEY__COUNT: break;
  }
  return 0;
}
