#!/usr/bin/env python3
# check_gfm_corpus.py -- the GFM spec as a book: every example of tests/fixtures/gfm/*.txt is
# split into its own source (split-examples.py) and all of them are exported together as one
# book of 720 chapters with --pdf --epub.
#
# Usage: check_gfm_corpus.py --terbit BIN --corpus tests/fixtures/gfm
#
# Checks: exit 0; qpdf --check clean; mutool renders the PDF and poppler reads it silently;
# EPUBCheck 0 fatal/errors/warnings; every example's text (the text of the HTML the spec expects
# for it) present, in order, in that example's chapter of the EPUB and of the PDF, or else a
# warning on terbit's stderr naming the example's file or the characters that were dropped;
# the nav toc entries read like the headings they link to and equal the PDF's contents entries;
# the page-list agrees with the PDF's pages.
# Exit status: 0 all passed, 1 a check failed, 77 a required tool is missing.
import argparse
import glob
import html.parser
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import e2elib as L  # noqa: E402
import check_epub  # noqa: E402


class TextOf(html.parser.HTMLParser):
    """The text content of an HTML fragment (what a reader sees; attributes are not text).
    Block elements separate words, inline ones do not (as in the EPUB's text).  Footnote
    reference numbers and back-links are left out: a book numbers its notes across chapters.
    Raw HTML is read as a browser (and terbit's HTML5 parser) reads it: the content of script,
    style and the other elements terbit drops is no text, nor is a tag left open at the end."""

    DROPPED = ("script", "style", "textarea", "title", "iframe", "noembed", "noframes",
               "plaintext", "template", "svg", "math", "object", "select", "button")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = []  # stack of tags whose text is left out

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    def close(self):
        if self.rawdata.lstrip().startswith("<"):
            self.rawdata = ""  # a tag never closed: HTML5 drops it with what follows
        super().close()

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag not in ("br", "img", "hr", "input", "wbr") and (self.skip or "footnote-ref" in cls or "footnote-backref" in cls or tag in self.DROPPED):
            self.skip.append(tag)
        if tag in L.BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()
        if tag in L.BLOCK:
            self.parts.append(" ")


