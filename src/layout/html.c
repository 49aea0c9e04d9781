// html.c -- the blocks only raw HTML makes (input/html.c): <details> with its <summary> (always
// shown open: paper cannot fold), definition lists, centred blocks; and anchors, link targets
// that may share a box with a heading or another anchor.
#include "layout/layout_int.h"

/* The inlines of a summary or a term, set as a paragraph in face `face`. */
static void inline_block(L *l, const tb_node *n, tb_face face) {
  style st = lo_base_style(BODY_SIZE);
  st.face = face;
  para_fmt pf = {BODY_SIZE, BODY_LEAD, false, l->center > 0, 0, true};
  int was = lo_open_elem(l, TB_ROLE_P);
  lo_collect_inlines(l, n, st);
  lo_set_paragraph(l, &pf);
  l->cur_elem = was;
  l->para.nimages = 0; /* an image in a summary or a term shows its alt text: none is set */
}

static void indented(L *l, const tb_node *first, float by) {
  lo_frame saved = l->frame;
  l->frame.left += by;
  l->frame.width -= by;
  if (l->frame.width < 24)
    l->frame.width = 24;
  lo_layout_blocks(l, first);
  l->frame = saved;
}

void lo_layout_html_block(L *l, const tb_node *n) {
  switch (n->type) {
  case TB_NODE_SUMMARY:
  case TB_NODE_DEF_TERM: /* bold; what follows (the body, the description) stays with it */
    lo_add_glue(l, PARA_SKIP);
    inline_block(l, n, TB_FACE_BOLD);
    l->next.keep_prev = true;
    break;
  case TB_NODE_DEF_DESC: indented(l, n->first, LIST_INDENT); break;
  case TB_NODE_DETAILS:
  case TB_NODE_DEF_LIST:
    lo_add_glue(l, PARA_SKIP);
    lo_layout_blocks(l, n->first);
    lo_add_glue(l, PARA_SKIP);
    break;
  case TB_NODE_CENTER:
    l->center++;
    lo_layout_blocks(l, n->first);
    l->center--;
    break;
  case TB_NODE_NONE:
  case TB_NODE_ROOT:
  case TB_NODE_BLOCK_QUOTE:
  case TB_NODE_LIST:
  case TB_NODE_ITEM:
  case TB_NODE_CODE_BLOCK:
  case TB_NODE_HTML_BLOCK:
  case TB_NODE_PARAGRAPH:
  case TB_NODE_HEADING:
  case TB_NODE_THEMATIC_BREAK:
  case TB_NODE_TABLE:
  case TB_NODE_TABLE_ROW:
  case TB_NODE_TABLE_CELL:
  case TB_NODE_FOOTNOTE_DEF:
  case TB_NODE_TEXT:
  case TB_NODE_SOFTBREAK:
  case TB_NODE_LINEBREAK:
  case TB_NODE_CODE:
  case TB_NODE_HTML_INLINE:
  case TB_NODE_EMPH:
  case TB_NODE_STRONG:
  case TB_NODE_STRIKETHROUGH:
  case TB_NODE_LINK:
  case TB_NODE_IMAGE:
  case TB_NODE_FOOTNOTE_REF:
  case TB_NODE_KBD:
  case TB_NODE_SUP:
  case TB_NODE_SUB:
  case TB_NODE_ANCHOR: break;
  }
}

/* A box anchors one target (vbox.heading); a second met before the box opens takes the first
 * one's place once the pages are made. */
void lo_anchor(L *l, int i) {
  if (i < 0 || (size_t)i >= l->doc->nheadings)
    return;
  if (l->next.heading < 0) {
    l->next.heading = i;
    return;
  }
  if (!l->anchor_lead) {
    l->anchor_lead = tb_xmalloc((l->doc->nheadings + 1) * sizeof *l->anchor_lead);
    for (size_t k = 0; k < l->doc->nheadings; k++)
      l->anchor_lead[k] = -1;
  }
  /* a heading keeps the box (its place is where the contents lead); the anchor follows it */
  if (l->doc->headings[i].level > 0 && l->doc->headings[l->next.heading].level == 0) {
    l->anchor_lead[l->next.heading] = i;
    l->next.heading = i;
  } else {
    l->anchor_lead[i] = l->next.heading;
  }
}

void lo_anchors_placed(L *l) {
  if (!l->anchor_lead)
    return;
  for (size_t k = 0; k < l->doc->nheadings; k++) {
    int lead = l->anchor_lead[k];
    for (int hops = 0; lead >= 0 && l->anchor_lead[lead] >= 0 && hops < 64; hops++)
      lead = l->anchor_lead[lead];
    if (lead >= 0 && l->lo->heading_page[k] < 0) {
      l->lo->heading_page[k] = l->lo->heading_page[lead];
      l->lo->heading_y[k] = l->lo->heading_y[lead];
    }
  }
}
