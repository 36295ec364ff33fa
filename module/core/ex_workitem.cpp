// SPDX-License-Identifier: GPL-2.0
/*
 * ex_workitem.cpp - the executive work-item FIFOs and their dispatchers.
 */
#include "ex_workitem.h"

#include "bridge/bridge.h"
#include "family.h"
#include "lib/atomic.h"
#include "lib/opaque.h"
#include "lib/runtime.h"
#include "lib/spinlock.h"
#include "ntwq_layout.h"
#include "queues.h"
#include "stats.h"
#include "trace.h"
#include "verifier.h"
#include "work.h"

namespace ntwq {
namespace {

struct ExQueue;

/* Field legend: I: set at load; L: ExQueue::lock. */
struct ExDispatcher {
	Opaque<work_struct, NTWQ_SIZEOF_WORK_STRUCT, NTWQ_ALIGNOF_WORK_STRUCT> work;
	ExQueue *queue;		/* I */
	ExDispatcher *next_idle; /* L: in ExQueue::idle */
	/* L: the routine being run (nullptr between items), for debugfs `items` */
	const void *running;
	module *running_owner;	/* L */
	Api running_api;	/* L: Ex, or the shim family of the item running */
	u64 running_since_ns;	/* L */
	const void *running_task; /* L: the worker calling it */
	bool long_reported;	/* L: the verifier's watchdog reported this run */
	/*
	 * L: the address of the item whose routine this dispatcher runs (never
	 * read through: its routine may free it), from its dequeue until no
	 * pass of it is handed over; then nullptr.  Listed in ExQueue::busy.
	 */
	PLIST_ENTRY item;
	ExDispatcher *next_busy; /* L: chain in ExQueue::busy */
	/* L: the same item, queued again and dequeued by another dispatcher
	 * while this one ran it: its next pass (at most one: a queued item
	 * cannot be queued again).  List.Flink stays non-NULL meanwhile. */
	PLIST_ENTRY handoff;
};

constexpr u32 kBusyBuckets = 64; /* power of two */

struct ExQueue {
	SpinLock lock;		/* guards the L fields here and in the dispatchers */
	LIST_ENTRY head;	/* L: head.Flink is the first item; &head ends the FIFO */
	PLIST_ENTRY tail;	/* L: the last item's List, or &head */
	u32 kicked;		/* L: dispatchers queued that have not taken an item yet */
	ExDispatcher *idle;	/* L: dispatchers neither queued nor running */
	u32 index;		/* I: QueueIndex */
	ExDispatcher *slots;	/* I: kExDispatchers of them */
	ExDispatcher *busy[kBusyBuckets]; /* L: dispatchers with an item, by its address */
};

LockClass g_ex_queue_class;
/* Tests only: called with the routine right after its module pin is dropped. */
void (*g_unpin_hook)(const void *routine);
LockClass g_ex_work_class; /* lockdep class of the dispatchers' work_structs */
ExQueue g_queues[kQueueCount];

/* Marks an item claimed by a queuer, between the claim and the link. */
PLIST_ENTRY const kClaimed = reinterpret_cast<PLIST_ENTRY>(1);

/*
 * List.Blink of a queued item: its pin (the caller's module, 64-byte
 * aligned: bridge/module.c asserts it) with the family's tag in the low
 * bits (0: ExQueueWorkItem; n: shim slot n - 1, family.h).
 */
constexpr uintptr kTagMask = 7;
static_assert(kShimFamilies < kTagMask, "a tag per shim slot");

PLIST_ENTRY PackBlink(module *owner, Api api)
{
	return reinterpret_cast<PLIST_ENTRY>(reinterpret_cast<uintptr>(owner) | Families::Tag(api));
}

module *BlinkOwner(PLIST_ENTRY blink)
{
	return reinterpret_cast<module *>(reinterpret_cast<uintptr>(blink) & ~kTagMask);
}

Api BlinkApi(PLIST_ENTRY blink)
{
	return Families::FromTag(static_cast<u32>(reinterpret_cast<uintptr>(blink) & kTagMask));
}

/* An idle dispatcher to start, if none is on its way; lock held. */
ExDispatcher *KickLocked(ExQueue *q)
{
	q->lock.AssertHeld();
	if (q->kicked || !q->idle)
		return nullptr;
	ExDispatcher *d = q->idle;
	q->idle = d->next_idle;
	q->kicked++;
	return d;
}

void Start(ExQueue *q, ExDispatcher *d)
{
	if (d)
		ntwq_queue_work(Queues::Get(q->index), d->work.Get());
}

ExDispatcher **BusyBucket(ExQueue *q, PLIST_ENTRY item)
{
	/* Items are 32 bytes: the low bits say nothing. */
	return &q->busy[(reinterpret_cast<uintptr>(item) >> 5) & (kBusyBuckets - 1)];
}

/* The dispatcher running @item, or nullptr; lock held. */
ExDispatcher *BusyWithLocked(ExQueue *q, PLIST_ENTRY item)
{
	for (ExDispatcher *d = *BusyBucket(q, item); d; d = d->next_busy)
		if (d->item == item)
			return d;
	return nullptr;
}

void SetBusyLocked(ExQueue *q, ExDispatcher *d, PLIST_ENTRY item)
{
	ExDispatcher **bucket = BusyBucket(q, item);

	d->item = item;
	d->next_busy = *bucket;
	*bucket = d;
}

void ClearBusyLocked(ExQueue *q, ExDispatcher *d)
{
	ExDispatcher **link = BusyBucket(q, d->item);

	while (*link != d)
		link = &(*link)->next_busy;
	*link = d->next_busy;
	d->item = nullptr;
}

/*
 * The dispatcher whose routine is calling, or nullptr: the caller's kworker
 * runs one of our work_structs.  Read by that thread only, so its L fields
 * that only it writes (item) need no lock.
 */
ExDispatcher *CallingDispatcher()
{
	auto *work = reinterpret_cast<char *>(ntwq_current_work());

	if (!work)
		return nullptr;
	for (u32 i = 0; i < kQueueCount; i++) {
		auto *first = reinterpret_cast<char *>(g_queues[i].slots);

		if (work >= first && work < first + sizeof(ExDispatcher) * kExDispatchers)
			return reinterpret_cast<ExDispatcher *>(
				work - __builtin_offsetof(ExDispatcher, work));
	}
	return nullptr;
}

/*
 * The next item @d runs, or nullptr: a pass handed over to @d first, else
 * the FIFO's head, unless another dispatcher is running that item: then it
 * is handed over to that one, which runs it when its routine returns.
 */
PLIST_ENTRY TakeLocked(ExQueue *q, ExDispatcher *d)
{
	if (PLIST_ENTRY entry = d->handoff) {
		d->handoff = nullptr;
		return entry; /* d->item already */
	}
	while (q->head.Flink != &q->head) {
		PLIST_ENTRY entry = q->head.Flink;

		q->head.Flink = entry->Flink;
		if (q->tail == entry)
			q->tail = &q->head;
		ExDispatcher *runner = BusyWithLocked(q, entry);
		if (!runner) {
			SetBusyLocked(q, d, entry);
			return entry;
		}
		/* Still queued: Flink non-NULL (queuers read it without the lock). */
		__atomic_store_n(&entry->Flink, &q->head, __ATOMIC_RELAXED);
		runner->handoff = entry;
	}
	return nullptr;
}

extern "C" void ExDispatch(work_struct *work)
{
	auto *d = reinterpret_cast<ExDispatcher *>(reinterpret_cast<char *>(work) -
						   __builtin_offsetof(ExDispatcher, work));
	ExQueue *q = d->queue;
	unsigned long flags = q->lock.LockIrqSave();

	q->kicked--;
	while (PLIST_ENTRY entry = TakeLocked(q, d)) {
		auto *item = reinterpret_cast<PWORK_QUEUE_ITEM>(entry);
		PWORKER_THREAD_ROUTINE routine = item->WorkerRoutine;
		PVOID parameter = item->Parameter;
		module *owner = BlinkOwner(entry->Blink);
		Api api = BlinkApi(entry->Blink);
		WorkPin pin = WorkPin::FromRaw(owner); /* moved out of List.Blink */

		/* Dequeued: the item is its owner's again. */
		__atomic_store_n(&entry->Flink, nullptr, __ATOMIC_RELEASE);
		ExDispatcher *next = q->head.Flink != &q->head ? KickLocked(q) : nullptr;
		d->running = reinterpret_cast<const void *>(routine);
		d->running_owner = owner;
		d->running_api = api;
		d->running_since_ns = ntwq_ktime_get_ns();
		d->running_task = ntwq_current_task();
		d->long_reported = false;
		q->lock.UnlockIrqRestore(flags);

		Start(q, next);
		if (__builtin_expect(Verifier::On(), 0))
			Verifier::Watch();
		Stats::Started(api, q->index, 0);
		/* The item is only an address now: its routine may free it. */
		if (trace::StartOn())
			ntwq_trace_execute_start(item, reinterpret_cast<const void *>(routine),
						 trace::Family(api));

		int preempt = ntwq_preempt_count();
		/* A shim's item: its family adapts the call (queueing checked ExCall). */
		if (__builtin_expect(IsShim(api), 0))
			Families::ExCall(api)(reinterpret_cast<void *>(routine), parameter, item);
		else
			routine(parameter);
		if (__builtin_expect(ntwq_context_changed(preempt), 0)) {
			Verifier::Report(NTWQ_DIAG_BAD_IRQL_RETURN,
					 IsShim(api) ? ApiName(api) : "ExQueueWorkItem",
					 reinterpret_cast<const void *>(routine),
					 ntwq_module_name(owner),
					 "routine returned with interrupts, bottom halves or preemption disabled; restored");
			ntwq_preempt_count_restore(preempt);
		}

		Stats::Completed(api, q->index);
		if (trace::EndOn())
			ntwq_trace_execute_end(item, reinterpret_cast<const void *>(routine),
					       trace::Family(api));
		/* debugfs `items` stops naming the module before its pin goes
		 * (module_put() is fine under a spinlock). */
		flags = q->lock.LockIrqSave();
		d->running = nullptr;
		d->running_owner = nullptr;
		pin.Release();
		if (auto hook = __atomic_load_n(&g_unpin_hook, __ATOMIC_ACQUIRE))
			hook(reinterpret_cast<const void *>(routine));
		if (!d->handoff)
			ClearBusyLocked(q, d);
	}
	d->next_idle = q->idle;
	q->idle = d;
	q->lock.UnlockIrqRestore(flags);
}

} /* namespace */

int ExQueues::Init() noexcept
{
	for (u32 i = 0; i < kQueueCount; i++) {
		ExQueue *q = &g_queues[i];

		q->lock.Init("ntwq_ex_queue", g_ex_queue_class);
		q->head.Flink = q->head.Blink = &q->head;
		q->tail = &q->head;
		q->kicked = 0;
		q->index = i;
		q->idle = nullptr;
		for (u32 b = 0; b < kBusyBuckets; b++)
			q->busy[b] = nullptr;
		q->slots = static_cast<ExDispatcher *>(
			ntwq_rt_alloc(sizeof(ExDispatcher) * kExDispatchers, NTWQ_GFP_KERNEL));
		if (!q->slots) {
			Exit();
			return -kENOMEM;
		}
		for (u32 s = 0; s < kExDispatchers; s++) {
			ExDispatcher *d = &q->slots[s];
			d->queue = q;
			d->item = nullptr;
			d->handoff = nullptr;
			d->running = nullptr;
			ntwq_init_work(d->work.Get(), ExDispatch, g_ex_work_class.Key());
			d->next_idle = q->idle;
			q->idle = d;
		}
	}
	return 0;
}

void ExQueues::Exit() noexcept
{
	for (u32 i = 0; i < kQueueCount; i++) {
		ExQueue *q = &g_queues[i];

		if (!q->slots)
			continue;
		for (u32 s = 0; s < kExDispatchers; s++)
			ntwq_destroy_work(q->slots[s].work.Get());
		ntwq_rt_free(q->slots);
		q->slots = nullptr;
	}
}

bool ExQueues::Queue(PWORK_QUEUE_ITEM item, unsigned int queue_type, module *caller,
		     const void *site, Api api, const char *api_name) noexcept
{
	const char *who = ntwq_module_name(caller);

	/* The one test of the verifier switch on the queue path. */
	if (__builtin_expect(Verifier::On(), 0))
		Verifier::CheckQueueIrql(api_name,
					 item ? reinterpret_cast<const void *>(item->WorkerRoutine)
					      : nullptr,
					 who, site);
	else
		site = nullptr;
	if (!item) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, api_name, nullptr, who,
				 "NULL work item", site);
		return false;
	}
	const void *routine = reinterpret_cast<const void *>(item->WorkerRoutine);
	int index = Queues::IndexOf(queue_type);
	if (index < 0) {
		Verifier::Report(NTWQ_DIAG_INVALID_QUEUE_TYPE, api_name, routine, who,
				 "invalid WORK_QUEUE_TYPE; not queued", site);
		return false;
	}
	/* Code of built-in callers (no module) is not checked: nothing to pin. */
	if (!routine || (caller && !ntwq_within_module_text(routine, caller))) {
		Verifier::Report(NTWQ_DIAG_INVALID_ROUTINE, api_name, routine, who,
				 "routine is NULL or not in the caller's module; not queued", site);
		return false;
	}
	/*
	 * The caller's module, unless it is unloading: then its exit is
	 * running, and the module is freed when the exit returns, whatever
	 * references it holds (rmmod has checked them already).
	 */
	WorkPin pin = WorkPin::OfModule(caller);
	if (!pin.Pins(caller)) {
		Verifier::Report(NTWQ_DIAG_DRIVER_GONE, api_name, routine, who,
				 "the caller's module is unloading; not queued", site);
		return false;
	}
	/* Claim the item: List.Flink is NULL only for an item not queued. */
	PLIST_ENTRY expected = nullptr;
	if (!__atomic_compare_exchange_n(&item->List.Flink, &expected, kClaimed, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		Verifier::Report(NTWQ_DIAG_QUEUE_QUEUED, api_name, routine, who,
				 "List.Flink is not NULL: already queued (or never initialised); it runs once",
				 site);
		return false; /* the pin goes back */
	}

	/* Claimed: it will be queued, and no dispatcher has seen it yet. */
	if (trace::QueueOn())
		ntwq_trace_queue(item, routine, trace::Family(api), queue_type, Queues::Name(index),
				 who);

	ExQueue *q = &g_queues[index];
	/* Re-queued by its own routine onto another queue type: its next pass
	 * is handed over on this one (see the design note). */
	ExDispatcher *self = CallingDispatcher();
	if (self && self->queue != q && self->item == &item->List)
		q = self->queue;
	ExDispatcher *d;
	{
		SpinGuard<IrqSave> guard(q->lock);
		/* The pin travels in List.Blink until a dispatcher takes the item. */
		item->List.Blink = PackBlink(pin.IntoRaw(), api);
		item->List.Flink = &q->head;
		q->tail->Flink = &item->List;
		q->tail = &item->List;
		d = KickLocked(q);
	}
	Stats::Queued(api, q->index);
	Start(q, d);
	return true;
}

