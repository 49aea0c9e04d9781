// test_linebreak.c -- Knuth-Plass line breaker: hand-checked paragraphs, a brute-force reference
// over every breaking of small random paragraphs, fallbacks, and very long paragraphs; the
// first-fit breaker of ragged text against hand-checked paragraphs and a reference of its own.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/linebreak.h"

/* ---- paragraph building (fixed metrics: every character is 1 wide) ---- */

typedef struct para {
  tb_lb_item *it;
  size_t n, cap;
} para;

typedef struct metrics {
  double space_w, space_y, space_z; /* inter-word glue */
  double hyphen_penalty;            /* for '-' inside a word: penalty(1, this, flagged) */
  double fil;                       /* stretch of the trailer's fill glue */
} metrics;

static const metrics M = {1, 1, 0.5, 50, TB_LB_FIL_STRETCH};

static void push(para *p, tb_lb_item x) {
  if (p->n == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 64;
    p->it = realloc(p->it, p->cap * sizeof *p->it);
    assert_non_null(p->it);
  }
  p->it[p->n++] = x;
}

static void box(para *p, double w) { push(p, (tb_lb_item){TB_LB_BOX, w, 0, 0, 0, false}); }
static void glue(para *p, double w, double y, double z) {
  push(p, (tb_lb_item){TB_LB_GLUE, w, y, z, 0, false});
}
static void pen(para *p, double w, double v, bool flagged) {
  push(p, (tb_lb_item){TB_LB_PENALTY, w, 0, 0, v, flagged});
}
/* penalty(+inf) fil-glue penalty(-inf): ends a paragraph or a hard line. */
static void trailer(para *p, double fil) {
  pen(p, 0, TB_LB_INFINITY, false);
  glue(p, 0, fil, 0);
  pen(p, 0, -TB_LB_INFINITY, false);
}

/* Words separated by ' ', '-' marks a hyphenation point, '\n' a hard line break; the
   paragraph trailer is appended. */
static para text(const char *s, const metrics *m) {
  para p = {0};
  bool need_space = false;
  while (*s) {
    if (*s == ' ') {
      s++;
      continue;
    }
    if (*s == '\n') {
      trailer(&p, m->fil);
      need_space = false;
      s++;
      continue;
    }
    if (need_space)
      glue(&p, m->space_w, m->space_y, m->space_z);
    for (;;) {
      size_t len = strcspn(s, " -\n");
      box(&p, (double)len);
      s += len;
      if (*s != '-')
        break;
      pen(&p, 1, m->hyphen_penalty, true);
      s++;
    }
    need_space = true;
  }
  trailer(&p, m->fil);
  return p;
}

static tb_lb_params params1(const double *w, size_t nw) { return tb_lb_params_default(w, nw); }

/* ---- an independent reference: evaluates one breaking by direct summation ---- */

static bool ref_forced(const para *p, size_t b) {
  return b >= p->n || (p->it[b].type == TB_LB_PENALTY && p->it[b].penalty <= -TB_LB_INFINITY);
}

static bool ref_legal(const para *p, size_t b) {
  if (b >= p->n)
    return true;
  const tb_lb_item *x = &p->it[b];
  if (x->type == TB_LB_GLUE)
    return b > 0 && p->it[b - 1].type == TB_LB_BOX;
  return x->type == TB_LB_PENALTY && x->penalty < TB_LB_INFINITY;
}

static size_t ref_fin(const para *p) { return ref_forced(p, p->n - 1) ? p->n - 1 : p->n; }

static size_t ref_skip(const para *p, size_t b) {
  size_t i = b + 1;
  while (i < p->n && p->it[i].type != TB_LB_BOX && !ref_forced(p, i))
    i++;
  return i;
}

static double ref_width(const tb_lb_params *q, size_t line) {
  return q->widths[line < q->nwidths ? line : q->nwidths - 1];
}

/* Ratio of the line [s, b) broken at b. */
static double ref_ratio(const para *p, const tb_lb_params *q, size_t s, size_t b, size_t line, double *over) {
  double l = 0, y = 0, z = 0;
  int fils = 0;
  for (size_t i = s; i < b; i++) {
    const tb_lb_item *x = &p->it[i];
    if (x->type == TB_LB_BOX) {
      l += x->width;
    } else if (x->type == TB_LB_GLUE) {
      l += x->width;
      z += x->shrink;
      if (x->stretch >= TB_LB_FIL_STRETCH)
        fils++;
      else
        y += x->stretch;
    }
  }
  if (b < p->n && p->it[b].type == TB_LB_PENALTY)
    l += p->it[b].width;
  double w = ref_width(q, line);
  if (over)
    *over = l - z - w;
  if (l == w)
    return 0;
  if (l < w) {
    if (fils || (ref_forced(p, b) && q->last_line_ragged))
      return 0;
    return y > 0 ? (w - l) / y : INFINITY;
  }
  return z > 0 ? (w - l) / z : -INFINITY;
}

static int ref_fitness(double r) { return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1 ? 2 : 3; }

/* Total demerits of the breaking ends[0..k), or NAN when a line is not within tol or the
   breaking is malformed. */
