#!/usr/bin/env bash
# lockstat.sh - what `make lockstat` runs: lock contention at -smp 8.
#
# These machines have 2 CPUs, so contention cannot be timed here; it can be
# counted.  The debug kernel has CONFIG_LOCK_STAT: this boots it under QEMU
# with -smp 8 (NTWQ_LOCKSTAT_SMP), and the guest (ntwqmode=lockstat in
# scripts/guest-init.sh) runs ntwq_bench's many_drivers scenario alone once
# per contender (one bound thread per CPU queueing onto 64 devices' items),
# clearing /proc/lock_stat before each and reading it after.  The report
# gives, per contender and lock class (ntwq's and the workqueue's), the
# contentions, the acquisitions, and the contentions per million items
# queued; results/lockstat-<time>/lockstat.md (results/lockstat-latest).
# NTWQ_LOCKSTAT_CALLS: queue calls per CPU (default 20000).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

smp=${NTWQ_LOCKSTAT_SMP:-8}
calls=${NTWQ_LOCKSTAT_CALLS:-20000}

need_pkgs "${NTWQ_HOST_PKGS[@]}"
make -s -C "$NTWQ_ROOT" userspace-test
eval "$("$NTWQ_ROOT/scripts/kernels.sh" debug)"
"$NTWQ_ROOT/scripts/build.sh" debug "$KDIR"
dir="$NTWQ_BUILD/debug"
"$NTWQ_ROOT/scripts/initramfs.sh" "$KVER" "$dir/src" "$dir/initramfs.cpio.gz"

out="$NTWQ_ROOT/results/lockstat-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
say "lock statistics under QEMU -smp $smp (debug kernel, $calls queue calls per CPU per contender); this takes minutes"
NTWQ_VM_SMP=$smp NTWQ_VM_MEM=2048 "$NTWQ_ROOT/scripts/vm.sh" "$IMAGE" "$dir/initramfs.cpio.gz" \
	lockstat "$out/vm.log" 3600 "ntwqlockstat=$calls" ||
	die "the lock-statistics VM failed (log: $out/vm.log)"

python3 - "$out/vm.log" "$out/lockstat.md" "$(git -C "$NTWQ_ROOT" rev-parse --short HEAD)" <<'EOF'
import re
import sys

log, md, rev = sys.argv[1:4]
lines = open(log, errors='replace').read().splitlines()
items = {}
runs = {}
current = None
for line in lines:
    m = re.search(r'ntwq_bench: result scenario=many_drivers contender=(\S+) .* items=(\d+)', line)
    if m:
        items[m.group(1)] = int(m.group(2))
    m = re.match(r'NTWQ-LOCKSTAT-BEGIN contender=(\S+)', line)
    if m:
        current = m.group(1)
        runs[current] = []
        continue
    if line.startswith('NTWQ-LOCKSTAT-END'):
        current = None
        continue
    if current:
        # "name: con-bounces contentions waittime-min max total avg
        #  acq-bounces acquisitions holdtime-min max total avg"
        m = re.match(r'\s*(.+?):\s+([\d.\s]+)$', line)
        if m:
            nums = m.group(2).split()
            if len(nums) >= 8:
                runs[current].append((m.group(1).strip(), int(float(nums[1])),
                                      int(float(nums[7]))))
if not runs:
    sys.exit('no lock statistics in ' + log)
cpus = '?'
for line in lines:
    m = re.search(r'ntwq_bench: start cpus=(\d+)', line)
    if m:
        cpus = m.group(1)
out = ['# Lock statistics, many_drivers at -smp %s' % cpus,
       '', 'ntwq %s; debug kernel with CONFIG_LOCK_STAT; one bound thread per CPU queueing '
       'onto 64 devices\' items (8 drivers).' % rev, '',
       '| contender | items | lock class | contentions | acquisitions | contentions per million items |',
       '|---|---|---|---|---|---|']
for contender, classes in runs.items():
    n = items.get(contender, 0)
    shown = [c for c in classes if c[2] > 0]
    if not shown:
        out.append('| %s | %d | (none acquired) | 0 | 0 | 0 |' % (contender, n))
    for name, contentions, acquisitions in sorted(shown, key=lambda c: -c[1]):
        per = contentions * 1e6 / n if n else 0
        out.append('| %s | %d | `%s` | %d | %d | %.0f |' % (contender, n, name, contentions,
                                                            acquisitions, per))
open(md, 'w').write('\n'.join(out) + '\n')
print('\n'.join(out))
EOF
ln -sfn "$(basename "$out")" "$NTWQ_ROOT/results/lockstat-latest"
say "results: $out/lockstat.md"
