// pack.c -- the PDF written compactly: object streams and one cross-reference stream (pack.h).
#include "pdf/pack.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Objects per object stream: a reader inflates a whole stream to reach one of them. */
#define OBJS_PER_STREAM 256

/* One cross-reference entry (§7.5.8.3): type 0 free, 1 at an offset, 2 in an object stream. */
typedef struct xent {
  unsigned char type;
  unsigned long f2; /* the offset, or the object stream's number */
  unsigned f3;      /* the index in the object stream */
} xent;

struct tb_pack {
  FILE *fp;
  unsigned long off; /* bytes written */
  int err;           /* the first write's errno */
  xent *x;           /* by object number */
  size_t nx;
  unsigned next;     /* the next number for an object stream */
  unsigned stm;      /* the open object stream's number, 0: none */
  size_t nin;        /* objects in it */
  tb_buf head, body; /* its "num offset" pairs, its objects */
  tb_buf z;          /* deflated output, reused */
};

static void put(tb_pack *p, const void *data, size_t len) {
  if (len && fwrite(data, 1, len, p->fp) != len && !p->err)
    p->err = errno ? errno : EIO;
  p->off += len;
}

static void entry(tb_pack *p, unsigned num, unsigned char type, unsigned long f2, unsigned f3) {
  if (num >= p->nx) {
    size_t old = p->nx;
    tb_grow(&p->x, &p->nx, (size_t)num + 1, sizeof *p->x);
    memset(p->x + old, 0, (p->nx - old) * sizeof *p->x);
  }
  p->x[num] = (xent){type, f2, f3};
}

tb_pack *tb_pack_new(FILE *fp, unsigned first) {
  tb_pack *p = tb_xcalloc(1, sizeof *p);
  p->fp = fp;
  p->next = first;
  entry(p, first, 0, 0, 0);
  /* the binary comment tells transfer programs the file is not text */
  static const char header[] = "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n";
  put(p, header, sizeof header - 1);
  return p;
}

void tb_pack_free(tb_pack *p) {
  if (!p)
    return;
  free(p->x);
  tb_buf_free(&p->head);
  tb_buf_free(&p->body);
  tb_buf_free(&p->z);
  free(p);
}

/* Deflates src into p->z (zlib format: /FlateDecode). The object streams at level 6, zlib's
 * default: at level 1 the 50-chapter book was 16 KB larger (4%) for 4% fewer instructions. The
 * cross-reference stream at level 1: its rows are so regular that level 6 made it no smaller
 * and cost 10 M instructions at 50 chapters, 200 M at 500. */
static int deflate_to(tb_pack *p, const void *src, size_t len, int level) {
  uLongf n = compressBound((uLong)len);
  tb_buf_clear(&p->z);
  tb_grow(&p->z.data, &p->z.cap, n + 1, 1);
  if (compress2((Bytef *)p->z.data, &n, (const Bytef *)(src ? src : ""), (uLong)len, level) != Z_OK)
    return -1;
  p->z.len = n;
  return 0;
}

static void put_obj_head(tb_pack *p, unsigned num) {
  char line[32];
  int n = snprintf(line, sizeof line, "%u 0 obj\n", num);
  entry(p, num, 1, p->off, 0);
  put(p, line, (size_t)n);
}

static void flush_objstm(tb_pack *p) {
  if (!p->stm)
    return;
  size_t first = p->head.len;
  tb_buf_put(&p->head, p->body.data, p->body.len);
  if (deflate_to(p, p->head.data, p->head.len, 6) != 0 && !p->err)
    p->err = ENOMEM;
  put_obj_head(p, p->stm);
  tb_buf b = {0};
  tb_buf_printf(&b, "<</Type/ObjStm/N %zu/First %zu/Filter/FlateDecode/Length %zu>>\nstream\n", p->nin, first,
                p->z.len);
  put(p, b.data, b.len);
  put(p, p->z.data, p->z.len);
  put(p, "\nendstream\nendobj\n", 18);
  tb_buf_free(&b);
  tb_buf_clear(&p->head);
  tb_buf_clear(&p->body);
  p->stm = 0;
  p->nin = 0;
}