static double ref_total(const para *p, const tb_lb_params *q, double tol, const size_t *ends, size_t k) {
  double total = 0;
  size_t s = 0;
  int pfit = 1;
  bool pflag = false;
  for (size_t i = 0; i < k; i++) {
    size_t b = ends[i];
    if (b < s || !ref_legal(p, b))
      return NAN;
    double r = ref_ratio(p, q, s, b, i, NULL);
    if (!(r >= -1 && r <= tol))
      return NAN;
    double bad = 100 * pow(fabs(r), 3);
    double d = (q->line_penalty + bad) * (q->line_penalty + bad);
    double v = b < p->n && p->it[b].type == TB_LB_PENALTY ? p->it[b].penalty : 0;
    bool forced = ref_forced(p, b);
    if (v > 0)
      d += v * v;
    else if (v < 0 && !forced)
      d -= v * v;
    bool flag = b < p->n && p->it[b].type == TB_LB_PENALTY && p->it[b].flagged;
    if (flag && pflag)
      d += q->flagged_demerits;
    int fit = ref_fitness(r);
    if (abs(fit - pfit) > 1)
      d += q->fitness_demerits;
    total += d;
    pfit = fit;
    pflag = flag;
    s = ref_skip(p, b);
  }
  return total;
}

/* Minimum total demerits over every breaking (all subsets of the optional breakpoints, every
   forced one) whose lines are all within tol; NAN if none is. */
static double brute_force(const para *p, const tb_lb_params *q, double tol) {
  size_t fin = ref_fin(p);
  size_t opt[32], nopt = 0, forced[64], nforced = 0;
  for (size_t b = 0; b < fin; b++) {
    if (!ref_legal(p, b))
      continue;
    if (ref_forced(p, b)) {
      assert_true(nforced < 64);
      forced[nforced++] = b;
    } else {
      assert_true(nopt < 32);
      opt[nopt++] = b;
    }
  }
  double best = NAN;
  size_t ends[100];
  for (unsigned long mask = 0; mask < (1ul << nopt); mask++) {
    size_t k = 0, fi = 0;
    for (size_t j = 0; j < nopt; j++) {
      while (fi < nforced && forced[fi] < opt[j])
        ends[k++] = forced[fi++];
      if (mask & (1ul << j))
        ends[k++] = opt[j];
    }
    while (fi < nforced)
      ends[k++] = forced[fi++];
    ends[k++] = fin;
    double t = ref_total(p, q, tol, ends, k);
    if (!isnan(t) && (isnan(best) || t < best))
      best = t;
  }
  return best;
}

static size_t count_optional(const para *p) {
  size_t fin = ref_fin(p), k = 0;
  for (size_t b = 0; b < fin; b++)
    k += ref_legal(p, b) && !ref_forced(p, b);
  return k;
}

/* Structural checks every result must pass. */
static void check_structure(const para *p, const tb_lb_line *ln, size_t k) {
  assert_true(k >= 1);
  size_t fin = ref_fin(p);
  size_t prev_end = 0;
  for (size_t i = 0; i < k; i++) {
    size_t want_start = i == 0 ? 0 : ref_skip(p, prev_end);
    assert_int_equal(ln[i].start, want_start);
    if (i > 0)
      assert_true(ln[i].end > prev_end);
    assert_true(ref_legal(p, ln[i].end));
    assert_true(ln[i].ratio >= -1);
    assert_false(isnan(ln[i].ratio) || isinf(ln[i].ratio));
    bool hy = ln[i].end < p->n && p->it[ln[i].end].type == TB_LB_PENALTY && p->it[ln[i].end].flagged &&
              p->it[ln[i].end].width > 0;
    assert_int_equal(ln[i].hyphenated, hy);
    prev_end = ln[i].end;
  }
  assert_int_equal(ln[k - 1].end, fin);
  /* every forced break is a line end */
  size_t j = 0;
  for (size_t b = 0; b < fin; b++) {
    if (ref_legal(p, b) && ref_forced(p, b)) {
      while (j < k && ln[j].end < b)
        j++;
      assert_true(j < k && ln[j].end == b);
    }
  }
}

static size_t run(const para *p, const tb_lb_params *q, tb_lb_line **ln) {
  size_t k = tb_linebreak(p->it, p->n, q, ln);
  check_structure(p, *ln, k);
  return k;
}

static void expect_ends(const tb_lb_line *ln, size_t k, const size_t *want, size_t nwant) {
  assert_int_equal(k, nwant);
  for (size_t i = 0; i < k; i++)
    assert_int_equal(ln[i].end, want[i]);
}

/* ---- hand-checked paragraphs ---- */

static void test_single_line(void **state) {
  (void)state;
  double w = 20;
  tb_lb_params q = params1(&w, 1);
  para p = text("aa bb cc", &M);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  assert_int_equal(k, 1);
  assert_int_equal(ln[0].start, 0);
  assert_int_equal(ln[0].end, p.n - 1);
  assert_true(ln[0].ratio == 0);
  assert_false(ln[0].overfull);
  free(ln);
  free(p.it);
}

/* "aaa bbbb ccccc dd e" in 9, space 1/1/0.5, tolerance 1, TeX demerits.
   First fit: "aaa bbbb" (r 1, 110^2 = 12100, loose) / "ccccc dd e" (10 wide, r -1: 12100,
   tight after loose: +3000) = 27200.
   Optimum: "aaa bbbb" (12100) / "ccccc dd" (r 1: 12100) / "e" (ragged: 100) = 24300. */
static void test_total_fit_beats_first_fit(void **state) {
  (void)state;
  double w = 9;
  tb_lb_params q = params1(&w, 1);
  para p = text("aaa bbbb ccccc dd e", &M);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want[] = {3, 7, 11};
  expect_ends(ln, k, want, 3);
  assert_int_equal(ln[1].start, 4);
  assert_int_equal(ln[2].start, 8);
  assert_true(fabs(ln[0].ratio - 1) < 1e-12);
  assert_true(fabs(ln[1].ratio - 1) < 1e-12);
  assert_true(ln[2].ratio == 0);
  assert_true(fabs(ref_total(&p, &q, q.tolerance, want, 3) - 24300) < 1e-9);
  assert_true(fabs(brute_force(&p, &q, q.tolerance) - 24300) < 1e-9);
  free(ln);
  free(p.it);
}

