// error.h -- tb_error: one error object carried through every stage (libzip zip_error_t style).
#ifndef TB_ERROR_H
#define TB_ERROR_H

#include <stddef.h>

/* Codes with the process exit status of each: one table, so that a code and its status cannot
 * drift. X(name, exit_status) */
#define TB_ERROR_CODES(X)                                                                                    \
  X(TB_OK, 0)              /* no error */                                                                    \
  X(TB_ERR_USAGE, 2)       /* usage error */                                                                 \
  X(TB_ERR_INPUT, 1)       /* bad input */                                                                   \
  X(TB_ERR_UTF8, 1)        /* invalid UTF-8 */                                                               \
  X(TB_ERR_YAML, 1)        /* bad front matter */                                                            \
  X(TB_ERR_LIMIT, 1)       /* limit exceeded */                                                              \
  X(TB_ERR_IMAGE, 1)       /* bad image */                                                                   \
  X(TB_ERR_IO, 3)          /* input/output error */                                                          \
  X(TB_ERR_PDF, 3)         /* PDF library error */                                                           \
  X(TB_ERR_ZIP, 3)         /* zip library error */                                                           \
  X(TB_ERR_ASSET, 3)       /* missing or broken asset */                                                     \
  X(TB_ERR_INTERRUPTED, 3) /* interrupted */

typedef enum {
#define TB_X(name, status) name,
  TB_ERROR_CODES(TB_X)
#undef TB_X
} tb_error_code;

/** An error: code, the foreign library's own detail (errno, HPDF_STATUS, libzip code), the
 * place in a source file where known (line/col 0 = unknown) and a message. */
typedef struct tb_error {
  tb_error_code code;
  long detail;
  char file[512];
  int line, col;
  char msg[512];
} tb_error;

/** Clears err (err may be NULL). */
void tb_error_clear(tb_error *err);

/** Sets err unless it already holds an error (the first error wins). err may be NULL; file may
 * be NULL. Returns -1 so callers can `return tb_error_set(...)`. */
int tb_error_set(tb_error *err, tb_error_code code, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/** True when err holds an error. */
int tb_error_is_set(const tb_error *err);

/** The process exit status for code (its row in TB_ERROR_CODES). */
int tb_error_code_status(tb_error_code code);

/** The process exit status for err's code: 0 when err holds no error. */
int tb_error_exit_status(const tb_error *err);

/** Writes "terbit: FILE:LINE:COL: message" (place parts only where known) to stderr. */
void tb_error_print(const tb_error *err);

/** Warnings: printed at once as "terbit: warning: FILE:LINE:COL: message". Counted. */
void tb_warn(const char *file, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** A note (a choice terbit made that the user may want to make instead): printed as
 * "terbit: note: FILE: message", not counted as a warning, silenced by quiet as warnings are. */
void tb_note(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Number of warnings issued since start (or the last reset). */
size_t tb_warn_count(void);
void tb_warn_reset(void);
/** When quiet, warnings are counted but not printed (fuzzers, tests). */
void tb_warn_set_quiet(int quiet);

#endif
