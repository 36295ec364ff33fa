#!/usr/bin/env python3
"""Turn the test VMs' serial logs into one verdict.

    report.py [--kunit-py PATH] [--host RESULTS] KID:DIR ...

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

A stress boot (ntwqmode=stress, scripts/stress.sh) is judged by its own
checks instead of KUnit and userspace-test: see add_stress().  So is the
boot of make run's demo (ntwqmode=run, scripts/run.sh): see add_run().
--stress-summary adds one summary line per stress boot.

RESULTS (--host) holds the checks run on the build machine itself (make
check, the docs, the Debian package: see scripts/test.sh), one line each,
"ok NAME" or "fail NAME -- why"; they are reported as the kernel "host".
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
        self.summary = {}   # stress boots: the figures of the summary line

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


# Between these two lines (written to /dev/kmsg by userspace-test around a
# sweep that fails the kernel's own allocations, module loading included) the
# kernel's allocation-failure warnings ("vmalloc error: ...", which dump the
# stack) are the expected answer to an injected failure, not a bug: a bare
# stack trace is let through there.  Every other report still fails the run.
ALLOC_FAILURES_BEGIN = 'ntwq-test: injected allocation failures begin'
ALLOC_FAILURES_END = 'ntwq-test: injected allocation failures end'


def kcsan_outside_ntwq(lines, i):
    """True if the KCSAN report starting at lines[i] is not about ntwq code.

    A "race at unknown origin" has one instrumented access; the writer that
    changed the value was uninstrumented, and ntwq is built with KCSAN's
    instrumentation, so ntwq is that access or no side at all: only the top
    frame counts (the workqueue reading its worker's runtime in
    wq_worker_running() or process_scheduled_works() while the
    uninstrumented scheduler tick updates it, with an ntwq routine that
    slept further down the stack).  A race between two instrumented
    accesses is ntwq's if any frame of either stack names an ntwq module."""
    ntwq_frame = re.compile(r'\[ntwq[a-z0-9_]*\]')
    unknown_origin = False
    top_frame_next = False
    for raw in lines[i + 1:i + 80]:
        line = TIMESTAMP.sub('', raw.rstrip('\r\n'))
        if 'Reported by Kernel Concurrency Sanitizer' in line:
            return True
        if 'race at unknown origin' in line:
            unknown_origin = top_frame_next = True
            continue
        if unknown_origin:
            if top_frame_next and line.strip():
                if ntwq_frame.search(line):
                    return False
                top_frame_next = False
            continue
        if ntwq_frame.search(line):
            return False
    return False


def scan_kernel_log(lines):
    """Report lines of a kernel log: [(kind, line)]."""
    found = []
    injecting = False
    for i, raw in enumerate(lines):
        line = TIMESTAMP.sub('', raw.rstrip('\r\n'))
        if 'BUG: KCSAN:' in line and kcsan_outside_ntwq(lines, i):
            continue
        if ALLOC_FAILURES_BEGIN in line:
            injecting = True
        elif ALLOC_FAILURES_END in line:
            injecting = False
        for pattern, kind in REPORT_PATTERNS:
            if pattern.search(line):
                if not (injecting and kind == 'stack trace'):
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

    log_path = os.path.join(d, 'vm.log')
    lines = open(log_path, errors='replace').read().splitlines(keepends=True) \
        if os.path.exists(log_path) else []
    rc = open(os.path.join(d, 'vm.rc')).read().strip() \
        if os.path.exists(os.path.join(d, 'vm.rc')) else '?'
    clean = [TIMESTAMP.sub('', l.rstrip('\r\n')) for l in lines]
    done = any(l.startswith('NTWQ-GUEST-DONE') for l in clean)
    # A stress boot reuses a build the kernel's own entry already counted.
    stress = any(re.match(r'NTWQ-GUEST-BEGIN .*mode=stress', l) for l in clean)
    demo = any(re.search(r'NTWQ-GUEST-BEGIN .*mode=run', l) for l in clean)
    if not stress and not demo:
        r.add('ok', 'build (no compiler, objtool or modpost warnings)')
    if done:
        r.add('ok', 'vm ran to completion')
    else:
        r.add('fail', 'vm ran to completion',
              'timed out' if rc == '124' else f'no end marker (qemu exit {rc}); see {log_path}')

    for l in clean:
        if l.startswith('NTWQ-FAIL'):
            r.add('fail', 'guest step', l[len('NTWQ-FAIL'):].strip())

    dmesg = block(clean, 'NTWQ-DMESG-BEGIN', 'NTWQ-DMESG-END')
    if demo:
        add_run(r, clean, dmesg, done)
        add_log_scan(r, dmesg if dmesg is not None else clean)
        return r
    if stress:
        add_stress(r, clean, done)
        # The whole console, the dump included (a long run's early reports
        # may have left the kernel's log buffer), each line once.
        add_log_scan(r, list(dict.fromkeys(l.rstrip('\r\n') for l in lines)))
        return r

    kunit_lines = block(clean, 'NTWQ-KUNIT-BEGIN', 'NTWQ-KUNIT-END')
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

    add_kmemleak(r, clean)
    # The kernel log: the dmesg dump if the guest got that far, else the console.
    add_log_scan(r, dmesg if dmesg is not None else clean)
    return r


