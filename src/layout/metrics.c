// metrics.c -- glyph coverage and advance widths read from the shipped TrueType fonts.
#include "layout/metrics.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* A font file larger than this is not one of ours (the largest shipped is 0.8 MB). */
#define TB_MAX_FONT_BYTES (64ull << 20)

static const char *const face_files[TB_FACE_COUNT] = {
    [TB_FACE_REGULAR] = "CharisSIL-Regular.ttf", [TB_FACE_ITALIC] = "CharisSIL-Italic.ttf",
    [TB_FACE_BOLD] = "CharisSIL-Bold.ttf",       [TB_FACE_BOLD_ITALIC] = "CharisSIL-BoldItalic.ttf",
    [TB_FACE_MONO] = "DejaVuSansMono.ttf",       [TB_FACE_MONO_BOLD] = "DejaVuSansMono-Bold.ttf",
    [TB_FACE_FALLBACK] = "DejaVuSans.ttf",
};

const char *tb_face_file(tb_face f) { return (unsigned)f < TB_FACE_COUNT ? face_files[f] : ""; }

static unsigned u16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static int s16(const unsigned char *p) { return (int16_t)u16(p); }
static uint32_t u32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Finds table `tag`; returns its bytes or NULL. */
static const unsigned char *table(const unsigned char *d, size_t len, const char *tag, size_t *tlen) {
  if (len < 12)
    return NULL;
  unsigned n = u16(d + 4);
  if (12 + (size_t)n * 16 > len)
    return NULL;
  for (unsigned i = 0; i < n; i++) {
    const unsigned char *r = d + 12 + (size_t)i * 16;
    if (memcmp(r, tag, 4) == 0) {
      uint32_t off = u32(r + 8), l = u32(r + 12);
      if (off > len || l > len - off)
        return NULL;
      *tlen = l;
      return d + off;
    }
  }
  return NULL;
}

static void cmap4(tb_font *f, const unsigned char *s, size_t len) {
  if (len < 14)
    return;
  unsigned segx2 = u16(s + 6);
  if (14 + (size_t)segx2 * 4 + 2 > len)
    return;
  const unsigned char *ends = s + 14, *starts = ends + segx2 + 2, *deltas = starts + segx2,
                      *ranges = deltas + segx2;
  for (unsigned i = 0; i < segx2 / 2; i++) {
    unsigned end = u16(ends + 2 * (size_t)i), start = u16(starts + 2 * (size_t)i);
    int delta = s16(deltas + 2 * (size_t)i);
    unsigned ro = u16(ranges + 2 * (size_t)i);
    for (unsigned c = start; c <= end && c < 0xFFFF; c++) {
      unsigned g;
      if (ro == 0)
        g = (c + (unsigned)delta) & 0xFFFF;
      else {
        size_t at = (size_t)(ranges + 2 * (size_t)i - s) + ro + 2 * (size_t)(c - start);
        if (at + 2 > len)
          continue;
        g = u16(s + at);
        if (g)
          g = (g + (unsigned)delta) & 0xFFFF;
      }
      if (!f->bmp_glyph[c])
        f->bmp_glyph[c] = (uint16_t)g;
    }
  }
}

static void cmap12(tb_font *f, const unsigned char *s, size_t len) {
  if (len < 16)
    return;
  uint32_t n = u32(s + 12);
  if (n > (len - 16) / 12)
    return;
  for (uint32_t i = 0; i < n; i++) {
    const unsigned char *g = s + 16 + (size_t)i * 12;
    uint32_t a = u32(g), b = u32(g + 4), gid = u32(g + 8);
    for (uint32_t c = a; c <= b && c < 0xFFFF; c++)
      if (!f->bmp_glyph[c])
        f->bmp_glyph[c] = (uint16_t)(gid + (c - a));
  }
}

