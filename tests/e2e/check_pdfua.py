#!/usr/bin/env python3
# check_pdfua.py -- the PDF terbit writes against the machine-checkable rules of PDF/UA-1
# (ISO 14289-1) that apply to it, as veraPDF's profile states them (veraPDF-validation-profiles,
# PDF_UA/PDFUA-1.xml; rule ids below are its clause-testNumber). Reads the file with
# `qpdf --json` only.
#
# Usage: check_pdfua.py --terbit BIN (--source FILE... | --gfm-corpus DIR) [--pdf FILE]
#   --pdf FILE checks a PDF already written instead (for showing an old binary's output fail).
#
# Checks: the catalog (5-1/5-2 pdfuaid:part 1 in the XMP, 7.1-8 /Metadata, 7.1-9 dc:title,
# 7.1-10 DisplayDocTitle, 7.2-29 /Lang tags, 7.1-4 no Suspects, /MarkInfo, /Version 1.7); the
# XMP agreeing with the Info dictionary (dates, producer, keywords, identifier); fonts (7.21.4.1
# embedded, 7.21.3.2 CIDToGIDMap, 7.21.7-1 ToUnicode, 7.21.7-2 no value 0/FEFF/FFFE for a code
# drawn, 7.21.8-1 no .notdef drawn); annotations (7.18.3-1 /Tabs /S, 7.18.5-1 in a Link element,
# 7.18.5-2 /Contents); structure (7.1-5/6/7 standard types or a role map to them, not remapped,
# 7.2-3..20/26/27 table, list and TOC shapes, 7.3-1 Figure /Alt, 7.4.2-1 headings begin at H1
# and never skip, 7.4.4 H and Hn not mixed, 7.5-1 TH /Scope, 7.9-1/2 Note /ID unique).
# Not checkable by a machine, so not here: the reading order, the meaning of alt text.
# Exit status: 0 all passed, 1 a check failed, 77 a required tool is missing.
import argparse
import base64
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import e2elib as L  # noqa: E402

