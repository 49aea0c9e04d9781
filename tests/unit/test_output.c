// test_output.c -- atomic outputs (util/output.c): the temporary file beside its target, the
// rename on success, nothing left behind on failure, an abort or a signal, and targets refused.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/error.h"
#include "util/output.h"

static char dir[PATH_MAX]; /* a fresh folder per test */

/* Removes p and, if a folder, what is in it (symbolic links are not followed). */
static int rm_tree(const char *p) {
  struct stat st;
  if (lstat(p, &st) != 0)
    return -1;
  if (S_ISDIR(st.st_mode)) {
    DIR *dh = opendir(p);
    if (!dh)
      return -1;
    for (struct dirent *e; (e = readdir(dh));) {
      char sub[PATH_MAX * 2];
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
        continue;
      (void)snprintf(sub, sizeof sub, "%s/%s", p, e->d_name);
      (void)rm_tree(sub);
    }
    (void)closedir(dh);
  }
  return remove(p);
}

static int setup(void **state) {
  (void)state;
  const char *t = getenv("TMPDIR");
  (void)snprintf(dir, sizeof dir, "%s/terbit-output-XXXXXX", t && *t ? t : "/tmp");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  tb_output_end(false);
  return rm_tree(dir);
}

static void path_in(char *buf, size_t n, const char *name) {
  int k = snprintf(buf, n, "%s/%s", dir, name);
  assert_true(k > 0 && (size_t)k < n);
}

static void put_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

/* The file's content ("" when missing), up to 255 bytes. */
static const char *content(const char *path) {
  static char buf[256];
  buf[0] = 0;
  FILE *f = fopen(path, "rb");
  if (f) {
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    (void)fclose(f);
  }
  return buf;
}

/* How many entries of folder d (not . and ..): every test knows what it left there. */
static int entries(const char *d) {
  DIR *dh = opendir(d);
  if (!dh)
    return -1;
  int n = 0;
  for (struct dirent *e; (e = readdir(dh));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      n++;
  (void)closedir(dh);
  return n;
}

static bool exists(const char *p) {
  struct stat st;
  return lstat(p, &st) == 0;
}

static void test_commit_replaces_target(void **state) {
  (void)state;
  char target[PATH_MAX + 16];
  path_in(target, sizeof target, "buku.pdf");
  put_file(target, "old");
  tb_error err;
  tb_error_clear(&err);
  tb_output *out = tb_output_open(target, NULL, 0, &err);
  assert_non_null(out);
  assert_false(tb_error_is_set(&err));
  /* the module names the temporary file: hidden, in the target's folder, after the target */
  const char *tmp = tb_output_path(out);
  char want[PATH_MAX + 32];
  (void)snprintf(want, sizeof want, "%s/.buku.pdf.tmp-", dir);
  assert_int_equal(strncmp(tmp, want, strlen(want)), 0);
  assert_int_equal(strlen(tmp), strlen(want) + 6);
  struct stat st;
  assert_int_equal(stat(tmp, &st), 0);
  assert_true(S_ISREG(st.st_mode) && st.st_size == 0);
  assert_int_equal(st.st_mode & 0777, 0644);
  assert_string_equal(content(target), "old"); /* untouched until the commit */
  put_file(tmp, "new");
  assert_int_equal(tb_output_finish(out, 0, &err), 0);
  assert_false(tb_error_is_set(&err));
  assert_string_equal(content(target), "new");
  assert_int_equal(entries(dir), 1); /* the target alone */
}

/* A target without a folder in its name gets its temporary file in the current folder. */
static void test_target_in_current_folder(void **state) {
  (void)state;
  char cwd[PATH_MAX];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(dir), 0);
  tb_error err;
  tb_error_clear(&err);
  tb_output *out = tb_output_open("here.epub", NULL, 0, &err);
  assert_non_null(out);
  assert_int_equal(strncmp(tb_output_path(out), "./.here.epub.tmp-", 17), 0);
  assert_int_equal(tb_output_finish(out, 0, &err), 0);
  assert_int_equal(chdir(cwd), 0);
  char target[PATH_MAX + 16];
  path_in(target, sizeof target, "here.epub");
  assert_true(exists(target));
  assert_int_equal(entries(dir), 1);
}

