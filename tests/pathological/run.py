#!/usr/bin/env python3
# run.py -- hostile inputs against `terbit export --pdf --epub`: never a crash, hang or leak.
#
# Usage: run.py --terbit PATH [--assets DIR] [--only SUBSTRING]... [--keep] [--timeout 60]
#               [--mem-gib 2] [--no-mem-limit] [--list]
#
# Each case writes its input into a fresh temporary folder and runs terbit on it with a memory
# limit (RLIMIT_AS, like `ulimit -v`; --no-mem-limit for ASan builds) and a timeout. A case
# passes when terbit
#   - exits 0 with valid outputs: `qpdf --check` clean, the EPUB a zip with `mimetype` first and
#     stored, every XHTML/OPF/NCX/SVG entry well-formed (`xmllint --noout --nonet`), no
#     temporary file left; or
#   - exits 1 or 3 with exactly one error line on stderr, `terbit: FILE[:LINE[:COL]]: message`
#     (LINE and COL required for limits found while reading a source), no output and no
#     temporary file left;
# never by a signal or a timeout; plus the case's own checks (a marker from a file outside the
# source's folder never in the outputs, no <script>/on* in the XHTML, metadata kept exactly,
# a time budget for inputs the Markdown parser handles in quadratic time ...).
# Prints one line per case and `N passed, N failed`; exit status 1 when any case failed.
# Python 3 standard library only; uses qpdf, xmllint and (when present) pdftotext, unshare.

import argparse
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FUZZ_IMAGES = os.path.join(REPO, "tests", "fuzz", "images")

MARKER = b"TERBIT-OUTSIDE-MARKER-7f3a9c"  # inside every file that must never be read
PASSWD_MARKER = b"root:x:0:0:"            # the first line of /etc/passwd

FM = "---\ntitle: Ujian\n---\n\n"

ERROR_RE = re.compile(r"^terbit: (?P<file>[^:\n]+?)(?::(?P<line>\d+))?(?::(?P<col>\d+))?: (?P<msg>\S.*)$")


# ---- small helpers ---------------------------------------------------------------------------

def png_bytes(w=4, h=3, text=None):
    """A valid RGB PNG; text goes into a tEXt chunk and again after IEND (so a copied file
    carries it in the clear)."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes((x * 40) % 256 for x in range(3 * w)) for _ in range(h))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    if text:
        out += chunk(b"tEXt", b"Comment\x00" + text)
    out += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    if text:
        out += text
    return out


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def secret_png(case_dir):
    """outside/secret.png: a valid PNG holding MARKER, in a folder beside the book's."""
    return write(os.path.join(case_dir, "outside", "secret.png"), png_bytes(text=MARKER))


def src(case_dir, text, name="buku.md"):
    return write(os.path.join(case_dir, "book", name), text)


def up_to_root(case_dir):
    """Enough '../' from case_dir/book to reach '/'."""
    depth = len(os.path.realpath(os.path.join(case_dir, "book")).strip("/").split("/"))
    return "../" * (depth + 2)


# ---- cases -----------------------------------------------------------------------------------

class Case:
    def __init__(self, name, make, expect="either", place=False, checks=(), budget=None,
                 timeout=None, net=False, exact_place=None, warn=None):
        self.name = name
        self.make = make          # make(case_dir) -> [source paths] (or (sources, extra args))
        self.expect = expect      # "ok", "error" or "either"
        self.place = place        # an error must carry LINE and COL
        self.exact_place = exact_place  # (line, col) the error must name
        self.checks = list(checks)  # check(ctx) -> list of problems
        self.budget = budget      # seconds: slower is a failure (quadratic inputs)
        self.timeout = timeout
        self.net = net            # run without a network (unshare -n)
        self.warn = warn          # a regex one stderr warning must match


CASES = []


def case(*a, **k):
    CASES.append(Case(*a, **k))


# checks ---------------------------------------------------------------------------------------

def never_contains(marker):
    def check(ctx):
        return [f"{where} contains {marker!r}" for where in ctx.find_bytes(marker)]
    return check


def epub_text_has(*needles):
    def check(ctx):
        if not ctx.epub_ok:
            return []
        text = ctx.epub_text()
        return [f"EPUB text lacks {n!r}" for n in needles if n not in text]
    return check