STANDARD = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference
BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form""".split())
LANG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/", "x": "adobe:ns:meta/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Pdf:
    """qpdf --json=2 of a file, streams decoded inline."""

    def __init__(self, path):
        rc, out, err = L.run(["qpdf", "--json=2", "--json-stream-data=inline", "--decode-level=generalized", path])
        self.ok = rc in (0, 3)
        self.err = err
        j = json.loads(out) if out.strip() else {"qpdf": [{}, {}]}
        self.objs = j["qpdf"][1]
        self.trailer = self.objs.get("trailer", {}).get("value", {})
        self.catalog = self.get(self.trailer.get("/Root")) or {}

    def obj(self, ref):
        return self.objs.get("obj:" + ref) if isinstance(ref, str) and ref.endswith(" R") else None

    def get(self, v):
        """v resolved: a dictionary (a stream's dictionary), an array, a value."""
        o = self.obj(v)
        if o is None:
            return v
        return o["value"] if "value" in o else o["stream"]["dict"]

    def data(self, ref):
        o = self.obj(ref)
        if not o or "stream" not in o or "data" not in o["stream"]:
            return None
        return base64.b64decode(o["stream"]["data"])


def text(v):
    """A qpdf JSON string as text ("u:..." decoded text, "b:..." hex bytes)."""
    if not isinstance(v, str):
        return None
    if v.startswith("u:"):
        return v[2:]
    if v.startswith("b:"):
        return bytes.fromhex(v[2:]).decode("latin-1")
    return v


# ---- content streams: just enough of a tokenizer for text-showing operators

TOKEN = re.compile(rb"\s*(?:(\()|(<<|>>|\[|\]|\{|\})|<([0-9A-Fa-f\s]*)>|(/[^\s/\[\]()<>{}%]*)|([^\s/\[\]()<>{}%]+)|%[^\n]*)")


class Str(bytes):
    """A string operand (as against a name or a number)."""


def literal(b, i):
    """The literal string starting after '(' at b[i:]; returns (bytes, index after ')')."""
    out, depth = bytearray(), 1
    while i < len(b):
        c = b[i]
        if c == 0x5C:  # backslash
            i += 1
            e = b[i:i + 1]
            if e in b"01234567":
                m = re.match(rb"[0-7]{1,3}", b[i:])
                out.append(int(m.group(), 8) & 0xFF)
                i += len(m.group())
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(e, e if e not in b"\r\n" else b"")
        elif c == 0x28:
            depth += 1
            out.append(c)
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
            out.append(c)
        else:
            out.append(c)
        i += 1
    return bytes(out), i


def shown_strings(content):
    """(font resource name, string bytes) for every string a Tj, TJ, ' or \" shows."""
    i, stack, font = 0, [], None
    while i < len(content):
        m = TOKEN.match(content, i)
        if not m or m.end() == i:
            i += 1
            continue
        i = m.end()
        if m.group(1):
            s, i = literal(content, i)
            stack.append(Str(s))
        elif m.group(2):
            stack.append(m.group(2))
        elif m.group(3) is not None:
            h = re.sub(rb"\s", b"", m.group(3))
            stack.append(Str(bytes.fromhex((h + b"0" * (len(h) % 2)).decode())))
        elif m.group(4):
            stack.append(m.group(4))
        elif m.group(5):
            op = m.group(5)
            if op == b"Tf" and len(stack) >= 2:
                font = stack[-2].decode("latin-1") if isinstance(stack[-2], bytes) else None
            elif op in (b"Tj", b"'", b'"') and stack and isinstance(stack[-1], Str):
                yield font, bytes(stack[-1])
            elif op == b"TJ":
                k = len(stack) - 1
                while k >= 0 and stack[k] != b"[":
                    k -= 1
                for s in stack[k + 1:]:
                    if isinstance(s, Str):
                        yield font, bytes(s)
            if op not in (b"true", b"false", b"null") and not re.fullmatch(rb"[-+.0-9]+", op):
                stack = []
            else:
                stack.append(op)
        else:
            pass  # a comment


def parse_tounicode(cmap):
    """code -> unicode text from a ToUnicode CMap's bfchar and bfrange sections."""
    m = {}
    s = cmap.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", s, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            m[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", s, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            lo, hi = int(lo, 16), int(hi, 16)
            if dst.startswith("["):
                for k, d in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", dst)):
                    m[lo + k] = bytes.fromhex(d).decode("utf-16-be", "replace")
            else:
                base = bytearray(bytes.fromhex(dst[1:-1]))
                for c in range(lo, hi + 1):
                    b = bytearray(base)
                    b[-1] = (b[-1] + (c - lo)) & 0xFF
                    m[c] = bytes(b).decode("utf-16-be", "replace")
    return m


# ---- the rules

def check_catalog(R, q):
    cat = q.catalog
    R.check("7.1-8: the catalog has /Metadata, a stream /Type /Metadata /Subtype /XML",
            q.get(cat.get("/Metadata")) and q.get(cat.get("/Metadata")).get("/Subtype") == "/XML"
            and q.data(cat.get("/Metadata")) is not None, f"/Metadata {cat.get('/Metadata')}")
    md = q.get(cat.get("/Metadata")) or {}
    R.check("the XMP stream is uncompressed (readable by tools that know nothing of PDF)",
            "/Filter" not in md, f"/Filter {md.get('/Filter')}")
    vp = q.get(cat.get("/ViewerPreferences")) or {}
    R.check("7.1-10: /ViewerPreferences /DisplayDocTitle true", vp.get("/DisplayDocTitle") is True, f"{vp}")
    lang = text(cat.get("/Lang"))
    R.check("7.2-29/33: the catalog's /Lang is a language tag", lang and LANG.match(lang), f"/Lang {lang!r}")
    mi = q.get(cat.get("/MarkInfo")) or {}
    R.check("7.1-4: /MarkInfo /Marked true, no /Suspects true", mi.get("/Marked") is True and mi.get("/Suspects") is not True,
            f"{mi}")
    R.check("the catalog declares /Version /1.7 (PDF/UA-1 is on ISO 32000-1)", cat.get("/Version") == "/1.7",
            f"/Version {cat.get('/Version')}")
    R.check("the structure tree is there", bool(q.get(cat.get("/StructTreeRoot"))), "no /StructTreeRoot")


def xmp_date(info_date):
    """An Info date D:YYYYMMDDHHmmSS... as XMP's YYYY-MM-DDTHH:MM:SS (the zone is compared apart)."""
    m = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)", info_date or "")
    return f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}" if m else None


