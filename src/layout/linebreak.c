// linebreak.c -- line breaking over a paragraph's boxes and glue: total-fit, and first-fit for
// ragged text (at the end of the file).
//
// Knuth & Plass, "Breaking Paragraphs into Lines" (1981), as in TeX: a dynamic programme over
// the legal breakpoints that keeps, for every breakpoint already reached, the cheapest way to
// get there per (fitness class of the line ending there, line-width class of the next line).
// The live candidates form the active list; a node leaves it once the line from it would have
// to shrink beyond r = -1 (or a forced break passes), so the list stays as short as one line is
// long and the whole run is linear in practice. That pruning is exact as long as no item has a
// negative minimum width (glue shrink <= glue width); a break's own penalty width is left out
// of the test, since later breaks do not carry it. Line measures come from prefix sums of width,
// finite stretch, shrink and the count of fil glues (kept apart so an "infinite" stretch does
// not swamp the finite sums).
//
// Passes: tolerance, then max_tolerance, then an emergency pass that cannot fail: any stretch
// is feasible (badness capped at BAD_CAP, so demerits stay finite and ordered), and when every
// active node would overflow at a breakpoint with nothing else feasible there, the least
// overflowing one breaks anyway and its line is marked overfull (TeX's "artificial demerits").
#include "linebreak.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/mem.h"
#include "util/utf8.h"

#define NONE SIZE_MAX
#define EPS 1e-9    /* slack on r comparisons against -1 and on L == w */
#define BAD_CAP 1e6 /* badness ceiling (r ~ 21.5) in the emergency pass */

enum { FIT_TIGHT, FIT_DECENT, FIT_LOOSE, FIT_VERY_LOOSE };

typedef struct node {
  size_t pos;    /* break item index; NONE for the paragraph start */
  size_t start;  /* first item of the line after this break */
  size_t prev;   /* pool index of the previous break; NONE for the start */
  size_t wclass; /* line-width class of the next line: min(lines so far, nwidths - 1) */
  double total;  /* total demerits up to here */
  double ratio;  /* ratio of the line ending here */
  int fitness;   /* fitness class of the line ending here */
  bool flagged;  /* this break is a flagged penalty */
  bool overfull; /* the line ending here overflows */
} node;

typedef struct cand {
  size_t from;   /* pool index of the active node the line starts from */
  size_t wclass; /* wclass of the node to create */
  double total;
  double ratio;
  int fitness;
  bool overfull;
} cand;

typedef struct lb {
  const tb_lb_item *items;
  size_t n;
  size_t fin; /* the final break: n - 1 when items end with a forced penalty, else n */
  const tb_lb_params *p;
  double *sw, *sy, *sz, *sf; /* prefix sums over items [0, i): width, stretch, shrink, fils */
  size_t *next;              /* next[i]: first box or forced penalty at index >= i, or n */
  node *pool;
  size_t npool, cappool;
  size_t *act, nact, capact;
  size_t *act2, nact2, capact2;
  cand *cands;
  size_t ncand, capcand;
} lb;

/* Breakpoint properties of index b (b == n is the assumed final forced break). */
typedef struct bp {
  bool legal, forced, flagged;
  double width, penalty;
} bp;

static bool is_forced(const tb_lb_item *it) {
  return it->type == TB_LB_PENALTY && it->penalty <= -TB_LB_INFINITY;
}

static bp breakpoint(const lb *c, size_t b) {
  bp r = {false, false, false, 0, 0};
  if (b >= c->n) {
    r.legal = r.forced = true;
    r.penalty = -TB_LB_INFINITY;
    return r;
  }
  const tb_lb_item *it = &c->items[b];
  if (it->type == TB_LB_GLUE) {
    r.legal = b > 0 && c->items[b - 1].type == TB_LB_BOX;
  } else if (it->type == TB_LB_PENALTY && it->penalty < TB_LB_INFINITY) {
    r.legal = true;
    r.forced = it->penalty <= -TB_LB_INFINITY;
    r.flagged = it->flagged;
    r.width = it->width;
    r.penalty = it->penalty;
  }
  return r;
}

static double line_width(const tb_lb_params *p, size_t wclass) {
  if (!p->widths || p->nwidths == 0)
    return 0;
  return p->widths[wclass < p->nwidths ? wclass : p->nwidths - 1];
}

/* Adjustment ratio of a line of natural width l, stretch y, shrink z, fil count f, in width w. */
static double adjustment(double l, double y, double z, double f, double w, bool ragged) {
  double diff = w - l, aw = fabs(w);
  if (fabs(diff) <= EPS * (aw > 1.0 ? aw : 1.0)) /* fmax(1, |w|): w is never NaN */
    return 0;
  if (diff > 0) {
    if (ragged || f > 0.5)
      return 0;
    return y > 0 ? diff / y : INFINITY;
  }
  return z > 0 ? diff / z : -INFINITY;
}

