// wordcache.c -- what the layout remembers about words: a hyphenator per language, the
// hyphenation points of each word, and the items of each word already set (replayed by words.c
// instead of measured again).
#include <stdlib.h>
#include <string.h>

#include "layout/layout_int.h"
#include "util/hash.h"

tb_hyphen *lo_hyphenator(L *l, const char *lang) {
  if (l->words.nhyph &&
      l->words.hyph[l->words.last_hyph].lang == lang) /* the same language as the last word */
    return l->words.hyph[l->words.last_hyph].h;
  for (size_t i = 0; i < l->words.nhyph; i++)
    if (!strcmp(l->words.hyph[i].lang, lang)) {
      l->words.last_hyph = i;
      return l->words.hyph[i].h;
    }
  tb_grow(&l->words.hyph, &l->words.hyph_cap, l->words.nhyph + 1, sizeof *l->words.hyph);
  l->words.hyph[l->words.nhyph].lang = lang;
  l->words.hyph[l->words.nhyph].h = tb_hyphen_new(lang, l->opts->assets_dir);
  l->words.last_hyph = l->words.nhyph;
  return l->words.hyph[l->words.nhyph++].h;
}

/* A word's slot: its bytes and its hyphenator (one cache serves every language). */
static uint64_t hash_word(const char *s, size_t n, const void *h) {
  return tb_fnv1a(s, n, TB_FNV1A_SEED ^ (uint64_t)(uintptr_t)h);
}

/* tb_hyphen_points through the cache. */
size_t lo_hyphen_points(L *l, tb_hyphen *h, const char *w, size_t n, size_t *pos, size_t max) {
  hcache *c = &l->words.hc;
  if (c->used * 4 >= c->cap * 3) {
    hcache old = *c;
    c->cap = old.cap ? old.cap * 2 : 4096;
    c->slots = tb_xcalloc(c->cap, sizeof *c->slots);
    c->used = 0;
    for (size_t i = 0; i < old.cap; i++)
      if (old.slots[i].word) {
        size_t k = hash_word(old.slots[i].word, old.slots[i].len, old.slots[i].h) & (c->cap - 1);
        while (c->slots[k].word)
          k = (k + 1) & (c->cap - 1);
        c->slots[k] = old.slots[i];
        c->used++;
      }
    free(old.slots);
  }
  size_t k = hash_word(w, n, h) & (c->cap - 1);
  while (c->slots[k].word) {
    hcache_entry *e = &c->slots[k];
    if (e->h == h && e->len == n && !memcmp(e->word, w, n)) {
      size_t m = e->np < max ? e->np : max;
      for (size_t i = 0; i < m; i++)
        pos[i] = e->pts[i];
      return m;
    }
    k = (k + 1) & (c->cap - 1);
  }
  size_t tmp[30];
  size_t m = tb_hyphen_points(h, w, n, tmp, 30);
  hcache_entry *e = &c->slots[k];
  e->word = lo_strndup(l, w, n);
  e->len = n;
  e->h = h;
  e->np = (unsigned char)m;
  for (size_t i = 0; i < m; i++)
    e->pts[i] = (uint16_t)tmp[i];
  c->used++;
  m = m < max ? m : max;
  for (size_t i = 0; i < m; i++)
    pos[i] = tmp[i];
  return m;
}
/* The slot of the word (found, or the empty slot where it would go); NULL without a table. */
wentry *lo_wcache_slot(const wcache *c, const wkey *k) {
  if (!c->cap)
    return NULL;
  uint32_t size_bits;
  memcpy(&size_bits, &k->size, sizeof size_bits);
  uint64_t seed = TB_FNV1A_SEED ^ (uint64_t)(uintptr_t)k->h ^ ((uint64_t)size_bits << 20) ^
                  ((uint64_t)k->face << 8) ^ (uint64_t)k->hyph;
  for (size_t i = tb_fnv1a(k->s, k->n, seed) & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
    wentry *e = &c->slots[i];
    if (!e->word || (e->len == k->n && e->h == k->h && e->hyph == k->hyph && e->face == k->face &&
                     e->size == k->size && !memcmp(e->word, k->s, k->n)))
      return e;
  }
}

/* Remembers the items push_word made of s[0..n) (from items[first] on), unless one is not of
 * the word's own bytes (a replacement mark for a missing glyph) or the cache is full. */
void lo_wcache_add(L *l, const wkey *key, size_t first) {
  wcache *c = &l->words.wc;
  const char *s = key->s;
  size_t n = key->n, count = l->para.n - first;
  if (n > WCACHE_WORD_MAX || count > 255 || c->used >= WCACHE_MAX)
    return;
  for (size_t i = first; i < l->para.n; i++)
    if (l->para.items[i].type == TB_LB_BOX &&
        (l->para.boxes[i].s < s || l->para.boxes[i].s + l->para.boxes[i].len > s + n))
      return;
  if ((c->used + 1) * 2 > c->cap) {
    wcache old = *c;
    c->cap = old.cap ? old.cap * 2 : 4096;
    c->slots = tb_xcalloc(c->cap, sizeof *c->slots);
    for (size_t i = 0; i < old.cap; i++) {
      const wentry *o = &old.slots[i];
      if (o->word) {
        wkey k = {o->word, o->len, o->face, o->size, o->hyph, o->h};
        *lo_wcache_slot(c, &k) = *o;
      }
    }
    free(old.slots);
  }
  wentry *e = lo_wcache_slot(c, key);
  tb_grow(&c->pieces, &c->pieces_cap, c->npieces + count, sizeof *c->pieces);
  e->word = lo_strndup(l, s, n);
  e->len = (uint16_t)n;
  e->h = key->h;
  e->hyph = key->hyph;
  e->face = key->face;
  e->size = key->size;
  e->first = (uint32_t)c->npieces;
  e->npieces = (uint16_t)count;
  for (size_t i = first; i < l->para.n; i++) {
    wpiece *p = &c->pieces[c->npieces++];
    const tb_lb_item *it = &l->para.items[i];
    const pbox *b = &l->para.boxes[i];
    p->box = it->type == TB_LB_BOX;
    p->off = p->box ? (uint16_t)(b->s - s) : 0;
    p->len = p->box ? (uint16_t)b->len : 0;
    p->face = (unsigned char)b->st.face;
    p->w = (float)it->width;
    p->penalty = (float)it->penalty;
    p->flagged = it->flagged;
  }
  c->used++;
}

/* Pushes the items of a remembered word: what push_word would push, for this occurrence. */
void lo_wcache_replay(L *l, const wentry *e, const char *s, const style *st, const tb_node *node,
                      size_t off) {
  const wpiece *p = &l->words.wc.pieces[e->first];
  for (size_t i = 0; i < e->npieces; i++, p++) {
    if (p->box) {
      pbox pb = {s + p->off, p->len, *st, node, off + p->off, 0};
      pb.st.face = (tb_face)p->face;
      lo_push_item(l, TB_LB_BOX, p->w, 0, 0, 0, false, &pb);
    } else {
      lo_push_item(l, TB_LB_PENALTY, p->w, 0, 0, p->penalty, p->flagged, NULL);
      l->para.boxes[l->para.n - 1].st = *st;
    }
  }
}

void lo_words_free(lo_words *w) {
  for (size_t i = 0; i < w->nhyph; i++)
    tb_hyphen_free(w->hyph[i].h);
  free(w->hyph);
  free(w->hc.slots);
  free(w->wc.slots);
  free(w->wc.pieces);
}