def check_xmp(R, q):
    raw = q.data(q.catalog.get("/Metadata"))
    if not R.check("the XMP parses as XML", raw is not None and b"<x:xmpmeta" in raw, "no XMP packet"):
        return
    try:
        root = ET.fromstring(raw[raw.index(b"<x:xmpmeta"):raw.rindex(b"</x:xmpmeta>") + 12])
    except (ET.ParseError, ValueError) as e:
        R.check("the XMP parses as XML", False, str(e))
        return
    props = {}
    for d in root.iter("{%s}Description" % NS["rdf"]):
        for k, v in d.attrib.items():
            props[k] = [v]
        for c in d:
            lis = list(c.iter("{%s}li" % NS["rdf"]))
            props[c.tag] = [(li.text or "", li.get(XML_LANG)) for li in lis] if lis else [c.text or ""]

    def one(ns, name):
        v = props.get("{%s}%s" % (NS[ns], name))
        return v[0] if v else None

    R.check("5-1/5-2: pdfuaid:part is 1", one("pdfuaid", "part") == "1", f"pdfuaid:part {one('pdfuaid', 'part')!r}")
    titles = props.get("{%s}title" % NS["dc"]) or []
    info = q.get(q.trailer.get("/Info")) or {}
    R.check("7.1-9: dc:title, with xml:lang, equal to the Info /Title",
            titles and all(t and lg for t, lg in titles) and titles[0][0] == text(info.get("/Title")),
            f"dc:title {titles}; Info /Title {text(info.get('/Title'))!r}")
    lang = text(q.catalog.get("/Lang"))
    R.check("dc:language is the catalog's /Lang", [v for v, _ in props.get("{%s}language" % NS["dc"], [])] == [lang],
            f"dc:language {props.get('{%s}language' % NS['dc'])}; /Lang {lang!r}")
    for xname, iname in (("CreateDate", "/CreationDate"), ("ModifyDate", "/ModDate")):
        R.check(f"xmp:{xname} equals the Info {iname}", (one("xmp", xname) or "").startswith(xmp_date(text(info.get(iname))) or "?"),
                f"xmp:{xname} {one('xmp', xname)!r}; Info {text(info.get(iname))!r}")
    R.check("pdf:Producer equals the Info /Producer", one("pdf", "Producer") == text(info.get("/Producer")),
            f"{one('pdf', 'Producer')!r} vs {text(info.get('/Producer'))!r}")
    R.check("pdf:Keywords equals the Info /Keywords", one("pdf", "Keywords") == text(info.get("/Keywords")),
            f"{one('pdf', 'Keywords')!r} vs {text(info.get('/Keywords'))!r}")
    R.check("dc:identifier equals the Info /Identifier", one("dc", "identifier") == text(info.get("/Identifier")),
            f"{one('dc', 'identifier')!r} vs {text(info.get('/Identifier'))!r}")
    author = text(info.get("/Author"))
    creators = [v for v, _ in props.get("{%s}creator" % NS["dc"], [])]
    R.check("dc:creator holds the Info /Author", (", ".join(creators) or None) == author, f"{creators} vs {author!r}")
    subject = text(info.get("/Subject"))
    desc = props.get("{%s}description" % NS["dc"]) or []
    R.check("dc:description equals the Info /Subject", (desc[0][0] if desc else None) == subject, f"{desc} vs {subject!r}")


