// output.c -- atomic outputs: a temporary file beside each target, renamed into place; signal
// handlers that remove what an interrupted export made.
#include "util/output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tb_output {
  char tmp[PATH_MAX + 64]; /* the temporary file, or "" (the signal handler reads it) */
  char target[PATH_MAX];
  bool open;
};

static tb_output outputs[TB_OUTPUT_MAX];

/* The folders this export made (the handler reads them): made_dir is the deepest, and its first
 * made_end[i] bytes name the i-th made, shallowest first ("a/b/c" made from "a": ends 3 and 5).
 * A folder needs at least two bytes of the path ("x/"), so PATH_MAX / 2 ends are always enough. */
static char made_dir[PATH_MAX];
static unsigned short made_end[PATH_MAX / 2 + 1];
static size_t nmade;

/* Removes the folders made, deepest first, each only if nothing landed in it (then its parents
 * are not empty either), and forgets them. Async-signal-safe: it cuts made_dir in place, with
 * rmdir only. */
static void remove_made(void) {
  for (size_t i = nmade; i-- > 0;) {
    made_dir[made_end[i]] = 0;
    if (rmdir(made_dir) != 0)
      break;
  }
  nmade = 0;
  made_dir[0] = 0;
}

/* Async-signal-safe: unlink, rmdir, signal and raise only, on paths that are written with every
 * signal blocked (block_signals), so the handler never sees half a path. */
static void on_signal(int sig) {
  for (int i = 0; i < TB_OUTPUT_MAX; i++)
    if (outputs[i].tmp[0])
      unlink(outputs[i].tmp);
  remove_made();
  /* in the handler nothing is left to do if these fail */
  (void)signal(sig, SIG_DFL);
  (void)raise(sig);
}

void tb_output_install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGQUIT, &sa, NULL);
  /* out of memory is an abort() (util/mem.c): its temporary files go too. Crash signals are left
   * alone, so that a sanitizer's report, or a core, shows where the crash was. */
  sigaction(SIGABRT, &sa, NULL);
  /* a file-size limit must fail the write, not kill us before we clean up */
  (void)signal(SIGXFSZ, SIG_IGN);
}

/* What the handler reads is written with every signal blocked: it never sees half a path. */
static void block_signals(sigset_t *old) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, old);
}

static void restore_signals(const sigset_t *old) { sigprocmask(SIG_SETMASK, old, NULL); }

bool tb_output_is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Makes the folder path (cut at end bytes) with signals blocked, and records it as made, so that
 * no signal finds it made and not recorded. The first one made records the whole path. */
static int make_level(const char *path, size_t end, tb_error *err) {
  char level[PATH_MAX];
  (void)snprintf(level, sizeof level, "%.*s", (int)end, path); /* fits: path does */
  if (tb_output_is_dir(level))
    return 0;
  sigset_t old;
  block_signals(&old);
  int rc = mkdir(level, 0777), e = errno;
  if (rc == 0) {
    if (nmade == 0)
      (void)snprintf(made_dir, sizeof made_dir, "%s", path); /* fits: checked by the caller */
    made_end[nmade++] = (unsigned short)end;
  }
  restore_signals(&old);
  if (rc != 0 && e == EEXIST && tb_output_is_dir(level))
    return 0; /* made meanwhile, by someone else: not ours to remove */
  if (rc != 0)
    return tb_error_set(err, TB_ERR_IO, level, 0, 0, "cannot create folder: %s",
                        e == EEXIST ? "it exists and is not a folder" : strerror(e));
  return 0;
}

int tb_output_make_folder(const char *dir, tb_error *err) {
  if (tb_output_is_dir(dir))
    return 0;
  char path[PATH_MAX];
  size_t n = strlen(dir);
  if (n >= sizeof path) /* it could not be removed again */
    return tb_error_set(err, TB_ERR_IO, dir, 0, 0, "cannot create folder: %s", strerror(ENAMETOOLONG));
  if (nmade > 0)
    return tb_error_set(err, TB_ERR_IO, dir, 0, 0,
                        "cannot create folder: another one was made for this export");
  memcpy(path, dir, n + 1);
  while (n > 1 && path[n - 1] == '/') /* "out/" is "out" */
    path[--n] = 0;
  /* each level, shallowest first: the end of every name that a '/' follows, then the whole */
  for (size_t i = 1; i <= n; i++)
    if ((i == n || path[i] == '/') && path[i - 1] != '/' && make_level(path, i, err) != 0)
      return -1; /* what was made is removed by tb_output_end(true) */
  return 0;
}

