// linebreak.h -- line breaking over a paragraph's boxes, glue and penalties: total-fit
// (Knuth-Plass) for justified text, first-fit for ragged text.
#ifndef TB_LINEBREAK_H
#define TB_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>

/* Pure: no fonts, no PDF. Widths are in any unit (points in practice). */

typedef enum { TB_LB_BOX, TB_LB_GLUE, TB_LB_PENALTY } tb_lb_type;

/**
 * One item of a Knuth-Plass paragraph.
 * Legal breaks: a glue immediately preceded by a box, and a penalty < TB_LB_INFINITY.
 * A justified paragraph with a ragged last line ends with the classic trailer
 *   penalty(+TB_LB_INFINITY), glue(0, TB_LB_FIL_STRETCH, 0), penalty(-TB_LB_INFINITY)
 * (the first penalty stops a break at the fill glue). A hard line break inside the paragraph
 * uses the same three items. A hyphenation point is penalty(width of '-', 50, flagged).
 */
typedef struct tb_lb_item {
  tb_lb_type type;
  double width;   /* box/glue width; penalty: width added if the line breaks here (a hyphen) */
  double stretch; /* glue only */
  double shrink;  /* glue only; keep shrink <= width (the search prunes on minimum widths) */
  double penalty; /* penalty only; >= TB_LB_INFINITY forbids, <= -TB_LB_INFINITY forces */
  bool flagged;   /* penalty only: a hyphen break (consecutive flagged breaks cost extra) */
} tb_lb_item;

#define TB_LB_INFINITY 10000.0
/** Glue whose stretch is >= this is infinitely stretchable (TeX's fil): a line holding such glue
 *  is never stretched by its finite glue (ratio 0 when it fits). Kept apart from the finite
 *  stretch sums, so any value >= this (even HUGE_VAL) is safe. */
#define TB_LB_FIL_STRETCH 1e6

typedef struct tb_lb_params {
  /* Line widths: line i (0-based) has width widths[i < nwidths ? i : nwidths - 1]. */
  const double *widths;
  size_t nwidths;
  double tolerance;        /* max adjustment ratio r allowed on a line in the first pass (e.g. 1) */
  double max_tolerance;    /* second pass if the first finds nothing (e.g. 2.5) */
  double line_penalty;     /* added to every line's demerits (TeX \linepenalty = 10) */
  double flagged_demerits; /* two flagged breaks in a row (TeX 3000) */
  double fitness_demerits; /* adjacent lines of very different tightness (TeX 3000) */
  /* true: a line ending at a forced break (the last line, a hard break) is set at its natural
     width (ratio 0, badness 0) when it fits, whatever stretch it holds. false: such lines are
     justified like the others, unless they hold fil glue. Either way the caller appends the
     trailer itself (see tb_lb_item). */
  bool last_line_ragged;
} tb_lb_params;

/** Sensible defaults for justified body text (tolerance 1, max 2.5, line_penalty 10, flagged and
 *  fitness demerits 3000, last_line_ragged true). widths is kept, not copied. */
tb_lb_params tb_lb_params_default(const double *widths, size_t nwidths);

typedef struct tb_lb_line {
  size_t start;    /* first item index of the line: 0 for the first line, else the first box or
                      forced penalty after the previous break (TeX discards the glue and
                      penalties in between) */
  size_t end;      /* the break item index: the line holds items [start, end); items[end] is the
                      break (a glue, a penalty, or n for the end of the paragraph) */
  double ratio;    /* adjustment ratio: glue width = w + ratio * (ratio < 0 ? shrink : stretch),
                      for finite glue; fil glue takes up the rest (ratio is 0 then). Always >= -1
                      (-1 on an overfull line). 0 for a ragged last line whose natural width fits,
                      and 0 for a short line with nothing to stretch. May exceed max_tolerance
                      only in the emergency fallback. */
  bool hyphenated; /* ends at a flagged penalty with width > 0: draw a hyphen */
  bool overfull;   /* could not fit even at full shrink (only when an unbreakable run, e.g. a
                      single box, is wider than the line) */
} tb_lb_line;

/**
 * Breaks items[0..n) into lines, minimising total demerits over the whole paragraph.
 * The paragraph should end with a forced break (penalty <= -TB_LB_INFINITY); if it does not,
 * one is assumed at n (the last line's end is n then).
 * Always returns a result: if no feasible breaking exists within max_tolerance it falls back
 * to breaks that keep every line within its width where possible (stretching as needed) and
 * marks lines that still overflow as overfull.
 * Passes: lines within tolerance; else within max_tolerance; else the emergency pass (any
 * stretch allowed at huge demerits, overfull lines where nothing else fits).
 * *lines receives a malloc'd array (caller frees); returns the number of lines (>= 1 when
 * n > 0). n == 0: returns 0 and sets *lines to NULL.
 * Widths must be given (nwidths >= 1); without them every line has width 0.
 * Linear in n in practice (active-node list bounded by the line width).
 */
size_t tb_linebreak(const tb_lb_item *items, size_t n, const tb_lb_params *p, tb_lb_line **lines);

/**
 * Breaks items[0..n) into lines first-fit, for ragged text: a line takes items until a box would
 * end past its width (by more than 0.01), then ends at the last legal break before that box (a
 * box with no legal break before it on its line stays, past the width). A forced break ends a
 * line; boxes after the last forced break (or in a paragraph without one) make a last line
 * ending at n. Spaces keep their natural
 * width: every ratio is 0, and no line is marked overfull. Line widths, legal breaks, `start` and
 * `hyphenated` (a penalty break of width > 0) are as for tb_linebreak; the tolerances and
 * demerits in p are not used. Fil glue (stretch >= 1e5) adds no width.
 * *lines receives a malloc'd array (caller frees), NULL when no line is made.
 */
size_t tb_linebreak_first_fit(const tb_lb_item *items, size_t n, const tb_lb_params *p, tb_lb_line **lines);

/**
 * Where a line of code s[0..n) (UTF-8, no newline) breaks when it is wider than `cols` columns
 * (a character one column, a tab to the next multiple of 4): the length of the part that goes
 * on this line. All of it (n) when it fits. Else the break falls after a run of spaces, or
 * after one of / - . , where a token must break; a space in the second half of the line is
 * preferred to punctuation nearer the margin; inside a token only when the line has no such
 * place. Always at least one character (cols >= 1) and never inside a UTF-8 sequence.
 */
size_t tb_code_wrap(const char *s, size_t n, size_t cols);

#endif
