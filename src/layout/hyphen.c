// hyphen.c -- libhyphen per language, with our exception list.
#include "layout/hyphen.h"

#include <hyphen.h> /* libhyphen's header: same name as ours, hence "layout/" above */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/hyphen_tables.h"
#include "util/mem.h"
#include "util/utf8.h"

#ifndef __HYPHEN_H__
#error "<hyphen.h> resolved to terbit's own header: keep src/layout off the include path"
#endif

/* Words longer than this (in letters) get no break points: caps the work on hostile input
 * (a 30,000-letter "word") and keeps every buffer below on the stack. Real words in the
 * languages we hyphenate stay far below (Malay's longest common words are ~20 letters). */
#define MAX_LETTERS 64
/* Only letters of at most 3 UTF-8 bytes are accepted (see letter_class). */
#define MAX_BYTES (MAX_LETTERS * 3)
/* Fewer letters than this: never hyphenated. */
#define MIN_LETTERS 5

/*
 * Exception lists: whole words, lowercase ASCII, with '-' at EVERY syllable break the word
 * may take (a full syllabification, as a dictionary prints it). An entry replaces the
 * patterns and the corrections of fix_malay_id for that exact word (matched ignoring the case
 * of the first letter; inflected forms need their own entry). The language's minimum letters
 * before and after a break (2/3) still apply, exactly as for pattern results: "eks-trak"
 * gives eks-trak, "se-ti-a-u-sa-ha" gives se-ti-a-u-saha.
 *
 * How the Malay/Indonesian entries were found: every word of a Malay article on digital
 * marketing (the project's seed text, ~350 distinct words) and ~120 common Malay loanwords
 * and compounds were run through hyph_id_ID.dic plus fix_malay_id, and the result compared
 * with the syllables (breaks only between syllables; ng, ny, sy, kh, gh never split; a
 * loanword's onset cluster stays together: eks-trak, abs-trak). fix_malay_id repairs the
 * patterns' systematic faults (vowelless parts such as s-tra-te-gi or ek-st-rak, split
 * digraphs, for Malay the morpheme breaks pe-ma-sar-an); what remains wrong is listed here:
 *  - consonant clusters the rules cannot place: ekstrak (patterns ek-st-rak), abstrak and
 *    abstraksi (ab-s-t-rak), transaksi in Indonesian (KBBI trans-ak-si);
 *  - compounds and vowel sequences the patterns misread: bagaimanapun (ba-gai-man-a-pun),
 *    setiausaha (se-ti-au-sa-ha: the u belongs to usaha), antarabangsa (an-ta-rab-ang-sa in
 *    Indonesian mode), ghairah (gha-i-rah), perisian (pe-ris-i-an in Indonesian mode),
 *    belajar (bel-a-jar in Indonesian mode);
 *  - English loanwords kept in Malay text: freelance (fre-e-lan-ce);
 *  - frequent words whose first breaks the patterns miss (not wrong, only fewer breaks):
 *    eksperimen (ek-s-pe-ri-men), demonstrasi (de-mon-s-tra-si), transformasi,
 *    perspektif, and in Malay pengurus/pengurusan/mengurus/menguruskan (pengu-rus),
 *    apartmen (a-par-t-men), fesyen (no break at all).
 *
 * exc_malay_id: the same syllables in Malay and in Indonesian (KBBI). exc_malay_only: Malay
 * words or Malay (phonological) syllables. exc_indonesian_only: KBBI syllables where Malay
 * differs.
 */
static const char *const exc_malay_id[] = {
    "abs-trak",         /* patterns + rules: abst-rak */
    "abs-trak-si",      /* abst-rak-si */
    "an-ta-ra-bang-sa", /* Indonesian mode: an-ta-rab-ang-sa */
    "ba-gai-ma-na-pun", /* Indonesian mode: ba-gai-man-a-pun */
    "be-la-jar",        /* Indonesian mode: bel-a-jar */
    "de-mon-stra-si",   /* de-monstrasi */
    "eks-pe-ri-men",    /* ekspe-ri-men */
    "eks-trak",         /* ekstrak (raw patterns: ek-st-rak) */
    "free-lance",       /* fre-e-lance */
    "pe-ri-si-an",      /* Indonesian mode: pe-ris-i-an */
    "pers-pek-tif",     /* perspek-tif */
    "se-ti-a-u-sa-ha",  /* se-ti-au-sa-ha */
    "trans-for-ma-si",  /* transfor-ma-si */
    NULL,
};

