/* SPDX-License-Identifier: GPL-2.0 */
/*
 * work.h - the work-item core: one state machine, one pin ticket.
 *
 * Design note.
 *
 * A WorkItem is the Linux side of an IO_WORKITEM: what the next run needs
 * and a link in the dispatch engine's FIFOs (engine.h).  Io items are
 * WorkItems (allocated by ntwq or in the caller's storage); a KMDF work
 * item (FxWorkItem) runs on one.  Executive items have no room for a
 * WorkItem: they are linked through their own LIST_ENTRY into the same
 * FIFOs, and pin what they run with the same WorkPin.
 *
 * State.  Every change of a WorkItem's state goes through
 * WorkItem::Transition(), one compare-and-exchange on `state` checked
 * against one table (transition::kTable): a legal event moves the state;
 * an illegal one names its diagnostic and changes nothing.  Idle ->
 * Claimed (a queue call, lock-free: this queuer fills in the routine and
 * the pin) -> Queued (published and linked, under its FIFO's lock) ->
 * Idle (a dispatcher took the routine and the pin, under the FIFO's and
 * its bucket's locks, before calling it).  An item leaves Queued only
 * with those locks held: a retire (free, uninitialize) of a queued item
 * takes them (Engine::CancelQueued) and unlinks it, or finds it taken.
 *
 * Pins.  A WorkPin is what one queued run holds, as one move-only value:
 *	- the driver's work count (per CPU, bridge/count.c: NtwqDeleteDriver
 *	  closes it and waits for it; a pin cannot be made for a driver being
 *	  deleted);
 *	- the driver's Linux module (rmmod fails with EBUSY meanwhile), taken
 *	  with try_module_get: once rmmod has begun (the module's exit is
 *	  running) no reference can keep the module, so none is taken, and the
 *	  run is kept from outliving the module by the work count alone, which
 *	  the exit's NtwqDeleteDriver waits for;
 *	- either the item's memory (allocated Io items, KMDF items: the item
 *	  holds its IoObject reference until its memory goes), or, for an item
 *	  in the caller's storage, a reference on the IoObject itself.
 * It is made only by WorkPin::TryBegin() (an empty pin means refused),
 * or, for an Io queue call, by WorkPin::BeginUncounted() with the work
 * count added by Engine::PushIo() under its FIFO lock (a count found
 * closed there: Claimed -> Idle, the Abandon event, and the call is
 * refused), moved into the item when queued, moved out by whoever ends
 * the run (the dispatcher after the routine returns, a cancel, or the
 * queue call itself when queueing fails) and released exactly once.  No other code takes or
 * drops these references.
 *
 * Context: queueing never sleeps or allocates and works in any context up to
 * hard irq; routines run in a kworker at PASSIVE_LEVEL.  A routine may free,
 * uninitialize or re-queue its own item; after calling it, ntwq touches only
 * the pin.
 *
 * No overlapping runs: the engine's busy table serialises the runs of one
 * item address, across CPUs and queue types (engine.h).
 *
 * Field legend: I: set at Init, constant until the item is retired;
 * S: owned by whoever holds the state Claimed or Queued (see above);
 * A: atomic; E: the engine's, under its FIFO's lock.
 */
#ifndef _NTWQ_CORE_WORK_H
#define _NTWQ_CORE_WORK_H

#include <ntwq/wdm.h>

#include "lib/atomic.h"
#include "lib/cxx.h"
#include "lib/opaque.h"
#include "ntwq_layout.h"
#include "object.h"
#include "registry.h"
#include "stats.h"
#include "internal.h"

