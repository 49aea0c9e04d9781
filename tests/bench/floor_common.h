// floor_common.h -- the Markdown reading shared by the two benchmark floors (floor_pdf.c,
// floor_epub.c). Not part of terbit: a deliberately minimal reader, just enough to find the same
// words, headings and chapters that terbit finds in the benchmark's generated books.
//
// Rules (a subset of what terbit does, and nothing more):
//   * each file starts with YAML front matter between '---' lines: skipped, its `title:` kept;
//   * one file: chapters start at each heading of the file's shallowest heading level (terbit's
//     rule); several files: one chapter per file, opened by a heading with the file's title;
//   * a blank line ends a paragraph; a '#' line is a heading; "- " / "* " / "N. " start a list
//     item (a paragraph of its own; the marker is kept as a word, '-' and '*' become a bullet);
//   * inline: '**' toggles bold, a lone '*' or '_' at a word's edge toggles italic, '`' toggles
//     code (monospace). The markers are dropped from the words.
#ifndef FLOOR_COMMON_H
#define FLOOR_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FL_PARA, FL_HEADING, FL_ITEM };

typedef struct fl_block {
  int kind;    /* FL_PARA, FL_HEADING, FL_ITEM */
  int level;   /* heading level (1..6) */
  int chapter; /* index of the chapter holding it */
  char *text;  /* the block's Markdown text, lines joined with spaces (malloc'd) */
} fl_block;

typedef struct fl_book {
  fl_block *b;
  size_t n, cap;
  int nchapters;
} fl_book;

static void *fl_xrealloc(void *p, size_t n) {
  p = realloc(p, n);
  if (!p) {
    fputs("floor: out of memory\n", stderr);
    exit(3);
  }
  return p;
}

static char *fl_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(3);
  }
  size_t cap = 1 << 16, n = 0, k;
  char *d = fl_xrealloc(NULL, cap);
  while ((k = fread(d + n, 1, cap - n - 1, f)) > 0) {
    n += k;
    if (cap - n - 1 == 0)
      d = fl_xrealloc(d, cap *= 2);
  }
  fclose(f);
  d[n] = 0;
  *len = n;
  return d;
}

static void fl_push(fl_book *bk, int kind, int level, int chapter, const char *s, size_t n) {
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if (bk->n == bk->cap) {
    bk->cap = bk->cap ? bk->cap * 2 : 256;
    bk->b = fl_xrealloc(bk->b, bk->cap * sizeof *bk->b);
  }
  fl_block *b = &bk->b[bk->n++];
  b->kind = kind;
  b->level = level;
  b->chapter = chapter;
  b->text = fl_xrealloc(NULL, n + 1);
  memcpy(b->text, s, n);
  b->text[n] = 0;
}

/* The title from the front matter (quotes dropped), or NULL. */
static char *fl_frontmatter(char **p) {
  char *s = *p, *title = NULL;
  if (strncmp(s, "---", 3) != 0)
    return NULL;
  s = strchr(s, '\n');
  while (s && *++s) {
    char *eol = strchr(s, '\n');
    size_t n = eol ? (size_t)(eol - s) : strlen(s);
    if (n >= 3 && strncmp(s, "---", 3) == 0) {
      *p = eol ? eol + 1 : s + n;
      return title;
    }
    if (n > 6 && strncmp(s, "title:", 6) == 0) {
      char *v = s + 6, *e = s + n;
      while (v < e && *v == ' ')
        v++;
      if (e > v + 1 && (*v == '"' || *v == '\'') && e[-1] == *v)
        v++, e--;
      title = fl_xrealloc(NULL, (size_t)(e - v) + 1);
      memcpy(title, v, (size_t)(e - v));
      title[e - v] = 0;
    }
    s = eol;
  }
  return title;
}

static int fl_heading_level(const char *s, size_t n) {
  int lv = 0;
  while ((size_t)lv < n && s[lv] == '#')
    lv++;
  return lv >= 1 && lv <= 6 && ((size_t)lv == n || s[lv] == ' ') ? lv : 0;
}

/* Length of a list marker at s ("- ", "* ", "12. "), 0 if none. */
static size_t fl_item_marker(const char *s, size_t n) {
  if (n >= 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ')
    return 2;
  size_t i = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9')
    i++;
  return i > 0 && i + 1 < n && s[i] == '.' && s[i + 1] == ' ' ? i + 2 : 0;
}

static void fl_load(fl_book *bk, char **paths, int npaths) {
  memset(bk, 0, sizeof *bk);
  bk->nchapters = 0;
  char *para = NULL;
  size_t plen = 0, pcap = 0;
  for (int fi = 0; fi < npaths; fi++) {
    size_t len;
    char *data = fl_read(paths[fi], &len), *s = data;
    char *title = fl_frontmatter(&s);
    int split_level = 7;
    if (npaths == 1) {
      for (char *q = s; q && *q;) {
        char *eol = strchr(q, '\n');
        size_t n = eol ? (size_t)(eol - q) : strlen(q);
        int lv = fl_heading_level(q, n);
        if (lv && lv < split_level)
          split_level = lv;
        q = eol ? eol + 1 : NULL;
      }
    } else {
      fl_push(bk, FL_HEADING, 1, bk->nchapters, title ? title : "", title ? strlen(title) : 0);
      bk->nchapters++;
    }
    free(title);
    int kind = FL_PARA;
    plen = 0;
    for (char *q = s;;) {
      char *eol = q ? strchr(q, '\n') : NULL;
      size_t n = q ? (eol ? (size_t)(eol - q) : strlen(q)) : 0;
      int lv = q ? fl_heading_level(q, n) : 0;
      size_t mk = q ? fl_item_marker(q, n) : 0;
      int blank = !q || n == 0;
      if ((blank || lv || mk) && plen) {
        fl_push(bk, kind, 0, bk->nchapters - 1 < 0 ? 0 : bk->nchapters - 1, para, plen);
        plen = 0;
        kind = FL_PARA;
      }
      if (!q)
        break;
      if (lv) {
        if (npaths == 1 && lv == split_level)
          bk->nchapters++;
        else if (bk->nchapters == 0)
          bk->nchapters = 1;
        const char *t = q + lv;
        while (*t == ' ')
          t++;
        fl_push(bk, FL_HEADING, lv, bk->nchapters - 1, t, (size_t)(q + n - t));
      } else if (!blank) {
        if (bk->nchapters == 0)
          bk->nchapters = 1;
        if (mk)
          kind = FL_ITEM;
        if (plen + n + 2 > pcap)
          para = fl_xrealloc(para, pcap = (plen + n + 2) * 2);
        if (plen)
          para[plen++] = ' ';
        memcpy(para + plen, q, n);
        plen += n;
      }
      q = eol ? eol + 1 : NULL;
    }
    free(data);
  }
  free(para);
  if (bk->nchapters == 0)
    bk->nchapters = 1;
}

static void fl_free(fl_book *bk) {
  for (size_t i = 0; i < bk->n; i++)
    free(bk->b[i].text);
  free(bk->b);
}

#endif
