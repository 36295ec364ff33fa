#!/usr/bin/env bash
# bench.sh - what `make bench` runs.
#
# Boots Debian's stock 6.12 kernel (not the debug one) under QEMU twice, with
# -smp 2 and -smp 4; in each boot ntwq_bench.ko runs every scenario against
# every contender, interleaved (the guest loads ntwq_ndis.ko first, for the
# NDIS contenders).  scripts/bench_report.py writes results.md,
# results.json and plot.png under results/bench-<time>/ (results/latest
# points at the newest).  NTWQ_BENCH_ITEMS, _REPS, _BURST, _MD_CALLS,
# _CHAIN_LEN, _CHAINS and _SMP override the sizes and CPU counts.  The
# guest's init passes ITEMS,REPS,BURST to modprobe; the others travel as
# ntwq_bench.<param>= on the kernel command line, which kmod's modprobe
# applies.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# 50,000 latency items (not 100,000) keep both boots within ~6 minutes
# now that io_verifier, io_traced and the driver-shaped scenarios run too.
items=${NTWQ_BENCH_ITEMS:-50000}
reps=${NTWQ_BENCH_REPS:-5}
burst=${NTWQ_BENCH_BURST:-10000}
chain_len=${NTWQ_BENCH_CHAIN_LEN:-1000}
chains=${NTWQ_BENCH_CHAINS:-16}
md_calls=${NTWQ_BENCH_MD_CALLS:-40000}
smps=(${NTWQ_BENCH_SMP:-2 4})

need_pkgs "${NTWQ_HOST_PKGS[@]}" python3-matplotlib
make -s -C "$NTWQ_ROOT" userspace-test
eval "$("$NTWQ_ROOT/scripts/kernels.sh" stock-6.12)"
"$NTWQ_ROOT/scripts/build.sh" stock-6.12 "$KDIR"
dir="$NTWQ_BUILD/stock-6.12"
"$NTWQ_ROOT/scripts/initramfs.sh" "$KVER" "$dir/src" "$dir/initramfs.cpio.gz"

out="$NTWQ_ROOT/results/bench-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
logs=()
for smp in "${smps[@]}"; do
	say "benchmark under QEMU -smp $smp ($items items x $reps repetitions); this takes minutes"
	NTWQ_VM_SMP=$smp NTWQ_VM_MEM=2048 "$NTWQ_ROOT/scripts/vm.sh" "$IMAGE" \
		"$dir/initramfs.cpio.gz" bench "$out/vm-smp$smp.log" 5400 \
		"ntwqbench=$items,$reps,$burst ntwq_bench.chain_len=$chain_len ntwq_bench.chains=$chains ntwq_bench.md_calls=$md_calls" ||
		die "the benchmark VM failed (log: $out/vm-smp$smp.log)"
	logs+=("$out/vm-smp$smp.log")
done

machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) host CPUs;\
 $(qemu-system-x86_64 --version | head -1); guest kernel $KVER; TCG"
# Debian's python3, which has the python3-matplotlib installed above.
/usr/bin/python3 "$NTWQ_ROOT/scripts/bench_report.py" --machine "$machine" "$out" "${logs[@]}"
ln -sfn "$(basename "$out")" "$NTWQ_ROOT/results/latest"
say "results: $out/results.md"
