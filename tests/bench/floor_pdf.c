// floor_pdf.c -- the PDF floor of tests/bench/run.sh: the least a libharu program must do to put
// the same words on pages with the same fonts.
//
//   floor_pdf -o OUT.pdf [-f regular=PATH] [-f bold=PATH] [-f italic=PATH]
//             [-f bolditalic=PATH] [-f mono=PATH] SOURCE...
//
// It embeds exactly the faces it is given (run.sh passes the faces that terbit's PDF of the same
// input embeds, read with pdffonts), the way terbit does: HPDF_UseUTFEncodings,
// HPDF_LoadTTFontFromFile(..., HPDF_TRUE), HPDF_GetFont(..., "UTF-8"), HPDF_COMP_ALL. Every word
// is measured with HPDF_Page_TextWidth and painted with its own HPDF_Page_TextOut; lines break
// greedily (first fit, no hyphenation, no justification), paragraphs stack down the page, a new
// page starts when the page is full and at each chapter. Sizes and margins are terbit's A4 ones
// (body 11/15.2 pt, chapter titles 19 pt, headings 15/12.5 pt, margins 82/82/84/92 pt).
// Nothing else: no title or contents page, no running heads, page numbers, outline, links or
// ToUnicode rewrite.
#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floor_common.h"

enum { F_REGULAR, F_BOLD, F_ITALIC, F_BOLD_ITALIC, F_MONO, F_COUNT };
static const char *face_names[F_COUNT] = {"regular", "bold", "italic", "bolditalic", "mono"};

static void on_error(HPDF_STATUS st, HPDF_STATUS detail, void *user) {
  (void)user;
  fprintf(stderr, "floor_pdf: libharu error 0x%04X (detail %u)\n", (unsigned)st, (unsigned)detail);
  exit(3);
}

#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define LEFT 82.0f
#define RIGHT (PAGE_W - 82.0f)
#define TOP (PAGE_H - 84.0f)
#define BOTTOM 92.0f

typedef struct pen {
  HPDF_Doc pdf;
  HPDF_Page page;
  HPDF_Font font[F_COUNT];
  HPDF_Font cur_font;
  float cur_size;
  float x, y; /* next word's position: y is the current baseline */
  float lead;
  int line_empty; /* nothing painted on the current line yet */
  unsigned long pages, words;
} pen;

static HPDF_Font pick(const pen *p, int f) {
  if (p->font[f])
    return p->font[f];
  if ((f == F_BOLD_ITALIC) && p->font[F_BOLD])
    return p->font[F_BOLD];
  return p->font[F_REGULAR] ? p->font[F_REGULAR] : p->font[F_BOLD];
}

static void new_page(pen *p) {
  if (p->page)
    HPDF_Page_EndText(p->page);
  p->page = HPDF_AddPage(p->pdf);
  HPDF_Page_SetWidth(p->page, PAGE_W);
  HPDF_Page_SetHeight(p->page, PAGE_H);
  HPDF_Page_BeginText(p->page);
  p->cur_font = NULL;
  p->y = TOP;
  p->x = LEFT;
  p->line_empty = 1;
  p->pages++;
}

/* Starts a block whose lines are `lead` apart, `skip` below the previous one. */
static void start_block(pen *p, float lead, float skip) {
  p->lead = lead;
  if (p->y != TOP || !p->line_empty)
    p->y -= skip + lead;
  else
    p->y -= lead * 0.74f; /* first baseline of a page */
  if (p->y < BOTTOM)
    new_page(p), p->y -= lead * 0.74f;
  p->x = LEFT;
  p->line_empty = 1;
}

static void word(pen *p, const char *w, int face, float size) {
  HPDF_Font f = pick(p, face);
  if (f != p->cur_font || size != p->cur_size) {
    HPDF_Page_SetFontAndSize(p->page, f, size);
    p->cur_font = f;
    p->cur_size = size;
  }
  float ww = HPDF_Page_TextWidth(p->page, w);
  if (!p->line_empty && p->x + ww > RIGHT) {
    p->y -= p->lead;
    if (p->y < BOTTOM) {
      new_page(p);
      p->y -= p->lead * 0.74f;
      HPDF_Page_SetFontAndSize(p->page, f, size);
      p->cur_font = f;
      p->cur_size = size;
    }
    p->x = LEFT;
  }
  HPDF_Page_TextOut(p->page, p->x, p->y, w);
  p->x += ww + HPDF_Page_TextWidth(p->page, " ");
  p->line_empty = 0;
  p->words++;
}

