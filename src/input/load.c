// load.c -- read sources, validate them, and build one tb_doc (front matter + Markdown).
#define _POSIX_C_SOURCE 200809L /* pthread_sigmask in util/thread.h */
#include "input/load.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <uuid/uuid.h>

#include "input/frontmatter.h"
#include "input/image.h"
#include "input/lang.h"
#include "input/limits.h"
#include "input/markdown.h"
#include "util/utf8.h"
#include "util/thread.h"

/* Reads a whole regular file (at most TB_MAX_SOURCE_BYTES). */
static char *read_file(const char *path, size_t *len, tb_error *err) {
  /* O_NONBLOCK: opening a FIFO must not wait for a writer; only regular files are read */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    tb_error_set(err, TB_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    tb_error_set(err, TB_ERR_INPUT, path, 0, 0, "not a regular file");
    return NULL;
  }
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    close(fd);
    tb_error_set(err, TB_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    return NULL;
  }
  if ((unsigned long long)st.st_size > TB_MAX_SOURCE_BYTES) {
    (void)fclose(f);
    tb_error_set(err, TB_ERR_LIMIT, path, 0, 0, "source is %lld bytes; the limit is %u bytes",
                 (long long)st.st_size, TB_MAX_SOURCE_BYTES);
    return NULL;
  }
  /* one allocation of the size fstat gives (a source that grows meanwhile is cut at a
   * limit check, never read without end) */
  size_t cap = (size_t)st.st_size + 1;
  char *data = tb_xmalloc(cap + 1);
  size_t got = 0, n;
  while ((n = fread(data + got, 1, cap - got, f)) > 0) {
    got += n;
    if (got == cap)
      break;
  }
  int bad = ferror(f);
  (void)fclose(f);
  if (bad) {
    free(data);
    tb_error_set(err, TB_ERR_IO, path, 0, 0, "read error");
    return NULL;
  }
  if (got > TB_MAX_SOURCE_BYTES || got == cap) {
    free(data);
    tb_error_set(err, TB_ERR_LIMIT, path, 0, 0, "source is larger than %u bytes (or grew while read)",
                 TB_MAX_SOURCE_BYTES);
    return NULL;
  }
  data[got] = 0;
  *len = got;
  return data;
}

/* Printable ASCII other than the characters validate() counts: needs no decoding and no check. */
static inline bool plain_byte(unsigned char c) {
  return c > 0x20 && c < 0x7F && c != '[' && c != '<' && c != '|';
}

/* Checks the bytes: no NUL, valid UTF-8, and counts bracket openers (limits.h). Line and column
 * (in characters, 1-based) of the first problem go into err. */
static int validate(const char *path, const char *s, size_t len, tb_error *err) {
  int line = 1, col = 1;
  /* the quadratic cases live inside one paragraph's inlines: '[' and '<!' are counted per
   * paragraph (a blank line ends one), '|' per line */
  size_t brackets = 0, pipes = 0, openers = 0;
  bool blank = true;
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)s[i];
    if (plain_byte(c)) { /* the common case, a run of printable ASCII that counts nothing */
      size_t j = i + 1;
      while (j < len && plain_byte((unsigned char)s[j]))
        j++;
      col += (int)(j - i);
      blank = false;
      i = j;
      continue;
    }
    if (c == 0)
      return tb_error_set(err, TB_ERR_UTF8, path, line, col, "NUL byte in source (binary file?)");
    size_t k = tb_utf8_strict((const unsigned char *)s + i, len - i, NULL);
    if (!k)
      return tb_error_set(err, TB_ERR_UTF8, path, line, col, "invalid UTF-8 (byte 0x%02X)", c);
    if (c == '[' && ++brackets > TB_MAX_BRACKETS)
      return tb_error_set(err, TB_ERR_LIMIT, path, line, col,
                          "more than %d '[' in one paragraph (a pathological input for the Markdown parser)",
                          TB_MAX_BRACKETS);
    if (c == '<' && i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '?') && ++openers > TB_MAX_HTML_OPENERS)
      return tb_error_set(
          err, TB_ERR_LIMIT, path, line, col,
          "more than %d '<!' or '<?' in one paragraph (a pathological input for the Markdown parser)",
          TB_MAX_HTML_OPENERS);
    if (c == '|' && ++pipes > TB_MAX_PIPES_PER_LINE)
      return tb_error_set(err, TB_ERR_LIMIT, path, line, col,
                          "more than %d '|' on one line (a pathological input for the table parser)",
                          TB_MAX_PIPES_PER_LINE);
    if (c == '\n') {
      if (blank)
        brackets = openers = 0;
      blank = true;
      line++;
      col = 1;
      pipes = 0;
    } else {
      if (c != ' ' && c != '\t' && c != '\r')
        blank = false;
    }
    if (c != '\n')
      col++;
    i += k;
  }
  return 0;
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return tb_xstrdup(".");
  if (slash == path)
    return tb_xstrdup("/");
  return tb_xstrndup(path, (size_t)(slash - path));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

