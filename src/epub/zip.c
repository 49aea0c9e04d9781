// zip.c -- the archive: entries deflated here, on whichever thread made them, then handed to
// libzip in a fixed order with fixed times. libzip copies a deflated entry as it is.
#define _POSIX_C_SOURCE 200809L /* gmtime_r, localtime_r, setenv, tzset */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>
#include <zlib.h>

#include "epub/epub_int.h"

/* ---- deflate ---- */

/* The parameters libzip 1.7 gives zlib for ZIP_CM_DEFLATE (zip_algorithm_deflate.c: raw deflate,
 * 32 KiB window, memLevel 9): an entry packed here has the bytes libzip would have written at the
 * same level, so the EPUB does not depend on who deflated it.
 * Level 3, the last of zlib's fast levels: against level 6 (zlib's default), a 50-chapter EPUB
 * took 0.82x the wall time (interleaved runs, 30 each) for 5% more bytes (171.7 KB against 163.1;
 * pandoc's is 167.4); level 1 was no faster and 4% larger again. */
#define TB_DEFLATE_LEVEL 3
#define TB_DEFLATE_MEM_LEVEL 9

struct tb_epub_deflater {
  z_stream z;
  bool ready;
};

tb_epub_deflater *tb_epub_deflater_new(void) {
  tb_epub_deflater *d = tb_xcalloc(1, sizeof *d);
  d->ready = deflateInit2(&d->z, TB_DEFLATE_LEVEL, Z_DEFLATED, -MAX_WBITS, TB_DEFLATE_MEM_LEVEL,
                          Z_DEFAULT_STRATEGY) == Z_OK;
  return d;
}

void tb_epub_deflater_free(tb_epub_deflater *d) {
  if (!d)
    return;
  if (d->ready)
    (void)deflateEnd(&d->z); /* Z_DATA_ERROR only means a stream was left unfinished */
  free(d);
}

void tb_epub_part_set(tb_epub_part *p, const char *dir, const char *name, char *data, size_t len,
                      bool store) {
  memset(p, 0, sizeof *p);
  (void)snprintf(p->name, sizeof p->name, "%s%s", dir, name);
  p->data = data;
  p->len = p->size = len;
  p->store = store;
}

void tb_epub_part_pack(tb_epub_deflater *d, tb_epub_part *p) {
  /* Anything not packed here is deflated by libzip at zip_close, to the same bytes: without a
   * deflater, an empty entry (libzip's own rules decide how it is stored) or one too large for
   * zlib's uInt in one call. */
  if (!d || !d->ready || p->store || p->packed || !p->data || p->len == 0 || p->len > UINT_MAX / 2)
    return;
  if (deflateReset(&d->z) != Z_OK)
    return;
  uLong bound = deflateBound(&d->z, (uLong)p->len);
  unsigned char *out = tb_xmalloc(bound);
  d->z.next_in = (Bytef *)p->data;
  d->z.avail_in = (uInt)p->len;
  d->z.next_out = out;
  d->z.avail_out = (uInt)bound;
  if (deflate(&d->z, Z_FINISH) != Z_STREAM_END) { /* cannot happen with deflateBound's room */
    free(out);
    return;
  }
  p->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)p->data, (uInt)p->len);
  free(p->data); /* p->size keeps the entry's own size */
  p->len = d->z.total_out;
  p->data = tb_xrealloc(out, p->len ? p->len : 1);
  p->packed = true;
}

/* ---- libzip ---- */

/* A packed entry as a libzip source: its stat says deflate with crc and sizes, so zip_close
 * copies the bytes instead of compressing them again (zip_close.c: needs_recompress). */
typedef struct packed_src {
  tb_epub_part part; /* owns part.data */
  size_t pos;
  zip_error_t error;
} packed_src;