static const char *const exc_malay_only[] = {
    "a-part-men",     /* apartmen */
    "a-part-men-nya", /* apartmen-nya */
    "fe-syen",        /* fesyen */
    "ghai-rah",       /* gha-i-rah */
    "me-ngu-rus",     /* mengu-rus */
    "me-ngu-rus-kan", /* mengu-rus-kan */
    "pe-ngu-rus",     /* pengu-rus */
    "pe-ngu-ru-san",  /* pengu-ru-san */
    NULL,
};

static const char *const exc_indonesian_only[] = {
    "trans-ak-si", /* tran-sak-si (KBBI splits after trans-) */
    NULL,
};

/* hyph_en_US.dic already carries the classic TeX exceptions (as-so-ciate, pro-ject, ta-ble
 * ...) as patterns, so English needs none of its own so far. */
static const char *const exc_english[] = {
    NULL,
};

static const char *const *const excs_malay[] = {exc_malay_id, exc_malay_only, NULL};
static const char *const *const excs_indonesian[] = {exc_malay_id, exc_indonesian_only, NULL};
static const char *const *const excs_english[] = {exc_english, NULL};

/* Corrections applied to the patterns' result (see fix_malay_id). */
typedef enum {
  RULES_NONE,       /* English: the patterns as they are */
  RULES_INDONESIAN, /* only remove impossible breaks */
  RULES_MALAY,      /* also move breaks to Malay (phonological) syllable boundaries */
} rules_kind;

typedef struct lang_entry {
  const char *primary; /* lowercase primary language subtag */
  const char *file;    /* dictionary file name in dict_dir */
  int lhmin, rhmin;    /* min. letters before / after a break */
  rules_kind rules;
  const char *const *const *excs;
} lang_entry;

static const lang_entry langs[] = {
    /* No Malay patterns exist; Indonesian ones fit Malay spelling (shared since 1972). */
    {"ms", "hyph_id_ID.dic", 2, 3, RULES_MALAY, excs_malay},
    {"zsm", "hyph_id_ID.dic", 2, 3, RULES_MALAY, excs_malay}, /* Standard Malay, ISO 639-3 */
    {"id", "hyph_id_ID.dic", 2, 3, RULES_INDONESIAN, excs_indonesian},
    {"in", "hyph_id_ID.dic", 2, 3, RULES_INDONESIAN, excs_indonesian}, /* deprecated code */
    {"en", "hyph_en_US.dic", 2, 3, RULES_NONE, excs_english},
};

struct tb_hyphen {
  HyphenDict *dict;
  bool builtin; /* dict is compiled in (hyphen_tables.h): never freed */
  int utf8;     /* the dictionary is UTF-8 (else ISO-8859-1: words are converted to Latin-1) */
  int lhmin, rhmin;
  rules_kind rules;
  const char *const *const *excs;
};

static char ascii_lower(char c) { return (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c); }

/* Case-insensitive ASCII comparison of s[0..n) with the NUL-terminated t. */
static int ascii_ieq(const char *s, size_t n, const char *t) {
  size_t i = 0;
  for (; i < n && t[i]; i++)
    if (ascii_lower(s[i]) != ascii_lower(t[i]))
      return 0;
  return i == n && t[i] == 0;
}

/* Finds the lang_entry for a BCP 47 tag: primary subtag (case-insensitive) from the table;
 * an explicit script subtag other than Latn (ms-Arab: Jawi) has no patterns either. '_' is
 * accepted as a separator too (POSIX locale style "ms_MY"). */