static int fitness_class(double r) {
  if (r < -0.5)
    return FIT_TIGHT;
  if (r <= 0.5)
    return FIT_DECENT;
  if (r <= 1)
    return FIT_LOOSE;
  return FIT_VERY_LOOSE;
}

/* (line_penalty + badness)^2 +- penalty^2, badness 100|r|^3 capped at BAD_CAP. */
static double line_demerits(const tb_lb_params *p, double r, const bp *b) {
  double bad = 100.0 * fabs(r) * r * r;
  if (!(bad <= BAD_CAP))
    bad = BAD_CAP;
  double d = p->line_penalty + bad;
  d *= d;
  if (b->penalty > 0)
    d += b->penalty * b->penalty;
  else if (b->penalty < 0 && !b->forced)
    d -= b->penalty * b->penalty;
  return d;
}

static size_t new_node(lb *c) {
  tb_grow(&c->pool, &c->cappool, c->npool + 1, sizeof *c->pool);
  return c->npool++;
}

/* The next active list: run_pass makes room for every node once per breakpoint (those kept and
 * those the breakpoint creates), so a push needs no check. */
static void keep_active(lb *c, size_t a) { c->act2[c->nact2++] = a; }

/* Records a line from node a to the current breakpoint if it beats the candidate of its kind. */
static void offer(lb *c, size_t a, double r, const bp *b, bool overfull) {
  const tb_lb_params *p = c->p;
  const node *A = &c->pool[a];
  int fit = overfull ? FIT_TIGHT : fitness_class(r);
  double d = A->total;
  if (overfull) {
    d += (p->line_penalty + BAD_CAP) * (p->line_penalty + BAD_CAP);
  } else {
    d += line_demerits(p, r, b);
    if (b->flagged && A->flagged)
      d += p->flagged_demerits;
    if (abs(fit - A->fitness) > 1)
      d += p->fitness_demerits;
  }
  size_t last = p->nwidths ? p->nwidths - 1 : 0;
  size_t wc = A->wclass < last ? A->wclass + 1 : last;
  for (size_t i = 0; i < c->ncand; i++) {
    cand *k = &c->cands[i];
    if (k->wclass == wc && k->fitness == fit) {
      if (d < k->total)
        *k = (cand){a, wc, d, r, fit, overfull};
      return;
    }
  }
  tb_grow(&c->cands, &c->capcand, c->ncand + 1, sizeof *c->cands);
  c->cands[c->ncand++] = (cand){a, wc, d, r, fit, overfull};
}

/* Turns the candidates at breakpoint b into active nodes. Within a width class, a candidate
   costing more than the cheapest plus fitness_demerits can never win, so it is dropped. */
static void commit(lb *c, size_t b, const bp *info) {
  size_t start = b < c->n ? c->next[b + 1] : c->n;
  for (size_t i = 0; i < c->ncand; i++) {
    const cand *k = &c->cands[i];
    double best = k->total;
    for (size_t j = 0; j < c->ncand; j++)
      if (c->cands[j].wclass == k->wclass && c->cands[j].total < best)
        best = c->cands[j].total;
    if (k->total > best + c->p->fitness_demerits)
      continue;
    size_t x = new_node(c);
    c->pool[x] =
        (node){b, start, k->from, k->wclass, k->total, k->ratio, k->fitness, info->flagged, k->overfull};
    keep_active(c, x);
  }
}