namespace ntwq {

struct WorkItem;
struct EngineFifo;

class WorkPin {
public:
	NTWQ_ALWAYS_INLINE WorkPin() noexcept : module_(), driver_(), object_(), memory_() {}
	NTWQ_ALWAYS_INLINE WorkPin(WorkPin &&o) noexcept
		: module_(o.module_), driver_(o.driver_), object_(o.object_), memory_(o.memory_)
	{
		o.Forget();
	}
	NTWQ_ALWAYS_INLINE WorkPin &operator=(WorkPin &&o) noexcept
	{
		if (this != &o) {
			Release();
			module_ = o.module_;
			driver_ = o.driver_;
			object_ = o.object_;
			memory_ = o.memory_;
			o.Forget();
		}
		return *this;
	}
	NTWQ_ALWAYS_INLINE ~WorkPin() { Release(); }
	WorkPin(const WorkPin &) = delete;
	WorkPin &operator=(const WorkPin &) = delete;

	/*
	 * The pins of one run of @driver's work: its work count and module,
	 * plus @memory's memory, or (@memory nullptr) a reference on @object
	 * (if any: ntwq's own jobs pin only the driver).  Empty when @driver
	 * is being deleted.
	 */
	static inline WorkPin TryBegin(DriverBlock *driver, ObjectHeader *object,
				       WorkItem *memory) noexcept;
	/*
	 * TryBegin() without the driver's work count, for an Io queue call:
	 * Engine::PushIo() counts the run under its FIFO lock (interrupts
	 * off, no call) and then hands the count to the pin (Counted()).
	 * Never empty: the caller checked the driver first.
	 */
	static inline WorkPin BeginUncounted(DriverBlock *driver, ObjectHeader *object,
					     WorkItem *memory) noexcept;
	/* The pin now holds one count of @driver's work (Engine::PushIo only). */
	NTWQ_ALWAYS_INLINE void Counted(DriverBlock *driver) noexcept { driver_ = driver; }
	/*
	 * An executive item's pin: the caller's module (nullptr: built-in
	 * code).  Empty when @owner is unloading (its exit is running): no
	 * reference could keep it, so the caller must not queue.
	 */
	static WorkPin OfModule(module *owner) noexcept;
	/* For storage with room for one pointer (WORK_QUEUE_ITEM's Blink): module pins only. */
	module *IntoRaw() noexcept;
	static WorkPin FromRaw(module *owner) noexcept;

	explicit operator bool() const noexcept { return driver_ || module_; }
	/* An OfModule pin of @owner: did it pin (or is there nothing to pin)? */
	bool Pins(const module *owner) const noexcept { return !owner || module_ == owner; }
	DriverBlock *Driver() const noexcept { return driver_; }
	/* Drops what the pin holds, once; the item may be freed here. */
	NTWQ_ALWAYS_INLINE void Release() noexcept
	{
		if (module_ || driver_ || object_ || memory_)
			Drop();
	}
	/*
	 * Release() but for the driver's work count, which the caller now
	 * holds and drops itself: the dispatcher, inline, inside its FIFO
	 * lock's interrupts-off section (DriverBlock::EndWorkIrqsOff()).
	 * Returns that driver (nullptr: the pin held no count).
	 */
	NTWQ_ALWAYS_INLINE DriverBlock *ReleaseKeepingCount() noexcept
	{
		DriverBlock *driver = driver_;

		driver_ = nullptr;
		Release();
		return driver;
	}

private:
	NTWQ_ALWAYS_INLINE void Forget() noexcept
	{
		module_ = nullptr;
		driver_ = nullptr;
		object_ = nullptr;
		memory_ = nullptr;
	}
	void Drop() noexcept;