void tb_pack_obj(tb_pack *p, unsigned num, const char *body, size_t len) {
  if (!p->stm)
    p->stm = p->next++;
  entry(p, num, 2, p->stm, (unsigned)p->nin);
  tb_buf_putu(&p->head, num);
  tb_buf_putc(&p->head, ' ');
  tb_buf_putu(&p->head, p->body.len);
  tb_buf_putc(&p->head, ' ');
  tb_buf_put(&p->body, body, len);
  tb_buf_putc(&p->body, '\n');
  if (++p->nin == OBJS_PER_STREAM)
    flush_objstm(p);
}

void tb_pack_stream(tb_pack *p, unsigned num, const char *dict, size_t dlen, const void *data, size_t len) {
  put_obj_head(p, num);
  tb_buf b = {0};
  tb_buf_puts(&b, "<<");
  tb_buf_put(&b, dict, dlen);
  tb_buf_printf(&b, "/Length %zu>>\nstream\n", len);
  put(p, b.data, b.len);
  put(p, data, len);
  put(p, "\nendstream\nendobj\n", 18);
  tb_buf_free(&b);
}

/* A cross-reference stream row, /W [1 4 2]. */
static void put_row(tb_buf *b, const xent *e) {
  unsigned char row[7] = {e->type,
                          (unsigned char)(e->f2 >> 24),
                          (unsigned char)(e->f2 >> 16),
                          (unsigned char)(e->f2 >> 8),
                          (unsigned char)e->f2,
                          (unsigned char)(e->f3 >> 8),
                          (unsigned char)e->f3};
  tb_buf_put(b, row, sizeof row);
}

int tb_pack_end(tb_pack *p, unsigned root, unsigned info, const unsigned char *id) {
  flush_objstm(p);
  unsigned xref = p->next++;
  entry(p, xref, 1, p->off, 0);
  if (p->off > 0xFFFFFFFFul && !p->err)
    p->err = EFBIG; /* /W [1 4 2]: offsets of 4 bytes */
  tb_buf rows = {0};
  for (unsigned i = 0; i <= xref; i++) {
    xent e = i < p->nx ? p->x[i] : (xent){0, 0, 0};
    if (i == 0)
      e.f3 = 0xFFFF; /* the head of the free list, generation 65535 */
    put_row(&rows, &e);
  }
  if (deflate_to(p, rows.data, rows.len, 1) != 0 && !p->err)
    p->err = ENOMEM;
  tb_buf_free(&rows);
  tb_buf b = {0};
  tb_buf_printf(&b, "%u 0 obj\n<</Type/XRef/Size %u/W[1 4 2]/Root %u 0 R", xref, xref + 1, root);
  if (info)
    tb_buf_printf(&b, "/Info %u 0 R", info);
  for (int k = 0; id && k < 2; k++) {
    tb_buf_puts(&b, k ? "<" : "/ID[<");
    for (int i = 0; i < 16; i++)
      tb_buf_printf(&b, "%02X", id[i]);
    tb_buf_puts(&b, k ? ">]" : ">");
  }
  tb_buf_printf(&b, "/Filter/FlateDecode/Length %zu>>\nstream\n", p->z.len);
  unsigned long at = p->x[xref].f2;
  put(p, b.data, b.len);
  put(p, p->z.data, p->z.len);
  tb_buf_clear(&b);
  tb_buf_printf(&b, "\nendstream\nendobj\nstartxref\n%lu\n%%%%EOF\n", at);
  put(p, b.data, b.len);
  tb_buf_free(&b);
  if (fflush(p->fp) != 0 && !p->err)
    p->err = errno ? errno : EIO;
  if (p->err) {
    errno = p->err;
    return -1;
  }
  return 0;
}

/* ---- reading libharu's file ---- */

static bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0; }
static bool is_delim(char c) {
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' ||
         c == '/' || c == '%';
}

/* The end of the literal string that starts at s (at its '('), or e. */
static const char *skip_literal(const char *s, const char *e) {
  int depth = 0;
  for (; s < e; s++) {
    if (*s == '\\')
      s++;
    else if (*s == '(')
      depth++;
    else if (*s == ')' && --depth == 0)
      return s + 1;
  }
  return e;
}