/* The writer failed: the target keeps its bytes, the temporary file goes, and the error that
 * named the temporary file names the target. */
static void test_failure_keeps_target(void **state) {
  (void)state;
  char target[PATH_MAX + 16];
  path_in(target, sizeof target, "buku.epub");
  put_file(target, "KNOWN BYTES");
  tb_error err;
  tb_error_clear(&err);
  tb_output *out = tb_output_open(target, NULL, 0, &err);
  assert_non_null(out);
  put_file(tb_output_path(out), "half an archive");
  tb_error_set(&err, TB_ERR_IO, tb_output_path(out), 0, 0, "cannot write EPUB: No space left on device");
  assert_int_equal(tb_output_finish(out, -1, &err), -1);
  assert_string_equal(err.file, target);
  assert_string_equal(err.msg, "cannot write EPUB: No space left on device");
  assert_string_equal(content(target), "KNOWN BYTES");
  assert_int_equal(entries(dir), 1);
}

/* Only the temporary file is renamed in an error: an image whose name happens to hold ".tmp-"
 * keeps its name (main.c once matched any ".tmp-"). */
static void test_other_files_keep_their_name(void **state) {
  (void)state;
  char target[PATH_MAX + 16];
  path_in(target, sizeof target, "buku.pdf");
  tb_error err;
  tb_error_clear(&err);
  tb_output *out = tb_output_open(target, NULL, 0, &err);
  assert_non_null(out);
  tb_error_set(&err, TB_ERR_IMAGE, "gambar.tmp-1.png", 3, 1, "not a PNG");
  assert_int_equal(tb_output_finish(out, -1, &err), -1);
  assert_string_equal(err.file, "gambar.tmp-1.png");
  assert_int_equal(err.line, 3);
  assert_int_equal(entries(dir), 0);
}

/* A temporary file's path longer than tb_error's field is cut there: still the target's. */
static void test_cut_temp_path_names_target(void **state) {
  (void)state;
  tb_error err;
  /* folders down to 400 bytes (whatever TMPDIR's length), then a name that makes 505 */
  char sub[PATH_MAX];
  (void)snprintf(sub, sizeof sub, "%s", dir);
  while (strlen(sub) < 400) {
    size_t len = strlen(sub), add = 400 - len < 200 ? 400 - len : 200;
    sub[len] = '/';
    memset(sub + len + 1, 'd', add);
    sub[len + 1 + add] = 0;
    assert_int_equal(mkdir(sub, 0777), 0);
  }
  size_t room = 505 - strlen(sub) - 1 - 4;
  assert_true(room > 0 && room < 250);
  char name[256];
  memset(name, 'n', room);
  memcpy(name + room, ".pdf", 5);
  char target[PATH_MAX];
  int k = snprintf(target, sizeof target, "%s/%s", sub, name);
  assert_int_equal(k, 505);
  tb_error_clear(&err);
  tb_output *out = tb_output_open(target, NULL, 0, &err);
  assert_non_null(out);
  assert_true(strlen(tb_output_path(out)) >= sizeof err.file);
  tb_error_set(&err, TB_ERR_PDF, tb_output_path(out), 0, 0, "PDF library error");
  assert_int_equal(strlen(err.file), sizeof err.file - 1); /* cut */
  assert_int_equal(tb_output_finish(out, -1, &err), -1);
  assert_string_equal(err.file, target);
  assert_int_equal(entries(sub), 0);
}

