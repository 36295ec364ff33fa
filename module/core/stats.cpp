// SPDX-License-Identifier: GPL-2.0
/*
 * stats.cpp - counters and the text of the stats file.
 */
#include "stats.h"

#include "bridge/bridge.h"
#include "lib/atomic.h"
#include "lib/runtime.h"

namespace ntwq {
namespace {

Atomic<u64> g_trigger_runs; /* A: commands run through the trigger file */

} /* namespace */

void Stats::TriggerRan() noexcept
{
	g_trigger_runs.Inc();
}

int Stats::Show(seq_file *seq, void *)
{
	struct ntwq_rt_stats rt;

	ntwq_rt_get_stats(&rt);
	ntwq_seq_printf(seq, "runtime.allocations %llu\n", rt.allocations);
	ntwq_seq_printf(seq, "runtime.frees %llu\n", rt.frees);
	ntwq_seq_printf(seq, "runtime.live %llu\n", rt.allocations - rt.frees);
	ntwq_seq_printf(seq, "runtime.alloc_failures %llu\n", rt.failures);
	ntwq_seq_printf(seq, "trigger.runs %llu\n", g_trigger_runs.Load());
	return 0;
}

} /* namespace ntwq */