/* "aaaa bbbb-bbbb" in 10: only the hyphen break fits ("aaaa bbbb-" is exactly 10). */
static void test_hyphen_needed(void **state) {
  (void)state;
  double w = 10;
  tb_lb_params q = params1(&w, 1);
  para p = text("aaaa bbbb-bbbb", &M);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want[] = {3, 7};
  expect_ends(ln, k, want, 2);
  assert_true(ln[0].hyphenated);
  assert_false(ln[1].hyphenated);
  assert_int_equal(ln[1].start, 4);
  assert_true(ln[0].ratio == 0);
  free(ln);
  free(p.it);
}

/* "aaa bb cc-cc" in 10. Hyphen: "aaa bb cc-" exact (100 + pen^2) + "cc" (100).
   No hyphen: one line of 11 shrunk to r = -1 (110^2 = 12100).
   pen 50: 2700 < 12100, hyphenate. pen 150: 22700 > 12100, one tight line. */
static void test_hyphen_penalty_choice(void **state) {
  (void)state;
  double w = 10;
  tb_lb_params q = params1(&w, 1);
  metrics m = M;
  para p = text("aaa bb cc-cc", &m);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want1[] = {5, 9};
  expect_ends(ln, k, want1, 2);
  assert_true(ln[0].hyphenated);
  free(ln);
  free(p.it);

  m.hyphen_penalty = 150;
  p = text("aaa bb cc-cc", &m);
  k = run(&p, &q, &ln);
  const size_t want2[] = {9};
  expect_ends(ln, k, want2, 1);
  assert_true(fabs(ln[0].ratio + 1) < 1e-12);
  assert_false(ln[0].overfull);
  assert_false(ln[0].hyphenated);
  free(ln);
  free(p.it);
}

/* "aaaa bbbb-bb ccc dd-dd" in 10. Two hyphenated lines "aaaa bbbb-" / "bb ccc dd-" / "dd"
   cost 2600 + 2600 + 100 = 5300 (+ flagged demerits); "aaaa bbbb-" / "bb ccc dddd" (r -1)
   costs 2600 + 12100 = 14700. flagged 3000: 8300 wins; flagged 20000: 25300 loses. */
static void test_flagged_demerits(void **state) {
  (void)state;
  double w = 10;
  tb_lb_params q = params1(&w, 1);
  para p = text("aaaa bbbb-bb ccc dd-dd", &M);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want1[] = {3, 9, 13};
  expect_ends(ln, k, want1, 3);
  assert_true(ln[0].hyphenated && ln[1].hyphenated);
  free(ln);

  q.flagged_demerits = 20000;
  k = run(&p, &q, &ln);
  const size_t want2[] = {3, 13};
  expect_ends(ln, k, want2, 2);
  assert_true(fabs(ln[1].ratio + 1) < 1e-12);
  assert_true(fabs(brute_force(&p, &q, q.tolerance) - 14700) < 1e-9);
  free(ln);
  free(p.it);
}

static void test_forced_break_mid_paragraph(void **state) {
  (void)state;
  double w = 20;
  tb_lb_params q = params1(&w, 1);
  para p = text("aa bb\ncc dd", &M);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want[] = {5, 11};
  expect_ends(ln, k, want, 2);
  assert_int_equal(ln[1].start, 6);
  assert_true(ln[0].ratio == 0 && ln[1].ratio == 0);
  free(ln);
  free(p.it);

  /* glue and a penalty after a forced break are discarded from the next line */
  para r = {0};
  box(&r, 2);
  pen(&r, 0, -TB_LB_INFINITY, false); /* 1 */
  glue(&r, 1, 1, 0.5);                /* 2 */
  pen(&r, 0, 0, false);               /* 3 */
  glue(&r, 1, 1, 0.5);                /* 4 */
  box(&r, 3);                         /* 5 */
  trailer(&r, M.fil);                 /* 6 7 8 */
  k = run(&r, &q, &ln);
  const size_t want2[] = {1, 8};
  expect_ends(ln, k, want2, 2);
  assert_int_equal(ln[1].start, 5);
  free(ln);

  /* two forced breaks in a row give an empty line, not a failure */
  para e = {0};
  box(&e, 2);
  pen(&e, 0, -TB_LB_INFINITY, false);
  pen(&e, 0, -TB_LB_INFINITY, false);
  box(&e, 2);
  pen(&e, 0, -TB_LB_INFINITY, false);
  k = run(&e, &q, &ln);
  const size_t want3[] = {1, 2, 4};
  expect_ends(ln, k, want3, 3);
  assert_int_equal(ln[1].start, 2);
  assert_int_equal(ln[2].start, 3);
  for (size_t i = 0; i < k; i++)
    assert_false(ln[i].overfull);
  free(ln);
  free(r.it);
  free(e.it);
}

/* "aa bbbbbbbbbb cc" in 5: the 10-wide box cannot fit; it gets its own overfull line. */
static void test_overlong_box(void **state) {
  (void)state;
  double w = 5;
  tb_lb_params q = params1(&w, 1);
  para p = text("aa bbbbbbbbbb cc", &M);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want[] = {1, 3, 7};
  expect_ends(ln, k, want, 3);
  assert_false(ln[0].overfull);
  assert_true(ln[1].overfull);
  assert_false(ln[2].overfull);
  assert_true(ln[1].ratio == -1);
  assert_true(ln[0].ratio == 0); /* "aa" alone: nothing to stretch */
  assert_true(ln[2].ratio == 0);
  free(ln);
  free(p.it);

  /* a single box wider than the line, nothing else */
  para s = {0};
  box(&s, 50);
  pen(&s, 0, -TB_LB_INFINITY, false);
  k = run(&s, &q, &ln);
  assert_int_equal(k, 1);
  assert_true(ln[0].overfull);
  free(ln);
  free(s.it);
}