/* The book's time: SOURCE_DATE_EPOCH, else the front matter's date, else 1980-01-01. */
static int set_epoch(tb_doc *doc, tb_error *err) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    char *end;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (*end || errno || v < 0 || v > 253402300799LL)
      return tb_error_set(err, TB_ERR_USAGE, NULL, 0, 0,
                          "SOURCE_DATE_EPOCH must be a number of seconds (got '%.40s')", sde);
    doc->epoch = v;
    return 0;
  }
  int y, m, d;
  if (doc->meta.date && tb_date_parse(doc->meta.date, &y, &m, &d))
    doc->epoch = days_from_civil(y, m, d) * 86400;
  return 0;
}

/* The identifier: `identifier` from the front matter, else a UUID v5 of the sources' bytes. */
/* Our own namespace UUID, fixed forever: changing it changes every book's identifier. */
static const uuid_t tb_ns = {0x6b, 0x1f, 0x3a, 0x52, 0x8e, 0x0d, 0x4c, 0x1e,
                             0x9a, 0x35, 0x2f, 0x7c, 0x11, 0x5d, 0xa0, 0x42};

/* The identifier: `identifier` from the front matter, else a UUID v5 of the sources' bytes:
 * each source's own UUID v5 (taken while its text is in memory, so no copy of the whole book
 * is kept), then one over those in order. Paths never count: the same book exported from
 * another folder keeps its identifier. */
static void set_uuid(tb_doc *doc, const tb_buf *digests) {
  if (doc->meta.identifier) {
    doc->uuid = doc->meta.identifier;
    return;
  }
  uuid_t u;
  char s[37], urn[64];
  uuid_generate_sha1(u, tb_ns, digests->data ? digests->data : "", digests->len);
  uuid_unparse_lower(u, s);
  (void)snprintf(urn, sizeof urn, "urn:uuid:%s", s);
  doc->uuid = tb_doc_strdup(doc, urn);
}

/* A source's UUID v5 (SHA-1 of its bytes, 7% of a 50-chapter EPUB export), taken on a thread of
 * its own while the same bytes are parsed: both only read them. Below DIGEST_THREAD_MIN bytes a
 * thread costs more than it saves. */
#define DIGEST_THREAD_MIN 65536

typedef struct digest_job {
  const char *s;
  size_t len;
  uuid_t out;
} digest_job;

static void *digest_main(void *arg) {
  digest_job *d = arg;
  uuid_generate_sha1(d->out, tb_ns, d->s, d->len);
  return NULL;
}

/* What a load is asked for besides the sources: -M KEY=VALUE overrides of the first file's
 * metadata. */
typedef struct load_opts {
  const char *const *meta_args;
  size_t nmeta;
} load_opts;

static int import_one(tb_doc *doc, const char *path, const char *dir, const char *s, size_t len, bool first,
                      bool split, const load_opts *lo, tb_error *err);

