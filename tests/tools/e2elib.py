# e2elib.py -- shared helpers for terbit's end-to-end tests (tests/e2e/*.py).
#
# Everything here reads terbit's *inputs* (Markdown with YAML front matter) with a small,
# independent Markdown-to-words reader, and its *outputs* only through third-party tools
# (poppler's pdftotext/pdfinfo/pdffonts, qpdf, mupdf's mutool, xmllint, EPUBCheck) or the
# Python standard library (zipfile, xml.etree).  Nothing is imported from terbit.
#
# Words are compared NFKC-normalised and case-folded; punctuation is ignored, hyphens inside a
# word are removed on both sides (so "berhati-hati" and a PDF line break "berhati-"/"hati"
# compare equal) and letters are split from digits (so a footnote marker glued to a word,
# "note1", still matches "note").
import difflib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
import zipfile

SKIP = 77  # exit status for "a required third-party tool is missing" (ctest SKIP_RETURN_CODE)

# --------------------------------------------------------------------------------------------
# Reporting


class Report:
    """Collects check results; prints one line per check and a summary."""

    def __init__(self, name):
        self.name = name
        self.failed = []
        self.count = 0

    def check(self, what, ok, detail="", ok_detail=""):
        """Records one check; prints detail if it failed, ok_detail if it passed."""
        ok = bool(ok)
        self.count += 1
        line = f"{'ok  ' if ok else 'FAIL'} {what}"
        d = ok_detail if ok else detail
        if d:
            line += f": {d}"
        print(line, flush=True)
        if not ok:
            self.failed.append(what)
        return ok

    def info(self, what, detail=""):
        print(f"info {what}: {detail}", flush=True)

    def finish(self):
        print(f"{self.name}: {self.count} checks, {len(self.failed)} failed"
              + (f" ({', '.join(self.failed)})" if self.failed else ""), flush=True)
        return 1 if self.failed else 0


