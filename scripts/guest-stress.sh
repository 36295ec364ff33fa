# shellcheck shell=sh
# guest-stress.sh - the stress mode of the test initramfs (/stress.sh,
# sourced by /init for ntwqmode=stress; busybox sh).
#
# stress_run OPS CYCLES RELOADS THREADS:
#   1. loads ntwq; runs ntwq_stress (OPS mixed Io/Ex/WDF operations from
#      THREADS kthreads, counted) while a loop loads and unloads the sample
#      driver with work in flight, at least CYCLES times: an rmmod refused
#      while the sample's work is pending is retried until it unloads; each
#      cycle also unloads a driver that queues work from its module_exit;
#      and another loop runs the uninitialize/queue and KMDF create/delete
#      races through the trigger;
#   2. checks that ntwq is back where it started: no diagnostic, as many
#      live runtime objects as right after loading;
#   3. unloads and reloads ntwq RELOADS times, with one trigger command
#      (io.queue) each time;
#   4. the leak check: kmemleak (scan, wait, scan) where the kernel has it,
#      and on every kernel the slab caches' active objects and the per-CPU
#      memory before and after the reloads.
# Markers on the console (NTWQ-STRESS-...) are what scripts/report.py reads;
# NTWQ-FAIL lines are failed steps.

dbg=/sys/kernel/debug

# stress_stat KEY: the value of KEY in ntwq's debugfs stats.
stress_stat() {
	awk -v k="$1" '$1 == k { print $2 }' $dbg/ntwq/stats
}

# stress_cs VAR: uptime in centiseconds into VAR (no fork: the debug
# kernel under TCG takes a good part of a second per fork).
stress_cs() {
	read -r up _ </proc/uptime
	up=${up%.*}${up#*.}
	eval "$1=\${up#0}"
}

# Diagnostics since ntwq was loaded, all kinds.
stress_diags() {
	awk '/^diag\./ { s += $2 } END { print s + 0 }' $dbg/ntwq/stats
}

# stress_smoke: run io.queue through the trigger; 0 if its report says the
# routine ran once, with no diagnostic and nothing left allocated.
stress_smoke() {
	exec 3<>$dbg/ntwq/trigger || return 1
	echo io.queue >&3 || { exec 3>&-; return 1; }
	seen=0
	while read -r kv <&3; do
		case $kv in
		runs=1 | diag_total=0 | runtime_live_delta=0) seen=$((seen + 1)) ;;
		esac
	done
	exec 3>&-
	[ "$seen" = 3 ]
}

# stress_exit_queue MODE: one load and unload of ntwq_exit_queue, whose
# module_exit queues work while its module unloads: mode=ex is refused
# (one NTWQ_DRIVER_DELETED each), mode=io runs before NtwqDeleteDriver
# returns.  0 if both steps worked.
stress_exit_queue() {
	modprobe ntwq_exit_queue mode="$1" && rmmod ntwq_exit_queue
}

# stress_churn CYCLES: load and unload the sample until the stress is done
# and CYCLES cycles are made.  The sample's routine runs 3 passes of 200 ms,
# so rmmod right after modprobe is refused (the work pins the module); it is
# retried every 10 ms, at most 3000 times a cycle.  Each cycle also loads
# and unloads ntwq_exit_queue once, queueing from its module_exit, in turn
# an executive item (refused) and an Io item (runs).  Writes its counts to
# /tmp/churn.out.
stress_churn() {
	c=0 refused=0 bad=0 exit_ex=0 exit_io=0
	while [ "$c" -lt "$1" ] || [ ! -e /tmp/stress.done ]; do
		if ! modprobe ntwq_sample_wdm passes=3 work_ms=200 ex_ms=200; then
			bad=$((bad + 1))
			break
		fi
		n=0
		until rmmod ntwq_sample_wdm 2>/dev/null; do
			n=$((n + 1))
			if [ "$n" -ge 3000 ]; then
				bad=$((bad + 1))
				break 2
			fi
			sleep 0.01
		done
		refused=$((refused + n))
		if [ $((c % 2)) = 0 ]; then
			stress_exit_queue ex && exit_ex=$((exit_ex + 1)) || bad=$((bad + 1))
		else
			stress_exit_queue io && exit_io=$((exit_io + 1)) || bad=$((bad + 1))
		fi
		c=$((c + 1))
		# A console line now and then for whoever watches a long run.
		if [ $((c % 20)) = 0 ]; then
			p=$(dmesg | grep 'ntwq_stress: progress' | tail -1)
			echo "NTWQ-STRESS-PROGRESS cycles=$c refused=$refused ${p#*ntwq_stress: progress }"
		fi
	done
	echo "cycles=$c refused=$refused failures=$bad exit_ex=$exit_ex exit_io=$exit_io" >/tmp/churn.out
}

