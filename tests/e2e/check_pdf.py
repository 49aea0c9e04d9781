#!/usr/bin/env python3
# check_pdf.py -- end-to-end test of terbit's PDF: exports SOURCE(s) with the real binary and
# checks the result with third-party tools only (qpdf, poppler, mupdf).
#
# Usage: check_pdf.py --terbit BIN --source FILE [--source FILE2 ...] [--paper a4|a5|letter]
#
# Checks: qpdf --check clean; poppler tools silent on stderr; every font embedded, subset, with a
# ToUnicode map; one cross-reference stream, the dictionaries in object streams, the size within
# --max-bytes; mutool renders every page; Info Title and catalog /Lang from the front matter;
# page labels (i, ii, ... then 1, 2, ...) and a page number in every body page's footer; every
# body word of the source, in order, in the body pages (running heads and footers left out,
# line-end hyphenation rejoined; LCS must be 100%); footnote texts, each on its reference's page;
# the contents page lists every heading to level 3, with dot leaders and right-aligned numbers,
# each number the label of the page where the heading really is (found by word alignment) and
# each entry a /Link to that page; bookmarks equal the headings and go to their pages; local
# images embedded; links of the source as /Link annotations; page size = --paper; title page
# shows title, subtitle, author; every word inside the page, nothing right of width - 40 pt, no
# line past the text block; hyphenation keeps 2+ letters a side; no heading at a page foot;
# --stats word spacing within bounds. The class of document: a book's chapters each open a page;
# an article's sections flow (a section opens a page only where its heading would be stranded at
# the foot of the last one), at most one body page besides the last ends in its top half, and
# its title is on page i with the contents; --max-pages N: the whole PDF has at most N pages.
# Several --source options make one book (a chapter per source), as on terbit's command line.
# Exit status: 0 all passed, 1 a check failed, 77 a required tool is missing.
import argparse
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import e2elib as L  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--terbit", required=True)
    ap.add_argument("--source", action="append", required=True)
    ap.add_argument("--paper", default=None)
    ap.add_argument("--max-bytes", type=int, default=None, help="the PDF's size must not pass this")
    ap.add_argument("--max-pages", type=int, default=None)
    args = ap.parse_args()
    L.need_tools("qpdf", "pdftotext", "pdfinfo", "pdffonts", "mutool")
    R = L.Report("check_pdf " + " ".join(os.path.basename(s) for s in args.source))
    book = L.Book(args.source)

    with L.TempDir("terbit-e2e-pdf-") as tmp:
        pdf = os.path.join(tmp, "out.pdf")
        cmd = [args.terbit, "export", "--pdf", "--stats", "-o", pdf]
        if args.paper:
            cmd += ["--paper", args.paper]
        rc, out, err = L.run(cmd + args.source)
        if not R.check("export", rc == 0 and os.path.isfile(pdf), f"exit {rc}; stderr: {L.short(err, 600)}"):
            return R.finish()
        for line in err.splitlines():
            if not line.startswith("stats:"):
                R.info("terbit stderr", line)

        check_stats(R, err)
        check_validity(R, pdf, tmp, book)
        check_compact(R, pdf, args.max_bytes)
        q = L.QPDF(pdf)
        check_labels(R, q)
        check_lang(R, q, book)
        text = L.PdfText(pdf, book, q)
        check_margins(R, text)
        where = check_words(R, text, book)
        pages = heading_pages(book, where, text)
        check_contents(R, text, q, book, pages)
        check_outline(R, q, book, pages)
        check_images(R, q, book)
        check_page_size(R, q, args.paper or "a4")
        check_title_page(R, text, book)
        check_text_block(R, text)
        check_hyphenation(R, text, pdf)
        check_stranded_headings(R, book, where, text)
        check_class(R, book, where, text, args.max_pages)
        check_note_pages(R, book, text, where)
        check_links(R, q, text, book, pages)
        check_tags(R, pdf, q, book)
    return R.finish()


def check_stats(R, err):
    m = re.search(r"^stats: pages=(\d+) front=(\d+) spaces=(\d+) space_median=([\d.]+) space_max=([\d.]+)$",
                  err, re.M)
    if not R.check("stats line", m is not None, "no 'stats: pages=N front=N spaces=N space_median=X "
                   "space_max=Y' line on stderr"):
        return
    med, mx = float(m.group(4)), float(m.group(5))
    if int(m.group(3)) == 0:
        R.info("stats", "no justified line: word spacing not checked")
        return
    R.check("stats space_max <= 2.0", mx <= 2.0, f"space_max={mx}", f"space_max={mx}")
    R.check("stats 0.9 <= space_median <= 1.3", 0.9 <= med <= 1.3, f"space_median={med}", f"space_median={med}")


