/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_workitem.h - IO_WORKITEM: a Windows I/O work item on a Linux work_struct.
 *
 * Storage: IoAllocateWorkItem allocates one (ntwq owns the memory, freed when
 * its last reference goes); IoInitializeWorkItem uses the caller's storage of
 * IoSizeofWorkItem() bytes (the caller owns it and may free it once the item
 * is uninitialized, even from the item's own routine).
 *
 * States (under lock):
 *	Idle   - not queued; may be queued, freed, uninitialized.
 *	Queued - on a workqueue; queueing again is WORKER_INVALID(1) and runs
 *	         once; freeing cancels it (WORKER_INVALID(2)).
 * Dispatch moves Queued -> Idle before it calls the routine (as Windows
 * dequeues before calling), so the routine may queue, free or uninitialize
 * its own item.  A routine runs at most once at a time: Linux never runs one
 * work_struct on two CPUs at once (Windows would allow it).
 *
 * What pins what while an item is queued or running (the references travel
 * with the queued work and are dropped by the dispatcher after the routine
 * returns, or by whoever cancels it):
 *	- the IoObject (device or driver): one reference;
 *	- the driver: its pending count, which NtwqDeleteDriver drains;
 *	- the driver's Linux module: __module_get, so rmmod fails with EBUSY;
 *	- an allocated item's own memory: one reference, so a concurrent
 *	  IoFreeWorkItem cannot free it under the dispatcher.
 * The item also holds a reference on its IoObject from init to free.
 *
 * Context: queueing never sleeps or allocates and works in any context up to
 * hard irq; the routine runs in a kworker at PASSIVE_LEVEL.
 */
#ifndef _NTWQ_CORE_IO_WORKITEM_H
#define _NTWQ_CORE_IO_WORKITEM_H

#include <ntwq/wdm.h>

#include "lib/atomic.h"
#include "lib/cxx.h"
#include "lib/opaque.h"
#include "lib/spinlock.h"
#include "ntwq_layout.h"
#include "object.h"
#include "registry.h"

namespace ntwq {

constexpr u32 kIoItemMagic = 0x49717749; /* "IwqI" */
constexpr u32 kIoItemDead = 0x64717749;  /* "Iwqd" */

enum class IoItemState : u32 {
	Idle,   /* not queued */
	Queued, /* waiting on a workqueue */
};

struct IoWorkItem {
	Atomic<u32> magic;      /* A: kIoItemMagic while usable */
	bool allocated;         /* I: from IoAllocateWorkItem */
	Api api;                /* I: Io, or Wdf for the item under a WDF work item */
	Atomic<u32> refs;       /* A: allocated items: owner + queued/running */
	SpinLock lock;
	IoItemState state;      /* L */
	bool cancel_on_start;   /* L: retired while queued but not cancellable */
	ObjectHeader *object;   /* I: the IoObject, referenced */
	DriverBlock *driver;    /* I: the driver that owns the work */
	/* L: set by the queuer that moved Idle -> Queued, read by dispatch */
	const void *routine;
	bool ex;                /* IO_WORKITEM_ROUTINE_EX */
	void *context;
	u32 queue;
	ItemRecord record;      /* registry record while queued */
	Opaque<work_struct, NTWQ_SIZEOF_WORK_STRUCT, NTWQ_ALIGNOF_WORK_STRUCT> work;

	/* The item behind a handle, or nullptr (with a diagnostic). */
	static IoWorkItem *FromHandle(PIO_WORKITEM handle, const char *api) noexcept;
	void Init(ObjectHeader *io_object, bool is_allocated, Api family = Api::Io) noexcept;
	/*
	 * Queues; false (with a diagnostic) if the item cannot be queued.  The
	 * caller has checked @worker_routine (the API layer checks a driver's
	 * routine lies in its module; WDF passes its own trampoline, and the
	 * driver's callback as @shown, the routine debugfs names).
	 */
	bool Queue(const char *api, const void *worker_routine, bool is_ex,
		   unsigned int queue_type, void *ctx, const void *shown = nullptr) noexcept;
	/* Takes a queued item off its queue, quietly; true if it will not run. */
	bool Cancel() noexcept;
	/* Waits for the last queueing's routine to return; process context. */
	void Flush() noexcept;
	/* Ends the item's life: cancels it if queued, drops its IoObject. */
	void Retire(const char *api_name) noexcept;
	/* Drops one reference of an allocated item; the last frees it. */
	void Put() noexcept;
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_IO_WORKITEM_H */