tb_output *tb_output_open(const char *target, const char *const *keep, size_t nkeep, tb_error *err) {
  struct stat st;
  if (lstat(target, &st) == 0 && !S_ISREG(st.st_mode)) {
    tb_error_set(err, TB_ERR_IO, target, 0, 0, "exists and is not a regular file; refusing to replace it");
    return NULL;
  }
  for (size_t i = 0; i < nkeep && lstat(target, &st) == 0; i++) {
    struct stat ss;
    if (stat(keep[i], &ss) == 0 && ss.st_dev == st.st_dev && ss.st_ino == st.st_ino) {
      tb_error_set(err, TB_ERR_USAGE, target, 0, 0, "is a source of this export; refusing to replace it");
      return NULL;
    }
  }
  char dir[PATH_MAX];
  const char *slash = strrchr(target, '/');
  const char *base = slash ? slash + 1 : target;
  if (slash)
    (void)snprintf(dir, sizeof dir, "%.*s", (int)(slash - target) ? (int)(slash - target) : 1, target);
  else
    (void)snprintf(dir, sizeof dir, ".");
  if (!tb_output_is_dir(dir)) {
    tb_error_set(err, TB_ERR_IO, target, 0, 0, "folder '%s' does not exist", dir);
    return NULL;
  }
  tb_output *out = NULL;
  for (int i = 0; i < TB_OUTPUT_MAX && !out; i++)
    if (!outputs[i].open)
      out = &outputs[i];
  if (!out) {
    tb_error_set(err, TB_ERR_IO, target, 0, 0, "more than %d outputs at once", TB_OUTPUT_MAX);
    return NULL;
  }
  /* no signal between the file's creation and its name's landing where the handler looks */
  sigset_t old;
  block_signals(&old);
  char *tp = out->tmp;
  int n = snprintf(tp, sizeof out->tmp, "%s/.%s.tmp-XXXXXX", dir, base);
  int m = snprintf(out->target, sizeof out->target, "%s", target);
  int fd = -1;
  if (n < 0 || (size_t)n >= sizeof out->tmp || m < 0 || (size_t)m >= sizeof out->target)
    errno = ENAMETOOLONG; /* cut, the name would lose its XXXXXX (or name another target) */
  else
    fd = mkstemp(tp);
  if (fd < 0)
    tp[0] = 0;
  restore_signals(&old);
  if (fd < 0) {
    tb_error_set(err, TB_ERR_IO, target, 0, 0, "cannot create a temporary file in '%s': %s", dir,
                 strerror(errno));
    return NULL;
  }
  fchmod(fd, 0644);
  close(fd);
  out->open = true;
  return out;
}

const char *tb_output_path(const tb_output *out) { return out->tmp; }

static void drop_temp(tb_output *out) {
  if (out->tmp[0]) {
    unlink(out->tmp);
    out->tmp[0] = 0;
  }
}

/* True when err's file is out's temporary file. tb_error keeps a copy of the path cut to the
 * size of its field: a cut copy is the temporary file too. */
static bool names_temp(const tb_output *out, const tb_error *err) {
  size_t n = strlen(err->file);
  return n > 0 && !strncmp(err->file, out->tmp, n) && (!out->tmp[n] || n == sizeof err->file - 1);
}

/* Flushes the finished temporary file to disk and renames it over the target. */
static int commit_temp(tb_output *out, tb_error *err) {
  const char *target = out->target;
  int fd = open(out->tmp, O_RDONLY);
  if (fd < 0 || fsync(fd) != 0) {
    if (fd >= 0)
      close(fd);
    drop_temp(out);
    return tb_error_set(err, TB_ERR_IO, target, 0, 0, "cannot flush the output: %s", strerror(errno));
  }
  close(fd);
  struct stat st;
  if (lstat(target, &st) == 0 && !S_ISREG(st.st_mode)) {
    drop_temp(out);
    return tb_error_set(err, TB_ERR_IO, target, 0, 0,
                        "exists and is not a regular file; refusing to replace it");
  }
  if (rename(out->tmp, target) != 0) {
    int e = errno;
    drop_temp(out);
    return tb_error_set(err, TB_ERR_IO, target, 0, 0, "cannot rename into place: %s", strerror(e));
  }
  out->tmp[0] = 0;
  return 0;
}

int tb_output_finish(tb_output *out, int rc, tb_error *err) {
  if (!out)
    return -1;
  int r = -1;
  if (rc == 0)
    r = commit_temp(out, err);
  else {
    /* errors raised while writing the temporary file name the target the user asked for */
    if (tb_error_is_set(err) && names_temp(out, err))
      (void)snprintf(err->file, sizeof err->file, "%.*s", (int)sizeof err->file - 1, out->target); /* cut */
    drop_temp(out);
  }
  out->open = false;
  return r;
}

void tb_output_end(bool failed) {
  for (int i = 0; i < TB_OUTPUT_MAX; i++) {
    drop_temp(&outputs[i]); /* what is left was not written */
    outputs[i].open = false;
  }
  sigset_t old;
  block_signals(&old); /* the handler never sees the record half cut */
  if (failed)
    remove_made();
  nmade = 0;
  made_dir[0] = 0;
  restore_signals(&old);
}
