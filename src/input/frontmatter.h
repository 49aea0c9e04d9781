// frontmatter.h -- the leading '---' YAML block of a source file, read into tb_meta.
#ifndef TB_FRONTMATTER_H
#define TB_FRONTMATTER_H

#include <stddef.h>

#include "doc/doc.h"
#include "util/error.h"

/* Some internal limits. Each one is an error naming the limit (code TB_ERR_LIMIT), never a
 * silent truncation. */
#define TB_FRONTMATTER_MAX_BLOCK 65536 /* bytes between the opening and the closing line */
#define TB_FRONTMATTER_MAX_VALUE 65536 /* bytes of one value after YAML unescaping */
#define TB_FRONTMATTER_MAX_ITEMS 1000  /* entries of one list; keys of the mapping */

/**
 * Reads the front matter at the start of src (len bytes, UTF-8 already validated, BOM already
 * stripped by the caller; CRLF or LF line endings). The block starts with a line that is exactly
 * "---" on line 1 and ends at the next line that is exactly "---" (or "..."); a trailing "\r" is
 * part of the line ending, other trailing blanks make the line an ordinary one.
 *
 * A file that does not start with "---" has no front matter: returns 0 with *meta empty (lang
 * "ms", not given), *body_offset 0 and *body_line 1.
 *
 * Known keys: title (optional: the loader falls back on an opening heading or the file name), subtitle,
 * author (a string or a list of strings), lang (BCP 47 shape, default "ms"), date (YYYY-MM-DD, a real date),
 * category, description, keywords (a list of strings, or one string), identifier, rights, cover (a path, not
 * resolved here). Values are stored trimmed of blanks and newlines; a plain null (empty, "~", "null") or
 * empty value leaves an optional key unset, and empty list entries are dropped. An unknown key is a warning
 * (tb_warn), not an error. Anchors, aliases, explicit tags, duplicate keys, more than one YAML document and
 * control characters in values (other than tab and newline) are errors.
 *
 * On success fills *meta completely (every field not given is NULL/0, lang is "ms") with strings
 * and arrays owned by doc, valid until tb_doc_free; meta is usually &doc->meta, for later files of
 * a book a scratch tb_meta. Sets *body_offset to the byte offset just after the closing line and
 * *body_line to the 1-based line number of that position (the line after the closing line, also
 * when the closing line ends the file without a newline), so the Markdown importer can offset its
 * line numbers. Returns 0.
 *
 * On failure returns -1 with err set (err may be NULL): code TB_ERR_YAML, or TB_ERR_LIMIT for the
 * limits above; file = path; line and col 1-based in the whole file (col counts characters, as
 * libyaml does). *meta, *body_offset and *body_line are left untouched; strings already copied
 * into doc stay there until tb_doc_free.
 */
int tb_frontmatter_parse(tb_doc *doc, tb_meta *meta, const char *path, const char *src, size_t len,
                         size_t *body_offset, int *body_line, tb_error *err);

/** True (0) when arg has the shape KEY=VALUE of -M/--metadata (a non-empty key, then '='); else
 * -1 with err set (code TB_ERR_USAGE: a usage error, exit status 2). */
int tb_meta_arg_check(const char *arg, tb_error *err);

/**
 * Applies one -M KEY=VALUE to meta, with the front matter's checks and messages (title not
 * empty, lang a BCP 47 tag, date a real YYYY-MM-DD, no control characters, the value limit); the
 * value is trimmed of blanks. author and keywords given again add an entry (the first one
 * replaces the file's list). An unknown key is a warning. Returns 0, or -1 with err set (code
 * TB_ERR_USAGE, file "-M"). Strings are copied into doc.
 */
int tb_meta_apply_arg(tb_doc *doc, tb_meta *meta, const char *arg, tb_error *err);

#endif