void tb_pack_minify(tb_buf *out, const char *s, size_t n) {
  const char *e = s + n;
  bool space = false;
  while (s < e) {
    char c = *s;
    if (is_ws(c)) {
      space = true;
      s++;
      continue;
    }
    if (space && out->len && !is_delim(out->data[out->len - 1]) && !is_delim(c))
      tb_buf_putc(out, ' ');
    space = false;
    const char *t = s + 1;
    if (c == '(')
      t = skip_literal(s, e);
    else if (c == '<' && t < e && *t != '<')
      while (t < e && *t++ != '>')
        ;
    else if (c == '<' || c == '>')
      t = s + 2 <= e && s[1] == c ? s + 2 : s + 1;
    else if (c == '%') /* a comment, never written by libharu: dropped */
      for (t = s; t < e && *t != '\n' && *t != '\r'; t++)
        ;
    else
      while (t < e && !is_ws(*t) && !is_delim(*t))
        t++;
    if (c != '%')
      tb_buf_put(out, s, (size_t)(t - s));
    s = t;
  }
}

/* The end of the dictionary that starts at s ("<<"), or NULL. */
static const char *dict_end(const char *s, const char *e) {
  int depth = 0;
  while (s < e) {
    if (*s == '(') {
      s = skip_literal(s, e);
    } else if (*s == '<' && s + 1 < e && s[1] == '<') {
      depth++;
      s += 2;
    } else if (*s == '>' && s + 1 < e && s[1] == '>') {
      s += 2;
      if (--depth == 0)
        return s;
    } else if (*s == '<') {
      while (s < e && *s != '>')
        s++;
      s++;
    } else {
      s++;
    }
  }
  return NULL;
}

/* An unsigned number at *s (after white space); advances *s. -1: none. */
static long number(const char **s, const char *e) {
  const char *p = *s;
  while (p < e && is_ws(*p))
    p++;
  if (p >= e || *p < '0' || *p > '9')
    return -1;
  long v = 0;
  while (p < e && *p >= '0' && *p <= '9' && v < 100000000000L)
    v = v * 10 + (*p++ - '0');
  *s = p;
  return v;
}

static const char *find(const char *s, const char *e, const char *what) {
  size_t n = strlen(what);
  for (; s + n <= e; s++)
    if (*s == *what && !memcmp(s, what, n))
      return s;
  return NULL;
}

/* The classic table's offsets, by object number (0: not in use). */
typedef struct table {
  unsigned long *off;
  unsigned size;
  unsigned long xref_at;
} table;

static int read_table(const char *pdf, size_t len, table *t) {
  memset(t, 0, sizeof *t);
  const char *e = pdf + len, *sx = NULL;
  for (const char *q = len > 64 ? e - 64 : pdf; (q = find(q, e, "startxref")) != NULL; q++)
    sx = q;
  if (!sx)
    return -1;
  const char *q = sx + 9;
  long at = number(&q, e);
  if (at <= 0 || (size_t)at + 4 >= len || memcmp(pdf + at, "xref", 4) != 0)
    return -1;
  t->xref_at = (unsigned long)at;
  q = pdf + at + 4;
  long start, count;
  while ((start = number(&q, e)) >= 0 && (count = number(&q, e)) >= 0) {
    if (start + count > 0x7FFFFF)
      return -1;
    if ((unsigned)(start + count) > t->size) {
      t->off = tb_xrealloc(t->off, (size_t)(start + count) * sizeof *t->off);
      memset(t->off + t->size, 0, (size_t)(start + count - t->size) * sizeof *t->off);
      t->size = (unsigned)(start + count);
    }
    while (q < e && is_ws(*q))
      q++;
    for (long i = 0; i < count; i++, q += 20) {
      if (q + 20 > e || !t->off)
        return -1;
      if (q[17] == 'n')
        t->off[start + i] = strtoul(q, NULL, 10);
    }
  }
  return t->size ? 0 : -1;
}

unsigned tb_pack_size(const char *pdf, size_t len) {
  table t;
  unsigned n = read_table(pdf, len, &t) == 0 ? t.size : 0;
  free(t.off);
  return n;
}

/* The body of object num: from after "num 0 obj" to before "endobj". */
static int body_of(const char *pdf, const table *t, unsigned num, const char *end, const char **b,
                   const char **be) {
  const char *s = pdf + t->off[num];
  if (number(&s, end) != (long)num || number(&s, end) != 0)
    return -1;
  while (s < end && is_ws(*s))
    s++;
  if (end - s < 3 || memcmp(s, "obj", 3) != 0)
    return -1;
  *b = s + 3;
  *be = end;
  return 0;
}

