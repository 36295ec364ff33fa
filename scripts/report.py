#!/usr/bin/env python3
"""Turn the test VMs' serial logs into one verdict.

    report.py [--kunit-py PATH] KID:DIR ...

DIR holds build.status (one line: "ok" or "fail <why>") and, if the build
worked, vm.log (the serial console) and vm.rc (the VM runner's exit code).
For each kernel this prints every result, then the final line is exactly
"N passed, N failed".  Exit status 0 only if nothing failed.

What counts, per kernel:
  - the build (zero warnings, enforced by scripts/build.sh);
  - the VM reaching its end marker (no panic, no timeout);
  - every leaf test of the KUnit and userspace KTAP (SKIP is neither), with
    each plan ("1..N") met, so a suite that dies midway fails;
  - the kernel log: any WARNING/BUG/KASAN/lockdep/ODEBUG/... report fails it;
  - kmemleak (debug kernel): any unreferenced object fails it;
  - the KUnit totals agreeing with the kernel's own parser, kunit.py parse.
"""
import argparse
import os
import re
import subprocess
import sys

# Kernel-log lines that are reports of a bug.  Matched after the timestamp.
REPORT_PATTERNS = [
    (re.compile(r'\bWARNING:'), 'WARNING'),
    (re.compile(r'\bBUG:'), 'BUG'),
    (re.compile(r'\bBUG \S+ \(.*\): '), 'slab debug BUG'),
    (re.compile(r'KASAN'), 'KASAN'),
    (re.compile(r'UBSAN:'), 'UBSAN'),
    (re.compile(r'ODEBUG:'), 'ODEBUG'),
    (re.compile(r'^INFO: '), 'INFO report (lockdep, hung task, RCU)'),
    (re.compile(r'possible (circular|recursive) locking|inconsistent lock state'
                r'|suspicious RCU usage|lock held when returning'), 'lockdep'),
    (re.compile(r'kmemleak: \d+ new suspected memory leaks'), 'kmemleak'),
    (re.compile(r'unreferenced object 0x'), 'kmemleak'),
    (re.compile(r'Kernel panic'), 'panic'),
    (re.compile(r'\bOops\b|general protection fault|invalid opcode:'), 'oops'),
    (re.compile(r'watchdog: BUG: soft lockup|rcu: INFO'), 'lockup'),
    (re.compile(r'Call Trace:'), 'stack trace'),
]
TIMESTAMP = re.compile(r'^\s*\[\s*\d+\.\d+\]\s?')
KTAP_RESULT = re.compile(
    r'^(?P<indent>\s*)(?P<ok>ok|not ok)\s+(?P<num>\d+)\s*(?:-\s*)?(?P<name>[^#]*?)\s*'
    r'(?:#\s*(?P<directive>\S+)\s*(?P<reason>.*))?$')
KTAP_PLAN = re.compile(r'^(?P<indent>\s*)1\.\.(?P<n>\d+)\s*$')
KTAP_SUBTEST = re.compile(r'^(?P<indent>\s*)#\s*Subtest:\s*(?P<name>\S+)')


class Results:
    def __init__(self, kid):
        self.kid = kid
        self.passed = self.failed = self.skipped = 0
        self.lines = []

    def add(self, status, name, detail=''):
        if status == 'ok':
            self.passed += 1
        elif status == 'skip':
            self.skipped += 1
        else:
            self.failed += 1
        tag = {'ok': 'ok  ', 'skip': 'SKIP', 'fail': 'FAIL'}[status]
        self.lines.append(f'  {tag} {name}{" -- " + detail if detail else ""}')


def block(lines, begin, end):
    """Lines strictly between the first marker line starting with begin and
    the next starting with end; None if begin never appears."""
    out = None
    for line in lines:
        if out is None:
            if line.startswith(begin):
                out = []
        elif line.startswith(end):
            return out
        else:
            out.append(line)
    return out