def epub_links_to(url):
    def check(ctx):
        if not ctx.epub_ok:
            return []
        return [] if url in ctx.epub_hrefs() else [f"EPUB has no link to {url!r}"]
    return check


def no_scripting(ctx):
    problems = []
    for name, root in ctx.epub_xml():
        for el in root.iter():
            tag = el.tag.split("}")[-1].lower() if isinstance(el.tag, str) else ""
            if tag == "script":
                problems.append(f"{name}: <script> element")
            for a, v in el.attrib.items():
                an = a.split("}")[-1].lower()
                if an.startswith("on"):
                    problems.append(f"{name}: event attribute {an}= on <{tag}>")
                if an in ("href", "src") and re.match(r"\s*(javascript|vbscript):", v, re.I):
                    problems.append(f"{name}: script link {v!r}")
    return problems


def metadata_exact(title, author, heading):
    def check(ctx):
        problems = []
        if not ctx.epub_ok:
            return problems
        opf = [r for n, r in ctx.epub_xml() if n.endswith(".opf")]
        dc = "{http://purl.org/dc/elements/1.1/}"
        titles = [t.text for r in opf for t in r.iter(dc + "title")]
        if title not in titles:
            problems.append(f"OPF dc:title is {titles!r}, not {title!r}")
        creators = [t.text for r in opf for t in r.iter(dc + "creator")]
        if author not in creators:
            problems.append(f"OPF dc:creator is {creators!r}, not {author!r}")
        if heading not in ctx.epub_text():
            problems.append(f"EPUB text lacks the heading {heading!r}")
        info = ctx.pdfinfo()
        if info is not None and info.get("Title") != title:
            problems.append(f"PDF Title is {info.get('Title')!r}, not {title!r}")
        return problems
    return check


def no_cr_in_xhtml(ctx):
    return [f"{n}: carriage return kept" for n, data in ctx.epub_entries() if n.endswith(".xhtml") and b"\r" in data]


# generators -----------------------------------------------------------------------------------

