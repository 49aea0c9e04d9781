// tags.h -- the tagged PDF's structure tree (ISO 32000-1 §14.7-14.8), built as the pages are
// painted and written once libharu's document is gone.
//
// libharu 2.3.0 has no marked-content or structure API, and every object it holds costs about a
// kilobyte (each dictionary key is a 128-byte record): the tree of a 500-chapter book, some
// 40,000 elements, would have taken the PDF past its memory target. So the painter writes the
// marked-content operators itself (tb_hpdf_page_write), libharu writes everything else with a
// placeholder StructTreeRoot in the catalog, and the final pass (pack.h) writes the real one in
// its place, with the elements and the parent tree, into the same object streams.
#ifndef TB_PDF_TAGS_H
#define TB_PDF_TAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "layout/layout.h"
#include "util/error.h"

typedef struct tb_tags tb_tags;

/** A tree for lo's elements (lo->elems); NULL when the layout has none. */
tb_tags *tb_tags_new(const tb_layout *lo);
void tb_tags_free(tb_tags *t);

/** The standard structure type of a role, as a PDF name without its slash ("P", "H1"). */
const char *tb_tags_role_name(tb_role role);

/** Starts page `page` (in order from 0), whose page object is number `obj`. */
void tb_tags_page(tb_tags *t, size_t page, unsigned obj);

/** A new marked-content identifier on the current page (whose content it marks, tb_tags_read
 * learns in reading order). */
int tb_tags_mcid(tb_tags *t);

/** A further marked-content sequence that draw `draw` goes on in: a run painted in parts (a
 * hyphenated word's /Span, pdf.c, before or after the rest of the run). */
typedef struct tb_tags_seq {
  size_t draw;
  int mcid;
} tb_tags_seq;

/** Reads the current page's draws in their order (the reading order): draw k, of element
 * draws[k].elem, is in the marked-content sequence mcid[k] (-1: none), then in those of `more`
 * (in draw order) whose draw is k. Each element gets its content in that order, and joins its
 * parent the first time it has any. */
void tb_tags_read(tb_tags *t, const tb_draw *draws, const int *mcid, size_t n, const tb_tags_seq *more,
                  size_t nmore);

/** The link annotation object `obj` on page `page` belongs to Link element `elem`; returns
 * the annotation's /StructParent key. */
int tb_tags_annot(tb_tags *t, int elem, size_t page, unsigned obj);

/** The text of Link element elem as painted so far, for its annotation's /Contents: its runs
 * joined, with the '-' the layout draws at a hyphenated line end left out (tb_draw.hyphen), so a
 * word broken across lines reads whole; NULL when it has none. */
const char *tb_tags_link_text(const tb_tags *t, int elem);

/** Whether the tree meets what PDF/UA-1 asks of what the layout gives (a title, every Figure's
 * alternate text): the XMP metadata (xmp.h) then claims pdfuaid:part 1. */
bool tb_tags_ua(const tb_tags *t);

/** Builds the tree (once the painting is done) and numbers its objects from first on: the
 * elements that have content, in order, then the parent tree. Returns the first number past them. */
unsigned tb_tags_number(tb_tags *t, unsigned first);

/** Writes the tree into p (pack.h): the StructTreeRoot as object root (the catalog's), the
 * elements and the parent tree as tb_tags_number numbered them. */
struct tb_pack;
void tb_tags_write(const tb_tags *t, unsigned root, struct tb_pack *p);

#endif
