/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fx_object.h - the KMDF object model a work item needs (KMDF's own classes
 * are FxObject, FxDevice, FxWorkItem; these are ntwq's).
 *
 * Objects: a generic object (WdfObjectCreate), a device (NtwqWdfDeviceCreate,
 * wrapping a WDM device object) and a work item (WdfWorkItemCreate).  A
 * handle is the FxObject's address; every API call checks its magic and
 * kind first.  Each object is one allocation: the kind's struct, then the
 * context memory its attributes ask for, zeroed.  Creation is callable at
 * DISPATCH_LEVEL (GFP_ATOMIC there).
 *
 * Tree: an object may have a parent (a device has none: its parent is its
 * driver).  A child holds a reference on its parent, so a parent's memory
 * outlives its children.  An object with a driver is also on the driver's
 * list, so NtwqDeleteDriver finds what the driver left.  A parentless
 * WdfObjectCreate object belongs, as in KMDF (whose parent is then the
 * WDFDRIVER), to the registered driver whose module holds its cleanup or
 * destroy callback (else the create call): FxDriverCreated keeps a list of
 * live drivers for that lookup.  Its deferred jobs are pinned like any
 * other, and NtwqDeleteDriver deletes it.  One with callbacks that no live
 * driver owns is refused.
 *
 * State (FxState, one table: kFxTable in fx_object.cpp; every change goes
 * through FxTransitionLocked under the tree lock):
 *	Constructing - allocated and being built (kind fields, magic); on no
 *	           list, so no delete can see it.  Commit links it under its
 *	           parent and driver in one step, only if both are Live;
 *	           otherwise it is undone and the create fails with
 *	           STATUS_DELETE_PENDING.
 *	Live     - usable; holds its creation reference.  Children may be
 *	           linked under it.
 *	Deleting - WdfObjectDelete (or the parent's, or the driver's) claimed
 *	           it, once, whatever the IRQL or the CPUs: a second delete
 *	           does nothing.  New enqueues and new children are refused.
 *	           Its children are deleted first; `holds` counts them (plus
 *	           one while the delete is still asking them), and whoever
 *	           drops it to zero (the delete itself, or the last child to
 *	           finish, under the tree lock) continues the delete at
 *	           PASSIVE_LEVEL: the kind's quiesce step (a work item: its
 *	           pending callback runs, a running one is waited for, or
 *	           from its own callback the delete finishes when the last
 *	           accepted enqueue's callback has returned), then
 *	           EvtCleanupCallback.
 *	Deleted  - cleaned up and unlinked from its parent (whose delete may
 *	           continue now); the creation reference dropped.  When the
 *	           last reference goes: EvtDestroyCallback, the kind's
 *	           teardown, the parent's reference dropped, memory freed.
 * Illegal events are named diagnostics (NTWQ_DIAG_WDF_INVALID_HANDLE) and
 * change nothing.  Cleanup and destroy callbacks run at PASSIVE_LEVEL: a
 * delete or a last dereference at a raised IRQL is finished by a job on
 * ntwq's internal queue, pinned like a work item (WorkPin).
 *
 * A work item never runs its callback after its cleanup: a delete waits
 * until the item is neither enqueued nor running (KMDF's rule), and a
 * delete from the item's own callback finishes when the last callback
 * already enqueued has returned.
 *
 * Memory order.  The state moves under the tree lock; read without it
 * (enqueue, handle checks) it is loaded with acquire.  The enqueue/delete
 * handshake is a store-buffer pattern: the enqueue increments
 * `outstanding` then loads the state, the delete stores the state then
 * waits for `outstanding` to be zero, so both sides use sequentially
 * consistent operations (ScAdd, ScLoad in fx_object.cpp), not the relaxed
 * defaults.  `outstanding`'s decrements are sequentially consistent too:
 * the decision "zero with a delete pending" is one compare-and-exchange.
 *
 * Field legend: I: set at creation (Constructing); T: g_tree lock
 * (fx_object.cpp); A: atomic.
 */
#ifndef _NTWQ_CORE_FX_OBJECT_H
#define _NTWQ_CORE_FX_OBJECT_H

#include <ntwq/wdf.h>

#include "lib/atomic.h"
#include "lib/list.h"
#include "lib/opaque.h"
#include "ntwq_layout.h"
#include "object.h"
#include "work.h"

namespace ntwq {

enum class FxKind : u32 {
	Any = 0, /* for lookups only */
	Object = 1,
	Device = 2,
	WorkItem = 3,
};

constexpr u32 kFxMagic = 0x4f667757; /* "Wwfo" */
constexpr u32 kFxDead = 0x64667757;  /* "Wwfd" */

enum class FxState : u32 {
	Constructing, /* being built, on no list: invisible to deletes */
	Live,         /* linked and usable; children may be added */
	Deleting,     /* delete claimed: children, quiesce, cleanup under way */
	Deleted,      /* cleaned up and unlinked; freed at the last reference */
	Count
};

enum class FxDeferred : u32 {
	Delete,   /* finish a WdfObjectDelete called above PASSIVE_LEVEL */
	Continue, /* a delete whose last wait ended above it: quiesce done, clean up */
	Destroy,  /* finish the destroy of a last reference dropped above it */
};

struct FxObject {
	Atomic<u32> magic;      /* A: kFxMagic until destroyed */
	FxKind kind;            /* I */
	Atomic<FxState> state;  /* T (written), A (read with acquire without the lock) */
	u32 holds;              /* T: linked children, plus 1 until the delete asked them */
	Opaque<kref, NTWQ_SIZEOF_KREF, NTWQ_ALIGNOF_KREF> refs; /* A */
	FxObject *parent;       /* I: referenced until destroyed */
	ListNode children;      /* T */
	ListNode sibling;       /* T: in parent->children */
	ListNode driver_link;   /* T: in driver->priv.fx_objects */
	PFN_WDF_OBJECT_CONTEXT_CLEANUP cleanup; /* I; cleared (T) when orphaned */
	PFN_WDF_OBJECT_CONTEXT_DESTROY destroy; /* I; cleared (T) when orphaned */
	WDF_EXECUTION_LEVEL level;              /* I: resolved, never Inherit */
	WDF_SYNCHRONIZATION_SCOPE scope;        /* I: resolved, never Inherit */
	PCWDF_OBJECT_CONTEXT_TYPE_INFO context_type; /* I */
	void *context;          /* I */
	DriverBlock *driver;    /* I: owner of the tree's work, or nullptr; cleared (T) when orphaned */
	const void *alloc_site; /* I: verifier mode: the caller of the create call, else nullptr */
	FxDeferred deferred_op; /* the queued job's; set before queueing it */
	WorkPin deferred_pin;   /* the queued job's pins */
	Opaque<work_struct, NTWQ_SIZEOF_WORK_STRUCT, NTWQ_ALIGNOF_WORK_STRUCT> deferred;
	/* I: the kind's steps; nullptr if none */
	bool (*quiesce)(FxObject *obj); /* false: the delete finishes later */
	void (*teardown)(FxObject *obj);

	WDFOBJECT Handle() noexcept { return reinterpret_cast<WDFOBJECT>(this); }
	/* The live object behind @handle, of @kind; nullptr with a diagnostic. */
	static FxObject *From(WDFOBJECT handle, FxKind kind, const char *api) noexcept;
	void Reference() noexcept;
	/* May destroy the object (at PASSIVE_LEVEL, or in a job). */
	void Dereference() noexcept;
	/* WdfObjectDelete: the first call deletes, any later one does nothing. */
	void Delete() noexcept;
	/*
	 * The delete's last steps (PASSIVE_LEVEL): cleanup, Deleted, unlink
	 * (continuing the parent's delete if this was its last child), drop
	 * the creation reference.
	 */
	void FinishDelete() noexcept;
	/* The nearest device at or above this object, or nullptr. */
	FxObject *DeviceAncestor() noexcept;
	/* Deleting or Deleted (a delete was claimed); acquire. */
	bool IsDeleted() noexcept { return state.LoadAcquire() != FxState::Live; }

private:
	void DeleteClaimed() noexcept;
	/* Its children are gone: quiesce, then finish (now or later). */
	void Continue() noexcept;
	friend void FxDeferredWork(work_struct *work);
	friend void FxContinueParent(FxObject *parent);
};

/*
 * Allocates an object of @kind in state Constructing: @size bytes of its
 * struct (starting with the FxObject), then its context.  @attrs is
 * validated by the caller; resolves inherited levels from @parent.  The
 * caller fills in the kind's fields, then calls FxCommitObject.
 * Return: STATUS_SUCCESS or STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS FxAllocObject(FxKind kind, size_t size, PWDF_OBJECT_ATTRIBUTES attrs,
		       FxObject *parent, FxObject **out, const void *site) noexcept;
/*
 * Makes a built object Live in one step under the tree lock: links it under
 * @parent (its driver is the parent's) or, parentless, under @driver (or,
 * with @driver nullptr, the live driver owning its callbacks, else
 * @caller).  Refused if the parent or the driver is not Live
 * (STATUS_DELETE_PENDING), or if a parentless object's callbacks belong to
 * no live driver (STATUS_INVALID_PARAMETER, a diagnostic); then the object
 * is torn down and freed.
 */
NTSTATUS FxCommitObject(FxObject *obj, FxObject *parent, DriverBlock *driver,
			const void *caller) noexcept;
/* A driver was registered (NtwqCreateDriver): parentless objects may find it. */
void FxDriverCreated(DriverBlock *driver) noexcept;
/* Sets up what all KMDF objects share; at module load. */
void FxInit() noexcept;
/*
 * NtwqDeleteDriver's steps: delete the objects @driver left (one
 * diagnostic with their number; in verifier mode one per object created
 * with a call site, naming it), and, once its work has drained, let the
 * ones still referenced live on without the driver's callbacks.
 */
void FxDeleteDriverObjects(DriverBlock *driver) noexcept;
void FxOrphanDriverObjects(DriverBlock *driver) noexcept;

struct FxDevice {
	FxObject obj;
	ObjectHeader *wdm; /* I: the WDM device object, referenced */
	Opaque<mutex, NTWQ_SIZEOF_MUTEX, NTWQ_ALIGNOF_MUTEX> sync; /* serialises callbacks */
};

/* In FxWorkItem::outstanding: a delete from the callback waits for the count. */
constexpr u32 kFxDeletePending = 1u << 31;

/* Bound on the re-enqueues a flush waits through before it calls the chain endless. */
constexpr u32 kFxFlushMaxPasses = 4096;

struct FxWorkItem {
	FxObject obj;
	PFN_WDF_WORKITEM func;       /* I */
	FxDevice *sync;              /* I: whose lock serialises the callback, or nullptr */
	/*
	 * A: enqueues counted whose callback has not returned (refused ones
	 * briefly), plus kFxDeletePending while a delete from the callback
	 * waits for them: the decrement that leaves exactly kFxDeletePending
	 * claims the delete's finish by one compare-and-exchange.
	 */
	Atomic<u32> outstanding;
	Atomic<u32> waiters;         /* A: flushes and deletes waiting for outstanding == 0 */
	Atomic<u32> runs;            /* A: callbacks started, for the flush bound */
	Atomic<const void *> running_task; /* A: the task in the callback, or nullptr */
	WorkItem io;                 /* the work item it runs on (WorkStorage::Kmdf) */

	static FxWorkItem *FromWork(WorkItem *item) noexcept
	{
		return reinterpret_cast<FxWorkItem *>(reinterpret_cast<char *>(item) -
						      __builtin_offsetof(FxWorkItem, io));
	}
	bool InCallback() noexcept;
	/* @site: the caller of WdfWorkItemEnqueue (verifier diagnostics). */
	void Enqueue(const void *site) noexcept;
	void Flush() noexcept;
	/*
	 * Waits until the item is neither enqueued nor running, through at
	 * most kFxFlushMaxPasses re-enqueues; false (and a diagnostic) past
	 * the bound.
	 */
	bool WaitIdle(const char *api) noexcept;
	/*
	 * One enqueue is over (refused, or its callback returned).  The last
	 * one with a delete pending finishes the delete (a job does it above
	 * PASSIVE_LEVEL).
	 */
	void EndOutstanding() noexcept;
};

/* @site: the create call's caller in verifier mode, else nullptr (FxObject::alloc_site). */
NTSTATUS FxCreateDevice(ObjectHeader *wdm, PWDF_OBJECT_ATTRIBUTES attrs, FxDevice **out,
			const void *site) noexcept;
/* @config and @attrs validated by the caller; @parent is live and chains to @device. */
NTSTATUS FxCreateWorkItem(PWDF_WORKITEM_CONFIG config, PWDF_OBJECT_ATTRIBUTES attrs,
			  FxObject *parent, FxDevice *device, FxWorkItem **out,
			  const void *site) noexcept;

} /* namespace ntwq */

#endif /* _NTWQ_CORE_FX_OBJECT_H */