/* One pass; returns the pool index of the best node at the final break, or NONE. */
static size_t run_pass(lb *c, double tol, bool emergency) {
  const tb_lb_params *p = c->p;
  c->npool = 0;
  c->nact = 0;
  size_t s = new_node(c);
  c->pool[s] = (node){NONE, 0, NONE, 0, 0, 0, FIT_DECENT, false, false};
  tb_grow(&c->act, &c->capact, 1, sizeof *c->act);
  c->act[c->nact++] = s;

  for (size_t b = 0; b <= c->fin; b++) {
    bp info = breakpoint(c, b);
    if (!info.legal)
      continue;
    c->ncand = 0;
    c->nact2 = 0;
    /* room for the nodes kept and for those commit() creates (at most one per width class and
     * fitness class) */
    tb_grow(&c->act2, &c->capact2, c->nact + 4 * (p->nwidths + 1), sizeof *c->act2);
    size_t least_from = NONE; /* emergency: the least overflowing node */
    double least_over = INFINITY, over_ratio = 0;
    for (size_t i = 0; i < c->nact; i++) {
      size_t a = c->act[i];
      const node *A = &c->pool[a];
      if (b < A->start) { /* a penalty among the items discarded after A: no line yet */
        keep_active(c, a);
        continue;
      }
      size_t st = A->start;
      double l = c->sw[b] - c->sw[st] + info.width;
      double y = c->sy[b] - c->sy[st];
      double z = c->sz[b] - c->sz[st];
      double f = c->sf[b] - c->sf[st];
      double w = line_width(p, A->wclass);
      double r = adjustment(l, y, z, f, w, info.forced && p->last_line_ragged);
      bool fits = r >= -1 - EPS;
      /* A's lines can only grow from here (given glue shrink <= width), except for this
         break's own penalty width (a hyphen), which later breaks do not carry. */
      bool alive = fits || (info.width > 0 && (l - info.width) - z <= w + EPS * (z > 1 ? z : 1));
      if (alive && !info.forced)
        keep_active(c, a);
      if (fits) {
        if (r <= tol || emergency)
          offer(c, a, r < -1 ? -1 : r, &info, false);
      } else if (emergency) {
        double over = l - z - w;
        if (over < least_over) {
          least_over = over;
          least_from = a;
          over_ratio = r;
        }
      }
    }
    if (emergency && c->ncand == 0 && c->nact2 == 0 && least_from != NONE)
      offer(c, least_from, over_ratio, &info, true);
    commit(c, b, &info);
    size_t *t = c->act;
    c->act = c->act2;
    c->act2 = t;
    size_t tc = c->capact;
    c->capact = c->capact2;
    c->capact2 = tc;
    c->nact = c->nact2;
    if (c->nact == 0)
      return NONE;
  }
  /* The final break is forced: only nodes created there survive it. */
  size_t best = NONE;
  for (size_t i = 0; i < c->nact; i++) {
    size_t a = c->act[i];
    if (c->pool[a].pos != c->fin)
      continue;
    if (best == NONE || c->pool[a].total < c->pool[best].total)
      best = a;
  }
  return best;
}

tb_lb_params tb_lb_params_default(const double *widths, size_t nwidths) {
  tb_lb_params p;
  p.widths = widths;
  p.nwidths = nwidths;
  p.tolerance = 1.0;
  p.max_tolerance = 2.5;
  p.line_penalty = 10.0;
  p.flagged_demerits = 3000.0;
  p.fitness_demerits = 3000.0;
  p.last_line_ragged = true;
  return p;
}

static size_t emit(const lb *c, size_t best, tb_lb_line **lines) {
  size_t count = 0;
  for (size_t k = best; c->pool[k].prev != NONE; k = c->pool[k].prev)
    count++;
  tb_lb_line *out = tb_xmalloc(count * sizeof *out);
  size_t i = count;
  for (size_t k = best; c->pool[k].prev != NONE; k = c->pool[k].prev) {
    const node *N = &c->pool[k];
    tb_lb_line *ln = &out[--i];
    ln->start = c->pool[N->prev].start;
    ln->end = N->pos;
    double r = N->ratio;
    if (r < -1)
      r = -1;
    else if (isinf(r) || isnan(r))
      r = 0; /* nothing to stretch */
    ln->ratio = r;
    const tb_lb_item *it = N->pos < c->n ? &c->items[N->pos] : NULL;
    ln->hyphenated = it && it->type == TB_LB_PENALTY && it->flagged && it->width > 0;
    ln->overfull = N->overfull;
  }
  *lines = out;
  return count;
}

size_t tb_linebreak(const tb_lb_item *items, size_t n, const tb_lb_params *p, tb_lb_line **lines) {
  *lines = NULL;
  if (n == 0)
    return 0;

  lb c = {0};
  c.items = items;
  c.n = n;
  c.p = p;
  c.fin = is_forced(&items[n - 1]) ? n - 1 : n;
  c.sw = tb_xmalloc((n + 1) * sizeof *c.sw);
  c.sy = tb_xmalloc((n + 1) * sizeof *c.sy);
  c.sz = tb_xmalloc((n + 1) * sizeof *c.sz);
  c.sf = tb_xmalloc((n + 1) * sizeof *c.sf);
  c.next = tb_xmalloc((n + 1) * sizeof *c.next);
  c.sw[0] = c.sy[0] = c.sz[0] = c.sf[0] = 0;
  for (size_t i = 0; i < n; i++) {
    const tb_lb_item *it = &items[i];
    double w = 0, y = 0, z = 0, f = 0;
    if (it->type == TB_LB_BOX) {
      w = it->width;
    } else if (it->type == TB_LB_GLUE) {
      w = it->width;
      z = it->shrink;
      if (it->stretch >= TB_LB_FIL_STRETCH)
        f = 1;
      else
        y = it->stretch;
    }
    c.sw[i + 1] = c.sw[i] + w;
    c.sy[i + 1] = c.sy[i] + y;
    c.sz[i + 1] = c.sz[i] + z;
    c.sf[i + 1] = c.sf[i] + f;
  }
  c.next[n] = n;
  for (size_t i = n; i-- > 0;)
    c.next[i] = (items[i].type == TB_LB_BOX || is_forced(&items[i])) ? i : c.next[i + 1];

  size_t best = run_pass(&c, p->tolerance, false);
  if (best == NONE && p->max_tolerance > p->tolerance)
    best = run_pass(&c, p->max_tolerance, false);
  if (best == NONE)
    best = run_pass(&c, INFINITY, true);

  size_t count;
  if (best != NONE) {
    count = emit(&c, best, lines);
  } else { /* unreachable barring NaN metrics: one line holding everything */
    tb_lb_line *out = tb_xmalloc(sizeof *out);
    *out = (tb_lb_line){0, c.fin, 0, false, true};
    *lines = out;
    count = 1;
  }
  free(c.sw);
  free(c.sy);
  free(c.sz);
  free(c.sf);
  free(c.next);
  free(c.pool);
  free(c.act);
  free(c.act2);
  free(c.cands);
  return count;
}

