/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ex_workitem.h - executive work items (WORK_QUEUE_ITEM) without allocation.
 *
 * A WORK_QUEUE_ITEM is 32 bytes of fixed Windows layout: no room for a
 * work_struct.  So each queue type has a FIFO of items linked through the
 * items' own List fields, and a fixed pool of dispatchers (work_structs
 * allocated at load) that drain it on the queue type's Linux workqueue.
 *
 * While an item is queued, List.Flink links it (the last item points back at
 * the list head, so Flink is never NULL while queued) and List.Blink holds
 * its WorkPin (work.h), which for an executive item is the caller's
 * THIS_MODULE pinned: one pointer, whose low bits tag the items a shim
 * queued (family.h) with their family.  States, in List.Flink: NULL (idle:
 * the owner's), kClaimed (a queuer is linking it), linked (queued); the
 * claim is one compare-and-exchange from NULL, as WorkItem's Claim.  A dispatcher takes
 * the head item, reads its routine, parameter and module, sets Flink back to
 * NULL (from then on the item belongs to its owner again: it may be re-queued
 * or freed, even by its own routine) and calls the routine.  ntwq never
 * touches the item after that.  The dispatcher clears what debugfs shows
 * of a routine before it drops the routine's pin.
 *
 * Concurrency, the design note: a dispatcher that takes an item while more
 * items wait, and no other dispatcher is on its way, queues one more
 * dispatcher before calling the routine.  So while items wait, some
 * dispatcher is always about to take one, however long the running routines
 * block, and Linux's concurrency-managed workqueues give each blocked
 * dispatcher's successor a new worker.  Up to kExDispatchers routines of one
 * queue type run at once (Windows' pools are smaller); beyond that, items
 * wait in the FIFO for a dispatcher to return.  Short routines cost no extra
 * threads: dispatchers that never block share one worker per CPU.
 *
 * Locks: ExQueue::lock (irq-safe) guards the FIFO, the idle dispatchers,
 * the kick count and what each dispatcher is running (for debugfs `items`:
 * a running item is shown from its dispatcher, not from the item, which its
 * routine may free).  The queue path takes it once; never sleeps or allocates.
 */
#ifndef _NTWQ_CORE_EX_WORKITEM_H
#define _NTWQ_CORE_EX_WORKITEM_H

#include <ntwq/wdm.h>

#include "lib/cxx.h"
#include "stats.h"

struct seq_file;

namespace ntwq {

/* Dispatchers per queue type: how many routines of one type run at once. */
constexpr u32 kExDispatchers = 256;

class ExQueues {
public:
	/* After Queues::Init(). */
	static int Init() noexcept;
	/* After Queues::Exit() has drained the workqueues. */
	static void Exit() noexcept;
	/*
	 * Queues @item for @caller's code; @api is Ex or the shim family whose
	 * ExCall runs it, @api_name the routine diagnostics name.  False if
	 * refused (a diagnostic).
	 */
	static bool Queue(PWORK_QUEUE_ITEM item, unsigned int queue_type, module *caller,
			  Api api = Api::Ex, const char *api_name = "ExQueueWorkItem") noexcept;
	/* Lists running and queued items, for debugfs `items`; takes each queue lock. */
	static void Show(seq_file *seq, u64 now_ns) noexcept;
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_EX_WORKITEM_H */
