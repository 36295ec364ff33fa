/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the counters behind /sys/kernel/debug/ntwq/stats.
 *
 * Counters are atomics (A:), bumped from any context without a lock and read
 * without one: a reader may see one counter a step ahead of another.
 */
#ifndef _NTWQ_CORE_STATS_H
#define _NTWQ_CORE_STATS_H

struct seq_file;

namespace ntwq {

class Stats {
public:
	static void TriggerRan() noexcept;
	/* Prints every counter; the show function of the stats file. */
	static int Show(seq_file *seq, void *data);
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_STATS_H */