/* ------------------------------------------------------------------------------------------ */
/* First-fit: ragged text */

/* The first item of the line after a break at b: the next box or forced break. */
static size_t skip_discardable(const tb_lb_item *items, size_t n, size_t b) {
  size_t s = b + 1;
  while (s < n && items[s].type != TB_LB_BOX && !is_forced(&items[s]))
    s++;
  return s;
}

static void push_line(tb_lb_line **lines, size_t *nl, size_t *cap, tb_lb_line ln) {
  tb_grow(lines, cap, *nl + 1, sizeof **lines);
  (*lines)[(*nl)++] = ln;
}

size_t tb_linebreak_first_fit(const tb_lb_item *items, size_t n, const tb_lb_params *p, tb_lb_line **lines) {
  *lines = NULL;
  size_t nl = 0, cap = 0, start = 0;
  double w = 0;             /* the line's natural width so far (boxes and finite glue) */
  size_t last_break = NONE; /* the last legal break seen on the line */
  double lw = line_width(p, 0);
  for (size_t i = 0; i < n; i++) {
    const tb_lb_item *it = &items[i];
    bool forced = is_forced(it);
    bool can = forced || (it->type == TB_LB_GLUE && i > start && items[i - 1].type == TB_LB_BOX) ||
               (it->type == TB_LB_PENALTY && it->penalty < TB_LB_INFINITY);
    if (it->type == TB_LB_BOX && w + it->width > lw + 0.01 && last_break != NONE) {
      /* the box does not fit: the line ends at the last break before it */
      const tb_lb_item *b = &items[last_break];
      push_line(lines, &nl, &cap,
                (tb_lb_line){start, last_break, 0, b->type == TB_LB_PENALTY && b->width > 0, false});
      start = skip_discardable(items, n, last_break);
    } else if (forced) {
      push_line(lines, &nl, &cap, (tb_lb_line){start, i, 0, false, false});
      start = skip_discardable(items, n, i);
    } else {
      if (can)
        last_break = i;
      if (it->type == TB_LB_BOX || (it->type == TB_LB_GLUE && it->stretch < 1e5))
        w += it->width;
      continue;
    }
    /* a new line from `start` */
    i = start - 1;
    w = 0;
    last_break = NONE;
    lw = line_width(p, nl);
  }
  if (start < n) /* no forced break at the end: one is assumed at n */
    push_line(lines, &nl, &cap, (tb_lb_line){start, n, 0, false, false});
  return nl;
}

/* ------------------------------------------------------------------------------------------ */
/* Lines of code: where a line too long for its columns breaks */

size_t tb_code_wrap(const char *s, size_t n, size_t cols) {
  size_t col = 0, i = 0;
  size_t after_space = 0, after_punct = 0; /* the last places to break found, 0: none */
  size_t half = 0;                         /* the byte where the second half of the line begins */
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    size_t w = c == '\t' ? (col / 4 + 1) * 4 - col : 1;
    if (col + w > cols && i > 0)
      break;
    size_t k = 1;
    while (i + k < n && tb_utf8_is_cont((unsigned char)s[i + k]))
      k++;
    col += w;
    i += k;
    if (!half && col * 2 > cols)
      half = i;
    if ((c == ' ' || c == '\t') && i < n && s[i] != ' ' && s[i] != '\t')
      after_space = i;
    else if ((c == '/' || c == '-' || c == '.' || c == ',') && i < n && s[i] != ' ' && s[i] != '\t')
      after_punct = i;
  }
  if (i >= n)
    return n;
  /* the break is before s[i]: spaces there stay at the end of this line */
  if (s[i] == ' ' || s[i] == '\t') {
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
      i++;
    return i;
  }
  if (after_space && (after_space >= half || after_space > after_punct))
    return after_space;
  return after_punct ? after_punct : i;
}
