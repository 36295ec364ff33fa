/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clock.h - a cheap timestamp for statistics: the CPU's time-stamp counter.
 *
 * One rdtsc instead of a call into the timekeeping code (whose clocksource
 * read is an indirect call): the queue path stamps every item for the
 * queue-to-start latency statistic.  Cycles are turned into nanoseconds
 * only when the statistic is read (ntwq_cycles_to_ns()).  Counters of two
 * CPUs may differ slightly; a negative difference counts as zero.
 */
#ifndef _NTWQ_LIB_CLOCK_H
#define _NTWQ_LIB_CLOCK_H

#include "cxx.h"

namespace ntwq {

NTWQ_ALWAYS_INLINE u64 CyclesNow() noexcept
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (static_cast<u64>(hi) << 32) | lo;
}

NTWQ_ALWAYS_INLINE u64 CyclesSince(u64 then, u64 now) noexcept
{
	return now > then ? now - then : 0;
}

} /* namespace ntwq */

#endif /* _NTWQ_LIB_CLOCK_H */
