// main.c -- the terbit command line: one parse, one layout, each backend asked for.
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "version.h"
#include "util/thread.h"

#define DEFAULT_SOURCE "pemasar-digital.md"

static void usage(FILE *f) {
  fputs("Usage: terbit export [--pdf] [--epub] [-o OUT] [--paper SIZE] [--assets DIR] [-M KEY=VALUE]... [SOURCE...]\n"
        "       terbit export --dry-run [--stats] [--paper SIZE] [--assets DIR] [SOURCE...]\n"
        "       terbit dump [-M KEY=VALUE]... SOURCE...\n"
        "       terbit --help | --version\n"
        "\n"
        "Exports Markdown sources (YAML front matter optional) as a paginated PDF and/or an EPUB 3.\n"
        "Several sources make one book, a chapter each. With no SOURCE, the default article\n"
        "(" DEFAULT_SOURCE ") is exported.\n"
        "\n"
        "  --pdf          write a PDF (libharu)\n"
        "  --epub         write an EPUB 3 (libzip)\n"
        "  -o, --output OUT\n"
        "                 a folder (existing, or ending in '/') that receives STEM.pdf and\n"
        "                 STEM.epub; with one format, OUT may be the file name. Default: out/\n"
        "  --paper SIZE   a4 (default), a5 or letter: the PDF's paper, and the page numbers\n"
        "                 of the EPUB's page-list\n"
        "  --assets DIR   fonts, CSS and hyphenation dictionaries (default: found beside the\n"
        "                 program)\n"
        "  -M, --metadata KEY=VALUE\n"
        "                 set a front matter key of the first source (title, lang, author ...),\n"
        "                 checked as the front matter's; repeatable\n"
        "  -q, --quiet    no warnings or notes\n"
        "  --stats        print layout statistics (pages, word spacing) to stderr\n"
        "  --dry-run      read the sources and lay out the pages as the PDF would have them,\n"
        "                 give every warning, write nothing (a check of a book, or a timing)\n"
        "\n"
        "Exit status: 0 done, 1 bad input, 2 usage error, 3 I/O or library error,\n"
        "128+N killed by signal N (no partial output is left behind).\n",
        f);
}

/* A usage error without words of its own: the usage says it. */
static int usage_error(void) {
  usage(stderr);
  return tb_error_code_status(TB_ERR_USAGE);
}

