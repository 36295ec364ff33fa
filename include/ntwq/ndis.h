/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntwq/ndis.h - NDIS work items, exported by ntwq_ndis.ko (shims/ndis/).
 *
 * A miniport ported from Windows includes this after its Linux headers and
 * uses the NDIS 6 I/O work items (NdisAllocateIoWorkItem & co) and the
 * NDIS 5 ones (NDIS_WORK_ITEM, NdisScheduleWorkItem) as on Windows.  The
 * Ntwq* routines stand for what NDIS itself does around a miniport:
 * register it, initialize and halt its adapters.  README.md ("NDIS work
 * items") lists what is supported and where ntwq differs from Windows.
 */
#ifndef _NTWQ_NDIS_H
#define _NTWQ_NDIS_H

#include <ntwq/shim.h>

NTWQ_EXTERN_C_BEGIN

typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;
typedef int NDIS_STATUS, *PNDIS_STATUS;

#define NDIS_STATUS_SUCCESS ((NDIS_STATUS)STATUS_SUCCESS)
#define NDIS_STATUS_FAILURE ((NDIS_STATUS)STATUS_UNSUCCESSFUL)
#define NDIS_STATUS_RESOURCES ((NDIS_STATUS)STATUS_INSUFFICIENT_RESOURCES)
#define NDIS_STATUS_INVALID_PARAMETER ((NDIS_STATUS)STATUS_INVALID_PARAMETER)

/* ---- the object model: what NDIS does for a miniport ---- */

/**
 * NtwqNdisRegisterMiniportDriver - register a miniport (NdisMRegisterMiniportDriver).
 * @Owner: THIS_MODULE of the miniport; pinned while its work items are pending.
 * @Name: the miniport's name, for diagnostics and debugfs (copied).
 * @MiniportDriverContext: kept for the miniport, not interpreted.
 * @NdisMiniportDriverHandle: receives the miniport driver handle, which
 *	NdisAllocateIoWorkItem accepts.
 *
 * Call at PASSIVE_LEVEL, from module_init (the miniport's DriverEntry).
 * Return: NDIS_STATUS_SUCCESS, NDIS_STATUS_INVALID_PARAMETER or
 * NDIS_STATUS_RESOURCES.
 */
NDIS_STATUS NtwqNdisRegisterMiniportDriver(struct module *Owner, const char *Name,
					   NDIS_HANDLE MiniportDriverContext,
					   PNDIS_HANDLE NdisMiniportDriverHandle);

/**
 * NdisMDeregisterMiniportDriver - from module_exit (MiniportDriverUnload).
 * @NdisMiniportDriverHandle: from NtwqNdisRegisterMiniportDriver.
 *
 * Halts adapters the miniport left (with a diagnostic), then refuses new
 * work items of the driver handle and waits until those pending have
 * returned (as NtwqDeleteDriver).  PASSIVE_LEVEL, not from a work item.
 */
void NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle);

/**
 * NtwqNdisInitializeAdapter - create an adapter (what NDIS does before it
 * calls MiniportInitializeEx).
 * @NdisMiniportDriverHandle: the miniport's.
 * @MiniportAdapterContext: the miniport's adapter context, not interpreted.
 * @MiniportAdapterHandle: receives the adapter handle, which
 *	NdisAllocateIoWorkItem accepts.
 *
 * Call at PASSIVE_LEVEL.
 * Return: NDIS_STATUS_SUCCESS, NDIS_STATUS_INVALID_PARAMETER or
 * NDIS_STATUS_RESOURCES.
 */
NDIS_STATUS NtwqNdisInitializeAdapter(NDIS_HANDLE NdisMiniportDriverHandle,
				      NDIS_HANDLE MiniportAdapterContext,
				      PNDIS_HANDLE MiniportAdapterHandle);

/**
 * NtwqNdisHaltAdapter - release an adapter (what NDIS does after
 * MiniportHaltEx returns).
 * @MiniportAdapterHandle: from NtwqNdisInitializeAdapter.
 *
 * Refuses new work items of the adapter (NTWQ_DRIVER_DELETED) and waits
 * until those pending have returned.  The adapter's memory stays valid for
 * them and is freed once its last work item is freed.  PASSIVE_LEVEL, not
 * from one of the adapter's work items.
 */
void NtwqNdisHaltAdapter(NDIS_HANDLE MiniportAdapterHandle);

/**
 * NtwqNdisAdapterContext - the MiniportAdapterContext given at initialization.
 * @MiniportAdapterHandle: an adapter handle, also while it is being
 *	halted (its work items may call this).
 *
 * Return: the context, or NULL for a handle that is not an adapter's.
 */
NDIS_HANDLE NtwqNdisAdapterContext(NDIS_HANDLE MiniportAdapterHandle);

/* ---- NDIS 6 I/O work items ---- */

