// main.c -- the terbit command line: one parse, one layout, each backend asked for.
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "epub/epub.h"
#include "input/frontmatter.h"
#include "input/load.h"
#include "layout/layout.h"
#include "pdf/pdf.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/output.h"
#include "util/suggest.h"
#include "version.h"
#include "util/thread.h"

#define DEFAULT_SOURCE "pemasar-digital.md"

static void usage(FILE *f) {
  fputs("Usage: terbit export [--pdf] [--epub] [-o OUT] [--paper SIZE] [--strict] [-M KEY=VALUE]... "
        "[SOURCE...]\n"
        "       terbit export --dry-run [--strict] [--stats] [--paper SIZE] [SOURCE...]\n"
        "       terbit dump [-M KEY=VALUE]... SOURCE...\n"
        "       terbit --help | --version\n"
        "\n"
        "Exports Markdown sources (YAML front matter optional) as a paginated PDF and an EPUB 3.\n"
        "Several sources make one book, a chapter each. With no SOURCE, the default article\n"
        "(" DEFAULT_SOURCE ") is exported.\n"
        "\n"
        "  --pdf, --epub  write only that format (default: both, or the one -o names)\n"
        "  -o, --output OUT\n"
        "                 a folder (ending in '/', or existing; made if missing) that receives\n"
        "                 STEM.pdf and STEM.epub, or one file, FILE.pdf or FILE.epub.\n"
        "                 Default: out/\n"
        "  --paper SIZE   a4 (default), a5 or letter: the PDF's paper, and the page numbers\n"
        "                 of the EPUB's page-list\n"
        "  --assets DIR   fonts, CSS and hyphenation dictionaries (default: found beside the\n"
        "                 program)\n"
        "  -M, --metadata KEY=VALUE\n"
        "                 set a front matter key of the first source; repeatable\n"
        "  --strict       every warning is an error: all are listed, nothing is written, exit 1\n"
        "  -q, --quiet    no warnings or notes (under --strict warnings are errors, and shown)\n"
        "  --stats        print layout statistics (pages, word spacing) to stderr\n"
        "  --dry-run      read the sources and lay out the pages as the PDF would have them,\n"
        "                 give every warning, write nothing (a check of a book, or a timing)\n"
        "\n"
        "Front matter (optional): YAML between two '---' lines at the top of a source, e.g.\n"
        "  ---\n"
        "  title: My guide\n"
        "  lang: en\n"
        "  ---\n"
        "Keys: title (else the opening # heading, else the file name), subtitle, author (one or\n"
        "a list), lang (BCP 47; else ms or en, read from the text),\n"
        "date (YYYY-MM-DD), category, description, keywords (a list), identifier, rights,\n"
        "cover (an image beside the source), class (article or book). See man terbit.\n"
        "\n"
        "Exit status: 0 done, 1 bad input (or a warning under --strict), 2 usage error,\n"
        "3 I/O or library error, 128+N killed by signal N (no partial output is left behind).\n",
        f);
}

/* Prints err and gives its exit status. A usage error gets a second line that sends to the help:
 * the help itself would push the error off the screen. */
static int fail(const tb_error *err) {
  tb_error_print(err);
  int status = tb_error_exit_status(err);
  if (status == tb_error_code_status(TB_ERR_USAGE))
    fputs("terbit: see 'terbit --help'\n", stderr);
  return status;
}

/* A usage error in words of its own (one line), then the pointer to the help. */
static int usage_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_fail(const char *fmt, ...) {
  char msg[sizeof((tb_error *)NULL)->msg];
  va_list ap;
  va_start(ap, fmt);
  (void)vsnprintf(msg, sizeof msg, fmt, ap); /* cut: one line on a screen */
  va_end(ap);
  tb_error err;
  tb_error_clear(&err);
  tb_error_set(&err, TB_ERR_USAGE, NULL, 0, 0, "%s", msg);
  return fail(&err);
}

/* ---- finding our data: beside the binary (build tree or installed), else compiled-in ---- */

static char exe_dir[PATH_MAX];

