// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_ndis.c - NDIS work items on ntwq's public API (<ntwq/ndis.h>).
 *
 * A client of ntwq like any ported driver: Linux headers and ntwq's public
 * headers only, ntwq's exported symbols only (built against its
 * Module.symvers; see shims/ndis/Kbuild).
 *
 * Objects.  A miniport driver handle is an ntwq driver object (owner: the
 * miniport's module); the shim's state for it hangs off DriverExtension.
 * An adapter handle is an ntwq device object whose extension holds the
 * adapter's state.  Each adapter's device belongs to a driver object of
 * its own (same owner, same name), so halting an adapter is
 * NtwqDeleteDriver on that object: new work is refused
 * (NTWQ_DRIVER_DELETED) and pending work is waited for, exactly as for a
 * driver, while the device's memory lives as long as a work item holds it.
 *
 * Work items.  NDIS 6 items are ntwq Io items of the "ndis" family: the
 * handle is the PIO_WORKITEM, and ndis_io_call() turns ntwq's call into
 * NDIS_IO_WORKITEM_ROUTINE(WorkItemContext, handle).  NDIS 5 items carry a
 * WORK_QUEUE_ITEM in WrapperReserved, queued as an executive item of the
 * family: WorkerRoutine is the NDIS_PROC, Parameter its Context, and
 * ndis_ex_call() finds the NDIS_WORK_ITEM from the WORK_QUEUE_ITEM's
 * address without reading it.  Neither path allocates per queue call.
 */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <ntwq/ndis.h>
#include <ntwq/shim.h>

#define NDIS_MINIPORT_MAGIC 0x4d73646e /* "ndsM" */
#define NDIS_ADAPTER_MAGIC 0x4173646e  /* "ndsA" */
#define NDIS_DEAD_MAGIC 0x6473646e     /* "ndsd" */

/*
 * Field legend: I: set at creation; L: ndis_miniport::lock (a mutex: every
 * user is at PASSIVE_LEVEL, and a deregistration asks ntwq about each
 * adapter while holding it).
 */
struct ndis_miniport {
	u32 magic;			/* I, then NDIS_DEAD_MAGIC at deregistration */
	struct module *owner;		/* I */
	NDIS_HANDLE context;		/* I: MiniportDriverContext */
	char name[32];			/* I */
	struct mutex lock;
	struct list_head adapters;	/* L: adapters not halted yet */
};

/* In the adapter device's extension. */
struct ndis_adapter {
	u32 magic;			/* I */
	struct list_head node;		/* L: in ndis_miniport::adapters */
	PDEVICE_OBJECT device;		/* I: the adapter handle */
	PDRIVER_OBJECT work;		/* I: the adapter's own driver object (see above) */
	struct ndis_miniport *miniport;	/* I */
	NDIS_HANDLE context;		/* I: MiniportAdapterContext */
};

static VOID ndis_io_call(PVOID Routine, PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	((NDIS_IO_WORKITEM_ROUTINE)Routine)(Context, (NDIS_HANDLE)IoWorkItem);
}

static VOID ndis_ex_call(PVOID Routine, PVOID Parameter, PWORK_QUEUE_ITEM WorkItem)
{
	PNDIS_WORK_ITEM item = container_of((void *)WorkItem, NDIS_WORK_ITEM, WrapperReserved);

	((NDIS_PROC)Routine)(item, Parameter);
}

static NTWQ_API_FAMILY ndis_family = {
	.Name = "ndis",
	.IoCall = ndis_io_call,
	.ExCall = ndis_ex_call,
};

static struct ndis_miniport *ndis_miniport_of(NDIS_HANDLE handle, const char *api)
{
	PDRIVER_OBJECT driver = handle;
	struct ndis_miniport *m;

	if (driver && driver->Type == IO_TYPE_DRIVER) {
		m = driver->DriverExtension;
		if (m && m->magic == NDIS_MINIPORT_MAGIC)
			return m;
	}
	pr_err_ratelimited("%s: not a miniport driver handle; ignored\n", api);
	return NULL;
}

static struct ndis_adapter *ndis_adapter_of(NDIS_HANDLE handle, const char *api)
{
	PDEVICE_OBJECT device = handle;
	struct ndis_adapter *a;

	/* A halted adapter's memory stays valid while its work items hold it. */
	if (device && device->Type == IO_TYPE_DEVICE &&
	    !(device->Flags & DO_NTWQ_DELETE_PENDING)) {
		a = device->DeviceExtension;
		if (a && a->magic == NDIS_ADAPTER_MAGIC)
			return a;
	}
	if (api)
		pr_err_ratelimited("%s: not an adapter handle; ignored\n", api);
	return NULL;
}

NDIS_STATUS NtwqNdisRegisterMiniportDriver(struct module *Owner, const char *Name,
					   NDIS_HANDLE MiniportDriverContext,
					   PNDIS_HANDLE NdisMiniportDriverHandle)
{
	PDRIVER_OBJECT driver;
	struct ndis_miniport *m;
	NTSTATUS st;

	if (!NdisMiniportDriverHandle || !Name)
		return NDIS_STATUS_INVALID_PARAMETER;
	*NdisMiniportDriverHandle = NULL;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return NDIS_STATUS_RESOURCES;
	st = NtwqCreateDriver(Owner, Name, &driver);
	if (!NT_SUCCESS(st)) {
		kfree(m);
		return st;
	}
	m->owner = Owner;
	m->context = MiniportDriverContext;
	strscpy(m->name, Name, sizeof(m->name));
	mutex_init(&m->lock);
	INIT_LIST_HEAD(&m->adapters);
	m->magic = NDIS_MINIPORT_MAGIC;
	driver->DriverExtension = m;
	*NdisMiniportDriverHandle = driver;
	return NDIS_STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(NtwqNdisRegisterMiniportDriver);

NDIS_STATUS NtwqNdisInitializeAdapter(NDIS_HANDLE NdisMiniportDriverHandle,
				      NDIS_HANDLE MiniportAdapterContext,
				      PNDIS_HANDLE MiniportAdapterHandle)
{
	struct ndis_miniport *m = ndis_miniport_of(NdisMiniportDriverHandle,
						   "NtwqNdisInitializeAdapter");
	PDRIVER_OBJECT work;
	PDEVICE_OBJECT device;
	struct ndis_adapter *a;
	NTSTATUS st;

	if (!m || !MiniportAdapterHandle)
		return NDIS_STATUS_INVALID_PARAMETER;
	*MiniportAdapterHandle = NULL;
	st = NtwqCreateDriver(m->owner, m->name, &work);
	if (!NT_SUCCESS(st))
		return st;
	st = IoCreateDevice(work, sizeof(*a), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
	if (!NT_SUCCESS(st)) {
		NtwqDeleteDriver(work);
		return st;
	}
	a = device->DeviceExtension;
	a->device = device;
	a->work = work;
	a->miniport = m;
	a->context = MiniportAdapterContext;
	a->magic = NDIS_ADAPTER_MAGIC;
	mutex_lock(&m->lock);
	list_add_tail(&a->node, &m->adapters);
	mutex_unlock(&m->lock);
	*MiniportAdapterHandle = device;
	return NDIS_STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(NtwqNdisInitializeAdapter);

static void ndis_halt(struct ndis_adapter *a)
{
	PDEVICE_OBJECT device = a->device;
	PDRIVER_OBJECT work = a->work;

	/*
	 * Marks it halted (DO_NTWQ_DELETE_PENDING); its memory lives while a
	 * work item holds it.
	 */
	IoDeleteDevice(device);
	/* Refuses the adapter's new work, waits for what is pending. */
	NtwqDeleteDriver(work);
}

VOID NtwqNdisHaltAdapter(NDIS_HANDLE MiniportAdapterHandle)
{
	struct ndis_adapter *a = ndis_adapter_of(MiniportAdapterHandle, "NtwqNdisHaltAdapter");

	if (!a)
		return;
	/* From the adapter's own work item, or raised: refused, nothing undone. */
	if (!NtwqCanDeleteDriver(a->work, "NtwqNdisHaltAdapter"))
		return;
	mutex_lock(&a->miniport->lock);
	list_del_init(&a->node);
	mutex_unlock(&a->miniport->lock);
	ndis_halt(a);
}
EXPORT_SYMBOL_GPL(NtwqNdisHaltAdapter);

NDIS_HANDLE NtwqNdisAdapterContext(NDIS_HANDLE MiniportAdapterHandle)
{
	PDEVICE_OBJECT device = MiniportAdapterHandle;
	struct ndis_adapter *a;

	/* Also while halting: the adapter's work items may still ask. */
	if (!device || device->Type != IO_TYPE_DEVICE)
		return NULL;
	a = device->DeviceExtension;
	return a && a->magic == NDIS_ADAPTER_MAGIC ? a->context : NULL;
}
EXPORT_SYMBOL_GPL(NtwqNdisAdapterContext);

VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle)
{
	struct ndis_miniport *m = ndis_miniport_of(NdisMiniportDriverHandle,
						   "NdisMDeregisterMiniportDriver");
	PDRIVER_OBJECT driver = NdisMiniportDriverHandle;
	struct ndis_adapter *a;

	bool refused = false;

	if (!m)
		return;
	/*
	 * From a work item of the driver or of one of its adapters, or
	 * raised, the deletes below would refuse (or wait for themselves):
	 * refused before anything is undone.
	 */
	if (!NtwqCanDeleteDriver(driver, "NdisMDeregisterMiniportDriver"))
		return;
	mutex_lock(&m->lock);
	list_for_each_entry(a, &m->adapters, node) {
		if (!NtwqCanDeleteDriver(a->work, "NdisMDeregisterMiniportDriver")) {
			refused = true;
			break;
		}
	}
	mutex_unlock(&m->lock);
	if (refused)
		return;
	for (;;) {
		mutex_lock(&m->lock);
		a = list_first_entry_or_null(&m->adapters, struct ndis_adapter, node);
		if (a)
			list_del_init(&a->node);
		mutex_unlock(&m->lock);
		if (!a)
			break;
		pr_err_ratelimited("NdisMDeregisterMiniportDriver: %s: adapter not halted; halted now\n",
				   m->name);
		ndis_halt(a);
	}
	m->magic = NDIS_DEAD_MAGIC;
	driver->DriverExtension = NULL;
	/* Refuses the driver handle's new work, waits for what is pending. */
	NtwqDeleteDriver(driver);
	mutex_destroy(&m->lock);
	kfree(m);
}
EXPORT_SYMBOL_GPL(NdisMDeregisterMiniportDriver);

NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle)
{
	return NtwqAllocateWorkItem(&ndis_family, NdisObjectHandle, "NdisAllocateIoWorkItem");
}
EXPORT_SYMBOL_GPL(NdisAllocateIoWorkItem);

VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine,
			 PVOID WorkItemContext)
{
	/* NDIS work items use CriticalWorkQueue (Microsoft's documentation). */
	NtwqQueueWorkItem(NdisIoWorkItemHandle, Routine, CriticalWorkQueue, WorkItemContext,
			  "NdisQueueIoWorkItem");
}
EXPORT_SYMBOL_GPL(NdisQueueIoWorkItem);

VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle)
{
	NtwqFreeWorkItem(NdisIoWorkItemHandle, "NdisFreeIoWorkItem");
}
EXPORT_SYMBOL_GPL(NdisFreeIoWorkItem);

