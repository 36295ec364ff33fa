#!/usr/bin/env bash
# run.sh - what `make run` does: boot Debian's stock 6.12 kernel in QEMU,
# load ntwq and the sample ported driver, and show them working (lsmod, the
# modules' parameters, modinfo, the stats rows that moved, the ntwq trace
# events of the sample's work items, the kernel log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs "${NTWQ_HOST_PKGS[@]}"
make -s -C "$NTWQ_ROOT" userspace-test
eval "$("$NTWQ_ROOT/scripts/kernels.sh" stock-6.12)"
"$NTWQ_ROOT/scripts/build.sh" stock-6.12 "$KDIR"
dir="$NTWQ_BUILD/stock-6.12"
"$NTWQ_ROOT/scripts/initramfs.sh" "$KVER" "$dir/src" "$dir/initramfs-run.cpio.gz"
say "booting $KVER in QEMU (TCG); the guest powers off by itself"
NTWQ_VM_ECHO=1 "$NTWQ_ROOT/scripts/vm.sh" "$IMAGE" "$dir/initramfs-run.cpio.gz" run \
	"$dir/run.log" 300 "quiet" |
	sed -n '/NTWQ-GUEST-BEGIN/,/NTWQ-DMESG-BEGIN/p' | grep -v '^NTWQ-DMESG-BEGIN'
grep -q NTWQ-GUEST-DONE "$dir/run.log" || die "the VM did not finish (log: $dir/run.log)"
! grep -q NTWQ-FAIL "$dir/run.log" || die "a step failed (log: $dir/run.log)"
