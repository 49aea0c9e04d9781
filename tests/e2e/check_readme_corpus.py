#!/usr/bin/env python3
# check_readme_corpus.py -- Markdown nobody here wrote (issue 12): the README files of 2 KB or
# more that the npm packages of the Ace install ship (tests/a11y/node_modules), each exported as
# it is, with no front matter and whatever raw HTML it carries.
#
# Usage: check_readme_corpus.py --terbit BIN --modules tests/a11y/node_modules [--all] [--jobs N]
#
# The files are sorted by path; without --all a fixed sample of 50 of them is checked (every
# k-th, the same on every run).  Each is exported with both formats into its own folder.
# Checks, per file: exit 0; qpdf --check clean; pdftotext silent; EPUBCheck 0 fatal/errors/
# warnings; no literal tag of an allowed HTML element in the PDF's text beyond those the
# source's code spans and blocks show; the EPUB's internal links that resolve at least as many
# as pandoc's gfm reader reaches on the same file (the source's '#frag' links whose frag is an
# id of pandoc's AST: its GitHub heading ids and the raw HTML's id/name anchors).
# Exit status: 0 all passed, 1 a check failed, 77 the modules folder or a tool is missing.
import argparse
import concurrent.futures
import html.parser
import json
import os
import re
import sys
import time
import urllib.parse
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import e2elib as L  # noqa: E402

SAMPLE = 50
# GitHub's allowlist (html-pipeline's SanitizationFilter), the elements terbit renders
ALLOWED = ("h1 h2 h3 h4 h5 h6 p div span br hr b i strong em s del ins code kbd samp var pre "
           "sup sub q blockquote ul ol li dl dt dd table thead tbody tfoot tr th td img a "
           "details summary abbr ruby").split()