def check_validity(R, pdf, tmp, book):
    rc, out, err = L.run(["qpdf", "--check", pdf])
    warn = [l for l in (out + err).splitlines() if "WARNING" in l.upper()]
    R.check("qpdf --check", rc == 0 and not warn, f"exit {rc}; {L.short(' | '.join(warn) or err, 400)}")

    for tool in (["pdftotext", pdf, os.path.join(tmp, "plain.txt")],
                 ["pdftotext", "-layout", pdf, os.path.join(tmp, "layout.txt")],
                 ["pdftotext", "-raw", "-bbox", pdf, os.path.join(tmp, "bbox.html")],
                 ["pdfinfo", pdf], ["pdffonts", pdf]):
        rc, out, err = L.run(tool)
        R.check(f"{' '.join(tool[:-2] if tool[0] == 'pdftotext' else tool[:1])} stderr empty",
                rc == 0 and not err.strip(), f"exit {rc}; stderr: {L.short(err, 300)}")

    rc, out, err = L.run(["pdffonts", pdf])
    lines = out.splitlines()
    bad = []
    nfonts = 0
    if len(lines) >= 2 and lines[1].startswith("---"):
        # columns from the dashes line: name type encoding emb sub uni object ID
        spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[1])]
        for l in lines[2:]:
            cols = [l[a:b + 1].strip() for a, b in spans]
            nfonts += 1
            if cols[3] != "yes" or cols[4] != "yes" or cols[5] != "yes":
                bad.append(f"{cols[0]} (emb={cols[3]} sub={cols[4]} uni={cols[5]})")
    R.check("pdffonts: every font embedded, subset and uni=yes", nfonts > 0 and not bad,
            f"{nfonts} fonts; bad: {', '.join(bad)}", f"{nfonts} fonts")

    rc, errors = L.mutool_draw(pdf, tmp)
    R.check("mutool draw", rc == 0 and not errors, f"exit {rc}; {L.short(' | '.join(errors), 400)}")

    rc, out, err = L.run(["pdfinfo", pdf])
    m = re.search(r"^Title:\s*(.*)$", out, re.M)
    title = m.group(1).strip() if m else None
    R.check("pdfinfo Title = front matter title", title == book.title, f"{title!r} vs {book.title!r}", repr(title))


def check_compact(R, pdf, max_bytes):
    """One cross-reference stream (no classic table, no update), every dictionary but the
    streams' in object streams, and the size bound when one is given."""
    with open(pdf, "rb") as f:
        data = f.read()
    m = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
    at = int(m.group(1)) if m else -1
    head = data[at:at + 200] if at >= 0 else b""
    R.check("one cross-reference stream",
            re.match(rb"\d+ 0 obj\s*<</Type/XRef", head) is not None and data.count(b"/Type/XRef") == 1
            and b"/Prev" not in head and not re.search(rb"(^|[\r\n])(xref|trailer)\s", data),
            f"startxref {at}: {head[:60]!r}; /Type/XRef x{data.count(b'/Type/XRef')}")
    rc, out, err = L.run(["qpdf", "--show-xref", pdf])
    rows = out.splitlines()
    packed = sum(1 for l in rows if "compressed; stream" in l)
    R.check("dictionaries in object streams", rc == 0 and packed > 0 and packed * 2 > len(rows),
            f"exit {rc}; {packed} of {len(rows)} objects in object streams", f"{packed} of {len(rows)}")
    if max_bytes is not None:
        R.check(f"size at most {max_bytes} bytes", len(data) <= max_bytes, f"{len(data)} bytes", f"{len(data)} bytes")


def check_labels(R, q):
    labels = [q.label(i) for i in range(len(q.pages))]
    R.check("page labels present", all(labels), f"labels: {labels}", f"labels: {labels}")
    R.check("title page label is i", labels[:1] == ["i"], f"first label {labels[:1]}")
    body = [l for i, l in enumerate(labels) if q.label_style(i) == "/D"]
    R.check("body pages labelled 1, 2, 3, ...", body == [str(k + 1) for k in range(len(body))] and body,
            f"body labels: {body}")


def check_lang(R, q, book):
    lang = L.QPDF.text(q.catalog.get("/Lang"))
    R.check("catalog /Lang = front matter lang", lang == book.lang, f"{lang!r} vs {book.lang!r}", repr(lang))


def check_margins(R, text):
    bad, right = [], []
    for i, (w, h, ws) in enumerate(text.pages):
        for word in ws:
            if word["x0"] < 0 or word["x1"] > w or word["y0"] < 0 or word["y1"] > h:
                bad.append(f"page {i + 1}: {word['text']!r} at x {word['x0']:.1f}-{word['x1']:.1f}, "
                           f"y {word['y0']:.1f}-{word['y1']:.1f}")
            elif word["x1"] > w - 40:
                right.append(f"page {i + 1}: {word['text']!r} ends at x={word['x1']:.1f} (page width {w:.1f})")
    R.check("every word box inside the page", not bad, L.short("; ".join(bad), 600))
    R.check("no text right of page width - 40pt", not right, L.short("; ".join(right), 600))