/* Loads one source's text into doc. first: its metadata is the book's. */
static int load_one(tb_doc *doc, const char *path, const char *dir, char *data, size_t len, bool first,
                    bool split, const load_opts *lo, tb_buf *all, tb_error *err) {
  const char *s = data;
  /* A byte-order mark is allowed and dropped. */
  if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) {
    s += 3;
    len -= 3;
  }
  if (len == 0)
    return tb_error_set(err, TB_ERR_INPUT, path, 0, 0, "empty file: nothing to export");
  digest_job digest = {s, len, {0}};
  tb_task task;
  tb_task_run(&task, digest_main, &digest, len >= DIGEST_THREAD_MIN);
  int rc = import_one(doc, path, dir, s, len, first, split, lo, err);
  tb_task_join(&task);
  tb_buf_put(all, digest.out, sizeof digest.out);
  return rc;
}

/* The title of a file with neither a title nor an opening heading: its name without the folder
 * and the extension, '-' and '_' read as spaces ("getting-started.md": "getting started"). */
static const char *title_of_name(tb_doc *doc, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  char *t = tb_xstrndup(base, n);
  for (char *p = t; *p; p++)
    if (*p == '-' || *p == '_')
      *p = ' ';
  const char *r = tb_doc_strdup(doc, *t ? t : "untitled");
  free(t);
  return r;
}

/* A book without lang: its first file's text decides between Malay and English (input/lang.h),
 * and the choice is told on stderr in one line, with how to make it. Later files without their
 * own lang take the book's (one book, one language: a chapter in another language says so). */
static void guess_lang(tb_meta *meta, const char *path, const char *body, size_t len) {
  int ms = 0, en = 0;
  meta->lang = tb_lang_guess(body, len, &ms, &en);
  meta->lang_guessed = true;
  if (ms == en) /* no sign either way (a text of no common words): the default */
    tb_note(path, "no 'lang' given and the text does not tell; taking Malay (ms): set 'lang: ...' in the "
                  "front matter or -M lang=... to choose");
  else
    tb_note(path,
            "no 'lang' given; the text reads as %s (%s): set 'lang: %s' in the front matter or -M lang=%s to "
            "choose",
            en > ms ? "English" : "Malay", meta->lang, meta->lang, meta->lang);
}

static int import_one(tb_doc *doc, const char *path, const char *dir, const char *s, size_t len, bool first,
                      bool split, const load_opts *lo, tb_error *err) {
  if (validate(path, s, len, err))
    return -1;
  tb_meta scratch = {0};
  tb_meta *meta = first ? &doc->meta : &scratch;
  size_t body_off = 0;
  int body_line = 1;
  if (tb_frontmatter_parse(doc, meta, path, s, len, &body_off, &body_line, err))
    return -1;
  /* -M overrides the first file's front matter, with the same checks */
  for (size_t i = 0; first && lo && i < lo->nmeta; i++)
    if (tb_meta_apply_arg(doc, meta, lo->meta_args[i], err))
      return -1;
  if (first && !meta->lang_given)
    guess_lang(meta, path, s + body_off, len - body_off);
  /* The cover goes through the same rules as any image: inside the source's folder, a real
   * PNG or JPEG within the limits; otherwise a warning and the drawn cover. */
  if (first && meta->cover) {
    tb_node *img = tb_node_new(doc, TB_NODE_IMAGE);
    img->as.link.url = meta->cover;
    img->line = 1;
    img->col = 1;
    tb_image_resolve(doc, img, path, dir);
    meta->cover = img->image.path;
    doc->has_images = false; /* the cover is not an image of the text */
  }
  /* A book's first file that holds only front matter gives the book its metadata and title
   * page, and is no chapter: no empty page, no entry in the contents or the spine. */
  if (first && !split) {
    size_t i = body_off;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
      i++;
    if (i == len)
      return 0;
  }
  tb_md_source src = {
      .path = tb_doc_strdup(doc, path),
      .dir = dir,
      .body = s + body_off,
      .len = len - body_off,
      .line_offset = body_line - 1,
      /* a later file of a book without its own lang is in the book's language, not "ms" */
      .lang = first || meta->lang_given ? meta->lang : doc->meta.lang,
      .title = meta->title,
      .fallback = title_of_name(doc, path),
      .split = split,
  };
  const char *title = NULL;
  /* GitHub's ids within this file alone, for links from other files ("this.md#frag") */
  tb_slugger_free(&doc->file_slugger);
  doc->file_slugs = !first;
  int rc = tb_markdown_import(doc, &src, &title, err);
  doc->file_slugs = false;
  if (first)
    meta->title = title;
  return rc;
}

