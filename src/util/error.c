// error.c -- tb_error helpers and warnings.
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const int exit_status[] = {
#define TB_X(name, status) status,
    TB_ERROR_CODES(TB_X)
#undef TB_X
};

static size_t warn_count;
static int warn_quiet;

void tb_error_clear(tb_error *err) {
  if (err)
    memset(err, 0, sizeof *err);
}

int tb_error_set(tb_error *err, tb_error_code code, const char *file, int line, int col, const char *fmt,
                 ...) {
  if (!err || err->code != TB_OK)
    return -1;
  err->code = code;
  err->line = line;
  err->col = col;
  (void)snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  va_list ap;
  va_start(ap, fmt);
  (void)vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return -1;
}

int tb_error_is_set(const tb_error *err) { return err && err->code != TB_OK; }

int tb_error_code_status(tb_error_code code) {
  if ((size_t)code >= sizeof exit_status / sizeof exit_status[0])
    return 0;
  return exit_status[code];
}

int tb_error_exit_status(const tb_error *err) { return err ? tb_error_code_status(err->code) : 0; }

static void print_place(FILE *f, const char *file, int line, int col) {
  if (file && *file) {
    fputs(file, f);
    if (line > 0) {
      fprintf(f, ":%d", line);
      if (col > 0)
        fprintf(f, ":%d", col);
    }
    fputs(": ", f);
  }
}

void tb_error_print(const tb_error *err) {
  if (!tb_error_is_set(err))
    return;
  fputs("terbit: ", stderr);
  print_place(stderr, err->file, err->line, err->col);
  fprintf(stderr, "%s\n", err->msg);
}

void tb_warn(const char *file, int line, int col, const char *fmt, ...) {
  warn_count++;
  if (warn_quiet)
    return;
  fputs("terbit: warning: ", stderr);
  print_place(stderr, file, line, col);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

void tb_note(const char *file, const char *fmt, ...) {
  if (warn_quiet)
    return;
  fputs("terbit: note: ", stderr);
  print_place(stderr, file, 0, 0);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

size_t tb_warn_count(void) { return warn_count; }
void tb_warn_reset(void) { warn_count = 0; }
void tb_warn_set_quiet(int quiet) { warn_quiet = quiet; }