def check_words(R, text, book):
    """Every body word of the source, in order, in the body pages; footnotes anywhere."""
    R.check("footer page number on every body page", not text.footer_missing,
            "missing on pages " + ", ".join(f"{i + 1} (label {text.labels[i]})" for i in text.footer_missing))
    src = [t.text for t in book.tokens]
    where = L.align(src, text.words)
    found = L.lcs_len(src, text.words)  # exact; `where` (for the report and page lookups) may match fewer
    desc, nruns = L.missing_stretches(book.tokens, where)
    ratio = f"{found}/{len(src)} ({100.0 * found / max(1, len(src)):.2f}%)"
    R.check("body words in order (LCS = 100% of the source words)", found == len(src), f"{ratio}; missing: {desc}", ratio)
    bad_notes = []
    for k, note in enumerate(book.notes):
        n, w = L.subsequence_in([t.text for t in note], text.words)
        if n != len(note):
            d, _ = L.missing_stretches(note, w, 3)
            bad_notes.append(f"note {k + 1}: {n}/{len(note)} words; missing {d}")
    R.check("footnote texts present", not bad_notes, "; ".join(bad_notes), f"{len(book.notes)} notes")
    # a prose word broken at a line end must carry a hyphen (URLs, code and very long words may not)
    nohyph = []
    for t in text.stream:
        if t.get("joined"):
            idx = [k for k, w in enumerate(where) if w is not None and text.stream[w] is t]
            kinds = {book.tokens[k].kind for k in idx}
            if kinds == {"prose"} and len(t["text"]) < 30:
                nohyph.append(f"{t['text']!r} on page {t['page'] + 1}")
    R.check("prose words broken only at a hyphen", not nohyph, "broken without a hyphen: " + ", ".join(nohyph))
    return where


def heading_pages(book, where, text):
    """0-based page of each heading's body occurrence (by word alignment), or None."""
    pages = []
    for h in range(len(book.headings)):
        idx = [k for k, t in enumerate(book.tokens) if t.heading == h and where[k] is not None]
        pages.append(text.stream[where[idx[0]]]["page"] if idx else None)
    return pages


def check_contents(R, text, q, book, pages):
    expected = [(k, h) for k, h in enumerate(book.headings) if h[0] <= 3]
    entries, start = text.contents_entries()
    title = L.CONTENTS_TITLES.get(book.lang.split("-")[0], "Contents/Kandungan")
    if not R.check("contents page", start is not None, f"no line reading {title!r} on pages 1-3",
                   f"title {title!r} on page {(start or 0) + 1}, {len(entries)} entries"):
        return
    listed = [L.words(e["text"]) for e in entries]
    want = [L.words(h[1]) for _, h in expected]
    R.check("contents lists every heading to level 3, in order", listed == want,
            f"listed {[e['text'] for e in entries]} vs headings {[h[1] for _, h in expected]}")
    if len(book.sources) > 1:
        titles = [L.words(src.title) for src in book.chapter_sources]
        R.check("book: every chapter title in the contents", all(t in listed for t in titles),
                f"chapter titles {[src.title for src in book.chapter_sources]} vs entries {[e['text'] for e in entries]}")
    nodots = [e["text"] for e in entries if not e["leaders"]]
    R.check("contents entries have dot leaders", not nodots, f"without leaders: {nodots}")
    xs = [e["num_x1"] for e in entries if e["num_x1"] is not None]
    R.check("contents page numbers right-aligned", not xs or max(xs) - min(xs) <= 1.0,
            "right edges of the numbers: " + ", ".join(f"{e['num']}@{e['num_x1']:.1f}" for e in entries
                                                        if e["num_x1"] is not None))
    # match entries to headings in order by text
    numbers, links = [], []
    ei = 0
    for k, h in expected:
        while ei < len(entries) and L.words(entries[ei]["text"]) != L.words(h[1]):
            ei += 1
        if ei >= len(entries):
            numbers.append(f"{h[1]!r}: no entry")
            continue
        num, epage, boxes = entries[ei]["num"], entries[ei]["page"], entries[ei]["boxes"]
        ei += 1
        page = pages[k]
        if page is None:
            numbers.append(f"{h[1]!r}: heading not found in the body text")
            continue
        label = text.labels[page]
        if num != label:
            numbers.append(f"{h[1]!r}: contents says {num}, heading is on page {page + 1} labelled {label}")
        # a /Link over the entry, going to the heading's page
        ph = text.pages[epage][1]
        dests = []
        for a in q.annots(epage):
            if not isinstance(a, dict) or a.get("/Subtype") != "/Link":
                continue
            r = [float(x) for x in q.get(a.get("/Rect"))]
            top, bottom = ph - max(r[1], r[3]), ph - min(r[1], r[3])
            if any(min(bottom, b[3]) - max(top, b[1]) > 0.3 * (b[3] - b[1]) for b in boxes):
                dests.append(q.link_page(a))
        if not dests:
            links.append(f"{h[1]!r}: no /Link annotation over the entry")
        elif page not in dests:
            links.append(f"{h[1]!r}: link goes to page {[d + 1 if d is not None else None for d in dests]}, "
                         f"heading is on page {page + 1}")
    R.check("contents page numbers = labels of the headings' pages", not numbers, L.short("; ".join(numbers), 900))
    R.check("contents entries link to the headings' pages", not links, L.short("; ".join(links), 900))


