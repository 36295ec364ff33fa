// SPDX-License-Identifier: GPL-2.0
/*
 * work.cpp - the work-item state machine, the pin ticket, dispatch, graves.
 */
#include "work.h"

#include "bridge/bridge.h"
#include "family.h"
#include "lib/clock.h"
#include "lib/percpu.h"
#include "lib/runtime.h"
#include "lib/spinlock.h"
#include "queues.h"
#include "internal.h"
#include "runs.h"
#include "trace.h"
#include "verifier.h"

namespace ntwq {
namespace {

LockClass g_work_class; /* lockdep class of every Io/WDF work_struct */
Atomic<long> g_tracked;  /* A: Io items on their drivers' io_items lists */

/* ---- graves: caller storage retired while a worker holds its address ---- */

constexpr u32 kGraves = 64;

struct GraveYard {
	SpinLock lock;
	const void *graves[kGraves]; /* L: work addresses the dispatcher must not read */
};

/* Read by every dispatch; written rarely: one read-mostly line. */
struct alignas(64) DispatchGate {
	Atomic<u32> graves;              /* A: graves in the yard */
	DispatchHook hook = nullptr;     /* A: tests only: see SetDispatchHook() */
	void *hazards = nullptr;         /* I: per-CPU u64: the work a dispatcher is reading */
};

DispatchGate g_gate;
GraveYard g_yard;
LockClass g_yard_class;

bool TakeGrave(const void *work)
{
	SpinGuard<IrqSave> guard(g_yard.lock);
	for (u32 i = 0; i < kGraves; i++) {
		if (g_yard.graves[i] == work) {
			g_yard.graves[i] = nullptr;
			g_gate.graves.Dec();
			return true;
		}
	}
	return false;
}

bool Buried(const void *work)
{
	if (!g_gate.graves.Load())
		return false;
	SpinGuard<IrqSave> guard(g_yard.lock);
	for (u32 i = 0; i < kGraves; i++)
		if (g_yard.graves[i] == work)
			return true;
	return false;
}

/*
 * Makes sure no dispatcher reads @item after the caller frees it: either
 * the dispatcher that holds its address has let go already (Abandoned), or
 * it will find the grave before it reads anything.
 */
void Bury(WorkItem *item, const char *api)
{
	const void *work = item->work.Get();
	bool buried = false;
	{
		SpinGuard<IrqSave> guard(g_yard.lock);
		for (u32 i = 0; i < kGraves && !buried; i++) {
			if (!g_yard.graves[i]) {
				g_yard.graves[i] = work;
				g_gate.graves.Inc();
				buried = true;
			}
		}
	}
	if (!buried) {
		Verifier::Report(NTWQ_DIAG_FREE_QUEUED, api, nullptr, item->driver->Name(),
				 "too many items retired while a worker held them; storage must not be freed yet");
		return;
	}
	/* Pairs with the barrier after a dispatcher publishes its hazard. */
	FullBarrier();
	while (ntwq_percpu_any_equals(g_gate.hazards, 0, reinterpret_cast<uintptr>(work)))
		CpuRelax();
	if (item->state.LoadAcquire() == WorkState::Abandoned)
		TakeGrave(work); /* that dispatcher has come and gone */
}

/* ---- trace events (trace.h) ---- */

/* How the trace events name a run: the handle its driver holds, its routine. */
struct TraceName {
	const void *item;
	const void *routine;
};

/*
 * @item is read only if it is a KMDF item, which the run's pin keeps: an
 * Io item's routine may have freed it.  @routine: what the item runs.
 */
TraceName TraceNameOf(WorkItem *item, Api api, const void *routine)
{
	if (api == Api::Wdf)
		return { KmdfHandle(item), KmdfCallback(item) };
	return { item, routine };
}

/* The quarantine's release of a freed tracked item's IoObject reference. */
void DereferenceObject(void *object)
{
	static_cast<ObjectHeader *>(object)->Dereference();
}

/* ---- dispatch ---- */

/*
 * The start of a take, by a worker or by a queuer whose queue_work() was
 * refused: with the item's address published as this CPU's hazard, either
 * finds the item retired and lets go of it without running it (false:
 * hazard cleared, interrupts restored), or moves it to Dispatching (true:
 * interrupts stay off in *@flags and the hazard stays published until the
 * caller has copied what it needs).
 */
bool BeginTake(WorkItem *item, unsigned long *flags)
{
	void *work = item->work.Get(); /* the address only: nothing is read */

	/* Hazard window: interrupts off, so no retire on this CPU can wait on us. */
	*flags = ntwq_local_irq_save();
	PerCpuWrite(g_gate.hazards, 0, reinterpret_cast<uintptr>(work));
	FullBarrier();
	if (__builtin_expect(g_gate.graves.Load() != 0, 0) && TakeGrave(work)) {
		PerCpuWrite(g_gate.hazards, 0, 0);
		ntwq_local_irq_restore(*flags);
		return false; /* retired in the caller's storage: never read it */
	}

	WorkState from = WorkState::Queued;
	if (!item->Transition(WorkEvent::Dispatch, from, "dispatch", nullptr) ||
	    from == WorkState::Retired) {
		/* Retired while we held it: let go; allocated memory goes with the pin. */
		WorkPin pin;
		if (from == WorkState::Retired && item->storage != WorkStorage::Caller) {
			pin = Move(item->pin);
			if (item->record.listed)
				Registry::Remove(&item->record);
			Stats::Cancelled(item->api, item->queue);
		}
		PerCpuWrite(g_gate.hazards, 0, 0);
		ntwq_local_irq_restore(*flags);
		return false;
	}
	return true;
}

/*
 * queue_work() found the work pending although the item was ours to queue:
 * only a retire's cancel_work() sets PENDING on an item not queued (it
 * grabs the bit, then clears it), so the item was freed or uninitialized
 * after it was published, and no worker will come for it.  The queuer lets
 * go of it as that worker would have, under the same hazard protocol (the
 * retire may be burying it, and its storage may be freed once it returns).
 */
void LetGoRefused(WorkItem *item)
{
	unsigned long flags;

	if (!BeginTake(item, &flags))
		return; /* the usual case: retired; let go like a worker */
	/* Never: queued and not retired, yet pending.  Do not lose the pin. */
	WorkPin pin = Move(item->pin);
	const void *routine = item->routine;
	const char *api = ApiName(item->api);
	const char *driver = item->driver->Name();
	WorkState from = WorkState::Dispatching;
	item->Transition(WorkEvent::Dispatched, from, "queue", routine);
	PerCpuWrite(g_gate.hazards, 0, 0);
	ntwq_local_irq_restore(flags);
	Verifier::Report(NTWQ_DIAG_FREE_QUEUED, api, routine, driver,
			 "the workqueue refused the item; not queued");
}

extern "C" void WorkDispatch(work_struct *work)
{
	auto *item = reinterpret_cast<WorkItem *>(reinterpret_cast<char *>(work) -
						  __builtin_offsetof(WorkItem, work));
	DispatchHook hook = __atomic_load_n(&g_gate.hook, __ATOMIC_ACQUIRE);
	unsigned long flags;

	if (__builtin_expect(hook != nullptr, 0))
		hook(item); /* the address only: nothing is read */
	if (!BeginTake(item, &flags))
		return;
	WorkState from;

	const void *routine = item->routine;
	void *context = item->context;
	bool ex = item->ex;
	Api api = item->api;
	u32 queue = item->queue;
	u64 queued_at = item->queued_at;
	ObjectHeader *object = item->object;
	WorkPin pin = Move(item->pin);
	ItemRecord running;
	bool listed = item->record.listed;
	u64 now = CyclesNow();

	if (listed) {
		running = item->record;
		running.running = true;
		running.since_ns = ntwq_ktime_get_ns();
		running.task = ntwq_current_task();
		running.reported = false;
		Registry::Replace(&item->record, &running);
		Verifier::Watch();
	}
	from = WorkState::Dispatching;
	item->Transition(WorkEvent::Dispatched, from, "dispatch", routine);
	/* From here on the item is its owner's: touch only what we copied. */
	PerCpuWrite(g_gate.hazards, 0, 0);
	ntwq_local_irq_restore(flags);

	Stats::Started(api, queue, CyclesSince(queued_at, now));
	if (trace::StartOn()) {
		TraceName t = TraceNameOf(item, api, routine);
		ntwq_trace_execute_start(t.item, t.routine, trace::Family(api));
	}
	int preempt = ntwq_preempt_count();
	void *body = object->Body();
	RunMark mark(pin.Driver()); /* NtwqDeleteDriver from the routine is refused */

	/* A shim's item: its family adapts the call (queueing checked IoCall). */
	if (__builtin_expect(IsShim(api), 0))
		Families::IoCall(api)(const_cast<void *>(routine), body, context,
				      reinterpret_cast<PIO_WORKITEM>(item));
	else if (ex)
		reinterpret_cast<PIO_WORKITEM_ROUTINE_EX>(const_cast<void *>(routine))(
			body, context, reinterpret_cast<PIO_WORKITEM>(item));
	else
		reinterpret_cast<PIO_WORKITEM_ROUTINE>(const_cast<void *>(routine))(
			static_cast<PDEVICE_OBJECT>(body), context);
	if (__builtin_expect(ntwq_context_changed(preempt), 0)) {
		Verifier::Report(NTWQ_DIAG_BAD_IRQL_RETURN, ApiName(api), routine,
				 pin.Driver()->Name(),
				 "routine returned with interrupts, bottom halves or preemption disabled; restored");
		ntwq_preempt_count_restore(preempt);
	}
	if (listed)
		Registry::Remove(&running);
	Stats::Completed(api, queue);
	if (trace::EndOn()) {
		TraceName t = TraceNameOf(item, api, routine);
		ntwq_trace_execute_end(t.item, t.routine, trace::Family(api));
	}
	/* pin's destructor releases it: the item may be freed there. */
}

} /* namespace */

/* ---- WorkPin ---- */

WorkPin WorkPin::OfModule(module *owner) noexcept
{
	WorkPin pin;

	if (owner && ntwq_module_try_get(owner))
		pin.module_ = owner;
	return pin;
}

module *WorkPin::IntoRaw() noexcept
{
	module *owner = module_;

	module_ = nullptr;
	return owner;
}

WorkPin WorkPin::FromRaw(module *owner) noexcept
{
	WorkPin pin;

	pin.module_ = owner;
	return pin;
}

void WorkPin::Drop() noexcept
{
	module *owner = module_;
	DriverBlock *driver = driver_;
	ObjectHeader *object = object_;
	WorkItem *memory = memory_;

	Forget();
	if (object)
		object->Dereference();
	if (memory)
		memory->PutMemory();
	/* The module goes before the driver's count: once that count lets
	 * NtwqDeleteDriver return, the module may be freed. */
	if (owner)
		ntwq_module_put(owner);
	if (driver)
		driver->EndWork();
}

/* ---- WorkItem ---- */

bool WorkItem::TransitionSlow(WorkEvent event, WorkState &from, const char *api_name,
			      const void *shown, bool quiet, const void *site) noexcept
{
	for (;;) {
		const transition::Rule &rule = transition::At(event, from);

		switch (rule.verdict) {
		case transition::Verdict::Move:
			if (state.CompareExchange(from, rule.next))
				return true;
			break; /* from now holds what another CPU left: decide again */
		case transition::Verdict::Wait:
			CpuRelax();
			from = state.LoadAcquire();
			break;
		case transition::Verdict::Illegal:
			if (!quiet || rule.diag != NTWQ_DIAG_QUEUE_QUEUED)
				Verifier::Report(rule.diag, api_name, shown,
						 driver ? driver->Name() : nullptr, rule.what, site);
			return false;
		}
	}
}

void WorkItem::ReportBadHandle(const void *handle, const char *api_name,
			       const void *site) noexcept
{
	/* A freed item still in quarantine: it is ntwq's memory, safe to name. */
	site = Verifier::Site(site);
	if (Verifier::ReportIfQuarantined(handle, api_name, site))
		return;
	Verifier::Report(NTWQ_DIAG_INVALID_ITEM, api_name, nullptr, nullptr,
			 handle ? "not a live work item" : "NULL work item", site);
}

WorkItem *WorkItem::Allocate(ObjectHeader *io_object, Api family, const char *api_name,
			     const void *site) noexcept
{
	/* Callable at DISPATCH_LEVEL, as in Windows. */
	Gfp gfp = KeGetCurrentIrql() == PASSIVE_LEVEL ? Gfp::Kernel : Gfp::Atomic;
	auto *item = static_cast<WorkItem *>(
		ntwq_rt_alloc(sizeof(WorkItem), static_cast<unsigned int>(gfp)));

	if (!item)
		return nullptr;
	item->Init(io_object, WorkStorage::Allocated, family, api_name);
	if (__builtin_expect(Verifier::On(), 0)) {
		DriverPriv &p = item->driver->priv;

		item->tracked = true;
		item->alloc_site = site;
		SpinGuard<IrqSave> guard(p.lock);
		p.io_items.InsertTail(&item->tracked_link);
		g_tracked.Inc();
	}
	return item;
}

void WorkItem::Free(const char *api_name, const void *site) noexcept
{
	if (tracked) {
		/*
		 * NtwqDeleteDriver's reclaim may be freeing this item right now:
		 * whichever of us unlinks it under the driver's lock retires it
		 * there, and the other finds it dead (in the quarantine).
		 */
		bool retired = false, dead = false;
		{
			SpinGuard<IrqSave> guard(driver->priv.lock);
			if (magic.LoadAcquire() != kWorkItemMagic) {
				dead = true;
			} else {
				if (!tracked_link.Empty()) {
					tracked_link.Remove();
					g_tracked.Dec();
				}
				retired = Retire(api_name);
			}
		}
		if (dead)
			ReportBadHandle(this, api_name, site);
		if (!retired)
			return;
	} else if (!Retire(api_name)) {
		return;
	}
	PutMemory(); /* the owner's reference */
}

void ReclaimDriverItems(DriverBlock *driver) noexcept
{
	for (;;) {
		WorkItem *item = nullptr;
		bool retired = false;
		{
			/* Unlinked and retired under the lock a late free takes (Free). */
			SpinGuard<IrqSave> guard(driver->priv.lock);
			ListNode *head = &driver->priv.io_items;
			if (!head->Empty()) {
				item = NTWQ_CONTAINER_OF(head->next, WorkItem, tracked_link);
				item->tracked_link.Remove();
				g_tracked.Dec();
				/* Drained: the item is idle; its last routine names it. */
				Verifier::Report(NTWQ_DIAG_ITEMS_LEFT, "NtwqDeleteDriver", item->routine,
						 driver->Name(),
						 "work item from IoAllocateWorkItem (at the call site) not freed by the driver; freed now",
						 item->alloc_site);
				retired = item->Retire("NtwqDeleteDriver");
			}
		}
		if (!item)
			return;
		if (retired)
			item->PutMemory(); /* the owner's reference */
	}
}

long TrackedItems() noexcept
{
	return g_tracked.Load();
}

bool WorkItem::Init(ObjectHeader *io_object, WorkStorage kind, Api family,
		    const char *api_name) noexcept
{
	/* A worker still holds this storage's old item (and will skip it). */
	if (kind == WorkStorage::Caller && Buried(work.Get())) {
		Verifier::Report(NTWQ_DIAG_FREE_QUEUED, api_name, nullptr, DriverOf(io_object)->Name(),
				 "storage of an item a worker still holds; not initialized");
		return false;
	}
	/*
	 * The storage may hold a live item.  One ntwq allocated is not the
	 * caller's to initialise; a queued one is never re-initialised; an
	 * idle one of caller storage is retired here (no queuer can claim it
	 * meanwhile) and its IoObject reference dropped below: in Windows
	 * the reference is taken per queueing, so initialising twice is
	 * harmless there, and must not leak here.
	 */
	ObjectHeader *old_object = nullptr;
	if (kind == WorkStorage::Caller && magic.LoadAcquire() == kWorkItemMagic) {
		if (storage != WorkStorage::Caller) {
			Verifier::Report(NTWQ_DIAG_INVALID_ITEM, api_name, nullptr, driver->Name(),
					 "item from IoAllocateWorkItem (use IoFreeWorkItem); not initialized");
			return false;
		}
		WorkState from = state.LoadAcquire();
		if (!Transition(WorkEvent::Reinit, from, api_name, routine))
			return false;
		magic.StoreRelease(kWorkItemDead);
		ntwq_destroy_work(work.Get());
		old_object = object;
	}
	api = family;
	storage = kind;
	refs.Store(1);
	state.Store(WorkState::Idle);
	io_object->Reference();
	object = io_object;
	driver = DriverOf(io_object);
	routine = nullptr;
	queue = kQueueCount; /* never queued */
	new (&pin) WorkPin();
	record.node.Init();
	record.listed = false;
	record.api = family;
	record.driver = driver->Name();
	tracked = false;
	alloc_site = nullptr;
	tracked_link.Init();
	ntwq_init_work(work.Get(), WorkDispatch, g_work_class.Key());
	magic.StoreRelease(kWorkItemMagic);
	if (old_object)
		old_object->Dereference(); /* after the new reference: it may be the same */
	return true;
}

bool WorkItem::Queue(const char *api_name, const void *worker_routine, bool is_ex,
		     unsigned int queue_type, void *ctx, const void *shown, bool coalesce,
		     const void *site) noexcept
{
	/* The one test of the verifier switch on the queue path. */
	if (__builtin_expect(Verifier::On(), 0))
		return QueueImpl<true>(api_name, worker_routine, is_ex, queue_type, ctx, shown,
				       coalesce, site);
	return QueueImpl<false>(api_name, worker_routine, is_ex, queue_type, ctx, shown, coalesce,
				nullptr);
}

template <bool kVerify>
bool WorkItem::QueueImpl(const char *api_name, const void *worker_routine, bool is_ex,
			 unsigned int queue_type, void *ctx, const void *shown, bool coalesce,
			 const void *site) noexcept
{
	int q = Queues::IndexOf(queue_type);
	const void *named = shown ? shown : worker_routine;

	if (kVerify)
		Verifier::CheckQueueIrql(api_name, named, driver->Name(), site);
	if (q < 0) {
		Verifier::Report(NTWQ_DIAG_INVALID_QUEUE_TYPE, api_name, worker_routine,
				 driver->Name(), "invalid WORK_QUEUE_TYPE; not queued", site);
		return false;
	}
	WorkPin ticket = WorkPin::TryBegin(driver, object,
					   storage == WorkStorage::Caller ? nullptr : this);
	if (!ticket) {
		Verifier::Report(NTWQ_DIAG_DRIVER_GONE, api_name, worker_routine, driver->Name(),
				 "driver already deleted; not queued", site);
		return false;
	}
	WorkState from = WorkState::Idle;
	if (!Transition(WorkEvent::Claim, from, api_name, named, coalesce, site))
		return false; /* the ticket goes back */

	/* Claimed: these fields are ours until published. */
	u32 index = static_cast<u32>(q);
	/*
	 * Linux keeps one work_struct off two CPUs only within one workqueue:
	 * moved to another while its last run is still executing, it could
	 * start beside it.  Claimed, the item cannot start until we queue it,
	 * so "not running" now stays true; if running, it runs again on the
	 * workqueue it runs on, after this run returns.
	 */
	if (__builtin_expect(index != queue, 0) && queue < kQueueCount &&
	    ntwq_work_running(work.Get()))
		index = queue;
	routine = worker_routine;
	context = ctx;
	ex = is_ex;
	queue = index;
	queued_at = CyclesNow();
	pin = Move(ticket);
	if (kVerify) {
		record.queue = queue;
		record.routine = named;
		record.running = false;
		record.since_ns = ntwq_ktime_get_ns();
		Registry::Add(&record);
	}
	from = WorkState::Claimed;
	if (!Transition(WorkEvent::Publish, from, api_name, named, false, site)) {
		/* Retired under us (a caller race): nothing was queued. */
		WorkPin back = Move(pin);
		if (record.listed)
			Registry::Remove(&record);
		return false;
	}
	Stats::Queued(api, queue);
	if (trace::QueueOn()) {
		TraceName t = TraceNameOf(this, api, worker_routine);
		ntwq_trace_queue(t.item, t.routine, trace::Family(api), queue_type,
				 Queues::Name(queue), driver->Name());
	}
	if (__builtin_expect(!ntwq_queue_work(Queues::Get(queue), work.Get()), 0))
		LetGoRefused(this);
	return true;
}


bool WorkItem::Retire(const char *api_name) noexcept
{
	WorkState from = state.LoadAcquire();
	const void *queued_routine = routine;

	if (!Transition(WorkEvent::Retire, from, api_name, nullptr))
		return false;
	magic.StoreRelease(kWorkItemDead);
	if (from == WorkState::Claimed) {
		Verifier::Report(NTWQ_DIAG_FREE_QUEUED, api_name, queued_routine, driver->Name(),
				 "work item freed while being queued; not queued");
		return true; /* the queuer drops its own pin */
	}
	if (from != WorkState::Queued)
		return true;

	bool cancelled = ntwq_cancel_work(work.Get());
	Verifier::Report(NTWQ_DIAG_FREE_QUEUED, api_name, queued_routine, driver->Name(),
			 cancelled ? "work item freed while queued; cancelled"
				   : "work item freed while queued; it will not run");
	if (!cancelled && storage != WorkStorage::Caller)
		return true; /* the worker that holds it lets go, and drops the pin */

	WorkPin ticket = Move(pin);
	if (record.listed)
		Registry::Remove(&record);
	Stats::Cancelled(api, queue);
	if (cancelled)
		return true;
	/*
	 * Caller storage that a worker (or a queuer whose queue_work() was
	 * refused) holds: at PASSIVE_LEVEL wait the moment until it has let
	 * go, so that nothing - not even the kernel's workqueue code between
	 * taking the work and calling ntwq, such as its execute_start
	 * tracepoint - reads the storage after we return.  Raised, we cannot
	 * wait: a grave keeps ntwq's dispatcher off the storage instead.
	 */
	if (KeGetCurrentIrql() == PASSIVE_LEVEL && ntwq_current_work() != work.Get()) {
		while (state.LoadAcquire() != WorkState::Abandoned)
			ntwq_msleep(1);
	} else {
		Bury(this, api_name);
	}
	return true;
}

void WorkItem::DestroyWork() noexcept
{
	if (!Buried(work.Get()))
		ntwq_destroy_work(work.Get());
}

void WorkItem::PutMemory() noexcept
{
	if (storage == WorkStorage::Kmdf) {
		KmdfPutMemory(this);
	} else if (refs.Dec() == 0) {
		ObjectHeader *io_object = object;

		ntwq_destroy_work(work.Get());
		if (tracked) {
			/* Poisoned, freed later; its IoObject reference goes with it. */
			Verifier::Quarantine(this, sizeof(*this), routine, driver->Name(),
					     DereferenceObject, io_object);
			return;
		}
		ntwq_rt_free(this);
		io_object->Dereference();
	}
}

int WorkInit() noexcept
{
	g_yard.lock.Init("ntwq_graves", g_yard_class);
	g_gate.hazards = ntwq_alloc_percpu_u64(1);
	return g_gate.hazards ? 0 : -kENOMEM;
}

void WorkExit() noexcept
{
	ntwq_free_percpu(g_gate.hazards);
	g_gate.hazards = nullptr;
}

} /* namespace ntwq */

extern "C" void ntwq_set_dispatch_hook(void (*hook)(const void *item))
{
	__atomic_store_n(&ntwq::g_gate.hook, hook, __ATOMIC_RELEASE);
}

extern "C" unsigned int ntwq_graves(void)
{
	return ntwq::g_gate.graves.Load();
}

extern "C" long ntwq_verifier_tracked_items(void)
{
	return ntwq::TrackedItems();
}