int tb_font_parse(tb_font *f, const unsigned char *d, size_t len) {
  memset(f, 0, sizeof *f);
  size_t hl, hhl, mxl, hml, cml;
  const unsigned char *head = table(d, len, "head", &hl), *hhea = table(d, len, "hhea", &hhl),
                      *maxp = table(d, len, "maxp", &mxl), *hmtx = table(d, len, "hmtx", &hml),
                      *cmap = table(d, len, "cmap", &cml);
  size_t gl;
  if (!head || hl < 54 || !hhea || hhl < 36 || !maxp || mxl < 6 || !hmtx || !cmap || cml < 4 ||
      !table(d, len, "glyf", &gl))
    return -1;
  f->upem = (int)u16(head + 18);
  if (f->upem < 16)
    return -1;
  f->nglyphs = (int)u16(maxp + 4);
  unsigned nh = u16(hhea + 34);
  if (nh == 0 || nh > (unsigned)f->nglyphs || (size_t)nh * 4 > hml)
    return -1;
  f->ascent = s16(hhea + 4) * 1000 / f->upem;
  f->descent = s16(hhea + 6) * 1000 / f->upem;
  f->adv1000 = tb_xcalloc((size_t)f->nglyphs + 1, sizeof *f->adv1000);
  for (int g = 0; g < f->nglyphs; g++) {
    unsigned adv = u16(hmtx + 4 * (size_t)((unsigned)g < nh ? (unsigned)g : nh - 1));
    f->adv1000[g] = (uint16_t)((uint32_t)adv * 1000 / (uint32_t)f->upem);
  }
  f->bmp_glyph = tb_xcalloc(65536, sizeof *f->bmp_glyph);
  /* Prefer the (3,10) full table, then (3,1) BMP, then (0,x) Unicode. */
  unsigned n = u16(cmap + 2);
  const unsigned char *best4 = NULL, *best12 = NULL;
  size_t best4l = 0, best12l = 0;
  for (unsigned i = 0; i < n && 4 + (size_t)(i + 1) * 8 <= cml; i++) {
    const unsigned char *r = cmap + 4 + (size_t)i * 8;
    unsigned pid = u16(r), eid = u16(r + 2);
    uint32_t off = u32(r + 4);
    if (off + 8 > cml)
      continue;
    const unsigned char *sub = cmap + off;
    unsigned fmt = u16(sub);
    size_t sl = cml - off;
    if (fmt == 4 && (pid == 0 || (pid == 3 && eid == 1)) && !best4) {
      best4 = sub;
      best4l = u16(sub + 2) < sl ? u16(sub + 2) : sl;
    } else if (fmt == 12 && (pid == 0 || (pid == 3 && eid == 10)) && !best12) {
      best12 = sub;
      best12l = u32(sub + 4) < sl ? u32(sub + 4) : sl;
    }
  }
  /* libharu reads the format 4 table only, so glyph coverage must follow it exactly. */
  if (best4)
    cmap4(f, best4, best4l);
  else if (best12)
    cmap12(f, best12, best12l);
  else {
    tb_font_free(f);
    return -1;
  }
  for (int c = 0; c < 65536; c++)
    if (f->bmp_glyph[c] >= f->nglyphs)
      f->bmp_glyph[c] = 0;
  return 0;
}

void tb_font_free(tb_font *f) {
  free(f->bmp_glyph);
  free(f->adv1000);
  memset(f, 0, sizeof *f);
}

int tb_fonts_load(tb_fonts *fs, const char *assets_dir, tb_error *err) {
  memset(fs, 0, sizeof *fs);
  for (int i = 0; i < TB_FACE_COUNT; i++) {
    tb_buf path = {0};
    tb_buf_printf(&path, "%s/fonts/%s", assets_dir, face_files[i]);
    fs->path[i] = tb_buf_detach(&path, NULL);
    /* mapped, not read: the layout needs a few tables of each font (cmap, hmtx), not the
     * 4.5 MB of outlines that reading the seven files copied twice over */
    int fd = open(fs->path[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block us */
    struct stat st;
    bool found = fd >= 0;
    int rc = -1;
    if (found && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (unsigned long long)st.st_size <= TB_MAX_FONT_BYTES) {
      void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map != MAP_FAILED) {
        rc = tb_font_parse(&fs->face[i], map, (size_t)st.st_size);
        (void)munmap(map, (size_t)st.st_size);
      }
    }
    if (fd >= 0)
      (void)close(fd);
    if (rc) {
      tb_error_set(err, TB_ERR_ASSET, fs->path[i], 0, 0,
                   found ? "not a usable TrueType font" : "font missing (is the assets folder complete?)");
      tb_fonts_free(fs);
      return -1;
    }
  }
  return 0;
}

void tb_fonts_free(tb_fonts *fs) {
  for (int i = 0; i < TB_FACE_COUNT; i++) {
    tb_font_free(&fs->face[i]);
    free(fs->path[i]);
    fs->path[i] = NULL;
  }
}