def marker_kv(clean, name):
    """key=value pairs of the first line starting with marker name; None if
    there is none.  The text after the last pair is under '_tail'."""
    for line in clean:
        if line == name or line.startswith(name + ' '):
            rest = line[len(name):]
            kv = dict(re.findall(r'(\w+)=(\S+)', rest))
            kv['_tail'] = re.sub(r'^.*\S+=\S+\s*', '', rest)
            return kv
    return None


def num(kv, key, default=-1):
    try:
        return int(kv.get(key, default))
    except (TypeError, ValueError):
        return default


# Slab check (kernels without kmemleak): a cache ntwq allocates from whose
# active objects grew by this share of the reloads or more fails.  Anything
# ntwq leaked once per load would grow its cache by one object per reload
# or more; what else moves in the idle guest is a handful of objects (see
# README "Reliability").  ntwq's memory is all kmalloc (its C++ runtime, the
# debugfs bridge, alloc_workqueue) plus its workqueues' pool_workqueues;
# the dentry and inode caches move with the guest's own shell and /proc and
# are shown, not judged.
SLAB_LEAK_SHARE = 0.5
SLAB_JUDGED = re.compile(r'^(kmalloc-|pool_workqueue$)')
# Per-CPU memory (kB) that may grow over the reloads: the allocator keeps
# chunks populated once used.
PERCPU_SLACK_KB = 256


