// SPDX-License-Identifier: GPL-2.0
/*
 * engine.cpp - per-CPU FIFOs, their dispatchers and the busy table.
 */
#include "engine.h"

#include "bridge/bridge.h"
#include "family.h"
#include "lib/atomic.h"
#include "lib/clock.h"
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

static_assert(kShimFamilies < kIoEntryTag, "Io's tag is none of the executive families'");

/*
 * Field legend: I: set at load; F: the dispatcher's FIFO lock; B: the lock
 * of the bucket of the item being run.
 */
struct Dispatcher {
	Opaque<work_struct, NTWQ_SIZEOF_WORK_STRUCT, NTWQ_ALIGNOF_WORK_STRUCT> work;
	EngineFifo *fifo;	 /* I */
	Dispatcher *next_idle;	 /* F: in EngineFifo::idle */
	/*
	 * B: the address of the item whose routine this dispatcher runs (never
	 * read through: its routine may free it), from its take until no pass
	 * of it is handed over; then nullptr.  Chained in its bucket.
	 */
	PLIST_ENTRY item;
	Dispatcher *next_busy;	 /* B */
	/* B: the same item, queued again and taken by another dispatcher while
	 * this one ran it: its next pass (at most one: a queued item cannot be
	 * queued again).  It stays queued meanwhile. */
	PLIST_ENTRY handoff;
	/* F: the executive routine being run (nullptr between items), for
	 * debugfs `items` and the verifier's watchdog (Io runs have records). */
	const void *running;
	module *running_owner;	 /* F */
	Api running_api;	 /* F */
	bool long_reported;	 /* F: the watchdog reported this run */
	u64 running_since_ns;	 /* F */
	const void *running_task; /* F: the worker calling it */
	/* The driver whose routine this dispatcher is calling, or nullptr:
	 * written and read only by the dispatcher's own worker (runs.h). */
	DriverBlock *running_driver;
};

} /* namespace */

/* Field legend: I: set at load; F: lock. */
struct alignas(64) EngineFifo {
	SpinLock lock;		/* guards the F fields here and in the dispatchers */
	LIST_ENTRY head;	/* F: head.Flink is the first entry; &head ends the FIFO */
	PLIST_ENTRY tail;	/* F: the last entry, or &head */
	u32 kicked;		/* F: dispatchers queued that have not taken an item yet */
	Dispatcher *idle;	/* F: dispatchers neither queued nor running */
	u32 index;		/* I: QueueIndex */
	int cpu;		/* I: the CPU it serves; -1 for an unbound queue type */
	Dispatcher *slots;	/* I */
	u32 nslots;		/* I */
};