/* "aaaa bbb cccccccc" in 10: "aaaa bbb" needs r = 2, beyond tolerance 1 but within 2.5.
   "aaaa b cccccccccc" in 12: "aaaa b" needs r = 6: the emergency pass stretches it. */
static void test_second_and_emergency_pass(void **state) {
  (void)state;
  double w = 10;
  tb_lb_params q = params1(&w, 1);
  para p = text("aaaa bbb cccccccc", &M);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want[] = {3, 7};
  expect_ends(ln, k, want, 2);
  assert_true(fabs(ln[0].ratio - 2) < 1e-12);
  free(ln);
  free(p.it);

  w = 12;
  p = text("aaaa b cccccccccc", &M);
  k = run(&p, &q, &ln);
  expect_ends(ln, k, want, 2);
  assert_true(fabs(ln[0].ratio - 6) < 1e-12);
  assert_false(ln[0].overfull || ln[1].overfull);
  free(ln);
  free(p.it);

  /* The second pass must keep within max_tolerance even when stretching further is cheaper.
     "aa bbb-bbbb c dd-ddd" in 9, hyphen penalty 5000: nothing within 1. Within 2.5 the best is
     "aa bbb-" (r 2) / "bbbb c dd-" (r -1) / "ddd" = 50677300; allowing r 3 on the second line
     ("bbbb c" / "dd ddd") would cost only 33006300. */
  w = 9;
  metrics m = M;
  m.hyphen_penalty = 5000;
  p = text("aa bbb-bbbb c dd-ddd", &m);
  k = run(&p, &q, &ln);
  const size_t want2[] = {3, 9, 13};
  expect_ends(ln, k, want2, 3);
  assert_true(fabs(ref_total(&p, &q, 2.5, want2, 3) - 50677300) < 1e-6);
  const size_t cheaper[] = {3, 7, 13};
  assert_true(isnan(ref_total(&p, &q, 2.5, cheaper, 3)));
  free(ln);
  free(p.it);
}

static void test_empty_paragraphs(void **state) {
  (void)state;
  double w = 10;
  tb_lb_params q = params1(&w, 1);
  tb_lb_line dummy, *ln = &dummy;
  assert_int_equal(tb_linebreak(NULL, 0, &q, &ln), 0);
  assert_null(ln);

  para p = {0}; /* just the trailer */
  trailer(&p, M.fil);
  size_t k = run(&p, &q, &ln);
  assert_int_equal(k, 1);
  assert_int_equal(ln[0].start, 0);
  assert_int_equal(ln[0].end, 2);
  assert_true(ln[0].ratio == 0);
  free(ln);
  free(p.it);

  para g = {0}; /* fill glue + forced penalty */
  glue(&g, 0, M.fil, 0);
  pen(&g, 0, -TB_LB_INFINITY, false);
  k = run(&g, &q, &ln);
  assert_int_equal(k, 1);
  assert_int_equal(ln[0].end, 1);
  free(ln);
  free(g.it);

  for (int ragged = 0; ragged < 2; ragged++) { /* a lone forced penalty */
    para f = {0};
    pen(&f, 0, -TB_LB_INFINITY, false);
    q.last_line_ragged = ragged;
    k = run(&f, &q, &ln);
    assert_int_equal(k, 1);
    assert_int_equal(ln[0].start, 0);
    assert_int_equal(ln[0].end, 0);
    assert_false(ln[0].overfull);
    free(ln);
    free(f.it);
  }
}

/* No trailer at all: a forced break is assumed at n. */
static void test_no_final_break(void **state) {
  (void)state;
  double w = 10;
  tb_lb_params q = params1(&w, 1);
  para p = {0};
  box(&p, 2);
  glue(&p, 1, 1, 0.5);
  box(&p, 2);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  assert_int_equal(k, 1);
  assert_int_equal(ln[0].end, 3);
  assert_true(ln[0].ratio == 0);
  free(ln);
  free(p.it);
}

/* last_line_ragged false with a finite-stretch trailer: the last line is justified. A fil of
   HUGE_VAL keeps it ragged whatever the flag. */
static void test_last_line_modes(void **state) {
  (void)state;
  double w = 10;
  tb_lb_params q = params1(&w, 1);
  q.last_line_ragged = false;
  metrics m = M;
  m.fil = 4;                   /* finite */
  para p = text("aaa bb", &m); /* 6 wide, stretch 1 + 4 = 5: r = 4/5 */
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  assert_int_equal(k, 1);
  assert_true(fabs(ln[0].ratio - 0.8) < 1e-12);
  free(ln);
  q.last_line_ragged = true;
  k = run(&p, &q, &ln);
  assert_true(ln[0].ratio == 0);
  free(ln);
  free(p.it);

  q.last_line_ragged = false;
  m.fil = HUGE_VAL;
  p = text("aaa bbbb ccccc dd e", &m);
  w = 9;
  k = run(&p, &q, &ln);
  const size_t want[] = {3, 7, 11};
  expect_ends(ln, k, want, 3);
  assert_true(ln[2].ratio == 0);
  free(ln);
  free(p.it);
}