def check_outline(R, q, book, pages):
    ol = q.outline()
    got = [t for t, _, _ in ol]
    want = [h[1] for h in book.headings]
    R.check("bookmarks = headings, in order", [L.words(t) for t in got] == [L.words(t) for t in want],
            f"bookmarks {got} vs headings {want}", f"{len(got)} bookmarks")
    if [L.words(t) for t in got] != [L.words(t) for t in want]:
        return  # the targets can only be paired with headings when the titles agree
    bad = []
    for k, (t, lvl, p) in enumerate(ol):
        if pages[k] is not None and p != pages[k]:
            bad.append(f"{t!r} goes to page {None if p is None else p + 1}, heading is on page {pages[k] + 1}")
    R.check("bookmarks go to the headings' pages", not bad, L.short("; ".join(bad), 600))


def check_images(R, q, book):
    local = book.local_images()
    n = sum(len(p.get("images", [])) for p in q.pages)
    R.check("local images embedded", n >= len(local),
            f"{len(local)} local image(s) in the source ({', '.join(local)}), {n} image XObject(s) on the pages",
            f"{n} image XObject(s) for {len(local)} local image(s)")


PAPERS = {"a4": (595.276, 841.89), "a5": (419.528, 595.276), "letter": (612.0, 792.0)}


def check_page_size(R, q, paper):
    w, h = PAPERS[paper.lower()]
    bad = []
    for i in range(len(q.pages)):
        box = q.page_size(i)
        if not box or abs(box[2] - box[0] - w) > 0.5 or abs(box[3] - box[1] - h) > 0.5:
            bad.append(f"page {i + 1}: {box}")
    R.check(f"every page is {paper} ({w} x {h} pt)", not bad, L.short("; ".join(bad), 400))


def check_title_page(R, text, book):
    if not text.pages:
        return
    have = L.words(" ".join(w["text"] for w in text.pages[0][2]))
    missing = []
    for key in ("title", "subtitle", "author"):
        val = book.sources[0].meta.get(key)
        if isinstance(val, list):
            val = " ".join(val)
        if val:
            n, _ = L.subsequence_in(L.words(val), have)
            if n != len(L.words(val)):
                missing.append(f"{key} {val!r}")
    R.check("title page shows the title, subtitle and author", not missing,
            "missing on page 1: " + ", ".join(missing) + f"; page 1 reads {' '.join(have)!r}")


def check_text_block(R, text):
    """No body line sticks out past the right edge of the text block (the rightmost edge that
    at least three lines share: justified lines end there)."""
    import collections
    edges = collections.Counter()
    for i in text.body_pages:
        for l in text.body_lines.get(i, []):
            edges[round(L.line_box(l)[2], 1)] += 1
    shared = [x for x, n in edges.items() if n >= 3]  # justified lines share their right edge
    long_lines = [(i, l) for i in text.body_pages for l in text.body_lines.get(i, []) if len(l) >= 8]
    if not shared:
        R.check("justified lines share a right edge", not long_lines,
                f"{len(long_lines)} body lines of 8+ words, no right edge shared by 3 of them")
        return
    right = max(shared)
    # Justified lines end flush: a line's spaces are widened by TJ adjustments, so a wrong
    # adjustment (its sign, its unit) moves every line end off the edge. Not all long lines are
    # justified (code, tables, a paragraph's last line): a quarter is the floor (the fixtures
    # have 25% to 97%).
    flush = sum(1 for _, l in long_lines if abs(L.line_box(l)[2] - right) <= 0.3)
    if long_lines:
        R.check("a quarter of body lines of 8+ words end flush at the right edge", flush * 4 >= len(long_lines),
                f"{flush} of {len(long_lines)} within 0.3 pt of x={right}", f"{flush} of {len(long_lines)}")
    over = []
    for i in text.body_pages:
        for l in text.body_lines.get(i, []):
            x1 = L.line_box(l)[2]
            if x1 > right + 1.0:
                over.append(f"page {text.labels[i]}: {L.short(L.line_text(l), 50)!r} ends at {x1:.1f}")
    R.check(f"no line past the text block's right edge (x={right})", not over, L.short("; ".join(over), 800))


