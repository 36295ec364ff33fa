/* SPDX-License-Identifier: GPL-2.0 */
/*
 * registry.h - the work items queued or running now, for debugfs `items`.
 *
 * A queued item's record lives in the item; a running item's record lives
 * on the dispatching worker's stack for the duration of the routine (the
 * item itself may be freed by its routine).  Records are kept in one list per
 * CPU, each with its own irq-safe lock, and a record goes on the list of the
 * CPU that adds it: the queue and dispatch paths of a bound queue stay on one
 * CPU and share no lock or cache line with the other CPUs.  The show
 * function walks every list.  Only in verifier mode (verifier.h): the queue
 * path adds a record only while the switch is on.
 *
 * Field legend: R: the shard's lock; O: written by the record's owner (the
 * queuer, or the dispatcher that copied it) before Add, constant while
 * listed.
 */
#ifndef _NTWQ_CORE_REGISTRY_H
#define _NTWQ_CORE_REGISTRY_H

#include "lib/cxx.h"
#include "lib/list.h"
#include "stats.h"

struct seq_file;

namespace ntwq {

struct LongRun;

struct ItemRecord {
	ListNode node;       /* R */
	Api api;             /* O */
	u32 queue;           /* O */
	bool running;        /* O */
	const void *routine; /* O */
	const char *driver;  /* O: the driver's name; the driver outlives the item */
	u64 since_ns;        /* O: queued or started at (ktime) */
	const void *task;    /* O: running: the worker (alive while the record is listed) */
	bool reported;       /* R: running: the watchdog reported this run */
	u32 shard;           /* R: the CPU list the record is on, set by Add */
	bool listed;         /* R: Add sets it, Remove clears it; the owner reads it */
};

class Registry {
public:
	/* Allocates one list per possible CPU: 0 or -ENOMEM. */
	static int Init() noexcept;
	static void Exit() noexcept;
	static void Add(ItemRecord *record) noexcept;
	static void Remove(ItemRecord *record) noexcept;
	/* Removes @queued and adds @running. */
	static void Replace(ItemRecord *queued, ItemRecord *running) noexcept;
	static int Show(seq_file *seq, void *data);
	/*
	 * Verifier watchdog: one running record, not reported yet, that
	 * started @threshold_ns or more before @now_ns; marks it reported and
	 * copies it, the worker's stack included, into @out.  False if none.
	 */
	static bool TakeLongRunning(u64 now_ns, u64 threshold_ns, LongRun *out) noexcept;
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_REGISTRY_H */
