// pdf.h -- paints a laid-out document into a PDF with libharu.
#ifndef TB_PDF_H
#define TB_PDF_H

#include "doc/doc.h"
#include "layout/layout.h"
#include "util/error.h"

typedef struct tb_pdf_opts {
  const char *producer; /* "terbit 0.1.0" */
} tb_pdf_opts;

/**
 * Writes the PDF of doc as laid out in lo to `path` (the caller renames it into place). fonts are
 * the same files the layout measured. Each page's draws are freed once it is painted
 * (tb_layout_drop_draws): lo keeps its pages' links and info, no drawings. Returns 0, or -1
 * with err (libharu's first error, or I/O).
 */
int tb_pdf_write(const tb_doc *doc, tb_layout *lo, const tb_fonts *fonts, const tb_pdf_opts *opts,
                 const char *path, tb_error *err);

#endif