def pdf_strings(ops):
    """The bytes of the strings among content-stream operators (hex or literal)."""
    out = b""
    for m in re.finditer(r"<([0-9A-Fa-f\s]*)>|\(((?:\\.|[^\\)])*)\)", ops, re.S):
        if m.group(1) is not None:
            out += bytes.fromhex(re.sub(r"\s", "", m.group(1)))
        else:
            lit = re.sub(r"\\([nrtbf()\\])", lambda e: {"n": "\n", "r": "\r", "t": "\t", "b": "\b",
                                                       "f": "\f"}.get(e.group(1), e.group(1)), m.group(2))
            out += lit.encode("latin-1", "replace")
    return out


def hyphen_spans(pdf):
    """The /Span marked-content sequences (ISO 32000-1 §14.9.4) in content order: (the /ActualText,
    the text of the glyphs painted in it: terbit's 2-byte codes are the code points)."""
    rc, out, err = L.run(["qpdf", "--qdf", "--object-streams=disable", pdf, "-"])
    spans = []
    for m in re.finditer(r"/Span\s*<<\s*/ActualText\s*(<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))\s*/MCID\s+\d+\s*>>"
                         r"\s*BDC(.*?)\bEMC", out, re.S):
        a = pdf_strings(m.group(1))  # a text string: UTF-16BE after its mark, else PDFDocEncoding
        actual = a[2:].decode("utf-16-be") if a[:2] == b"\xfe\xff" else a.decode("latin-1")
        spans.append((actual, pdf_strings(m.group(2)).decode("utf-16-be", "replace")))
    return spans


def check_hyphenation(R, text, pdf):
    """A word hyphenated at a line end keeps at least two letters on each side; each reads whole:
    its first half, with a soft hyphen (U+00AD), is a /Span whose /ActualText is the word, its
    second half the next /Span, whose /ActualText is empty (pdf.c)."""
    bad = []
    for left, right, page in text.hyphen_breaks:
        a = re.split(r"[^\w]", left[:-1])[-1]
        b = re.split(r"[^\w]", right)[0]
        if (a and len(a) < 2) or (b and len(b) < 2):
            bad.append(f"{left}|{right} (page {text.labels[page]})")
    found = hyphen_spans(pdf)
    spans, badspan = [], []
    for (actual, first), (empty, second) in zip(found[0::2], found[1::2]):
        spans.append(actual)
        if (empty or not first.endswith("\u00ad") or "\u00ad" in first[:-1] + second
                or first[:-1] + second != actual or " " in actual):
            badspan.append(f"{actual!r} over {first!r}, {empty!r} over {second!r}")
        elif len(re.split(r"[^\w]", first[:-1])[-1]) < 2 or len(re.split(r"[^\w]", second)[0]) < 2:
            bad.append(f"{first[:-1]}-|{second}")
    if len(found) % 2:
        badspan.append(f"a /Span without its second half: {found[-1]!r}")
    R.check("hyphenation leaves at least 2 letters on each side", not bad, ", ".join(bad),
            f"{len(text.hyphen_breaks) + len(spans)} hyphenated line ends")
    R.check("a hyphenated word reads whole: /Span (word) over its first half and a soft hyphen, /Span () over "
            "its second", not badspan, L.short(", ".join(badspan), 600), f"{len(spans)} words")


def check_stranded_headings(R, book, where, text):
    """A heading is on the same page as the text that follows it (keep with next)."""
    bad = []
    for h in range(len(book.headings)):
        idx = [k for k, t in enumerate(book.tokens) if t.heading == h]
        if not idx or where[idx[-1]] is None:
            continue
        # the first word after the heading and any deeper headings right after it
        level, nxt = book.headings[h][0], None
        for k in range(idx[-1] + 1, len(book.tokens)):
            hk = book.tokens[k].heading
            if hk is None:
                nxt = k
                break
            if hk != h and book.headings[hk][0] <= level:
                break  # followed by a heading of its level or above: nothing of its own
        if nxt is None or where[nxt] is None:
            continue
        p0, p1 = text.stream[where[idx[-1]]]["page"], text.stream[where[nxt]]["page"]
        if p0 != p1:
            bad.append(f"{book.headings[h][1]!r} at the foot of page {text.labels[p0]}, its text on page {text.labels[p1]}")
    R.check("no heading stranded at the foot of a page", not bad, L.short("; ".join(bad), 800))


def first_token_pages(book, where, text):
    """The page of the first body word of each page: {page: index of the first token on it}."""
    first = {}
    for k in range(len(book.tokens)):
        if where[k] is not None:
            first.setdefault(text.stream[where[k]]["page"], k)
    return first


