#!/usr/bin/env bash
# stress.sh - what `make stress` runs, and the short pass `make test` boots.
#
#   scripts/stress.sh [--short] [KID...]
#	builds the modules for each kernel (default: debug stock-6.12), boots
#	each at -smp 4 in stress mode (scripts/guest-stress.sh) and reports:
#	per kernel every check, a summary, and the last line "stress: PASS" or
#	"stress: FAIL"; the exit status is non-zero on any failure.
#   scripts/stress.sh --boot [--short] KID
#	boots only (build/KID built and its initramfs made, as scripts/test.sh
#	leaves them); the VM log goes to build/KID/stress-short/ (or
#	stress-full/) for scripts/report.py.
#
# Sizes, full: the debug kernel 1,000,000 operations from 4 threads, 100
# load/unload cycles of the sample driver, 100 reloads of ntwq; a stock
# kernel the same but 300,000 operations (its job is the slab-count leak
# check, which the reloads drive; it keeps `make stress` short).  --short:
# 100,000 operations, 10 cycles, 10 reloads on every kernel.
# NTWQ_STRESS_OPS, _CYCLES, _RELOADS, _THREADS override them; NTWQ_STRESS_CMDLINE
# adds to the guest kernel command line (e.g. ntwq_stress.seed=7, which
# modprobe applies).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

short=0 boot_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--short) short=1 ;;
	--boot) boot_only=1 ;;
	*) break ;;
	esac
	shift
done
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(debug stock-6.12)

# stress_boot KID IMAGE: one stress VM; leaves vm.log, vm.rc, build.status
# in build/KID/stress-{short,full}/.
stress_boot() {
	local kid=$1 image=$2 dir ops cycles reloads threads limit extra
	if [ "$short" = 1 ]; then
		dir="$NTWQ_BUILD/$kid/stress-short"
		ops=100000 cycles=10 reloads=10 limit=900
	else
		dir="$NTWQ_BUILD/$kid/stress-full"
		ops=1000000 cycles=100 reloads=100 limit=7200
		[ "$kid" = debug ] || ops=300000
	fi
	ops=${NTWQ_STRESS_OPS:-$ops}
	cycles=${NTWQ_STRESS_CYCLES:-$cycles}
	reloads=${NTWQ_STRESS_RELOADS:-$reloads}
	threads=${NTWQ_STRESS_THREADS:-4}
	mkdir -p "$dir"
	rm -f "$dir/vm.log" "$dir/vm.rc"
	echo ok >"$dir/build.status"
	# A big log buffer: the kernel-log scan must see the whole run.  Stock
	# kernels poison freed objects and, with slab debugging on, keep no
	# per-CPU slabs, so a cache's active-object count is exact.
	extra="ntwqstress=$ops,$cycles,$reloads,$threads log_buf_len=8M ${NTWQ_STRESS_CMDLINE:-}"
	[ "$kid" = debug ] || extra+=" slub_debug=FZP"
	say "stress on $kid: $ops operations, $threads threads, $cycles load cycles, $reloads reloads (-smp 4)"
	local start=$SECONDS
	NTWQ_VM_SMP=4 "$NTWQ_ROOT/scripts/vm.sh" "$image" "$NTWQ_BUILD/$kid/initramfs.cpio.gz" \
		stress "$dir/vm.log" "$limit" "$extra"
	echo $? >"$dir/vm.rc"
	echo $((SECONDS - start)) >"$dir/vm.seconds"
	say "stress on $kid took $((SECONDS - start)) s"
}

if [ "$boot_only" = 1 ]; then
	kid=${kernels[0]}
	eval "$("$NTWQ_ROOT/scripts/kernels.sh" "$kid")" || die "cannot provide the $kid kernel"
	stress_boot "$kid" "$IMAGE"
	exit 0
fi

need_pkgs "${NTWQ_HOST_PKGS[@]}"
make -s -C "$NTWQ_ROOT" userspace-test || die "userspace-test does not build"
args=()
for kid in "${kernels[@]}"; do
	eval "$("$NTWQ_ROOT/scripts/kernels.sh" "$kid")" || die "cannot provide the $kid kernel"
	"$NTWQ_ROOT/scripts/build.sh" "$kid" "$KDIR" || die "build for $kid failed"
	"$NTWQ_ROOT/scripts/initramfs.sh" "$KVER" "$NTWQ_BUILD/$kid/src" \
		"$NTWQ_BUILD/$kid/initramfs.cpio.gz" || die "initramfs for $kid failed"
	stress_boot "$kid" "$IMAGE"
	d="$NTWQ_BUILD/$kid/stress-$([ "$short" = 1 ] && echo short || echo full)"
	args+=("$kid ($KVER):$d")
done
python3 "$NTWQ_ROOT/scripts/report.py" --stress-summary "${args[@]}"
rc=$?
[ "$rc" = 0 ] && echo "stress: PASS" || echo "stress: FAIL"
exit "$rc"
