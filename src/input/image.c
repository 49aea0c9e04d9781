// image.c -- resolve an image reference to a safe local file and read its size.
#include "input/image.h"

#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "input/limits.h"
#include "util/error.h"

static unsigned be32(const unsigned char *p) {
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

tb_image_kind tb_image_sniff(const unsigned char *d, size_t len, int *w, int *h) {
  tb_image_kind kind = tb_image_kind_of(d, len);
  switch (kind) {
  case TB_IMAGE_PNG:
    if (len < 33 || memcmp(d + 12, "IHDR", 4) != 0)
      return TB_IMAGE_NONE;
    /* The IHDR chunk's CRC must match: a cheap corruption check. */
    if (crc32(crc32(0, NULL, 0), d + 12, 17) != be32(d + 29))
      return TB_IMAGE_NONE;
    *w = (int)be32(d + 16);
    *h = (int)be32(d + 20);
    return (*w > 0 && *h > 0) ? kind : TB_IMAGE_NONE;
  case TB_IMAGE_JPEG: {
    size_t i = 2;
    while (i + 9 < len) {
      if (d[i] != 0xFF)
        return TB_IMAGE_NONE;
      unsigned char m = d[i + 1];
      if (m == 0xFF) {
        i++;
        continue;
      }
      size_t seglen = (size_t)d[i + 2] << 8 | d[i + 3];
      if (seglen < 2)
        return TB_IMAGE_NONE;
      /* SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC) */
      if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
        *h = d[i + 5] << 8 | d[i + 6];
        *w = d[i + 7] << 8 | d[i + 8];
        return (*w > 0 && *h > 0) ? kind : TB_IMAGE_NONE;
      }
      i += 2 + seglen;
    }
    return TB_IMAGE_NONE;
  }
  case TB_IMAGE_NONE: break;
  }
  return TB_IMAGE_NONE;
}

/* Checks a whole PNG file before libharu sees it: libharu hands PNGs to libpng, which aborts
 * the process on a corrupt stream. Every chunk's CRC, the IHDR fields, a palette where needed,
 * IEND, and the IDAT stream inflated to exactly the size the header promises. */
static bool png_valid(const unsigned char *d, size_t len) {
  size_t pos = 8, idat_total = 0;
  unsigned w = 0, h = 0, depth = 0, ctype = 0, interlace = 0;
  bool ihdr = false, plte = false, iend = false;
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit(&z) != Z_OK)
    return false;
  unsigned char out[65536];
  unsigned long long produced = 0;
  bool ok = true, stream_end = false;
  while (ok && !iend) {
    if (pos + 12 > len) {
      ok = false;
      break;
    }
    size_t clen = be32(d + pos);
    const unsigned char *type = d + pos + 4, *data = d + pos + 8;
    if (clen > len - pos - 12 || crc32(crc32(0, NULL, 0), type, (uInt)(clen + 4)) != be32(data + clen)) {
      ok = false;
      break;
    }
    if (!memcmp(type, "IHDR", 4)) {
      if (ihdr || pos != 8 || clen != 13) {
        ok = false;
        break;
      }
      ihdr = true;
      w = be32(data);
      h = be32(data + 4);
      depth = data[8];
      ctype = data[9];
      interlace = data[12];
      bool depth_ok = (ctype == 0 && (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16)) ||
                      (ctype == 3 && (depth == 1 || depth == 2 || depth == 4 || depth == 8)) ||
                      ((ctype == 2 || ctype == 4 || ctype == 6) && (depth == 8 || depth == 16));
      if (!depth_ok || data[10] != 0 || data[11] != 0 || interlace > 1 || w == 0 || h == 0 ||
          (unsigned long long)w * h > TB_MAX_IMAGE_PIXELS)
        ok = false;
    } else if (!ihdr) {
      ok = false;
    } else if (!memcmp(type, "PLTE", 4)) {
      plte = clen > 0 && clen % 3 == 0 && clen <= 768;
      ok = plte;
    } else if (!memcmp(type, "IDAT", 4)) {
      idat_total += clen;
      z.next_in = (unsigned char *)data;
      z.avail_in = (uInt)clen;
      while (ok && z.avail_in > 0 && !stream_end) {
        z.next_out = out;
        z.avail_out = sizeof out;
        int zr = inflate(&z, Z_NO_FLUSH);
        produced += sizeof out - z.avail_out;
        if (zr == Z_STREAM_END)
          stream_end = true;
        else if (zr != Z_OK)
          ok = false;
      }
    } else if (!memcmp(type, "IEND", 4)) {
      iend = true;
    }
    pos += clen + 12;
  }
  inflateEnd(&z);
  if (!ok || !ihdr || !iend || !idat_total || !stream_end || (ctype == 3 && !plte))
    return false;
  /* the decompressed size: one filter byte per row, per pass when interlaced */
  unsigned channels = ctype == 0 ? 1 : ctype == 2 ? 3 : ctype == 3 ? 1 : ctype == 4 ? 2 : 4;
  unsigned long long bits = (unsigned long long)channels * depth, expect = 0;
  if (!interlace) {
    expect = (unsigned long long)h * (1 + (w * bits + 7) / 8);
  } else {
    static const unsigned x0[7] = {0, 4, 0, 2, 0, 1, 0}, y0[7] = {0, 0, 4, 0, 2, 0, 1},
                          dx[7] = {8, 8, 4, 4, 2, 2, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
    for (int p = 0; p < 7; p++) {
      unsigned long long pw = w > x0[p] ? (w - x0[p] + dx[p] - 1) / dx[p] : 0;
      unsigned long long ph = h > y0[p] ? (h - y0[p] + dy[p] - 1) / dy[p] : 0;
      if (pw && ph)
        expect += ph * (1 + (pw * bits + 7) / 8);
    }
  }
  return produced == expect;
}