def check_fonts(R, q):
    bad_embed, bad_map, bad_tu, notdef, bad_value = [], [], [], [], []
    fonts = {}  # font object -> (code -> gid function, tounicode map)
    for key, o in q.objs.items():
        d = o.get("value")
        if not isinstance(d, dict) or d.get("/Type") != "/Font" or d.get("/Subtype") != "/Type0":
            continue
        ref = key[4:]
        desc = q.get((q.get(d.get("/DescendantFonts")) or [None])[0]) or {}
        fd = q.get(desc.get("/FontDescriptor")) or {}
        if not (fd.get("/FontFile2") or fd.get("/FontFile3") or fd.get("/FontFile")):
            bad_embed.append(ref)
        c2g = desc.get("/CIDToGIDMap")
        if desc.get("/Subtype") == "/CIDFontType2" and c2g is None:
            bad_map.append(ref)
        tu = q.data(d.get("/ToUnicode"))
        if tu is None:
            bad_tu.append(ref)
        if c2g == "/Identity" or c2g is None:
            gid = (lambda c: c)
        else:
            m = q.data(c2g) or b""
            gid = (lambda c, m=m: (m[2 * c] << 8 | m[2 * c + 1]) if 2 * c + 1 < len(m) else 0)
        fonts[ref] = (gid, parse_tounicode(tu) if tu else {}, text(d.get("/BaseFont")))
    R.check("7.21.4.1-1: every font program is embedded", not bad_embed, f"not embedded: {bad_embed}")
    R.check("7.21.3.2-1: every CIDFontType2 has a CIDToGIDMap", not bad_map, f"without: {bad_map}")
    R.check("7.21.7-1: every font has a ToUnicode CMap", not bad_tu, f"without: {bad_tu}")
    # the codes drawn, page by page
    drawn = 0
    for key, o in q.objs.items():
        d = o.get("value")
        if not isinstance(d, dict) or d.get("/Type") != "/Page":
            continue
        res = q.get(d.get("/Resources")) or {}
        names = q.get(res.get("/Font")) or {}
        contents = d.get("/Contents")
        refs = contents if isinstance(contents, list) else [contents]
        data = b"\n".join(q.data(r) or b"" for r in refs)
        for fname, s in shown_strings(data):
            f = fonts.get(names.get(fname)) if fname else None
            if not f:
                continue
            gid, tu, base = f
            for i in range(0, len(s) - 1, 2):
                c = s[i] << 8 | s[i + 1]
                drawn += 1
                if gid(c) == 0 and len(notdef) < 10:
                    notdef.append(f"{base} code {c:04X} on {key}")
                u = tu.get(c)
                if (u is None or u == "" or any(ord(ch) in (0, 0xFEFF, 0xFFFE) for ch in u)) and len(bad_value) < 10:
                    bad_value.append(f"{base} code {c:04X} -> {u!r}")
    R.check("7.21.8-1: no code drawn maps to .notdef (glyph 0)", not notdef, f"{notdef}", f"{drawn} codes drawn")
    R.check("7.21.7-2: every code drawn has a ToUnicode value, none 0, U+FEFF or U+FFFE", not bad_value, f"{bad_value}")


def struct_parents(q, root):
    """StructParent key -> structure element reference, from the parent tree's /Nums."""
    out, todo = {}, [root.get("/ParentTree")]
    while todo:
        n = q.get(todo.pop())
        if not isinstance(n, dict):
            continue
        nums = n.get("/Nums") or []
        for k in range(0, len(nums) - 1, 2):
            out[nums[k]] = nums[k + 1]
        todo += n.get("/Kids") or []
    return out