namespace {

constexpr u32 kBuckets = 256; /* power of two */

struct alignas(64) Bucket {
	LeafLock lock;	/* inside a FIFO lock only */
	Dispatcher *chain; /* the dispatchers running an item of this bucket */
};

/* Read by every queue call: written at load only. */
struct alignas(64) Layout {
	EngineFifo *fifos = nullptr; /* I: [cpu * kQueueCount + index]; unbound ones at cpu 0 */
	u32 cpus = 0;		      /* I */
	Bucket *buckets = nullptr;    /* I: kBuckets */
};

Layout g_engine;
LockClass g_fifo_class;
LockClass g_bucket_class;
LockClass g_dispatch_work_class; /* lockdep class of the dispatchers' work_structs */
/* Tests only: called by a dispatcher with the address of its FIFO's first item. */
void (*g_dispatch_hook)(const void *item);
/* Tests only: called with an executive routine right after its module pin is dropped. */
void (*g_unpin_hook)(const void *routine);

EngineFifo *FifoAt(u32 cpu, u32 index)
{
	return &g_engine.fifos[cpu * kQueueCount + index];
}

/* Calls @fn with each FIFO that has dispatchers until it returns true; true if it did. */
template <class Fn> bool AnyFifo(Fn fn)
{
	for (u32 i = 0; g_engine.fifos && i < g_engine.cpus * kQueueCount; i++)
		if (g_engine.fifos[i].slots && fn(&g_engine.fifos[i]))
			return true;
	return false;
}

/*
 * Interrupts off, then the FIFO of @index a queue call of this CPU uses
 * (the one FIFO of an unbound type) locked: one call into the bridge.
 */
EngineFifo *LockLocalFifo(u32 index, unsigned long *flags)
{
	static_assert(__builtin_offsetof(EngineFifo, lock) == 0, "the lock comes first");
	return static_cast<EngineFifo *>(ntwq_spin_lock_irqsave_local(
		FifoAt(0, index), Queues::Bound(index) ? kQueueCount * sizeof(EngineFifo) : 0,
		flags));
}

Bucket *BucketOf(const void *entry)
{
	uintptr a = reinterpret_cast<uintptr>(entry);

	/* Executive items are 32 bytes, Io items larger: drop the low bits. */
	return &g_engine.buckets[((a >> 5) ^ (a >> 13)) & (kBuckets - 1)];
}

Dispatcher *BusyWithLocked(Bucket *b, PLIST_ENTRY entry)
{
	for (Dispatcher *d = b->chain; d; d = d->next_busy)
		if (d->item == entry)
			return d;
	return nullptr;
}

void SetBusyLocked(Bucket *b, Dispatcher *d, PLIST_ENTRY entry)
{
	d->item = entry;
	d->next_busy = b->chain;
	b->chain = d;
}

void ClearBusyLocked(Bucket *b, Dispatcher *d)
{
	Dispatcher **link = &b->chain;

	while (*link != d)
		link = &(*link)->next_busy;
	*link = d->next_busy;
	d->item = nullptr;
}

bool IsIo(PLIST_ENTRY blink)
{
	return (reinterpret_cast<uintptr>(blink) & kEntryTagMask) == kIoEntryTag;
}

WorkItem *IoOf(PLIST_ENTRY entry)
{
	return NTWQ_CONTAINER_OF(entry, WorkItem, link);
}

module *BlinkOwner(PLIST_ENTRY blink)
{
	return reinterpret_cast<module *>(reinterpret_cast<uintptr>(blink) & ~kEntryTagMask);
}

Api BlinkApi(PLIST_ENTRY blink)
{
	return Families::FromTag(static_cast<u32>(reinterpret_cast<uintptr>(blink) & kEntryTagMask));
}

/* Links @entry at the FIFO's tail; lock held. */
void LinkLocked(EngineFifo *f, PLIST_ENTRY entry)
{
	entry->Flink = &f->head;
	f->tail->Flink = entry;
	f->tail = entry;
}

/* Unlinks @entry if it is in the FIFO (a retire's cancel: a scan); lock held. */
bool UnlinkLocked(EngineFifo *f, PLIST_ENTRY entry)
{
	for (PLIST_ENTRY prev = &f->head; prev->Flink != &f->head; prev = prev->Flink) {
		if (prev->Flink != entry)
			continue;
		prev->Flink = entry->Flink;
		if (f->tail == entry)
			f->tail = prev;
		return true;
	}
	return false;
}

/* An idle dispatcher to start, if none is on its way; lock held. */
Dispatcher *KickLocked(EngineFifo *f)
{
	if (f->kicked || !f->idle)
		return nullptr;
	Dispatcher *d = f->idle;
	f->idle = d->next_idle;
	f->kicked++;
	return d;
}

void Start(EngineFifo *f, Dispatcher *d)
{
	if (!d)
		return;
	if (f->cpu >= 0)
		ntwq_queue_work_on(f->cpu, Queues::Get(f->index), d->work.Get());
	else
		ntwq_queue_work(Queues::Get(f->index), d->work.Get());
}

/* What one run needs, copied out of the item at its take. */
struct Run {
	PLIST_ENTRY entry; /* the item's address: named by trace events, never read */
	const void *routine;
	void *context;
	Api api;
	u32 queue;
	WorkPin pin;
	/* Io items: */
	bool io;
	bool ex;		/* IO_WORKITEM_ROUTINE_EX */
	bool listed;		/* verifier mode: `running` is in the registry */
	ObjectHeader *object;
	u64 queued_at, taken_at;
	ItemRecord running;
	/* Executive items: */
	module *owner;
};

/*
 * Copies what the run of @entry needs and gives the item back to its
 * owner (from now on it may be re-queued or freed, even by its own
 * routine).  The FIFO's and the bucket's locks are held.
 */
void LoadLocked(EngineFifo *f, PLIST_ENTRY entry, Run *run)
{
	run->entry = entry;
	if (IsIo(entry->Blink)) {
		WorkItem *item = IoOf(entry);

		run->io = true;
		run->routine = item->routine;
		run->context = item->context;
		run->ex = item->ex;
		run->api = item->api;
		run->queue = item->queue;
		run->object = item->object;
		run->queued_at = item->queued_at;
		run->taken_at = CyclesNow();
		run->pin = Move(item->pin);
		run->listed = item->record.listed;
		if (run->listed) {
			run->running = item->record;
			run->running.running = true;
			run->running.since_ns = ntwq_ktime_get_coarse_ns();
			run->running.task = ntwq_current_task();
			run->running.reported = false;
			Registry::Replace(&item->record, &run->running);
		}
		WorkState from = WorkState::Queued;
		item->Transition(WorkEvent::Dispatch, from, "dispatch", run->routine);
		return;
	}
	auto *item = reinterpret_cast<PWORK_QUEUE_ITEM>(entry);
	run->io = false;
	run->listed = false;
	run->routine = reinterpret_cast<const void *>(item->WorkerRoutine);
	run->context = item->Parameter;
	run->owner = BlinkOwner(entry->Blink);
	run->api = BlinkApi(entry->Blink);
	run->queue = f->index;
	run->pin = WorkPin::FromRaw(run->owner); /* moved out of List.Blink */
	/* Dequeued: the item is its owner's again. */
	__atomic_store_n(&entry->Flink, nullptr, __ATOMIC_RELEASE);
}

/*
 * The next item @d runs, or false: a pass handed over to @d first, else
 * the FIFO's head, unless another dispatcher is running that item: then
 * it is handed over to that one, which runs it when its routine returns.
 * The FIFO's lock is held.
 */
bool TakeLocked(EngineFifo *f, Dispatcher *d, Run *run)
{
	if (d->item) {
		Bucket *b = BucketOf(d->item);
		LeafGuard guard(b->lock);

		if (PLIST_ENTRY entry = d->handoff) {
			d->handoff = nullptr;
			LoadLocked(f, entry, run); /* still d->item */
			return true;
		}
		ClearBusyLocked(b, d);
	}
	while (f->head.Flink != &f->head) {
		PLIST_ENTRY entry = f->head.Flink;
		Bucket *b = BucketOf(entry);

		f->head.Flink = entry->Flink;
		if (f->tail == entry)
			f->tail = &f->head;
		LeafGuard guard(b->lock);
		if (Dispatcher *runner = BusyWithLocked(b, entry)) {
			runner->handoff = entry;
			continue;
		}
		SetBusyLocked(b, d, entry);
		LoadLocked(f, entry, run);
		return true;
	}
	return false;
}

/* How the trace events name an Io run: the handle its driver holds, its routine. */
const void *TraceItem(const Run &run)
{
	return run.io && run.api == Api::Wdf ? KmdfHandle(IoOf(run.entry)) : run.entry;
}

const void *TraceRoutine(const Run &run)
{
	return run.io && run.api == Api::Wdf ? KmdfCallback(IoOf(run.entry)) : run.routine;
}

/*
 * Runs an Io item's routine; the item is read only if it is a KMDF item
 * (pinned).  Releases the run's pin but for the driver's work count, and
 * returns that driver: the caller drops the count with interrupts off.
 */
DriverBlock *RunIo(Dispatcher *d, Run &run)
{
	if (run.listed)
		Verifier::Watch();
	Stats::Started(run.api, run.queue, CyclesSince(run.queued_at, run.taken_at));
	if (trace::StartOn())
		ntwq_trace_execute_start(TraceItem(run), TraceRoutine(run), trace::Family(run.api));

	int preempt = ntwq_preempt_count();
	void *body = run.object->Body();
	auto *handle = reinterpret_cast<PIO_WORKITEM>(IoOf(run.entry));

	d->running_driver = run.pin.Driver(); /* NtwqDeleteDriver from the routine is refused */
	/* A shim's item: its family adapts the call (queueing checked IoCall). */
	if (__builtin_expect(IsShim(run.api), 0))
		Families::IoCall(run.api)(const_cast<void *>(run.routine), body, run.context,
					  handle);
	else if (run.ex)
		reinterpret_cast<PIO_WORKITEM_ROUTINE_EX>(const_cast<void *>(run.routine))(
			body, run.context, handle);
	else
		reinterpret_cast<PIO_WORKITEM_ROUTINE>(const_cast<void *>(run.routine))(
			static_cast<PDEVICE_OBJECT>(body), run.context);
	if (__builtin_expect(ntwq_context_changed(preempt), 0)) {
		Verifier::Report(NTWQ_DIAG_BAD_IRQL_RETURN, ApiName(run.api), run.routine,
				 run.pin.Driver()->Name(),
				 "routine returned with interrupts, bottom halves or preemption disabled; restored");
		ntwq_preempt_count_restore(preempt);
	}
	d->running_driver = nullptr;
	if (run.listed)
		Registry::Remove(&run.running);
	Stats::Completed(run.api, run.queue);
	if (trace::EndOn())
		ntwq_trace_execute_end(TraceItem(run), TraceRoutine(run), trace::Family(run.api));
	return run.pin.ReleaseKeepingCount(); /* the item may be freed here */
}

/* Runs an executive item's routine; its pin is released by the caller. */
void RunEx(Run &run)
{
	if (__builtin_expect(Verifier::On(), 0))
		Verifier::Watch();
	Stats::Started(run.api, run.queue, 0);
	/* The item is only an address now: its routine may free it. */
	if (trace::StartOn())
		ntwq_trace_execute_start(run.entry, run.routine, trace::Family(run.api));

	int preempt = ntwq_preempt_count();
	/* A shim's item: its family adapts the call (queueing checked ExCall). */
	if (__builtin_expect(IsShim(run.api), 0))
		Families::ExCall(run.api)(const_cast<void *>(run.routine), run.context,
					  reinterpret_cast<PWORK_QUEUE_ITEM>(run.entry));
	else
		reinterpret_cast<PWORKER_THREAD_ROUTINE>(const_cast<void *>(run.routine))(
			run.context);
	if (__builtin_expect(ntwq_context_changed(preempt), 0)) {
		Verifier::Report(NTWQ_DIAG_BAD_IRQL_RETURN,
				 IsShim(run.api) ? ApiName(run.api) : "ExQueueWorkItem", run.routine,
				 ntwq_module_name(run.owner),
				 "routine returned with interrupts, bottom halves or preemption disabled; restored");
		ntwq_preempt_count_restore(preempt);
	}
	Stats::Completed(run.api, run.queue);
	if (trace::EndOn())
		ntwq_trace_execute_end(run.entry, run.routine, trace::Family(run.api));
}

extern "C" void EngineDispatch(work_struct *work)
{
	auto *d = reinterpret_cast<Dispatcher *>(reinterpret_cast<char *>(work) -
						 __builtin_offsetof(Dispatcher, work));
	EngineFifo *f = d->fifo;

	if (auto hook = __atomic_load_n(&g_dispatch_hook, __ATOMIC_ACQUIRE))
		hook(__atomic_load_n(&f->head.Flink, __ATOMIC_RELAXED)); /* the address only */

	unsigned long flags = f->lock.LockIrqSave();
	f->kicked--;
	for (;;) {
		Run run;

		if (!TakeLocked(f, d, &run))
			break;
		Dispatcher *next = f->head.Flink != &f->head ? KickLocked(f) : nullptr;
		if (!run.io) {
			d->running = run.routine;
			d->running_owner = run.owner;
			d->running_api = run.api;
			/* A tick's precision is enough for `items` and the watchdog. */
			d->running_since_ns = ntwq_ktime_get_coarse_ns();
			d->running_task = ntwq_current_task();
			d->long_reported = false;
		}
		f->lock.UnlockIrqRestore(flags);

		Start(f, next);
		if (run.io) {
			DriverBlock *driver = RunIo(d, run);
			unsigned int *closed;

			/* Between runs, as a worker between work items: an item
			 * that keeps re-queueing itself must not keep the CPU. */
			ntwq_cond_resched();

			/* The FIFO lock's interrupts-off section is the RCU
			 * read-side section the count's put needs (count.c). */
			flags = f->lock.LockIrqSave();
			if (driver && driver->EndWorkIrqsOff(&closed))
				ntwq_count_wake(closed);
			continue;
		}
		RunEx(run);
		ntwq_cond_resched();
		/* debugfs `items` stops naming the module before its pin goes
		 * (module_put() is fine under a spinlock). */
		flags = f->lock.LockIrqSave();
		d->running = nullptr;
		d->running_owner = nullptr;
		run.pin.Release();
		if (auto hook = __atomic_load_n(&g_unpin_hook, __ATOMIC_ACQUIRE))
			hook(run.routine);
	}
	d->next_idle = f->idle;
	f->idle = d;
	f->lock.UnlockIrqRestore(flags);
}

void *ZeroAlloc(size_t size)
{
	void *p = ntwq_rt_alloc(size, NTWQ_GFP_KERNEL);

	if (p)
		__builtin_memset(p, 0, size);
	return p;
}

void FreeFifos()
{
	AnyFifo([](EngineFifo *f) {
		for (u32 s = 0; s < f->nslots; s++)
			ntwq_destroy_work(f->slots[s].work.Get());
		ntwq_rt_free(f->slots);
		f->slots = nullptr;
		return false;
	});
	ntwq_rt_free(g_engine.fifos);
	g_engine.fifos = nullptr;
	ntwq_rt_free(g_engine.buckets);
	g_engine.buckets = nullptr;
}

int InitFifo(EngineFifo *f, int cpu, u32 index, u32 nslots)
{
	f->lock.Init("ntwq_engine_fifo", g_fifo_class);
	f->head.Flink = f->head.Blink = &f->head;
	f->tail = &f->head;
	f->kicked = 0;
	f->idle = nullptr;
	f->index = index;
	f->cpu = cpu;
	f->nslots = nslots;
	f->slots = static_cast<Dispatcher *>(ZeroAlloc(sizeof(Dispatcher) * nslots));
	if (!f->slots)
		return -kENOMEM;
	for (u32 s = 0; s < nslots; s++) {
		Dispatcher *d = &f->slots[s];

		d->fifo = f;
		ntwq_init_work(d->work.Get(), EngineDispatch, g_dispatch_work_class.Key());
		d->next_idle = f->idle;
		f->idle = d;
	}
	return 0;
}

} /* namespace */