# stress_trigger CMD: run one trigger command; its key=value lines on stdout.
stress_trigger() {
	exec 4<>$dbg/ntwq/trigger || return 1
	echo "$1" >&4 || { exec 4>&-; return 1; }
	while read -r kv <&4; do echo "$kv"; done
	exec 4>&-
}

# stress_races: while the stress runs, the races of issue 19 again and
# again through the trigger: an uninitialize racing a queue call on one
# caller storage (io.uninit_queue_race: no grave left, the storage runs
# again) and KMDF creates under a parent deleted on another CPU
# (wdf.create_race: DELETE_PENDING or a child cleaned up once).  The
# uninitialize race's diagnostics (FREE_QUEUED, INVALID_WORK_QUEUE_ITEM,
# QUEUE_QUEUED: nothing else in the stress makes these kinds) are added up
# for the final check.  Writes its counts to /tmp/races.out.
# stress_race_check CMD OUT KEY=VALUE...: counts in $bad the pairs OUT
# lacks, and prints them for the report.
stress_race_check() {
	cmd=$1 out=$2
	shift 2
	for want in "$@"; do
		echo "$out" | grep -qx "$want" && continue
		bad=$((bad + 1))
		echo "NTWQ-STRESS-RACE-FAIL $cmd: want $want, got: $(echo "$out" | tr '\n' ' ')"
	done
}

stress_races() {
	runs=0 bad=0 diags=0
	while [ ! -e /tmp/stress.done ]; do
		out=$(stress_trigger "io.uninit_queue_race 200")
		runs=$((runs + 1))
		stress_race_check io.uninit_queue_race "$out" rounds_done=1 rounds_reported_twice=0 ran_after=1
		d=$(echo "$out" | sed -n 's/^race_diags=//p')
		diags=$((diags + ${d:-0}))
		out=$(stress_trigger "wdf.create_race 300")
		runs=$((runs + 1))
		stress_race_check wdf.create_race "$out" deleter_ok=1 other_status=0 \
			created_cleaned_once=1 created_destroyed_once=1
		# Leave the CPUs to the stress and the churn a moment.
		sleep 1
	done
	echo "runs=$runs failures=$bad diags=$diags" >/tmp/races.out
}

# stress_slab FILE: "name active_objects" of every slab cache, and the
# per-CPU memory in kB as the line "percpu_kb N", once objects freed through
# RCU have gone back: Debian's kernels batch lazy RCU callbacks for up to
# 10 s (workqueues, for one, free their pool_workqueues that way).
stress_slab() {
	sleep 12
	: >"$1"
	[ -r /proc/slabinfo ] && awk 'NR > 2 { print $1, $2 }' /proc/slabinfo >"$1"
	awk '$1 == "Percpu:" { print "percpu_kb", $2 }' /proc/meminfo >>"$1"
}

