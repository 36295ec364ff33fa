#!/usr/bin/env bash
# test.sh - what `make test` runs.
#
# Installs what is missing from Debian's archive, provides the three kernels
# (stock 6.1, stock 6.12, the debug 6.12 built from linux-source-6.12), builds
# every module for each with zero warnings, boots each kernel in QEMU with a
# test initramfs, runs the KUnit suites (debug kernel) and userspace-test
# (every kernel), and reports.  The last line is "N passed, N failed"; the
# exit status is non-zero on any failure, timeout or kernel-log report.
#
# NTWQ_KERNELS="stock-6.1 stock-6.12 debug" picks kernels; NTWQ_ACCEL=tcg|kvm
# skips the KVM probe.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernels=(${NTWQ_KERNELS:-stock-6.1 stock-6.12 debug})
need_pkgs "${NTWQ_HOST_PKGS[@]}"
make -s -C "$NTWQ_ROOT" userspace-test || die "userspace-test does not build"

# Does KVM answer quickly?  Nested KVM on these machines tends to hang or
# abort, so give it a few seconds with the smallest job and fall back to TCG.
probe_accel() {
	local image=$1 initrd=$2
	if [ -n "${NTWQ_ACCEL:-}" ]; then
		echo "$NTWQ_ACCEL"
		return
	fi
	if [ -w /dev/kvm ] &&
		NTWQ_ACCEL=kvm "$NTWQ_ROOT/scripts/vm.sh" "$image" "$initrd" probe \
			"$NTWQ_BUILD/kvm-probe.log" 10 >/dev/null 2>&1 &&
		grep -q NTWQ-PROBE-OK "$NTWQ_BUILD/kvm-probe.log"; then
		echo kvm
	else
		echo tcg
	fi
}

declare -A image kver
kunit_py=
for kid in "${kernels[@]}"; do
	dir="$NTWQ_BUILD/$kid"
	mkdir -p "$dir"
	rm -f "$dir/vm.log" "$dir/vm.rc" "$dir/build.status"
	if ! info=$("$NTWQ_ROOT/scripts/kernels.sh" "$kid"); then
		echo "fail cannot provide the $kid kernel" >"$dir/build.status"
		continue
	fi
	eval "$info"
	image[$kid]=$IMAGE
	kver[$kid]=$KVER
	if [ "$kid" = debug ]; then
		kunit_py="$(dirname "$KDIR")/linux-source-6.12/tools/testing/kunit/kunit.py"
	fi
	if "$NTWQ_ROOT/scripts/build.sh" "$kid" "$KDIR"; then
		echo ok >"$dir/build.status"
	else
		echo "fail $(grep -m1 -E 'warning|error' "$dir/build.log" || echo "see $dir/build.log")" \
			>"$dir/build.status"
	fi
done

accel=
for kid in "${kernels[@]}"; do
	dir="$NTWQ_BUILD/$kid"
	[ "$(cat "$dir/build.status")" = ok ] || continue
	"$NTWQ_ROOT/scripts/initramfs.sh" "${kver[$kid]}" "$dir/src" "$dir/initramfs.cpio.gz" ||
		{ echo "fail initramfs" >"$dir/build.status"; continue; }
	[ -n "$accel" ] || accel=$(probe_accel "${image[$kid]}" "$dir/initramfs.cpio.gz")
	case $kid in
	# debug: KUnit and userspace-test run every scenario, NDIS's included.
	debug) limit=1200 extra="" ;;
	# Stock kernels have no KASAN; slab poisoning still catches use-after-free.
	*) limit=300 extra="slub_debug=FZP" ;;
	esac
	say "booting $kid (${kver[$kid]}) under $accel"
	NTWQ_ACCEL=$accel "$NTWQ_ROOT/scripts/vm.sh" "${image[$kid]}" \
		"$dir/initramfs.cpio.gz" test "$dir/vm.log" "$limit" "$extra"
	echo $? >"$dir/vm.rc"
done

args=()
for kid in "${kernels[@]}"; do args+=("$kid:$NTWQ_BUILD/$kid"); done
exec python3 "$NTWQ_ROOT/scripts/report.py" ${kunit_py:+--kunit-py "$kunit_py"} "${args[@]}"
