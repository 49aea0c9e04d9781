// url.c -- which link targets terbit keeps, and their percent-encoding (EPUB and PDF alike).
#include "util/url.h"

#include <string.h>

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

static bool has_prefix_ci(const char *s, const char *prefix) {
  for (; *prefix; s++, prefix++)
    if (lower((unsigned char)*s) != *prefix)
      return false;
  return true;
}

/* An absolute URL we may link to. Only registered schemes that reading systems open (http,
 * https, ftp, mailto, tel: EPUBCheck warns on others, HTM-025), and for the network schemes a
 * host EPUBCheck can parse: ASCII letters, digits, '-' and '.', no empty label, an optional
 * port. Relative URLs cannot be resolved inside the EPUB (EPUBCheck rejects links to missing
 * resources), and script-like schemes are never links. Anything else keeps its text only. */
bool tb_url_linkable(const char *url) {
  if (!url)
    return false;
  if (has_prefix_ci(url, "mailto:") || has_prefix_ci(url, "tel:"))
    return url[strcspn(url, ":") + 1] != 0;
  const char *p;
  if (has_prefix_ci(url, "http://"))
    p = url + 7;
  else if (has_prefix_ci(url, "https://"))
    p = url + 8;
  else if (has_prefix_ci(url, "ftp://"))
    p = url + 6;
  else
    return false;
  const char *host = p;
  bool label_empty = true;
  for (; *p && *p != '/' && *p != ':' && *p != '?' && *p != '#'; p++) {
    if (*p == '.') {
      if (label_empty)
        return false;
      label_empty = true;
    } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
               *p == '-') {
      label_empty = false;
    } else {
      return false;
    }
  }
  if (p == host || label_empty)
    return false;
  if (*p == ':') {
    p++;
    while (*p >= '0' && *p <= '9')
      p++;
    if (*p && *p != '/' && *p != '?' && *p != '#')
      return false;
  }
  return true;
}

static bool is_hex(int c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Percent-encodes what may not stand in a URL (spaces, controls, non-ASCII bytes, "<>\^`{|}, a
 * second '#', a '%' not starting an escape), so EPUBCheck sees a valid URL. */
void tb_url_encode(tb_buf *h, const char *url) {
  bool hash = false;
  for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
    unsigned c = *p;
    bool enc = c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}[]", (int)c) != NULL;
    if (c == '#') {
      enc = hash;
      hash = true;
    }
    if (c == '%' && !(is_hex(p[1]) && is_hex(p[2])))
      enc = true;
    if (enc)
      tb_buf_printf(h, "%%%02X", c);
    else
      tb_buf_putc(h, (char)c);
  }
}