/* A link to another file of the book: "other.md", "./other.md#frag", "sub/other.md#frag",
 * relative to the linking file's folder. Goes to that file's heading whose GitHub id in its own
 * page is frag, else to the file's first heading. A .md file outside the book keeps its text
 * (no backend can follow it) and gets a warning. Returns the heading, or -1. */
static int resolve_file_link(tb_doc *doc, const tb_chapter *from, const tb_node *n, char **real,
                             size_t nsources, const char **source) {
  const char *url = n->as.link.url;
  if (strchr(url, ':') || url[0] == '/' || url[0] == '#' || url[0] == '?')
    return -1; /* a scheme, an absolute path, or the same file */
  const char *hash = strchr(url, '#');
  size_t plen = hash ? (size_t)(hash - url) : strlen(url);
  if (!(plen > 3 && !memcmp(url + plen - 3, ".md", 3)) &&
      !(plen > 9 && !memcmp(url + plen - 9, ".markdown", 9)))
    return -1;
  char *dir = dir_of(from->source);
  size_t n_path = strlen(dir) + plen + 2;
  char *path = tb_xmalloc(n_path);
  (void)snprintf(path, n_path, "%s/%.*s", dir, (int)plen, url);
  char *rp = realpath(path, NULL);
  free(dir);
  free(path);
  size_t si = nsources;
  for (size_t i = 0; rp && i < nsources; i++)
    if (real[i] && !strcmp(real[i], rp))
      si = i;
  free(rp);
  if (si == nsources) {
    tb_warn(from->source, n->line, n->col, "link to '%.200s', a file outside the book: its text is kept",
            url);
    return -1;
  }
  const char *frag = hash && hash[1] ? hash + 1 : NULL;
  for (size_t h = 0; h < doc->nheadings; h++) {
    const tb_heading *hd = &doc->headings[h];
    if (doc->chapters[hd->chapter].source == source[si] && (!frag || !strcmp(hd->file_slug, frag)))
      return (int)h;
  }
  tb_warn(from->source, n->line, n->col, "link target '%.200s' matches no heading of that file", url);
  return -1;
}

/* Internal links "#id" point at headings anywhere in the book; "other.md#id" at a heading of
 * another file of the book (resolve_file_link). */
