// xmp.h -- the PDF's XMP metadata packet (ISO 16684-1; ISO 32000-1 §14.3.2), which PDF/UA-1
// (ISO 14289-1 §5, §7.1) requires in the catalog: the Info dictionary's facts again, and the
// pdfuaid:part claim. libharu 2.3.0 cannot write one: the final pass (pack.h) does.
#ifndef TB_PDF_XMP_H
#define TB_PDF_XMP_H

#include <stdbool.h>

#include "doc/doc.h"
#include "util/mem.h"

/** The Info dictionary's Keywords: the category, then the keywords, joined by ", " (empty: none). */
void tb_xmp_keywords(tb_buf *out, const tb_meta *m);

/** Appends doc's XMP packet (UTF-8, no byte-order mark) to out: dc:title (x-default and the
 * document's language), dc:creator, dc:description, dc:language, dc:subject, dc:identifier,
 * dc:rights, xmp:CreateDate and ModifyDate equal to the Info dates (doc->epoch, UTC),
 * xmp:CreatorTool and pdf:Producer (producer), pdf:Keywords; and pdfuaid:part 1 when ua. The
 * same doc always gives the same bytes. */
void tb_xmp_write(tb_buf *out, const tb_doc *doc, const char *producer, bool ua);

#endif