static void find_exe_dir(void) {
  ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof exe_dir - 1);
  if (n <= 0) {
    exe_dir[0] = 0;
    return;
  }
  exe_dir[n] = 0;
  char *slash = strrchr(exe_dir, '/');
  if (slash)
    *slash = 0;
}

static bool is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first of: EXE/../share/terbit/SUB, EXE/../SUB, TB_SOURCE_DIR/SUB, TB_DATA_DIR/SUB that
 * holds `probe`. */
static char *find_data(const char *sub, const char *probe) {
  static char buf[PATH_MAX * 2];
  const char *bases[4];
  char b0[PATH_MAX + 32], b1[PATH_MAX + 32];
  (void)snprintf(b0, sizeof b0, "%s/../share/terbit", exe_dir);
  (void)snprintf(b1, sizeof b1, "%s/..", exe_dir);
  bases[0] = b0;
  bases[1] = b1;
  bases[2] = TB_SOURCE_DIR;
  bases[3] = TB_DATA_DIR;
  for (int i = 0; i < 4; i++) {
    (void)snprintf(buf, sizeof buf, "%s/%s/%s", bases[i], sub, probe);
    if (is_file(buf)) {
      (void)snprintf(buf, sizeof buf, "%s/%s", bases[i], sub);
      char *r = realpath(buf, NULL);
      return r ? r : tb_xstrdup(buf);
    }
  }
  return NULL;
}

/* ---- the export command ---- */

/* tb_fonts_load on a thread of its own (mapping seven fonts and reading their tables). */
typedef struct fonts_job {
  const char *assets;
  tb_fonts fonts;
  tb_error err;
  int rc;
  tb_task task;
} fonts_job;

static void *fonts_main(void *arg) {
  fonts_job *f = arg;
  f->rc = tb_fonts_load(&f->fonts, f->assets, &f->err);
  return NULL;
}

static void fonts_start(fonts_job *f, const char *assets) {
  memset(f, 0, sizeof *f);
  f->assets = assets;
  tb_error_clear(&f->err);
  tb_task_run(&f->task, fonts_main, f, true);
}

/* Waits for the fonts; true with *out loaded when they are and `want`; else frees them and, if
 * `want`, sets err to their error. */
static bool fonts_join(fonts_job *f, bool want, tb_fonts *out, tb_error *err) {
  tb_task_join(&f->task);
  if (f->rc == 0 && want) {
    *out = f->fonts;
    return true;
  }
  if (f->rc == 0)
    tb_fonts_free(&f->fonts);
  else if (want && err)
    *err = f->err;
  return false;
}

static char *stem_of(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  return tb_xstrndup(base, n);
}

static void print_stats(const tb_layout *lo) {
  fprintf(stderr, "stats: pages=%zu front=%zu spaces=%zu space_median=%.3f space_max=%.3f\n", lo->npages,
          lo->nfront, lo->nspaces, tb_layout_space_median(lo), lo->space_max);
}

/* The values of the long options that have no short form: above any character, so that they
 * are never taken for a short option's letter. */
enum { OPT_PDF = 256, OPT_EPUB, OPT_PAPER, OPT_ASSETS, OPT_STATS, OPT_DRY_RUN, OPT_STRICT };

/* At most 100 bytes of what the user typed go into a message: it stays one line on a screen. */
#define SHOWN(n) ((int)((n) < 100 ? (n) : 100))

/* The usage error for what getopt_long refused: it returned c, ':' for a missing value, else '?'
 * (opterr is 0, so it printed nothing). optopt is the option's value for a missing value or a
 * value given to a flag (--pdf=x), the letter of an unknown short option, or 0 for an unknown or
 * ambiguous long option, which is then argv[optind - 1]. An unknown long option gets the closest
 * known one, if one is near. */