int Engine::Init() noexcept
{
	u32 cpus = ntwq_nr_cpu_ids();

	g_engine.cpus = cpus;
	g_engine.fifos =
		static_cast<EngineFifo *>(ZeroAlloc(sizeof(EngineFifo) * cpus * kQueueCount));
	g_engine.buckets = static_cast<Bucket *>(ZeroAlloc(sizeof(Bucket) * kBuckets));
	if (!g_engine.fifos || !g_engine.buckets) {
		FreeFifos();
		return -kENOMEM;
	}
	for (u32 b = 0; b < kBuckets; b++)
		g_engine.buckets[b].lock.Init("ntwq_engine_bucket", g_bucket_class);
	for (u32 i = 0; i < kQueueCount; i++) {
		bool bound = Queues::Bound(i);

		for (u32 cpu = 0; cpu < (bound ? cpus : 1); cpu++) {
			if (InitFifo(FifoAt(cpu, i), bound ? static_cast<int>(cpu) : -1, i,
				     bound ? kBoundDispatchers : kUnboundDispatchers)) {
				FreeFifos();
				return -kENOMEM;
			}
		}
	}
	return 0;
}

void Engine::Exit() noexcept
{
	FreeFifos();
}

void Engine::PushEx(PWORK_QUEUE_ITEM item, PLIST_ENTRY blink, u32 index, Api api) noexcept
{
	unsigned long flags;
	EngineFifo *f = LockLocalFifo(index, &flags);
	Dispatcher *d;

	/* The pin travels in List.Blink until a dispatcher takes the item. */
	item->List.Blink = blink;
	LinkLocked(f, &item->List);
	Stats::Queued(api, index);
	d = KickLocked(f);
	f->lock.UnlockIrqRestore(flags);
	Start(f, d);
}

