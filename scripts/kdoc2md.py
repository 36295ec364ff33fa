#!/usr/bin/env python3
"""Turn the kernel's kernel-doc reStructuredText output into Markdown.

    kdoc2md.py < kernel-doc-rst >> api.md

Reads what `scripts/kernel-doc -rst FILE...` prints, where each file's
output is preceded by a line "@@FILE <name>" (scripts/docs.sh adds it), and
writes the body of one Markdown page: a section per header, a subsection per documented
routine, macro, type and DOC: block, the prototype or definition as a C code
block, parameters and members as lists.
"""
import re
import sys

DIRECTIVE = re.compile(r'^\.\. c:(function|macro|type|struct|enum|union)::\s*(.*)$')
TERM = re.compile(r'^``(.*)``$')
BOLD = re.compile(r'^\*\*(.+)\*\*(::)?$')


def inline(text):
    """rst inline markup to Markdown; '<' outside code would start HTML."""
    parts = re.split(r'(``[^`]*``)', text)
    out = []
    for p in parts:
        if p.startswith('``') and p.endswith('``') and len(p) >= 4:
            out.append('`' + p[2:-2] + '`')
        else:
            out.append(p.replace('<', '\\<'))
    return ''.join(out)


def name_of(kind, arg):
    if kind == 'function':
        m = re.search(r'(\w+)\s*\(', arg)
        return m.group(1) if m else arg
    if kind in ('struct', 'enum', 'union'):
        return f'{kind} {arg}'
    return arg.replace('typedef ', '')


def convert(lines):
    out = []
    i, n = 0, len(lines)
    label = False          # a ".. _x:" label: the next bold line heads a DOC block

    def emit(s=''):
        if s == '' and out and out[-1] == '':
            return
        out.append(s)

    while i < n:
        raw = lines[i].rstrip('\n')
        line = raw.strip()
        indent = len(raw) - len(raw.lstrip())
        i += 1
        if raw.startswith('@@FILE '):
            emit()
            emit(f'## `<{raw[7:]}>`')
            emit()
            continue
        if line.startswith('.. _') and line.endswith(':'):
            label = True
            continue
        if line.startswith('.. container::'):
            continue
        m = DIRECTIVE.match(line)
        if m:
            kind, arg = m.groups()
            emit()
            emit(f'### `{name_of(kind, arg)}`')
            emit()
            if kind == 'function':
                emit('```c')
                emit(re.sub(r'^(.*?\w) \(', r'\1(', arg) + ';')
                emit('```')
                emit()
            elif kind == 'macro':
                # The next non-blank line is ``NAME (args)``.
                while i < n and not lines[i].strip():
                    i += 1
                t = TERM.match(lines[i].strip()) if i < n else None
                if t:
                    emit('```c')
                    emit('#define ' + re.sub(r'^(\w+) \(', r'\1(', t.group(1)))
                    emit('```')
                    emit()
                    i += 1
            label = False
            continue
        b = BOLD.match(line)
        if b:
            heading, literal = b.groups()
            if label:
                emit()
                emit(f'### {heading}')
                emit()
                label = False
                continue
            emit()
            emit(f'**{heading}**')
            emit()
            if literal:
                # A literal block: the lines indented deeper than this one.
                block = []
                while i < n and (not lines[i].strip() or
                                 len(lines[i]) - len(lines[i].lstrip()) > indent):
                    block.append(lines[i].rstrip('\n'))
                    i += 1
                while block and not block[0].strip():
                    block.pop(0)
                while block and not block[-1].strip():
                    block.pop()
                cut = min(len(b_) - len(b_.lstrip()) for b_ in block if b_.strip())
                emit('```c')
                for b_ in block:
                    emit(b_[cut:])
                emit('```')
                emit()
            continue
        t = TERM.match(line)
        if t and i < n and lines[i].strip() and \
                len(lines[i]) - len(lines[i].lstrip()) > indent:
            # A definition list entry: the term, then its indented text.
            desc = []
            while i < n and lines[i].strip() and \
                    len(lines[i]) - len(lines[i].lstrip()) > indent:
                desc.append(lines[i].strip())
                i += 1
            if len(out) >= 2 and out[-1] == '' and out[-2].startswith('- `'):
                out.pop()       # one tight list, not a paragraph per entry
            emit(f'- `{t.group(1)}`: ' + inline(' '.join(desc)))
            continue
        if not line:
            emit()
            continue
        emit(inline(line))
    while out and out[-1] == '':
        out.pop()
    return '\n'.join(out) + '\n'


def main():
    sys.stdout.write(convert(sys.stdin.readlines()))


if __name__ == '__main__':
    main()