static const lang_entry *find_lang(const char *tag) {
  size_t n = strcspn(tag, "-_");
  const lang_entry *e = NULL;
  for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
    if (ascii_ieq(tag, n, langs[i].primary))
      e = &langs[i];
  if (!e)
    return NULL;
  if (tag[n]) {
    const char *sub = tag + n + 1;
    size_t m = strcspn(sub, "-_");
    int alpha = 1;
    for (size_t i = 0; i < m; i++)
      if (!((sub[i] >= 'a' && sub[i] <= 'z') || (sub[i] >= 'A' && sub[i] <= 'Z')))
        alpha = 0;
    if (m == 4 && alpha && !ascii_ieq(sub, m, "latn"))
      return NULL;
  }
  return e;
}

/* Loads dir/sub/file (sub may be ""); NULL, silently, if missing or unreadable. The automaton
 * compiled in at build time (hyphen_gen.c) stands in for a file with the same name, size and
 * hash, unless builtin_ok is false: parsing 12,000 patterns was 13% of a 50-chapter EPUB. */
static HyphenDict *load_dict(const char *dir, const char *sub, const char *file, bool builtin_ok,
                             bool *builtin) {
  tb_buf pb = {0};
  tb_buf_printf(&pb, "%s/%s%s%s", dir, sub, *sub ? "/" : "", file);
  const char *path = pb.data;
  *builtin = false;
  HyphenDict *dict = NULL;
  FILE *f = builtin_ok ? fopen(path, "rb") : NULL;
  if (f) {
    for (size_t i = 0; i < tb_hyphen_ntables && !dict; i++) {
      const tb_hyphen_table *t = &tb_hyphen_tables[i];
      if (strcmp(t->file, file) != 0)
        continue;
      unsigned char *bytes = tb_xmalloc(t->size + 1);
      /* one byte more than expected: a longer file must not match */
      size_t n = fread(bytes, 1, t->size + 1, f);
      if (n == t->size && tb_fnv1a(bytes, n, TB_FNV1A_SEED) == t->fnv1a) {
        dict = t->dict;
        *builtin = true;
      }
      free(bytes);
    }
    (void)fclose(f); /* read only: nothing to lose */
  }
  if (!dict)
    dict = hnj_hyphen_load(path);
  tb_buf_free(&pb);
  return dict;
}

static tb_hyphen *hyphen_open(const char *lang, const char *dict_dir, bool builtin_ok) {
  if (!lang || !dict_dir)
    return NULL;
  const lang_entry *e = find_lang(lang);
  if (!e)
    return NULL;
  /* dict_dir is assets/hyphen; the assets folder itself is accepted as well */
  bool builtin;
  HyphenDict *dict = load_dict(dict_dir, "", e->file, builtin_ok, &builtin);
  if (!dict)
    dict = load_dict(dict_dir, "hyphen", e->file, builtin_ok, &builtin);
  if (!dict)
    return NULL;
  tb_hyphen *h = tb_xmalloc(sizeof *h);
  h->dict = dict;
  h->builtin = builtin;
  h->utf8 = dict->utf8 != 0;
  h->lhmin = e->lhmin;
  h->rhmin = e->rhmin;
  h->rules = e->rules;
  h->excs = e->excs;
  return h;
}

tb_hyphen *tb_hyphen_new(const char *lang, const char *dict_dir) { return hyphen_open(lang, dict_dir, true); }

tb_hyphen *tb_hyphen_new_parsed(const char *lang, const char *dict_dir) {
  return hyphen_open(lang, dict_dir, false);
}

bool tb_hyphen_is_builtin(const tb_hyphen *h) { return h && h->builtin; }

void tb_hyphen_free(tb_hyphen *h) {
  if (!h)
    return;
  if (!h->builtin)
    hnj_hyphen_free(h->dict);
  free(h);
}

enum { NOT_LETTER, LOWER, UPPER };

/* Classifies a code point for hyphenation purposes. "Letters" are those of the Latin script
 * whose case we know: ASCII, Latin-1, Latin Extended-A, the regular runs of Latin
 * Extended-B (pinyin ǎ, Romanian ș ț ...) and Latin Extended Additional (Vietnamese). Every
 * other code point (other scripts, combining marks, ligatures, digits, punctuation) counts
 * as a non-letter, so a word holding one is not hyphenated: we have no patterns for other
 * scripts, and a decomposed accent must never be separated from its letter. For UPPER,
 * *lower receives the simple lowercase mapping. */