bool ExQueues::TakeLongRunning(u64 now_ns, u64 threshold_ns, LongRun *out) noexcept
{
	for (u32 i = 0; i < kQueueCount; i++) {
		ExQueue *q = &g_queues[i];
		SpinGuard<IrqSave> guard(q->lock);

		for (u32 s = 0; s < kExDispatchers; s++) {
			ExDispatcher *d = &q->slots[s];

			if (!d->running || d->long_reported || d->running_since_ns > now_ns ||
			    now_ns - d->running_since_ns < threshold_ns)
				continue;
			d->long_reported = true;
			out->api = "ExQueueWorkItem";
			out->routine = d->running;
			out->SetDriver(ntwq_module_name(d->running_owner));
			out->ran_ns = now_ns - d->running_since_ns;
			/* Running (cleared under this lock at return): its worker is alive. */
			out->frames = ntwq_task_stack(d->running_task, out->stack, kLongRunFrames);
			return true;
		}
	}
	return false;
}

namespace {

/* One line of debugfs `items` for a queued item (lock held). */
void ShowQueued(seq_file *seq, u32 index, PLIST_ENTRY e)
{
	auto *item = reinterpret_cast<PWORK_QUEUE_ITEM>(e);

	ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12s %ps\n", ApiName(BlinkApi(e->Blink)),
			"queued", Queues::Name(index), ntwq_module_name(BlinkOwner(e->Blink)), "-",
			reinterpret_cast<void *>(item->WorkerRoutine));
}

} /* namespace */

