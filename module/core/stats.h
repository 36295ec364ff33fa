/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the counters behind /sys/kernel/debug/ntwq/stats.
 *
 * Per API family and queue: queued, started, completed, cancelled, and the
 * largest queue-to-start latency.  Counters are atomics (A:), bumped from any
 * context without a lock and read without one: a reader may see one counter
 * a step ahead of another.
 */
#ifndef _NTWQ_CORE_STATS_H
#define _NTWQ_CORE_STATS_H

#include "lib/cxx.h"

struct seq_file;

namespace ntwq {

enum class Api : u32 {
	Io,
	Ex,
	Wdf,
	Count
};

const char *ApiName(Api api) noexcept;

class Stats {
public:
	static void TriggerRan() noexcept;
	static void Queued(Api api, u32 queue) noexcept;
	static void Started(Api api, u32 queue, u64 latency_ns) noexcept;
	static void Completed(Api api, u32 queue) noexcept;
	static void Cancelled(Api api, u32 queue) noexcept;
	static u64 CompletedTotal(Api api) noexcept;
	/* Prints every counter; the show function of the stats file. */
	static int Show(seq_file *seq, void *data);
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_STATS_H */