def examples(corpus):
    """(number, section, expected HTML) of every example, numbered as split-examples.py does
    (the spec files in sorted order, examples in file order)."""
    out = []
    fence = "`" * 32
    pattern = r"^(#{1,6} [^\n]*)$|^" + fence + r" example[^\n]*\n(.*?)^\.\n(.*?)^" + fence + r"$"
    for spec in sorted(glob.glob(os.path.join(corpus, "*.txt"))):
        with open(spec, encoding="utf-8") as f:
            text = f.read()
        section = ""
        for m in re.finditer(pattern, text, re.M | re.S):
            if m.group(1):
                section = m.group(1).lstrip("#").strip()
                continue
            out.append((len(out) + 1, section, m.group(3)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--terbit", required=True)
    ap.add_argument("--corpus", required=True, help="folder with split-examples.py and the spec .txt files")
    args = ap.parse_args()
    L.need_tools("java", "qpdf", "mutool", "pdftotext", "pdfinfo", "pdffonts")
    R = L.Report("check_gfm_corpus")
    exs = examples(args.corpus)

    with L.TempDir("terbit-e2e-gfm-") as tmp:
        src = os.path.join(tmp, "src")
        rc, out, err = L.run([sys.executable, os.path.join(args.corpus, "split-examples.py"), src])
        files = sorted(glob.glob(os.path.join(src, "*.md")))
        if not R.check("split-examples.py", rc == 0 and len(files) == len(exs) == int(out.strip() or 0),
                       f"exit {rc}, printed {out.strip()!r}, {len(files)} files, {len(exs)} examples parsed here; "
                       f"{L.short(err)}", f"{len(files)} sources"):
            return R.finish()
        outdir = os.path.join(tmp, "out") + "/"
        rc, out, err = L.run([args.terbit, "export", "--pdf", "--epub", "-o", outdir] + files)
        pdf, epub = os.path.join(outdir, "0001.pdf"), os.path.join(outdir, "0001.epub")
        if not R.check("export of all examples as one book", rc == 0 and os.path.isfile(pdf) and os.path.isfile(epub),
                       f"exit {rc}; stderr: {L.short(err, 1200)}", f"{len(err.splitlines())} warnings"):
            return R.finish()

        rc, qout, qerr = L.run(["qpdf", "--check", pdf])
        warn = [l for l in (qout + qerr).splitlines() if "WARNING" in l.upper()]
        R.check("qpdf --check", rc == 0 and not warn, f"exit {rc}; {L.short(' | '.join(warn) or qerr, 600)}")

        nf, ne, nw, msgs, erc, eerr = L.epubcheck(epub, tmp)
        R.check("EPUBCheck: 0 fatal, 0 errors, 0 warnings", nf == 0 and ne == 0 and nw == 0,
                f"fatal={nf} error={ne} warning={nw}: " + L.short(" | ".join(msgs[:30]), 3000))

        rc, errors = L.mutool_draw(pdf, tmp)
        R.check("mutool draw (every page of the PDF)", rc == 0 and not errors,
                f"exit {rc}; {L.short(' | '.join(errors), 600)}")
        noisy = []
        for tool in (["pdftotext", pdf, os.path.join(tmp, "plain.txt")], ["pdfinfo", pdf], ["pdffonts", pdf]):
            trc, tout, terr = L.run(tool)
            if trc != 0 or terr.strip():
                noisy.append(f"{tool[0]}: exit {trc}, {L.short(terr, 200)}")
        R.check("pdftotext, pdfinfo, pdffonts silent on stderr", not noisy, "; ".join(noisy))

        unpacked = os.path.join(tmp, "unpacked")
        os.mkdir(unpacked)
        E = L.Epub(epub, unpacked)
        stream, markers = E.text_stream()
        check_examples(R, exs, [w for w, _ in stream], err, "EPUB")
        book = L.Book(files)
        text = L.PdfText(pdf, book, L.QPDF(pdf))
        check_examples(R, exs, text.words, err, "PDF")
        # the book's navigation, which does not depend on reading the examples' Markdown here
        check_epub.check_nav_targets(R, E, E.nav_list("toc") or [])
        check_epub.check_toc_agreement(R, E, text)
        check_epub.check_page_list(R, E, text, stream, markers)
    return R.finish()


def find(seq, sub, start):
    n = len(sub)
    for i in range(start, len(seq) - n + 1):
        if seq[i:i + n] == sub:
            return i
    return None


def warned_about(n, missing, stderr):
    """Whether stderr names example n's file, or, for every missing word, one of its
    characters (U+XXXX)."""
    if re.search(rf"(^|/){n:04d}\.md:", stderr, re.M):
        return True
    return all(any(f"U+{ord(c):04X}" in stderr for c in w) for w in missing)


def check_examples(R, exs, words, stderr, what):
    """Each example's chapter starts at its title, 'Example N: section'; its expected text must
    be there, in order."""
    anchors = []
    pos = 0
    no_title = []
    for n, section, _ in exs:
        title = L.words(f"Example {n}: {section}")
        at = find(words, title, pos)
        if at is None:
            no_title.append(n)
            anchors.append(None)
        else:
            anchors.append((at, at + len(title)))
            pos = at + len(title)
    R.check(f"every example's chapter title in the {what} text", not no_title,
            f"{len(no_title)} missing: examples {no_title[:40]}")
    silent, warned = [], []
    for k, (n, section, expected_html) in enumerate(exs):
        if anchors[k] is None:
            continue
        end = next((a[0] for a in anchors[k + 1:] if a is not None), len(words))
        seg = words[anchors[k][1]:end]
        p = TextOf()
        p.feed(expected_html)
        p.close()
        want = L.words("".join(p.parts))
        if L.lcs_len(want, seg) == len(want):
            continue
        where = L.align(want, seg)
        missing = [want[i] for i, w in enumerate(where) if w is None]
        if missing:
            entry = f"example {n} ({section}): {len(missing)}/{len(want)} words missing: {L.short(' '.join(missing), 80)}"
            (warned if warned_about(n, missing, stderr) else silent).append(entry)
    for w in warned:
        R.info(f"{what}: dropped with a warning", w)
    R.check(f"every example's text in its {what} chapter (or a warning naming it)", not silent,
            f"{len(silent)} examples lost text silently: " + L.short("; ".join(silent), 3000),
            f"{len(exs)} examples, {len(warned)} with text dropped under a warning")


if __name__ == "__main__":
    sys.exit(main())