static void resolve_links(tb_doc *doc) {
  /* the book's files, each once (a file's chapters share its source string), and their real
   * paths, made only when some link names a file */
  const char **source = NULL;
  char **real = NULL;
  size_t nsources = 0;
  bool file_links = false;
  for (size_t ci = 0; ci < doc->nchapters && !file_links; ci++) {
    tb_iter it;
    tb_iter_init(&it, doc->chapters[ci].root);
    tb_event ev;
    while (!file_links && (ev = tb_iter_next(&it)) != TB_EVENT_DONE)
      file_links = ev == TB_EVENT_ENTER && it.cur->type == TB_NODE_LINK && it.cur->as.link.url &&
                   (strstr(it.cur->as.link.url, ".md") || strstr(it.cur->as.link.url, ".markdown"));
  }
  if (file_links) {
    source = tb_xcalloc(doc->nchapters, sizeof *source);
    real = tb_xcalloc(doc->nchapters, sizeof *real);
    for (size_t ci = 0; ci < doc->nchapters; ci++)
      if (!nsources || source[nsources - 1] != doc->chapters[ci].source) {
        source[nsources] = doc->chapters[ci].source;
        real[nsources++] = realpath(doc->chapters[ci].source, NULL);
      }
  }
  for (size_t ci = 0; ci < doc->nchapters; ci++) {
    tb_iter it;
    tb_iter_init(&it, doc->chapters[ci].root);
    tb_event ev;
    while ((ev = tb_iter_next(&it)) != TB_EVENT_DONE) {
      tb_node *n = (tb_node *)it.cur;
      if (ev != TB_EVENT_ENTER || n->type != TB_NODE_LINK || !n->as.link.url)
        continue;
      if (n->as.link.url[0] != '#') {
        if (nsources)
          n->as.link.heading = resolve_file_link(doc, &doc->chapters[ci], n, real, nsources, source);
        continue;
      }
      n->as.link.heading = tb_doc_find_heading(doc, n->as.link.url + 1);
      if (n->as.link.heading < 0)
        tb_warn(doc->chapters[ci].source, n->line, n->col, "link target '%.200s' matches no heading",
                n->as.link.url);
    }
  }
  for (size_t i = 0; i < nsources; i++)
    free(real[i]);
  free(real);
  free(source);
}

static tb_doc *finish(tb_doc *doc, tb_buf *all, tb_error *err) {
  if (!tb_error_is_set(err) && set_epoch(doc, err) == 0) {
    set_uuid(doc, all);
    resolve_links(doc);
    bool text = false;
    for (size_t c = 0; c < doc->nchapters && !text; c++)
      text = doc->chapters[c].root->first != NULL;
    if (!text)
      tb_warn(doc->nchapters ? doc->chapters[0].source : NULL, 0, 0,
              "no text after the title: the book is its title page and one empty page");
  }
  tb_buf_free(all);
  if (tb_error_is_set(err)) {
    tb_doc_free(doc);
    return NULL;
  }
#ifndef NDEBUG
  if (tb_doc_check(doc))
    abort();
#endif
  return doc;
}

tb_doc *tb_load_files(const char *const *paths, size_t n, tb_error *err) {
  return tb_load_files_meta(paths, n, NULL, 0, err);
}

tb_doc *tb_load_files_meta(const char *const *paths, size_t n, const char *const *meta_args, size_t nmeta,
                           tb_error *err) {
  load_opts lo = {meta_args, nmeta};
  if (n == 0 || n > TB_MAX_SOURCES) {
    tb_error_set(err, TB_ERR_USAGE, NULL, 0, 0, "between 1 and %d sources, please", TB_MAX_SOURCES);
    return NULL;
  }
  tb_doc *doc = tb_doc_new();
  doc->nsources = n;
  tb_buf all = {0};
  for (size_t i = 0; i < n && !tb_error_is_set(err); i++) {
    size_t len = 0;
    char *data = read_file(paths[i], &len, err);
    if (!data)
      break;
    char *dir = dir_of(paths[i]);
    if (i == 0)
      doc->base_dir = tb_doc_strdup(doc, dir);
    load_one(doc, paths[i], tb_doc_strdup(doc, dir), data, len, i == 0, n == 1, &lo, &all, err);
    free(dir);
    free(data);
  }
  return finish(doc, &all, err);
}

tb_doc *tb_load_memory(const char *name, const char *dir, const char *data, size_t len, tb_error *err) {
  tb_doc *doc = tb_doc_new();
  doc->nsources = 1;
  tb_buf all = {0};
  if (len > TB_MAX_SOURCE_BYTES)
    tb_error_set(err, TB_ERR_LIMIT, name, 0, 0, "source is larger than %u bytes", TB_MAX_SOURCE_BYTES);
  else {
    char *copy = tb_xstrndup(data, len);
    doc->base_dir = dir ? tb_doc_strdup(doc, dir) : NULL;
    load_one(doc, name, dir ? tb_doc_strdup(doc, dir) : NULL, copy, len, true, true, NULL, &all, err);
    free(copy);
  }
  return finish(doc, &all, err);
}
