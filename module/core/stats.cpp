// SPDX-License-Identifier: GPL-2.0
/*
 * stats.cpp - counters and the text of the stats file.
 */
#include "stats.h"

#include "bridge/bridge.h"
#include "lib/atomic.h"
#include "lib/runtime.h"
#include "queues.h"
#include "verifier.h"

namespace ntwq {
namespace {

struct QueueCounters {
	Atomic<u64> queued;
	Atomic<u64> started;
	Atomic<u64> completed;
	Atomic<u64> cancelled;
	Atomic<u64> max_latency_ns;
};

QueueCounters g_counters[static_cast<u32>(Api::Count)][kQueueCount]; /* A */
Atomic<u64> g_trigger_runs; /* A: commands run through the trigger file */

QueueCounters &At(Api api, u32 queue)
{
	return g_counters[static_cast<u32>(api)][queue];
}

} /* namespace */

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
		return "?";
	}
}

void Stats::TriggerRan() noexcept
{
	g_trigger_runs.Inc();
}

void Stats::Queued(Api api, u32 queue) noexcept
{
	At(api, queue).queued.Inc();
}

void Stats::Started(Api api, u32 queue, u64 latency_ns) noexcept
{
	At(api, queue).started.Inc();
	At(api, queue).max_latency_ns.Max(latency_ns);
}

void Stats::Completed(Api api, u32 queue) noexcept
{
	At(api, queue).completed.Inc();
}

void Stats::Cancelled(Api api, u32 queue) noexcept
{
	At(api, queue).cancelled.Inc();
}

u64 Stats::CompletedTotal(Api api) noexcept
{
	u64 total = 0;

	for (u32 q = 0; q < kQueueCount; q++)
		total += At(api, q).completed.Load();
	return total;
}

int Stats::Show(seq_file *seq, void *)
{
	struct ntwq_rt_stats rt;

	ntwq_seq_printf(seq, "%-4s %-20s %10s %10s %10s %10s %9s %14s\n", "api", "queue",
			"queued", "started", "completed", "cancelled", "in_flight",
			"max_latency_us");
	for (u32 a = 0; a < static_cast<u32>(Api::Count); a++) {
		for (u32 q = 0; q < kQueueCount; q++) {
			QueueCounters &c = At(static_cast<Api>(a), q);
			u64 queued = c.queued.Load(), completed = c.completed.Load();
			u64 cancelled = c.cancelled.Load();
			ntwq_seq_printf(seq, "%-4s %-20s %10llu %10llu %10llu %10llu %9lld %14llu\n",
					ApiName(static_cast<Api>(a)), Queues::Name(q), queued,
					c.started.Load(), completed, cancelled,
					static_cast<s64>(queued - completed - cancelled),
					c.max_latency_ns.Load() / 1000);
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