static int letter_class(uint32_t c, uint32_t *lower) {
  *lower = c;
  if (c >= 'a' && c <= 'z')
    return LOWER;
  if (c >= 'A' && c <= 'Z') {
    *lower = c + 32;
    return UPPER;
  }
  if (c < 0xC0)
    return NOT_LETTER;
  if (c <= 0xFF) {
    if (c == 0xD7 || c == 0xF7) /* × ÷ */
      return NOT_LETTER;
    if (c <= 0xDE) {
      *lower = c + 32;
      return UPPER;
    }
    return LOWER; /* ß..ÿ */
  }
  int even_upper = -1; /* 1: even code points are upper case (+1 lower), 0: odd ones */
  if (c <= 0x17F) {
    if (c == 0x130) { /* İ */
      *lower = 'i';
      return UPPER;
    }
    if (c == 0x138 || c == 0x149 || c == 0x17F) /* ĸ ŉ ſ */
      return LOWER;
    if (c == 0x178) { /* Ÿ */
      *lower = 0xFF;
      return UPPER;
    }
    even_upper = (c <= 0x137 || (c >= 0x14A && c <= 0x177)) ? 1 : 0;
  } else if (c <= 0x24F) {
    if (c >= 0x1CD && c <= 0x1DC)
      even_upper = 0;
    else if (c == 0x1DD) /* ǝ */
      return LOWER;
    else if ((c >= 0x1DE && c <= 0x1EF) || (c >= 0x1F8 && c <= 0x21F) || (c >= 0x222 && c <= 0x233))
      even_upper = 1;
    else
      return NOT_LETTER; /* irregular runs: not worth a table */
  } else if (c >= 0x1E00 && c <= 0x1EFF) {
    if (c == 0x1E9E) { /* ẞ */
      *lower = 0xDF;
      return UPPER;
    }
    if (c >= 0x1E96 && c <= 0x1E9F)
      return LOWER;
    even_upper = 1;
  } else {
    return NOT_LETTER;
  }
  if ((c % 2 == 0) == (even_upper == 1)) {
    *lower = c + 1;
    return UPPER;
  }
  return LOWER;
}

/* Looks the lowercased word up in the exception lists: on a hit, marks brk[i] = 1 for every
 * letter index i after which the entry has a '-' and returns 1. Entries are ASCII, so the
 * letter index equals the byte index in the (all-ASCII) matching word. */
static int find_exception(const tb_hyphen *h, const char *low, size_t lowlen, size_t nletters,
                          unsigned char *brk) {
  for (const char *const *const *t = h->excs; *t; t++) {
    for (const char *const *e = *t; *e; e++) {
      const char *x = *e;
      size_t i = 0;
      while (*x && i < lowlen) {
        if (*x == '-') {
          x++;
          continue;
        }
        if (*x != low[i])
          break;
        x++, i++;
      }
      if (*x || i != lowlen)
        continue;
      memset(brk, 0, nletters);
      size_t k = 0;
      for (x = *e; *x; x++) {
        if (*x == '-') {
          if (k > 0 && k < nletters)
            brk[k - 1] = 1;
        } else {
          k++;
        }
      }
      return 1;
    }
  }
  return 0;
}

/* Runs libhyphen on the lowercased word (NUL-terminated, in the dictionary's encoding):
 * brk[i] = 1 when the patterns allow a break after letter i. The minimum letters before and
 * after a break are applied later (after the corrections below), so libhyphen is asked for
 * 1/1; it still enforces a dictionary's own LEFTHYPHENMIN/RIGHTHYPHENMIN (en_US: 2/3). */