/* Prints err, then the usage when show_usage, and gives err's exit status. */
static int fail(const tb_error *err, bool show_usage) {
  tb_error_print(err);
  if (show_usage)
    usage(stderr);
  return tb_error_exit_status(err);
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

static bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
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

static int cmd_export(int argc, char **argv) {
  static const struct option opts[] = {
      {"pdf", no_argument, NULL, 'P'},        {"epub", no_argument, NULL, 'E'},
      {"output", required_argument, NULL, 'o'}, {"paper", required_argument, NULL, 'p'},
      {"assets", required_argument, NULL, 'a'}, {"quiet", no_argument, NULL, 'q'},
      {"stats", no_argument, NULL, 's'},      {"help", no_argument, NULL, 'h'},
      {"dry-run", no_argument, NULL, 'n'},    {"metadata", required_argument, NULL, 'M'},
      {NULL, 0, NULL, 0}};
  bool want_pdf = false, want_epub = false, stats = false, dry_run = false;
  const char *out = "out/", *assets_opt = NULL;
  int paper = TB_PAPER_A4;
  tb_error err;
  tb_error_clear(&err);
  int c;
  static const char *meta_args[256]; /* -M KEY=VALUE: pointers into argv */
  size_t nmeta = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:qhM:", opts, NULL)) != -1) {
    switch (c) {
    case 'M':
      if (nmeta == sizeof meta_args / sizeof meta_args[0])
        tb_error_set(&err, TB_ERR_USAGE, NULL, 0, 0, "more than %zu -M options", nmeta);
      if (tb_error_is_set(&err) || tb_meta_arg_check(optarg, &err))
        return fail(&err, false);
      meta_args[nmeta++] = optarg;
      break;
    case 'P': want_pdf = true; break;
    case 'E': want_epub = true; break;
    case 'o': out = optarg; break;
    case 'a': assets_opt = optarg; break;
    case 'q': tb_warn_set_quiet(1); break;
    case 's': stats = true; break;
    case 'n': dry_run = true; break;
    case 'p':
      paper = tb_paper_parse(optarg);
      if (paper < 0) {
        tb_error_set(&err, TB_ERR_USAGE, NULL, 0, 0, "unknown paper size '%s' (a4, a5 or letter)", optarg);
        return fail(&err, false);
      }
      break;
    case 'h': usage(stdout); return 0;
    default: return usage_error();
    }
  }
  /* --dry-run writes nothing, whatever else is asked: the layout is the one both formats share
   * (the pages' starts, with every warning and the statistics), and no output is touched */
  if (dry_run)
    want_pdf = want_epub = false;
  else if (!want_pdf && !want_epub) {
    tb_error_set(&err, TB_ERR_USAGE, NULL, 0, 0, "say what to export: --pdf, --epub or both");
    return fail(&err, true);
  }
  char *assets = assets_opt ? realpath(assets_opt, NULL) : find_data("assets", "fonts/CharisSIL-Regular.ttf");
  if (!assets) {
    tb_error_set(&err, TB_ERR_ASSET, assets_opt ? assets_opt : "assets", 0, 0,
                 "assets folder not found (fonts, CSS, hyphenation)");
    return fail(&err, false);
  }
  char *default_src = NULL;
  const char **srcs = (const char **)(argv + optind);
  size_t nsrc = (size_t)(argc - optind);
  if (nsrc == 0) {
    char *dir = find_data("source", DEFAULT_SOURCE);
    if (!dir) {
      tb_error_set(&err, TB_ERR_USAGE, NULL, 0, 0,
                   "the default article " DEFAULT_SOURCE " was not found; name a SOURCE");
      free(assets);
      return fail(&err, false);
    }
    size_t n = strlen(dir) + sizeof DEFAULT_SOURCE + 2;
    default_src = tb_xmalloc(n);
    (void)snprintf(default_src, n, "%s/%s", dir, DEFAULT_SOURCE);
    free(dir);
    srcs = (const char **)&default_src;
    nsrc = 1;
  }

  /* where the outputs go */
  char *stem = stem_of(srcs[0]);
  char pdf_path[PATH_MAX], epub_path[PATH_MAX];
  size_t olen = strlen(out);
  bool folder = is_dir(out) || (olen && out[olen - 1] == '/');
  if (!folder && want_pdf && want_epub) {
    tb_error_set(&err, TB_ERR_USAGE, out, 0, 0, "with --pdf and --epub, -o names a folder (end it with '/')");
    free(stem);
    free(assets);
    free(default_src);
    return fail(&err, false);
  }
  int np, ne;
  if (folder) {
    const char *sep = out[olen - 1] == '/' ? "" : "/";
    np = snprintf(pdf_path, sizeof pdf_path, "%s%s%s.pdf", out, sep, stem);
    ne = snprintf(epub_path, sizeof epub_path, "%s%s%s.epub", out, sep, stem);
  } else {
    np = snprintf(pdf_path, sizeof pdf_path, "%s", out);
    ne = snprintf(epub_path, sizeof epub_path, "%s", out);
  }
  free(stem);
  /* a cut path would name another file */
  if (np < 0 || ne < 0 || (size_t)np >= sizeof pdf_path || (size_t)ne >= sizeof epub_path) {
    tb_error_set(&err, TB_ERR_USAGE, NULL, 0, 0, "-o: the output path is longer than %d bytes", PATH_MAX - 1);
    free(assets);
    free(default_src);
    return fail(&err, false);
  }

  /* one parse, one layout, then each backend; the fonts load on a thread of their own meanwhile
   * (an error in the sources is still the one reported) */
  fonts_job fj;
  fonts_start(&fj, assets);
  tb_doc *doc = tb_load_files_meta(srcs, nsrc, meta_args, nmeta, &err);
  tb_fonts fonts;
  bool fonts_ok = fonts_join(&fj, doc != NULL, &fonts, &err);
  tb_layout *lo = NULL;
  /* The output folder and both temporary files are made before the layout: a target that cannot
   * be written is told at once, not after the work, and from here a signal finds nothing but
   * them to remove. A folder made here is removed again if the export fails. */
  bool ready = fonts_ok;
  if (ready && !dry_run && folder)
    ready = tb_output_make_folder(out, &err) == 0;
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
    (void)tb_output_finish(pdf_out, tb_pdf_write(doc, lo, &fonts, &po, tb_output_path(pdf_out), &err), &err);
  }
  if (job && lo && !tb_error_is_set(&err)) {
    /* the worker thread takes no signal; the archive is made in memory, then written */
    (void)tb_output_finish(epub_out, tb_epub_job_finish(job, tb_output_path(epub_out), &err), &err);
    job = NULL;
  }
  tb_epub_job_cancel(job); /* not written: the layout or the PDF failed */
  tb_output_end(tb_error_is_set(&err)); /* what is left was not written; on failure, the folder */
  tb_layout_free(lo);
  if (fonts_ok)
    tb_fonts_free(&fonts);
  tb_doc_free(doc);
  free(assets);
  free(default_src);
  if (tb_error_is_set(&err))
    return fail(&err, false);
  return 0;
}

static int cmd_dump(int argc, char **argv) {
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
      tb_error_set(&err, TB_ERR_USAGE, NULL, 0, 0, "more than %zu -M options", nmeta);
    if (tb_error_is_set(&err) || tb_meta_arg_check(a, &err))
      return fail(&err, false);
    meta_args[nmeta++] = a;
  }
  if (argi >= argc)
    return usage_error();
  tb_doc *doc = tb_load_files_meta((const char *const *)argv + argi, (size_t)(argc - argi), meta_args, nmeta, &err);
  if (!doc)
    return fail(&err, false);
  tb_buf b = {0};
  tb_doc_dump(doc, &b);
  for (size_t i = 0; i < doc->nheadings; i++)
    tb_buf_printf(&b, "heading %d %s \"%s\"\n", doc->headings[i].level, doc->headings[i].id, doc->headings[i].text);
  tb_buf_printf(&b, "identifier: %s\n", doc->uuid);
  int rc = 0;
  if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
    tb_error_set(&err, TB_ERR_IO, NULL, 0, 0, "cannot write the dump: %s", strerror(errno));
    rc = fail(&err, false);
  }
  tb_buf_free(&b);
  tb_doc_free(doc);
  return rc;
}

int main(int argc, char **argv) {
  find_exe_dir();
  tb_output_install_signals();
  if (argc < 2)
    return usage_error();
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
  tb_error err;
  tb_error_clear(&err);
  tb_error_set(&err, TB_ERR_USAGE, NULL, 0, 0, "unknown command '%s'", argv[1]);
  return fail(&err, true);
}
