#!/usr/bin/env bash
# test.sh - what `make test` runs.
#
# Installs what is missing from Debian's archive, provides the six kernels
# (the supported range's ends, 5.10 from bullseye's linux-source-5.10 and
# the newest linux-source-* in unstable, each built with configs/base.config;
# stock 6.1 and stock 6.12; and two 6.12 kernels built from
# linux-source-6.12: debug, with KASAN, lockdep and kmemleak, and kcsan,
# with KCSAN), builds every module for each with zero warnings, boots each
# kernel in QEMU with a test initramfs, runs the KUnit suites (built kernels
# from 5.13 on) and userspace-test (every kernel), make run's demo with the
# NDIS sample (scripts/run.sh --boot: stock 6.12 and the newest) and a short
# stress pass (scripts/stress.sh: debug, kcsan and stock 6.12), and reports.  The last line is "N passed, N failed"; the exit status is
# non-zero on any failure, timeout or kernel-log report.
#
# NTWQ_KERNELS="stock-5.10 stock-6.1 stock-6.12 newest debug kcsan" picks kernels; NTWQ_ACCEL=tcg|kvm
# skips the KVM probe.  NTWQ_TEST_CMDLINE adds to each test VM's kernel
# command line (a NAME=value there reaches userspace-test's environment:
# NTWQ_LOAD_SWEEP_STRIDE=1 sweeps every fault point of loading ntwq) and
# NTWQ_TEST_LIMIT replaces the VMs' time limits (seconds).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernels=(${NTWQ_KERNELS:-stock-5.10 stock-6.1 stock-6.12 newest debug kcsan})
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
	PKGVER= SRC=
	eval "$info"
	# The range's ends say which source package they were built from (the
	# newest is whatever unstable has now).
	[ -z "$PKGVER" ] || say "$kid: ${SRC##*/} $PKGVER, kernel $KVER"
	image[$kid]=$IMAGE
	kver[$kid]=$KVER
	if [ "$kid" = debug ] || [ "$kid" = kcsan ]; then
		kunit_py="$(dirname "$KDIR")/linux-source-6.12/tools/testing/kunit/kunit.py"
	elif [ -z "$kunit_py" ] && [ "$kid" = newest ]; then
		kunit_py="$SRC/tools/testing/kunit/kunit.py"
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
	smp=2
	case $kid in
	# debug: KUnit and userspace-test run every scenario, NDIS's included.
	debug) limit=1200 extra="" ;;
	# Data races need CPUs racing: four of them.
	kcsan) limit=1200 extra="" smp=4 ;;
	# The newest runs the KUnit suites too, without KASAN's slowness.
	newest) limit=600 extra="slub_debug=FZP" ;;
	# Stock kernels (and 5.10, built with SLUB_DEBUG) have no KASAN; slab
	# poisoning still catches use-after-free.
	*) limit=300 extra="slub_debug=FZP" ;;
	esac
	extra+=" ${NTWQ_TEST_CMDLINE:-}"
	limit=${NTWQ_TEST_LIMIT:-$limit}
	say "booting $kid (${kver[$kid]}) under $accel"
	NTWQ_ACCEL=$accel NTWQ_VM_SMP=$smp "$NTWQ_ROOT/scripts/vm.sh" "${image[$kid]}" \
		"$dir/initramfs.cpio.gz" test "$dir/vm.log" "$limit" "$extra"
	echo $? >"$dir/vm.rc"
done

# make run's demo, judged (scripts/run.sh --boot: the same guest part, the
# NDIS sample miniport included, about 20 s), on stock 6.12 and the newest:
# its own lines in the report, as stock-6.12-run and newest-run.
run_args=()
for kid in stock-6.12 newest; do
	[[ " ${kernels[*]} " == *" $kid "* ]] || continue
	[ "$(cat "$NTWQ_BUILD/$kid/build.status")" = ok ] || continue
	NTWQ_ACCEL=$accel "$NTWQ_ROOT/scripts/run.sh" --boot "$kid"
	run_args+=("$kid-run:$NTWQ_BUILD/$kid/run")
done

# The short stress pass (scripts/stress.sh --short): its own boot at -smp 4
# and its own lines in the report, on the debug and kcsan kernels and stock 6.12.
stress_args=()
for kid in "${kernels[@]}"; do
	case $kid in debug | kcsan | stock-6.12) ;; *) continue ;; esac
	[ "$(cat "$NTWQ_BUILD/$kid/build.status")" = ok ] || continue
	NTWQ_ACCEL=$accel "$NTWQ_ROOT/scripts/stress.sh" --boot --short "$kid"
	stress_args+=("$kid-stress:$NTWQ_BUILD/$kid/stress-short")
done

# Checks on the host, after the VMs (they compile; the VMs' time limits
# assume a quiet machine): the static checks, the API reference, and the
# Debian package with the files drivers build against.  One "ok NAME" or
# "fail NAME -- why" line each in build/host/results.  NTWQ_HOST_CHECKS=0
# skips them.
host="$NTWQ_BUILD/host"
rm -rf "$host"
mkdir -p "$host"
host_check() { # host_check NAME LOG CMD...
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		echo "ok $name"
	else
		echo "fail $name -- see $log"
	fi >>"$host/results"
}
if [ "${NTWQ_HOST_CHECKS:-1}" != 0 ]; then
	say "host checks: make check, docs, pe2elf, the Debian package"
	host_check "make check (kernel-doc, checkpatch, sparse C=2)" "$host/check.log" \
		make -s -C "$NTWQ_ROOT" check
	host_check "every relative link in README.md and docs/ resolves" "$host/links.log" \
		sh -c 'cd "$1" && python3 scripts/check-links.py README.md docs/*.md' sh "$NTWQ_ROOT"
	host_check "docs/api.md is current and documents every export and public type" \
		"$host/docs.log" "$NTWQ_ROOT/scripts/docs.sh" --check
	# Windows binaries (issue 22, first step): the MinGW-built test driver
	# converted by pe2elf and run in a host process; one line per test.
	/usr/bin/python3 "$NTWQ_ROOT/tools/pe2elf/test_pe2elf.py" --results "$host/results" \
		>"$host/pe2elf.log" 2>&1 ||
		grep -q '^fail pe2elf' "$host/results" ||
		echo "fail pe2elf host tests -- stopped early, see $host/pe2elf.log" >>"$host/results"
	"$NTWQ_ROOT/scripts/test-deb.sh" "$host/results" >"$host/test-deb.log" 2>&1 ||
		grep -q '^fail' "$host/results" ||
		echo "fail scripts/test-deb.sh -- stopped early, see $host/test-deb.log" >>"$host/results"
fi

args=()
for kid in "${kernels[@]}"; do args+=("$kid:$NTWQ_BUILD/$kid"); done
args+=("${run_args[@]}" "${stress_args[@]}")
[ "${NTWQ_HOST_CHECKS:-1}" = 0 ] || args=(--host "$host/results" "${args[@]}")
exec python3 "$NTWQ_ROOT/scripts/report.py" ${kunit_py:+--kunit-py "$kunit_py"} "${args[@]}"