/* First line narrower (7, then 11): "aaa bbb" / "ccc ddd eee" / "fff", all exact. */
static void test_variable_widths(void **state) {
  (void)state;
  double w[] = {7, 11};
  tb_lb_params q = params1(w, 2);
  para p = text("aaa bbb ccc ddd eee fff", &M);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want[] = {3, 9, 13};
  expect_ends(ln, k, want, 3);
  for (size_t i = 0; i < k; i++)
    assert_true(ln[i].ratio == 0);
  free(ln);

  /* the same text in a constant 11 packs differently */
  double w11 = 11;
  q = params1(&w11, 1);
  k = run(&p, &q, &ln);
  const size_t want11[] = {5, 13};
  expect_ends(ln, k, want11, 2);
  free(ln);
  free(p.it);
}

/* Widths {20, 5, 20}: eight "a" then "bbbbb" reach the same break (fitness decent) either in
   one line (r -0.25, 134 demerits) or in two ("a a a a a a a a" r 5/7, then "bbbbb" exactly
   in 5: 2255). Only the two-line way leaves a 20-wide third line for the 18-wide box, so the
   breaker must keep both: candidates are per (fitness, width class), not per fitness. */
static void test_width_class_kept_apart(void **state) {
  (void)state;
  double w[] = {20, 5, 20};
  tb_lb_params q = params1(w, 3);
  para p = text("a a a a a a a a bbbbb cccccccccccccccccc", &M);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want[] = {15, 17, 21};
  expect_ends(ln, k, want, 3);
  for (size_t i = 0; i < k; i++)
    assert_false(ln[i].overfull);
  assert_true(fabs(ln[0].ratio - 5.0 / 7) < 1e-12);
  free(ln);
  free(p.it);
}

/* Fitness classes at their edges: r 0.6 is loose, r -4/7 is tight. */
static para glue_para(const double *spec, size_t nspec) {
  /* spec: box width, then (glue width, stretch, shrink, box width)* */
  para p = {0};
  box(&p, spec[0]);
  for (size_t i = 1; i + 3 < nspec; i += 4) {
    glue(&p, spec[i], spec[i + 1], spec[i + 2]);
    box(&p, spec[i + 3]);
  }
  trailer(&p, TB_LB_FIL_STRETCH);
  return p;
}

static void test_fitness_class_boundaries(void **state) {
  (void)state;
  /* Width 11. [0,5) 14 wide, shrink 3: r -1 (12100, tight); [6,15) 13 wide, shrink 3: r -2/3
     (1570.5, tight): 13670.5. The alternative [6,11) 8 wide, stretch 5: r 0.6 (998.56) is
     loose, so +3000 after the tight line, then [12,15) 100: 16198.56. Were r 0.6 decent, it
     would win at 13198.56. */
  const double hi[] = {2, 2, 1, 1, 4, 2, 0.5, 2, 4, 1, 3, 1, 1, 2, 2, 2, 2, 2, 3, 0.5, 1, 2, 1, 0.5, 3};
  double w = 11;
  tb_lb_params q = params1(&w, 1);
  para p = glue_para(hi, sizeof hi / sizeof *hi);
  assert_int_equal(p.n, 16);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want[] = {5, 15};
  expect_ends(ln, k, want, 2);
  assert_true(fabs(ln[0].ratio + 1) < 1e-12);
  assert_true(fabs(ln[1].ratio + 2.0 / 3) < 1e-12);
  assert_true(fabs(ref_total(&p, &q, 1, want, 2) - 13670.5075) < 0.001);
  free(ln);
  free(p.it);

  /* Width 12. [0,7) 14 wide, shrink 2.5: r -0.8 (3745.44), [8,15) ragged (100): 3845.44.
     [0,5) r 2/3.5 (821.33, loose) then [6,15) 14 wide, shrink 3.5: r -4/7 is tight, +3000:
     4642.66. Were -4/7 decent: 1642.66. */
  const double lo[] = {1, 2, 0.5, 1, 2, 2, 3, 1, 3, 2, 1, 0.5, 2, 2, 2, 0.5, 1, 2, 1, 2, 2, 1, 2, 1, 4};
  w = 12;
  p = glue_para(lo, sizeof lo / sizeof *lo);
  k = run(&p, &q, &ln);
  const size_t want2[] = {7, 15};
  expect_ends(ln, k, want2, 2);
  assert_true(fabs(ref_total(&p, &q, 1, want2, 2) - 3845.44) < 0.001);
  free(ln);
  free(p.it);
}

/* A hyphen's width counts only when breaking there: "bbbb-" overflows, but the node must
   survive to the plain penalty right after it. Width 10: [0,4) "aaaa bbbb" r 1. */
static void test_penalty_width_does_not_prune(void **state) {
  (void)state;
  double w = 10;
  tb_lb_params q = params1(&w, 1);
  para p = {0};
  box(&p, 4);
  glue(&p, 1, 1, 0.5);
  box(&p, 4);
  pen(&p, 3, 50, true); /* 3: 12 wide, r -4 */
  pen(&p, 0, 0, false); /* 4: 9 wide, r 1 */
  box(&p, 2);
  trailer(&p, M.fil);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  const size_t want[] = {4, 8};
  expect_ends(ln, k, want, 2);
  assert_true(fabs(ln[0].ratio - 1) < 1e-12);
  assert_false(ln[0].overfull || ln[1].overfull);
  free(ln);
  free(p.it);
}

