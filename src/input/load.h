// load.h -- read sources, validate them, and build one tb_doc (front matter + Markdown).
#ifndef TB_LOAD_H
#define TB_LOAD_H

#include <stddef.h>

#include "doc/doc.h"
#include "util/error.h"

/**
 * Loads sources paths[0..n) as one book: each file a chapter (a single file splits into chapters
 * at its shallowest heading level). Metadata comes from the first file. Returns the document
 * (free with tb_doc_free), or NULL with err set (file, line, column where known).
 */
tb_doc *tb_load_files(const char *const *paths, size_t n, tb_error *err);

/** tb_load_files with -M KEY=VALUE overrides (meta_args[0..nmeta), tb_meta_apply_arg) of the
 * first file's front matter. A bad value is an error of code TB_ERR_USAGE. */
tb_doc *tb_load_files_meta(const char *const *paths, size_t n, const char *const *meta_args, size_t nmeta,
                           tb_error *err);

/**
 * Loads one source held in memory (for fuzzing and tests); `name` is used in messages and
 * `dir` is the folder images resolve against (NULL: images are never resolved).
 */
tb_doc *tb_load_memory(const char *name, const char *dir, const char *data, size_t len, tb_error *err);

#endif
