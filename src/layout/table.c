// table.c -- tables: column widths from their content, a header row, cells wrapped inside their
// columns; a row is one box, never cut by a page.
#include <stdlib.h>

#include "layout/layout_int.h"

/* Tables: column widths from content, header row, wrapping cells; a row is one box, never cut. */
void lo_layout_table(L *l, const tb_node *t) {
  int nc = t->as.table.ncols;
  if (nc <= 0)
    return;
  float pad = 4.0f;
  float *nat = tb_xcalloc((size_t)nc, sizeof *nat), *minw = tb_xcalloc((size_t)nc, sizeof *minw),
        *colw = tb_xcalloc((size_t)nc, sizeof *colw);
  float size = BODY_SIZE * 0.92f;
  /* measure: natural width (no wrapping) and the widest word per column */
  for (const tb_node *row = t->first; row; row = row->next) {
    int c = 0;
    for (const tb_node *cell = row->first; cell && c < nc; cell = cell->next, c++) {
      style st = lo_base_style(size);
      if (row->as.row.header)
        st.face = TB_FACE_BOLD;
      lo_collect_inlines(l, cell, st);
      float run = 0, word = 0;
      for (size_t i = 0; i < l->para.n; i++) {
        if (l->para.items[i].type == TB_LB_BOX) {
          word += (float)l->para.items[i].width;
          run += (float)l->para.items[i].width;
        } else if (l->para.items[i].type == TB_LB_GLUE) {
          if (word > minw[c])
            minw[c] = word;
          word = 0;
          run += (float)l->para.items[i].width;
        } else if (l->para.items[i].type == TB_LB_PENALTY && l->para.items[i].penalty <= -TB_LB_INFINITY) {
          if (run > nat[c])
            nat[c] = run;
          run = 0;
        }
      }
      if (word > minw[c])
        minw[c] = word;
      if (run > nat[c])
        nat[c] = run;
      l->para.n = 0;
    }
  }
  float avail = l->frame.width - 2 * pad * (float)nc, total_nat = 0, total_min = 0;
  for (int c = 0; c < nc; c++) {
    float cap = avail > 0 ? avail : 1;
    if (minw[c] > cap)
      minw[c] = cap;
    if (nat[c] < minw[c])
      nat[c] = minw[c];
    if (nat[c] < 6)
      nat[c] = 6;
    total_nat += nat[c];
    total_min += minw[c];
  }
  for (int c = 0; c < nc; c++) {
    if (total_nat <= avail)
      colw[c] = nat[c];
    else if (total_min >= avail)
      colw[c] = avail / (float)nc; /* words too long for any fair share: split evenly */
    else
      colw[c] = minw[c] + (nat[c] - minw[c]) * (avail - total_min) / (total_nat - total_min);
  }
  float table_w = 0;
  for (int c = 0; c < nc; c++)
    table_w += colw[c] + 2 * pad;
  lo_add_glue(l, BLOCK_SKIP);
  lo_frame saved = l->frame; /* each cell sets its own */
  bool first_row = true;
  int was = lo_open_elem(l, TB_ROLE_TABLE), table = l->cur_elem;
  for (const tb_node *row = t->first; row; row = row->next) {
    int tr = lo_new_elem(l, TB_ROLE_TR, table);
    l->cur_elem = tr;
    /* lay out each cell into its own run of line boxes, then merge them into one row box */
    lo_open_box(l, 0, 0);
    size_t rb_index = l->vl.n - 1;
    float rowh = 0;
    float x = saved.left;
    int c = 0;
    for (const tb_node *cell = row->first; cell && c < nc; cell = cell->next, c++) {
      l->frame.left = x + pad;
      l->frame.width = colw[c];
      size_t v0 = l->vl.n;
      style st = lo_base_style(size);
      if (row->as.row.header)
        st.face = TB_FACE_BOLD;
      para_fmt pf = {size, size * 1.3f, false, false, 0, false};
      l->cur_elem = lo_new_elem(l, row->as.row.header ? TB_ROLE_TH : TB_ROLE_TD, tr);
      lo_collect_inlines(l, cell, st);
      /* alignment */
      lo_set_paragraph(l, &pf);
      l->cur_elem = tr;
      float y = pad;
      for (size_t i = v0; i < l->vl.n; i++) {
        vbox *cb = &l->vl.v[i];
        char al = t->as.table.align[c];
        float shift = 0;
        if (al == 'r' || al == 'c') {
          float right = 0;
          for (size_t d = cb->d0; d < cb->d1; d++)
            if (l->out.draws[d].kind == TB_DRAW_TEXT) {
              float e = l->out.draws[d].x + l->out.draws[d].w;
              if (e > right)
                right = e;
            }
          float slack = (x + pad + colw[c]) - right;
          shift = al == 'r' ? slack : slack / 2;
          if (shift < 0)
            shift = 0;
        }
        for (size_t d = cb->d0; d < cb->d1; d++) {
          l->out.draws[d].y += y;
          l->out.draws[d].x += shift;
        }
        for (size_t k = cb->l0; k < cb->l1; k++) {
          l->out.links[k].y0 += y;
          l->out.links[k].y1 += y;
          l->out.links[k].x0 += shift;
          l->out.links[k].x1 += shift;
        }
        if (!l->vl.v[rb_index].start_node && cb->start_node) {
          l->vl.v[rb_index].start_node = cb->start_node;
          l->vl.v[rb_index].start_off = cb->start_off;
        }
        y += cb->h;
      }
      if (y + pad > rowh)
        rowh = y + pad;
      l->vl.n = v0; /* the cell's boxes are merged into the row box */
      x += colw[c] + 2 * pad;
    }
    vbox *rb = &l->vl.v[rb_index];
    rb->h = rowh;
    rb->base = pad + size;
    if (!rb->start_node)
      rb->start_node = row;
    /* rules: above the first row, below every row (heavier under the header) */
    l->cur_elem = 0; /* the rules are drawn, not read */
    if (first_row) {
      tb_draw *d = lo_add_draw(l);
      d->kind = TB_DRAW_RULE;
      d->x = saved.left;
      d->y = 0;
      d->w = table_w;
      d->line_width = 0.8f;
    }
    tb_draw *d = lo_add_draw(l);
    d->kind = TB_DRAW_RULE;
    d->x = saved.left;
    d->y = rowh;
    d->w = table_w;
    d->line_width = row->as.row.header ? 0.8f : 0.3f;
    lo_close_box(l, rb);
    if (row->as.row.header && row->next)
      l->next.keep_prev = true; /* the header row stays with the first body row */
    first_row = false;
  }
  l->cur_elem = was;
  l->frame = saved;
  free(nat);
  free(minw);
  free(colw);
  lo_add_glue(l, BLOCK_SKIP);
}
