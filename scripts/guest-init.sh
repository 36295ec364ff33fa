#!/bin/sh
# /init of the test initramfs (busybox sh).  The kernel command line picks
# the job: ntwqmode=test runs every test, ntwqmode=run shows ntwq working,
# ntwqmode=probe only proves the VM boots.  Markers on the serial console
# (NTWQ-...) delimit what the host-side report parses.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
# The ntwq trace events (userspace-test enables them); absent without CONFIG_TRACING.
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

mode=$(sed -n 's/.*ntwqmode=\([a-z]*\).*/\1/p' /proc/cmdline)
# Tests, stress and benchmark toggle trace events many times.  With
# record-cmd on (the default), enabling the first event and disabling the
# last also registers and unregisters the scheduler's sched_switch and
# sched_wakeup probes for the command-line cache, which patches static
# branches in __schedule() and ttwu_do_activate() while every CPU runs
# them; under QEMU TCG stock 6.12 twice took "Oops: int3" at those sites
# (the text patch's breakpoint hit after it was removed; 2 of about 10
# boots on 2026-12-03).  The tests read no command names, so they leave the
# scheduler alone; make run keeps the default, to show them.
if [ "$mode" != run ] && [ -w /sys/kernel/tracing/options/record-cmd ]; then
	echo 0 >/sys/kernel/tracing/options/record-cmd
fi
dbg=/sys/kernel/debug
fail() { echo "NTWQ-FAIL $*"; }

# One line per parameter of module $1 (loaded): from modinfo its name, type,
# default and description ("... (default X) ..."), from sysfs its value now.
# The type comes from the parmtype field ("name:type"): -F parm gives
# "name:desc" with busybox's modinfo (the guest shell's applet) and
# "name:desc (type)" with kmod's, so a trailing "(type)" is dropped.
# A parameter declared without a type (module_param_cb) shows "-".
params() {
	{
		modinfo -F parmtype "$1" | sed 's/^/T /'
		modinfo -F parm "$1" | sed 's/^/P /'
	} | awk -v m="$1" '
	{
		line = substr($0, 3)
		name = substr(line, 1, index(line, ":") - 1)
		val = substr(line, index(line, ":") + 1)
		if ($1 == "T") {
			type[name] = val
			next
		}
		desc = val
		suffix = " (" type[name] ")"
		if (name in type && substr(desc, length(desc) - length(suffix) + 1) == suffix)
			desc = substr(desc, 1, length(desc) - length(suffix))
		def = "-"
		if (match(desc, / \(default [^)]*\)/)) {
			def = substr(desc, RSTART + 10, RLENGTH - 11)
			desc = substr(desc, 1, RSTART - 1) substr(desc, RSTART + RLENGTH)
		}
		now = "-"
		if ((getline now < ("/sys/module/" m "/parameters/" name)) <= 0)
			now = "-"
		printf "%-16s %-16s %-5s %-8s %-6s %s\n", m, name, (name in type) ? type[name] : "-", def, now, desc
	}'
}

echo "NTWQ-GUEST-BEGIN kernel=$(uname -r) mode=$mode"

finish() {
	echo "NTWQ-DMESG-BEGIN"
	dmesg
	echo "NTWQ-DMESG-END"
	echo "NTWQ-GUEST-DONE"
	poweroff -f
}