def add_stress(r, clean, done):
    """The checks of a stress boot (scripts/guest-stress.sh's markers)."""
    begin = marker_kv(clean, 'NTWQ-STRESS-BEGIN')
    if begin is None:
        r.add('fail', 'stress started', 'no NTWQ-STRESS-BEGIN line')
        return
    asked = {k: num(begin, k) for k in ('ops', 'cycles', 'reloads', 'threads', 'cpus')}
    s = r.summary
    s['cpus'] = asked['cpus']

    res = marker_kv(clean, 'NTWQ-STRESS-RESULT')
    if res is None or 'ops' not in res:
        r.add('fail', 'stress module printed its result', 'no result line')
    else:
        ops, threads = num(res, 'ops'), num(res, 'threads')
        acc, runs = num(res, 'accepted'), num(res, 'runs')
        s.update(ops=ops, threads=threads, accepted=acc, runs=runs)
        name = f'stress: {ops} operations from {threads} threads at once'
        if ops >= asked['ops'] and threads >= asked['threads']:
            r.add('ok', name, f"{res.get('thread_ops')} by the threads, "
                  f"{res.get('requeues')} re-queues from routines, {res.get('atomic')} at "
                  f"DISPATCH_LEVEL, {res.get('devices')} devices")
        else:
            r.add('fail', name, f"asked {asked['ops']} from {asked['threads']}")
        fams = {f: res.get(f, '?/?').split('/') for f in ('io', 'ex', 'wdf')}
        same = all(len(v) == 2 and v[0] == v[1] for v in fams.values())
        detail = (f'accepted={acc} runs={runs} (' +
                  ', '.join(f'{f} {"/".join(v)}' for f, v in fams.items()) +
                  f"; {res.get('coalesced')} coalesced KMDF enqueues not counted)")
        r.add('ok' if same and acc == runs and acc > 0 else 'fail',
              'stress: every accepted queue call ran exactly once', detail)
        # SPEC 2: the same item never runs concurrently with itself.
        over = dict(p.split(':') for p in res.get('overlaps', '').split(',') if ':' in p)
        n_over = sum(int(v) for v in over.values() if v.isdigit())
        errors = num(res, 'errors')
        name = 'stress: no work item ran beside itself (re-queued from its routine)'
        if n_over == 0:
            r.add('ok', name)
        elif errors == 0:
            r.add('skip', name, f"overlaps {res.get('overlaps')} counted, not checked (overlap_check)")
        else:
            r.add('fail', name, f"overlaps {res.get('overlaps')}")
        r.add('ok' if errors == 0 and res['_tail'].strip() == 'ok' else 'fail',
              'stress: no routine saw a wrong argument, IRQL or overlap, no wait ran out',
              '' if errors == 0 else f"{errors} errors: {res['_tail'].strip()}")

    churn = marker_kv(clean, 'NTWQ-STRESS-CHURN')
    if churn is None:
        r.add('fail', 'sample driver load/unload cycles', 'no NTWQ-STRESS-CHURN line')
    else:
        cycles, refused = num(churn, 'cycles'), num(churn, 'refused')
        s['cycles'] = cycles
        r.add('ok' if cycles >= asked['cycles'] and num(churn, 'failures') == 0 else 'fail',
              f'sample driver loaded and unloaded {cycles} times during the stress',
              f"asked {asked['cycles']}; failures={churn.get('failures')}")
        # Work in flight: some rmmod must have been refused while the
        # sample's routines pinned it, and retried.
        r.add('ok' if refused > 0 else 'fail', 'rmmod refused while work was in flight, then retried',
              f'{refused} refusals')
        ex, io = num(churn, 'exit_ex'), num(churn, 'exit_io')
        r.add('ok' if ex > 0 and io > 0 else 'fail',
              f'work queued from module_exit during the stress: {ex} executive (refused), {io} Io (ran)',
              f"exit_ex={churn.get('exit_ex')} exit_io={churn.get('exit_io')}")

    races = marker_kv(clean, 'NTWQ-STRESS-RACES')
    if races is None:
        r.add('fail', 'races during the stress', 'no NTWQ-STRESS-RACES line')
    else:
        why = [l for l in clean if l.startswith('NTWQ-STRESS-RACE-FAIL')][:2]
        r.add('ok' if num(races, 'runs') > 0 and num(races, 'failures') == 0 else 'fail',
              f"uninitialize/queue and KMDF create/delete races during the stress: {races.get('runs')} runs",
              f"failures={races.get('failures')} " + ' | '.join(l[:300] for l in why))

    state = marker_kv(clean, 'NTWQ-STRESS-NTWQ')
    if state is None:
        r.add('fail', 'ntwq state after the stress', 'no NTWQ-STRESS-NTWQ line')
    else:
        expected = num(state, 'expected')
        r.add('ok' if num(state, 'diag') == expected and
              num(state, 'driver_deleted') == num(state, 'exit_ex') else 'fail',
              'no ntwq diagnostic during the stress but those of the exit-time executive items and the uninitialize race',
              f"diag={state.get('diag')} driver_deleted={state.get('driver_deleted')} "
              f"expected={state.get('expected')}")
        r.add('ok' if num(state, 'exit_io_lost') == 0 else 'fail',
              'every Io item queued from module_exit ran before NtwqDeleteDriver returned',
              f"lost={state.get('exit_io_lost')}")
        live_ok = state.get('live_before') == state.get('live_after') and 'live_before' in state
        r.add('ok' if live_ok else 'fail',
              'ntwq runtime objects back to their count after loading',
              f"{state.get('live_before')} -> {state.get('live_after')}")
        s['live'] = 0 if live_ok else 1

    rel = marker_kv(clean, 'NTWQ-STRESS-RELOADS')
    if rel is None:
        r.add('fail', 'ntwq reloads', 'no NTWQ-STRESS-RELOADS line')
    else:
        s['reloads'] = num(rel, 'done')
        r.add('ok' if num(rel, 'done') >= asked['reloads'] and asked['reloads'] >= 0 else 'fail',
              f"ntwq unloaded and reloaded {rel.get('done')} times, a trigger command each time",
              f"asked {asked['reloads']}; {rel.get('seconds')} s")

    leaks = add_kmemleak(r, clean)
    slab = block(clean, 'NTWQ-SLAB-BEGIN', 'NTWQ-SLAB-END')
    head = next((l for l in clean if l.startswith('NTWQ-SLAB-BEGIN')), '')
    if leaks is None and slab is not None and \
            num(marker_kv([head], 'NTWQ-SLAB-BEGIN') or {}, 'caches', 0) <= 0:
        # Neither kmemleak nor /proc/slabinfo (the kcsan kernel's SLUB_TINY):
        # leaks are judged on the debug and stock kernels, not here.
        r.add('skip', 'leak check', 'kernel without kmemleak or /proc/slabinfo')
        slab = None
        leaks = 0
    if leaks is None and slab is not None:
        # No kmemleak (a stock kernel): the slab caches and per-CPU memory.
        limit = max(1, int(asked['reloads'] * SLAB_LEAK_SHARE))
        grown, percpu = [], 0
        for l in slab:
            f = l.split()
            if len(f) != 4:
                continue
            if f[0] == 'percpu_kb':
                percpu = int(f[3])
            elif SLAB_JUDGED.match(f[0]) and int(f[3]) >= limit:
                grown.append(f'{f[0]} +{f[3]}')
        moved = ', '.join(f'{l.split()[0]} {int(l.split()[3]):+d}' for l in slab
                          if len(l.split()) == 4) or 'nothing moved'
        s['slab_grown'] = len(grown)
        r.add('fail' if grown else 'ok',
              f'no kmalloc or pool_workqueue cache grew by {limit} or more objects over the reloads',
              ', '.join(grown) if grown else moved[:300])
        r.add('fail' if percpu > PERCPU_SLACK_KB else 'ok',
              f'per-CPU memory grew by at most {PERCPU_SLACK_KB} kB over the reloads',
              f'{percpu:+d} kB')
        leaks = len(grown) + (percpu > PERCPU_SLACK_KB)
    s['leaks'] = leaks
    if done and not any(l.startswith('NTWQ-STRESS-END') for l in clean):
        r.add('fail', 'stress ran to its end', 'no NTWQ-STRESS-END line')