static void run_patterns(const tb_hyphen *h, const char *low, size_t lowlen, size_t nletters,
                         unsigned char *brk) {
  char hy[MAX_BYTES + 5]; /* libhyphen wants word_size + 5 */
  char **rep = NULL;
  int *rpos = NULL, *rcut = NULL;
  memset(brk, 0, nletters);
  /* rep/pos/cut must be non-NULL pointers (hnj_hyphen_lhmin dereferences them); they stay
   * NULL unless the dictionary has non-standard (replacing) patterns, which ours lack. */
  if (hnj_hyphen_hyphenate3(h->dict, low, (int)lowlen, hy, NULL, &rep, &rpos, &rcut, 1, 1, 0, 0) == 0) {
    /* The vector is per character, also for UTF-8 dictionaries (libhyphen normalises its
     * per-byte result to character indices); odd digits are breaks. Entries at NOHYPHEN
     * positions may be NUL bytes rather than '0' (a libhyphen quirk): only test the bit. A
     * replacing break (German Schiff-fahrt style) cannot be expressed as a byte offset of
     * the word: skipped. */
    for (size_t i = 0; i < nletters; i++)
      if ((hy[i] & 1) && !(rep && rep[i]))
        brk[i] = 1;
  }
  if (rep) {
    for (size_t i = 0; i < lowlen; i++)
      free(rep[i]);
    free(rep);
  }
  free(rpos);
  free(rcut);
}

static int is_vowel(uint32_t c) {
  switch (c) {
  case 'a':
  case 'e':
  case 'i':
  case 'o':
  case 'u': return 1;
  default: /* accented vowels of Latin-1 (old Indonesian é, loanwords) */
    return (c >= 0xE0 && c <= 0xE6) || (c >= 0xE8 && c <= 0xEF) || (c >= 0xF2 && c <= 0xF6) ||
           (c >= 0xF8 && c <= 0xFC);
  }
}

/* ng, ny, sy, kh, gh: one consonant each in Malay and Indonesian spelling. */
static int is_digraph(uint32_t a, uint32_t b) {
  return (a == 'n' && (b == 'g' || b == 'y')) || (a == 's' && b == 'y') ||
         ((a == 'k' || a == 'g') && b == 'h');
}

/*
 * Corrects the Indonesian patterns' breaks (cut[b]: a break before letter b, 0 < b < n) with
 * the syllable rules both languages share, and for Malay moves them to syllable boundaries:
 *  1. ng, ny, sy, kh, gh are never split (read greedily from the left, so "ngh" in
 *     meng-ha-sil-kan is ng + h). Indonesian: such a break is dropped; Malay: it moves after
 *     the digraph (ban|gkrut -> bang|krut), then rule 2 applies (pen|yelidikan -> pe|nye...).
 *  2. Malay only: a break between a consonant and a vowel moves before that consonant (a
 *     single consonant starts the next syllable): pe-ma-sar-an -> pe-ma-sa-ran, tran-s-ak-si
 *     -> tran-sak-si, ber-i-kut -> be-ri-kut. Indonesian (PUEBI/KBBI) splits at the morpheme
 *     instead (pe-ma-sar-an), which is what the patterns mostly produce: left alone.
 *  3. Every part between breaks must hold a vowel: a vowelless first part loses the break
 *     after it (s-tra-te-gi -> stra-te-gi), a vowelless last part the break before it
 *     (me-se-j -> me-sej). A vowelless middle part of one consonant joins the next part if
 *     that starts with a vowel (tran-s-ak-si -> tran-sak-si), else the previous one if that
 *     ends with a vowel (di-se-r-lah-kan -> di-ser-lah-kan), else loses both breaks; a
 *     vowelless middle cluster loses both (ek-st-rak -> ekstrak; the exception list then
 *     gives eks-trak).
 * Rules 1 and 3 only ever remove breaks; rule 2 only moves a break to a syllable boundary.
 */