def check_class(R, book, where, text, max_pages):
    cls = book.doc_class
    npages = len(text.pages)
    if max_pages is not None:
        R.check(f"at most {max_pages} pages", npages <= max_pages, f"{npages} pages")
    front = [i for i in range(npages) if i not in text.body_pages]
    if cls == "article":
        _, start = text.contents_entries()
        listed = any(h[0] <= 3 for h in book.headings)
        R.check("article: the contents begin on page i, under the title", start == 0 if listed else len(front) == 1,
                f"contents on page {start}, {len(front)} front pages", f"{len(front)} front pages")
    first = first_token_pages(book, where, text)
    opens = {}  # heading -> page where it begins
    for h in book.chapter_headings():
        idx = [k for k, t in enumerate(book.tokens) if t.heading == h and where[k] is not None]
        if idx:
            opens[h] = text.stream[where[idx[0]]]["page"]
    if cls == "book":
        bad = [f"{book.headings[h][1]!r} on page {text.labels[p]}" for h, p in opens.items()
               if first.get(p) is None or book.tokens[first[p]].heading != h]
        R.check("book: each chapter opens a page", not bad, L.short("; ".join(bad), 600),
                f"{len(opens)} chapters")
        return
    # An article: where a text line ends on a page, from the top of the text block (points).
    bottoms = {}
    for i in text.body_pages:
        lines = text.body_lines.get(i, [])
        if lines:
            bottoms[i] = max(L.line_box(ln)[3] for ln in lines)
    tops = {i: min(L.line_box(ln)[1] for ln in text.body_lines[i]) for i in bottoms}
    if not bottoms:
        return
    block_top = min(tops.values())
    block_bottom = max(bottoms.values())
    middle = block_top + (block_bottom - block_top) / 2
    body = [i for i in text.body_pages if i in bottoms]
    short = [text.labels[i] for i in body[:-1] if bottoms[i] < middle]
    R.check("article: at most one body page besides the last ends in its top half", len(short) <= 1,
            f"pages {short} end above the middle", f"{len(body)} body pages")
    # A section opens a page only where its heading and two lines would not fit below the last
    # line of the page before (a heading of 15 pt with its space, two lines of 15.2 pt: < 90 pt).
    bad = []
    for h, p in opens.items():
        if first.get(p) is None or book.tokens[first[p]].heading != h or p - 1 not in bottoms:
            continue
        room = block_bottom - bottoms[p - 1]
        if room > 90:
            bad.append(f"{book.headings[h][1]!r} opens page {text.labels[p]} with {room:.0f} pt free above")
    R.check("article: a section opens a page only where its heading would be stranded", not bad,
            L.short("; ".join(bad), 600), f"{len(opens)} sections")


def check_note_pages(R, book, text, where):
    """Each footnote starts on the page of its reference (its first words are on that page)."""
    bad = []
    for note, at in book.noterefs:
        before = next((k for k in range(at - 1, -1, -1) if where[k] is not None), None)
        if before is None:
            continue
        ref_page = text.stream[where[before]]["page"]
        head = [t.text for t in book.notes[note][:4]]
        on_page = [t["text"] for t in text.stream if t["page"] == ref_page]
        if head and L.lcs_len(head, on_page) != len(head):
            bad.append(f"note {note + 1} (line {book.notes[note][0].line}, {' '.join(head)!r}…) referenced on page "
                       f"{text.labels[ref_page]}, not printed there")
    R.check("footnotes start on the page of their reference", not bad, "; ".join(bad),
            f"{len(book.noterefs)} references")


def check_links(R, q, text, book, pages):
    """Each link of the source is a /Link over its text: a URI action with the URL, or for
    '#id' a destination on the page of the heading with that id."""
    annots = []  # (set of words under the link, uri or None, destination page or None)
    for i in range(len(q.pages)):
        ph = text.pages[i][1] if i < len(text.pages) else 0
        for a in q.annots(i):
            if not isinstance(a, dict) or a.get("/Subtype") != "/Link":
                continue
            r = [float(x) for x in q.get(a.get("/Rect"))]
            top, bottom, x0, x1 = ph - max(r[1], r[3]), ph - min(r[1], r[3]), min(r[0], r[2]), max(r[0], r[2])
            under = set()
            for w in text.pages[i][2]:
                if min(bottom, w["y1"]) - max(top, w["y0"]) > 0.3 * (w["y1"] - w["y0"]) and \
                        min(x1, w["x1"]) - max(x0, w["x0"]) > 0.3 * (w["x1"] - w["x0"]):
                    under.update(L.words(w["text"]))
            act = q.get(a.get("/A"))
            uri = L.QPDF.text(q.get(act.get("/URI"))) if isinstance(act, dict) and act.get("/S") == "/URI" else None
            annots.append((under, uri, q.link_page(a)))
    slugs = {L.slug(h[1]): k for k, h in enumerate(book.headings)}
    bad = []
    for ltext, url, line, path in book.links:
        lw = set(L.words(ltext))
        if url.startswith("#"):
            k = slugs.get(url[1:])
            if k is None or pages[k] is None:
                continue  # not a heading id this test can compute
            if not any(u & lw and p == pages[k] for u, _, p in annots):
                bad.append(f"line {line}: [{ltext}]({url}) has no /Link to page {text.labels[pages[k]]}")
        elif re.match(r"^[a-z][a-z0-9+.-]*:", url):
            if not any(u & lw and uri == url for u, uri, _ in annots):
                bad.append(f"line {line}: [{ltext}]({url}) has no /Link with that URI over its text")
    R.check("links of the source are /Link annotations with the right target", not bad, L.short("; ".join(bad), 900),
            f"{len(book.links)} links")


