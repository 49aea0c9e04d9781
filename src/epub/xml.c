// xml.c -- XML writing helpers: escaping (with the UTF-8 check it needs), visible text, the
// opening of an XHTML content document.
#include "epub/xml.h"

#include <string.h>

#include "util/utf8.h"

/* ---- escaping ---- */

void tb_epub_escape(tb_buf *out, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
  while (p < end) {
    const char *rep = NULL;
    size_t len = 1;
    unsigned c = *p;
    if (c < 0x80) {
      if (c == '&')
        rep = "&amp;";
      else if (c == '<')
        rep = "&lt;";
      else if (c == '>')
        rep = "&gt;"; /* also makes "]]>" harmless */
      else if (c == '"')
        rep = "&quot;";
      else if (c < 0x20 && c != '\t' && c != '\n')
        rep = ""; /* not allowed in XML 1.0 (CR is dropped too: the parser would normalize it) */
    } else {
      len = tb_utf8_strict(p, (size_t)(end - p), NULL);
      if (len == 0) {
        rep = "\xEF\xBF\xBD"; /* U+FFFD for a byte that is not UTF-8 */
        len = 1;
      } else if (len == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
        rep = ""; /* U+FFFE, U+FFFF: not XML characters */
      }
    }
    if (rep) {
      tb_buf_put(out, run, (size_t)(p - run));
      tb_buf_puts(out, rep);
      p += len;
      run = p;
    } else {
      p += len;
    }
  }
  tb_buf_put(out, run, (size_t)(p - run));
}

void tb_epub_escape_str(tb_buf *out, const char *s) {
  if (s)
    tb_epub_escape(out, s, strlen(s));
}

bool tb_epub_has_text(const char *s) {
  for (; s && *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
      return true;
  return false;
}

void tb_epub_xhtml_open(tb_buf *out, const char *lang, const char *title, bool epub_ns) {
  tb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
                   "<html xmlns=\"http://www.w3.org/1999/xhtml\" ");
  if (epub_ns)
    tb_buf_puts(out, "xmlns:epub=\"http://www.idpf.org/2007/ops\" ");
  tb_buf_puts(out, "lang=\"");
  tb_epub_escape_str(out, lang);
  tb_buf_puts(out, "\" xml:lang=\"");
  tb_epub_escape_str(out, lang);
  tb_buf_puts(out, "\">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>");
  tb_epub_escape_str(out, tb_epub_has_text(title) ? title : "-");
  tb_buf_puts(out, "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"css/terbit.css\"/>\n"
                   "</head>\n<body");
}
