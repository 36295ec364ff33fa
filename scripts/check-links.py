#!/usr/bin/env python3
"""check-links.py FILE...: every relative Markdown link resolves.

A link [text](path#anchor) must name a file of the repository and, if it has
an anchor, a heading of that file (GitHub's anchor rules: lower case, spaces
to hyphens, punctuation dropped).  External links (http:, https:, mailto:)
are not followed.  Prints each broken link; exit status 1 if there is one.
"""
import os
import re
import sys

LINK = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)')
HEADING = re.compile(r'^#{1,6}\s+(.*?)\s*$')


def anchors(path):
    out, in_code = set(), False
    for line in open(path, encoding='utf-8'):
        if line.startswith('```'):
            in_code = not in_code
        m = None if in_code else HEADING.match(line)
        if m:
            text = re.sub(r'[`*_]', '', m.group(1)).lower()
            out.add(re.sub(r'[^a-z0-9 -]', '', text).replace(' ', '-'))
    return out


def main(files):
    bad = 0
    for f in files:
        in_code = False
        for n, line in enumerate(open(f, encoding='utf-8'), 1):
            if line.startswith('```'):
                in_code = not in_code
            if in_code:
                continue
            for target in LINK.findall(re.sub(r'`[^`]*`', '', line)):
                if re.match(r'^[a-z]+:', target):
                    continue
                path, _, anchor = target.partition('#')
                dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
                if not os.path.exists(dest):
                    print(f'{f}:{n}: {target}: no such file')
                    bad += 1
                elif anchor and dest.endswith('.md') and anchor not in anchors(dest):
                    print(f'{f}:{n}: {target}: no such heading')
                    bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