def check_annots(R, q, root):
    parents = struct_parents(q, root)
    no_tabs, no_contents, not_link, n = [], [], [], 0
    for key, o in q.objs.items():
        d = o.get("value")
        if not isinstance(d, dict) or d.get("/Type") != "/Page":
            continue
        annots = q.get(d.get("/Annots")) or []
        if annots and d.get("/Tabs") != "/S":
            no_tabs.append(key)
        for a in annots:
            ad = q.get(a) or {}
            if ad.get("/Subtype") != "/Link":
                continue
            n += 1
            if not text(ad.get("/Contents")):
                no_contents.append(a)
            elem = q.get(parents.get(ad.get("/StructParent"))) if "/StructParent" in ad else None
            if not isinstance(elem, dict) or elem.get("/S") != "/Link":
                not_link.append(a)
    R.check("7.18.3-1: every page with annotations has /Tabs /S", not no_tabs, f"{no_tabs[:5]}")
    R.check("7.18.5-1: every link annotation is in a Link element", not not_link, f"{len(not_link)} not: {not_link[:5]}")
    R.check("7.18.5-2: every link annotation has /Contents", not no_contents,
            f"{len(no_contents)} of {n} without: {no_contents[:5]}", f"{n} links")


def check_structure(R, q, root):
    rolemap = q.get(root.get("/RoleMap")) or {}
    remapped = [k for k in rolemap if k[1:] in STANDARD]
    R.check("7.1-7: no standard type is remapped", not remapped, f"{remapped}")

    def std(s, seen=()):
        if s is None or s in seen:
            return None
        if s[1:] in STANDARD:
            return s[1:]
        return std(rolemap.get(s), seen + (s,))

    nonstd, heads, notes, bad_alt, no_scope, bad_shape, bad_lang, usesH, usesHn = [], [], [], [], [], [], [], False, False
    shape = {"Table": r"(Caption&)?(TR|THead|TBody|TFoot)(&(TR|THead|TBody|TFoot))*(&Caption)?|Caption|",
             "TR": r"(TH|TD)(&(TH|TD))*|", "L": r"(Caption&)?(L|LI)(&(L|LI))*|Caption|",
             "LI": r"(Lbl|LBody)(&(Lbl|LBody))*|", "TOC": r"(Caption&)?(TOC|TOCI)(&(TOC|TOCI))*|Caption|"}
    parent_of = {"TR": ("Table", "THead", "TBody", "TFoot"), "TH": ("TR",), "TD": ("TR",), "LI": ("L",),
                 "LBody": ("LI",), "TOCI": ("TOC",), "THead": ("Table",), "TBody": ("Table",), "TFoot": ("Table",)}

    def kids(v):
        return v if isinstance(v, list) else [] if v is None else [v]

    def elem(k):
        e = q.get(k)
        return e if isinstance(e, dict) and "/S" in e and e.get("/Type") not in ("/MCR", "/OBJR") else None

    seen = set()
    stack = [(k, None) for k in reversed(kids(root.get("/K")))]
    while stack:  # depth first, in the order of /K: the tree's order
        k, par = stack.pop()
        e = elem(k)
        if e is None or (isinstance(k, str) and k in seen):
            continue
        seen.add(k)
        s = std(e["/S"])
        if s is None:
            nonstd.append(e["/S"])
            s = e["/S"][1:]
        if re.fullmatch(r"H[1-6]", s):
            heads.append(int(s[1]))
            usesHn = True
        usesH |= s == "H"
        if s == "Note":
            notes.append(text(e.get("/ID")))
        if s == "Figure" and not (text(e.get("/Alt")) or text(e.get("/ActualText"))):
            bad_alt.append(k)
        if s == "TH":
            attrs = [q.get(a) for a in kids(q.get(e.get("/A")))]
            if not any(isinstance(a, dict) and a.get("/Scope") in ("/Row", "/Column", "/Both") for a in attrs):
                no_scope.append(k)
        if "/Lang" in e and not LANG.match(text(e["/Lang"]) or ""):
            bad_lang.append(text(e["/Lang"]))
        kid_types = [std(elem(c)["/S"]) or elem(c)["/S"][1:] for c in kids(e.get("/K")) if elem(c)]
        if s in shape and not re.fullmatch(shape[s], "&".join(kid_types)):
            bad_shape.append(f"{s} holds {kid_types}")
        if s in parent_of and par not in parent_of[s]:
            bad_shape.append(f"{s} in {par}")
        stack += [(c, s) for c in reversed(kids(e.get("/K")))]
    R.check("7.1-5/6: every structure type is standard or mapped to one", not nonstd, f"{sorted(set(nonstd))}")
    R.check("7.2-3..20/26/27: tables, lists and the contents have their standard shape", not bad_shape,
            f"{bad_shape[:5]}")
    skip = [(a, b) for a, b in zip(heads, heads[1:]) if b > a + 1]
    R.check("7.4.2-1: the first heading is H1 and none skips a level", heads[:1] == [1] and not skip,
            f"first {heads[:1]}, skips {skip[:5]}", f"{len(heads)} headings")
    R.check("7.4.4-2/3: H and H1-H6 are not both used", not (usesH and usesHn))
    R.check("7.3-1: every Figure has /Alt", not bad_alt, f"{len(bad_alt)} without: {bad_alt[:5]}")
    R.check("7.5-1: every TH has a /Scope", not no_scope, f"{len(no_scope)} without: {no_scope[:5]}")
    R.check("7.9-1/2: every Note has an /ID, each its own", all(notes) and len(set(notes)) == len(notes),
            f"{notes[:10]}", f"{len(notes)} notes")
    R.check("7.2-29: every /Lang of an element is a language tag", not bad_lang, f"{bad_lang[:5]}")