/* Between the open and the commit the target's name was taken by a folder: it stays. */
static void test_commit_refuses_what_is_not_a_file(void **state) {
  (void)state;
  char target[PATH_MAX + 16];
  path_in(target, sizeof target, "buku.pdf");
  tb_error err;
  tb_error_clear(&err);
  tb_output *out = tb_output_open(target, NULL, 0, &err);
  assert_non_null(out);
  assert_int_equal(mkdir(target, 0777), 0);
  assert_int_equal(tb_output_finish(out, 0, &err), -1);
  assert_int_equal(err.code, TB_ERR_IO);
  assert_string_equal(err.file, target);
  assert_string_equal(err.msg, "exists and is not a regular file; refusing to replace it");
  struct stat st;
  assert_int_equal(lstat(target, &st), 0);
  assert_true(S_ISDIR(st.st_mode));
  assert_int_equal(entries(dir), 1); /* the folder alone */
}

/* The temporary file vanished before the commit: an I/O error, and nothing is renamed. */
static void test_commit_of_a_lost_temp_fails(void **state) {
  (void)state;
  char target[PATH_MAX + 16];
  path_in(target, sizeof target, "buku.pdf");
  tb_error err;
  tb_error_clear(&err);
  tb_output *out = tb_output_open(target, NULL, 0, &err);
  assert_non_null(out);
  assert_int_equal(unlink(tb_output_path(out)), 0);
  assert_int_equal(tb_output_finish(out, 0, &err), -1);
  assert_int_equal(tb_error_exit_status(&err), 3);
  assert_string_equal(err.file, target);
  assert_non_null(strstr(err.msg, "cannot flush the output: "));
  assert_int_equal(entries(dir), 0);
  assert_int_equal(tb_output_finish(NULL, 0, &err), -1); /* nothing to finish */
}

/* A folder, a symbolic link (even to a regular file) and a FIFO are never replaced. */
static void test_refuses_what_is_not_a_regular_file(void **state) {
  (void)state;
  char folder[PATH_MAX + 16], link[PATH_MAX + 16], fifo[PATH_MAX + 16], file[PATH_MAX + 16];
  path_in(folder, sizeof folder, "folder.pdf");
  path_in(link, sizeof link, "link.pdf");
  path_in(fifo, sizeof fifo, "fifo.pdf");
  path_in(file, sizeof file, "precious.txt");
  assert_int_equal(mkdir(folder, 0777), 0);
  put_file(file, "precious");
  assert_int_equal(symlink(file, link), 0);
  assert_int_equal(mkfifo(fifo, 0644), 0);
  const char *targets[] = {folder, link, fifo};
  for (size_t i = 0; i < 3; i++) {
    tb_error err;
    tb_error_clear(&err);
    assert_null(tb_output_open(targets[i], NULL, 0, &err));
    assert_int_equal(err.code, TB_ERR_IO);
    assert_string_equal(err.file, targets[i]);
    assert_string_equal(err.msg, "exists and is not a regular file; refusing to replace it");
  }
  assert_string_equal(content(file), "precious");
  assert_int_equal(entries(dir), 4); /* no temporary file */
}

/* A target that is one of the sources (by another name too) is a usage error. */
static void test_refuses_a_source(void **state) {
  (void)state;
  char src[PATH_MAX + 16], alias[PATH_MAX + 16];
  path_in(src, sizeof src, "buku.md");
  path_in(alias, sizeof alias, "alias.md");
  put_file(src, "# Bab\n");
  assert_int_equal(link(src, alias), 0);
  const char *keep[] = {"/nonexistent/other.md", src};
  tb_error err;
  tb_error_clear(&err);
  assert_null(tb_output_open(alias, keep, 2, &err));
  assert_int_equal(err.code, TB_ERR_USAGE);
  assert_int_equal(tb_error_exit_status(&err), 2);
  assert_string_equal(err.file, alias);
  assert_string_equal(err.msg, "is a source of this export; refusing to replace it");
  assert_string_equal(content(src), "# Bab\n");
  assert_int_equal(entries(dir), 2);
}