Engine::Pushed Engine::PushIo(WorkItem *item, unsigned int queue_type) noexcept
{
	unsigned long flags;
	EngineFifo *f = LockLocalFifo(item->queue, &flags);
	DriverBlock *driver = item->driver;
	Dispatcher *d = nullptr;
	WorkState from = WorkState::Claimed;
	Pushed pushed = Pushed::DriverClosed;

	/*
	 * Interrupts off: an RCU read-side section, so the closed flag's
	 * check and the count are one step for NtwqDeleteDriver's grace
	 * period (bridge/count.c).  Under the FIFO lock nobody can take the
	 * item before it is counted.
	 */
	if (__builtin_expect(driver->priv.work_closed.Load(), 0))
		goto out;
	__atomic_store_n(&item->fifo, f, __ATOMIC_RELAXED);
	item->link.Blink = reinterpret_cast<PLIST_ENTRY>(kIoEntryTag);
	/* A retire may have moved Claimed to Retired: then nothing is linked. */
	pushed = item->state.CompareExchange(from, WorkState::Queued) ? Pushed::Queued
								      : Pushed::Retired;
	if (pushed == Pushed::Queued) {
		PerCpuInc(driver->priv.work_count, 0);
		item->pin.Counted(driver);
		/* Counted and traced before any dispatcher can take it. */
		Stats::Queued(item->api, item->queue);
		if (trace::QueueOn()) {
			bool kmdf = item->api == Api::Wdf;
			ntwq_trace_queue(kmdf ? KmdfHandle(item) : item,
					 kmdf ? KmdfCallback(item) : item->routine,
					 trace::Family(item->api), queue_type,
					 Queues::Name(item->queue), item->driver->Name());
		}
		LinkLocked(f, &item->link);
		d = KickLocked(f);
	}
out:
	f->lock.UnlockIrqRestore(flags);
	Start(f, d);
	return pushed;
}

