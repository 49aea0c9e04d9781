// mem.c -- aborting allocators, the arena and tb_buf.
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n) {
  fprintf(stderr, "terbit: out of memory (%zu bytes), aborting\n", n);
  abort();
}

void *tb_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    oom(n);
  return p;
}

void *tb_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p)
    oom(n * size);
  return p;
}

void *tb_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    oom(n);
  return q;
}

char *tb_xstrndup(const char *s, size_t n) {
  char *p = tb_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *tb_xstrdup(const char *s) { return tb_xstrndup(s, strlen(s)); }

void tb_grow_slow(void *arr, size_t *cap, size_t need, size_t elem) {
  void **pa = arr;
  if (need <= *cap)
    return;
  size_t c = *cap ? *cap : 8;
  while (c < need) {
    if (c > SIZE_MAX / 2 / elem)
      oom(SIZE_MAX);
    c *= 2;
  }
  *pa = tb_xrealloc(*pa, c * elem);
  *cap = c;
}

struct tb_arena_block {
  tb_arena_block *next;
  size_t used, size;
  _Alignas(16) unsigned char data[];
};

void *tb_arena_alloc(tb_arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  tb_arena_block *b = a->head;
  if (!b || b->size - b->used < n) {
    size_t size = n > 60000 ? n : 60000;
    b = tb_xmalloc(sizeof *b + size);
    b->used = 0;
    b->size = size;
    b->next = a->head;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *tb_arena_strndup(tb_arena *a, const char *s, size_t n) {
  char *p = tb_arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *tb_arena_strdup(tb_arena *a, const char *s) { return tb_arena_strndup(a, s, strlen(s)); }

void tb_arena_free(tb_arena *a) {
  tb_arena_block *b = a->head;
  while (b) {
    tb_arena_block *n = b->next;
    free(b);
    b = n;
  }
  a->head = NULL;
}

void tb_buf_put(tb_buf *b, const void *data, size_t len) {
  tb_grow(&b->data, &b->cap, b->len + len + 1, 1);
  memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = 0;
}

void tb_buf_puts(tb_buf *b, const char *s) { tb_buf_put(b, s, strlen(s)); }

void tb_buf_putc(tb_buf *b, char c) { tb_buf_put(b, &c, 1); }

void tb_buf_putu(tb_buf *b, unsigned long long v) {
  char tmp[24], *e = tmp + sizeof tmp, *p = e;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  tb_buf_put(b, p, (size_t)(e - p));
}

void tb_buf_printf(tb_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  tb_grow(&b->data, &b->cap, b->len + (size_t)n + 1, 1);
  va_start(ap, fmt);
  (void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void tb_buf_clear(tb_buf *b) {
  b->len = 0;
  if (b->data)
    b->data[0] = 0;
}

void tb_buf_free(tb_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

char *tb_buf_detach(tb_buf *b, size_t *len) {
  char *p = b->data ? b->data : tb_xcalloc(1, 1); /* never NULL: an empty buffer gives "" */
  if (len)
    *len = b->len;
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}
