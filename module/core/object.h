/* SPDX-License-Identifier: GPL-2.0 */
/*
 * object.h - driver and device objects.
 *
 * Layout: as in Windows, every object is an ObjectHeader followed by the body
 * a driver sees (DRIVER_OBJECT, DEVICE_OBJECT) and then ntwq's private part;
 * a device's extension follows, 16-byte aligned.  ObReferenceObject(body)
 * finds the header just before the body and checks its magic.
 *
 * Lifetime: the header's kref counts references.  The creator holds one
 * (dropped by NtwqDeleteDriver / IoDeleteDevice), a work item holds one on
 * its IoObject for its whole life, and every queued or running work item
 * holds one more until its routine has returned.  A device holds one on its
 * driver.  The last reference frees the object, from any context (kfree).
 *
 * Draining: a driver counts the runs pinned for it and its devices in a
 * per-CPU count that can be closed (bridge/count.c: WorkPin takes and drops
 * one; no shared cache line, no atomic, no RCU call per queue call; an Io
 * queue call takes it and the dispatcher drops it inline, each inside its
 * FIFO lock's interrupts-off section).  NtwqDeleteDriver first deletes the KMDF objects the driver
 * left, then closes the count (no new pin can be made) and waits for it to
 * reach zero; after that no code of the driver's module runs for ntwq.
 *
 * A driver's state (DriverState, one table: kDriverTable in object.cpp):
 *	Live     - from NtwqCreateDriver: devices and KMDF objects may be
 *	           created under it, its work queued.
 *	Deleting - NtwqDeleteDriver is draining it.  Nothing new is created
 *	           under it: IoCreateDevice and the KMDF creates check the state
 *	           under the lock that links what they create, and the delete
 *	           walks those links under the same lock after the state moved,
 *	           so a create either is seen by the walk or sees Deleting.
 *	Deleted  - drained, leftovers deleted, the creator's reference dropped.
 * The state moves under priv.lock.  A second NtwqDeleteDriver is a
 * diagnostic: during the first it waits for the first to finish (its caller
 * is promised that no code of the driver runs after it returns), after it
 * returns at once.  A delete that would wait for itself (from the driver's
 * own routine or callback: runs.h) or above PASSIVE_LEVEL is refused with a
 * diagnostic and changes nothing.
 *
 * Field legend: I: set at creation; L: DriverPriv::lock; T: the KMDF tree
 * lock (fx_object.cpp); A: atomic.
 */
#ifndef _NTWQ_CORE_OBJECT_H
#define _NTWQ_CORE_OBJECT_H

#include <ntwq/wdm.h>

#include "bridge/bridge.h"
#include "lib/atomic.h"
#include "lib/cxx.h"
#include "lib/list.h"
#include "lib/opaque.h"
#include "lib/percpu.h"
#include "lib/spinlock.h"
#include "ntwq_layout.h"

namespace ntwq {

enum class ObjectKind : u32 {
	Driver = 1,
	Device = 2,
};

constexpr u32 kObjectMagic = 0x4f71776e; /* "nwqO" */
constexpr u32 kObjectDead = 0x44717764;  /* "dwqD" */

struct alignas(16) ObjectHeader {
	Atomic<u32> magic;  /* A: kObjectMagic while live, kObjectDead after */
	ObjectKind kind;    /* I */
	Opaque<kref, NTWQ_SIZEOF_KREF, NTWQ_ALIGNOF_KREF> refs; /* A: kref */
	void (*destroy)(ObjectHeader *header); /* I: frees the object */

	void *Body() noexcept { return this + 1; }
	/* The header of a live object of @kind, or nullptr. */
	static ObjectHeader *Lookup(const void *body, ObjectKind kind) noexcept;
	/* The header of a live driver or device object, or nullptr. */
	static ObjectHeader *LookupAny(const void *body) noexcept;

