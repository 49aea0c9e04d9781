// pack.h -- the PDF written compactly: every dictionary in compressed object streams, one
// cross-reference stream (ISO 32000-1 §7.5.7, §7.5.8), as terbit's last pass over libharu's file.
//
// libharu 2.3.0 writes each dictionary uncompressed, each stream's /Length as an object of its
// own, and a classic cross-reference table: on a 50-chapter book, a third of the file. This
// module reads libharu's file back (a format libharu always writes the same way: "N 0 obj",
// a dictionary or array, or a dictionary and its stream, "endobj", and one xref table) and
// writes it again object by object: the dictionaries and arrays without their spaces into
// object streams, each stream with a direct /Length, the structure tree's objects beside them
// (tags.h), and one cross-reference stream at the end. Object numbers stay libharu's.
#ifndef TB_PDF_PACK_H
#define TB_PDF_PACK_H

#include <stddef.h>
#include <stdio.h>

#include "util/mem.h"

typedef struct tb_pack tb_pack;

/** A writer onto fp (empty, at its start) of a PDF 1.5 file whose objects 1 .. first-1 the
 * caller gives, in any order; the object streams and the cross-reference stream are numbered
 * from first on. */
tb_pack *tb_pack_new(FILE *fp, unsigned first);
void tb_pack_free(tb_pack *p);

/** Object num (a dictionary, array or number: body, len bytes, written as it is) into the
 * current object stream. */
void tb_pack_obj(tb_pack *p, unsigned num, const char *body, size_t len);

/** Stream object num, written at once: dict holds its dictionary's entries but /Length
 * ("/Filter/FlateDecode"), data its len bytes (as they are: already compressed or not). */
void tb_pack_stream(tb_pack *p, unsigned num, const char *dict, size_t dlen, const void *data, size_t len);

/** Ends the file: the last object stream, the cross-reference stream whose trailer entries are
 * /Root root, /Info info (0: none) and /ID id twice (NULL: none). Returns 0, or -1 with errno
 * (a write failed; fp is not closed). */
int tb_pack_end(tb_pack *p, unsigned root, unsigned info, const unsigned char *id);

/** Copies the objects of pdf (len bytes, a file as libharu 2.3.0 writes it, found through its
 * xref table) into p, in the file's order. hook(user, p, num) is asked first for each object:
 * nonzero when it has written the object itself, or drops it. Stream /Length objects are
 * dropped (their streams get a direct /Length). Returns 0, or -1 when the file is not in
 * libharu's form. */
int tb_pack_copy(tb_pack *p, const char *pdf, size_t len, int (*hook)(void *, tb_pack *, unsigned),
                 void *user);

/** The first object number past the objects of libharu's file pdf (its xref table's size), or
 * 0 when it has no xref table. */
unsigned tb_pack_size(const char *pdf, size_t len);

/** Appends the PDF object text s[0..n) to out without the white space a reader does not need
 * ("<<\n/Type /Page\n>>" -> "<</Type/Page>>"); strings are copied as they are. */
void tb_pack_minify(tb_buf *out, const char *s, size_t n);

#endif