bool Engine::CancelQueued(WorkItem *item) noexcept
{
	EngineFifo *f = __atomic_load_n(&item->fifo, __ATOMIC_RELAXED);

	if (!f)
		return false;
	unsigned long flags = f->lock.LockIrqSave();
	Bucket *b = BucketOf(&item->link);
	bool cancelled = false;

	b->lock.Lock();
	WorkState from = WorkState::Queued;
	/* Queued here: in this FIFO, or handed over to the dispatcher running it. */
	if (__atomic_load_n(&item->fifo, __ATOMIC_RELAXED) == f &&
	    item->state.CompareExchange(from, WorkState::Retired)) {
		cancelled = true;
		if (!UnlinkLocked(f, &item->link)) {
			for (Dispatcher *d = b->chain; d; d = d->next_busy) {
				if (d->handoff == &item->link) {
					d->handoff = nullptr;
					break;
				}
			}
		}
	}
	b->lock.Unlock();
	f->lock.UnlockIrqRestore(flags);
	return cancelled;
}

bool Engine::CallerRuns(const DriverBlock *driver) noexcept
{
	work_struct *work = ntwq_current_work_of(EngineDispatch);

	if (!work)
		return false;
	auto *d = reinterpret_cast<Dispatcher *>(reinterpret_cast<char *>(work) -
						 __builtin_offsetof(Dispatcher, work));
	return d->running_driver == driver;
}