def parse_ktap(lines, prefix):
    """Parse KTAP: several documents, nested subtests, by indentation.

    A result line closes the deeper frames opened since the previous result
    at its level; those are its subtests.  A result with no subtests is a
    leaf.  Returns (leaves, problems): leaves are (status, name, detail);
    problems are plans not met and failing parents with no failing leaf."""
    leaves, problems = [], []
    stack = []          # frames: indent, name, plan, count, failed
    pending = {}        # indent -> '# Subtest:' name not yet given a frame
    diag = ''           # last failure diagnostic, for the next failing leaf

    def path(name):
        parts = [prefix] + [f['name'] for f in stack if f['name']] + [name]
        return '/'.join(p for p in parts if p)

    def close(frame):
        if frame['plan'] is not None and frame['count'] != frame['plan']:
            problems.append(('/'.join(x for x in (path(''), frame['name']) if x),
                             f"plan 1..{frame['plan']} but {frame['count']} results"))

    def pop_deeper(indent):
        popped = []
        while stack and stack[-1]['indent'] > indent:
            frame = stack.pop()
            close(frame)
            popped.append(frame)
        return popped

    def frame_at(indent, fresh=False):
        if stack and stack[-1]['indent'] == indent and not fresh:
            return stack[-1]
        if stack and stack[-1]['indent'] == indent:
            close(stack.pop())
        frame = {'indent': indent, 'name': pending.pop(indent, None), 'plan': None,
                 'count': 0, 'failed': False}
        stack.append(frame)
        return frame

    for raw in lines:
        line = TIMESTAMP.sub('', raw.rstrip('\r\n')).expandtabs(8)
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        body = line.strip()
        if body.startswith('KTAP version') or body.startswith('TAP version'):
            pop_deeper(indent)
            if stack and stack[-1]['indent'] == indent and stack[-1]['count']:
                close(stack.pop())   # a new document at the same level
            continue
        m = KTAP_SUBTEST.match(line)
        if m:
            pending[indent] = m.group('name')
            continue
        m = KTAP_PLAN.match(line)
        if m:
            pop_deeper(indent)
            frame = frame_at(indent)
            if frame['count'] or frame['plan'] is not None:
                frame = frame_at(indent, fresh=True)
            if frame['name'] is None:
                frame['name'] = pending.pop(indent, None)
            frame['plan'] = int(m.group('n'))
            continue
        m = KTAP_RESULT.match(line)
        if m:
            children = pop_deeper(indent)
            frame = frame_at(indent)
            frame['count'] += 1
            name = m.group('name').strip() or f'#{m.group("num")}'
            failed = m.group('ok') == 'not ok'
            skip = (m.group('directive') or '').upper() == 'SKIP'
            if children:
                child_failed = any(c['failed'] for c in children)
                if failed and not skip and not child_failed:
                    problems.append((path(name), 'failed with no failing case'))
                frame['failed'] |= failed and not skip
                continue
            if skip:
                leaves.append(('skip', path(name), (m.group('reason') or '').strip()))
            elif failed:
                frame['failed'] = True
                leaves.append(('fail', path(name), diag))
            else:
                leaves.append(('ok', path(name), ''))
            diag = ''
            continue
        if body.startswith('#') and ('check failed' in body or 'Expected' in body
                                     or 'ASSERTION' in body or 'EXPECTATION' in body):
            diag = diag or body.lstrip('# ')[:200]
    pop_deeper(-1)
    return leaves, problems


def scan_kernel_log(lines):
    """Report lines of a kernel log: [(kind, line)]."""
    found = []
    for raw in lines:
        line = TIMESTAMP.sub('', raw.rstrip('\r\n'))
        for pattern, kind in REPORT_PATTERNS:
            if pattern.search(line):
                found.append((kind, line.strip()[:200]))
                break
    return found


def kunit_py_totals(kunit_py, log_lines):
    """Run the kernel's own KTAP parser over the kernel log; (passed, failed).

    kunit.py reads one KTAP document; the boot-time KUnit run prints an empty
    one first, so start at the top-level header before ntwq's first suite."""
    clean = [TIMESTAMP.sub('', l) for l in log_lines]
    # Each KUnit module that loads prints a document of its own (ntwq_kunit,
    # then ntwq_ndis_kunit): parse every document holding an ntwq suite.
    heads = [i for i, l in enumerate(clean) if l.startswith('KTAP version')] + [len(clean)]
    docs = [(a, b) for a, b in zip(heads, heads[1:])
            if any(re.match(r'\s*# Subtest: ntwq_', l) for l in clean[a:b])]
    if not docs:
        docs = [(0, len(log_lines))]
    passed = failed = 0
    for a, b in docs:
        try:
            out = subprocess.run([sys.executable, kunit_py, 'parse'],
                                 input=''.join(log_lines[a:b]),
                                 capture_output=True, text=True, timeout=120).stdout
        except (OSError, subprocess.SubprocessError) as e:
            return None, str(e)
        out = re.sub(r'\x1b\[[0-9;]*m', '', out)
        m = re.search(r'Ran (\d+) tests?: passed: (\d+)(?:, failed: (\d+))?', out)
        if not m:
            return None, (out.strip().splitlines() or ['no output'])[-1]
        passed += int(m.group(2))
        failed += int(m.group(3) or 0)
    return (passed, failed), ''