/* ---- random small paragraphs against the brute force ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static unsigned rnd(unsigned n) {
  rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
  return (unsigned)((rng_state >> 33) % n);
}

static para random_para(double *space_z) {
  para p = {0};
  bool short_words = rnd(3) == 0; /* many spaces per line: varied ratios */
  unsigned nwords = short_words ? 6 + rnd(9) : 2 + rnd(8);
  const double sys[] = {1, 1, 0.5, 2};
  double sy = sys[rnd(4)], sz = rnd(2) ? 0.5 : 1;
  *space_z = sz;
  for (unsigned i = 0; i < nwords; i++) {
    if (i > 0) {
      if (rnd(10) == 0) {
        trailer(&p, TB_LB_FIL_STRETCH);
      } else {
        if (short_words) { /* per-glue metrics, shrink <= width: more varied ratios */
          double gw = 1 + rnd(2);
          glue(&p, gw, sys[rnd(4)], rnd(2) ? 0.5 : gw);
        } else {
          glue(&p, 1, sy, sz);
        }
        if (rnd(8) == 0) /* a plain penalty after the glue: discarded after a break */
          pen(&p, 0, (double)rnd(201) - 100, false);
      }
    }
    unsigned len = short_words ? 1 + rnd(2) : 1 + rnd(7);
    if (len >= 4 && rnd(3) == 0) {
      unsigned cut = 2 + rnd(len - 3);
      box(&p, cut);
      unsigned kind = rnd(6);
      double v = kind == 0 ? (double)rnd(300) : kind == 1 ? 1000 + (double)rnd(8999) : 50;
      pen(&p, kind == 2 ? 0 : 1, v, true); /* width 0: after an explicit hyphen */
      box(&p, len - cut);
    } else {
      box(&p, len);
    }
  }
  if (rnd(4) == 0) { /* a finite-stretch ending without the +inf penalty */
    glue(&p, 0, 3, 0);
    pen(&p, 0, -TB_LB_INFINITY, false);
  } else if (rnd(10) == 0) { /* no final break at all */
  } else {
    trailer(&p, TB_LB_FIL_STRETCH);
  }
  return p;
}

static void test_random_vs_brute_force(void **state) {
  (void)state;
  const double tols[] = {0.5, 1, 2};
  const double lps[] = {10, 1, 50};
  const double fds[] = {3000, 0, 500, 20000};
  int seen_pass1 = 0, seen_pass2 = 0, seen_emergency = 0, seen_hyphen = 0, seen_forced = 0;
  int cases = 0;
  while (cases < 10000) {
    double sz;
    para p = random_para(&sz);
    if (count_optional(&p) > 14) {
      free(p.it);
      continue;
    }
    cases++;
    double w[3];
    size_t nw = 1 + rnd(3);
    for (size_t i = 0; i < nw; i++)
      w[i] = 5 + rnd(16);
    tb_lb_params q = params1(w, nw);
    q.tolerance = tols[rnd(3)];
    q.max_tolerance = rnd(3) == 0 ? q.tolerance : 2.5 + rnd(3);
    q.line_penalty = lps[rnd(3)];
    q.flagged_demerits = fds[rnd(4)];
    q.fitness_demerits = fds[rnd(4)];
    q.last_line_ragged = rnd(4) != 0;

    tb_lb_line *ln;
    size_t k = run(&p, &q, &ln);
    size_t ends[128];
    assert_true(k <= 128);
    for (size_t i = 0; i < k; i++) {
      ends[i] = ln[i].end;
      if (ln[i].hyphenated)
        seen_hyphen++;
      if (i + 1 < k && ref_forced(&p, ln[i].end))
        seen_forced++;
    }
    double tol = q.tolerance;
    double best = brute_force(&p, &q, tol);
    if (isnan(best)) {
      tol = q.max_tolerance;
      best = brute_force(&p, &q, tol);
    }
    if (!isnan(best)) {
      if (tol == q.tolerance)
        seen_pass1++;
      else
        seen_pass2++;
      double got = ref_total(&p, &q, tol, ends, k);
      if (isnan(got) || fabs(got - best) > 1e-9 * fmax(1, fabs(best))) {
        fprintf(stderr, "case %d: got %g, brute force %g\n", cases, got, best);
        if (getenv("LB_DUMP")) {
          fprintf(stderr, "widths:");
          for (size_t i = 0; i < nw; i++)
            fprintf(stderr, " %g", w[i]);
          fprintf(stderr, " tol %g max %g lp %g fd %g gd %g ragged %d\n", q.tolerance, q.max_tolerance,
                  q.line_penalty, q.flagged_demerits, q.fitness_demerits, q.last_line_ragged);
          for (size_t i = 0; i < p.n; i++)
            fprintf(stderr, "  %zu: %d w %g y %g z %g p %g f %d\n", i, (int)p.it[i].type, p.it[i].width,
                    p.it[i].stretch, p.it[i].shrink, p.it[i].penalty, p.it[i].flagged);
          for (size_t i = 0; i < k; i++)
            fprintf(stderr, "  line [%zu,%zu) r %g%s\n", ln[i].start, ln[i].end, ln[i].ratio,
                    ln[i].overfull ? " overfull" : "");
        }
        fail();
      }
      for (size_t i = 0; i < k; i++) {
        assert_false(ln[i].overfull);
        double r = ref_ratio(&p, &q, ln[i].start, ln[i].end, i, NULL);
        assert_true(fabs(r - ln[i].ratio) < 1e-12);
        assert_true(ln[i].ratio >= -1 && ln[i].ratio <= tol);
      }
    } else {
      seen_emergency++;
      /* overfull exactly where the line cannot fit even fully shrunk */
      for (size_t i = 0; i < k; i++) {
        double over;
        double r = ref_ratio(&p, &q, ln[i].start, ln[i].end, i, &over);
        assert_int_equal(ln[i].overfull, r < -1);
        if (!ln[i].overfull && !isinf(r))
          assert_true(fabs(r - ln[i].ratio) < 1e-12);
      }
    }
    free(ln);
    free(p.it);
  }
  /* the generator really exercised every path */
  assert_true(seen_pass1 > 100);
  assert_true(seen_pass2 > 20);
  assert_true(seen_emergency > 20);
  assert_true(seen_hyphen > 100);
  assert_true(seen_forced > 20);
}