static int bad_option(int c, char **argv, const struct option *opts) {
  const char *arg = argv[optind - 1];
  bool long_arg = !strncmp(arg, "--", 2);
  size_t len = long_arg ? strcspn(arg + 2, "=") : 0; /* the name's, after "--" */
  if (c == ':') {
    if (long_arg)
      return usage_fail("option '--%.*s' needs a value", SHOWN(len), arg + 2);
    return usage_fail("option '-%c' needs a value", optopt);
  }
  for (size_t i = 0; optopt && opts[i].name; i++)
    if (opts[i].val == optopt && opts[i].has_arg == no_argument && long_arg && arg[2 + len] == '=' &&
        !strncmp(opts[i].name, arg + 2, len))
      return usage_fail("option '--%s' takes no value", opts[i].name);
  if (optopt > 0 && optopt < 256)
    return usage_fail("unknown option '-%c'", optopt);
  if (!long_arg)
    return usage_fail("unknown option '%.100s'", arg);
  const char *names[32];
  size_t n = 0, prefix_of = 0;
  for (; n < sizeof names / sizeof names[0] && opts[n].name; n++) {
    names[n] = opts[n].name;
    prefix_of += !strncmp(names[n], arg + 2, len);
  }
  if (prefix_of > 1) /* getopt_long takes a prefix of one name only */
    return usage_fail("option '--%.*s' is ambiguous", SHOWN(len), arg + 2);
  const char *near = tb_suggest(arg + 2, len, names, n, 2);
  if (near)
    return usage_fail("unknown option '--%.*s'; did you mean '--%s'?", SHOWN(len), arg + 2, near);
  return usage_fail("unknown option '--%.*s'", SHOWN(len), arg + 2);
}

/* The format a file name asks for: its extension, .pdf or .epub (ASCII case aside), else 0. */
enum { NAMES_PDF = 1, NAMES_EPUB = 2 };

static int format_of_name(const char *path) {
  size_t n = strlen(path);
  if (n > 4 && !strcasecmp(path + n - 4, ".pdf") && path[n - 5] != '/')
    return NAMES_PDF;
  if (n > 5 && !strcasecmp(path + n - 5, ".epub") && path[n - 6] != '/')
    return NAMES_EPUB;
  return 0;
}

