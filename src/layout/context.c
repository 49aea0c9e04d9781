// context.c -- the layout's small shared helpers: the arena, draws and links in the scratch
// lists, the vertical list, structure elements. Everything above calls down into these.
#include <string.h>

#include "layout/layout_int.h"

char *lo_strndup(L *l, const char *s, size_t n) { return tb_arena_strndup(&l->lo->arena, s, n); }

tb_draw *lo_add_draw(L *l) {
  tb_grow(&l->out.draws, &l->out.draws_cap, l->out.ndraws + 1, sizeof *l->out.draws);
  tb_draw *d = &l->out.draws[l->out.ndraws++];
  memset(d, 0, sizeof *d);
  d->elem = l->cur_elem;
  return d;
}

/* A new structure element inside parent; 0 (nothing) when nothing is drawn. */
int lo_new_elem(L *l, tb_role role, int parent) {
  tb_layout *lo = l->lo;
  if (l->opts->page_starts_only)
    return 0;
  tb_grow(&lo->elems, &lo->elems_cap, lo->nelems + 1, sizeof *lo->elems);
  lo->elems[lo->nelems] = (tb_elem){role, parent};
  return (int)lo->nelems++;
}

/* Gives the newest element e its alternate text or language (owned by the layout or the doc). */
void lo_set_elem_attr(L *l, int e, const char *alt, const char *lang) {
  tb_layout *lo = l->lo;
  if (e <= 0)
    return;
  tb_grow(&lo->attrs, &lo->attrs_cap, lo->nattrs + 1, sizeof *lo->attrs);
  lo->attrs[lo->nattrs++] = (tb_elem_attr){e, alt, lang};
}

/* Opens a new element inside the current one and makes it current; returns the one it replaces,
 * for the caller to restore. */
int lo_open_elem(L *l, tb_role role) {
  int was = l->cur_elem;
  l->cur_elem = lo_new_elem(l, role, was);
  return was;
}

/* Gives a text draw its text, s[0..n) then `end` (a copy owned by the layout), and its width w
 * (end's glyphs are drawn past it). With page_starts_only nothing is drawn, so nothing is
 * copied: a 500-chapter EPUB saved 3.4 MB. */
void lo_set_draw_text_ending(L *l, tb_draw *d, const char *s, size_t n, float w, const char *end) {
  size_t m = strlen(end);
  d->w = w;
  d->text = NULL;
  d->len = n;
  if (l->opts->page_starts_only)
    return;
  d->len = n + m;
  char *t = tb_arena_alloc(&l->lo->arena, n + m + 1);
  memcpy(t, s, n);
  memcpy(t + n, end, m + 1);
  d->text = t;
}

void lo_set_draw_text(L *l, tb_draw *d, const char *s, size_t n, float w) {
  lo_set_draw_text_ending(l, d, s, n, w, "");
}
tb_link *lo_add_link(L *l) {
  tb_grow(&l->out.links, &l->out.links_cap, l->out.nlinks + 1, sizeof *l->out.links);
  tb_link *k = &l->out.links[l->out.nlinks++];
  memset(k, 0, sizeof *k);
  k->heading = -1;
  return k;
}

vbox *lo_vl_push(vlist *vl, vb_kind kind) {
  tb_grow(&vl->v, &vl->cap, vl->n + 1, sizeof *vl->v);
  vbox *b = &vl->v[vl->n++];
  memset(b, 0, sizeof *b);
  b->kind = kind;
  b->heading = -1;
  return b;
}
