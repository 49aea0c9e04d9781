// mem.h -- allocation that aborts on failure, a bump arena and a growable buffer.
#ifndef TB_MEM_H
#define TB_MEM_H

#include <stdarg.h>
#include <stddef.h>

/** malloc/calloc/realloc/strdup that print and abort() on failure: callers never check. */
void *tb_xmalloc(size_t n);
void *tb_xcalloc(size_t n, size_t size);
void *tb_xrealloc(void *p, size_t n);
char *tb_xstrdup(const char *s);
char *tb_xstrndup(const char *s, size_t n);

void tb_grow_slow(void *arr, size_t *cap, size_t need, size_t elem);
/** Grows *arr (of *cap elements of size elem) so it holds at least need elements. The check is
 * inline, the growth out of line: the layout grows its arrays once per item of every paragraph. */
static inline void tb_grow(void *arr, size_t *cap, size_t need, size_t elem) {
  if (need > *cap)
    tb_grow_slow(arr, cap, need, elem);
}

/** A bump arena: everything allocated from it lives until tb_arena_free. */
typedef struct tb_arena_block tb_arena_block;
typedef struct tb_arena {
  tb_arena_block *head;
} tb_arena;

void *tb_arena_alloc(tb_arena *a, size_t n); /* zeroed, 16-byte aligned */
char *tb_arena_strndup(tb_arena *a, const char *s, size_t n);
char *tb_arena_strdup(tb_arena *a, const char *s);
void tb_arena_free(tb_arena *a);

/** A growable byte buffer, always NUL-terminated when data != NULL. */
typedef struct tb_buf {
  char *data;
  size_t len, cap;
} tb_buf;

void tb_buf_put(tb_buf *b, const void *data, size_t len);
void tb_buf_puts(tb_buf *b, const char *s);
void tb_buf_putc(tb_buf *b, char c);
void tb_buf_putu(tb_buf *b, unsigned long long v); /* v in decimal (no printf: hot paths use it) */
void tb_buf_printf(tb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_buf_clear(tb_buf *b); /* len = 0, keeps memory */
void tb_buf_free(tb_buf *b);
/** Hands the data to the caller (free() it); b is empty afterwards. Never NULL. */
char *tb_buf_detach(tb_buf *b, size_t *len);

#endif
