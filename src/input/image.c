// image.c -- resolve an image reference to a safe local file and read its size.
#include "input/image.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "input/limits.h"
#include "util/error.h"

static unsigned be32(const unsigned char *p) {
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

int tb_image_sniff(const unsigned char *d, size_t len, int *w, int *h) {
  static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (len >= 33 && !memcmp(d, png_sig, 8) && !memcmp(d + 12, "IHDR", 4)) {
    /* The IHDR chunk's CRC must match: a cheap corruption check. */
    if (crc32(crc32(0, NULL, 0), d + 12, 17) != be32(d + 29))
      return 0;
    *w = (int)be32(d + 16);
    *h = (int)be32(d + 20);
    return (*w > 0 && *h > 0) ? 1 : 0;
  }
  if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8) {
    size_t i = 2;
    while (i + 9 < len) {
      if (d[i] != 0xFF)
        return 0;
      unsigned char m = d[i + 1];
      if (m == 0xFF) {
        i++;
        continue;
      }
      size_t seglen = (size_t)d[i + 2] << 8 | d[i + 3];
      if (seglen < 2)
        return 0;
      /* SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC) */
      if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
        *h = d[i + 5] << 8 | d[i + 6];
        *w = d[i + 7] << 8 | d[i + 8];
        return (*w > 0 && *h > 0) ? 2 : 0;
      }
      i += 2 + seglen;
    }
  }
  return 0;
}

static bool is_remote(const char *url) {
  const char *c = strchr(url, ':');
  if (!c)
    return false;
  for (const char *p = url; p < c; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (p > url && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))))
      return false;
  return c > url + 1; /* "C:" style one-letter schemes are not URLs */
}

/* Percent-decodes a URL path (Markdown image URLs are percent-encoded by cmark). */
static void url_decode(const char *s, char *out, size_t cap) {
  size_t o = 0;
  for (; *s && o + 1 < cap; s++) {
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
    if (*s == '?' || *s == '#')
      break;
    out[o++] = *s;
  }
  out[o] = 0;
}

void tb_image_resolve(tb_doc *doc, tb_node *img, const char *source, const char *dir) {
  const char *url = img->as.link.url ? img->as.link.url : "";
  char rel[PATH_MAX], joined[PATH_MAX * 2], real[PATH_MAX], realdir[PATH_MAX];
  img->image.path = NULL;
  if (!*url)
    return;
  if (is_remote(url)) {
    tb_warn(source, img->line, img->col, "remote image '%.200s' is not fetched (terbit works offline); its alt text is shown", url);
    return;
  }
  if (!dir)
    return;
  url_decode(url, rel, sizeof rel);
  if (rel[0] == '/') {
    tb_warn(source, img->line, img->col, "image '%.200s' is an absolute path; only files in the source's folder are used", url);
    return;
  }
  snprintf(joined, sizeof joined, "%s/%s", dir, rel);
  if (!realpath(dir, realdir) || !realpath(joined, real)) {
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
    tb_warn(source, img->line, img->col, "image '%.200s' is larger than %u bytes; refused", url, TB_MAX_IMAGE_BYTES);
    return;
  }
  unsigned char head[65536];
  FILE *f = fopen(real, "rb");
  size_t n = f ? fread(head, 1, sizeof head, f) : 0;
  if (f)
    fclose(f);
  int w = 0, h = 0;
  int kind = tb_image_sniff(head, n, &w, &h);
  if (!kind) {
    tb_warn(source, img->line, img->col, "image '%.200s' is not a valid PNG or JPEG; its alt text is shown", url);
    return;
  }
  if ((unsigned long long)w * (unsigned long long)h > TB_MAX_IMAGE_PIXELS) {
    tb_warn(source, img->line, img->col, "image '%.200s' has %dx%d pixels, over the limit of %u; refused", url, w, h, TB_MAX_IMAGE_PIXELS);
    return;
  }
  img->image.path = tb_doc_strdup(doc, real);
  img->image.kind = kind;
  img->image.width = w;
  img->image.height = h;
  doc->has_images = true;
}
