// suggest.h -- "did you mean ...?": the known name closest to a word that matched none.
#ifndef TB_SUGGEST_H
#define TB_SUGGEST_H

#include <stddef.h>

/** The distance in edits from a (alen bytes) to b (blen bytes): the optimal string alignment
 * form of the Damerau-Levenshtein distance (insert, delete or replace one byte, or swap two
 * adjacent ones, no substring edited twice), ASCII letters compared without case. A string
 * longer than TB_SUGGEST_MAX_LEN bytes is TB_SUGGEST_FAR from any other: too long to be a typo. */
int tb_edit_distance(const char *a, size_t alen, const char *b, size_t blen);

enum { TB_SUGGEST_MAX_LEN = 64, TB_SUGGEST_FAR = 1000 };

/** The name of names[0..n) closest to word (wlen bytes), if it is within max edits
 * (tb_edit_distance) and fewer edits than word has bytes, so that a short word is not
 * "corrected" into an unrelated name; on a tie, the first in the list. NULL when none is. */
const char *tb_suggest(const char *word, size_t wlen, const char *const *names, size_t n, int max);

#endif
