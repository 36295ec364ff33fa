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
	u64 queued;
	u64 started;
	u64 completed;
	u64 cancelled;
	u64 max_latency_ns;
};

/*
 * Per CPU, so the queue and dispatch paths never share a cache line with
 * another CPU; Show() and the totals sum over the CPUs.
 */
struct CpuCounters {
	QueueCounters c[static_cast<u32>(Api::Count)][kQueueCount];
};

CpuCounters NTWQ_PERCPU *g_counters; /* I: per-CPU, updated with this_cpu ops */
Atomic<u64> g_trigger_runs; /* A: commands run through the trigger file */

size_t OffsetOf(Api api, u32 queue, size_t field)
{
	return (static_cast<u32>(api) * kQueueCount + queue) * sizeof(QueueCounters) + field;
}

void Add(Api api, u32 queue, size_t field)
{
	ntwq_this_cpu_add_u64(g_counters, OffsetOf(api, queue, field), 1);
}

/* The counters of @api/@queue summed (max taken) over the CPUs. */
QueueCounters Sum(Api api, u32 queue)
{
	QueueCounters t = {};

	for (int cpu = ntwq_next_possible_cpu(-1); cpu < ntwq_nr_cpu_ids();
	     cpu = ntwq_next_possible_cpu(cpu)) {
		auto *cc = static_cast<CpuCounters *>(ntwq_per_cpu_ptr(g_counters, cpu));
		const QueueCounters &c = cc->c[static_cast<u32>(api)][queue];
		t.queued += c.queued;
		t.started += c.started;
		t.completed += c.completed;
		t.cancelled += c.cancelled;
		if (c.max_latency_ns > t.max_latency_ns)
			t.max_latency_ns = c.max_latency_ns;
	}
	return t;
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

int Stats::Init() noexcept
{
	g_counters = static_cast<CpuCounters NTWQ_PERCPU *>(
		ntwq_alloc_percpu(sizeof(CpuCounters), alignof(CpuCounters)));
	return g_counters ? 0 : -kENOMEM;
}

void Stats::Exit() noexcept
{
	ntwq_free_percpu(g_counters);
	g_counters = nullptr;
}

void Stats::TriggerRan() noexcept
{
	g_trigger_runs.Inc();
}

void Stats::Queued(Api api, u32 queue) noexcept
{
	Add(api, queue, __builtin_offsetof(QueueCounters, queued));
}

void Stats::Started(Api api, u32 queue, u64 latency_ns) noexcept
{
	Add(api, queue, __builtin_offsetof(QueueCounters, started));
	ntwq_this_cpu_max_u64(g_counters,
			      OffsetOf(api, queue, __builtin_offsetof(QueueCounters, max_latency_ns)),
			      latency_ns);
}

void Stats::Completed(Api api, u32 queue) noexcept
{
	Add(api, queue, __builtin_offsetof(QueueCounters, completed));
}

void Stats::Cancelled(Api api, u32 queue) noexcept
{
	Add(api, queue, __builtin_offsetof(QueueCounters, cancelled));
}

u64 Stats::CompletedTotal(Api api) noexcept
{
	u64 total = 0;

	for (u32 q = 0; q < kQueueCount; q++)
		total += Sum(api, q).completed;
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
			QueueCounters c = Sum(static_cast<Api>(a), q);
			ntwq_seq_printf(seq, "%-4s %-20s %10llu %10llu %10llu %10llu %9lld %14llu\n",
					ApiName(static_cast<Api>(a)), Queues::Name(q), c.queued,
					c.started, c.completed, c.cancelled,
					static_cast<s64>(c.queued - c.completed - c.cancelled),
					c.max_latency_ns / 1000);
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