	module *module_;       /* try_module_get'ed */
	DriverBlock *driver_;  /* one count of its work (DriverPriv::work_count) */
	ObjectHeader *object_; /* one reference (caller-storage items) */
	WorkItem *memory_;     /* one reference on the item's memory */
};

enum class WorkState : u32 {
	Idle,    /* initialised, not queued: may be queued, retired */
	Claimed, /* one queuer is filling in routine and pin: others see it as queued */
	Queued,  /* linked in a FIFO (or handed over to its running dispatcher) with its pin */
	Retired, /* freed or uninitialized: any further event is a diagnostic */
	Count
};

enum class WorkEvent : u32 {
	Claim,    /* a queue call begins */
	Publish,  /* the queuer's fields are in place: linked (FIFO lock) */
	Dispatch, /* a dispatcher takes the item (FIFO and bucket locks) */
	Retire,   /* free / uninitialize */
	Abandon,  /* the queuer gives a Claimed item up: its driver is being deleted */
	Reinit,   /* IoInitializeWorkItem of storage holding a live item */
	Count
};

/* How a family's memory is released when its last reference goes. */
enum class WorkStorage : u32 {
	Caller,    /* IoInitializeWorkItem: the caller's storage, never freed here */
	Allocated, /* IoAllocateWorkItem: refs below, freed with the last */
	Kmdf,      /* inside an FxWorkItem: its object reference */
};

constexpr u32 kWorkItemMagic = 0x49717749; /* "IwqI" */
constexpr u32 kWorkItemDead = 0x64717749;  /* "Iwqd" */

/* The transition table: the one definition of which event is legal where. */
namespace transition {

enum class Verdict : u8 {
	Move,    /* legal: move to `next` */
	Illegal, /* a diagnostic; nothing changes */
	Locked,  /* legal, but only under the engine's locks: Engine::CancelQueued */
};

struct Rule {
	Verdict verdict;
	WorkState next;   /* Move */
	ntwq_diag diag;   /* Illegal */
	const char *what; /* Illegal */
};

constexpr Rule MoveTo(WorkState next)
{
	return { Verdict::Move, next, NTWQ_DIAG_COUNT, nullptr };
}

constexpr Rule Illegal(ntwq_diag diag, const char *what)
{
	return { Verdict::Illegal, WorkState::Idle, diag, what };
}

constexpr Rule kLocked = { Verdict::Locked, WorkState::Retired, NTWQ_DIAG_COUNT, nullptr };
constexpr Rule kQueuedAlready =
	Illegal(NTWQ_DIAG_QUEUE_QUEUED, "work item already queued; it runs once");
constexpr Rule kDead = Illegal(NTWQ_DIAG_INVALID_ITEM, "work item freed or uninitialized");
constexpr Rule kNotQueued = Illegal(NTWQ_DIAG_INVALID_ITEM, "dispatch of an item not queued");
constexpr Rule kFreedQueueing =
	Illegal(NTWQ_DIAG_FREE_QUEUED, "work item freed while being queued; not queued");
constexpr Rule kInitQueued = Illegal(NTWQ_DIAG_QUEUE_QUEUED,
				     "work item initialized while queued; not initialized again");
/* A state outside WorkState: memory that is no live item (freed, poisoned). */
constexpr Rule kNoState = Illegal(NTWQ_DIAG_INVALID_ITEM, "not a work item (no valid state)");

constexpr u32 kStates = static_cast<u32>(WorkState::Count);

/* kTable[event][state]: states in WorkState order, events in WorkEvent order. */
constexpr Rule kTable[static_cast<u32>(WorkEvent::Count)][kStates] = {
	/* Claim:     Idle, Claimed, Queued, Retired */
	{ MoveTo(WorkState::Claimed), kQueuedAlready, kQueuedAlready, kDead },
	/* Publish */
	{ kNotQueued, MoveTo(WorkState::Queued), kNotQueued, kFreedQueueing },
	/* Dispatch */
	{ kNotQueued, kNotQueued, MoveTo(WorkState::Idle), kNotQueued },
	/* Retire: a queued item is unlinked under the engine's locks */
	{ MoveTo(WorkState::Retired), MoveTo(WorkState::Retired), kLocked, kDead },
	/* Abandon: the driver's work count closed before the publish */
	{ kNotQueued, MoveTo(WorkState::Idle), kNotQueued, kFreedQueueing },
	/* Reinit: an idle item is retired quietly, then initialised afresh */
	{ MoveTo(WorkState::Retired), kInitQueued, kInitQueued, kDead },
};

/* Bounded: a state read from memory that is no longer an item names no row. */
constexpr const Rule &At(WorkEvent event, WorkState state)
{
	return static_cast<u32>(state) < kStates
		       ? kTable[static_cast<u32>(event)][static_cast<u32>(state)]
		       : kNoState;
}

} /* namespace transition */

struct WorkItem {
	LIST_ENTRY link;         /* E: in a FIFO while Queued (first: the engine's entry is the item) */
	EngineFifo *fifo;        /* E: the FIFO of the last queueing (atomic reads) */
	Atomic<u32> magic;       /* A: kWorkItemMagic from Init until retired */
	Atomic<WorkState> state; /* A: through Transition() only */
	Api api;                 /* I: Io, Wdf for the item of a KMDF work item, or a shim's */
	WorkStorage storage;     /* I */
	Atomic<u32> refs;        /* A: Allocated: owner + one per pin */
	ObjectHeader *object;    /* I: the IoObject, referenced until the memory goes */
	DriverBlock *driver;     /* I: the driver that owns the work */
	const void *routine;     /* S: what the next run calls */
	void *context;           /* S */
	u32 queue;               /* S: QueueIndex of the last queueing (kQueueCount: none) */
	bool ex;                 /* S: IO_WORKITEM_ROUTINE_EX */
	u64 queued_at;           /* S: CyclesNow() at queueing, for the latency statistic */
	WorkPin pin;             /* S: the queued run's pins */
	ItemRecord record;       /* S: debugfs `items` record, verifier mode only */
	/* Verifier mode, allocated items only; last, off the queue path's lines: */
	bool tracked;            /* I: allocated in verifier mode: leak-checked, quarantined */
	const void *alloc_site;  /* I: the caller of IoAllocateWorkItem (tracked) */
	ListNode tracked_link;   /* L (driver's priv.lock): in priv.io_items until freed */