/* ---- long paragraphs ---- */

static para long_para(size_t nwords, double overlong_at) {
  para p = {0};
  for (size_t i = 0; i < nwords; i++) {
    if (i > 0)
      glue(&p, 1, 1, 0.5);
    unsigned len = 1 + rnd(10);
    if (overlong_at > 0 && i == (size_t)overlong_at) {
      box(&p, 500);
    } else if (len >= 6 && rnd(2)) {
      box(&p, 3);
      pen(&p, 1, 50, true);
      box(&p, len - 3);
    } else {
      box(&p, len);
    }
  }
  trailer(&p, TB_LB_FIL_STRETCH);
  return p;
}

static void test_long_paragraph(void **state) {
  (void)state;
  double w[] = {50, 60};
  tb_lb_params q = params1(w, 2);
  para p = long_para(20000, 0);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  assert_true(k > 1000);
  for (size_t i = 0; i + 1 < k; i++) {
    assert_true(ln[i].ratio >= -1 && ln[i].ratio <= q.tolerance);
    assert_false(ln[i].overfull);
  }
  assert_true(ln[k - 1].ratio == 0);
  free(ln);
  free(p.it);
}

/* The same with a 500-wide box in the middle: the emergency pass runs over 20,000 words, the
   box's line alone is overfull, the other lines stay within tolerance. */
static void test_long_paragraph_with_overlong_box(void **state) {
  (void)state;
  double w = 60;
  tb_lb_params q = params1(&w, 1);
  para p = long_para(20000, 10000);
  tb_lb_line *ln;
  size_t k = run(&p, &q, &ln);
  size_t overfull = 0;
  for (size_t i = 0; i < k; i++) {
    if (ln[i].overfull) {
      overfull++;
      assert_int_equal(ln[i].end - ln[i].start, 1); /* just the box */
      assert_true(p.it[ln[i].start].width == 500);
    } else if (i + 1 < k && !ln[i + 1].overfull && (i == 0 || !ln[i - 1].overfull)) {
      /* lines not touching the box stay reasonable */
      assert_true(ln[i].ratio >= -1 && ln[i].ratio <= q.max_tolerance);
    }
  }
  assert_int_equal(overfull, 1);
  free(ln);
  free(p.it);
}

/* ---- first-fit (ragged text) ---- */

static size_t run_ff(const para *p, const tb_lb_params *q, tb_lb_line **ln) {
  size_t k = tb_linebreak_first_fit(p->it, p->n, q, ln);
  check_structure(p, *ln, k);
  for (size_t i = 0; i < k; i++) /* natural spaces, never marked overfull */
    assert_true((*ln)[i].ratio == 0 && !(*ln)[i].overfull);
  return k;
}

/* Each line takes what fits: "aaa bb cc" is exactly 9, "ddddd" goes to the next line. */
static void test_first_fit_fills_lines(void **state) {
  (void)state;
  double w = 9;
  tb_lb_params q = params1(&w, 1);
  para p = text("aaa bb cc ddddd", &M);
  tb_lb_line *ln;
  size_t k = run_ff(&p, &q, &ln);
  const size_t want[] = {5, 9};
  expect_ends(ln, k, want, 2);
  assert_int_equal(ln[1].start, 6);
  free(ln);
  free(p.it);
}

/* A hyphen break ends the line with a hyphen; narrower first lines; a forced break mid-paragraph;
 * a box wider than its line stays alone on it; no final forced break: the last line ends at n. */
static void test_first_fit_breaks(void **state) {
  (void)state;
  double w = 7;
  tb_lb_params q = params1(&w, 1);
  para p = text("aaaa bb-cc", &M); /* "aaaa bb" is 7: the '-' break (width 1) is the last fitting */
  tb_lb_line *ln;
  size_t k = run_ff(&p, &q, &ln);
  const size_t want1[] = {3, 7};
  expect_ends(ln, k, want1, 2);
  assert_true(ln[0].hyphenated && !ln[1].hyphenated);
  free(ln);
  free(p.it);
  double w2[2] = {3, 10};
  q = params1(w2, 2);
  p = text("aa bb cc\ndd", &M); /* "aa" alone in 3, then "bb cc" ends at the hard break */
  k = run_ff(&p, &q, &ln);
  const size_t want2[] = {1, 7, 11};
  expect_ends(ln, k, want2, 3);
  free(ln);
  free(p.it);
  q = params1(&w, 1);
  p = text("aaaaaaaaaaa bb cc", &M); /* 11 in 7 */
  k = run_ff(&p, &q, &ln);
  const size_t want3[] = {1, 7};
  expect_ends(ln, k, want3, 2);
  free(ln);
  free(p.it);
  p = (para){0};
  box(&p, 4);
  glue(&p, 1, 1, 0.5);
  box(&p, 4);
  k = run_ff(&p, &q, &ln);
  const size_t want4[] = {1, 3};
  expect_ends(ln, k, want4, 2);
  free(ln);
  free(p.it);
  assert_int_equal(tb_linebreak_first_fit(NULL, 0, &q, &ln), 0);
  assert_null(ln);
}

