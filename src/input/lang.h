// lang.h -- the language of a text without `lang`: Malay or English, from its common words.
#ifndef TB_LANG_H
#define TB_LANG_H

#include <stddef.h>

/**
 * Chooses between the languages terbit ships hyphenation and words for, "ms" and "en", from the
 * text's common words, never from the locale. Counts, case-insensitively, the words of each
 * language's short list of its commonest words (articles, pronouns, conjunctions, prepositions:
 * 30 each, see lang.c) in the Markdown text s (len bytes), skipping fenced code blocks; only the
 * first TB_LANG_SCAN_BYTES are read. The language with more hits wins; a tie (a text with none of
 * them, say) is Malay, terbit's default. *hits_ms and *hits_en (may be NULL) get the counts.
 */
#define TB_LANG_SCAN_BYTES ((size_t)256 * 1024)
const char *tb_lang_guess(const char *s, size_t len, int *hits_ms, int *hits_en);

#endif