def gen_big_source(path, size):
    """A Markdown source of `size` bytes, written in chunks (never held in memory)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    para = ("Perenggan panjang dengan kata-kata biasa untuk mengisi fail yang besar. " * 12 + "\n\n").encode()
    with open(path, "wb") as f:
        f.write(FM.encode())
        n = len(FM)
        while n < size:
            f.write(para)
            n += len(para)
    return path


# hostile sizes and shapes
case("nested-blockquotes-20000", lambda d: [src(d, FM + "> " * 20000 + "dalam\n")], place=True, budget=20)
case("nested-lists-3000", lambda d: [src(d, FM + "".join("  " * i + "- aras %d\n" % i for i in range(3000)))],
     place=True, budget=20)
case("nested-emphasis-32500", lambda d: [src(d, FM + "*" * 32500 + "a" + "*" * 32500 + "\n")], place=True, budget=20)
case("headings-3000", lambda d: [src(d, FM + "".join("## Bab %d\n\nTeks bab %d.\n\n" % (i, i) for i in range(3000)))],
     expect="ok", budget=60)
case("headings-50000", lambda d: [src(d, FM + "".join("# h%d\n" % i for i in range(50000)))], place=True, budget=30)
case("headings-4000-identical", lambda d: [src(d, FM + "# a\n" * 4000)], budget=10, timeout=30)
case("word-30000-letters", lambda d: [src(d, FM + "a" * 30000 + "\n")], expect="ok", budget=30)
case("table-5000-columns", lambda d: [src(d, FM + "|" + "k|" * 5000 + "\n|" + "-|" * 5000 + "\n|" + "x|" * 5000 + "\n")],
     place=True, budget=20)
case("table-64-columns-2000-rows",
     lambda d: [src(d, FM + "|" + "k|" * 64 + "\n|" + "-|" * 64 + "\n" + ("|" + "x|" * 64 + "\n") * 2000)], budget=60)
case("source-100MB", lambda d: [gen_big_source(os.path.join(d, "book", "besar.md"), 100 * 1024 * 1024)],
     expect="error", budget=20)
case("paragraph-200000-words", lambda d: [src(d, FM + "kata " * 200000 + "\n")], budget=60)
case("footnotes-20000",
     lambda d: [src(d, FM + "".join("Ayat %d.[^%d]\n" % (i, i) for i in range(20000)) + "\n" +
                    "".join("[^%d]: Nota %d.\n" % (i, i) for i in range(20000)))], budget=60)

# inputs cmark-gfm 0.29.0.gfm.6 parses in quadratic time (the 2023 fixes are missing); each is
# a few hundred KB, far below the 32 MiB source limit, and a linear parse takes milliseconds
case("quadratic-img-brackets-50000", lambda d: [src(d, FM + "![[]()" * 50000 + "\n")], place=True, budget=2, timeout=30)
case("quadratic-img-brackets-24999", lambda d: [src(d, FM + "![[]()" * 24999 + "\n")], place=True, budget=2, timeout=30)
case("quadratic-html-decl-150000", lambda d: [src(d, FM + "a" + "<!A " * 150000 + "\n")], place=True, budget=2, timeout=30)
case("quadratic-html-pi-300000", lambda d: [src(d, FM + "a" + "<?" * 300000 + "\n")], place=True, budget=2, timeout=30)
case("quadratic-html-cdata-24999", lambda d: [src(d, FM + "a" + "<![CDATA[" * 24999 + "\n")], place=True, budget=2, timeout=30)
case("quadratic-html-comment-50000", lambda d: [src(d, FM + "a" + "<!--" * 50000 + "\n")], place=True, budget=2, timeout=30)
case("quadratic-table-pipes-100000", lambda d: [src(d, FM + "|a|\n|-|\n" + "|" * 100000 + "\n")], place=True, budget=2, timeout=30)
case("quadratic-table-rows-40x9999-pipes", lambda d: [src(d, FM + "|a|\n|-|\n" + ("|" * 9999 + "\n") * 40)], place=True,
     budget=2, timeout=30)
# the same brackets spread over paragraphs: linear, and must stay allowed
case("brackets-in-many-paragraphs", lambda d: [src(d, FM + ("![[]()" * 100 + "\n\n") * 249)], expect="ok", budget=3)

# encodings and odd files
case("binary-file", lambda d: [write(os.path.join(d, "book", "ls.md"), open("/bin/ls", "rb").read())],
     expect="error", place=True)
case("empty-file", lambda d: [src(d, "")], expect="error")
case("only-front-matter", lambda d: [src(d, "---\ntitle: Hanya\n---\n")], expect="ok")
case("byte-order-mark", lambda d: [src(d, "\ufeff" + FM + "# Satu\n\nTeks.\n")], expect="ok",
     checks=[epub_text_has("Satu")])
case("crlf-line-endings", lambda d: [src(d, FM.replace("\n", "\r\n") + "# Satu\r\n\r\nBaris\r\nkedua\r\n")],
     expect="ok", checks=[epub_text_has("Satu", "Baris"), no_cr_in_xhtml])
case("invalid-utf8", lambda d: [src(d, FM.encode() + b"# Satu\n\nab\xff\xfecd\n")], expect="error",
     exact_place=(7, 3))
case("nul-byte", lambda d: [src(d, FM.encode() + b"Teks\n\nxy\x00z\n")], expect="error", exact_place=(7, 3))
def fifo_source(d):
    os.makedirs(os.path.join(d, "book"))
    p = os.path.join(d, "book", "paip.md")
    os.mkfifo(p)
    return [p]


def dir_source(d):
    p = os.path.join(d, "book", "folder.md")
    os.makedirs(p)
    return [p]


case("source-fifo", fifo_source, expect="error", budget=10, timeout=20)
case("source-directory", dir_source, expect="error")
case("source-dev-zero", lambda d: ["/dev/zero"], expect="error", budget=10, timeout=20)
case("control-characters", lambda d: [src(d, FM + "Teks \x0c \x1b \x01 \x7f akhir \ufffe \uffff.\n")], expect="either")

# front matter
case("fm-unterminated", lambda d: [src(d, "---\ntitle: Tiada penutup\n\n# Bab\n")], expect="error")
case("fm-not-yaml", lambda d: [src(d, "---\ntitle: [a\n  b: {\n---\n\nTeks.\n")], expect="error", place=True)
case("fm-wrong-type", lambda d: [src(d, "---\ntitle:\n  a: b\n---\n")], expect="error", place=True)
# issue 12: a front matter without a title is no error; the title is the file's name ("buku")
case("fm-missing-title", lambda d: [src(d, "---\nauthor: Ali\n---\n\nTeks.\n")], expect="ok")
case("fm-not-a-mapping", lambda d: [src(d, "---\n- satu\n- dua\n---\n")], expect="error", place=True)
case("fm-unknown-keys", lambda d: [src(d, "---\ntitle: Ok\nwarna: merah\nlayout: [a, b]\n---\n\nTeks.\n")],
     expect="ok", warn=r"warna")
case("fm-billion-laughs", lambda d: [src(d, "---\n" + "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" +
                                        "".join("%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n" % ((chr(98 + i), chr(98 + i)) + (chr(97 + i),) * 9)
                                                for i in range(9)) + "title: *j\n---\n")],
     expect="error", place=True, budget=5)
case("fm-tag", lambda d: [src(d, "---\ntitle: !!binary aGVsbG8=\n---\n")], expect="error", place=True)
case("fm-huge-block", lambda d: [src(d, "---\ntitle: x\nd: \"" + "a" * 100000 + "\"\n---\n")], expect="error")

# images: refused, missing, broken, far away
def images_case(md, setup=None):
    def make(d):
        book = os.path.join(d, "book")
        os.makedirs(book, exist_ok=True)
        shutil.copy(os.path.join(FUZZ_IMAGES, "dot.png"), book)
        shutil.copy(os.path.join(FUZZ_IMAGES, "photo.jpg"), book)
        secret_png(d)
        write(os.path.join(d, "outside", "secret.txt"), MARKER + b"\n")
        if setup:
            setup(d, book)
        return [src(d, FM + md(d) + "\n")]
    return make


outside_never = [never_contains(MARKER), never_contains(PASSWD_MARKER)]
case("image-missing", images_case(lambda d: "![gambar hilang](tiada.png)"), expect="ok",
     checks=[epub_text_has("gambar hilang")])
case("image-not-an-image", images_case(lambda d: "![teks sahaja](teks.png)",
                                       lambda d, b: write(os.path.join(b, "teks.png"), "hanya teks\n")),
     expect="ok", checks=[epub_text_has("teks sahaja")])
case("image-corrupt-png", images_case(lambda d: "![rosak](rosak.png)",
                                      lambda d, b: shutil.copy(os.path.join(FUZZ_IMAGES, "corrupt.png"), os.path.join(b, "rosak.png"))))
case("image-corrupt-jpeg", images_case(lambda d: "![pendek](pendek.jpg)",
                                       lambda d, b: shutil.copy(os.path.join(FUZZ_IMAGES, "truncated.jpg"), os.path.join(b, "pendek.jpg"))))
case("image-huge-dimensions", images_case(lambda d: "![besar](besar.png)",
                                          lambda d, b: shutil.copy(os.path.join(FUZZ_IMAGES, "huge.png"), os.path.join(b, "besar.png"))),
     budget=20)
case("image-good", images_case(lambda d: "![titik](dot.png) ![foto](photo.jpg)"), expect="ok")
case("image-parent-escape", images_case(lambda d: "![rahsia](../outside/secret.png) ![t](../outside/secret.txt)"),
     checks=outside_never)
case("image-percent-encoded-escape", images_case(lambda d: "![rahsia](..%2Foutside%2Fsecret.png)"), checks=outside_never)
case("image-absolute-path", images_case(lambda d: "![rahsia](%s)" % os.path.join(d, "outside", "secret.png")),
     checks=outside_never)
case("image-symlink-out", images_case(lambda d: "![pautan](pautan.png)",
                                      lambda d, b: os.symlink(os.path.join(d, "outside", "secret.png"), os.path.join(b, "pautan.png"))),
     checks=outside_never)
case("image-symlinked-folder-out", images_case(lambda d: "![pautan](luar/secret.png)",
                                               lambda d, b: os.symlink(os.path.join(d, "outside"), os.path.join(b, "luar"))),
     checks=outside_never)
case("image-etc-passwd", images_case(lambda d: "![p](%setc/passwd) ![p2](/etc/passwd)" % up_to_root(d)),
     checks=outside_never)
case("image-dev-zero", images_case(lambda d: "![z](/dev/zero) ![z2](%sdev/zero)" % up_to_root(d)), budget=20)
case("image-fifo", images_case(lambda d: "![f](paip.png)", lambda d, b: os.mkfifo(os.path.join(b, "paip.png"))),
     budget=20)
case("image-folder", images_case(lambda d: "![f](folder.png)", lambda d, b: os.mkdir(os.path.join(b, "folder.png"))))
case("remote-image-url", images_case(lambda d: "![gambar jauh](https://example.com/gambar.png)"), expect="ok",
     net=True, checks=[epub_text_has("gambar jauh"), epub_links_to("https://example.com/gambar.png")])

# the cover named in the front matter: the same rules as any image
def cover_case(cover, setup=None):
    def make(d):
        book = os.path.join(d, "book")
        os.makedirs(book, exist_ok=True)
        secret_png(d)
        if setup:
            setup(d, book)
        return [src(d, "---\ntitle: Kulit\ncover: %s\n---\n\nTeks.\n" % cover(d))]
    return make


case("cover-parent-escape", cover_case(lambda d: "../outside/secret.png"), checks=outside_never)
case("cover-absolute-path", cover_case(lambda d: os.path.join(d, "outside", "secret.png")), checks=outside_never)
case("cover-symlink-out", cover_case(lambda d: "kulit.png",
                                     lambda d, b: os.symlink(os.path.join(d, "outside", "secret.png"), os.path.join(b, "kulit.png"))),
     checks=outside_never)
case("cover-etc-passwd", cover_case(lambda d: up_to_root(d) + "etc/passwd"), checks=outside_never)
case("cover-dev-zero", cover_case(lambda d: "/dev/zero"), budget=20)
case("cover-fifo", cover_case(lambda d: "paip.png", lambda d, b: os.mkfifo(os.path.join(b, "paip.png"))), budget=20)

# markup that must not become active content
case("raw-html-script", lambda d: [src(d, FM + "<script>alert(1)</script>\n\n<div onclick=\"curi()\">klik</div>\n\n"
                                       "Sebaris <img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\" onmouseover=\"x\">a</a>\n\n"
                                       "[pautan js](javascript:alert(4)) [JS](  JaVaScRiPt:alert(5)) <javascript:alert(6)>\n\n"
                                       "<svg onload=alert(7)><script>alert(8)</script></svg>\n")],
     expect="ok", checks=[no_scripting])

# raw HTML read with gumbo (issue 12): deep, unclosed, huge, hostile; a valid file or one error,
# in bounded time, nothing outside the folder read, no active content
case("html-nested-100000", lambda d: [src(d, FM + "<div>" * 100000 + "teks\n")], place=False, budget=10, timeout=60)
case("html-nested-19000-b", lambda d: [src(d, FM + "<b>" * 19000 + "teks\n")], expect="ok", budget=10, timeout=60,
     checks=[epub_text_has("teks")])
case("html-unclosed-everywhere", lambda d: [src(d, FM + "".join(f"<{t} x=1>kata {t}\n\n" for t in
     ("div", "p", "table", "tr", "td", "ul", "li", "dl", "dt", "details", "summary", "a href=#x", "kbd", "sup",
      "blockquote", "h2", "pre", "span", "em", "strong") * 200) + "akhir\n")], expect="ok", budget=20, timeout=60,
     checks=[epub_text_has("akhir"), no_scripting])
case("html-attribute-1mb", lambda d: [src(d, FM + "<a title=\"" + "x" * (1 << 20) + "\" href=\"#y\">pautan</a>\n\n"
                                          "<img alt=\"" + "y" * (1 << 20) + "\" src=\"z.png\">\n")], budget=10, timeout=60)
case("html-img-etc-passwd", lambda d: [src(d, FM + "<img src=\"/etc/passwd\"> <img src=\"" + up_to_root(d) +
                                           "etc/passwd\"> <img src=\"file:///etc/passwd\">\n")],
     expect="ok", checks=outside_never + [no_scripting])
case("html-hostile-attributes", lambda d: [src(d, FM + "<a href=\"javascript:alert(1)\">a</a> <a href=\" java\tscript:x\">b</a> "
                                               "<a href=\"&#106;avascript:alert(2)\">c</a>\n\n<svg onload=alert(3)><text>svg</text></svg>\n\n"
                                               "<p onclick=\"x()\" style=\"color:red\" class=\"k\">teks</p>\n\n"
                                               "<iframe src=\"https://example.com\"></iframe><object data=x></object>\n")],
     expect="ok", checks=[no_scripting, epub_text_has("teks")])

# XML specials and ']]>' in every metadata field and in headings
SPECIAL = "<&>\"' ]]> &amp; <![CDATA[x]]>"
HEAD = "<&>\"' ]]> x"  # Markdown leaves this as written (SPECIAL's entity and CDATA it would read)
def specials(d):
    q = SPECIAL.replace("\\", "\\\\").replace('"', '\\"')
    fm = ("---\ntitle: \"T %s\"\nsubtitle: \"S %s\"\nauthor: [\"A %s\", \"B %s\"]\nlang: ms\ndate: 2024-02-29\n"
          "category: \"C %s\"\ndescription: \"D %s\"\nkeywords: [\"K %s\", \"]]>\"]\nidentifier: \"urn:x:%s\"\n"
          "rights: \"R %s\"\n---\n\n") % ((q,) * 9)
    body = ("# H " + HEAD + "\n\nTeks `]]>` dan ]]> serta <b>&</b>.\n\n```\n]]> <![CDATA[ & <\n```\n\n"
            "[pautan ]]>](https://example.com/?a=1&b=]]>) ![alt ]]> <&>](tiada.png \"tajuk ]]>\")\n\n"
            "| ]]> | <&> |\n|---|---|\n| ]]> | & |\n\nNota.[^1]\n\n[^1]: Nota ]]> <&>.\n\n## ]]>\n\n### <&>\n")
    return [src(d, fm + body)]


case("xml-specials-everywhere", specials, expect="ok",
     checks=[metadata_exact("T " + SPECIAL, "A " + SPECIAL, "H " + HEAD)])

# a heading whose id would start with "page-" or "fn-" (ids terbit reserves for itself)
case("heading-reserved-id", lambda d: [src(d, FM + "# Page 1\n\nTeks.\n\n## Fn notes\n\nLagi.\n")], expect="ok",
     budget=10, timeout=20)


# ---- running -----------------------------------------------------------------------------------

class Ctx:
    """What one run produced, with lazily computed views of its outputs."""

    def __init__(self, out_dir, stderr):
        self.out_dir = out_dir
        self.stderr = stderr
        self.pdf = next((os.path.join(out_dir, f) for f in os.listdir(out_dir) if f.endswith(".pdf")), None) \
            if os.path.isdir(out_dir) else None
        self.epub = next((os.path.join(out_dir, f) for f in os.listdir(out_dir) if f.endswith(".epub")), None) \
            if os.path.isdir(out_dir) else None
        self.epub_ok = False
        self._entries = None

    def epub_entries(self):
        if self._entries is None:
            self._entries = []
            if self.epub:
                try:
                    with zipfile.ZipFile(self.epub) as z:
                        self._entries = [(i.filename, z.read(i)) for i in z.infolist()]
                except (zipfile.BadZipFile, OSError):
                    pass
        return self._entries

    def epub_xml(self):
        out = []
        for n, data in self.epub_entries():
            if n.endswith((".xhtml", ".opf", ".ncx", ".xml", ".svg")):
                try:
                    out.append((n, ET.fromstring(data)))
                except ET.ParseError:
                    pass
        return out

    def epub_text(self):
        return "\n".join("".join(r.itertext()) for n, r in self.epub_xml() if n.endswith(".xhtml"))

    def epub_hrefs(self):
        return {v for n, r in self.epub_xml() for el in r.iter() for a, v in el.attrib.items()
                if a.split("}")[-1] == "href"}

    def pdfinfo(self):
        if not self.pdf or not shutil.which("pdfinfo"):
            return None
        r = subprocess.run(["pdfinfo", "-enc", "UTF-8", self.pdf], capture_output=True)
        info = {}
        for line in r.stdout.decode("utf-8", "replace").splitlines():
            k, _, v = line.partition(":")
            info[k.strip()] = v.strip()
        return info

    def find_bytes(self, marker):
        """Where marker occurs: raw PDF, the PDF with streams uncompressed, its text, and every
        EPUB entry (decompressed)."""
        hits = []
        if self.pdf:
            with open(self.pdf, "rb") as f:
                if marker in f.read():
                    hits.append("the PDF")
            r = subprocess.run(["qpdf", "--stream-data=uncompress", "--object-streams=disable", self.pdf, "-"],
                               capture_output=True)
            if marker in r.stdout:
                hits.append("the PDF (uncompressed)")
            if shutil.which("pdftotext"):
                r = subprocess.run(["pdftotext", "-q", self.pdf, "-"], capture_output=True)
                if marker in r.stdout:
                    hits.append("the PDF's text")
        if self.epub:
            with open(self.epub, "rb") as f:
                if marker in f.read():
                    hits.append("the EPUB")
            hits += ["EPUB entry " + n for n, data in self.epub_entries() if marker in data]
        return hits


def temp_files(out_dir):
    if not os.path.isdir(out_dir):
        return []
    return [f for f in os.listdir(out_dir) if ".tmp" in f or f.startswith(".")]


def validate_outputs(ctx):
    problems = []
    if not ctx.pdf:
        problems.append("no PDF written")
    else:
        r = subprocess.run(["qpdf", "--check", ctx.pdf], capture_output=True, text=True)
        if r.returncode != 0:
            last = (r.stdout + r.stderr).strip().splitlines()
            problems.append("qpdf --check exit %d: %s" % (r.returncode, last[-1] if last else ""))
    if not ctx.epub:
        problems.append("no EPUB written")
        return problems
    try:
        with zipfile.ZipFile(ctx.epub) as z:
            infos = z.infolist()
            if not infos or infos[0].filename != "mimetype" or infos[0].compress_type != zipfile.ZIP_STORED:
                problems.append("EPUB: mimetype is not the first, stored entry")
            bad = z.testzip()
            if bad:
                problems.append("EPUB: bad CRC in " + bad)
            xml_names = [i.filename for i in infos if i.filename.endswith((".xhtml", ".opf", ".ncx", ".xml", ".svg"))]
            with tempfile.TemporaryDirectory() as td:
                paths = []
                for n in xml_names:
                    p = os.path.join(td, n.replace("/", "__"))
                    with open(p, "wb") as f:
                        f.write(z.read(n))
                    paths.append(p)
                for k in range(0, len(paths), 500):  # a 50,000-chapter book: batches, not one argv
                    r = subprocess.run(["xmllint", "--noout", "--nonet"] + paths[k:k + 500], capture_output=True, text=True)
                    if r.returncode != 0:
                        problems.append("xmllint: " + " | ".join(r.stderr.strip().splitlines()[:3]))
                        break
        ctx.epub_ok = not problems or all(not p.startswith(("EPUB", "xmllint")) for p in problems)
    except zipfile.BadZipFile as e:
        problems.append("EPUB is not a zip: %s" % e)
    return problems


def net_prefix():
    for cmd in (["unshare", "-n"], ["unshare", "-rn"]):
        try:
            if subprocess.run(cmd + ["true"], capture_output=True).returncode == 0:
                return cmd
        except OSError:
            pass
    return None


def run_case(c, args, root):
    d = os.path.join(root, c.name)
    os.makedirs(d)
    made = c.make(d)
    srcs, extra = (made if isinstance(made, tuple) else (made, []))
    out_dir = os.path.join(d, "out")
    cmd = [args.terbit, "export", "--pdf", "--epub", "-o", out_dir + "/"] + extra
    if args.assets:
        cmd += ["--assets", args.assets]
    cmd += srcs
    note = ""
    if c.net:
        pre = net_prefix()
        if pre:
            cmd = pre + ["--"] + cmd
            note = " (no network)"
        else:
            note = " (unshare unavailable: network not isolated)"

    def limits():
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if not args.no_mem_limit:
            lim = int(args.mem_gib * (1 << 30))
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))

    timeout = c.timeout or args.timeout
    errf = open(os.path.join(d, "stderr"), "w+b")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errf,
                         preexec_fn=limits, env=env)
    status, rusage, timed_out = None, None, False
    while True:
        pid, st, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            status, rusage = st, ru
            break
        if time.monotonic() - t0 > timeout:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)
            _, status, rusage = os.wait4(p.pid, 0)
            break
        time.sleep(0.01)
    p.returncode = 0  # reaped above
    elapsed = time.monotonic() - t0
    errf.seek(0)
    stderr = errf.read().decode("utf-8", "replace")
    errf.close()
    for s in srcs:  # the 100 MB source goes at once
        if os.path.getsize(s) > 50 * 1024 * 1024:
            os.unlink(s)

    problems = []
    ctx = Ctx(out_dir, stderr)
    rc = None
    if timed_out:
        problems.append("timed out after %ds" % timeout)
    elif os.WIFSIGNALED(status):
        problems.append("killed by signal %d (%s)" % (os.WTERMSIG(status), signal.Signals(os.WTERMSIG(status)).name))
    else:
        rc = os.WEXITSTATUS(status)
    lines = [l for l in stderr.splitlines() if l.strip()]
    # notes (the language read from the text, issue 12) are no errors either
    errors = [l for l in lines if not l.startswith(("terbit: warning:", "terbit: note:"))]
    if rc == 0:
        if c.expect == "error":
            problems.append("exit 0, expected an error")
        if errors:
            problems.append("exit 0 but stderr has: %r" % errors[0][:200])
        problems += validate_outputs(ctx)
    elif rc in (1, 3):
        if c.expect == "ok":
            problems.append("exit %d, expected success" % rc)
        if len(errors) != 1:
            problems.append("%d error lines on stderr, expected 1: %r" % (len(errors), [e[:120] for e in errors[:3]]))
        elif rc is not None:
            m = ERROR_RE.match(errors[0])
            if not m:
                problems.append("error line not 'terbit: FILE[:LINE[:COL]]: message': %r" % errors[0][:200])
            else:
                if c.place and not (m.group("line") and m.group("col")):
                    problems.append("error names no line and column: %r" % errors[0][:200])
                if c.exact_place and (m.group("line"), m.group("col")) != tuple(map(str, c.exact_place)):
                    problems.append("error at %s:%s, expected %d:%d" % (m.group("line"), m.group("col"), *c.exact_place))
        if ctx.pdf or ctx.epub:
            problems.append("an output was left behind after an error: %s" % [f for f in (ctx.pdf, ctx.epub) if f])
    elif rc is not None:
        problems.append("exit status %d (expected 0, 1 or 3)" % rc)
    left = temp_files(out_dir)
    if left:
        problems.append("temporary files left: %s" % left)
    if c.budget and elapsed > c.budget and not timed_out:
        problems.append("took %.1fs, budget %ds" % (elapsed, c.budget))
    if c.warn and not any(re.search(c.warn, l) for l in lines if l.startswith("terbit: warning:")):
        problems.append("no warning matching %r" % c.warn)
    if rc is not None:
        for chk in c.checks:
            problems += chk(ctx)

    maxrss = rusage.ru_maxrss / 1024 if rusage else 0
    outcome = "timeout" if timed_out else ("signal" if rc is None else "exit %d" % rc)
    first = (errors[0] if errors else (lines[0] if lines else ""))[:110]
    return problems, "%s %.2fs %dMB%s%s" % (outcome, elapsed, maxrss, note, (" | " + first) if first else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--terbit", required=True)
    ap.add_argument("--assets")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--mem-gib", type=float, default=2)
    ap.add_argument("--no-mem-limit", action="store_true", help="for ASan builds (they reserve terabytes)")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    args.terbit = os.path.abspath(args.terbit)
    cases = [c for c in CASES if not args.only or any(o in c.name for o in args.only)]
    if args.list:
        for c in cases:
            print(c.name)
        return 0
    for tool in ("qpdf", "xmllint"):
        if not shutil.which(tool):
            print("run.py: %s is required" % tool, file=sys.stderr)
            return 2
    root = tempfile.mkdtemp(prefix="terbit-patho-")
    passed = failed = 0
    try:
        for c in cases:
            try:
                problems, summary = run_case(c, args, root)
            except Exception as e:  # a broken case is a failure, not the end of the run
                problems, summary = ["the case itself failed: %r" % e], ""
            if problems:
                failed += 1
                print("FAIL %-32s %s" % (c.name, summary))
                for p in problems:
                    print("     - " + p)
            else:
                passed += 1
                print("ok   %-32s %s" % (c.name, summary))
            sys.stdout.flush()
            if not args.keep:
                shutil.rmtree(os.path.join(root, c.name), ignore_errors=True)
    finally:
        if args.keep:
            print("kept: " + root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
