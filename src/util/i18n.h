// i18n.h -- every word terbit generates, in the document's language.
#ifndef TB_I18N_H
#define TB_I18N_H

typedef enum {
  TB_STR_CONTENTS,       /* contents page / toc title */
  TB_STR_TITLE_PAGE,     /* landmark: title page */
  TB_STR_BODY,           /* landmark: start of the text */
  TB_STR_PAGE_LIST,      /* page-list nav title */
  TB_STR_LANDMARKS,      /* landmarks nav title */
  TB_STR_COVER,          /* cover */
  TB_STR_FOOTNOTES,      /* footnotes heading */
  TB_STR_BACK,           /* back-link from a footnote */
  TB_STR_FOOTNOTE,       /* "Footnote" (aria label) */
  TB_STR_PAGE,           /* "Page" (aria label of a page break: "Page 3") */
  TB_STR_IMAGE,          /* "Image" (fallback alt) */
  TB_STR_A11Y_NAV_PAGES, /* accessibilitySummary, structure: toc, page markers, reading order */
  TB_STR_A11Y_NAV,       /* ... the same without print page markers */
  TB_STR_A11Y_TEXT,      /* ... and all content is text */
  TB_STR_A11Y_IMAGES,    /* ... or: images have text alternatives */
  TB_STR_AND,            /* joins the last two authors */
  TB_STR__COUNT
} tb_str;

/** The string for key in the language of BCP 47 tag lang (ms, id, en; others fall back to
 * English). Never NULL. */
const char *tb_i18n(const char *lang, tb_str key);

/** A month name (1..12) in lang. */
const char *tb_i18n_month(const char *lang, int month);

/** True when lang's primary subtag equals prim ("ms-MY" matches "ms"), case-insensitively. */
int tb_lang_is(const char *lang, const char *prim);

#endif