def struct_tree(pdf):
    """poppler's reading of the structure tree (pdfinfo -struct-text) as nested dicts:
    {"role", "kids": [dict or ("text", str) or ("obj", str)]}; None if it printed nothing."""
    rc, out, err = L.run(["pdfinfo", "-struct-text", pdf])
    if rc != 0 or not out.strip():
        return None, err
    root = {"role": "(root)", "kids": []}
    stack = [(-1, root)]
    for line in out.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        body = line.strip()
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        if body.startswith("/"):
            continue  # an attribute of the element above (TH: /Scope /Column)
        if body.startswith('"'):
            parent["kids"].append(("text", body[1:-1] if body.endswith('"') and len(body) > 1 else body[1:]))
        elif body.startswith("Object "):
            parent["kids"].append(("obj", body))
        else:
            node = {"role": body.split(" ")[0].rstrip(":"), "kids": []}
            parent["kids"].append(node)
            stack.append((depth, node))
    return root, err


def walk(node):
    yield node
    for k in node["kids"]:
        if isinstance(k, dict):
            yield from walk(k)


def leaves(node):
    """The texts under node, in order."""
    for k in node["kids"]:
        if isinstance(k, dict):
            yield from leaves(k)
        elif k[0] == "text":
            yield k[1]


def runs(node):
    """The texts under node, in order, an element's consecutive marked-content sequences joined
    as poppler's StructElement::getText joins them (a hyphenated word's halves are two)."""
    run = None
    for k in node["kids"]:
        if isinstance(k, dict):
            if run is not None:
                yield run
                run = None
            yield from runs(k)
        elif k[0] == "text":
            run = (run or "") + k[1]
    if run is not None:
        yield run