# make run, second part: the NDIS sample miniport, a real interface (ndis0)
# whose link, statistics and reset work runs in NDIS work items.
run_ndis_sample() {
	p=/sys/module/ntwq_sample_ndis/parameters
	n=/sys/class/net/ndis0
	echo "--- modprobe ntwq verifier=1; modprobe ntwq_sample_ndis reset_ms=1000 (pulls in ntwq_ndis); lsmod"
	# ntwq left with the WDM sample: load it again, verifier on for items.
	modprobe ntwq verifier=1 || fail "modprobe ntwq"
	modprobe ntwq_sample_ndis reset_ms=1000 || fail "modprobe ntwq_sample_ndis"
	lsmod | grep -E '^(Module|ntwq)'
	echo "--- ip link set ndis0 up: the carrier comes from the link work item"
	ip link set ndis0 up || fail "ip link set ndis0 up"
	i=0
	while [ "$(cat $n/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
	ip link show ndis0
	echo "carrier=$(cat $n/carrier) link_work_runs=$(cat $p/link_work_runs)"
	[ "$(cat $n/carrier)" = 1 ] || fail "ndis0 carrier never came up"
	echo "--- a frame through ndis0 (ping: the ARP request), counted by the statistics work item"
	ip addr add 10.99.0.1/24 dev ndis0
	ping -c 1 -W 1 10.99.0.2 >/dev/null 2>&1
	usleep 300000
	echo "tx_packets=$(cat $n/statistics/tx_packets) stats_work_runs=$(cat $p/stats_work_runs)"
	echo "--- a transmit timeout: the reset work item runs for 1 s"
	echo 1 > $p/reset
	usleep 300000
	echo "--- /sys/kernel/debug/ntwq/items"
	cat $dbg/ntwq/items
	echo "--- rmmod ntwq_sample_ndis while the reset item runs (refused: EBUSY)"
	rmmod ntwq_sample_ndis && fail "rmmod succeeded under pending work"
	i=0
	while [ "$(cat $p/reset_work_runs)" != 1 ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
	i=0
	while [ "$(cat $n/carrier)" != 1 ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
	echo "reset_work_runs=$(cat $p/reset_work_runs) carrier=$(cat $n/carrier)"
	echo "--- /sys/kernel/debug/ntwq/stats (ndis rows that moved)"
	grep -E '^(api|ndis )' $dbg/ntwq/stats | grep -vE ' 0 +0 +0 +0 +0 +0$'
	echo "--- ip link set ndis0 down; rmmod ntwq_sample_ndis (its halt handler frees its work items)"
	ip link set ndis0 down
	while [ "$(cat /sys/module/ntwq_sample_ndis/refcnt)" != 0 ]; do usleep 100000; done
	rmmod ntwq_sample_ndis || fail "rmmod ntwq_sample_ndis"
	[ -e $n ] && fail "ndis0 still there"
	echo "--- kernel log (ndis0 and NDIS routines)"
	dmesg | grep -E 'ndis0|Ndis'
	echo "--- ntwq diagnostics since ntwq was loaded again (/sys/kernel/debug/ntwq/stats)"
	grep -E '^diag\.' $dbg/ntwq/stats | grep -v ' 0$' || echo "(no diagnostics)"
}

case $mode in
bench)
	# ntwqbench=ITEMS,REPS,BURST on the kernel command line.
	set -- $(sed -n 's/.*ntwqbench=\([0-9,]*\).*/\1/p' /proc/cmdline | tr ',' ' ')
	modprobe ntwq || fail "modprobe ntwq"
	# The NDIS contenders' routines (ntwq_bench finds them with symbol_get).
	modprobe ntwq_ndis || fail "modprobe ntwq_ndis"
	modprobe ntwq_bench items=${1:-100000} reps=${2:-5} burst=${3:-10000} ||
		fail "modprobe ntwq_bench"
	rmmod ntwq_bench
	rmmod ntwq_ndis
	finish
	;;
lockstat)
	# ntwqlockstat=CALLS: the many_drivers scenario alone, once per
	# contender, with /proc/lock_stat cleared before and read after each.
	calls=$(sed -n 's/.*ntwqlockstat=\([0-9]*\).*/\1/p' /proc/cmdline)
	modprobe ntwq || fail "modprobe ntwq"
	modprobe ntwq_ndis || fail "modprobe ntwq_ndis"
	for c in native_bound io ex wdf ndis6 ndis5; do
		echo 0 >/proc/lock_stat
		echo 1 >/proc/sys/kernel/lock_stat
		modprobe ntwq_bench reps=1 md_calls=${calls:-20000} only_scenario=many_drivers \
			only_contender=$c || fail "modprobe ntwq_bench ($c)"
		echo 0 >/proc/sys/kernel/lock_stat
		echo "NTWQ-LOCKSTAT-BEGIN contender=$c"
		# The class lines (name: 11 numbers), ntwq's locks and the workqueue's.
		grep -E '^ *[^ ].*: +[0-9]' /proc/lock_stat | grep -E 'ntwq|pool->lock|pwq|wq->mutex'
		echo "NTWQ-LOCKSTAT-END"
		rmmod ntwq_bench
	done
	rmmod ntwq_ndis
	finish
	;;
stress)
	# ntwqstress=OPS,CYCLES,RELOADS,THREADS on the kernel command line.
	set -- $(sed -n 's/.*ntwqstress=\([0-9,]*\).*/\1/p' /proc/cmdline | tr ',' ' ')
	. /stress.sh
	stress_run "${1:-100000}" "${2:-10}" "${3:-10}" "${4:-4}"
	finish
	;;
probe)
	echo "NTWQ-PROBE-OK"
	poweroff -f
	;;
