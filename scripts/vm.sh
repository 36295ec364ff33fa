#!/usr/bin/env bash
# vm.sh IMAGE INITRD MODE LOG TIMEOUT [EXTRA_CMDLINE]: boot one VM.
#
# The serial console goes to LOG (and to stdout with NTWQ_VM_ECHO=1).  The VM
# powers itself off; if it has not after TIMEOUT seconds it is killed and
# vm.sh exits 124.  NTWQ_ACCEL picks kvm or tcg (default tcg: this kind of
# machine's nested KVM hangs; scripts/test.sh probes it first).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

image=$1 initrd=$2 mode=$3 log=$4 limit=$5 extra=${6:-}
accel=${NTWQ_ACCEL:-tcg}
case $accel in
kvm) cpu=(-accel kvm -cpu host) ;;
*) cpu=(-accel tcg -cpu max) ;;
esac

cmd=(qemu-system-x86_64 "${cpu[@]}" -m "${NTWQ_VM_MEM:-1024}" -smp "${NTWQ_VM_SMP:-2}"
	-nodefaults -nographic -serial stdio -no-reboot
	-kernel "$image" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 oops=panic loglevel=5 ntwqmode=$mode $extra")

boot() {
	if [ "${NTWQ_VM_ECHO:-0}" = 1 ]; then
		timeout -k 5 "$limit" "${cmd[@]}" </dev/null 2>&1 | tee "$log"
		return "${PIPESTATUS[0]}"
	fi
	timeout -k 5 "$limit" "${cmd[@]}" </dev/null >"$log" 2>&1
}

# A stock kernel under multi-CPU TCG now and then dies early in boot, before
# any module is loaded, with "Oops: int3" in code the kernel was patching
# (QEMU and the kernel's text poking racing).  That says nothing about ntwq:
# boot again, up to twice, and keep the failed console log beside LOG.  A
# failure after the guest's init has started is never retried.
for attempt in 1 2 3; do
	boot
	rc=$?
	if grep -q 'NTWQ-GUEST-BEGIN' "$log" || ! grep -q 'Kernel panic' "$log" ||
		[ "$attempt" = 3 ]; then
		exit "$rc"
	fi
	mv "$log" "$log.early-panic-$attempt"
	say "the kernel panicked before init started (log: $log.early-panic-$attempt); booting again"
done
