#!/usr/bin/env python3
# check_epub.py -- end-to-end test of terbit's EPUB: exports SOURCE(s) as EPUB and PDF in one
# run with the real binary and checks the EPUB with third-party tools (EPUBCheck, xmllint,
# mutool) and the Python standard library, and its page-list against the PDF (pdftotext, qpdf).
#
# Usage: check_epub.py --terbit BIN --source FILE [--source FILE2 ...] [--paper a4|a5|letter]
#
# Checks: EPUBCheck 0 fatal/errors/warnings; mimetype first and stored; xmllint on every
# XHTML/OPF/NCX/SVG; lang and xml:lang on every spine XHTML; nav toc = headings to level 3 in
# order, each link resolving to that heading; landmarks; page-list with one entry per PDF body
# page, each marker followed by the words that open that PDF page; toc.ncx mirrors the toc;
# dc:language, dc:title; accessibility metadata; every body word of the source in order in the
# spine; the PDF's contents page and the nav toc list the same entries; local images in the
# manifest; images with alternative text; links with their targets; mutool renders the EPUB.
# EPUBCheck 4.2.6's command line takes one EPUB per run, so there is one JVM per test.
# Exit status: 0 all passed, 1 a check failed, 77 a required tool is missing.
import argparse
import os
import re
import sys
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import e2elib as L  # noqa: E402

