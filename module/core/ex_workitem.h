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
 * No overlapping runs of one item (Linux's rule, not Windows').  Each
 * dispatcher records, under the lock, the address of the item it runs, in a
 * small per-queue hash (ExQueue::busy, chained through the dispatchers), from
 * its dequeue until its routine has returned.  A dispatcher that dequeues an
 * item another one is running hands it over to that one (ExDispatcher::
 * handoff: one slot is enough, as a queued item cannot be queued again; its
 * List.Flink stays non-NULL and List.Blink keeps the pin, so it still reads
 * as queued) and goes on with the FIFO; the running dispatcher, under the
 * lock after its routine returns, takes its handoff before the FIFO.  Only
 * the address is compared, never read: a new item at a freed item's address
 * is at worst serialised behind the old run.  A routine that re-queues its
 * own item onto another queue type (the calling kworker is the dispatcher
 * running it: current_work()) has it queued on its own queue type instead,
 * where the handoff serialises it; that pass runs at this type's priority.
 * Not covered: another thread moving a running item to another queue type.
 * debugfs `items` shows handed-over items as queued; unload drains them,
 * since a dispatcher does not return while its handoff holds one.
 *
 * Locks: ExQueue::lock (irq-safe) guards the FIFO, the idle dispatchers,
 * the kick count, the busy hash and handoffs, and what each dispatcher is
 * running (for debugfs `items`: a running item is shown from its
 * dispatcher, not from the item, which its routine may free).  The queue
 * path takes it once; never sleeps or allocates.
 */
#ifndef _NTWQ_CORE_EX_WORKITEM_H
#define _NTWQ_CORE_EX_WORKITEM_H

#include <ntwq/wdm.h>

#include "lib/cxx.h"
#include "stats.h"

struct seq_file;

namespace ntwq {

struct LongRun;

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
	 * ExCall runs it, @api_name the routine diagnostics name; @site, the
	 * API's caller, is named by diagnostics in verifier mode.  False if
	 * refused (a diagnostic).
	 */
	static bool Queue(PWORK_QUEUE_ITEM item, unsigned int queue_type, module *caller,
			  const void *site, Api api = Api::Ex,
			  const char *api_name = "ExQueueWorkItem") noexcept;
	/* Lists running and queued items, for debugfs `items`; takes each queue lock. */
	static void Show(seq_file *seq, u64 now_ns) noexcept;
	/* The verifier watchdog's look at the dispatchers: see Registry::TakeLongRunning. */
	static bool TakeLongRunning(u64 now_ns, u64 threshold_ns, LongRun *out) noexcept;
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_EX_WORKITEM_H */