def add_ktap(r, lines, prefix):
    """Add one KTAP block's leaves and problems to r; return the leaves."""
    leaves, problems = parse_ktap(lines, prefix)
    if not leaves:
        r.add('fail', prefix, 'no results')
    for status, name, detail in leaves:
        r.add(status, name, detail)
    for name, why in problems:
        r.add('fail', name, why)
    return leaves


def report_kernel(kid, d, kunit_py):
    r = Results(kid)
    status = open(os.path.join(d, 'build.status')).read().strip() \
        if os.path.exists(os.path.join(d, 'build.status')) else 'fail no build status'
    if status != 'ok':
        r.add('fail', 'build', status[5:] if status.startswith('fail') else status)
        return r
    r.add('ok', 'build (no compiler, objtool or modpost warnings)')

    log_path = os.path.join(d, 'vm.log')
    lines = open(log_path, errors='replace').read().splitlines(keepends=True) \
        if os.path.exists(log_path) else []
    rc = open(os.path.join(d, 'vm.rc')).read().strip() \
        if os.path.exists(os.path.join(d, 'vm.rc')) else '?'
    clean = [TIMESTAMP.sub('', l.rstrip('\r\n')) for l in lines]
    done = any(l.startswith('NTWQ-GUEST-DONE') for l in clean)
    if done:
        r.add('ok', 'vm ran to completion')
    else:
        r.add('fail', 'vm ran to completion',
              'timed out' if rc == '124' else f'no end marker (qemu exit {rc}); see {log_path}')

    for l in clean:
        if l.startswith('NTWQ-FAIL'):
            r.add('fail', 'guest step', l[len('NTWQ-FAIL'):].strip())

    kunit_lines = block(clean, 'NTWQ-KUNIT-BEGIN', 'NTWQ-KUNIT-END')
    dmesg = block(clean, 'NTWQ-DMESG-BEGIN', 'NTWQ-DMESG-END')
    if kunit_lines is not None:
        leaves = add_ktap(r, kunit_lines, 'kunit')
        if kunit_py:
            ours = (sum(1 for s, _, _ in leaves if s == 'ok'),
                    sum(1 for s, _, _ in leaves if s == 'fail'))
            theirs, err = kunit_py_totals(kunit_py, [l + '\n' for l in (dmesg or clean)])
            if theirs is None:
                r.add('fail', 'kunit.py parse agrees', err)
            elif theirs != ours:
                r.add('fail', 'kunit.py parse agrees',
                      f'kunit.py: {theirs[0]} passed {theirs[1]} failed; ours: '
                      f'{ours[0]} passed {ours[1]} failed')
            else:
                r.add('ok', 'kunit.py parse agrees', f'{theirs[0]} passed, {theirs[1]} failed')

    us = block(clean, 'NTWQ-USERSPACE-BEGIN', 'NTWQ-USERSPACE-END')
    if us is None:
        if done:
            r.add('fail', 'userspace-test', 'did not run')
    else:
        add_ktap(r, us, 'userspace')

    if done:
        if any(l.startswith('NTWQ-BENCH-SMOKE ok') for l in clean):
            r.add('ok', 'benchmark smoke pass runs to the end')
        else:
            r.add('fail', 'benchmark smoke pass runs to the end', 'no NTWQ-BENCH-SMOKE line')

    leaks = block(clean, 'NTWQ-KMEMLEAK-BEGIN', 'NTWQ-KMEMLEAK-END')
    if leaks is not None:
        n = sum(1 for l in leaks if 'unreferenced object' in l)
        if n:
            r.add('fail', 'kmemleak finds no leak', f'{n} unreferenced objects')
        else:
            r.add('ok', 'kmemleak finds no leak')

    # The kernel log: the dmesg dump if the guest got that far, else the console.
    reports = scan_kernel_log(dmesg if dmesg is not None else clean)
    if reports:
        kinds = sorted({k for k, _ in reports})
        r.add('fail', 'kernel log has no reports', f'{len(reports)} report lines ({", ".join(kinds)})')
        for kind, line in reports[:20]:
            r.lines.append(f'       | {line}')
    else:
        r.add('ok', 'kernel log has no reports')
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--kunit-py', help="the kernel's tools/testing/kunit/kunit.py")
    ap.add_argument('kernels', nargs='+', metavar='KID:DIR')
    args = ap.parse_args()

    total_pass = total_fail = 0
    for spec in args.kernels:
        kid, d = spec.split(':', 1)
        r = report_kernel(kid, d, args.kunit_py)
        print(f'== {kid}')
        print('\n'.join(r.lines))
        print(f'   {kid}: {r.passed} passed, {r.failed} failed, {r.skipped} skipped')
        total_pass += r.passed
        total_fail += r.failed
    print(f'{total_pass} passed, {total_fail} failed')
    return 1 if total_fail else 0


if __name__ == '__main__':
    sys.exit(main())