bool Engine::TakeLongRunning(u64 now_ns, u64 threshold_ns, LongRun *out) noexcept
{
	return AnyFifo([&](EngineFifo *f) {
		SpinGuard<IrqSave> guard(f->lock);
		for (u32 s = 0; s < f->nslots; s++) {
			Dispatcher *d = &f->slots[s];

			if (!d->running || d->long_reported || d->running_since_ns > now_ns ||
			    now_ns - d->running_since_ns < threshold_ns)
				continue;
			d->long_reported = true;
			out->api = ApiName(d->running_api);
			out->routine = d->running;
			out->SetDriver(ntwq_module_name(d->running_owner));
			out->ran_ns = now_ns - d->running_since_ns;
			/* Running (cleared under this lock at return): its worker is alive. */
			out->frames = ntwq_task_stack(d->running_task, out->stack, kLongRunFrames);
			return true;
		}
		return false;
	});
}

namespace {

/* One line of debugfs `items` for a queued executive item (lock held). */
void ShowQueued(seq_file *seq, u32 index, PLIST_ENTRY e)
{
	if (IsIo(e->Blink))
		return; /* Io items are shown from their records (verifier mode) */
	auto *item = reinterpret_cast<PWORK_QUEUE_ITEM>(e);

	ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12s %ps\n", ApiName(BlinkApi(e->Blink)),
			"queued", Queues::Name(index), ntwq_module_name(BlinkOwner(e->Blink)), "-",
			reinterpret_cast<void *>(item->WorkerRoutine));
}

} /* namespace */

