// SPDX-License-Identifier: GPL-2.0
/*
 * work.cpp - the work-item state machine and the pin ticket.
 */
#include "work.h"

#include "bridge/bridge.h"
#include "engine.h"
#include "family.h"
#include "lib/clock.h"
#include "lib/runtime.h"
#include "lib/spinlock.h"
#include "queues.h"
#include "internal.h"
#include "trace.h"
#include "verifier.h"

namespace ntwq {
namespace {

Atomic<long> g_tracked;  /* A: Io items on their drivers' io_items lists */

/* The quarantine's release of a freed tracked item's IoObject reference. */
void DereferenceObject(void *object)
{
	static_cast<ObjectHeader *>(object)->Dereference();
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
		case transition::Verdict::Locked:
			return false; /* Retire of a Queued item: Engine::CancelQueued */
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
		old_object = object;
	}
	link.Flink = link.Blink = nullptr;
	fifo = nullptr;
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
	/* The authoritative check is PushIo's, under its FIFO lock. */
	if (__builtin_expect(driver->priv.work_closed.Load(), 0)) {
		ReportDriverGone(api_name, worker_routine, site);
		return false;
	}
	WorkPin ticket = WorkPin::BeginUncounted(driver, object,
						 storage == WorkStorage::Caller ? nullptr : this);
	WorkState from = WorkState::Idle;
	if (!Transition(WorkEvent::Claim, from, api_name, named, coalesce, site))
		return false; /* the ticket goes back */

	/* Claimed: these fields are ours until published. */
	routine = worker_routine;
	context = ctx;
	ex = is_ex;
	queue = static_cast<u32>(q);
	queued_at = CyclesNow();
	pin = Move(ticket);
	if (kVerify) {
		record.queue = queue;
		record.routine = named;
		record.running = false;
		record.since_ns = ntwq_ktime_get_coarse_ns(); /* a tick is enough for `items` */
		Registry::Add(&record);
	}
	Engine::Pushed pushed = Engine::PushIo(this, queue_type);
	if (__builtin_expect(pushed == Engine::Pushed::Queued, 1))
		return true;
	/* Nothing was queued: the pin comes back. */
	WorkPin back = Move(pin);
	if (record.listed)
		Registry::Remove(&record);
	from = state.LoadAcquire();
	if (pushed == Engine::Pushed::Retired) {
		/* Retired under us (a caller race): reported here, naming the routine. */
		Transition(WorkEvent::Publish, from, api_name, named, false, site);
	} else if (Transition(WorkEvent::Abandon, from, api_name, named, false, site)) {
		/* Idle again; a retire meanwhile was reported by the transition. */
		ReportDriverGone(api_name, worker_routine, site);
	}
	return false;
}

void WorkItem::ReportDriverGone(const char *api_name, const void *worker_routine,
				const void *site) noexcept
{
	Verifier::Report(NTWQ_DIAG_DRIVER_GONE, api_name, worker_routine, driver->Name(),
			 "driver already deleted; not queued", site);
}

bool WorkItem::Retire(const char *api_name) noexcept
{
	WorkState from = state.LoadAcquire();

	for (;;) {
		if (from == WorkState::Queued) {
			/* Under the FIFO's lock: unlinked, or taken by a dispatcher meanwhile. */
			if (!Engine::CancelQueued(this)) {
				from = state.LoadAcquire();
				continue;
			}
			/* Unlinked while Queued: the queuer's fields are ours to read. */
			magic.StoreRelease(kWorkItemDead);
			Verifier::Report(NTWQ_DIAG_FREE_QUEUED, api_name, routine,
					 driver->Name(), "work item freed while queued; cancelled");
			WorkPin ticket = Move(pin);
			if (record.listed)
				Registry::Remove(&record);
			Stats::Cancelled(api, queue);
			return true;
		}
		if (Transition(WorkEvent::Retire, from, api_name, nullptr))
			break;
		if (from != WorkState::Queued)
			return false; /* retired already: reported */
	}
	magic.StoreRelease(kWorkItemDead);
	/*
	 * Claimed: the queuer is still writing the routine and its pin; its
	 * publish fails on Retired, and it reports the misuse (naming the
	 * routine) and drops its own pin.  Idle: a run may be going on; it
	 * holds its own pin and never reads the item.
	 */
	return true;
}

void WorkItem::PutMemory() noexcept
{
	if (storage == WorkStorage::Kmdf) {
		KmdfPutMemory(this);
	} else if (refs.Dec() == 0) {
		ObjectHeader *io_object = object;

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

} /* namespace ntwq */

extern "C" long ntwq_verifier_tracked_items(void)
{
	return ntwq::TrackedItems();
}