static PWORK_QUEUE_ITEM ndis_ex_item(PNDIS_WORK_ITEM WorkItem)
{
	return (PWORK_QUEUE_ITEM)(void *)WorkItem->WrapperReserved;
}

VOID NdisInitializeWorkItem(PNDIS_WORK_ITEM WorkItem, NDIS_PROC Routine, PVOID Context)
{
	if (!WorkItem) {
		pr_err_ratelimited("NdisInitializeWorkItem: NULL work item; ignored\n");
		return;
	}
	WorkItem->Context = Context;
	WorkItem->Routine = Routine;
	ExInitializeWorkItem(ndis_ex_item(WorkItem), (PWORKER_THREAD_ROUTINE)(void *)Routine,
			     Context);
}
EXPORT_SYMBOL_GPL(NdisInitializeWorkItem);

NDIS_STATUS (NdisScheduleWorkItem)(PNDIS_WORK_ITEM WorkItem, struct module *NtwqCaller)
{
	PWORK_QUEUE_ITEM ex = WorkItem ? ndis_ex_item(WorkItem) : NULL;

	/*
	 * Routine and Context as they are now (a driver may set them without
	 * NdisInitializeWorkItem); not while the item is queued, whose run
	 * keeps what it was queued with (ntwq then refuses the call).
	 */
	if (ex && !READ_ONCE(ex->List.Flink)) {
		ex->WorkerRoutine = (PWORKER_THREAD_ROUTINE)(void *)WorkItem->Routine;
		ex->Parameter = WorkItem->Context;
	}
	return NtwqQueueExWorkItem(&ndis_family, ex, CriticalWorkQueue, NtwqCaller,
				   "NdisScheduleWorkItem")
		       ? NDIS_STATUS_SUCCESS
		       : NDIS_STATUS_FAILURE;
}
EXPORT_SYMBOL_GPL(NdisScheduleWorkItem);

static int __init ntwq_ndis_init(void)
{
	NTSTATUS st = NtwqRegisterApiFamily(&ndis_family);

	return NT_SUCCESS(st) ? 0 : -EBUSY;
}

static void __exit ntwq_ndis_exit(void)
{
	NtwqUnregisterApiFamily(&ndis_family);
}

module_init(ntwq_ndis_init);
module_exit(ntwq_ndis_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("NDIS work items (NDIS 6 I/O and NDIS 5) on ntwq");