def need_tools(*tools):
    """Exits with SKIP if a required program is not installed."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        print(f"SKIP: required tools not installed: {', '.join(missing)}", flush=True)
        sys.exit(SKIP)


def run(cmd, cwd=None, env=None, stdin=None):
    """Runs cmd (a list); returns (exit status, stdout text, stderr text).  Never times out:
    ctest's TIMEOUT guards against hangs."""
    p = subprocess.run(cmd, cwd=cwd, env=env, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return (p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


class TempDir:
    """mkdtemp that is removed on exit unless TERBIT_E2E_KEEP is set."""

    def __init__(self, prefix):
        self.path = tempfile.mkdtemp(prefix=prefix)

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        if os.environ.get("TERBIT_E2E_KEEP"):
            print(f"info kept work directory: {self.path}", flush=True)
        else:
            shutil.rmtree(self.path, ignore_errors=True)


def short(s, n=160):
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"


# --------------------------------------------------------------------------------------------
# Words

HYPHENS = "-\u2010\u2011\u00ad"
_hyphen_re = re.compile("[" + HYPHENS + "]")
_token_re = re.compile(r"[^\W\d_]+|\d+")


def norm(text):
    return _hyphen_re.sub("", unicodedata.normalize("NFKC", text).casefold())


def words(text):
    """The comparable words of a text: NFKC + casefold, hyphens dropped, runs of letters or
    digits (punctuation and symbols are separators)."""
    return _token_re.findall(norm(text))


def ends_with_hyphen(raw):
    """A word hyphenated at a line end: a letter, then a hyphen ("peng-"; not "---")."""
    return len(raw) > 1 and raw[-1] in HYPHENS and raw[-2].isalpha()


# --------------------------------------------------------------------------------------------
# The source: YAML front matter and a small Markdown-to-words reader


class Tok:
    __slots__ = ("text", "kind", "line", "heading")

    def __init__(self, text, kind, line, heading=None):
        self.text, self.kind, self.line, self.heading = text, kind, line, heading

    def __repr__(self):
        return f"{self.text}@{self.line}"


def _yaml_scalar(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        inner = v[1:-1]
        return inner.replace("''", "'") if v[0] == "'" else inner.replace('\\"', '"')
    return v


def parse_front_matter(text):
    """Returns (dict of top-level keys, number of lines taken, body text).  Only the simple
    forms the fixtures use: `key: scalar`, `key: "quoted"`, `key: [a, b]`."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, 0, text
    meta = {}
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            body = "\n".join(lines[i + 1:])
            return meta, i + 1, body
        m = re.match(r"^([A-Za-z_][\w-]*):\s*(.*)$", lines[i])
        if m:
            key, val = m.group(1), m.group(2)
            if val.startswith("[") and val.endswith("]"):
                meta[key] = [_yaml_scalar(x) for x in val[1:-1].split(",") if x.strip()]
            else:
                meta[key] = _yaml_scalar(val)
    return meta, 0, text


_fence_open = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
_atx = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_setext = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_hr = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_table_delim = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$|^[ \t]*\|[ \t]*:?-+:?[ \t]*\|[ \t]*$")
_linkdef = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:[ \t]*\S+")
_notedef = re.compile(r"^ {0,3}\[\^([^\]]+)\]:[ \t]?(.*)$")
_bullet = re.compile(r"^([ \t]*)([-+*])(?:[ \t]+|$)")
_ordered = re.compile(r"^([ \t]*)(\d{1,9})([.)])(?:[ \t]+|$)")
_task = re.compile(r"^\[[ xX]\](?:[ \t]+|$)")
_codespan = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_image = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\](?:\((?:<[^>]*>|[^()\s]+|\([^)]*\))*(?:[ \t]+(?:\"[^\"]*\"|'[^']*'))?[ \t]*\)|\[[^\]]*\])")
_image_url = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)>?")
_link = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\((?:<[^>]*>|[^()\s]+|\([^)]*\))*(?:[ \t]+(?:\"[^\"]*\"|'[^']*'))?[ \t]*\)")
_link_url = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^()\s>]*)>?(?:[ \t]+(?:\"[^\"]*\"|'[^']*'))?[ \t]*\)")
_reflink = re.compile(r"\[([^\[\]]+)\]\[[^\]]*\]")
_noteref = re.compile(r"\[\^[^\]]+\]")
_autolink = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+)>")
_htmltag = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>]*)?/?>")
_bareurl = re.compile(r"(?:https?://|www\.)\S+")
_escape = re.compile(r"\\([!-/:-@\[-`{-~])")


class Source:
    """One Markdown source: front matter, headings, the body as words (with kinds: prose, code,
    url, listnum) and footnote texts as separate word lists."""

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        self.meta, fm_lines, body = parse_front_matter(self.text)
        self.title = self.meta.get("title", "")
        self.lang = self.meta.get("lang", "")
        self.tokens = []      # body words in order (footnote definitions left out)
        self.notes = []       # [[Tok]] per footnote definition
        self.headings = []    # [(level, text, index of first token in self.tokens)]
        self.images = []      # (url, line): every image in the body
        self.links = []       # (text, url, line): every link and autolink
        self.noterefs = []    # (label, index in self.tokens of the word after the reference)
        self.note_labels = [] # label of each entry of self.notes
        self._read(body.split("\n"), fm_lines + 1)

    # -- inline ------------------------------------------------------------------------------

    def _inline(self, s, line, out, kind="prose", heading=None):
        """Appends the words of one line of inline Markdown to out."""
        pos = 0
        for m in _codespan.finditer(s):
            self._inline_text(s[pos:m.start()], line, out, kind, heading)
            for w in words(m.group(2)):
                out.append(Tok(w, "code", line, heading))
            pos = m.end()
        self._inline_text(s[pos:], line, out, kind, heading)

    def _inline_text(self, s, line, out, kind, heading):
        for m in _image_url.finditer(s):
            self.images.append((m.group(1), line))
        s = _image.sub(" ", s)
        for m in _link_url.finditer(s):
            self.links.append((plain_inline(m.group(1)), m.group(2), line))
        for m in _autolink.finditer(s):
            self.links.append((m.group(1), m.group(1), line))
        for _ in range(2):  # links may hold links' text only once; twice covers [![img](x)](y)
            s = _link.sub(lambda m: m.group(1), s)
        s = _reflink.sub(lambda m: m.group(1), s)
        # footnote references: remember where they are in the body's words
        parts = _noteref.split(s)
        refs = _noteref.findall(s)
        for k, part in enumerate(parts):
            self._inline_plain(part, line, out, kind, heading)
            if k < len(refs) and out is self.tokens:
                self.noterefs.append((refs[k][2:-1], len(out)))

    def _inline_plain(self, s, line, out, kind, heading):
        pieces = []
        pos = 0
        for m in _autolink.finditer(s):
            pieces.append((s[pos:m.start()], kind))
            pieces.append((m.group(1), "url"))
            pos = m.end()
        pieces.append((s[pos:], kind))
        for text, k in pieces:
            if k != "url":
                text = _htmltag.sub(" ", text)
                text = _escape.sub(r"\1", text)
                text = html.unescape(text)
                pos = 0
                for m in _bareurl.finditer(text):
                    for w in words(text[pos:m.start()]):
                        out.append(Tok(w, k, line, heading))
                    for w in words(m.group(0)):
                        out.append(Tok(w, "url", line, heading))
                    pos = m.end()
                text = text[pos:]
            for w in words(text):
                out.append(Tok(w, k, line, heading))

    # -- blocks ------------------------------------------------------------------------------

    def _read(self, lines, first_line):
        fence = None           # (char, length) of the open code fence
        in_comment = False     # inside <!-- ... -->
        note = None            # token list of the footnote definition being read
        note_blank = False
        para_open = False      # previous line was paragraph text (for setext underlines)
        para_start = 0         # index in self.tokens where that paragraph line began
        para_line = ""
        counters = {}          # ordered-list indent -> last number shown
        for n, raw in enumerate(lines):
            line = raw.rstrip("\r")
            ln = first_line + n
            # fenced code: kept verbatim
            if fence:
                m = re.match(r"^[ \t>]*(`{3,}|~{3,})[ \t]*$", line)
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1]:
                    fence = None
                else:
                    for w in words(line):
                        (note if note is not None else self.tokens).append(Tok(w, "code", ln))
                continue
            stripped = re.sub(r"^(?:[ \t]*>)+", "", line)  # fences may sit in quotes
            m = _fence_open.match(_bullet.sub(lambda b: b.group(1), stripped))
            if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
                fence = (m.group(2)[0], len(m.group(2)))
                para_open = False
                continue
            # HTML comments are never shown
            if in_comment:
                if "-->" not in line:
                    continue
                line = line.split("-->", 1)[1]
                in_comment = False
            line = re.sub(r"<!--.*?-->", " ", line)
            if "<!--" in line:
                line, in_comment = line.split("<!--", 1)[0], True
            # footnote definitions are read apart (exporters move them to the foot of a page)
            m = _notedef.match(line)
            if m:
                note = []
                self.notes.append(note)
                self.note_labels.append(m.group(1))
                note_blank = False
                self._inline(m.group(2), ln, note)
                para_open = False
                continue
            if note is not None:
                if not line.strip():
                    note_blank = True
                    continue
                if re.match(r"^(?: {4}|\t)", line) or not note_blank:
                    self._inline(line.strip(), ln, note)
                    continue
                note = None
            if not line.strip():
                para_open = False
                continue
            if _linkdef.match(line):
                continue
            m = _setext.match(line)
            if m and para_open:
                # the previous paragraph line was a heading
                text = para_line
                del self.tokens[para_start:]
                self._heading(1 if m.group(1)[0] == "=" else 2, text, ln - 1)
                para_open = False
                continue
            if _hr.match(line) or _table_delim.match(line):
                para_open = False
                continue
            # container markers: block quotes, list items, task boxes
            s = line
            container = False
            while True:
                t = s.lstrip(" \t")
                if t.startswith(">"):
                    s = t[1:]
                    container = True
                    continue
                mb = _bullet.match(s)
                if mb and not _hr.match(s):
                    indent = len(mb.group(1).expandtabs(4))
                    for k in [k for k in counters if k >= indent]:
                        del counters[k]
                    s = s[mb.end():]
                    container = True
                    continue
                mo = _ordered.match(s)
                if mo:
                    indent = len(mo.group(1).expandtabs(4))
                    num = counters[indent] + 1 if indent in counters else int(mo.group(2))
                    counters[indent] = num
                    for k in [k for k in counters if k > indent]:
                        del counters[k]
                    self.tokens.append(Tok(str(num), "listnum", ln))
                    s = s[mo.end():]
                    container = True
                    continue
                break
            s = _task.sub("", s.lstrip(" \t"))
            if not line.startswith((" ", "\t")) and not container:
                counters.clear()  # a plain paragraph at the margin ends every list
            m = _atx.match(s)
            if m:
                self._heading(len(m.group(1)), m.group(2) or "", ln)
                para_open = False
                continue
            para_start = len(self.tokens)
            para_line = s.strip()
            para_open = not container
            self._inline(s.strip(), ln, self.tokens)

    def _heading(self, level, text, ln):
        idx = len(self.headings)
        start = len(self.tokens)
        self._inline(text.strip(), ln, self.tokens, heading=idx)
        self.headings.append((level, plain_inline(text), start))


def plain_inline(s):
    """The visible text of one line of inline Markdown (for heading texts)."""
    s = _codespan.sub(lambda m: m.group(2), s)
    s = _image.sub("", s)
    s = _link.sub(lambda m: m.group(1), s)
    s = _noteref.sub("", s)
    s = _htmltag.sub("", s)
    s = re.sub(r"(\*\*|__|\*|_|~~)", "", s)
    s = _escape.sub(r"\1", s)
    return " ".join(html.unescape(s).split())


def slug(text):
    """GitHub's heading id: lower case, punctuation dropped, spaces to hyphens."""
    t = unicodedata.normalize("NFC", text).lower()
    t = "".join(c for c in t if c.isalnum() or c in " -_")
    return t.replace(" ", "-")


class Book:
    """One or more sources exported together.  A book of several sources has one chapter per
    source whose front-matter title is a level-1 heading, the source's own headings one level
    deeper (as terbit's model does); a single source keeps its headings' levels."""

    def __init__(self, paths):
        self.sources = [Source(p) for p in paths]
        first = self.sources[0]
        self.title, self.lang = first.title, first.lang
        self.tokens, self.notes, self.headings, self.images = [], [], [], []
        self.links = []       # (text, url, line, path)
        self.noterefs = []    # (index in self.notes, index in self.tokens)
        multi = len(self.sources) > 1
        self.chapter_sources = []  # the sources that make chapters
        for n, src in enumerate(self.sources):
            if multi and n == 0 and not src.tokens and not src.notes:
                continue  # a first file of front matter only: the book's metadata, no chapter
            self.chapter_sources.append(src)
            base = len(self.tokens)
            hbase = len(self.headings)
            if multi:
                self.headings.append((1, src.title, base))
                self.tokens += [Tok(w, "prose", 1, hbase) for w in words(src.title)]
                base = len(self.tokens)
                hbase += 1
            for t in src.tokens:
                self.tokens.append(Tok(t.text, t.kind, t.line, None if t.heading is None else t.heading + hbase))
            for lvl, text, start in src.headings:
                self.headings.append((min(lvl + (1 if multi else 0), 6), text, start + base))
            for label, at in src.noterefs:
                if label in src.note_labels:
                    self.noterefs.append((len(self.notes) + src.note_labels.index(label), at + base))
            self.notes += src.notes
            self.links += [(t, u, l, src.path) for t, u, l in src.links]
            self.images += [(u, l, src.path) for u, l in src.images]

    @property
    def doc_class(self):
        """'article' or 'book', as terbit chooses: the front matter's class, else a book for
        several sources or two or more level-1 headings."""
        given = self.sources[0].meta.get("class")
        if given in ("article", "book"):
            return given
        if len(self.sources) > 1:
            return "book"
        return "book" if sum(1 for h in self.headings if h[0] == 1) >= 2 else "article"

    def chapter_headings(self):
        """Indices of the headings that open chapters (a book) or sections (an article): each
        source's title heading for several sources, else the shallowest level's headings."""
        if not self.headings:
            return []
        if len(self.sources) > 1:
            return [k for k, h in enumerate(self.headings) if h[0] == 1]
        top = min(h[0] for h in self.headings)
        return [k for k, h in enumerate(self.headings) if h[0] == top]

    def local_images(self):
        """Images that exist on disk (relative to their source)."""
        found = []
        for url, line, path in self.images:
            if re.match(r"^[a-z]+:", url):
                continue
            if os.path.isfile(os.path.join(os.path.dirname(path), url)):
                found.append(url)
        return found


# --------------------------------------------------------------------------------------------
# Alignment


def join_split_words(stream, vocab):
    """stream: list of dicts {text, line_start, ...} (one per word).  Rejoins a word broken at a
    line end without a hyphen (long URLs, very long words, wrapped code) when the joined word is
    a source word, or the start of one, and its parts are not both source words.  Returns the
    new list; joined entries get 'joined': number of parts."""
    prefixes = set()
    for w in vocab:
        for k in range(1, len(w) + 1):
            prefixes.add(w[:k])
    out = []
    for t in stream:
        if out and t["line_start"]:
            prev = out[-1]
            cand = prev["text"] + t["text"]
            if cand in prefixes and not (prev["text"] in vocab and t["text"] in vocab):
                merged = dict(prev)
                merged["text"] = cand
                merged["joined"] = prev.get("joined", 1) + 1
                merged["end_page"] = t.get("end_page", t.get("page"))
                out[-1] = merged
                continue
        out.append(dict(t))
    return out


def align(src, dst):
    """Aligns two word lists (source words, output words) in order.  Returns a list, one entry
    per source word: the index of the matching output word, or None."""
    sm = difflib.SequenceMatcher(None, src, dst, autojunk=False)
    where = [None] * len(src)
    blocks = sm.get_matching_blocks()
    for a, b, size in blocks:
        for k in range(size):
            where[a + k] = b + k
    # difflib's blocks are a common subsequence, not always the longest: between two blocks,
    # a small exact LCS recovers what it skipped
    prev_a, prev_b = 0, 0
    for a, b, size in blocks:
        if a > prev_a and b > prev_b and (a - prev_a) * (b - prev_b) <= 2_000_000:
            for i, j in _lcs_pairs(src[prev_a:a], dst[prev_b:b]):
                where[prev_a + i] = prev_b + j
        prev_a, prev_b = a + size, b + size
    return where


def lcs_len(a, b):
    """Length of the longest common subsequence of two word lists (bit-parallel, Hyyrö)."""
    m = len(b)
    masks = {}
    for j, c in enumerate(b):
        masks[c] = masks.get(c, 0) | (1 << j)
    full = (1 << m) - 1
    v = full
    for c in a:
        u = v & masks.get(c, 0)
        v = ((v + u) | (v - u)) & full
    return m - bin(v).count("1")


def _lcs_pairs(x, y):
    """Index pairs of one longest common subsequence of x and y (dynamic programming)."""
    n, m = len(x), len(y)
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, nxt = dp[i], dp[i + 1]
        xi = x[i]
        for j in range(m - 1, -1, -1):
            row[j] = nxt[j + 1] + 1 if xi == y[j] else max(nxt[j], row[j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if x[i] == y[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif dp[i + 1][j] >= dp[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def missing_stretches(tokens, where, limit=8):
    """Describes runs of unmatched source words: 'line 12: "foo bar baz"'."""
    runs = []
    i = 0
    while i < len(tokens):
        if where[i] is None:
            j = i
            while j < len(tokens) and where[j] is None:
                j += 1
            runs.append(f'line {tokens[i].line}: "{short(" ".join(t.text for t in tokens[i:j]), 80)}"'
                        + (f" ({j - i} words)" if j - i > 1 else ""))
            i = j
        else:
            i += 1
    more = f" … and {len(runs) - limit} more" if len(runs) > limit else ""
    return "; ".join(runs[:limit]) + more, len(runs)


def subsequence_in(needle, hay):
    """How many words of needle appear in order in hay (exact LCS length), and an alignment."""
    return lcs_len(needle, hay), align(needle, hay)


# --------------------------------------------------------------------------------------------
# PDF: pdftotext word boxes, qpdf JSON


_word_re = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>')
_page_re = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def pdf_word_boxes(pdf, raw=True):
    """Per page: (width, height, [word dicts x0,y0,x1,y1,text]) from `pdftotext -bbox`, words in
    content-stream order when raw.  Coordinates: points, origin top left."""
    cmd = ["pdftotext", "-bbox"] + (["-raw"] if raw else []) + [pdf, "-"]
    rc, out, err = run(cmd)
    pages = []
    for pm in _page_re.finditer(out):
        ws = []
        for m in _word_re.finditer(pm.group(3)):
            ws.append({"x0": float(m.group(1)), "y0": float(m.group(2)), "x1": float(m.group(3)),
                       "y1": float(m.group(4)), "text": html.unescape(m.group(5))})
        pages.append((float(pm.group(1)), float(pm.group(2)), ws))
    return pages, rc, err


def group_lines(ws):
    """Groups a page's words (in content order) into lines: a new line starts when a word does
    not overlap the previous one vertically by half the smaller height, or starts left of it."""
    lines = []
    for w in ws:
        if lines:
            p = lines[-1][-1]
            overlap = min(p["y1"], w["y1"]) - max(p["y0"], w["y0"])
            small = min(p["y1"] - p["y0"], w["y1"] - w["y0"])
            if overlap > 0.5 * small and w["x0"] >= p["x0"] - 0.5:
                lines[-1].append(w)
                continue
        lines.append([w])
    return lines


def merge_touching(line, gap=0.3):
    """Joins words of a line that touch (pdftotext splits a word where the font changes, as at
    inline code directly followed by text)."""
    out = []
    for w in line:
        if out and w["x0"] - out[-1]["x1"] < gap:
            p = dict(out[-1])
            p["text"] += w["text"]
            p["x1"] = max(p["x1"], w["x1"])
            p["y0"], p["y1"] = min(p["y0"], w["y0"]), max(p["y1"], w["y1"])
            out[-1] = p
        else:
            out.append(w)
    return out


def line_box(line):
    return (min(w["x0"] for w in line), min(w["y0"] for w in line),
            max(w["x1"] for w in line), max(w["y1"] for w in line))


def line_text(line):
    return " ".join(w["text"] for w in line)


class QPDF:
    """qpdf --json (version 2): objects, pages, labels, annotations, destinations, outline."""

    def __init__(self, pdf):
        rc, out, err = run(["qpdf", "--json", "--json-key=qpdf", "--json-key=pages", pdf])
        if rc != 0:
            raise RuntimeError(f"qpdf --json failed ({rc}): {short(err)}")
        d = json.loads(out)
        self.objects = {}
        for k, v in d["qpdf"][1].items():
            if k.startswith("obj:"):
                self.objects[k[4:]] = v.get("value", v.get("stream", {}).get("dict"))
            elif k == "trailer":
                self.trailer = v.get("value")
        self.pages = d["pages"]
        self.page_index = {p["object"]: i for i, p in enumerate(self.pages)}
        self.catalog = self.get(self.trailer.get("/Root"))

    def get(self, v):
        """Follows indirect references."""
        seen = 0
        while isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v) and seen < 32:
            v = self.objects.get(v)
            seen += 1
        return v

    @staticmethod
    def text(v):
        """A PDF string from qpdf JSON v2 ('u:' text, 'b:' hex bytes) as Python text."""
        if not isinstance(v, str):
            return None
        if v.startswith("u:"):
            return v[2:]
        if v.startswith("b:"):
            b = bytes.fromhex(v[2:])
            if b.startswith(b"\xfe\xff"):
                return b[2:].decode("utf-16-be", "replace")
            return b.decode("latin-1")
        return v

    def label(self, i):
        """The /PageLabels label of page i (0-based), or None without labels."""
        lab = self.pages[i].get("label")
        if not lab:
            return None
        style = lab.get("/S")
        n = lab.get("/St", 1)
        prefix = self.text(lab.get("/P")) or ""
        if style == "/D":
            s = str(n)
        elif style in ("/r", "/R"):
            s = roman(n)
            s = s.lower() if style == "/r" else s
        elif style in ("/a", "/A"):
            s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
            s = s if style == "/a" else s.upper()
        else:
            s = ""
        return prefix + s

    def label_style(self, i):
        lab = self.pages[i].get("label")
        return lab.get("/S") if lab else None

    def page_size(self, i):
        po = self.get(self.pages[i]["object"])
        box = None
        while po is not None and box is None:
            box = po.get("/MediaBox")
            po = self.get(po.get("/Parent"))
        return [float(x) for x in self.get(box)] if box else None

    def annots(self, i):
        po = self.get(self.pages[i]["object"])
        return [self.get(a) for a in (self.get(po.get("/Annots")) or [])]

    def _name_tree_lookup(self, node, key, depth=0):
        node = self.get(node)
        if not isinstance(node, dict) or depth > 32:
            return None
        names = self.get(node.get("/Names"))
        if names:
            for k in range(0, len(names) - 1, 2):
                if self.text(names[k]) == key:
                    return names[k + 1]
        for kid in self.get(node.get("/Kids")) or []:
            r = self._name_tree_lookup(kid, key, depth + 1)
            if r is not None:
                return r
        return None

    def dest_page(self, dest):
        """The 0-based page index a destination (array, name, string, or via reference) goes
        to, or None."""
        dest = self.get(dest)
        if isinstance(dest, dict) and "/D" in dest:
            dest = self.get(dest["/D"])
        if isinstance(dest, str) and not re.fullmatch(r"\d+ \d+ R", dest):
            key = dest[1:] if dest.startswith("/") else self.text(dest)
            found = None
            dests = self.get(self.catalog.get("/Dests"))
            if isinstance(dests, dict):
                found = dests.get("/" + key)
            if found is None:
                names = self.get(self.catalog.get("/Names"))
                if isinstance(names, dict) and names.get("/Dests"):
                    found = self._name_tree_lookup(names["/Dests"], key)
            dest = self.get(found)
            if isinstance(dest, dict) and "/D" in dest:
                dest = self.get(dest["/D"])
        if isinstance(dest, list) and dest:
            target = dest[0]
            if isinstance(target, str) and target in self.page_index:
                return self.page_index[target]
            if isinstance(target, int):
                return target
        return None

    def link_page(self, annot):
        """Destination page of a /Link annotation (/Dest or a /GoTo action), or None."""
        if "/Dest" in annot:
            return self.dest_page(annot["/Dest"])
        act = self.get(annot.get("/A"))
        if isinstance(act, dict) and act.get("/S") == "/GoTo":
            return self.dest_page(act.get("/D"))
        return None

    def outline(self):
        """Depth-first list of (title, level, destination page)."""
        out = []
        root = self.get(self.catalog.get("/Outlines"))

        def walk(node_ref, level, guard):
            node = self.get(node_ref)
            while isinstance(node, dict) and guard[0] < 100000:
                guard[0] += 1
                dest = node.get("/Dest")
                page = self.dest_page(dest) if dest is not None else None
                if page is None and node.get("/A") is not None:
                    act = self.get(node["/A"])
                    if isinstance(act, dict) and act.get("/S") == "/GoTo":
                        page = self.dest_page(act.get("/D"))
                out.append((self.text(node.get("/Title")) or "", level, page))
                if node.get("/First"):
                    walk(node["/First"], level + 1, guard)
                node = self.get(node.get("/Next"))

        if isinstance(root, dict) and root.get("/First"):
            walk(root["/First"], 1, [0])
        return out


def roman(n):
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    s = ""
    for v, r in vals:
        while n >= v:
            s += r
            n -= v
    return s


def is_label(word):
    return bool(re.fullmatch(r"\d+|[ivxlcdm]+|[IVXLCDM]+", word))


CONTENTS_TITLES = {"ms": "Kandungan", "en": "Contents"}


class PdfText:
    """A PDF's body text as a word stream, with page furniture (running heads, footer page
    numbers) taken out, and the contents page's entries."""

    def __init__(self, pdf, book, q):
        self.book = book
        self.q = q
        self.pages, self.rc, self.stderr = pdf_word_boxes(pdf, raw=True)
        self.npages = len(self.pages)
        self.labels = [q.label(i) for i in range(len(q.pages))]
        self.body_pages = [i for i in range(len(q.pages)) if q.label_style(i) == "/D"]
        self.footer_missing = []   # body pages without their number at the foot
        self.heads = {}            # page -> running head text removed
        self._furniture()
        self._stream()

    def _head_candidates(self):
        cands = [self.book.title] + [s.title for s in self.book.sources] + [h[1] for h in self.book.headings]
        return [words(c) for c in cands if c]

    def _furniture(self):
        """Per body page: the lines of body text (furniture removed)."""
        heads = self._head_candidates()
        self.body_lines = {}
        for i in self.body_pages:
            if i >= len(self.pages):
                continue
            lines = group_lines(self.pages[i][2])
            if not lines:
                self.body_lines[i] = []
                self.footer_missing.append(i)
                continue
            # the footer: the lowest line, which must be the page's label
            low = max(range(len(lines)), key=lambda k: line_box(lines[k])[3])
            if line_text(lines[low]).strip() == self.labels[i]:
                del lines[low]
            else:
                self.footer_missing.append(i)
            # the running head: the highest line, in small type, reading a title or heading
            if len(lines) > 1:
                top = min(range(len(lines)), key=lambda k: line_box(lines[k])[1])
                heights = sorted(w["y1"] - w["y0"] for k, l in enumerate(lines) if k != top for w in l)
                med = heights[len(heights) // 2] if heights else 0
                t = lines[top]
                h = max(w["y1"] - w["y0"] for w in t)
                tw = words(line_text(t).rstrip("…").rstrip("."))
                titled = any(tw and c[:len(tw)] == tw for c in heads)
                if titled and med and h < 0.85 * med:
                    self.heads[i] = line_text(t)
                    del lines[top]
            self.body_lines[i] = lines

    def _stream(self):
        """self.raw: body words with hyphenated line ends rejoined; self.stream: their comparable
        words with page and line-start flags."""
        vocab = set(t.text for t in self.book.tokens)
        for n in self.book.notes:
            vocab.update(t.text for t in n)
        raw = []  # (raw word, page, line_start)
        self.hyphen_breaks = []  # (word part before the line end, part after, page)
        carry = None
        for i in self.body_pages:
            for line in self.body_lines.get(i, []):
                line = merge_touching(line)
                for k, w in enumerate(line):
                    text = w["text"]
                    start = k == 0
                    page = i
                    if carry is not None and text[:1].isalpha() and self._hyphen_join(carry[0], text, vocab):
                        self.hyphen_breaks.append((carry[0], text, carry[1]))
                        text = carry[0] + text
                        start = carry[2]
                        page = carry[1]
                    elif carry is not None:
                        raw.append((carry[0], carry[1], carry[2], carry[1]))
                    carry = None
                    if k == len(line) - 1 and ends_with_hyphen(text):
                        carry = (text, page, start)
                        continue
                    raw.append((text, page, start, i))
        if carry is not None:
            raw.append((carry[0], carry[1], carry[2], carry[1]))
        stream = []
        for text, page, start, end_page in raw:
            for k, w in enumerate(words(text)):
                stream.append({"text": w, "page": page, "end_page": end_page, "line_start": start and k == 0})
        self.stream = join_split_words(stream, vocab)
        self.words = [t["text"] for t in self.stream]

    @staticmethod
    def _hyphen_join(left, right, vocab):
        """Whether a line-end hyphen is a hyphenation (join the parts) rather than a hyphen of
        the text followed by another word: the parts are joined unless both are source words
        and the joined word is not."""
        a, b = words(left), words(right)
        if not a or not b:
            return True
        joined = a[-1] + b[0]
        if joined in vocab:
            return True
        return not (a[-1] in vocab and b[0] in vocab)

    def page_first_index(self, i, whole=True):
        """Index in self.stream of the first word on body page i (whole: the first word that
        starts on it; else the first word that ends on it), or None."""
        for k, t in enumerate(self.stream):
            p = t["page"] if whole else t.get("end_page", t["page"])
            if p == i:
                return k
            if p is not None and p > i:
                return None
        return None

    def contents_entries(self, first_pages=None):
        """Entries of the contents pages (the front pages before the first body page, or the
        first first_pages pages): [{text, num, page, boxes, leaders, num_x1}] and the page where
        the contents title was found (or None)."""
        if first_pages is None:
            first_pages = min(self.body_pages) if self.body_pages else 3
        title = CONTENTS_TITLES.get(self.book.lang.split("-")[0] if self.book.lang else "", None)
        titles = [title] if title else list(CONTENTS_TITLES.values())
        start = None
        entries = []
        for i in range(min(first_pages, self.npages)):
            if i in self.body_pages:
                break
            lines = group_lines(self.pages[i][2])
            lines.sort(key=lambda l: line_box(l)[1])
            k0 = 0
            if start is None:
                for k, l in enumerate(lines):
                    if line_text(l).strip() in titles:
                        start = i
                        k0 = k + 1
                        break
                if start is None:
                    continue
            pending_words, pending_boxes = [], []
            for l in lines[k0:]:
                ws = [w for w in l if not re.fullmatch(r"[.·…\u2024\u2025 ]+", w["text"])]
                dots = len(ws) < len(l)
                if not ws:
                    continue
                if len(ws) == 1 and ws[0]["text"] == self.labels[i] and not pending_words and l is lines[-1]:
                    continue  # the contents page's own folio
                pending_boxes.append(line_box(l))
                last = ws[-1]["text"]
                if is_label(last) and (len(ws) > 1 or pending_words):
                    text = " ".join([*pending_words, *[w["text"] for w in ws[:-1]]])
                    entries.append({"text": text, "num": last, "page": i, "boxes": pending_boxes,
                                    "leaders": dots, "num_x1": ws[-1]["x1"]})
                    pending_words, pending_boxes = [], []
                else:
                    pending_words += [w["text"] for w in ws]
            if pending_words:
                entries.append({"text": " ".join(pending_words), "num": None, "page": i, "boxes": pending_boxes,
                                "leaders": False, "num_x1": None})
        return entries, start


# --------------------------------------------------------------------------------------------
# EPUB

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BLOCK = {"p", "div", "section", "article", "aside", "nav", "header", "footer", "h1", "h2", "h3",
         "h4", "h5", "h6", "li", "ol", "ul", "dl", "dt", "dd", "blockquote", "pre", "table", "tr",
         "td", "th", "thead", "tbody", "tfoot", "caption", "figure", "figcaption", "br", "hr",
         "body", "html", "main", "details", "summary", "img", "svg"}


def local(tag):
    return tag.split("}", 1)[1] if "}" in tag else tag


class Epub:
    """An unpacked EPUB: zip entries, OPF (metadata, manifest, spine), parsed XHTML."""

    def __init__(self, path, workdir):
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.names = self.zip.namelist()
        self.dir = workdir
        for info in self.zip.infolist():
            target = os.path.realpath(os.path.join(workdir, info.filename))
            if not target.startswith(os.path.realpath(workdir) + os.sep):
                raise RuntimeError(f"zip entry outside the archive root: {info.filename}")
        self.zip.extractall(workdir)
        cont = ET.parse(os.path.join(workdir, "META-INF/container.xml"))
        rf = cont.find(".//c:rootfile", NS)
        self.opf_path = rf.get("full-path")
        self.opf_dir = os.path.dirname(self.opf_path)
        self.opf = ET.parse(os.path.join(workdir, self.opf_path)).getroot()
        self.manifest = {}
        for it in self.opf.findall("opf:manifest/opf:item", NS):
            self.manifest[it.get("id")] = {"href": it.get("href"), "type": it.get("media-type"),
                                           "props": (it.get("properties") or "").split(),
                                           "path": self.rel(it.get("href"))}
        self.spine = [self.manifest[i.get("idref")] for i in self.opf.findall("opf:spine/opf:itemref", NS)
                      if i.get("idref") in self.manifest]
        self.nav = next((m for m in self.manifest.values() if "nav" in m["props"]), None)
        self._trees = {}

    def rel(self, href, base=None):
        """Zip path of an href relative to the OPF (or to base, a zip path)."""
        d = os.path.dirname(base) if base else self.opf_dir
        return os.path.normpath(os.path.join(d, href.split("#")[0])) if href else None

    def tree(self, zpath):
        if zpath not in self._trees:
            self._trees[zpath] = ET.parse(os.path.join(self.dir, zpath)).getroot()
        return self._trees[zpath]

    def meta(self, prop):
        return [m.text or "" for m in self.opf.findall("opf:metadata/opf:meta", NS) if m.get("property") == prop]

    def dc(self, name):
        return [e for e in self.opf.findall(f"opf:metadata/dc:{name}", NS)]

    def ids(self, zpath):
        return {e.get("id"): e for e in self.tree(zpath).iter() if e.get("id")}

    def nav_list(self, kind):
        """Entries (text, href, depth) of the nav element of epub:type kind, or None."""
        if not self.nav:
            return None
        root = self.tree(self.nav["path"])
        for nav in root.iter(f"{{{NS['x']}}}nav"):
            if kind in (nav.get(EPUB_TYPE) or "").split():
                out = []

                def walk(ol, depth):
                    for li in ol.findall("x:li", NS):
                        a = li.find("x:a", NS)
                        if a is None:
                            a = li.find("x:span", NS)
                        if a is not None:
                            out.append((" ".join("".join(a.itertext()).split()), a.get("href"), depth,
                                        a.get(EPUB_TYPE)))
                        for sub in li.findall("x:ol", NS):
                            walk(sub, depth + 1)

                for ol in nav.findall("x:ol", NS):
                    walk(ol, 1)
                return out
        return None

    def text_stream(self, skip_nav=True):
        """The spine's body text as words [(word, zip path)], and page-break markers
        {id: (index of the next word, zip path, title)}."""
        stream, markers = [], {}
        for item in self.spine:
            if skip_nav and "nav" in item["props"]:
                continue
            if item["type"] != "application/xhtml+xml":
                continue
            root = self.tree(item["path"])
            body = root.find("x:body", NS)
            if body is None:
                continue
            segs = [""]    # text between markers
            marks = []     # (segment index after which the marker sits, element)

            def walk(e):
                tag = local(e.tag)
                if tag in ("script", "style") or e.get("hidden") is not None:
                    if e.tail:
                        segs[-1] += e.tail
                    return
                types = (e.get(EPUB_TYPE) or "").split()
                if "pagebreak" in types or e.get("role") == "doc-pagebreak":
                    marks.append((len(segs) - 1, e))
                    segs.append("")
                    if e.tail:
                        segs[-1] += e.tail
                    return
                if tag in BLOCK:
                    segs[-1] += " "
                if e.text:
                    segs[-1] += e.text
                for c in e:
                    walk(c)
                if tag in BLOCK:
                    segs[-1] += " "
                if e.tail:
                    segs[-1] += e.tail

            walk(body)
            for k, seg in enumerate(segs):
                ws = words(seg)
                glued = (k > 0 and stream and segs[k - 1] and seg and
                         re.match(r"\w", seg[0]) and re.match(r"\w", segs[k - 1][-1]))
                if glued and ws:
                    stream[-1] = (stream[-1][0] + ws[0], item["path"])
                    ws = ws[1:]
                for mk, el in marks:
                    if mk == k - 1:
                        markers[el.get("id")] = (len(stream) - (1 if glued else 0), item["path"], el.get("title"))
                stream += [(w, item["path"]) for w in ws]
        return stream, markers


def epubcheck(epub, workdir, jar=None):
    """Runs EPUBCheck with a JSON report; returns (fatal, error, warning, messages, exit
    status, stderr).  The Debian wrapper /usr/bin/epubcheck needs binfmt: the jar is run
    directly."""
    jar = jar or os.environ.get("EPUBCHECK_JAR", "/usr/share/java/epubcheck.jar")
    report = os.path.join(workdir, "epubcheck-" + os.path.basename(epub) + ".json")
    rc, out, err = run(["java", "-jar", jar, "--json", report, epub])
    try:
        with open(report, encoding="utf-8") as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        return None, None, None, [f"no JSON report ({e}); stderr: {short(err, 400)}"], rc, err
    c = d.get("checker", {})
    msgs = []
    for m in d.get("messages", []):
        locs = ", ".join(f"{l.get('path')}:{l.get('line')}:{l.get('column')}" for l in m.get("locations", [])[:3])
        msgs.append(f"{m.get('severity')} {m.get('ID')} {short(m.get('message'), 200)} [{locs}]")
    return c.get("nFatal", 0), c.get("nError", 0), c.get("nWarning", 0), msgs, rc, err


def xmllint(paths):
    """xmllint --noout --nonet over the files; returns (exit status, stderr)."""
    rc, out, err = run(["xmllint", "--noout", "--nonet", *paths])
    return rc, (out + err).strip()


def mutool_draw(path, workdir, args=("-o", "/dev/null")):
    """Renders every page with mutool; returns (exit status, error lines)."""
    rc, out, err = run(["mutool", "draw", *args, path], cwd=workdir)
    errors = [l for l in (out + err).splitlines()
              if "error" in l.lower() and "ICC support is not available" not in l]
    return rc, errors