static zip_int64_t packed_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd) {
  packed_src *s = ud;
  switch ((int)cmd) { /* the commands not listed in SUPPORTS are never sent: default answers them */
  case ZIP_SOURCE_OPEN: s->pos = 0; return 0;
  case ZIP_SOURCE_READ: {
    size_t n = s->part.len - s->pos;
    if (n > len)
      n = (size_t)len;
    memcpy(data, s->part.data + s->pos, n);
    s->pos += n;
    return (zip_int64_t)n;
  }
  case ZIP_SOURCE_CLOSE: return 0;
  case ZIP_SOURCE_STAT: {
    zip_stat_t *st = data;
    if (len < sizeof *st) {
      zip_error_set(&s->error, ZIP_ER_INVAL, 0);
      return -1;
    }
    zip_stat_init(st);
    st->valid =
        ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC | ZIP_STAT_ENCRYPTION_METHOD;
    st->size = s->part.size;
    st->comp_size = s->part.len;
    st->comp_method = ZIP_CM_DEFLATE;
    st->crc = s->part.crc;
    st->encryption_method = ZIP_EM_NONE;
    return (zip_int64_t)sizeof *st;
  }
  case ZIP_SOURCE_GET_FILE_ATTRIBUTES: {
    /* what libzip's own deflate reports at TB_DEFLATE_LEVEL: version 2.0 needed, bits 1-2 clear
     * ("normal"); test_pack_same_as_libzip compares the two archives byte for byte */
    zip_file_attributes_t *a = data;
    if (len < sizeof *a) {
      zip_error_set(&s->error, ZIP_ER_INVAL, 0);
      return -1;
    }
    a->valid |= ZIP_FILE_ATTRIBUTES_VERSION_NEEDED | ZIP_FILE_ATTRIBUTES_GENERAL_PURPOSE_BIT_FLAGS;
    a->version_needed = 20;
    a->general_purpose_bit_flags = 0;
    a->general_purpose_bit_mask = 0x0006;
    return 0;
  }
  case ZIP_SOURCE_ERROR: return zip_error_to_data(&s->error, data, len);
  case ZIP_SOURCE_FREE:
    free(s->part.data);
    zip_error_fini(&s->error);
    free(s);
    return 0;
  case ZIP_SOURCE_SUPPORTS:
    return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                          ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SUPPORTS,
                                          ZIP_SOURCE_GET_FILE_ATTRIBUTES, -1);
  default: zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0); return -1;
  }
}

/* libzip's error → tb_error (libzip code in detail). */
static int zip_fail(tb_error *err, zip_error_t *ze, const char *path, const char *what) {
  bool fresh = err && !tb_error_is_set(err);
  tb_error_set(err, TB_ERR_ZIP, path, 0, 0, "%s: %s", what, zip_error_strerror(ze));
  if (fresh)
    err->detail = zip_error_code_zip(ze);
  return -1;
}

