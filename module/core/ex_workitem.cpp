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
};

struct ExQueue {
	SpinLock lock;		/* guards the L fields here and in the dispatchers */
	LIST_ENTRY head;	/* L: head.Flink is the first item; &head ends the FIFO */
	PLIST_ENTRY tail;	/* L: the last item's List, or &head */
	u32 kicked;		/* L: dispatchers queued that have not taken an item yet */
	ExDispatcher *idle;	/* L: dispatchers neither queued nor running */
	u32 index;		/* I: QueueIndex */
	ExDispatcher *slots;	/* I: kExDispatchers of them */
};

LockClass g_ex_queue_class;
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

extern "C" void ExDispatch(work_struct *work)
{
	auto *d = reinterpret_cast<ExDispatcher *>(reinterpret_cast<char *>(work) -
						   __builtin_offsetof(ExDispatcher, work));
	ExQueue *q = d->queue;
	unsigned long flags = q->lock.LockIrqSave();

	q->kicked--;
	while (q->head.Flink != &q->head) {
		PLIST_ENTRY entry = q->head.Flink;
		auto *item = reinterpret_cast<PWORK_QUEUE_ITEM>(entry);
		PWORKER_THREAD_ROUTINE routine = item->WorkerRoutine;
		PVOID parameter = item->Parameter;
		module *owner = BlinkOwner(entry->Blink);
		Api api = BlinkApi(entry->Blink);
		WorkPin pin = WorkPin::FromRaw(owner); /* moved out of List.Blink */

		q->head.Flink = entry->Flink;
		if (q->tail == entry)
			q->tail = &q->head;
		/* Dequeued: the item is its owner's again. */
		__atomic_store_n(&entry->Flink, nullptr, __ATOMIC_RELEASE);
		ExDispatcher *next = q->head.Flink != &q->head ? KickLocked(q) : nullptr;
		d->running = reinterpret_cast<const void *>(routine);
		d->running_owner = owner;
		d->running_api = api;
		d->running_since_ns = ntwq_ktime_get_ns();
		q->lock.UnlockIrqRestore(flags);

		Start(q, next);
		Stats::Started(api, q->index, 0);

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
					 "routine returned with interrupts or preemption disabled; restored");
			ntwq_preempt_count_restore(preempt);
			ntwq_local_irq_enable();
		}

		Stats::Completed(api, q->index);
		/* debugfs `items` stops naming the module before its pin goes
		 * (module_put() is fine under a spinlock). */
		flags = q->lock.LockIrqSave();
		d->running = nullptr;
		d->running_owner = nullptr;
		pin.Release();
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
		q->slots = static_cast<ExDispatcher *>(
			ntwq_rt_alloc(sizeof(ExDispatcher) * kExDispatchers, NTWQ_GFP_KERNEL));
		if (!q->slots) {
			Exit();
			return -kENOMEM;
		}
		for (u32 s = 0; s < kExDispatchers; s++) {
			ExDispatcher *d = &q->slots[s];
			d->queue = q;
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

bool ExQueues::Queue(PWORK_QUEUE_ITEM item, unsigned int queue_type, module *caller, Api api,
		     const char *api_name) noexcept
{
	const char *who = ntwq_module_name(caller);

	if (!item) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, api_name, nullptr, who,
				 "NULL work item");
		return false;
	}
	const void *routine = reinterpret_cast<const void *>(item->WorkerRoutine);
	int index = Queues::IndexOf(queue_type);
	if (index < 0) {
		Verifier::Report(NTWQ_DIAG_INVALID_QUEUE_TYPE, api_name, routine, who,
				 "invalid WORK_QUEUE_TYPE; not queued");
		return false;
	}
	/* Code of built-in callers (no module) is not checked: nothing to pin. */
	if (!routine || (caller && !ntwq_within_module_text(routine, caller))) {
		Verifier::Report(NTWQ_DIAG_INVALID_ROUTINE, api_name, routine, who,
				 "routine is NULL or not in the caller's module; not queued");
		return false;
	}
	/* Claim the item: List.Flink is NULL only for an item not queued. */
	PLIST_ENTRY expected = nullptr;
	if (!__atomic_compare_exchange_n(&item->List.Flink, &expected, kClaimed, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		Verifier::Report(NTWQ_DIAG_QUEUE_QUEUED, api_name, routine, who,
				 "List.Flink is not NULL: already queued (or never initialised); it runs once");
		return false;
	}

	ExQueue *q = &g_queues[index];
	WorkPin pin = WorkPin::OfModule(caller);
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

void ExQueues::Show(seq_file *seq, u64 now_ns) noexcept
{
	for (u32 i = 0; i < kQueueCount; i++) {
		ExQueue *q = &g_queues[i];
		SpinGuard<IrqSave> guard(q->lock);

		for (u32 s = 0; s < kExDispatchers; s++) {
			ExDispatcher *d = &q->slots[s];
			if (!d->running)
				continue;
			ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12llu %ps\n",
					ApiName(d->running_api), "running",
					Queues::Name(i), ntwq_module_name(d->running_owner),
					(now_ns - d->running_since_ns) / 1000, d->running);
		}

		for (PLIST_ENTRY e = q->head.Flink; e && e != &q->head; e = e->Flink) {
			auto *item = reinterpret_cast<PWORK_QUEUE_ITEM>(e);
			ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12s %ps\n",
					ApiName(BlinkApi(e->Blink)), "queued", Queues::Name(i),
					ntwq_module_name(BlinkOwner(e->Blink)),
					"-", reinterpret_cast<void *>(item->WorkerRoutine));
		}
	}
}

} /* namespace ntwq */