def check(R, pdf):
    rc, out, err = L.run(["qpdf", "--check", pdf])
    R.check("qpdf --check is clean", rc == 0 and "WARNING" not in out + err, L.short(out + err, 300))
    for tool in (["pdfinfo", pdf], ["pdftotext", pdf, os.devnull], ["mutool", "info", pdf]):
        rc, out, err = L.run(tool)
        R.check(f"{tool[0]} prints no error", rc == 0 and not err.strip(), L.short(err, 300))
    q = Pdf(pdf)
    if not R.check("qpdf --json reads it", q.ok and q.catalog, L.short(q.err, 300)):
        return
    check_catalog(R, q)
    check_xmp(R, q)
    check_fonts(R, q)
    root = q.get(q.catalog.get("/StructTreeRoot")) or {}
    check_annots(R, q, root)
    check_structure(R, q, root)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--terbit", required=True)
    ap.add_argument("--source", action="append", default=[])
    ap.add_argument("--gfm-corpus", help="folder with split-examples.py: the GFM spec's examples as one book")
    ap.add_argument("--pdf", help="check this PDF instead of exporting one")
    args = ap.parse_args()
    L.need_tools("qpdf", "pdfinfo", "pdftotext", "mutool")
    R = L.Report("check_pdfua " + " ".join(os.path.basename(s) for s in args.source or [args.gfm_corpus or args.pdf or ""]))
    with L.TempDir("terbit-e2e-pdfua-") as tmp:
        pdf = args.pdf
        if not pdf:
            sources = list(args.source)
            if args.gfm_corpus:
                src = os.path.join(tmp, "src")
                rc, out, err = L.run([sys.executable, os.path.join(args.gfm_corpus, "split-examples.py"), src])
                sources = sorted(glob.glob(os.path.join(src, "*.md")))
                if not R.check("split-examples.py", rc == 0 and sources, L.short(err)):
                    return R.finish()
            pdf = os.path.join(tmp, "out.pdf")
            env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
            rc, out, err = L.run([args.terbit, "export", "-q", "--pdf", "-o", pdf] + sources, env=env)
            if not R.check("terbit export --pdf", rc == 0 and os.path.exists(pdf), f"exit {rc}: {L.short(err, 300)}"):
                return R.finish()
        check(R, pdf)
    return R.finish()


if __name__ == "__main__":
    sys.exit(main())
