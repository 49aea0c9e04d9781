// i18n.c -- generated words per language (Malay, Indonesian, English).
#include "util/i18n.h"

#include <ctype.h>
#include <stddef.h>

static const char *const ms[TB_STR__COUNT] = {
    [TB_STR_CONTENTS] = "Kandungan",
    [TB_STR_TITLE_PAGE] = "Halaman judul",
    [TB_STR_BODY] = "Mula membaca",
    [TB_STR_PAGE_LIST] = "Senarai halaman",
    [TB_STR_LANDMARKS] = "Panduan",
    [TB_STR_COVER] = "Kulit",
    [TB_STR_FOOTNOTES] = "Nota kaki",
    [TB_STR_BACK] = "Kembali ke teks",
    [TB_STR_FOOTNOTE] = "Nota kaki",
    [TB_STR_PAGE] = "Halaman",
    [TB_STR_IMAGE] = "Gambar",
    [TB_STR_A11Y_NAV_PAGES] =
        "Buku ini mempunyai kandungan, tanda halaman cetak dan susunan bacaan yang tersusun.",
    [TB_STR_A11Y_NAV] = "Buku ini mempunyai kandungan dan susunan bacaan yang tersusun.",
    [TB_STR_A11Y_TEXT] = "Semua kandungannya ialah teks.",
    [TB_STR_A11Y_IMAGES] = "Setiap gambar mempunyai teks alternatif.",
    [TB_STR_AND] = "dan",
};

static const char *const id[TB_STR__COUNT] = {
    [TB_STR_CONTENTS] = "Daftar Isi",
    [TB_STR_TITLE_PAGE] = "Halaman judul",
    [TB_STR_BODY] = "Mulai membaca",
    [TB_STR_PAGE_LIST] = "Daftar halaman",
    [TB_STR_LANDMARKS] = "Panduan",
    [TB_STR_COVER] = "Sampul",
    [TB_STR_FOOTNOTES] = "Catatan kaki",
    [TB_STR_BACK] = "Kembali ke teks",
    [TB_STR_FOOTNOTE] = "Catatan kaki",
    [TB_STR_PAGE] = "Halaman",
    [TB_STR_IMAGE] = "Gambar",
    [TB_STR_A11Y_NAV_PAGES] =
        "Buku ini memiliki daftar isi, penanda halaman cetak, dan urutan baca yang terstruktur.",
    [TB_STR_A11Y_NAV] = "Buku ini memiliki daftar isi dan urutan baca yang terstruktur.",
    [TB_STR_A11Y_TEXT] = "Semua kontennya berupa teks.",
    [TB_STR_A11Y_IMAGES] = "Setiap gambar memiliki teks alternatif.",
    [TB_STR_AND] = "dan",
};

static const char *const en[TB_STR__COUNT] = {
    [TB_STR_CONTENTS] = "Contents",
    [TB_STR_TITLE_PAGE] = "Title page",
    [TB_STR_BODY] = "Start of content",
    [TB_STR_PAGE_LIST] = "List of pages",
    [TB_STR_LANDMARKS] = "Guide",
    [TB_STR_COVER] = "Cover",
    [TB_STR_FOOTNOTES] = "Footnotes",
    [TB_STR_BACK] = "Back to text",
    [TB_STR_FOOTNOTE] = "Footnote",
    [TB_STR_PAGE] = "Page",
    [TB_STR_IMAGE] = "Image",
    [TB_STR_A11Y_NAV_PAGES] =
        "This book has a table of contents, print page markers and a structured reading order.",
    [TB_STR_A11Y_NAV] = "This book has a table of contents and a structured reading order.",
    [TB_STR_A11Y_TEXT] = "All of its content is text.",
    [TB_STR_A11Y_IMAGES] = "Every image has a text alternative.",
    [TB_STR_AND] = "and",
};

static const char *const months_ms[12] = {"Januari",   "Februari", "Mac",      "April",
                                          "Mei",       "Jun",      "Julai",    "Ogos",
                                          "September", "Oktober",  "November", "Disember"};
static const char *const months_id[12] = {"Januari",   "Februari", "Maret",    "April",
                                          "Mei",       "Juni",     "Juli",     "Agustus",
                                          "September", "Oktober",  "November", "Desember"};
static const char *const months_en[12] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

int tb_lang_is(const char *lang, const char *prim) {
  if (!lang)
    return 0;
  size_t i = 0;
  for (; prim[i]; i++)
    if (tolower((unsigned char)lang[i]) != prim[i])
      return 0;
  return lang[i] == 0 || lang[i] == '-' || lang[i] == '_';
}

static const char *const *table(const char *lang) {
  if (tb_lang_is(lang, "ms") || tb_lang_is(lang, "zsm") || tb_lang_is(lang, "may"))
    return ms;
  if (tb_lang_is(lang, "id") || tb_lang_is(lang, "in") || tb_lang_is(lang, "ind"))
    return id;
  return en;
}

const char *tb_i18n(const char *lang, tb_str key) {
  if ((int)key < 0 || key >= TB_STR__COUNT)
    return "";
  return table(lang)[key];
}

const char *tb_i18n_month(const char *lang, int month) {
  if (month < 1 || month > 12)
    return "";
  const char *const *t = table(lang);
  if (t == ms)
    return months_ms[month - 1];
  if (t == id)
    return months_id[month - 1];
  return months_en[month - 1];
}
