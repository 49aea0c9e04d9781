// xml.h -- XML writing helpers of the EPUB writer: escaping, the test for visible text, the
// opening of an XHTML content document. Internal to src/epub/ (and its unit test).
#ifndef TB_EPUB_XML_H
#define TB_EPUB_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "util/mem.h"

/** Appends s[0..n) escaped for XML text and attributes: & < > " become entities, characters
 * XML 1.0 forbids (C0 controls but tab and newline, U+FFFE, U+FFFF) are dropped, and invalid
 * UTF-8 becomes U+FFFD. */
void tb_epub_escape(tb_buf *out, const char *s, size_t n);
void tb_epub_escape_str(tb_buf *out, const char *s); /* s may be NULL */

/** True when s (may be NULL) holds anything but spaces, tabs and line ends. */
bool tb_epub_has_text(const char *s);

/** The XML declaration, doctype, <html> with lang/xml:lang (and the epub: namespace when
 * epub_ns), <head> (title, stylesheet) and <body (unclosed: the caller adds attributes and '>'). */
void tb_epub_xhtml_open(tb_buf *out, const char *lang, const char *title, bool epub_ns);

#endif
