// hyphen.h -- hyphenation points from libhyphen, per language, with our own exception list.
#ifndef TB_HYPHEN_H
#define TB_HYPHEN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tb_hyphen tb_hyphen;

/**
 * Opens the hyphenator for a BCP 47 language tag ("ms", "ms-MY", "id", "en", "en-GB", ...),
 * loading the dictionary from dict_dir (assets/hyphen; the assets folder itself works too:
 * its hyphen/ subfolder is tried when dict_dir holds no dictionary). Malay and Indonesian use
 * hyph_id_ID.dic with at least 2 letters before a break and 3 after; English hyph_en_US.dic
 * (2 and 3). Returns NULL when no dictionary fits the language (no hyphenation then), also
 * for a non-Latin script subtag ("ms-Arab") and when the dictionary file cannot be read.
 * The language subtag is matched case-insensitively; '_' is accepted for '-'.
 */
tb_hyphen *tb_hyphen_new(const char *lang, const char *dict_dir);
void tb_hyphen_free(tb_hyphen *h);

/** The shipped dictionaries are compiled in (hyphen_gen.c): tb_hyphen_new uses that copy when
 * the file in dict_dir is the same (name, size, hash), else parses the file. These two are for
 * tests: tb_hyphen_new_parsed always parses the file; tb_hyphen_is_builtin says which it got. */
tb_hyphen *tb_hyphen_new_parsed(const char *lang, const char *dict_dir);
bool tb_hyphen_is_builtin(const tb_hyphen *h);

/**
 * Finds the break points of one word (UTF-8, len bytes, letters only: the caller strips
 * punctuation around it). Writes to pos[] the byte offsets in word after which a hyphen may be
 * inserted, ascending, at most max; returns their count. An offset p splits the word into
 * word[0, p) + "-" and word[p, len); it always falls on a character boundary. Returns 0 for
 * words that must not be hyphenated: shorter than 5 letters, containing digits or a capital
 * after the first letter, or anything that is not a letter (URLs, code are never passed by the
 * caller either); also for invalid UTF-8, words over 64 letters, letters outside the Latin
 * script (or outside Latin-1 for Malay/Indonesian), h == NULL, pos == NULL or max == 0.
 * Our exception list (e.g. "eks-trak") overrides the patterns; for Malay and Indonesian the
 * patterns' result is also corrected by syllable rules (ng/ny/sy/kh/gh never split; Malay
 * breaks at syllables: pe-ma-sa-ran). At least 2 letters stay before a break and 3 after.
 */
size_t tb_hyphen_points(tb_hyphen *h, const char *word, size_t len, size_t *pos, size_t max);

#endif
