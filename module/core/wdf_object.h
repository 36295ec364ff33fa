/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdf_object.h - the KMDF object model a work item needs.
 *
 * Objects: a generic object (WdfObjectCreate), a device (NtwqWdfDeviceCreate,
 * wrapping a WDM device object) and a work item (WdfWorkItemCreate).  A
 * handle is the WdfObject's address; every API call checks its magic and
 * kind first.  Each object is one allocation: the kind's struct, then the
 * context memory its attributes ask for, zeroed.
 *
 * Tree: an object may have a parent (a device has none: its parent is its
 * driver).  A child holds a reference on its parent, so a parent's memory
 * outlives its children.  The tree lock (irq-safe, global) guards every
 * children/sibling list.
 *
 * Lifetime:
 *	Live     - usable; holds its creation reference.
 *	Deleting - WdfObjectDelete began: children deleted first, then the
 *	           kind's quiesce step (a work item: cancel or wait for its
 *	           callback), then EvtCleanupCallback, then the creation
 *	           reference is dropped.  New work is refused.
 *	Destroyed- the last reference went: EvtDestroyCallback, the kind's
 *	           teardown, the parent's reference dropped, memory freed.
 * Cleanup and destroy callbacks run at PASSIVE_LEVEL: a delete or a last
 * dereference at a raised IRQL is finished by a work item.
 */
#ifndef _NTWQ_CORE_WDF_OBJECT_H
#define _NTWQ_CORE_WDF_OBJECT_H

#include <ntwq/wdf.h>

#include "io_workitem.h"
#include "lib/atomic.h"
#include "lib/list.h"
#include "lib/opaque.h"
#include "lib/spinlock.h"
#include "ntwq_layout.h"
#include "object.h"

namespace ntwq {

enum class WdfKind : u32 {
	Any = 0, /* for lookups only */
	Object = 1,
	Device = 2,
	WorkItem = 3,
};

constexpr u32 kWdfMagic = 0x4f667757; /* "Wwfo" */
constexpr u32 kWdfDead = 0x64667757;  /* "Wwfd" */

enum class WdfDeferred : u32 {
	None,
	Delete,  /* finish a WdfObjectDelete called above PASSIVE_LEVEL */
	Destroy, /* finish the destroy of a last reference dropped above it */
};

struct WdfObject {
	Atomic<u32> magic;      /* A: kWdfMagic until destroyed */
	WdfKind kind;           /* I */
	Atomic<u32> deleted;    /* A: WdfObjectDelete has begun */
	Opaque<kref, NTWQ_SIZEOF_KREF, NTWQ_ALIGNOF_KREF> refs; /* A */
	WdfObject *parent;      /* I: referenced until destroyed */
	ListNode children;      /* T: tree lock */
	ListNode sibling;       /* T: in parent->children */
	PFN_WDF_OBJECT_CONTEXT_CLEANUP cleanup; /* I */
	PFN_WDF_OBJECT_CONTEXT_DESTROY destroy; /* I */
	WDF_EXECUTION_LEVEL level;              /* I: resolved, never Inherit */
	WDF_SYNCHRONIZATION_SCOPE scope;        /* I: resolved, never Inherit */
	PCWDF_OBJECT_CONTEXT_TYPE_INFO context_type; /* I */
	void *context;          /* I */
	DriverBlock *driver;    /* I: owner of the tree's work; may be nullptr */
	WdfDeferred deferred_op; /* which job `deferred` runs */
	Opaque<work_struct, NTWQ_SIZEOF_WORK_STRUCT, NTWQ_ALIGNOF_WORK_STRUCT> deferred;
	/* I: the kind's steps; nullptr if none */
	bool (*quiesce)(WdfObject *obj); /* false: the delete finishes later */
	void (*teardown)(WdfObject *obj);

	WDFOBJECT Handle() noexcept { return reinterpret_cast<WDFOBJECT>(this); }
	/* The live object behind @handle, of @kind; nullptr with a diagnostic. */
	static WdfObject *From(WDFOBJECT handle, WdfKind kind, const char *api) noexcept;
	void Reference() noexcept;
	/* May destroy the object. */
	void Dereference() noexcept;
	void Delete() noexcept;
	/* The delete's last steps: cleanup, unlink, drop the creation reference. */
	void FinishDelete() noexcept;
	/* The nearest device at or above this object, or nullptr. */
	WdfObject *DeviceAncestor() noexcept;
};

/*
 * Allocates an object of @kind: @size bytes of its struct (starting with the
 * WdfObject), then its context.  Validates @attrs, resolves inherited
 * levels from @parent, links it under @parent.
 * Return: STATUS_SUCCESS or the KMDF failure status.
 */
NTSTATUS WdfCreateObject(WdfKind kind, size_t size, PWDF_OBJECT_ATTRIBUTES attrs,
			 WdfObject *parent, DriverBlock *driver, WdfObject **out) noexcept;
/* Sets up what all WDF objects share; at module load. */
void WdfInit() noexcept;

struct WdfDevice {
	WdfObject obj;
	ObjectHeader *wdm; /* I: the WDM device object, referenced */
	Opaque<mutex, NTWQ_SIZEOF_MUTEX, NTWQ_ALIGNOF_MUTEX> sync; /* serialises callbacks */
};

/* A callback of a work item running now, on the task that runs it. */
struct WdfInvocation {
	ListNode node; /* L: WdfWorkItem::invocations */
	const void *task;
};

struct WdfWorkItem {
	WdfObject obj;
	PFN_WDF_WORKITEM func;  /* I */
	WdfDevice *sync;        /* I: whose lock serialises the callback, or nullptr */
	SpinLock lock;
	bool pending;           /* L: enqueued, callback not started */
	bool delete_on_return;  /* L: deleted from its own callback */
	ListNode invocations;   /* L: WdfInvocation of each running callback */
	IoWorkItem io;          /* the I/O work item it runs on */

	/* Is the current task inside one of this item's callbacks?  Lock held. */
	bool InCallbackLocked() noexcept;
	void Enqueue() noexcept;
	void Flush() noexcept;
};

NTSTATUS WdfCreateDevice(ObjectHeader *wdm, PWDF_OBJECT_ATTRIBUTES attrs, WdfDevice **out) noexcept;
NTSTATUS WdfCreateWorkItem(PWDF_WORKITEM_CONFIG config, PWDF_OBJECT_ATTRIBUTES attrs,
			   WdfWorkItem **out) noexcept;

} /* namespace ntwq */

#endif /* _NTWQ_CORE_WDF_OBJECT_H */