static void test_missing_folder(void **state) {
  (void)state;
  char target[PATH_MAX + 16], sub[PATH_MAX + 16];
  path_in(target, sizeof target, "tiada/buku.pdf");
  path_in(sub, sizeof sub, "tiada");
  tb_error err;
  tb_error_clear(&err);
  assert_null(tb_output_open(target, NULL, 0, &err));
  assert_int_equal(err.code, TB_ERR_IO);
  char want[PATH_MAX + 64];
  (void)snprintf(want, sizeof want, "folder '%s' does not exist", sub);
  assert_string_equal(err.msg, want);
  assert_int_equal(entries(dir), 0);
}

/* An export that fails leaves neither its temporary files nor the folder it made. */
static void test_end_removes_temps_and_made_folder(void **state) {
  (void)state;
  char made[PATH_MAX + 16], pdf[PATH_MAX + 16], epub[PATH_MAX + 16], third[PATH_MAX + 16];
  path_in(made, sizeof made, "baru");
  path_in(pdf, sizeof pdf, "baru/buku.pdf");
  path_in(epub, sizeof epub, "baru/buku.epub");
  path_in(third, sizeof third, "baru/buku.txt");
  tb_error err;
  tb_error_clear(&err);
  assert_int_equal(tb_output_make_folder(made, &err), 0);
  assert_non_null(tb_output_open(pdf, NULL, 0, &err));
  assert_non_null(tb_output_open(epub, NULL, 0, &err));
  assert_int_equal(entries(made), 2);
  assert_null(tb_output_open(third, NULL, 0, &err)); /* TB_OUTPUT_MAX at once */
  assert_int_equal(err.code, TB_ERR_IO);
  tb_output_end(true);
  assert_false(exists(made));
  assert_int_equal(entries(dir), 0);
}

/* A folder is removed only if this export made it, and only if nothing landed in it. */
static void test_made_folder_kept_when_used(void **state) {
  (void)state;
  char made[PATH_MAX + 16], pdf[PATH_MAX + 16], epub[PATH_MAX + 16], old[PATH_MAX + 16];
  path_in(made, sizeof made, "baru");
  path_in(pdf, sizeof pdf, "baru/buku.pdf");
  path_in(epub, sizeof epub, "baru/buku.epub");
  path_in(old, sizeof old, "lama");
  tb_error err;
  tb_error_clear(&err);
  /* the PDF lands, the EPUB fails: the folder holds the PDF and stays */
  assert_int_equal(tb_output_make_folder(made, &err), 0);
  tb_output *p = tb_output_open(pdf, NULL, 0, &err);
  tb_output *e = tb_output_open(epub, NULL, 0, &err);
  assert_non_null(p);
  assert_non_null(e);
  assert_int_equal(tb_output_finish(p, 0, &err), 0);
  assert_int_equal(tb_output_finish(e, -1, &err), -1);
  tb_output_end(true);
  assert_true(exists(pdf));
  assert_false(exists(epub));
  assert_int_equal(entries(made), 1);
  /* a folder that was there already stays, empty or not */
  assert_int_equal(mkdir(old, 0777), 0);
  assert_int_equal(tb_output_make_folder(old, &err), 0);
  tb_output_end(true);
  assert_true(exists(old));
  /* a name taken by a file cannot be made a folder */
  char file[PATH_MAX + 16];
  path_in(file, sizeof file, "fail");
  put_file(file, "x");
  assert_int_equal(tb_output_make_folder(file, &err), -1);
  assert_int_equal(err.code, TB_ERR_IO);
  assert_non_null(strstr(err.msg, "cannot create folder: "));
}

/* A folder is made with its parents; each level made is removed again, deepest first, and only
 * those: a parent that was there stays. */