typedef struct span {
  unsigned long off;
  unsigned num;
} span;

static int by_offset(const void *a, const void *b) {
  unsigned long x = ((const span *)a)->off, y = ((const span *)b)->off;
  return x < y ? -1 : x > y;
}

/* The value of the stream's /Length (direct, or the object it refers to), or -1. */
static long stream_length(const char *pdf, size_t len, const table *t, const char *d, const char *de,
                          const char **key, const char **val_end) {
  const char *k = d;
  while ((k = find(k, de, "/Length")) != NULL && !(is_ws(k[7]) || is_delim(k[7])))
    k += 7;
  if (!k)
    return -1;
  const char *s = k + 7;
  long v = number(&s, de);
  const char *after = s;
  long gen = number(&after, de);
  while (after < de && is_ws(*after))
    after++;
  *key = k;
  if (gen == 0 && after < de && *after == 'R') {
    *val_end = after + 1;
    if (v <= 0 || (unsigned long)v >= t->size || !t->off[v] || t->off[v] >= len)
      return -1;
    const char *o = pdf + t->off[v];
    if (number(&o, pdf + len) != v || number(&o, pdf + len) != 0)
      return -1;
    while (o < pdf + len && is_ws(*o))
      o++;
    o += 3; /* "obj" */
    return number(&o, pdf + len);
  }
  *val_end = s;
  return v;
}

int tb_pack_copy(tb_pack *p, const char *pdf, size_t len, int (*hook)(void *, tb_pack *, unsigned),
                 void *user) {
  table t;
  if (read_table(pdf, len, &t) != 0) {
    free(t.off);
    return -1;
  }
  span *sp = tb_xmalloc(((size_t)t.size + 1) * sizeof *sp);
  size_t n = 0;
  for (unsigned i = 1; i < t.size; i++)
    if (t.off[i] && t.off[i] < t.xref_at)
      sp[n++] = (span){t.off[i], i};
  qsort(sp, n, sizeof *sp, by_offset);
  unsigned char *drop = tb_xcalloc(t.size, 1); /* the /Length objects */
  tb_buf b = {0};
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    unsigned num = sp[i].num;
    const char *end = pdf + (i + 1 < n ? sp[i + 1].off : t.xref_at);
    const char *s, *e;
    if (drop[num] || (hook && hook(user, p, num)))
      continue;
    if (body_of(pdf, &t, num, end, &s, &e) != 0) {
      rc = -1;
      break;
    }
    while (s < e && is_ws(*s))
      s++;
    const char *de = s + 1 < e && s[0] == '<' && s[1] == '<' ? dict_end(s, e) : NULL;
    const char *st = de;
    while (st && st < e && is_ws(*st))
      st++;
    tb_buf_clear(&b);
    if (st && e - st > 6 && !memcmp(st, "stream", 6)) {
      st += 6;
      st += *st == '\r' ? 2 : 1; /* "stream" and its end of line */
      const char *key, *vend;
      long L = stream_length(pdf, len, &t, s, de, &key, &vend);
      const char *after = st + L;
      if (L < 0 || after > e || !find(after, e, "endstream")) {
        rc = -1;
        break;
      }
      /* the dictionary's entries but /Length */
      tb_pack_minify(&b, s + 2, (size_t)(key - s - 2));
      tb_pack_minify(&b, vend, (size_t)(de - 2 - vend));
      /* a /Length object referred to: dropped */
      const char *r = key + 7;
      long lnum = number(&r, de);
      if (vend > r && lnum > 0 && (unsigned long)lnum < t.size)
        drop[lnum] = 1;
      tb_pack_stream(p, num, b.data ? b.data : "", b.len, st, (size_t)L);
    } else {
      /* the body ends before the last "endobj" */
      const char *eo = NULL;
      for (const char *q = s; (q = find(q, e, "endobj")) != NULL; q++)
        eo = q;
      if (!eo) {
        rc = -1;
        break;
      }
      tb_pack_minify(&b, s, (size_t)(eo - s));
      tb_pack_obj(p, num, b.data ? b.data : "", b.len);
    }
  }
  tb_buf_free(&b);
  free(drop);
  free(sp);
  free(t.off);
  return rc;
}