# An ntwq diagnostic in the kernel log: a bugcheck-style code after an ntwq
# module's prefix ("ntwq: PAGE_FAULT_IN_FREED_SPECIAL_POOL(0xCC): ..."), or
# a Windows routine's name first (a shim's pr_err has no prefix:
# "NdisMDeregisterMiniportDriver: ...: adapter not halted; halted now").
DIAG_LINE = re.compile(r'^ntwq[a-z_]*: [A-Z][A-Z0-9_]+(\(\w+\))?: '
                       r'|^(ntwq[a-z_]*: )?(Ndis|Ntwq|Io|Ex|Wdf|Ke|Ob)[A-Z]\w*: ')
# The diagnostics make run's demo shows on purpose (patterns): none.  A
# step that provokes one to show it adds its pattern here.
RUN_EXPECTED_DIAGS = []
VERSION_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'VERSION')


def section(clean, title):
    """The demo's output lines under the "--- TITLE..." header, up to the
    next header or marker; None if the header is missing."""
    out = None
    for line in clean:
        if out is None:
            if line.startswith('--- ' + title):
                out = []
        elif line.startswith('--- ') or line.startswith('NTWQ-'):
            return out
        else:
            out.append(line)
    return out


def add_run(r, clean, dmesg, done):
    """The checks of make run's demo (scripts/guest-init.sh, mode run): what
    a user reads must be whole and clean."""
    mi = section(clean, 'modinfo ntwq')
    fields = [l.split(':', 1) for l in mi or [] if re.match(r'^[a-z_]+:', l)]
    version = next((v.strip() for k, v in fields if k == 'version'), None)
    want = open(VERSION_FILE).read().strip() if os.path.exists(VERSION_FILE) else None
    r.add('ok' if version and (want is None or version == want) else 'fail',
          'demo: modinfo ntwq shows the version', f'version: {version!r}, VERSION {want!r}')
    # depends: is empty for ntwq, which needs no other module.
    empty = [k for k, v in fields if not v.strip() and k != 'depends']
    r.add('fail' if empty or not fields else 'ok', 'demo: no empty field in modinfo ntwq',
          ', '.join(empty) if empty else f'{len(fields)} fields')

    rows = [l.split(None, 5) for l in (section(clean, 'module parameters') or [])[1:]]
    bad = [f'{f[0]} {f[1]}' for f in rows
           if len(f) < 6 or '-' in (f[2], f[3], f[4])]
    mods = {f[0] for f in rows}
    r.add('ok' if not bad and {'ntwq', 'ntwq_sample_wdm'} <= mods else 'fail',
          'demo: every parameter in the table has a type, a default, a value and a description',
          ', '.join(bad) if bad else f'{len(rows)} parameters of {", ".join(sorted(mods))}')

    # Every line of the log, the console's included (a diagnostic printed
    # after the dump would be there only), each once.
    log = list(dict.fromkeys(dmesg or [])) + [l for l in clean if DIAG_LINE.search(l)]
    diags = []
    for raw in dict.fromkeys(log):
        line = TIMESTAMP.sub('', raw)
        if DIAG_LINE.search(line) and not any(re.search(p, line) for p in RUN_EXPECTED_DIAGS):
            diags.append(line.strip()[:200])
    counted = [l for l in clean if re.match(r'^diag\.\w+ [1-9]', l)]
    r.add('fail' if diags or counted else 'ok',
          'demo: no ntwq diagnostic the demo does not expect (kernel log, debugfs stats)',
          f'{len(diags)} lines, counters: {" ".join(counted) or "none"}' if diags or counted else '')
    for line in diags[:10]:
        r.lines.append(f'       | {line}')

    last = section(clean, 'ntwq diagnostics since ntwq was loaded again')
    if done or last is not None:
        r.add('ok' if last is not None else 'fail', 'demo: ran to its last step (the NDIS sample unloaded)')