stress_run() {
	ops=$1 cycles=$2 reloads=$3 threads=$4
	echo "NTWQ-STRESS-BEGIN ops=$ops cycles=$cycles reloads=$reloads threads=$threads cpus=$(nproc)"
	# Leaks from boot are not ours: let boot's allocations age (kmemleak
	# judges objects older than 5 s), scan, and forget what it finds.
	if [ -e $dbg/kmemleak ]; then
		while [ "$(cut -d. -f1 /proc/uptime)" -lt 6 ]; do sleep 1; done
		echo scan >$dbg/kmemleak
		echo clear >$dbg/kmemleak
	fi

	modprobe ntwq || { fail "modprobe ntwq"; return; }
	live0=$(stress_stat runtime.live)
	t0=$(cut -d. -f1 /proc/uptime)
	rm -f /tmp/stress.done /tmp/churn.out /tmp/races.out
	stress_churn "$cycles" &
	churn_pid=$!
	stress_races &
	races_pid=$!
	modprobe ntwq_stress ops="$ops" threads="$threads" || fail "modprobe ntwq_stress"
	ts=$(cut -d. -f1 /proc/uptime)
	line=$(dmesg | grep 'ntwq_stress: result ' | tail -1)
	echo "NTWQ-STRESS-RESULT ${line#*ntwq_stress: result }"
	rmmod ntwq_stress || fail "rmmod ntwq_stress"
	: >/tmp/stress.done
	wait "$churn_pid"
	wait "$races_pid"
	echo "NTWQ-STRESS-RACES $(cat /tmp/races.out 2>/dev/null || echo 'runs=0 failures=1 diags=0')"
	t1=$(cut -d. -f1 /proc/uptime)
	echo "NTWQ-STRESS-CHURN $(cat /tmp/churn.out 2>/dev/null || echo 'cycles=0 failures=1') seconds=$((t1 - t0)) stress_seconds=$((ts - t0))"
	[ -e /sys/module/ntwq_sample_wdm ] && fail "ntwq_sample_wdm still loaded after the churn"

	# Everything the stress and the sample made is gone again.  Objects
	# freed at PASSIVE_LEVEL by ntwq's own queue may lag: settle, bounded.
	n=0
	while [ "$(stress_stat runtime.live)" != "$live0" ] && [ "$n" -lt 50 ]; do
		sleep 0.2
		n=$((n + 1))
	done
	# The refused executive items of the exit-queue cycles are the only
	# diagnostics expected; an Io item queued in an exit must have run.
	exit_ex=$(sed -n 's/.*exit_ex=\([0-9]*\).*/\1/p' /tmp/churn.out)
	race_diags=$(sed -n 's/.*diags=\([0-9]*\).*/\1/p' /tmp/races.out)
	io_lost=$(dmesg | grep -c 'ntwq_exit_queue: io routine ran 0')
	echo "NTWQ-STRESS-NTWQ diag=$(stress_diags) expected=$((${exit_ex:-0} + ${race_diags:-0})) driver_deleted=$(stress_stat diag.driver_deleted) exit_ex=${exit_ex:-0} exit_io_lost=$io_lost live_before=$live0 live_after=$(stress_stat runtime.live)"
	modprobe -r ntwq || fail "modprobe -r ntwq"

	# ntwq itself, unloaded and loaded again and again, used once each time.
	stress_slab /tmp/slab.before
	t1=$(cut -d. -f1 /proc/uptime)
	i=0 done_reloads=0 load_cs=0 smoke_cs=0 unload_cs=0
	while [ "$i" -lt "$reloads" ]; do
		i=$((i + 1))
		stress_cs c0
		modprobe ntwq || { fail "reload $i: modprobe ntwq"; break; }
		stress_cs c1
		stress_smoke || { fail "reload $i: io.queue did not report runs=1 diag_total=0 runtime_live_delta=0"; break; }
		stress_cs c2
		modprobe -r ntwq || { fail "reload $i: modprobe -r ntwq"; break; }
		stress_cs c3
		load_cs=$((load_cs + c1 - c0)) smoke_cs=$((smoke_cs + c2 - c1))
		unload_cs=$((unload_cs + c3 - c2))
		done_reloads=$i
	done
	t2=$(cut -d. -f1 /proc/uptime)
	echo "NTWQ-STRESS-RELOADS asked=$reloads done=$done_reloads seconds=$((t2 - t1)) load_cs=$load_cs smoke_cs=$smoke_cs unload_cs=$unload_cs"
	[ -e /sys/module/ntwq ] && fail "ntwq still loaded after the reloads"

	# Slab objects and per-CPU memory after the reloads.
	stress_slab /tmp/slab.after
	echo "NTWQ-SLAB-BEGIN caches=$(grep -vc percpu_kb /tmp/slab.before)"
	awk 'NR == FNR { b[$1] = $2; next } { d = $2 - b[$1]; if (d) print $1, b[$1], $2, d }' \
		/tmp/slab.before /tmp/slab.after
	echo "NTWQ-SLAB-END"

	if [ -e $dbg/kmemleak ]; then
		# kmemleak reports objects unreferenced for 5 s or more: scan, wait, scan.
		echo scan >$dbg/kmemleak
		sleep 6
		echo scan >$dbg/kmemleak
		echo "NTWQ-KMEMLEAK-BEGIN"
		cat $dbg/kmemleak
		echo "NTWQ-KMEMLEAK-END"
	fi
	echo "NTWQ-STRESS-END"
}
