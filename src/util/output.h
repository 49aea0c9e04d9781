// output.h -- atomic outputs: each target is written as a temporary file beside it, flushed and
// renamed into place. A failure, an abort() or a signal leaves neither the temporary file nor a
// folder made for it, and never touches the target.
#ifndef TB_OUTPUT_H
#define TB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/** One output being written: from tb_output_open to tb_output_finish (or tb_output_end). */
typedef struct tb_output tb_output;

/** How many outputs may be open at once (the PDF and the EPUB). */
enum { TB_OUTPUT_MAX = 2 };

/** Installs handlers of SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGABRT (out of memory is an
 * abort(), util/mem.c) that remove every open temporary file and the folders made here, if empty,
 * then die of the signal; ignores SIGXFSZ, so that a file-size limit fails the write instead of
 * killing the process before it cleans up. Crash signals are left alone, so that a sanitizer's
 * report, or a core, shows where the crash was. Call once, before any output is opened. */
void tb_output_install_signals(void);

/** Whether path names a folder (stat follows a symbolic link). */
bool tb_output_is_dir(const char *path);

/** Makes the folder dir, and its parents, unless it is one already (mkdir -p). Every folder made
 * here is removed again, deepest first, by tb_output_end(true) and by the signal handlers, if
 * nothing landed in it. One call per export: a second one that would make a folder before
 * tb_output_end is refused. On failure (err set: the folder that could not be made, TB_ERR_IO)
 * the levels already made stay recorded, for tb_output_end(true) to remove. */
int tb_output_make_folder(const char *dir, tb_error *err);

/** Starts an output to target: makes an empty temporary file, named by this module, in target's
 * folder. Refuses (NULL, err set) a target that exists and is not a regular file (a folder, a
 * symbolic link, a device: TB_ERR_IO), that is the same file as one of the nkeep paths in keep
 * (the sources of the export: TB_ERR_USAGE), or whose folder is missing (TB_ERR_IO). */
tb_output *tb_output_open(const char *target, const char *const *keep, size_t nkeep, tb_error *err);

/** The temporary file that the writer fills. */
const char *tb_output_path(const tb_output *out);

/** Ends out. With rc 0 (the writer succeeded) the temporary file is flushed and renamed over the
 * target; if the target has meanwhile become something else than a regular file, or the flush
 * or the rename fails, the target is left as it was. With rc != 0 an error of the writer that
 * names the temporary file names the target instead. Either way, no temporary file is left.
 * Returns 0 when the target was replaced, else -1 (err set, unless the writer set it). out may be
 * NULL: then nothing is done and -1 returned. */
int tb_output_finish(tb_output *out, int rc, tb_error *err);

/** Ends the export: removes every temporary file not finished (their writers did not run) and,
 * when failed, the folders tb_output_make_folder made, deepest first, while they are empty.
 * Forgets them. */
void tb_output_end(bool failed);

#endif
