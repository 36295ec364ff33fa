// SPDX-License-Identifier: GPL-2.0
/*
 * stats.cpp - counters and the text of the stats file.
 */
#include "stats.h"

#include "bridge/bridge.h"
#include "family.h"
#include "lib/atomic.h"
#include "lib/runtime.h"
#include "queues.h"
#include "verifier.h"

namespace ntwq {
namespace {

Atomic<u64> g_trigger_runs; /* A (relaxed): commands run through the trigger file, a count */

} /* namespace */

void *Stats::counters_;

int Stats::Init() noexcept
{
	counters_ = ntwq_alloc_percpu_u64(kCounters);
	return counters_ ? 0 : -kENOMEM;
}

void Stats::Exit() noexcept
{
	ntwq_free_percpu(counters_);
	counters_ = nullptr;
}

const char *ApiName(Api api) noexcept
{
	switch (api) {
	case Api::Io:
		return "io";
	case Api::Ex:
		return "ex";
	case Api::Wdf:
		return "wdf";
	default:
		return IsShim(api) ? Families::Name(api) : "?";
	}
}

void Stats::TriggerRan() noexcept
{
	g_trigger_runs.IncRelaxed();
}

u64 Stats::CompletedTotal(Api api) noexcept
{
	u64 total = 0;

	for (u32 q = 0; q < kQueueCount; q++)
		total += ntwq_percpu_sum(counters_, Index(api, q, kCompletedField));
	return total;
}

int Stats::Show(seq_file *seq, void *)
{
	struct ntwq_rt_stats rt;

	ntwq_seq_printf(seq, "%-4s %-20s %10s %10s %10s %10s %9s %14s\n", "api", "queue",
			"queued", "started", "completed", "cancelled", "in_flight",
			"max_latency_us");
	for (u32 a = 0; a < static_cast<u32>(Api::Count); a++) {
		/* A shim's rows once it has registered (kept after it unloads). */
		if (!*ApiName(static_cast<Api>(a)))
			continue;
		for (u32 q = 0; q < kQueueCount; q++) {
			auto api = static_cast<Api>(a);
			auto sum = [&](u32 field) {
				return ntwq_percpu_sum(counters_, Index(api, q, field));
			};
			u64 queued = sum(kQueuedField), completed = sum(kCompletedField);
			u64 cancelled = sum(kCancelledField);
			ntwq_seq_printf(seq, "%-4s %-20s %10llu %10llu %10llu %10llu %9lld %14llu\n",
					ApiName(api), Queues::Name(q), queued,
					sum(kStartedField), completed, cancelled,
					static_cast<s64>(queued - completed - cancelled),
					ntwq_cycles_to_ns(ntwq_percpu_max(
						counters_, Index(api, q, kMaxLatencyField))) / 1000);
		}
	}
	Verifier::Show(seq);
	ntwq_rt_get_stats(&rt);
	ntwq_seq_printf(seq, "runtime.allocations %llu\n", rt.allocations);
	ntwq_seq_printf(seq, "runtime.frees %llu\n", rt.frees);
	ntwq_seq_printf(seq, "runtime.live %llu\n", rt.allocations - rt.frees);
	ntwq_seq_printf(seq, "runtime.alloc_failures %llu\n", rt.failures);
	ntwq_seq_printf(seq, "trigger.runs %llu\n", g_trigger_runs.Load());
	return 0;
}

} /* namespace ntwq */

extern "C" unsigned long long ntwq_io_completed(void)
{
	return ntwq::Stats::CompletedTotal(ntwq::Api::Io);
}

extern "C" unsigned long long ntwq_wdf_completed(void)
{
	return ntwq::Stats::CompletedTotal(ntwq::Api::Wdf);
}