/* The words of text, with '**', '*', '_' and '`' toggling bold, italic and code. */
static void words(pen *p, char *text, int base_face, float size) {
  int bold = base_face == F_BOLD || base_face == F_BOLD_ITALIC, italic = 0, code = 0;
  for (char *s = text; *s;) {
    while (*s == ' ' || *s == '\t')
      s++;
    if (!*s)
      break;
    char *e = s;
    while (*e && *e != ' ' && *e != '\t')
      e++;
    char save = *e;
    *e = 0;
    /* leading markers */
    for (;;) {
      if (s[0] == '`') {
        code = !code;
        s++;
      } else if (!code && s[0] == '*' && s[1] == '*') {
        bold = !bold;
        s += 2;
      } else if (!code && (s[0] == '*' || s[0] == '_') && s[1]) {
        italic = !italic;
        s++;
      } else
        break;
    }
    /* trailing markers (before trailing punctuation too) */
    int close_bold = 0, close_italic = 0, close_code = 0;
    char *t = e;
    while (t > s && strchr(".,;:!?)", t[-1]))
      t--;
    char *punct = t;
    for (;;) {
      if (t > s && t[-1] == '`' && code) {
        close_code = 1;
        t--;
      } else if (t - s >= 2 && t[-1] == '*' && t[-2] == '*' && bold && base_face != F_BOLD) {
        close_bold = 1;
        t -= 2;
      } else if (t > s && (t[-1] == '*' || t[-1] == '_') && italic) {
        close_italic = 1;
        t--;
      } else
        break;
    }
    if (t != punct)
      memmove(t, punct, (size_t)(e - punct) + 1);
    if (*s) {
      int face = code ? F_MONO : bold ? (italic ? F_BOLD_ITALIC : F_BOLD) : (italic ? F_ITALIC : F_REGULAR);
      word(p, s, face, code ? size * 0.86f : size);
    }
    if (close_code)
      code = 0;
    if (close_bold)
      bold = 0;
    if (close_italic)
      italic = 0;
    *e = save;
    s = e;
  }
}

int main(int argc, char **argv) {
  const char *out = NULL;
  const char *face_path[F_COUNT] = {0};
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc)
      out = argv[++i];
    else if (!strcmp(argv[i], "-f") && i + 1 < argc) {
      const char *a = argv[++i], *eq = strchr(a, '=');
      int k = 0;
      for (; eq && k < F_COUNT; k++)
        if (strlen(face_names[k]) == (size_t)(eq - a) && !strncmp(a, face_names[k], (size_t)(eq - a)))
          break;
      if (!eq || k == F_COUNT) {
        fprintf(stderr, "floor_pdf: -f FACE=PATH with FACE one of regular bold italic bolditalic mono\n");
        return 2;
      }
      face_path[k] = eq + 1;
    } else
      break;
  }
  if (!out || i >= argc || (!face_path[F_REGULAR] && !face_path[F_BOLD])) {
    fprintf(stderr, "usage: floor_pdf -o OUT.pdf -f regular=PATH [-f bold=PATH ...] SOURCE...\n");
    return 2;
  }

  fl_book bk;
  fl_load(&bk, argv + i, argc - i);

  pen p = {0};
  p.pdf = HPDF_New(on_error, NULL);
  HPDF_SetCompressionMode(p.pdf, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(p.pdf);
  for (int k = 0; k < F_COUNT; k++)
    if (face_path[k]) {
      const char *name = HPDF_LoadTTFontFromFile(p.pdf, face_path[k], HPDF_TRUE);
      p.font[k] = HPDF_GetFont(p.pdf, name, "UTF-8");
    }

  int chapter = -1;
  for (size_t b = 0; b < bk.n; b++) {
    fl_block *bl = &bk.b[b];
    if (bl->chapter != chapter) {
      chapter = bl->chapter;
      new_page(&p);
    }
    if (bl->kind == FL_HEADING) {
      int chapter_title = b == 0 || bk.b[b - 1].chapter != bl->chapter;
      float size = chapter_title ? 19.0f : bl->level <= 2 ? 15.0f : bl->level == 3 ? 12.5f : 11.0f;
      start_block(&p, size * 1.25f, chapter_title ? 0 : size * 1.1f);
      words(&p, bl->text, F_BOLD, size);
      p.y -= chapter_title ? 14.0f : size * 0.45f;
    } else {
      start_block(&p, 15.2f, 5.0f);
      char *text = bl->text;
      if (bl->kind == FL_ITEM && (text[0] == '-' || text[0] == '*')) {
        word(&p, "\xE2\x80\xA2", F_REGULAR, 11.0f); /* the bullet; "N." markers are words */
        text += 2;
      }
      words(&p, text, F_REGULAR, 11.0f);
    }
  }
  if (p.page)
    HPDF_Page_EndText(p.page);
  if (HPDF_SaveToFile(p.pdf, out) != HPDF_OK) {
    fprintf(stderr, "floor_pdf: cannot write %s\n", out);
    return 3;
  }
  HPDF_Free(p.pdf);
  fprintf(stderr, "floor_pdf: %d chapters, %lu pages, %lu words\n", bk.nchapters, p.pages, p.words);
  fl_free(&bk);
  return 0;
}