/* The reference, stated apart from the breaker's loop: a line from s ends at its first forced
 * break f when every box before f fits; else at the last legal break before the first box that
 * does not fit; else (no break before it) at the first legal break after that box that has a
 * box after it before f; else at f. A box fits when the boxes and finite glue from s to its end
 * measure at most the width + 0.01. */
static size_t ref_first_fit(const para *p, const tb_lb_params *q, size_t *ends, size_t max) {
  size_t k = 0, s = 0;
  while (s < p->n && k < max) {
    double lw = ref_width(q, k), w = 0;
    size_t f = s;
    while (f < p->n && !ref_forced(p, f))
      f++;
    size_t over = f; /* the first box that does not fit */
    for (size_t i = s; i < f && over == f; i++) {
      const tb_lb_item *x = &p->it[i];
      if (x->type == TB_LB_BOX && w + x->width > lw + 0.01 && i > s)
        over = i;
      if (x->type == TB_LB_BOX || (x->type == TB_LB_GLUE && x->stretch < 1e5))
        w += x->width;
    }
    size_t end = f;
    if (over < f) {
      size_t last = f;
      for (size_t b = s + 1; b < over; b++)
        if (ref_legal(p, b))
          last = b;
      if (last == f) /* nothing before it: the first break after it followed by a box */
        for (size_t b = over + 1; b < f && last == f; b++)
          for (size_t j = b + 1; ref_legal(p, b) && j < f && last == f; j++)
            if (p->it[j].type == TB_LB_BOX)
              last = b;
      end = last;
    }
    if (end == p->n && s == p->n)
      break;
    ends[k++] = end;
    s = ref_skip(p, end);
  }
  return k;
}

static void test_first_fit_random_vs_reference(void **state) {
  (void)state;
  for (int cases = 0; cases < 20000; cases++) {
    double sz;
    para p = random_para(&sz);
    double w[3];
    size_t nw = 1 + rnd(3);
    for (size_t i = 0; i < nw; i++)
      w[i] = 3 + rnd(16);
    tb_lb_params q = params1(w, nw);
    tb_lb_line *ln;
    size_t k = run_ff(&p, &q, &ln);
    size_t want[256];
    size_t nwant = ref_first_fit(&p, &q, want, 256);
    expect_ends(ln, k, want, nwant);
    free(ln);
    free(p.it);
  }
}

/* A line of code: the length put on its first line of `cols` columns. */
static size_t wrap(const char *s, size_t cols) { return tb_code_wrap(s, strlen(s), cols); }

static void test_code_wrap(void **state) {
  (void)state;
  /* fits: all of it */
  assert_int_equal(wrap("ls -l", 5), 5);
  assert_int_equal(wrap("", 5), 0);
  /* at a space, the space kept at the end of the line */
  assert_int_equal(wrap("echo hello world", 12), 11); /* "echo hello " | "world" */
  /* the crontab line of the issue: never "/mn" | "t/backup", but after the space before it */
  const char *cron = "15 2 * * * rsync -a \"$HOME/\" /mnt/backup/home-copy/";
  size_t k = wrap(cron, 40);
  assert_int_equal(k, strlen("15 2 * * * rsync -a \"$HOME/\" "));
  /* a space in the second half beats a slash nearer the margin */
  assert_int_equal(wrap("aaaaaaaaaa bbb/cccc/dd", 18), 11);
  /* ... but a slash near the margin beats a space early in the line */
  assert_int_equal(wrap("aaaaaa bbbb/cccc/dddd", 18), 17);
  /* a space early in the line loses to punctuation near the margin */
  assert_int_equal(wrap("a /usr/share/doc/terbit/README.md", 20), 17); /* "a /usr/share/doc/" */
  /* one token without spaces: after / - . , */
  assert_int_equal(wrap("https://example.com/a/b", 15), 8); /* "https://" */
  assert_int_equal(wrap("--exclude-from-file", 10), 10);    /* "--exclude-" */
  /* no place at all: at the margin */
  assert_int_equal(wrap("abcdefghijklmnop", 6), 6);
  /* at least one character, even with one column */
  assert_int_equal(wrap("abc", 1), 1);
  /* UTF-8: a character is one column and never cut */
  assert_int_equal(wrap("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 2), 4);
  /* tabs to the next multiple of 4 */
  assert_int_equal(wrap("\tab cd", 6), 4); /* the tab is 4 columns: "\tab " */
  /* spaces past the margin stay on the line */
  assert_int_equal(wrap("abcd    efgh", 4), 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single_line),
      cmocka_unit_test(test_total_fit_beats_first_fit),
      cmocka_unit_test(test_hyphen_needed),
      cmocka_unit_test(test_hyphen_penalty_choice),
      cmocka_unit_test(test_flagged_demerits),
      cmocka_unit_test(test_forced_break_mid_paragraph),
      cmocka_unit_test(test_overlong_box),
      cmocka_unit_test(test_second_and_emergency_pass),
      cmocka_unit_test(test_empty_paragraphs),
      cmocka_unit_test(test_no_final_break),
      cmocka_unit_test(test_last_line_modes),
      cmocka_unit_test(test_variable_widths),
      cmocka_unit_test(test_width_class_kept_apart),
      cmocka_unit_test(test_fitness_class_boundaries),
      cmocka_unit_test(test_penalty_width_does_not_prune),
      cmocka_unit_test(test_random_vs_brute_force),
      cmocka_unit_test(test_long_paragraph),
      cmocka_unit_test(test_long_paragraph_with_overlong_box),
      cmocka_unit_test(test_first_fit_fills_lines),
      cmocka_unit_test(test_first_fit_breaks),
      cmocka_unit_test(test_first_fit_random_vs_reference),
      cmocka_unit_test(test_code_wrap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