	/* The item behind a handle, or nullptr (with a diagnostic). */
	static WorkItem *FromHandle(PIO_WORKITEM handle, const char *api,
				    const void *site = nullptr) noexcept
	{
		auto *item = reinterpret_cast<WorkItem *>(handle);

		if (__builtin_expect(item && item->magic.LoadAcquire() == kWorkItemMagic, 1))
			return item;
		ReportBadHandle(handle, api, site);
		return nullptr;
	}
	/*
	 * Allocates an item of @family for @io_object (GFP by IRQL), or
	 * nullptr; @api_name is the routine named in diagnostics.  In
	 * verifier mode the item is tracked on its driver's list with @site,
	 * the caller of the allocating API.
	 */
	static WorkItem *Allocate(ObjectHeader *io_object, Api family, const char *api_name,
				  const void *site) noexcept;
	/*
	 * IoFreeWorkItem / a shim's free of an allocated item (@api_name):
	 * retires it and drops the owner's reference.  A tracked item
	 * (verifier mode) is unlinked from its driver's list and retired
	 * under the lock NtwqDeleteDriver's reclaim takes, so exactly one of
	 * the two frees it.
	 */
	void Free(const char *api_name, const void *site) noexcept;
	/*
	 * Sets up caller storage (or fresh memory).  Storage that holds a live
	 * idle item of caller storage is retired first (its IoObject reference
	 * dropped: re-initialising is harmless, as in Windows).  Refused, with a
	 * diagnostic, when the storage holds a queued item, or is an item
	 * ntwq allocated (IoAllocateWorkItem, a KMDF or shim item).
	 */
	bool Init(ObjectHeader *io_object, WorkStorage kind, Api family, const char *api_name) noexcept;
	/*
	 * Queues a run of @worker_routine.  False if not queued: a diagnostic
	 * names why, except that with @coalesce a pending run is a quiet false
	 * (KMDF's enqueue-while-pending).  The caller checked the routine;
	 * @shown is what debugfs names (a KMDF callback, not its trampoline).
	 */
	bool Queue(const char *api, const void *worker_routine, bool is_ex, unsigned int queue_type,
		   void *ctx, const void *shown, bool coalesce = false,
		   const void *site = nullptr) noexcept;
	/*
	 * Ends the item's life: a queued run is cancelled (a diagnostic).
	 * False (a diagnostic) if the item was retired already.
	 */
	bool Retire(const char *api_name) noexcept;