def add_kmemleak(r, clean):
    """The kmemleak block, if the guest printed one; its leak count or None."""
    leaks = block(clean, 'NTWQ-KMEMLEAK-BEGIN', 'NTWQ-KMEMLEAK-END')
    if leaks is None:
        return None
    n = sum(1 for l in leaks if 'unreferenced object' in l)
    if n:
        r.add('fail', 'kmemleak finds no leak', f'{n} unreferenced objects')
    else:
        r.add('ok', 'kmemleak finds no leak')
    return n


def add_log_scan(r, lines):
    """Fail on any report in the kernel log; returns how many report lines."""
    reports = scan_kernel_log(lines)
    if reports:
        kinds = sorted({k for k, _ in reports})
        r.add('fail', 'kernel log has no reports', f'{len(reports)} report lines ({", ".join(kinds)})')
        for kind, line in reports[:20]:
            r.lines.append(f'       | {line}')
    else:
        r.add('ok', 'kernel log has no reports')
    r.summary['reports'] = len(reports)
    return len(reports)


def report_host(path):
    """The host checks' result lines (see the module docstring)."""
    r = Results('host')
    if not os.path.exists(path):
        r.add('fail', 'host checks', f'no {path}')
        return r
    for line in open(path, errors='replace').read().splitlines():
        status, _, rest = line.partition(' ')
        name, _, detail = rest.partition(' -- ')
        if status in ('ok', 'fail', 'skip') and name:
            r.add(status, name, detail)
        elif line.strip():
            r.add('fail', 'host result line', line[:200])
    if not r.lines:
        r.add('fail', 'host checks', f'{path} is empty')
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--kunit-py', help="the kernel's tools/testing/kunit/kunit.py")
    ap.add_argument('--stress-summary', action='store_true',
                    help='print a summary line per stress boot')
    ap.add_argument('--host', metavar='RESULTS', help='result lines of the host checks')
    ap.add_argument('kernels', nargs='+', metavar='KID:DIR')
    args = ap.parse_args()

    total_pass = total_fail = 0
    summaries = []
    runs = [(spec.split(':', 1)[1], report_kernel(*spec.split(':', 1), args.kunit_py))
            for spec in args.kernels]
    if args.host:
        runs.append((None, report_host(args.host)))
    for d, r in runs:
        kid = r.kid
        print(f'== {kid}')
        print('\n'.join(r.lines))
        print(f'   {kid}: {r.passed} passed, {r.failed} failed, {r.skipped} skipped')
        total_pass += r.passed
        total_fail += r.failed
        if d and r.summary:
            secs = os.path.join(d, 'vm.seconds')
            r.summary['seconds'] = open(secs).read().strip() if os.path.exists(secs) else '?'
            summaries.append((kid, r))
    if args.stress_summary and summaries:
        print('== summary')
        for kid, r in summaries:
            g = r.summary.get
            print(f"   {kid}: -smp {g('cpus', '?')}, ops={g('ops', '?')} threads={g('threads', '?')} "
                  f"accepted={g('accepted', '?')} runs={g('runs', '?')} cycles={g('cycles', '?')} "
                  f"reloads={g('reloads', '?')} reports={g('reports', '?')} "
                  f"leaks={g('leaks', '?')} ({'kmemleak' if 'slab_grown' not in r.summary else 'slab count'}) "
                  f"vm={g('seconds')}s: {'PASS' if not r.failed else 'FAIL'}")
    print(f'{total_pass} passed, {total_fail} failed')
    return 1 if total_fail else 0


if __name__ == '__main__':
    sys.exit(main())
