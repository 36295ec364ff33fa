/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the counters behind /sys/kernel/debug/ntwq/stats.
 *
 * Per API family and queue: queued, started, completed, cancelled, and the
 * largest queue-to-start latency.  Each CPU has its own copy of every
 * counter, bumped with one this_cpu instruction, inline (lib/percpu.h), from
 * any context (no call, no lock, no
 * cache line shared between CPUs on the queue path); readers add up the CPUs
 * without a lock, so a reader may see one counter a step ahead of another.
 */
#ifndef _NTWQ_CORE_STATS_H
#define _NTWQ_CORE_STATS_H

#include "bridge/bridge.h"
#include "lib/cxx.h"
#include "lib/percpu.h"
#include "queues.h"

struct seq_file;

namespace ntwq {

/*
 * The built-in families, then the slots of families with call adapters
 * (family.h): slot 0 is ntwq's own family for Windows binaries' items, the
 * others (NTWQ_MAX_API_FAMILIES) are for the families shims register.
 */
constexpr u32 kShimFamilies = 5;

enum class Api : u32 {
	Io,
	Ex,
	Wdf,
	Shim0, /* first adapter slot: Shim0 + n for slot n; Shim0 is Windows binaries' */
	Count = Shim0 + kShimFamilies
};

constexpr bool IsShim(Api api)
{
	return api >= Api::Shim0;
}

/* "io", "ex", "wdf", a registered shim's name, or "" for a free slot. */
const char *ApiName(Api api) noexcept;

class Stats {
public:
	/* Allocates the per-CPU counters: 0 or -ENOMEM.  Before any queueing. */
	static int Init() noexcept;
	/* After the last work item has finished. */
	static void Exit() noexcept;

	static void TriggerRan() noexcept;
	static void Queued(Api api, u32 queue) noexcept
	{
		PerCpuInc(counters_, Index(api, queue, kQueuedField));
	}
	/* @latency: queue-to-start, in time-stamp-counter cycles (lib/clock.h). */
	static void Started(Api api, u32 queue, u64 latency) noexcept
	{
		PerCpuInc(counters_, Index(api, queue, kStartedField));
		PerCpuMax(counters_, Index(api, queue, kMaxLatencyField), latency);
	}
	static void Completed(Api api, u32 queue) noexcept
	{
		PerCpuInc(counters_, Index(api, queue, kCompletedField));
	}
	static void Cancelled(Api api, u32 queue) noexcept
	{
		PerCpuInc(counters_, Index(api, queue, kCancelledField));
	}
	static u64 CompletedTotal(Api api) noexcept;
	/* Prints every counter; the show function of the stats file. */
	static int Show(seq_file *seq, void *data);

private:
	enum : u32 {
		kQueuedField,
		kStartedField,
		kCompletedField,
		kCancelledField,
		kMaxLatencyField,
		kFieldCount
	};
	static size_t Index(Api api, u32 queue, u32 field) noexcept
	{
		return (static_cast<size_t>(api) * kQueueCount + queue) * kFieldCount + field;
	}
	static constexpr size_t kCounters =
		static_cast<size_t>(Api::Count) * kQueueCount * kFieldCount;

	static void *counters_; /* I: per-CPU u64[kCounters] */
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_STATS_H */