/* DOS date/time of epoch in UTC, clamped to what the format holds (1980..2107). */
static void dos_time(long long epoch, zip_uint16_t *dtime, zip_uint16_t *ddate) {
  if (epoch < 315532800LL) /* 1980-01-01T00:00:00Z */
    epoch = 315532800LL;
  if (epoch > 4354819198LL) /* 2107-12-31T23:59:58Z */
    epoch = 4354819198LL;
  time_t t = (time_t)epoch;
  struct tm tm;
  gmtime_r(&t, &tm);
  *ddate = (zip_uint16_t)(((tm.tm_year + 1900 - 1980) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
  *dtime = (zip_uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
}

/* libzip 1.7 keeps an entry's time as a time_t: zip_file_set_dostime converts the DOS fields with
 * mktime() and zip_close converts back with localtime(). That round trip is exact unless the wall
 * time does not exist in the local zone (a DST gap), so this checks it the same way. */
static bool dos_time_survives(zip_uint16_t dtime, zip_uint16_t ddate) {
  struct tm tm = {0};
  tm.tm_isdst = -1;
  tm.tm_year = ((ddate >> 9) & 127) + 1980 - 1900;
  tm.tm_mon = ((ddate >> 5) & 15) - 1;
  tm.tm_mday = ddate & 31;
  tm.tm_hour = (dtime >> 11) & 31;
  tm.tm_min = (dtime >> 5) & 63;
  tm.tm_sec = (dtime << 1) & 62;
  struct tm want = tm; /* mktime normalizes tm in place */
  time_t t = mktime(&tm);
  struct tm back;
  if (t == (time_t)-1 || !localtime_r(&t, &back))
    return false;
  tm = want;
  return back.tm_year == tm.tm_year && back.tm_mon == tm.tm_mon && back.tm_mday == tm.tm_mday &&
         back.tm_hour == tm.tm_hour && back.tm_min == tm.tm_min && back.tm_sec == tm.tm_sec;
}

/* Hands p->data to libzip, which owns it from the source's creation on and frees it. */
static int add_entry(zip_t *za, tb_epub_part *p, zip_uint16_t dtime, zip_uint16_t ddate, const char *path,
                     tb_error *err) {
  zip_source_t *src;
  if (p->packed) {
    packed_src *s = tb_xcalloc(1, sizeof *s);
    zip_error_init(&s->error);
    src = zip_source_function(za, packed_cb, s);
    if (!src) {
      zip_error_fini(&s->error);
      free(s); /* p->data is still ours */
      return zip_fail(err, zip_get_error(za), path, p->name);
    }
    s->part = *p;
  } else if (p->len == 0) {
    /* libzip keeps no buffer of length 0, so it would never free one (LeakSanitizer, an empty
     * stylesheet): an empty entry gets no buffer. */
    src = zip_source_buffer(za, NULL, 0, 0);
    if (!src)
      return zip_fail(err, zip_get_error(za), path, p->name);
    free(p->data);
  } else {
    src = zip_source_buffer(za, p->data, p->len, /*freep*/ 1);
    if (!src)
      return zip_fail(err, zip_get_error(za), path, p->name); /* p->data is still ours */
  }
  p->data = NULL;
  zip_int64_t idx = zip_file_add(za, p->name, src, 0);
  if (idx < 0) {
    zip_source_free(src); /* zip_file_add consumes the source only on success */
    return zip_fail(err, zip_get_error(za), path, p->name);
  }
  zip_uint64_t i = (zip_uint64_t)idx;
  /* TB_DEFLATE_LEVEL (above): the level is part of the bytes, and of the entry's flags */
  if (zip_set_file_compression(za, i, p->store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                               p->store ? 0 : TB_DEFLATE_LEVEL) < 0 ||
      zip_file_set_dostime(za, i, dtime, ddate, 0) < 0)
    return zip_fail(err, zip_get_error(za), path, p->name);
  return 0;
}

/* Writes the archive in mem to path (created or truncated); removes what it wrote on failure. */
static int save(zip_source_t *mem, const char *path, tb_error *err) {
  zip_stat_t st;
  if (zip_source_stat(mem, &st) < 0 || zip_source_open(mem) < 0)
    return zip_fail(err, zip_source_error(mem), path, "cannot write EPUB");
  FILE *f = fopen(path, "wb");
  if (!f) {
    int e = errno;
    zip_source_close(mem);
    return tb_error_set(err, TB_ERR_IO, path, 0, 0, "cannot create EPUB: %s", strerror(e));
  }
  char chunk[65536];
  zip_int64_t n;
  int e = 0;
  while ((n = zip_source_read(mem, chunk, sizeof chunk)) > 0)
    if (fwrite(chunk, 1, (size_t)n, f) != (size_t)n) {
      e = errno;
      break;
    }
  zip_source_close(mem);
  if (fflush(f) != 0 && !e)
    e = errno;
  if (fclose(f) != 0 && !e)
    e = errno;
  if (n < 0 || e) {
    (void)unlink(path);
    if (n < 0 && !e)
      return zip_fail(err, zip_source_error(mem), path, "cannot write EPUB");
    return tb_error_set(err, TB_ERR_IO, path, 0, 0, "cannot write EPUB: %s", strerror(e ? e : EIO));
  }
  return 0;
}

int tb_epub_zip_write(tb_epub_part *parts, size_t n, long long epoch, const char *path, tb_error *err) {
  int rc = -1;
  zip_t *za = NULL;
  zip_source_t *mem = NULL;
  zip_uint16_t dtime, ddate;
  dos_time(epoch, &dtime, &ddate);

  /* In the rare zone where that wall time does not exist, libzip must see UTC instead (restored
   * below): the bytes may not depend on the time zone. */
  char *saved_tz = NULL;
  bool tz_changed = false;
  if (!dos_time_survives(dtime, ddate)) {
    const char *tz = getenv("TZ");
    saved_tz = tz ? tb_xstrdup(tz) : NULL;
    setenv("TZ", "UTC0", 1);
    tzset();
    tz_changed = true;
  }

  /* The archive is made in memory and then written out. A file of libzip's would be a temporary
   * file of its own beside the output, renamed at zip_close: naming it costs libzip an OpenSSL
   * random generator (a third of the writer's time for a 50-chapter book), and a signal would
   * leave it behind. The entries are in memory already, and deflated: this doubles little. */
  zip_error_t ze;
  zip_error_init(&ze);
  mem = zip_source_buffer_create(NULL, 0, 0, &ze);
  if (mem)
    zip_source_keep(mem); /* zip_close would free it: its bytes are read after */
  za = mem ? zip_open_from_source(mem, ZIP_CREATE | ZIP_TRUNCATE, &ze) : NULL;
  if (!za) {
    zip_fail(err, &ze, path, "cannot create EPUB");
    zip_error_fini(&ze);
    goto fail;
  }
  zip_error_fini(&ze);
  for (size_t i = 0; i < n; i++)
    if (add_entry(za, &parts[i], dtime, ddate, path, err) < 0)
      goto fail;
  if (zip_close(za) < 0) {
    zip_fail(err, zip_get_error(za), path, "cannot write EPUB");
    goto fail; /* za is still open: discarded below */
  }
  za = NULL;
  rc = save(mem, path, err);
fail:
  if (za)
    zip_discard(za);
  if (mem)
    zip_source_free(mem);
  if (tz_changed) {
    if (saved_tz)
      setenv("TZ", saved_tz, 1);
    else
      unsetenv("TZ");
    tzset();
    free(saved_tz);
  }
  return rc;
}