	void Reference() noexcept;
	/* May free the object. */
	void Dereference() noexcept;
	unsigned int RefCount() noexcept;
};
static_assert(sizeof(ObjectHeader) % 16 == 0, "bodies follow 16-aligned");

enum class DriverState : u32 {
	Live,     /* registered: objects created under it, its work queued */
	Deleting, /* NtwqDeleteDriver is draining it: nothing new is accepted */
	Deleted,  /* drained and released; only references keep the memory */
	Count
};

struct DriverPriv {
	module *owner;                /* I: pinned while work is pending */
	unsigned long text_base;      /* I: the owner's core text, cached */
	unsigned long text_size;      /* I */
	char name[32];                /* I */
	WCHAR name_utf16[32];         /* I: DriverName.Buffer */
	SpinLock lock;                /* guards the device list and `state` */
	Atomic<DriverState> state;    /* L (written), A (read without the lock) */
	ListNode fx_objects;          /* T: the driver's live KMDF objects */
	ListNode fx_link;             /* T: on the KMDF list of live drivers (FxDriverCreated) */
	ListNode io_items;            /* L: Io items allocated in verifier mode, not freed */
	/* I: the pinned runs, one signed per-CPU share (bridge/count.c) */
	void *work_count;
	Atomic<u32> work_closed;      /* A: NtwqDeleteDriver closed work_count */
	/* A: completed (for all) when the state reaches Deleted */
	Opaque<completion, NTWQ_SIZEOF_COMPLETION, NTWQ_ALIGNOF_COMPLETION> deleted;
};

struct DriverBlock {
	ObjectHeader header;
	DRIVER_OBJECT body;
	DriverPriv priv;

	static DriverBlock *From(ObjectHeader *h) noexcept
	{
		return reinterpret_cast<DriverBlock *>(h);
	}
	static int Create(module *owner, const char *name, DriverBlock **out) noexcept;
	/*
	 * NtwqDeleteDriver (@api: the routine diagnostics name): drains the
	 * driver's work, deletes leftover objects, drops the creator's
	 * reference.  Refused (a diagnostic) when called twice, from the
	 * driver's own work, or above PASSIVE_LEVEL; see the design note.
	 */
	void Delete(const char *api) noexcept;
	/*
	 * Would Delete() refuse because of where it is called (from the
	 * driver's own work, above PASSIVE_LEVEL)?  False with the
	 * diagnostic naming @api; true if it may be called here.
	 */
	bool CanDeleteHere(const char *api) noexcept;
	/*
	 * Is the driver still Live?  A create that links a new object under
	 * the driver asks this under the lock it links with (priv.lock, or
	 * the KMDF tree lock): see the design note.
	 */
	bool Live() const noexcept { return priv.state.LoadAcquire() == DriverState::Live; }

	/* Counts one more pinned run (WorkPin only); false once delete began. */
	bool TryBeginWork() noexcept
	{
		return ntwq_count_tryget(priv.work_count, priv.work_closed.Address());
	}
	/* That run ended (WorkPin only). */
	void EndWork() noexcept { ntwq_count_put(priv.work_count, priv.work_closed.Address()); }
	/*
	 * EndWork() for a caller with interrupts off (an RCU read-side
	 * section), inline: the flag is read before the decrement, and the
	 * driver is not touched after it.  True: the count is closing, call
	 * ntwq_count_wake(@closed) once interrupts may be on again.
	 */
	NTWQ_ALWAYS_INLINE bool EndWorkIrqsOff(unsigned int **closed) noexcept
	{
		bool closing = priv.work_closed.Load();

		*closed = priv.work_closed.Address();
		PerCpuDec(priv.work_count, 0);
		return closing;
	}
	const char *Name() const noexcept { return priv.name; }
	/*
	 * Is @addr code of the driver's module that lives as long as the
	 * module: its core text (init text is freed after module_init,
	 * whatever the refcount)?  One comparison against the cached range.
	 */
	bool OwnsCode(const void *addr) const noexcept
	{
		return reinterpret_cast<unsigned long>(addr) - priv.text_base < priv.text_size;
	}
};

struct DevicePriv {
	DriverBlock *driver; /* I: referenced */
	Atomic<u32> deleted; /* A: IoDeleteDevice was called */
};

struct DeviceBlock {
	ObjectHeader header;
	DEVICE_OBJECT body;
	DevicePriv priv;
	/* the device extension follows, 16-byte aligned */

	static DeviceBlock *From(ObjectHeader *h) noexcept
	{
		return reinterpret_cast<DeviceBlock *>(h);
	}
	static int Create(DriverBlock *driver, ULONG extension_size, DEVICE_TYPE type,
			  ULONG characteristics, DeviceBlock **out) noexcept;
	void Delete() noexcept;
};

/* The driver that owns the work of an object (itself, or a device's driver). */
DriverBlock *DriverOf(ObjectHeader *object) noexcept;

} /* namespace ntwq */

#endif /* _NTWQ_CORE_OBJECT_H */