/* A JPEG must reach its scan (SOS) through well-formed segments and end with EOI: a truncated
 * file would embed as a broken stream. */
static bool jpeg_complete(const unsigned char *d, size_t len) {
  size_t i = 2;
  bool sos = false;
  while (i + 4 <= len && !sos) {
    if (d[i] != 0xFF)
      return false;
    unsigned char m = d[i + 1];
    if (m == 0xFF) {
      i++;
      continue;
    }
    size_t seglen = (size_t)d[i + 2] << 8 | d[i + 3];
    if (seglen < 2 || i + 2 + seglen > len)
      return false;
    sos = m == 0xDA;
    i += 2 + seglen;
  }
  size_t end = len;
  while (end > i && d[end - 1] == 0) /* some writers pad with zeros */
    end--;
  return sos && end >= i + 2 && d[end - 2] == 0xFF && d[end - 1] == 0xD9;
}

static bool is_remote(const char *url) {
  const char *c = strchr(url, ':');
  if (!c)
    return false;
  for (const char *p = url; p < c; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (p > url && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))))
      return false;
  return c > url + 1; /* "C:" style one-letter schemes are not URLs */
}

/* Percent-decodes a URL path (Markdown image URLs are percent-encoded by cmark). */
/* Percent-decodes the path part of s into out; false when it does not fit (a cut path could
 * name another file). */
static bool url_decode(const char *s, char *out, size_t cap) {
  size_t o = 0;
  for (; *s; s++) {
    if (*s == '?' || *s == '#')
      break;
    if (o + 1 >= cap) {
      out[0] = 0;
      return false;
    }
    if (*s == '%' && s[1] && s[2]) {
      char hex[3] = {s[1], s[2], 0};
      char *end;
      long v = strtol(hex, &end, 16);
      if (*end == 0 && v > 0) {
        out[o++] = (char)v;
        s += 2;
        continue;
      }
    }
    out[o++] = *s;
  }
  out[o] = 0;
  return true;
}

void tb_image_resolve(tb_doc *doc, tb_node *img, const char *source, const char *dir) {
  const char *url = img->as.link.url ? img->as.link.url : "";
  char rel[PATH_MAX], joined[PATH_MAX * 2], real[PATH_MAX], realdir[PATH_MAX];
  img->image.path = NULL;
  if (!*url)
    return;
  if (is_remote(url)) {
    tb_warn(source, img->line, img->col,
            "remote image '%.200s' is not fetched (terbit works offline); its alt text is shown", url);
    return;
  }
  if (!dir)
    return;
  if (!url_decode(url, rel, sizeof rel)) {
    tb_warn(source, img->line, img->col, "image '%.200s...' has a path longer than %d bytes; refused", url,
            PATH_MAX - 1);
    return;
  }
  if (rel[0] == '/') {
    tb_warn(source, img->line, img->col,
            "image '%.200s' is an absolute path; only files in the source's folder are used", url);
    return;
  }
  int jn = snprintf(joined, sizeof joined, "%s/%s", dir, rel);
  /* (a cut path could name another file) */
  if (jn < 0 || (size_t)jn >= sizeof joined || !realpath(dir, realdir) || !realpath(joined, real)) {
    tb_warn(source, img->line, img->col, "image '%.200s' not found; its alt text is shown", url);
    return;
  }
  size_t dl = strlen(realdir);
  if (strncmp(real, realdir, dl) != 0 || (real[dl] != '/' && dl > 1)) {
    tb_warn(source, img->line, img->col, "image '%.200s' is outside the source's folder; refused", url);
    return;
  }
  struct stat st;
  if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
    tb_warn(source, img->line, img->col, "image '%.200s' is not a regular file; refused", url);
    return;
  }
  if ((unsigned long long)st.st_size > TB_MAX_IMAGE_BYTES) {
    tb_warn(source, img->line, img->col, "image '%.200s' is larger than %u bytes; refused", url,
            TB_MAX_IMAGE_BYTES);
    return;
  }
  /* the whole file: PNGs are checked through (png_valid); JPEGs by their markers */
  FILE *f = fopen(real, "rb");
  unsigned char *data = tb_xmalloc((size_t)st.st_size + 1);
  size_t n = f ? fread(data, 1, (size_t)st.st_size, f) : 0;
  if (f)
    (void)fclose(f);
  int w = 0, h = 0;
  tb_image_kind kind = tb_image_sniff(data, n, &w, &h);
  if (kind != TB_IMAGE_NONE && (unsigned long long)w * (unsigned long long)h > TB_MAX_IMAGE_PIXELS) {
    free(data);
    tb_warn(source, img->line, img->col, "image '%.200s' has %dx%d pixels, over the limit of %u; refused",
            url, w, h, TB_MAX_IMAGE_PIXELS);
    return;
  }
  bool valid = false;
  switch (kind) {
  case TB_IMAGE_PNG: valid = png_valid(data, n); break;
  case TB_IMAGE_JPEG: valid = jpeg_complete(data, n); break;
  case TB_IMAGE_NONE: break;
  }
  free(data);
  if (!valid) {
    tb_warn(source, img->line, img->col, "image '%.200s' is not a valid PNG or JPEG; its alt text is shown",
            url);
    return;
  }
  if ((unsigned long long)w * (unsigned long long)h > TB_MAX_IMAGE_PIXELS) {
    tb_warn(source, img->line, img->col, "image '%.200s' has %dx%d pixels, over the limit of %u; refused",
            url, w, h, TB_MAX_IMAGE_PIXELS);
    return;
  }
  img->image.path = tb_doc_strdup(doc, real);
  img->image.kind = kind;
  img->image.width = w;
  img->image.height = h;
  doc->has_images = true;
}