XHTML_NS = L.NS["x"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--terbit", required=True)
    ap.add_argument("--source", action="append", required=True)
    ap.add_argument("--paper", default=None)
    args = ap.parse_args()
    L.need_tools("java", "xmllint", "mutool", "pdftotext", "qpdf")
    R = L.Report("check_epub " + " ".join(os.path.basename(s) for s in args.source))
    book = L.Book(args.source)

    with L.TempDir("terbit-e2e-epub-") as tmp:
        outdir = os.path.join(tmp, "out") + "/"
        cmd = [args.terbit, "export", "--pdf", "--epub", "-o", outdir]
        if args.paper:
            cmd += ["--paper", args.paper]
        rc, out, err = L.run(cmd + args.source)
        stem = os.path.splitext(os.path.basename(args.source[0]))[0]
        epub, pdf = os.path.join(outdir, stem + ".epub"), os.path.join(outdir, stem + ".pdf")
        if not R.check("export", rc == 0 and os.path.isfile(epub) and os.path.isfile(pdf),
                       f"exit {rc}; stderr: {L.short(err, 600)}"):
            return R.finish()
        for line in err.splitlines():
            R.info("terbit stderr", line)

        nf, ne, nw, msgs, erc, eerr = L.epubcheck(epub, tmp)
        R.check("EPUBCheck: 0 fatal, 0 errors, 0 warnings", nf == 0 and ne == 0 and nw == 0,
                f"fatal={nf} error={ne} warning={nw}: " + L.short(" | ".join(msgs), 1500))
        check_zip(R, epub)
        unpacked = os.path.join(tmp, "unpacked")
        os.mkdir(unpacked)
        try:
            E = L.Epub(epub, unpacked)
        except Exception as e:  # an unreadable container fails the rest
            R.check("EPUB container and OPF readable", False, str(e))
            return R.finish()
        check_xml(R, E, book)
        check_metadata(R, E, book)
        toc = check_nav(R, E, book)
        check_ncx(R, E, toc)
        stream, markers = E.text_stream()
        check_words(R, book, stream)
        q = L.QPDF(pdf)
        text = L.PdfText(pdf, book, q)
        check_page_list(R, E, text, stream, markers)
        check_toc_agreement(R, E, text)
        check_images(R, E, book)
        check_links(R, E, book)
        rc, errors = L.mutool_draw(epub, tmp, ("-o", os.path.join(tmp, "x%d.png"), "-r", "30"))
        R.check("mutool draw EPUB", rc == 0 and not errors, f"exit {rc}; {L.short(' | '.join(errors), 400)}")
    return R.finish()


def check_zip(R, epub):
    z = zipfile.ZipFile(epub)
    first = z.infolist()[0]
    ok = (first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
          and z.read(first) == b"application/epub+zip" and not first.extra)
    R.check("mimetype first, stored, no extra field", ok,
            f"first entry {first.filename!r}, compression {first.compress_type}, extra {first.extra!r}, "
            f"content {z.read(first)[:40]!r}")
    with open(epub, "rb") as f:
        head = f.read(58)
    R.check("bytes 30..58 read 'mimetypeapplication/epub+zip'", head[30:58] == b"mimetypeapplication/epub+zip",
            repr(head[30:58]))


def check_xml(R, E, book):
    paths = ["META-INF/container.xml", E.opf_path]
    for m in E.manifest.values():
        if m["type"] in ("application/xhtml+xml", "application/x-dtbncx+xml", "image/svg+xml"):
            paths.append(m["path"])
    rc, msg = L.xmllint([os.path.join(E.dir, p) for p in paths])
    R.check("xmllint --noout --nonet on every XHTML/OPF/NCX/SVG", rc == 0 and not msg,
            f"exit {rc}: {L.short(msg, 800)}", f"{len(paths)} files")
    bad = []
    for item in E.spine:
        if item["type"] != "application/xhtml+xml":
            continue
        root = E.tree(item["path"])
        lang, xlang = root.get("lang"), root.get(L.XML_LANG)
        if lang != book.lang or xlang != book.lang:
            bad.append(f"{item['path']}: lang={lang!r} xml:lang={xlang!r}")
    R.check("every spine XHTML has lang and xml:lang = front matter lang", not bad,
            f"expected {book.lang!r}; " + L.short("; ".join(bad), 800))


def check_metadata(R, E, book):
    langs = [e.text for e in E.dc("language")]
    R.check("dc:language = front matter lang", langs[:1] == [book.lang], f"{langs} vs {book.lang!r}", repr(langs))
    # the main title: the dc:title refined as title-type main, else the first one
    titles = E.dc("title")
    main_title = None
    for t in titles:
        if t.get("id") and "main" in [m.text for m in E.opf.findall("opf:metadata/opf:meta", L.NS)
                                      if m.get("refines") == "#" + t.get("id") and m.get("property") == "title-type"]:
            main_title = t.text
    if main_title is None and titles:
        main_title = titles[0].text
    R.check("dc:title = front matter title", main_title == book.title, f"{main_title!r} vs {book.title!r}",
            repr(main_title))
    missing = [p for p in ("schema:accessMode", "schema:accessibilityFeature", "schema:accessibilitySummary")
               if not any(v.strip() for v in E.meta(p))]
    R.check("accessibility metadata (accessMode, accessibilityFeature, accessibilitySummary)", not missing,
            "missing: " + ", ".join(missing))


def target_text(E, nav_path, href):
    """(zip path, element or None) for an href in the nav document."""
    path = E.rel(href, nav_path)
    if "#" not in href:
        return path, None
    frag = href.split("#", 1)[1]
    if path not in E.names:
        return path, None
    return path, E.ids(path).get(frag)


def heading_text(el):
    """The text of el if it is a heading, else of the first heading inside it."""
    if el is None:
        return None
    if L.local(el.tag) in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return " ".join("".join(el.itertext()).split())
    for h in el.iter():
        if L.local(h.tag) in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return " ".join("".join(h.itertext()).split())
    return None


def check_nav(R, E, book):
    if not R.check("nav document in the manifest", E.nav is not None, "no manifest item with properties=nav"):
        return []
    toc = E.nav_list("toc") or []
    want = [h[1] for h in book.headings if h[0] <= 3]
    got = [t for t, _, _, _ in toc]
    R.check("nav toc entries = headings to level 3, in order",
            [L.words(t) for t in got] == [L.words(t) for t in want],
            f"toc {got} vs headings {want}", f"{len(got)} entries")
    if len(book.sources) > 1:
        have = [L.words(t) for t in got]
        R.check("book: every chapter title in the nav toc, at the top level",
                all(L.words(src.title) in have for src in book.chapter_sources)
                and all(d == 1 for t, _, d, _ in toc if L.words(t) in [L.words(x.title) for x in book.chapter_sources]),
                f"chapter titles {[src.title for src in book.chapter_sources]} vs toc {[(t, d) for t, _, d, _ in toc]}")
    check_nav_targets(R, E, toc)
    return toc


def check_nav_targets(R, E, toc):
    """Each toc entry resolves to a heading that reads like the entry; landmarks resolve."""
    bad = []
    for text, href, depth, _ in toc:
        path, el = target_text(E, E.nav["path"], href or "")
        if path not in E.names:
            bad.append(f"{text!r} -> {href}: no such file")
        elif "#" in (href or "") and el is None:
            bad.append(f"{text!r} -> {href}: no element with that id")
        elif "#" in (href or "") and L.words(heading_text(el) or "") != L.words(text):
            bad.append(f"{text!r} -> {href}: the target reads {heading_text(el)!r}")
    R.check("nav toc links resolve to the headings", not bad, L.short("; ".join(bad), 900))
    lm = E.nav_list("landmarks")
    badlm = [f"{h}" for _, h, _, _ in (lm or []) if E.rel(h or "", E.nav["path"]) not in E.names]
    R.check("nav landmarks present and resolving", bool(lm) and not badlm,
            "no landmarks nav" if not lm else "unresolved: " + ", ".join(badlm),
            ", ".join(f"{t}" for _, _, _, t in lm or []))


def check_toc_agreement(R, E, text):
    """The PDF's contents page and the EPUB's nav toc list the same entries in the same order."""
    entries, start = text.contents_entries()
    pdf = [e["text"] for e in entries]
    nav = [t for t, _, _, _ in (E.nav_list("toc") or [])]
    diff = next((k for k in range(max(len(pdf), len(nav)))
                 if k >= len(pdf) or k >= len(nav) or L.words(pdf[k]) != L.words(nav[k])), None)
    R.check("PDF contents entries = EPUB nav toc entries", diff is None,
            f"{len(pdf)} vs {len(nav)} entries; first difference at entry {None if diff is None else diff + 1}: "
            f"PDF {pdf[diff] if diff is not None and diff < len(pdf) else None!r} vs "
            f"EPUB {nav[diff] if diff is not None and diff < len(nav) else None!r}", f"{len(nav)} entries")


def check_ncx(R, E, toc):
    ncx = next((m for m in E.manifest.values() if m["type"] == "application/x-dtbncx+xml"), None)
    if not R.check("toc.ncx in the manifest", ncx is not None, "no application/x-dtbncx+xml item"):
        return
    root = E.tree(ncx["path"])
    points = []
    for np_ in root.iter(f"{{{L.NS['ncx']}}}navPoint"):
        label = np_.find("ncx:navLabel/ncx:text", L.NS)
        content = np_.find("ncx:content", L.NS)
        points.append((" ".join((label.text or "").split()) if label is not None else "",
                       E.rel(content.get("src"), ncx["path"]) + ("#" + content.get("src").split("#", 1)[1]
                                                                if "#" in content.get("src") else "")
                       if content is not None else None))
    want = [(t, E.rel(h, E.nav["path"]) + ("#" + h.split("#", 1)[1] if "#" in h else "")) for t, h, _, _ in toc]
    R.check("toc.ncx navPoints mirror the nav toc", points == want, f"ncx {points} vs nav {want}",
            f"{len(points)} navPoints")


def check_words(R, book, stream):
    words = [w for w, _ in stream]
    src = [t.text for t in book.tokens if t.kind != "listnum"]  # list numbers are not text in XHTML
    toks = [t for t in book.tokens if t.kind != "listnum"]
    where = L.align(src, words)
    found = L.lcs_len(src, words)  # exact; `where` (for the report and page lookups) may match fewer
    desc, nruns = L.missing_stretches(toks, where)
    ratio = f"{found}/{len(src)} ({100.0 * found / max(1, len(src)):.2f}%)"
    R.check("body words in order in the spine (LCS = 100%)", found == len(src), f"{ratio}; missing: {desc}", ratio)
    bad = []
    for k, note in enumerate(book.notes):
        n, w = L.subsequence_in([t.text for t in note], words)
        if n != len(note):
            d, _ = L.missing_stretches(note, w, 3)
            bad.append(f"note {k + 1}: {n}/{len(note)} words; missing {d}")
    R.check("footnote texts present in the spine", not bad, "; ".join(bad), f"{len(book.notes)} notes")


def first_letter_words(words, k=3, scan=12):
    """The first k words holding a letter (list numbers and bullets are not text in XHTML)."""
    return [w for w in words[:scan] if any(c.isalpha() for c in w)][:k]


def check_page_list(R, E, text, stream, markers):
    pl = E.nav_list("page-list")
    if not R.check("nav page-list present", bool(pl), "no page-list nav"):
        return
    labels = [text.labels[i] for i in text.body_pages]
    got = [t for t, _, _, _ in pl]
    R.check("page-list: one entry per PDF body page, labels in order", got == labels,
            f"page-list {got} vs PDF body labels {labels}", f"{len(got)} entries")
    words = [w for w, _ in stream]
    bad, unresolved = [], []
    for (label, href, _, _), page in zip(pl, text.body_pages):
        frag = (href or "").split("#", 1)[1] if "#" in (href or "") else None
        path = E.rel(href or "", E.nav["path"])
        if frag is None or frag not in markers or markers[frag][1] != path:
            el = E.ids(path).get(frag) if path in E.names and frag else None
            unresolved.append(f"{label} -> {href}" + (" (target is not a pagebreak marker in the spine)" if el is not None else ""))
            continue
        if frag != f"page-{label}":
            unresolved.append(f"{label} -> {href}: marker id is not 'page-{label}'")
        k = markers[frag][0]
        epub_first = first_letter_words(words[k:])
        candidates = []
        for whole in (True, False):
            j = text.page_first_index(page, whole)
            if j is not None:
                candidates.append(first_letter_words(text.words[j:]))
        if not candidates:
            continue  # a PDF page without body words: nothing to compare
        if epub_first not in candidates:
            bad.append(f"page {label}: EPUB marker is followed by {' '.join(epub_first)!r}, "
                       f"PDF page starts with {' / '.join(' '.join(c) for c in candidates)!r}")
    R.check("page-list links resolve to page-N pagebreak markers", not unresolved, L.short("; ".join(unresolved), 800))
    R.check("page-list agrees with the PDF (marker followed by the page's first words)", not bad,
            L.short("; ".join(bad), 1200))


def check_images(R, E, book):
    local = book.local_images()
    imgs = [m for m in E.manifest.values() if m["type"] in ("image/png", "image/jpeg", "image/gif", "image/webp")
            and "cover-image" not in m["props"]]
    R.check("local images in the manifest", len(imgs) >= len(local),
            f"{len(local)} local image(s) in the source, {len(imgs)} raster image(s) in the manifest",
            f"{len(imgs)} for {len(local)}")


def check_links(R, E, book):
    """Every <img> has alternative text; each link of the source is an <a> over its text with
    the URL, or for '#id' with a target that is the heading of that id."""
    anchors, noalt = [], []
    for item in E.spine:
        if item["type"] != "application/xhtml+xml" or "nav" in item["props"]:
            continue
        for el in E.tree(item["path"]).iter():
            tag = L.local(el.tag)
            if tag == "img" and not (el.get("alt") or "").strip() and el.get("role") != "presentation":
                noalt.append(f"{item['path']}: {el.get('src')}")
            if tag == "a" and el.get("href"):
                anchors.append((L.words("".join(el.itertext())), el.get("href"), item["path"]))
    R.check("every image has alternative text", not noalt, ", ".join(noalt))
    slugs = {L.slug(h[1]): h[1] for h in book.headings}
    bad = []
    for ltext, url, line, path in book.links:
        lw = L.words(ltext)
        mine = [(h, p) for w, h, p in anchors if w == lw]
        if url.startswith("#"):
            if url[1:] not in slugs:
                continue
            ok = False
            for h, p in mine:
                tpath = E.rel(h, p) if not h.startswith("#") else p
                frag = h.split("#", 1)[1] if "#" in h else None
                el = E.ids(tpath).get(frag) if tpath in E.names and frag else None
                ok |= L.words(heading_text(el) or "") == L.words(slugs[url[1:]])
            if not ok:
                bad.append(f"line {line}: [{ltext}]({url}) -> {[h for h, _ in mine]}, not the heading {slugs[url[1:]]!r}")
        elif re.match(r"^[a-z][a-z0-9+.-]*:", url):
            if not any(h == url for h, _ in mine):
                bad.append(f"line {line}: [{ltext}]({url}) -> {[h for h, _ in mine] or 'no <a> over that text'}")
    R.check("links of the source are <a> elements with the right target", not bad, L.short("; ".join(bad), 900),
            f"{len(book.links)} links")


if __name__ == "__main__":
    sys.exit(main())