static int cmd_export(int argc, char **argv) {
  static const struct option opts[] = {{"pdf", no_argument, NULL, OPT_PDF},
                                       {"epub", no_argument, NULL, OPT_EPUB},
                                       {"output", required_argument, NULL, 'o'},
                                       {"paper", required_argument, NULL, OPT_PAPER},
                                       {"assets", required_argument, NULL, OPT_ASSETS},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"stats", no_argument, NULL, OPT_STATS},
                                       {"help", no_argument, NULL, 'h'},
                                       {"dry-run", no_argument, NULL, OPT_DRY_RUN},
                                       {"strict", no_argument, NULL, OPT_STRICT},
                                       {"metadata", required_argument, NULL, 'M'},
                                       {NULL, 0, NULL, 0}};
  bool want_pdf = false, want_epub = false, stats = false, dry_run = false, quiet = false, strict = false;
  const char *out = "out/", *assets_opt = NULL;
  int paper = TB_PAPER_A4;
  tb_error err;
  tb_error_clear(&err);
  int c;
  static const char *meta_args[256]; /* -M KEY=VALUE: pointers into argv */
  size_t nmeta = 0;
  optind = 1;
  opterr = 0; /* our own messages: one line each, 'terbit:' first */
  while ((c = getopt_long(argc, argv, ":o:qhM:", opts, NULL)) != -1) {
    switch (c) {
    case 'M':
      if (nmeta == sizeof meta_args / sizeof meta_args[0])
        return usage_fail("more than %zu -M options", nmeta);
      if (tb_meta_arg_check(optarg, &err))
        return fail(&err);
      meta_args[nmeta++] = optarg;
      break;
    case OPT_PDF: want_pdf = true; break;
    case OPT_EPUB: want_epub = true; break;
    case 'o': out = optarg; break;
    case OPT_ASSETS: assets_opt = optarg; break;
    case 'q': quiet = true; break;
    case OPT_STATS: stats = true; break;
    case OPT_DRY_RUN: dry_run = true; break;
    case OPT_STRICT: strict = true; break;
    case OPT_PAPER:
      paper = tb_paper_parse(optarg);
      if (paper < 0)
        return usage_fail("unknown paper size '%.100s' (a4, a5 or letter)", optarg);
      break;
    case 'h': usage(stdout); return 0;
    default: return bad_option(c, argv, opts);
    }
  }
  tb_warn_set_quiet(quiet && !strict); /* under --strict a warning is an error, and shown */

  /* What to write, and where. --dry-run writes nothing, whatever else is asked: the layout is the
   * one both formats share (the pages' starts, with every warning and the statistics), and no
   * output is touched. Else -o is a folder (ending in '/', or one that exists) that receives
   * both formats, or a file whose extension names its one format; no format asked is both, or
   * the one -o names. */
  size_t olen = strlen(out);
  bool folder = (olen && out[olen - 1] == '/') || tb_output_is_dir(out);
  int named = folder ? 0 : format_of_name(out);
  if (dry_run)
    want_pdf = want_epub = false;
  else if (out[0] == '=') /* -o=out/ gives "=out/" */
    return usage_fail("-o '%.100s': a path starting with '=' is refused; did you mean '-o %.100s'?", out,
                      out[1] ? out + 1 : "out/");
  else if (!folder && !named)
    return usage_fail("-o '%.100s' is neither a folder (-o %.100s/) nor a .pdf or .epub file (-o %.100s.pdf)",
                      out, olen ? out : "out", olen ? out : "out");
  else if (!folder && want_pdf && want_epub)
    return usage_fail("-o '%.100s' names one file; with --pdf and --epub, name a folder, ending in '/'", out);
  else if (!folder && (want_pdf || want_epub) && want_pdf != (named == NAMES_PDF))
    return usage_fail("-o '%.100s' names %s file, but --%s was asked", out,
                      named == NAMES_PDF ? "a PDF" : "an EPUB", want_pdf ? "pdf" : "epub");
  else if (!folder) {
    want_pdf = named == NAMES_PDF;
    want_epub = named == NAMES_EPUB;
  } else if (!want_pdf && !want_epub)
    want_pdf = want_epub = true;

  char *assets = assets_opt ? realpath(assets_opt, NULL) : find_data("assets", "fonts/CharisSIL-Regular.ttf");
  if (!assets) {
    tb_error_set(&err, TB_ERR_ASSET, assets_opt ? assets_opt : "assets", 0, 0,
                 "assets folder not found (fonts, CSS, hyphenation)");
    return fail(&err);
  }
  char *default_src = NULL;
  const char **srcs = (const char **)(argv + optind);
  size_t nsrc = (size_t)(argc - optind);
  if (nsrc == 0) {
    char *dir = find_data("source", DEFAULT_SOURCE);
    if (!dir) {
      free(assets);
      return usage_fail("the default article " DEFAULT_SOURCE " was not found; name a SOURCE");
    }
    size_t n = strlen(dir) + sizeof DEFAULT_SOURCE + 2;
    default_src = tb_xmalloc(n);
    (void)snprintf(default_src, n, "%s/%s", dir, DEFAULT_SOURCE);
    free(dir);
    srcs = (const char **)&default_src;
    nsrc = 1;
  }

  /* where the outputs go: the folder to make (with its parents) is -o's, or the file's */
  char *stem = stem_of(srcs[0]);
  char pdf_path[PATH_MAX], epub_path[PATH_MAX], make_dir[PATH_MAX];
  int np, ne, nd;
  if (folder) {
    const char *sep = out[olen - 1] == '/' ? "" : "/";
    np = snprintf(pdf_path, sizeof pdf_path, "%s%s%s.pdf", out, sep, stem);
    ne = snprintf(epub_path, sizeof epub_path, "%s%s%s.epub", out, sep, stem);
    nd = snprintf(make_dir, sizeof make_dir, "%s", out);
  } else {
    const char *slash = strrchr(out, '/');
    np = snprintf(pdf_path, sizeof pdf_path, "%s", out);
    ne = snprintf(epub_path, sizeof epub_path, "%s", out);
    /* "/x.pdf" is in "/"; "x.pdf" in the current folder, made already */
    nd = snprintf(make_dir, sizeof make_dir, "%.*s", slash ? (int)(slash - out) + 1 : 0, out);
  }
  free(stem);
  /* a cut path would name another file */
  if (np < 0 || ne < 0 || nd < 0 || (size_t)np >= sizeof pdf_path || (size_t)ne >= sizeof epub_path ||
      (size_t)nd >= sizeof make_dir) {
    free(assets);
    free(default_src);
    return usage_fail("-o: the output path is longer than %d bytes", PATH_MAX - 1);
  }

  /* one parse, one layout, then each backend; the fonts load on a thread of their own meanwhile
   * (an error in the sources is still the one reported) */
  fonts_job fj;
  fonts_start(&fj, assets);
  tb_doc *doc = tb_load_files_meta(srcs, nsrc, meta_args, nmeta, &err);
  tb_fonts fonts;
  bool fonts_ok = fonts_join(&fj, doc != NULL, &fonts, &err);
  tb_layout *lo = NULL;
  /* The output folder (with its parents) and both temporary files are made before the layout: a
   * target that cannot be written is told at once, not after the work, and from here a signal
   * finds nothing but them to remove. Every folder made here is removed again if the export
   * fails. */
  bool ready = fonts_ok;
  if (ready && !dry_run && make_dir[0])
    ready = tb_output_make_folder(make_dir, &err) == 0;
  tb_output *pdf_out = NULL, *epub_out = NULL;
  if (ready && want_pdf)
    ready = (pdf_out = tb_output_open(pdf_path, srcs, nsrc, &err)) != NULL; /* never over a source */
  if (ready && want_epub)
    ready = (epub_out = tb_output_open(epub_path, srcs, nsrc, &err)) != NULL;
  /* The EPUB is started before the layout: a thread of its own renders and deflates each
   * chapter as soon as the layout has told where its pages begin (the page-list's markers). */
  char source[128];
  (void)snprintf(source, sizeof source, "terbit %s PDF, %s", TB_VERSION, tb_paper_name((tb_paper)paper));
  tb_epub_opts eo = {assets, NULL, 0, source, "terbit " TB_VERSION};
  tb_epub_job *job = ready && want_epub ? tb_epub_job_start(doc, &eo, true) : NULL;
  /* the EPUB alone needs only where pages begin, not what is drawn on them */
  tb_layout_opts lopts = {(tb_paper)paper, assets, !want_pdf, job ? tb_epub_job_pages : NULL, job};
  if (ready)
    lo = tb_layout_new(doc, &fonts, &lopts, &err);
  if (lo && stats)
    print_stats(lo);
  if (lo && want_pdf && !tb_error_is_set(&err)) {
    tb_pdf_opts po = {"terbit " TB_VERSION};
    (void)tb_pdf_write(doc, lo, &fonts, &po, tb_output_path(pdf_out), &err);
  }
  if (job && lo && !tb_error_is_set(&err)) {
    /* the worker thread takes no signal; the archive is made in memory, then written */
    (void)tb_epub_job_finish(job, tb_output_path(epub_out), &err);
    job = NULL;
  }
  tb_epub_job_cancel(job); /* not written: the layout or the PDF failed */
  /* --strict: a warning is an error, wherever it was found (the sources, the layout, the
   * writing), so the outputs land only once every writer has run: they are renamed into place
   * together at the end, or not at all (without --strict too: one failed format, none written).
   * All the warnings were listed as they came. */
  size_t nwarn = tb_warn_count();
  if (strict && nwarn > 0)
    tb_error_set(&err, TB_ERR_INPUT, NULL, 0, 0, "--strict: %zu warning%s, taken as errors; nothing written",
                 nwarn, nwarn == 1 ? "" : "s");
  (void)tb_output_finish(pdf_out, tb_error_is_set(&err) ? -1 : 0, &err);
  (void)tb_output_finish(epub_out, tb_error_is_set(&err) ? -1 : 0, &err);
  tb_output_end(tb_error_is_set(&err)); /* what is left was not written; on failure, the folders */
  tb_layout_free(lo);
  if (fonts_ok)
    tb_fonts_free(&fonts);
  tb_doc_free(doc);
  free(assets);
  free(default_src);
  if (tb_error_is_set(&err))
    return fail(&err);
  return 0;
}

