// url.h -- which link targets terbit keeps, and their percent-encoding (EPUB and PDF alike).
#ifndef TB_URL_H
#define TB_URL_H

#include <stdbool.h>

#include "util/mem.h"

/** True for an absolute http(s)/ftp URL with a plain ASCII host, or a mailto:/tel: URL: the
 * links a reader can follow and EPUBCheck accepts. Others keep their text, without a link. */
bool tb_url_linkable(const char *url);

/** Appends url to b with what may not stand in a URL percent-encoded (spaces, controls,
 * non-ASCII bytes, "<>\\^`{|}[], a second '#', a '%' not starting an escape). */
void tb_url_encode(tb_buf *b, const char *url);

#endif