typedef VOID NDIS_IO_WORKITEM_FUNCTION(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle);
typedef NDIS_IO_WORKITEM_FUNCTION *NDIS_IO_WORKITEM_ROUTINE;

/**
 * NdisAllocateIoWorkItem - allocate an I/O work item.
 * @NdisObjectHandle: an adapter handle or a miniport driver handle.
 *
 * Callable at IRQL <= DISPATCH_LEVEL.
 * Return: the work item's handle, or NULL when memory is short or the
 * handle is not an adapter's or a miniport driver's (a diagnostic).
 */
NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle);

/**
 * NdisQueueIoWorkItem - queue an I/O work item on CriticalWorkQueue.
 * @NdisIoWorkItemHandle: from NdisAllocateIoWorkItem.
 * @Routine: called at PASSIVE_LEVEL with @WorkItemContext and the handle.
 * @WorkItemContext: passed to @Routine as is.
 *
 * Any context up to hard irq; never allocates or sleeps.  Until @Routine
 * has returned, the item pins its adapter (or driver) handle's memory and
 * the miniport's module.  @Routine may free the item.
 */
void NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine,
			 PVOID WorkItemContext);

/**
 * NdisFreeIoWorkItem - free an I/O work item, also from its own routine.
 * @NdisIoWorkItemHandle: from NdisAllocateIoWorkItem.
 *
 * Freeing a queued item is WORKER_INVALID(2): its run is cancelled.
 */
void NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle);

/* ---- NDIS 5 work items ---- */

struct _NDIS_WORK_ITEM;
typedef void (*NDIS_PROC)(struct _NDIS_WORK_ITEM *pWorkItem, PVOID Context);

/**
 * struct _NDIS_WORK_ITEM - NDIS_WORK_ITEM: an NDIS 5 work item, Windows x64
 * layout, in storage the miniport owns.
 * @Context: passed to @Routine, set by NdisInitializeWorkItem().
 * @Routine: called at PASSIVE_LEVEL, set by NdisInitializeWorkItem().
 * @WrapperReserved: holds the WORK_QUEUE_ITEM that NdisScheduleWorkItem()
 *	queues with ExQueueWorkItem: nothing is allocated.
 */
typedef struct _NDIS_WORK_ITEM {
	PVOID Context;
	NDIS_PROC Routine;
	UCHAR WrapperReserved[8 * sizeof(PVOID)];
} NDIS_WORK_ITEM, *PNDIS_WORK_ITEM;

NTWQ_STATIC_ASSERT(__builtin_offsetof(NDIS_WORK_ITEM, Context) == 0, "Context at 0");
NTWQ_STATIC_ASSERT(__builtin_offsetof(NDIS_WORK_ITEM, Routine) == 8, "Routine at 8");
NTWQ_STATIC_ASSERT(__builtin_offsetof(NDIS_WORK_ITEM, WrapperReserved) == 16,
		   "WrapperReserved at 16");
NTWQ_STATIC_ASSERT(sizeof(NDIS_WORK_ITEM) == 80, "NDIS_WORK_ITEM is 80 bytes on x64");
NTWQ_STATIC_ASSERT(sizeof(WORK_QUEUE_ITEM) <= 8 * sizeof(PVOID),
		   "a WORK_QUEUE_ITEM fits in WrapperReserved");

/**
 * NdisInitializeWorkItem - set up an NDIS_WORK_ITEM before scheduling it.
 * @WorkItem: storage the caller owns (not the stack: it must outlive the run).
 * @Routine: called at PASSIVE_LEVEL with @WorkItem and @Context; it may
 *	free @WorkItem's storage.
 * @Context: passed to @Routine as is.
 */
void NdisInitializeWorkItem(PNDIS_WORK_ITEM WorkItem, NDIS_PROC Routine, PVOID Context);

/**
 * NdisScheduleWorkItem - queue an NDIS_WORK_ITEM; callable at IRQL <= DISPATCH_LEVEL.
 * @WorkItem: initialized, not scheduled already.
 * @NtwqCaller: the caller's module (THIS_MODULE, passed by the macro).
 *
 * Queues the WORK_QUEUE_ITEM in WrapperReserved with ExQueueWorkItem on
 * CriticalWorkQueue: no allocation.  Beyond Windows, it pins the caller's
 * module until the routine has returned: the macro passes THIS_MODULE to
 * the exported routine, which keeps the Windows name.
 * Return: NDIS_STATUS_SUCCESS, or NDIS_STATUS_FAILURE when the call is
 * refused for misuse (a diagnostic: NULL item or routine, scheduled twice).
 */
NDIS_STATUS NdisScheduleWorkItem(PNDIS_WORK_ITEM WorkItem, struct module *NtwqCaller);
/* Windows' one-argument call: the caller's module is passed for it. */
#define NdisScheduleWorkItem(WorkItem) (NdisScheduleWorkItem)((WorkItem), THIS_MODULE)

NTWQ_EXTERN_C_END

#endif /* _NTWQ_NDIS_H */