static void test_made_folders_all_levels(void **state) {
  (void)state;
  char top[PATH_MAX + 16], deep[PATH_MAX + 32], pdf[PATH_MAX + 48];
  path_in(top, sizeof top, "a");
  path_in(deep, sizeof deep, "a/b//c/"); /* doubled and trailing slashes name the same folders */
  path_in(pdf, sizeof pdf, "a/b/c/buku.pdf");
  tb_error err;
  tb_error_clear(&err);
  assert_int_equal(tb_output_make_folder(deep, &err), 0);
  assert_non_null(tb_output_open(pdf, NULL, 0, &err));
  tb_output_end(true);
  assert_false(exists(top));
  assert_int_equal(entries(dir), 0);

  /* "lama" is there: "lama/x" and "lama/x/y" are made, and only they go */
  char old[PATH_MAX + 16];
  path_in(old, sizeof old, "lama");
  path_in(deep, sizeof deep, "lama/x/y");
  assert_int_equal(mkdir(old, 0777), 0);
  assert_int_equal(tb_output_make_folder(deep, &err), 0);
  assert_true(exists(deep));
  tb_output_end(true);
  assert_true(exists(old));
  assert_int_equal(entries(old), 0);

  /* "n/../o": "n", then "o" beside it, both made, both removed */
  path_in(deep, sizeof deep, "n/../o/");
  assert_int_equal(tb_output_make_folder(deep, &err), 0);
  assert_int_equal(entries(dir), 3); /* lama, n, o */
  tb_output_end(true);
  assert_int_equal(entries(dir), 1);
  assert_true(exists(old));

  /* success keeps every level */
  path_in(deep, sizeof deep, "p/q");
  assert_int_equal(tb_output_make_folder(deep, &err), 0);
  tb_output_end(false);
  assert_true(exists(deep));
  assert_false(tb_error_is_set(&err));
}

/* Removal stops at the first level that is not empty: its parents are not empty either. */
static void test_made_levels_kept_when_used(void **state) {
  (void)state;
  char deep[PATH_MAX + 16], mid[PATH_MAX + 16], file[PATH_MAX + 32];
  path_in(deep, sizeof deep, "a/b/c");
  path_in(mid, sizeof mid, "a/b");
  path_in(file, sizeof file, "a/b/other.txt");
  tb_error err;
  tb_error_clear(&err);
  assert_int_equal(tb_output_make_folder(deep, &err), 0);
  put_file(file, "landed");
  tb_output_end(true);
  assert_false(exists(deep));
  assert_true(exists(file));
  assert_int_equal(entries(mid), 1);
}

/* A level that cannot be made: an error that names it; the levels made before it are removed by
 * tb_output_end(true); one folder per export. */
static void test_made_folder_fails_half_way(void **state) {
  (void)state;
  char top[PATH_MAX + 16], deep[PATH_MAX + 400], file[PATH_MAX + 16], under[PATH_MAX + 16];
  char name[300];
  memset(name, 'x', sizeof name - 1); /* longer than NAME_MAX */
  name[sizeof name - 1] = 0;
  path_in(top, sizeof top, "m");
  (void)snprintf(deep, sizeof deep, "%s/k/%s/z", top, name);
  tb_error err;
  tb_error_clear(&err);
  assert_int_equal(tb_output_make_folder(deep, &err), -1);
  assert_int_equal(err.code, TB_ERR_IO);
  assert_non_null(strstr(err.msg, "cannot create folder: "));
  assert_non_null(strstr(err.file, "/m/k/xxx"));
  assert_true(exists(top));
  tb_output_end(true);
  assert_false(exists(top));

  /* a file in the way: nothing made, the error names the file */
  path_in(file, sizeof file, "f");
  path_in(under, sizeof under, "f/sub/");
  put_file(file, "x");
  tb_error_clear(&err);
  assert_int_equal(tb_output_make_folder(under, &err), -1);
  assert_string_equal(err.file, file);
  assert_string_equal(err.msg, "cannot create folder: it exists and is not a folder");
  tb_output_end(true);
  assert_int_equal(entries(dir), 1);

  /* a second folder in one export is refused: the first would be forgotten */
  path_in(top, sizeof top, "one");
  path_in(under, sizeof under, "two");
  tb_error_clear(&err);
  assert_int_equal(tb_output_make_folder(top, &err), 0);
  assert_int_equal(tb_output_make_folder(under, &err), -1);
  assert_false(exists(under));
  tb_output_end(true);
  assert_false(exists(top));
}

