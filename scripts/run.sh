#!/usr/bin/env bash
# run.sh - what `make run` does: boot Debian's stock 6.12 kernel in QEMU,
# load ntwq and the two sample ported drivers (WDM, then the NDIS miniport),
# and show them working (lsmod, the modules' parameters, modinfo, the stats
# rows that moved, the ntwq trace events of the sample's work items, the
# kernel log); then judge the demo's log as `make test` does
# (scripts/report.py: no ntwq diagnostic, no kernel-log report, no empty
# field), and fail if it is not clean.
#
#   scripts/run.sh --boot [KID]
#	what `make test` runs: the same guest part (scripts/guest-init.sh,
#	ntwqmode=run) on build/KID (default stock-6.12; make test also boots
#	the newest kernel) as scripts/test.sh left it (built, its initramfs
#	made), without echo; the log goes to build/KID/run/ for
#	scripts/report.py (reported as KID-run).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kid=stock-6.12
[ "${1:-}" != --boot ] || kid=${2:-stock-6.12}
dir="$NTWQ_BUILD/$kid"
out="$dir/run"

# The demo's command line: make run and make test boot the same.  No
# slub_debug: it turns off pointer hashing, and the trace events' item=
# would show raw kernel addresses (make test's stock boots have it).
demo_boot() { # demo_boot IMAGE INITRD
	mkdir -p "$out"
	rm -f "$out/vm.log" "$out/vm.rc"
	echo ok >"$out/build.status"
	local rc=0
	"$NTWQ_ROOT/scripts/vm.sh" "$1" "$2" run "$out/vm.log" 300 "quiet" || rc=$?
	echo "$rc" >"$out/vm.rc"
}

eval "$("$NTWQ_ROOT/scripts/kernels.sh" "$kid")"
if [ "${1:-}" = --boot ]; then
	say "booting $kid ($KVER) for make run's demo"
	demo_boot "$IMAGE" "$dir/initramfs.cpio.gz"
	exit 0
fi

need_pkgs "${NTWQ_HOST_PKGS[@]}"
make -s -C "$NTWQ_ROOT" userspace-test
"$NTWQ_ROOT/scripts/build.sh" stock-6.12 "$KDIR"
"$NTWQ_ROOT/scripts/initramfs.sh" "$KVER" "$dir/src" "$dir/initramfs-run.cpio.gz"
say "booting $KVER in QEMU (TCG); the guest powers off by itself"
# The guest's output from its first line to the kernel log dump (what
# comes before is the firmware's and the kernel's boot, terminal escapes
# included).
NTWQ_VM_ECHO=1 demo_boot "$IMAGE" "$dir/initramfs-run.cpio.gz" |
	sed -n '/NTWQ-GUEST-BEGIN/,/NTWQ-DMESG-BEGIN/p' | grep -v '^NTWQ-DMESG-BEGIN' |
	sed 's/^.*NTWQ-GUEST-BEGIN kernel=\([^ ]*\) .*/--- in the guest: Linux \1/'
grep -q NTWQ-GUEST-DONE "$out/vm.log" || die "the VM did not finish (log: $out/vm.log)"
say "checking the demo's log as make test does (scripts/report.py)"
python3 "$NTWQ_ROOT/scripts/report.py" "stock-6.12-run:$out" ||
	die "the demo's log is not clean (log: $out/vm.log)"
