/* SPDX-License-Identifier: GPL-2.0 */
/*
 * engine.h - the one dispatch engine every ntwq work item runs on.
 *
 * Design note.
 *
 * FIFOs.  Each queue type has a FIFO per CPU (the bound types) or one FIFO
 * (the unbound types: ntwq_background, ntwq_custom_low), with a fixed pool
 * of dispatchers: work_structs allocated at load, queued on the type's
 * Linux workqueue (on the FIFO's CPU) to drain it.  A queue call links the
 * item onto its own CPU's FIFO under that FIFO's lock and, if no
 * dispatcher is on its way, queues one: a queue call touches its CPU's
 * lines only (the module reference its pin takes aside).  Items of every
 * family share the FIFOs: executive items are linked through their own
 * LIST_ENTRY (Blink: their pin and family tag, ex_workitem.cpp), Io items
 * (and with them KMDF and NDIS 6 items) through WorkItem::link (Blink:
 * kIoEntryTag; the pin stays in the item).  An Io item has no work_struct.
 *
 * Batching.  A dispatcher takes items until its FIFO is empty.  When it
 * takes one while more wait and no other dispatcher is on its way, it
 * queues one more before calling the routine: so while items wait some
 * dispatcher is about to take one, however long the running routines
 * block, and the concurrency-managed workqueue gives each blocked
 * dispatcher's successor a new worker.  Routines that never block share
 * one worker per CPU and pay one process_one_work() per batch.  At most
 * kBoundDispatchers routines of one bound type run at once per CPU
 * (kUnboundDispatchers for an unbound type); beyond that items wait.
 *
 * No stealing.  A bound FIFO is drained on its own CPU only, as a bound
 * workqueue's items run where they were queued; a CPU whose dispatchers
 * all block gets more workers from the workqueue, not another CPU's
 * items.  Stealing would make every queue call's FIFO line shared.
 *
 * No run beside itself, across CPUs and queue types.  The busy table, a
 * hash of the item addresses being run (buckets with their own locks),
 * records each run from its take until its routine returns.  A dispatcher
 * that takes an item another dispatcher is running hands it over to that
 * one (Dispatcher::handoff: one slot is enough, as a queued item cannot
 * be queued again; the item stays queued meanwhile), which runs it next,
 * after its routine returns.  Only addresses are compared, never read: a
 * new item at a freed item's address is at worst serialised behind the
 * old run.  The queue call does not look at the table.
 *
 * Io items leave their FIFO only under locks.  An Io item's state moves
 * from Queued only with its bucket's lock held (a take, a handoff's take,
 * a cancel), and it is linked or unlinked only under its FIFO's lock.  So
 * a retire of a queued item (IoFreeWorkItem, IoUninitializeWorkItem, at
 * any IRQL) takes both locks and either finds the item queued and unlinks
 * it, or finds it taken already: a dispatcher never reads an item after
 * its take, so caller storage may be freed as soon as the retire returns.
 *
 * Locks, in order: a FIFO's lock (irq-safe), then a bucket's lock (a
 * LeafLock: inline test-and-set, or a SpinLock on lockdep kernels); the
 * verifier's registry lock may nest inside both.  No two FIFO locks or two
 * bucket locks are ever held together.
 */
#ifndef _NTWQ_CORE_ENGINE_H
#define _NTWQ_CORE_ENGINE_H

#include <ntwq/wdm.h>

#include "lib/cxx.h"
#include "stats.h"

struct seq_file;

namespace ntwq {

struct DriverBlock;
struct LongRun;
struct WorkItem;
struct EngineFifo;

/* Dispatchers per FIFO: how many routines of one queue type run at once. */
constexpr u32 kBoundDispatchers = 64;    /* per CPU, per bound queue type */
constexpr u32 kUnboundDispatchers = 256; /* per unbound queue type */

/* A queued entry's Blink low bits: 0..kShimFamilies executive families, this Io. */
constexpr uintptr kEntryTagMask = 7;
constexpr uintptr kIoEntryTag = 7;

class Engine {
public:
	/* After Queues::Init(). */
	static int Init() noexcept;
	/* After Queues::Exit() has drained the workqueues. */
	static void Exit() noexcept;
	/*
	 * Links an executive item of family @api the caller claimed
	 * (List.Flink not NULL) onto this CPU's FIFO of queue @index, with
	 * @blink (its pin and family tag) in List.Blink.
	 */
	static void PushEx(PWORK_QUEUE_ITEM item, PLIST_ENTRY blink, u32 index, Api api) noexcept;
	/* What PushIo() did with the item. */
	enum class Pushed { Queued, Retired, DriverClosed };
	/*
	 * Publishes a Claimed Io item onto this CPU's FIFO of item->queue,
	 * adding the run to its driver's work count (then held by the item's
	 * pin), counting and tracing it (@queue_type, as the caller named
	 * it).  Retired: it was retired meanwhile; DriverClosed: its driver's
	 * work count is closed (NtwqDeleteDriver).  Either way nothing is
	 * linked or counted, and the pin is still the item's: the caller
	 * takes it back.
	 */
	static Pushed PushIo(WorkItem *item, unsigned int queue_type) noexcept;
	/*
	 * A retire of an Io item found Queued: unlinks it from its FIFO (or a
	 * dispatcher's handoff) and moves it to Retired, under the locks a
	 * take holds.  False if it was no longer queued (taken meanwhile: the
	 * caller looks at its state again).
	 */
	static bool CancelQueued(WorkItem *item) noexcept;
	/* Is the calling thread a dispatcher calling a routine of @driver? (runs.h) */
	static bool CallerRuns(const DriverBlock *driver) noexcept;
	/* Lists running executive items and queued ones, for debugfs `items`. */
	static void Show(seq_file *seq, u64 now_ns) noexcept;
	/* The verifier watchdog's look at the dispatchers: see Registry::TakeLongRunning. */
	static bool TakeLongRunning(u64 now_ns, u64 threshold_ns, LongRun *out) noexcept;
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_ENGINE_H */
