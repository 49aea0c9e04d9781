#!/usr/bin/env python3
# check_html.py -- raw HTML as GitHub renders it (issue 12), on tests/fixtures/html/README.md:
# exported with both formats, no front matter.
#
# Usage: check_html.py --terbit BIN --source tests/fixtures/html/README.md
#
# Checks: exit 0; one warning per dropped element (script, iframe, svg) naming it; no literal tag
# of an allowed element and no text of a dropped one in the PDF's text; every '#frag' link of the
# source a /Link annotation with a destination in the PDF; the EPUB's internal links resolve and
# are as many; <h1 align=center> centred on the page; nothing of the source's markup (script, on* attributes, style, javascript:) in
# the EPUB; <img width> sizes the image in the EPUB; EPUBCheck 0 fatal/errors/warnings.
# Exit status: 0 all passed, 1 a check failed, 77 a required tool is missing.
import argparse
import os
import re
import sys
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tools"))
sys.path.insert(0, here)
import e2elib as L  # noqa: E402
import check_readme_corpus as C  # noqa: E402

DROPPED = ("script", "iframe", "svg")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--terbit", required=True)
    ap.add_argument("--source", required=True)
    a = ap.parse_args()
    L.need_tools("qpdf", "pdftotext", "java")
    R = L.Report("check_html")
    src = os.path.abspath(a.source)
    with open(src, encoding="utf-8") as f:
        text = f.read()
    frags = set(re.findall(r"\]\(#([^)\s]+)\)", text))
    with L.TempDir("terbit-html-") as work:
        rc, out, err = L.run([a.terbit, "export", "-o", work + "/", src])
        if not R.check("export exits 0", rc == 0, f"exit {rc}: {L.short(err, 600)}"):
            sys.exit(R.finish())
        warns = [l for l in err.splitlines() if "warning" in l]
        for tag in DROPPED:
            n = sum(1 for l in warns if re.search(rf"<{tag}>|\b{tag}\b", l))
            R.check(f"one warning for the dropped <{tag}>", n == 1, f"{n} warnings; stderr: {L.short(err, 600)}")
        pdf, epub = os.path.join(work, "README.pdf"), os.path.join(work, "README.epub")
        rc, ptext, perr = L.run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
        R.check("pdftotext silent", rc == 0 and not perr.strip(), L.short(perr, 300))
        tags = [m.group(0) for m in C.TAG_RE.finditer(ptext)]
        R.check("no literal tags in the PDF's text", not tags, L.short(" ".join(tags), 300))
        shown = [w for w in ("never shown", "alert(") if w in ptext]
        R.check("no text of a dropped element in the PDF", not shown, ", ".join(shown))
        R.check("kbd, sup, sub and details text in the PDF",
                all(w in ptext for w in ("Ctrl", "mc2", "H2O", "Show the details", "Hidden Markdown")),
                L.short(ptext, 400))
        pages, _, _ = L.pdf_word_boxes(pdf)
        heads = [(w["y1"] - w["y0"], (w["x0"] + w["x1"]) / 2, pw) for pw, _, ws in pages for w in ws
                 if w["text"] == "Widget"]
        big = max(heads) if heads else None
        R.check("<h1 align=center> centred in the PDF", big and abs(big[1] - big[2] / 2) < 12,
                f"'Widget' at its biggest centred at x={big[1] if big else None} on a page {big[2] if big else None} wide")
        q = L.QPDF(pdf)
        dests = 0
        for i in range(len(q.pages)):
            for an in q.annots(i):
                if isinstance(an, dict) and an.get("/Subtype") == "/Link" and q.link_page(an) is not None:
                    dests += 1
        nlinks = len(re.findall(r"\]\(#", text))
        R.check("every '#frag' link a /Link to a page", dests >= nlinks, f"{dests} internal /Links, {nlinks} in the source")
        kept = C.epub_links(epub)
        R.check("the EPUB's internal links resolve", kept >= nlinks, f"{kept} resolve, {nlinks} in the source ({sorted(frags)})")
        with zipfile.ZipFile(epub) as z:
            xhtml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xhtml"))
        bad = [w for w in ("<script", "onclick", "onload", "javascript:", "style=\"", "<iframe", "<svg")
               if w in xhtml]
        R.check("no source markup in the EPUB", not bad, ", ".join(bad))
        R.check("<img width> sizes the image in the EPUB", re.search(r'<img [^>]*width="120"', xhtml),
                L.short(" ".join(re.findall(r"<img [^>]*>", xhtml)), 300))
        fatal, error, warning, msgs, rc, eerr = L.epubcheck(epub, work)
        R.check("EPUBCheck clean", fatal == 0 and error == 0 and warning == 0,
                f"{fatal} fatal, {error} errors, {warning} warnings: {L.short('; '.join(msgs), 600)}")
    sys.exit(R.finish())


if __name__ == "__main__":
    main()
