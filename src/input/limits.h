// limits.h -- terbit's explicit input limits (README "Limits"). Exceeding one is an error that
// names the file, line and column; nothing is silently truncated.
#ifndef TB_LIMITS_H
#define TB_LIMITS_H

/* A source file's size. Larger files are refused before parsing. */
#define TB_MAX_SOURCE_BYTES 33554432u /* 32 MiB */
/* Sources on one command line (chapters of one book). */
#define TB_MAX_SOURCES 5000
/* Nesting of containers (block quotes, lists, items, emphasis, links ...) in one chapter. Keeps
 * every XHTML document far below libxml2's 256-element depth, which readers enforce. */
#define TB_MAX_NESTING 48
/* Headings in one book. */
#define TB_MAX_HEADINGS 100000
/* Columns of a table. */
#define TB_MAX_TABLE_COLUMNS 64
/* An image's pixel count (width * height). */
#define TB_MAX_IMAGE_PIXELS 40000000u
/* An image file's size. */
#define TB_MAX_IMAGE_BYTES 33554432u /* 32 MiB */
/* Pathological inline patterns that cmark-gfm 0.29.0.gfm.6 parses in quadratic time: the count
 * of '![' / '[' openers in one source. */
#define TB_MAX_BRACKETS 20000
/* '|' characters on one line: cmark-gfm's table extension parses a row in time quadratic in
 * its pipes (20,000 take 2 s, 50,000 cells 22 s; 40 rows of 9,999, 10 s). A table has at most
 * 64 columns here, so 256 leaves room for pipes inside cells. */
#define TB_MAX_PIPES_PER_LINE 256
/* '<!' and '<?' openers in one source: unclosed HTML declarations, processing instructions and
 * CDATA sections are quadratic in cmark-gfm 0.29.0.gfm.6 (20,000 '<!A ' take 1.1 s). */
#define TB_MAX_HTML_OPENERS 10000
/* Start tags in one piece of raw HTML that gumbo parses (a block container's HTML blocks, or one
 * paragraph's inline HTML): gumbo takes 3 to 5 s on 100,000 nested elements, 0.2 s on 20,000. */
#define TB_MAX_HTML_TAGS 20000
/* Elements nested deeper than this in raw HTML keep their text and lose their markup. */
#define TB_MAX_HTML_DEPTH 256

#endif