void ExQueues::Show(seq_file *seq, u64 now_ns) noexcept
{
	for (u32 i = 0; i < kQueueCount; i++) {
		ExQueue *q = &g_queues[i];
		SpinGuard<IrqSave> guard(q->lock);

		for (u32 s = 0; s < kExDispatchers; s++) {
			ExDispatcher *d = &q->slots[s];
			if (d->running)
				ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12llu %ps\n",
						ApiName(d->running_api), "running", Queues::Name(i),
						ntwq_module_name(d->running_owner),
						(now_ns - d->running_since_ns) / 1000, d->running);
			if (d->handoff)
				ShowQueued(seq, i, d->handoff);
		}

		for (PLIST_ENTRY e = q->head.Flink; e && e != &q->head; e = e->Flink)
			ShowQueued(seq, i, e);
	}
}

} /* namespace ntwq */

extern "C" void ntwq_set_ex_unpin_hook(void (*hook)(const void *routine))
{
	__atomic_store_n(&ntwq::g_unpin_hook, hook, __ATOMIC_RELEASE);
}

extern "C" bool ntwq_ex_names_routine(const void *routine)
{
	for (ntwq::u32 i = 0; i < ntwq::kQueueCount; i++) {
		const ntwq::ExQueue *q = &ntwq::g_queues[i];

		for (ntwq::u32 j = 0; j < ntwq::kExDispatchers; j++)
			if (__atomic_load_n(&q->slots[j].running, __ATOMIC_RELAXED) == routine)
				return true;
	}
	return false;
}