void Engine::Show(seq_file *seq, u64 now_ns) noexcept
{
	AnyFifo([&](EngineFifo *f) {
		SpinGuard<IrqSave> guard(f->lock);
		for (u32 s = 0; s < f->nslots; s++) {
			Dispatcher *d = &f->slots[s];

			if (d->running)
				ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12llu %ps\n",
						ApiName(d->running_api), "running",
						Queues::Name(f->index),
						ntwq_module_name(d->running_owner),
						(now_ns - d->running_since_ns) / 1000, d->running);
			/* Its handoff, under the lock of the bucket of the item it runs. */
			if (PLIST_ENTRY item = __atomic_load_n(&d->item, __ATOMIC_RELAXED)) {
				LeafGuard bucket(BucketOf(item)->lock);
				if (d->item == item && d->handoff)
					ShowQueued(seq, f->index, d->handoff);
			}
		}
		for (PLIST_ENTRY e = f->head.Flink; e != &f->head; e = e->Flink)
			ShowQueued(seq, f->index, e);
		return false;
	});
}

} /* namespace ntwq */

extern "C" void ntwq_set_dispatch_hook(void (*hook)(const void *item))
{
	__atomic_store_n(&ntwq::g_dispatch_hook, hook, __ATOMIC_RELEASE);
}

extern "C" void ntwq_set_ex_unpin_hook(void (*hook)(const void *routine))
{
	__atomic_store_n(&ntwq::g_unpin_hook, hook, __ATOMIC_RELEASE);
}

extern "C" bool ntwq_ex_names_routine(const void *routine)
{
	return ntwq::AnyFifo([&](ntwq::EngineFifo *f) {
		for (ntwq::u32 j = 0; j < f->nslots; j++)
			if (__atomic_load_n(&f->slots[j].running, __ATOMIC_RELAXED) == routine)
				return true;
		return false;
	});
}