	inline void GetMemory() noexcept;
	/* Drops a memory reference; the last one frees the item. */
	void PutMemory() noexcept;

	/*
	 * The one place a state changes: moves @from to the state @event
	 * leads to and returns true; or returns false with @from updated to
	 * the state found, reporting the event's diagnostic if it is illegal
	 * there (a queued item's QUEUE_QUEUED only unless @quiet), naming
	 * @routine.  A retire of a Queued item returns false quietly: it is
	 * the engine's to do (Engine::CancelQueued).
	 */
	NTWQ_ALWAYS_INLINE bool Transition(WorkEvent event, WorkState &from, const char *api,
					   const void *routine, bool quiet = false,
					   const void *site = nullptr) noexcept
	{
		/* The expected legal move, inline; anything else in TransitionSlow. */
		const transition::Rule &rule = transition::At(event, from);

		if (rule.verdict == transition::Verdict::Move &&
		    __builtin_expect(state.CompareExchange(from, rule.next), 1))
			return true;
		return TransitionSlow(event, from, api, routine, quiet, site);
	}

private:
	template <bool kVerify>
	bool QueueImpl(const char *api, const void *worker_routine, bool is_ex,
		       unsigned int queue_type, void *ctx, const void *shown, bool coalesce,
		       const void *site) noexcept;
	bool TransitionSlow(WorkEvent event, WorkState &from, const char *api, const void *routine,
			    bool quiet, const void *site) noexcept;
	static void ReportBadHandle(const void *handle, const char *api, const void *site) noexcept;
	/* NTWQ_DRIVER_DELETED for a queue call refused: the driver's count is closed. */
	void ReportDriverGone(const char *api, const void *worker_routine,
			      const void *site) noexcept;
};

/* A KMDF work item's memory references (fx_object.cpp). */
void KmdfGetMemory(WorkItem *item) noexcept;
void KmdfPutMemory(WorkItem *item) noexcept;
/* What trace events name a KMDF item by: its WDFWORKITEM and its callback. */
const void *KmdfHandle(WorkItem *item) noexcept;
const void *KmdfCallback(WorkItem *item) noexcept;

inline void WorkItem::GetMemory() noexcept
{
	if (storage == WorkStorage::Kmdf)
		KmdfGetMemory(this);
	else
		refs.Inc();
}

inline WorkPin WorkPin::TryBegin(DriverBlock *driver, ObjectHeader *object,
				 WorkItem *memory) noexcept
{
	if (!driver->TryBeginWork())
		return WorkPin();
	WorkPin pin = BeginUncounted(driver, object, memory);
	pin.driver_ = driver;
	return pin;
}

inline WorkPin WorkPin::BeginUncounted(DriverBlock *driver, ObjectHeader *object,
				       WorkItem *memory) noexcept
{
	WorkPin pin;

	/* Unloading: the work count alone holds the exit's NtwqDeleteDriver. */
	if (ntwq_module_try_get(driver->priv.owner))
		pin.module_ = driver->priv.owner;
	if (memory) {
		memory->GetMemory();
		pin.memory_ = memory;
	} else if (object) {
		object->Reference();
		pin.object_ = object;
	}
	return pin;
}

/*
 * NtwqDeleteDriver, after the driver's work drained: each Io item allocated
 * in verifier mode and not freed is a diagnostic (routine, allocation call
 * site) and is freed.
 */
void ReclaimDriverItems(DriverBlock *driver) noexcept;
/* Io items tracked now, over all drivers. */
long TrackedItems() noexcept;

} /* namespace ntwq */

#endif /* _NTWQ_CORE_WORK_H */