def check_tags(R, pdf, q, book):
    """A tagged PDF (ISO 32000-1 §14.8): its structure tree, read by poppler, holds every body
    word in reading order, the headings with their levels, the contents, the lists, tables,
    figures (with /Alt) and links (each with its annotation) of the source."""
    rc, out, _ = L.run(["pdfinfo", pdf])
    mark = q.get(q.catalog.get("/MarkInfo"))
    R.check("tagged: pdfinfo says Tagged: yes, /MarkInfo /Marked true",
            "Tagged:          yes" in out and isinstance(mark, dict) and mark.get("/Marked") is True,
            f"pdfinfo: {[l for l in out.splitlines() if l.startswith('Tagged')]}; MarkInfo {mark}")
    root, err = struct_tree(pdf)
    if not R.check("tagged: pdfinfo -struct-text reads a tree, no complaint", root is not None and not err.strip(),
                   L.short(err, 400)):
        return
    nodes = list(walk(root))
    doc = [n for n in root["kids"] if isinstance(n, dict)]
    R.check("tagged: one Document element at the root", [n["role"] for n in doc] == ["Document"],
            f"root elements: {[n['role'] for n in doc]}")
    # every body word, in order, in the text of the tree (artifacts left out: running heads and
    # page numbers are not in it); a run is an element's text between its kid elements
    vocab = set(t.text for t in book.tokens)
    stream = []
    for leaf in runs(root):
        for k, w in enumerate(L.words(leaf)):
            stream.append({"text": w, "line_start": k == 0})
    got = [t["text"] for t in L.join_split_words(stream, vocab)]
    src = [t.text for t in book.tokens]
    found = L.lcs_len(src, got)
    desc, _ = L.missing_stretches(book.tokens, L.align(src, got))
    R.check("tagged: the tree's text holds every body word in order", found == len(src),
            f"{found}/{len(src)}; missing: {desc}", f"{found}/{len(src)} words")
    # the headings, after the front matter's (the title and the contents' title)
    heads = [(int(n["role"][1]), " ".join(leaves(n))) for n in nodes if re.fullmatch(r"H[1-6]", n["role"])]
    toc_at = next((i for i, n in enumerate(nodes) if n["role"] == "TOC"), None)
    body_heads = [(int(n["role"][1]), " ".join(leaves(n))) for i, n in enumerate(nodes)
                  if re.fullmatch(r"H[1-6]", n["role"]) and (toc_at is None or i > toc_at)]
    # the tree's levels (PDF/UA-1 §7.4.2): each at most one below the one before, after the
    # front matter's H1s, whatever the source's levels do
    want, open_ = [], [1]
    for lvl, t, _ in book.headings:
        while open_ and open_[-1] >= lvl:
            open_.pop()
        open_.append(lvl)
        want.append((len(open_), L.words(t)))
    R.check("tagged: body headings are H1-H6 in order, never skipping a level",
            [(lvl, L.words(t)) for lvl, t in body_heads] == want,
            f"got {L.short(str(body_heads), 500)}; want {L.short(str(want), 500)}", f"{len(body_heads)} headings")
    R.check("tagged: the title page's title is an H1", heads[:1] and L.words(heads[0][1]) == L.words(book.title),
            f"first heading {heads[:1]}")
    # the contents: a TOC of TOCIs, each a Link with its annotation
    tocis = [n for n in nodes if n["role"] == "TOCI"]
    listed = sum(1 for lvl, _, _ in book.headings if lvl <= 3)
    bad = [" ".join(leaves(t)) for t in tocis
           if not any(isinstance(k, dict) and k["role"] == "Link" and any(x[0] == "obj" for x in k["kids"] if not isinstance(x, dict))
                      for k in t["kids"])]
    R.check("tagged: a TOCI per contents entry, each a Link with its annotation",
            len(tocis) == listed and not bad, f"{len(tocis)} TOCI for {listed} entries; without a link: {bad[:5]}")
    # each footnote's Note is read where it is cited: a kid of the element holding its reference
    # mark, right after the mark (the text before it ends with the note's number)
    bad, nnotes = [], 0
    for n in nodes:
        for i, k in enumerate(n["kids"]):
            if not isinstance(k, dict) or k["role"] != "Note":
                continue
            nnotes += 1
            lbl = next((" ".join(leaves(c)) for c in k["kids"] if isinstance(c, dict) and c["role"] == "Lbl"), "")
            before = n["kids"][i - 1] if i else None
            text = " ".join(leaves(before)) if isinstance(before, dict) else before[1] if before else ""
            if n["role"] in ("Document", "Sect") or not lbl.strip() or not text.rstrip().endswith(lbl.strip()):
                bad.append(f"note {lbl.strip()!r} in {n['role']} after {L.short(text, 60)!r}")
    R.check("tagged: each Note is read right after its reference mark, inside the element citing it",
            not bad and nnotes >= (1 if book.notes else 0), L.short("; ".join(bad), 600), f"{nnotes} notes")
    # lists and tables have their standard shape
    bad = []
    for n in nodes:
        roles = [k["role"] for k in n["kids"] if isinstance(k, dict)]
        if n["role"] == "L" and any(r not in ("LI",) for r in roles):
            bad.append(f"L holds {roles}")
        if n["role"] == "LI" and roles[:1] != ["Lbl"] or n["role"] == "LI" and "LBody" not in roles:
            bad.append(f"LI holds {roles}")
        if n["role"] == "Table" and any(r != "TR" for r in roles):
            bad.append(f"Table holds {roles}")
        if n["role"] == "TR" and any(r not in ("TH", "TD") for r in roles):
            bad.append(f"TR holds {roles}")
        if n["role"] != "Figure" and "Caption" in roles:
            bad.append(f"a Caption in a {n['role']}, not in its Figure")
        if n["role"] == "Figure" and any(r != "Caption" for r in roles):
            bad.append(f"Figure holds {roles}")
    R.check("tagged: L > LI > Lbl + LBody, Table > TR > TH/TD, Figure > Caption", not bad, L.short("; ".join(bad), 600))
    # links: every link annotation is in the parent tree, as the Link element that holds it
    elems = {}
    tree = q.get(q.catalog.get("/StructTreeRoot"))
    nums = q.get(tree.get("/ParentTree")).get("/Nums") if isinstance(tree, dict) else None
    keyed = {}
    if isinstance(nums, list):
        for i in range(0, len(nums) - 1, 2):
            keyed[nums[i]] = nums[i + 1]
    bad = []
    nlinks = 0
    for i in range(len(q.pages)):
        for a in q.annots(i):
            if not isinstance(a, dict) or a.get("/Subtype") != "/Link":
                continue
            nlinks += 1
            elem = q.get(keyed.get(a.get("/StructParent")))
            if not isinstance(elem, dict) or elem.get("/S") != "/Link":
                bad.append(f"page {i + 1}: annotation with /StructParent {a.get('/StructParent')} -> {elem}")
    R.check("tagged: every link annotation belongs to a Link element (/StructParent)", not bad,
            L.short("; ".join(bad), 600), f"{nlinks} annotations")
    # figures: one per embedded image, each with alternate text
    figs = []
    for k, v in q.objects.items():
        if isinstance(v, dict) and v.get("/S") == "/Figure":
            figs.append(L.QPDF.text(v.get("/Alt")))
    R.check("tagged: a Figure with /Alt for each image drawn", len(figs) >= len(book.local_images()) and all(figs),
            f"{len(figs)} figures for {len(book.local_images())} images; /Alt: {figs}", f"/Alt: {figs}")


if __name__ == "__main__":
    sys.exit(main())