/* In a child: a folder made for one output, another output over an existing target, both
 * temporary files half written; then it dies of sig (abort() for SIGABRT, as out of memory does).
 * No cmocka assertion here: the exit status tells the parent what failed. */
static void child(int sig, const char *made, const char *fresh, const char *existing) {
  tb_output_install_signals();
  tb_error err;
  tb_error_clear(&err);
  if (tb_output_make_folder(made, &err) != 0)
    _exit(10);
  tb_output *a = tb_output_open(fresh, NULL, 0, &err);
  tb_output *b = tb_output_open(existing, NULL, 0, &err);
  if (!a || !b)
    _exit(11);
  FILE *f = fopen(tb_output_path(b), "wb");
  if (!f || fputs("half a file", f) < 0 || fclose(f) != 0)
    _exit(12);
  if (sig == SIGABRT)
    abort();
  (void)raise(sig);
  _exit(13);
}

/* A signal or an abort() removes the temporary files and the folders made for the export; the
 * existing target keeps its bytes; the process still dies of the signal (exit 128+N). */
static void test_signals_clean_up(void **state) {
  (void)state;
  const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGABRT};
  const size_t n = sizeof sigs / sizeof sigs[0];
  for (size_t i = 0; i < n; i++) {
    char top[PATH_MAX + 16], made[PATH_MAX + 32], fresh[PATH_MAX + 48], existing[PATH_MAX + 32], name[32];
    (void)snprintf(name, sizeof name, "made-%d", sigs[i]);
    path_in(top, sizeof top, name);
    (void)snprintf(made, sizeof made, "%s/dalam/lagi", top); /* three levels made */
    (void)snprintf(fresh, sizeof fresh, "%s/buku.pdf", made);
    (void)snprintf(name, sizeof name, "buku-%d.epub", sigs[i]);
    path_in(existing, sizeof existing, name);
    put_file(existing, "KNOWN BYTES");
    (void)fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
      child(sigs[i], made, fresh, existing);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status))
      fail_msg("signal %d: the child exited with %d instead of dying", sigs[i], WEXITSTATUS(status));
    assert_int_equal(WTERMSIG(status), sigs[i]);
    assert_false(exists(top));
    assert_string_equal(content(existing), "KNOWN BYTES");
  }
  assert_int_equal(entries(dir), (int)n); /* the existing targets, no temporary file */
}

int main(void) {
  tb_warn_set_quiet(1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_commit_replaces_target, setup, teardown),
      cmocka_unit_test_setup_teardown(test_target_in_current_folder, setup, teardown),
      cmocka_unit_test_setup_teardown(test_failure_keeps_target, setup, teardown),
      cmocka_unit_test_setup_teardown(test_other_files_keep_their_name, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cut_temp_path_names_target, setup, teardown),
      cmocka_unit_test_setup_teardown(test_commit_refuses_what_is_not_a_file, setup, teardown),
      cmocka_unit_test_setup_teardown(test_commit_of_a_lost_temp_fails, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refuses_what_is_not_a_regular_file, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refuses_a_source, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
      cmocka_unit_test_setup_teardown(test_end_removes_temps_and_made_folder, setup, teardown),
      cmocka_unit_test_setup_teardown(test_made_folder_kept_when_used, setup, teardown),
      cmocka_unit_test_setup_teardown(test_made_folders_all_levels, setup, teardown),
      cmocka_unit_test_setup_teardown(test_made_levels_kept_when_used, setup, teardown),
      cmocka_unit_test_setup_teardown(test_made_folder_fails_half_way, setup, teardown),
      cmocka_unit_test_setup_teardown(test_signals_clean_up, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