TAG_RE = re.compile(r"</?(" + "|".join(ALLOWED) + r")\b[^<>]{0,200}>", re.I)
ID_RE = re.compile(r"""\b(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def corpus(modules):
    found = []
    for root, dirs, files in os.walk(modules):
        dirs.sort()
        for f in files:
            p = os.path.join(root, f)
            if f.lower() == "readme.md" and os.path.isfile(p) and os.path.getsize(p) >= 2048:
                found.append(p)
    return sorted(found)


def sample(files, n=SAMPLE):
    if len(files) <= n:
        return files
    k = len(files) / n
    return [files[int(i * k)] for i in range(n)]


def walk_ast(x, visit):
    if isinstance(x, dict):
        visit(x)
        for v in x.values():
            walk_ast(v, visit)
    elif isinstance(x, list):
        for v in x:
            walk_ast(v, visit)


def pandoc_facts(src):
    """(reachable '#frag' link count, code text) from pandoc's gfm reader."""
    rc, out, err = L.run(["pandoc", "-f", "gfm", "-t", "json", src])
    if rc != 0:
        return None, "", err
    ast = json.loads(out)
    ids, frags, code = set(), [], []

    def visit(n):
        t, c = n.get("t"), n.get("c")
        if t in ("Header", "Div", "Span", "CodeBlock", "Code", "Link", "Image", "Table") and c:
            attr = c[1] if t == "Header" else c[0]
            if isinstance(attr, list) and attr and isinstance(attr[0], str) and attr[0]:
                ids.add(attr[0])
        if t in ("RawInline", "RawBlock") and c and c[0] == "html":
            for m in ID_RE.finditer(c[1]):
                ids.add(next(g for g in m.groups() if g is not None))
        if t == "Link" and c:
            url = c[2][0]
            if url.startswith("#") and len(url) > 1:
                frags.append(urllib.parse.unquote(url[1:]))
        if t in ("Code", "CodeBlock") and c:
            code.append(c[1])

    walk_ast(ast, visit)
    return sum(1 for f in frags if f in ids), "\n".join(code), ""


class Links(html.parser.HTMLParser):
    """The ids and the internal links of one XHTML file (footnote links apart)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        role = a.get("role") or ""
        if tag == "a" and a.get("href") and role not in ("doc-noteref", "doc-backlink"):
            href = a["href"]
            if not re.match(r"[a-z][a-z0-9+.-]*:", href, re.I):
                self.links.append(href)


def epub_links(epub):
    """The internal links of the EPUB's chapters that resolve (nav and notes apart)."""
    with zipfile.ZipFile(epub) as z:
        docs = {}
        for name in z.namelist():
            if name.endswith(".xhtml"):
                p = Links()
                p.feed(z.read(name).decode("utf-8", "replace"))
                docs[name] = p
    ok = 0
    for name, p in docs.items():
        if name.endswith("nav.xhtml"):
            continue
        for href in p.links:
            path, _, frag = href.partition("#")
            target = os.path.normpath(os.path.join(os.path.dirname(name), urllib.parse.unquote(path))) if path else name
            if target in docs and (not frag or urllib.parse.unquote(frag) in docs[target].ids):
                ok += 1
    return ok


def check_one(terbit, src, work, idx):
    """Exports src and checks it; returns (src, failures, facts)."""
    out = os.path.join(work, f"{idx:03d}")
    os.makedirs(out)
    fails, facts = [], {}
    t0 = time.monotonic()
    rc, o, err = L.run([terbit, "export", "-q", "-o", out + "/", src])
    facts["export_s"] = time.monotonic() - t0
    facts["exit"] = rc
    if rc != 0:
        return src, [f"exit {rc}: {L.short(err, 300)}"], facts
    stem = os.path.splitext(os.path.basename(src))[0]
    pdf, epub = os.path.join(out, stem + ".pdf"), os.path.join(out, stem + ".epub")
    rc, o, err = L.run(["qpdf", "--check", pdf])
    if rc != 0 or "warning" in (o + err).lower():
        fails.append(f"qpdf --check: exit {rc}: {L.short(o + err, 300)}")
    rc, text, err = L.run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
    if rc != 0 or err.strip():
        fails.append(f"pdftotext: exit {rc}: {L.short(err, 300)}")
    reach, code, perr = pandoc_facts(src)
    if reach is None:
        fails.append(f"pandoc failed: {L.short(perr, 200)}")
        reach = 0
    in_pdf = {}
    for m in TAG_RE.finditer(text):
        in_pdf[m.group(1).lower()] = in_pdf.get(m.group(1).lower(), 0) + 1
    in_code = {}
    for m in TAG_RE.finditer(code):
        in_code[m.group(1).lower()] = in_code.get(m.group(1).lower(), 0) + 1
    extra = {t: n - in_code.get(t, 0) for t, n in in_pdf.items() if n > in_code.get(t, 0)}
    if extra:
        fails.append("literal tags in the PDF's text outside code: " +
                     ", ".join(f"<{t}> x{n}" for t, n in sorted(extra.items())))
    kept = epub_links(epub)
    facts["links"] = (kept, reach)
    if kept < reach:
        fails.append(f"internal links: {kept} kept in the EPUB, pandoc reaches {reach}")
    fatal, error, warning, msgs, rc, err = L.epubcheck(epub, out)
    if fatal is None or fatal or error or warning:
        fails.append(f"EPUBCheck: {fatal} fatal, {error} errors, {warning} warnings: " +
                     L.short("; ".join(msgs[:4]), 400))
    return src, fails, facts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--terbit", required=True)
    ap.add_argument("--modules", required=True)
    ap.add_argument("--all", action="store_true", help="every file, not the sample of 50")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    if not os.path.isdir(a.modules):
        print(f"SKIP: {a.modules} missing (bash tests/a11y/setup.sh installs it)", flush=True)
        sys.exit(L.SKIP)
    L.need_tools("qpdf", "pdftotext", "pandoc", "java")
    files = corpus(a.modules)
    chosen = files if a.all else sample(files)
    r = L.Report("readme_corpus")
    t0 = time.monotonic()
    kept = reach = 0
    with L.TempDir("terbit-readmes-") as work, \
            concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        jobs = [pool.submit(check_one, os.path.abspath(a.terbit), f, work, i) for i, f in enumerate(chosen)]
        for j in jobs:
            src, fails, facts = j.result()
            name = os.path.relpath(src, a.modules)
            k, p = facts.get("links", (0, 0))
            kept, reach = kept + k, reach + p
            r.check(f"{name} (links {k}/{p})", not fails, "; ".join(fails))
    print(f"info {len(chosen)} of {len(files)} files, {time.monotonic() - t0:.0f} s; internal links: "
          f"terbit {kept}, pandoc {reach}", flush=True)
    sys.exit(r.finish())


if __name__ == "__main__":
    main()