static int cmd_dump(int argc, char **argv) {
  if (argc < 2)
    return usage_fail("dump: name a SOURCE");
  tb_error err;
  tb_error_clear(&err);
  /* -M KEY=VALUE / --metadata KEY=VALUE / --metadata=KEY=VALUE before the sources */
  static const char *meta_args[256];
  size_t nmeta = 0;
  int argi = 1;
  for (; argi < argc; argi++) {
    const char *a = NULL;
    if ((!strcmp(argv[argi], "-M") || !strcmp(argv[argi], "--metadata")) && argi + 1 < argc)
      a = argv[++argi];
    else if (!strncmp(argv[argi], "--metadata=", 11))
      a = argv[argi] + 11;
    else if (!strncmp(argv[argi], "-M", 2) && argv[argi][2])
      a = argv[argi] + 2;
    else
      break;
    if (nmeta == sizeof meta_args / sizeof meta_args[0])
      return usage_fail("more than %zu -M options", nmeta);
    if (tb_meta_arg_check(a, &err))
      return fail(&err);
    meta_args[nmeta++] = a;
  }
  if (argi >= argc)
    return usage_fail("dump: name a SOURCE");
  tb_doc *doc =
      tb_load_files_meta((const char *const *)argv + argi, (size_t)(argc - argi), meta_args, nmeta, &err);
  if (!doc)
    return fail(&err);
  tb_buf b = {0};
  tb_doc_dump(doc, &b);
  for (size_t i = 0; i < doc->nheadings; i++)
    tb_buf_printf(&b, "heading %d %s \"%s\"\n", doc->headings[i].level, doc->headings[i].id,
                  doc->headings[i].text);
  tb_buf_printf(&b, "identifier: %s\n", doc->uuid);
  int rc = 0;
  if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
    tb_error_set(&err, TB_ERR_IO, NULL, 0, 0, "cannot write the dump: %s", strerror(errno));
    rc = fail(&err);
  }
  tb_buf_free(&b);
  tb_doc_free(doc);
  return rc;
}