run)
	# Verifier mode on, so debugfs items lists the Io items one by one.
	modprobe ntwq verifier=1 || fail "modprobe ntwq"
	# Record the ntwq trace events of the sample's work (shown below).
	trace=/sys/kernel/tracing
	[ -d $trace/events/ntwq ] && echo 1 >$trace/events/ntwq/enable
	# The sample's routine sleeps 1 s per pass, so its work is visible.
	modprobe ntwq_sample_wdm work_ms=1000 passes=3 || fail "modprobe ntwq_sample_wdm"
	echo "--- modprobe ntwq verifier=1; modprobe ntwq_sample_wdm work_ms=1000 passes=3; lsmod (the pending work item pins ntwq_sample_wdm)"
	lsmod
	echo "--- module parameters (modinfo; now: /sys/module/*/parameters)"
	printf "%-16s %-16s %-5s %-8s %-6s %s\n" module parameter type default now description
	params ntwq
	params ntwq_sample_wdm
	echo "--- /sys/kernel/debug/ntwq/items"
	cat $dbg/ntwq/items
	echo "--- rmmod ntwq_sample_wdm while its work is pending"
	rmmod ntwq_sample_wdm
	while [ "$(cat /sys/module/ntwq_sample_wdm/refcnt)" != 0 ]; do sleep 1; done
	echo "--- modinfo ntwq"
	modinfo ntwq
	echo "--- /sys/kernel/debug/ntwq/stats"
	# Every family's rows that moved (the sample queues Io and Ex items), and
	# the diagnostics that fired.
	grep -E '^(api|io |ex |wdf )' $dbg/ntwq/stats | grep -vE ' 0 +0 +0 +0 +0 +0$'
	grep -E '^diag\.' $dbg/ntwq/stats | grep -v ' 0$' || echo "(no diagnostics)"
	echo "--- trace events (tracefs events/ntwq: item, routine, family, queue, driver)"
	if [ -d $trace/events/ntwq ]; then
		echo 0 >$trace/events/ntwq/enable
		grep -v '^#' $trace/trace | sed 's/^ *//'
	else
		echo "(no tracefs: kernel without CONFIG_TRACING)"
	fi
	echo "--- kernel log (ntwq)"
	dmesg | grep -E '\] ntwq[a-z_]*: '
	echo "--- modprobe -r ntwq_sample_wdm now that its work is done (ntwq, unused now, unloads too)"
	modprobe -r ntwq_sample_wdm || fail "modprobe -r ntwq_sample_wdm"
	dmesg | grep -E '\] ntwq[a-z_]*: ' | tail -1
	run_ndis_sample
	finish
	;;
esac

# ntwqmode=test
# Leaks from boot are not ours.  kmemleak only judges objects older than 5 s,
# so let boot's allocations age, then scan and forget what it finds: later
# reports are the tests' own.
if [ -e $dbg/kmemleak ]; then
	while [ "$(cut -d. -f1 /proc/uptime)" -lt 6 ]; do sleep 1; done
	echo scan > $dbg/kmemleak
	echo clear > $dbg/kmemleak
fi

modprobe ntwq || fail "modprobe ntwq"

if [ -e "/lib/modules/$(uname -r)/extra/ntwq_kunit.ko" ]; then
	modprobe ntwq_kunit || fail "modprobe ntwq_kunit"
	# The NDIS suite; modprobe pulls in the shim and its scenarios.
	modprobe ntwq_ndis_kunit || fail "modprobe ntwq_ndis_kunit"
	echo "NTWQ-KUNIT-BEGIN"
	for f in $dbg/kunit/ntwq_*/results; do cat "$f"; done
	echo "NTWQ-KUNIT-END"
	# rmmod, not modprobe -r: ntwq must stay loaded for userspace-test.
	rmmod ntwq_kunit || fail "rmmod ntwq_kunit"
	rmmod ntwq_ndis_kunit ntwq_ndis_test ntwq_ndis || fail "rmmod the NDIS test modules"
fi

echo "NTWQ-USERSPACE-BEGIN"
/bin/userspace-test
echo "NTWQ-USERSPACE-END rc=$?"

# One tiny benchmark pass proves the benchmark code works, the NDIS
# contenders (ntwq_ndis loaded first) included; its numbers are not looked at.
modprobe ntwq_ndis || fail "modprobe ntwq_ndis"
if modprobe ntwq_bench items=200 reps=1 burst=100; then
	if ! dmesg | grep -q 'ntwq_bench: done'; then
		fail "ntwq_bench did not finish"
	elif ! dmesg | grep -q 'ntwq_bench: result scenario=chain contender=ndis6 ' ||
		! dmesg | grep -q 'ntwq_bench: result scenario=chain contender=ndis5 '; then
		fail "ntwq_bench ran no NDIS contender"
	else
		echo "NTWQ-BENCH-SMOKE ok"
	fi
	rmmod ntwq_bench || fail "rmmod ntwq_bench"
else
	fail "modprobe ntwq_bench"
fi
rmmod ntwq_ndis || fail "rmmod ntwq_ndis"

modprobe -r ntwq || fail "modprobe -r ntwq"
[ -e /sys/module/ntwq ] && fail "ntwq still loaded after modprobe -r"

if [ -e $dbg/kmemleak ]; then
	# kmemleak reports objects unreferenced for 5 s or more: scan, wait, scan.
	echo scan > $dbg/kmemleak
	sleep 6
	echo scan > $dbg/kmemleak
	echo "NTWQ-KMEMLEAK-BEGIN"
	cat $dbg/kmemleak
	echo "NTWQ-KMEMLEAK-END"
fi
finish