static void fix_malay_id(const uint32_t *lc, size_t n, unsigned char *brk, rules_kind rules) {
  unsigned char ustart[MAX_LETTERS]; /* letter i begins a consonant/vowel unit */
  unsigned char cut[MAX_LETTERS + 1];
  for (size_t i = 0; i < n;) {
    ustart[i] = 1;
    if (i + 1 < n && is_digraph(lc[i], lc[i + 1])) {
      ustart[i + 1] = 0;
      i += 2;
    } else {
      i++;
    }
  }
  memset(cut, 0, sizeof cut);
  for (size_t b = 1; b < n; b++)
    cut[b] = brk[b - 1];

  for (size_t b = 1; b < n; b++) { /* rule 1 */
    if (cut[b] && !ustart[b]) {
      cut[b] = 0;
      if (rules == RULES_MALAY && b + 1 < n)
        cut[b + 1] = 1; /* visited next: rule 2 sees it below */
    }
  }
  if (rules == RULES_MALAY) { /* rule 2 */
    for (size_t b = 1; b < n; b++) {
      if (cut[b] && is_vowel(lc[b]) && !is_vowel(lc[b - 1])) {
        size_t u = ustart[b - 1] ? b - 1 : b - 2; /* the consonant unit before the break */
        cut[b] = 0;
        if (u > 0)
          cut[u] = 1;
      }
    }
  }
  for (int changed = 1; changed;) { /* rule 3 */
    changed = 0;
    for (size_t start = 0, end; start < n; start = end) {
      end = start + 1;
      while (end < n && !cut[end])
        end++;
      int vowel = 0;
      for (size_t i = start; i < end; i++)
        vowel |= is_vowel(lc[i]);
      if (vowel || (start == 0 && end == n))
        continue;
      if (start == 0) {
        cut[end] = 0;
      } else if (end == n) {
        cut[start] = 0;
      } else if (end - start == 1 || (end - start == 2 && !ustart[start + 1])) {
        /* one consonant in the middle: it opens the next syllable if a vowel follows
         * (tran|s|ak -> tran|sak), else closes the previous one (se|r|lah -> ser|lah) */
        if (is_vowel(lc[end]))
          cut[end] = 0;
        else if (is_vowel(lc[start - 1]))
          cut[start] = 0;
        else
          cut[start] = cut[end] = 0;
      } else {
        cut[start] = cut[end] = 0; /* a cluster: which side it belongs to is lexical */
      }
      changed = 1;
      break;
    }
  }
  for (size_t b = 1; b < n; b++)
    brk[b - 1] = cut[b];
}

size_t tb_hyphen_points(tb_hyphen *h, const char *word, size_t len, size_t *pos, size_t max) {
  if (!h || !word || !pos || max == 0 || len == 0 || len > (size_t)MAX_LETTERS * 4)
    return 0;

  /* Decode and check: letters only, no capital after the first, at most MAX_LETTERS.
   * ends[i] = byte offset in word just after letter i. low = the word lowercased (only the
   * first letter can be upper case here) in the dictionary's encoding. */
  size_t ends[MAX_LETTERS];
  uint32_t lc[MAX_LETTERS];
  char low[MAX_BYTES + 1];
  size_t nletters = 0, lowlen = 0;
  const unsigned char *s = (const unsigned char *)word;
  for (size_t off = 0; off < len;) {
    uint32_t cp = 0, lc1 = 0;
    size_t n = tb_utf8_strict(s + off, len - off, &cp);
    if (n == 0 || nletters == MAX_LETTERS)
      return 0;
    int cls = letter_class(cp, &lc1);
    if (cls == NOT_LETTER || (cls == UPPER && nletters > 0))
      return 0;
    if (h->utf8) {
      lowlen += tb_utf8_encode(lc1, low + lowlen); /* letter_class: below U+10000, 3 bytes */
    } else {
      if (lc1 > 0xFF) /* outside Latin-1: the dictionary cannot see it */
        return 0;
      low[lowlen++] = (char)(unsigned char)lc1;
    }
    off += n;
    lc[nletters] = lc1;
    ends[nletters++] = off;
  }
  low[lowlen] = 0;
  if (nletters < MIN_LETTERS)
    return 0;

  unsigned char brk[MAX_LETTERS];
  if (!find_exception(h, low, lowlen, nletters, brk)) {
    run_patterns(h, low, lowlen, nletters, brk);
    if (h->rules != RULES_NONE)
      fix_malay_id(lc, nletters, brk, h->rules);
  }

  size_t count = 0;
  for (size_t i = 0; i + 1 < nletters && count < max; i++) {
    size_t before = i + 1, after = nletters - before;
    if (brk[i] && before >= (size_t)h->lhmin && after >= (size_t)h->rhmin)
      pos[count++] = ends[i];
  }
  return count;
}