/* The usage error for a first word that is no command. A source named without the command, or
 * an option before it, gets the command line meant; a misspelt command, the command. */
static int bad_command(int argc, char **argv) {
  static const char *const commands[] = {"export", "dump"};
  const char *word = argv[1];
  size_t n = strlen(word);
  const char *more = argc > 2 ? " ..." : "";
  if (word[0] == '-')
    return usage_fail("unknown option '%.100s' (options follow the command: 'terbit export %.100s%s')", word,
                      word, more);
  if ((n > 3 && !strcmp(word + n - 3, ".md")) || is_file(word))
    return usage_fail("unknown command '%.100s'; did you mean 'terbit export %.100s%s'?", word, word, more);
  const char *near = tb_suggest(word, n, commands, sizeof commands / sizeof commands[0], 2);
  if (near)
    return usage_fail("unknown command '%.100s'; did you mean '%s'?", word, near);
  return usage_fail("unknown command '%.100s' (export or dump)", word);
}

int main(int argc, char **argv) {
  find_exe_dir();
  tb_output_install_signals();
  if (argc < 2)
    return usage_fail("say what to do: 'terbit export SOURCE...' writes a PDF and an EPUB");
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("terbit %s\n", TB_VERSION);
    return 0;
  }
  if (!strcmp(argv[1], "export"))
    return cmd_export(argc - 1, argv + 1);
  if (!strcmp(argv[1], "dump"))
    return cmd_dump(argc - 1, argv + 1);
  return bad_command(argc, argv);
}
