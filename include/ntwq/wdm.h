/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntwq/wdm.h - the WDM routines ntwq exports, under their Windows names.
 *
 * A ported driver includes this after its Linux headers and calls the
 * routines as it did on Windows.  The calling convention is the kernel's own
 * (not ms_abi).  See README.md for what each routine supports and where ntwq
 * deliberately differs from Windows.
 */
#ifndef _NTWQ_WDM_H
#define _NTWQ_WDM_H

#include <ntwq/ntdef.h>

NTWQ_EXTERN_C_BEGIN

struct module;

/**
 * typedef DEVICE_TYPE - a device object's type, such as FILE_DEVICE_UNKNOWN.
 *
 * ntwq stores it in DEVICE_OBJECT.DeviceType and does not interpret it.
 */
typedef ULONG DEVICE_TYPE;
#define FILE_DEVICE_UNKNOWN 0x00000022

/* Object type codes in the Type field (Windows' IO_TYPE_*). */
#define IO_TYPE_DEVICE 3
#define IO_TYPE_DRIVER 4

/* DEVICE_OBJECT.Flags that ntwq sets. */
#define DO_DEVICE_INITIALIZING 0x00000080
/* ntwq-specific: IoDeleteDevice was called (Windows keeps this elsewhere). */
#define DO_NTWQ_DELETE_PENDING 0x80000000

#define IRP_MJ_MAXIMUM_FUNCTION 0x1b

struct _DEVICE_OBJECT;
struct _IO_WORKITEM;
/**
 * DOC: PIO_WORKITEM
 *
 * An opaque handle to an Io work item: from IoAllocateWorkItem(), or storage
 * of IoSizeofWorkItem() bytes set up with IoInitializeWorkItem().
 */
typedef struct _IO_WORKITEM *PIO_WORKITEM;

/**
 * struct _DRIVER_OBJECT - DRIVER_OBJECT: a ported driver, from
 * NtwqCreateDriver().
 * @Type: IO_TYPE_DRIVER.
 * @Size: sizeof(DRIVER_OBJECT).
 * @DeviceObject: the driver's first device; the others follow through
 *                DEVICE_OBJECT.NextDevice.
 * @Flags: not used by ntwq.
 * @DriverStart: not used by ntwq.
 * @DriverSize: not used by ntwq.
 * @DriverSection: not used by ntwq.
 * @DriverExtension: not used by ntwq.
 * @DriverName: the name given to NtwqCreateDriver(), in UTF-16.
 * @HardwareDatabase: not used by ntwq.
 * @FastIoDispatch: not used by ntwq.
 * @DriverInit: not used by ntwq.
 * @DriverStartIo: not used by ntwq.
 * @DriverUnload: not used by ntwq (module_exit is the unload routine).
 * @MajorFunction: not used by ntwq (it dispatches no IRPs).
 *
 * The fields ntwq does not use exist so ported code that sets or reads them
 * compiles; ntwq leaves them as the driver sets them.
 */
typedef struct _DRIVER_OBJECT {
	CSHORT Type;
	CSHORT Size;
	struct _DEVICE_OBJECT *DeviceObject;
	ULONG Flags;
	PVOID DriverStart;
	ULONG DriverSize;
	PVOID DriverSection;
	PVOID DriverExtension;
	UNICODE_STRING DriverName;
	PUNICODE_STRING HardwareDatabase;
	PVOID FastIoDispatch;
	PVOID DriverInit;
	PVOID DriverStartIo;
	PVOID DriverUnload;
	PVOID MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT, *PDRIVER_OBJECT;

/**
 * struct _DEVICE_OBJECT - DEVICE_OBJECT: a device, from IoCreateDevice().
 * @Type: IO_TYPE_DEVICE.
 * @Size: sizeof(DEVICE_OBJECT).
 * @ReferenceCount: open handles in Windows; ntwq has no handles and leaves
 *                  it 0 (the object's references are kept, as in Windows,
 *                  in a header before the object: see ObfReferenceObject()).
 * @DriverObject: the driver that created the device.
 * @NextDevice: the driver's next device, or NULL.
 * @AttachedDevice: not used by ntwq.
 * @CurrentIrp: not used by ntwq.
 * @Timer: not used by ntwq.
 * @Flags: DO_* flags: DO_DEVICE_INITIALIZING from creation, as in Windows
 *         (ntwq does not look at it); IoDeleteDevice() sets
 *         DO_NTWQ_DELETE_PENDING.
 * @Characteristics: as given to IoCreateDevice().
 * @Vpb: not used by ntwq.
 * @DeviceExtension: the driver's per-device memory, zeroed, of the size given
 *                   to IoCreateDevice(); NULL for size 0.
 * @DeviceType: as given to IoCreateDevice().
 * @StackSize: 1 (ntwq has no device stacks).
 * @AlignmentRequirement: not used by ntwq.
 */
typedef struct _DEVICE_OBJECT {
	CSHORT Type;
	USHORT Size;
	LONG ReferenceCount;
	struct _DRIVER_OBJECT *DriverObject;
	struct _DEVICE_OBJECT *NextDevice;
	struct _DEVICE_OBJECT *AttachedDevice;
	PVOID CurrentIrp;
	PVOID Timer;
	ULONG Flags;
	ULONG Characteristics;
	PVOID Vpb;
	PVOID DeviceExtension;
	DEVICE_TYPE DeviceType;
	CHAR StackSize;
	ULONG AlignmentRequirement;
} DEVICE_OBJECT, *PDEVICE_OBJECT;

/**
 * enum _WORK_QUEUE_TYPE - WORK_QUEUE_TYPE: which queue a work item goes to,
 * with Windows' values.
 * @CriticalWorkQueue: a high-priority queue (Linux WQ_HIGHPRI).
 * @DelayedWorkQueue: the ordinary queue (per-CPU).
 * @HyperCriticalWorkQueue: a high-priority queue (WQ_HIGHPRI).
 * @NormalWorkQueue: the ordinary queue (per-CPU).
 * @BackgroundWorkQueue: a low-priority queue (WQ_UNBOUND, its priority set by
 *                       the administrator in sysfs).
 * @RealTimeWorkQueue: a high-priority queue (WQ_HIGHPRI).
 * @SuperCriticalWorkQueue: a high-priority queue (WQ_HIGHPRI).
 * @MaximumWorkQueue: not a queue; invalid.
 * @CustomPriorityWorkQueue: plus a priority 0 to 31: 13-31 high, 8-12
 *                           ordinary, 0-7 background.
 *
 * Every queue can make progress under memory pressure (WQ_MEM_RECLAIM), so
 * an item that was queued always starts.  Other values are invalid.
 */
typedef enum _WORK_QUEUE_TYPE {
	CriticalWorkQueue = 0,
	DelayedWorkQueue = 1,
	HyperCriticalWorkQueue = 2,
	NormalWorkQueue = 3,
	BackgroundWorkQueue = 4,
	RealTimeWorkQueue = 5,
	SuperCriticalWorkQueue = 6,
	MaximumWorkQueue = 7,
	CustomPriorityWorkQueue = 32
} WORK_QUEUE_TYPE;

/**
 * typedef IO_WORKITEM_ROUTINE - a work routine for IoQueueWorkItem().
 * @DeviceObject: the device the item was allocated or initialized for.
 * @Context: the context passed to IoQueueWorkItem().
 *
 * Runs at PASSIVE_LEVEL in a Linux worker thread and may sleep.  The device
 * and the driver's module stay pinned until it returns.
 */
typedef VOID IO_WORKITEM_ROUTINE(PDEVICE_OBJECT DeviceObject, PVOID Context);
typedef IO_WORKITEM_ROUTINE *PIO_WORKITEM_ROUTINE;
/**
 * typedef IO_WORKITEM_ROUTINE_EX - a work routine for IoQueueWorkItemEx()
 * and IoTryQueueWorkItem().
 * @IoObject: the device or driver object of the item.
 * @Context: the context passed to the queue call.
 * @IoWorkItem: the item itself; the routine may queue or free it again.
 *
 * Runs at PASSIVE_LEVEL in a Linux worker thread and may sleep.
 */
typedef VOID IO_WORKITEM_ROUTINE_EX(PVOID IoObject, PVOID Context,
				    PIO_WORKITEM IoWorkItem);
typedef IO_WORKITEM_ROUTINE_EX *PIO_WORKITEM_ROUTINE_EX;

/**
 * KeGetCurrentIrql - the IRQL the caller runs at, as Linux context maps to it.
 *
 * Context: any.
 * Return: PASSIVE_LEVEL in sleepable task context; DISPATCH_LEVEL with
 * preemption, bottom halves or interrupts disabled, inside rcu_read_lock()
 * (also where preemptible RCU leaves preemption on) and in softirq context;
 * HIGH_LEVEL in hard-irq and NMI context.
 */
KIRQL KeGetCurrentIrql(void);

/* ---- executive work items ---- */

/**
 * typedef WORKER_THREAD_ROUTINE - the routine of an executive work item.
 * @Parameter: WORK_QUEUE_ITEM.Parameter, as set by ExInitializeWorkItem().
 *
 * Runs at PASSIVE_LEVEL in a Linux worker thread and may sleep.  The item is
 * its owner's again when the routine starts: the routine may free or re-queue
 * it.
 */
typedef VOID WORKER_THREAD_ROUTINE(PVOID Parameter);
typedef WORKER_THREAD_ROUTINE *PWORKER_THREAD_ROUTINE;

/**
 * struct _WORK_QUEUE_ITEM - WORK_QUEUE_ITEM: an executive work item, in
 * storage the caller owns.
 * @List: while queued, ntwq's link (@List.Flink is non-NULL exactly while the
 *        item is queued); NULL from ExInitializeWorkItem().
 * @WorkerRoutine: the routine, set by ExInitializeWorkItem().
 * @Parameter: passed to @WorkerRoutine, set by ExInitializeWorkItem().
 *
 * The layout is Windows x64's exactly (32 bytes: @List at 0, @WorkerRoutine
 * at 16, @Parameter at 24), asserted below: binary-layout shims depend on it.
 */
typedef struct _WORK_QUEUE_ITEM {
	LIST_ENTRY List;
	PWORKER_THREAD_ROUTINE WorkerRoutine;
	volatile PVOID Parameter;
} WORK_QUEUE_ITEM, *PWORK_QUEUE_ITEM;

NTWQ_STATIC_ASSERT(__builtin_offsetof(WORK_QUEUE_ITEM, List) == 0, "List at 0");
NTWQ_STATIC_ASSERT(__builtin_offsetof(WORK_QUEUE_ITEM, WorkerRoutine) == 16,
		   "WorkerRoutine at 16");
NTWQ_STATIC_ASSERT(__builtin_offsetof(WORK_QUEUE_ITEM, Parameter) == 24, "Parameter at 24");
NTWQ_STATIC_ASSERT(sizeof(WORK_QUEUE_ITEM) == 32, "WORK_QUEUE_ITEM is 32 bytes");

/**
 * ExInitializeWorkItem - set up a WORK_QUEUE_ITEM before ExQueueWorkItem.
 * @Item: the item, in storage the caller owns (the stack included).
 * @Routine: called once per queueing, with @Parameter, at PASSIVE_LEVEL.
 * @Parameter: passed to @Routine as is.
 *
 * Context: any.
 */
static inline void ExInitializeWorkItem(PWORK_QUEUE_ITEM Item,
					PWORKER_THREAD_ROUTINE Routine, PVOID Parameter)
{
	Item->WorkerRoutine = Routine;
	Item->Parameter = Parameter;
	Item->List.Flink = (PLIST_ENTRY)0;
}

/**
 * ExQueueWorkItem - queue an executive work item; callable in any context.
 * @WorkItem: initialised with ExInitializeWorkItem; not queued already.
 * @QueueType: a WORK_QUEUE_TYPE.
 * @NtwqCaller: the caller's module (THIS_MODULE), pinned from queueing until
 *              the routine has returned; NULL for code built into the kernel.
 *
 * ntwq links the item through its own List field (List.Flink is non-NULL
 * while it is queued, NULL again once it is dequeued, before its routine
 * runs) and allocates nothing.  Ported code calls it with Windows' two
 * arguments: the ExQueueWorkItem(WorkItem, QueueType) macro below passes
 * THIS_MODULE as @NtwqCaller to the exported routine, which keeps the
 * Windows name.  The routine must lie in @NtwqCaller's text, else the call is
 * refused with WORKER_INVALID(7); an item already queued is refused with
 * WORKER_INVALID(1) and runs once.
 *
 * Context: any, hard irq included.
 */
void ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType,
		     struct module *NtwqCaller);
/* Windows' two-argument call: the caller's module is passed for it. */
#define ExQueueWorkItem(WorkItem, QueueType) \
	(ExQueueWorkItem)((WorkItem), (QueueType), THIS_MODULE)

/* ---- objects ---- */

/**
 * NtwqCreateDriver - register a ported driver (ntwq's DriverEntry step).
 * @Owner: THIS_MODULE of the driver; pinned while its work items are pending.
 * @Name: the driver's name, for diagnostics and debugfs (copied).
 * @DriverObject: receives the driver object.
 *
 * Context: PASSIVE_LEVEL, normally from module_init.
 * Return: STATUS_SUCCESS, STATUS_INVALID_PARAMETER (NULL or empty @Name,
 * NULL @DriverObject) or STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NtwqCreateDriver(struct module *Owner, const char *Name,
			  PDRIVER_OBJECT *DriverObject);

/**
 * NtwqDeleteDriver - unregister a driver, from its module_exit.
 * @DriverObject: from NtwqCreateDriver.
 *
 * Deletes the KMDF objects the driver left (children first, with the
 * NTWQ_WDF_OBJECTS_LEFT diagnostic), refuses new work, waits until every work
 * item of the driver and its devices has returned, deletes devices the driver
 * left behind (NTWQ_DEVICES_LEFT), then drops the driver object.  Afterwards
 * ntwq runs no code of the driver's module.
 *
 * Context: PASSIVE_LEVEL, not from one of the driver's work items.
 */
void NtwqDeleteDriver(PDRIVER_OBJECT DriverObject);

/**
 * IoCreateDevice - create a device object for a driver.
 * @DriverObject: from NtwqCreateDriver().
 * @DeviceExtensionSize: bytes of zeroed DEVICE_OBJECT.DeviceExtension.
 * @DeviceName: accepted and ignored (ntwq has no object namespace).
 * @DeviceType: stored in DEVICE_OBJECT.DeviceType.
 * @DeviceCharacteristics: stored in DEVICE_OBJECT.Characteristics.
 * @Exclusive: accepted and ignored.
 * @DeviceObject: receives the device, linked into the driver's device list.
 *
 * Context: PASSIVE_LEVEL.
 * Return: STATUS_SUCCESS, STATUS_INVALID_PARAMETER (not a live driver
 * object, NULL @DeviceObject) or STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
			PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
			ULONG DeviceCharacteristics, BOOLEAN Exclusive,
			PDEVICE_OBJECT *DeviceObject);
/**
 * IoDeleteDevice - delete a device object.
 * @DeviceObject: from IoCreateDevice(), not deleted yet.
 *
 * Unlinks the device from its driver, sets DO_NTWQ_DELETE_PENDING in its
 * Flags and drops the creator's reference.  The memory lives on while
 * anything references it: a pending work item keeps its device valid until
 * its routine has returned.  A second delete is WORKER_INVALID(3), ignored.
 *
 * Context: PASSIVE_LEVEL.
 */
void IoDeleteDevice(PDEVICE_OBJECT DeviceObject);

/**
 * ObfReferenceObject - take a reference on a driver or device object.
 * @Object: a live DRIVER_OBJECT or DEVICE_OBJECT.
 *
 * Ported code calls it through the ObReferenceObject() macro.
 *
 * Context: any.
 * Return: the new reference count, for diagnostics only (as in Windows);
 * 0 with WORKER_INVALID(3) if @Object is not a live ntwq object.
 */
LONG_PTR ObfReferenceObject(PVOID Object);
/**
 * ObfDereferenceObject - drop a reference taken with ObfReferenceObject().
 * @Object: a live DRIVER_OBJECT or DEVICE_OBJECT.
 *
 * The last reference of a deleted object frees it.  Ported code calls it
 * through the ObDereferenceObject() macro.
 *
 * Context: any.
 * Return: the reference count left, for diagnostics only; 0 with
 * WORKER_INVALID(3) if @Object is not a live ntwq object.
 */
LONG_PTR ObfDereferenceObject(PVOID Object);
#define ObReferenceObject(Object) ObfReferenceObject(Object)
#define ObDereferenceObject(Object) ObfDereferenceObject(Object)

/* ---- WDM work items ---- */

/**
 * IoAllocateWorkItem - allocate a work item for a device.
 * @DeviceObject: a live device object; referenced until the item is freed.
 *
 * Context: PASSIVE_LEVEL or DISPATCH_LEVEL (it allocates with GFP_ATOMIC
 * there).
 * Return: the item, or NULL when memory is short or @DeviceObject is not a
 * live device (WORKER_INVALID(3)).
 */
PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject);
/**
 * IoFreeWorkItem - free an item from IoAllocateWorkItem().
 * @IoWorkItem: the item; may be called from the item's own routine.
 *
 * Freeing a queued item is WORKER_INVALID(2): ntwq cancels the run and frees
 * the memory once no worker can read it.  An item from
 * IoInitializeWorkItem() is refused (INVALID_WORK_QUEUE_ITEM).
 *
 * Context: PASSIVE_LEVEL or DISPATCH_LEVEL.
 */
void IoFreeWorkItem(PIO_WORKITEM IoWorkItem);
/**
 * IoQueueWorkItem - queue a work item with a classic routine.
 * @IoWorkItem: an item that is not queued already.
 * @WorkerRoutine: called once, with the item's device and @Context; must lie
 *                 in the driver's module.
 * @QueueType: a valid WORK_QUEUE_TYPE.
 * @Context: passed to @WorkerRoutine.
 *
 * Allocates nothing and never sleeps.  From queueing until the routine has
 * returned, the item pins its device, its driver's work and the driver's
 * module (rmmod fails with EBUSY).  Misuse is diagnosed and the item is not
 * queued: already queued (WORKER_INVALID(1)), bad queue type
 * (WORKER_INVALID(6)), routine outside the driver's module
 * (WORKER_INVALID(7)), driver deleted (NTWQ_DRIVER_DELETED).
 *
 * Context: any, hard irq included.
 */
void IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
		     WORK_QUEUE_TYPE QueueType, PVOID Context);
/**
 * IoQueueWorkItemEx - queue a work item with an extended routine.
 * @IoWorkItem: an item that is not queued already.
 * @WorkerRoutine: called once, with the item's IoObject, @Context and the
 *                 item; must lie in the driver's module.
 * @QueueType: a valid WORK_QUEUE_TYPE.
 * @Context: passed to @WorkerRoutine.
 *
 * As IoQueueWorkItem(), with the IO_WORKITEM_ROUTINE_EX signature.
 *
 * Context: any, hard irq included.
 */
void IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem,
		       PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
		       WORK_QUEUE_TYPE QueueType, PVOID Context);
/**
 * IoTryQueueWorkItem - queue a work item if the call is valid.
 * @IoWorkItem: an item that is not queued already.
 * @WorkerRoutine: as for IoQueueWorkItemEx().
 * @QueueType: a valid WORK_QUEUE_TYPE.
 * @Context: passed to @WorkerRoutine.
 *
 * Windows may refuse when it cannot get a worker thread; ntwq never has to
 * (queueing allocates nothing and every queue has a rescuer thread).
 *
 * Context: any, hard irq included.
 * Return: TRUE if queued; FALSE only when the call is refused for misuse
 * (already queued, invalid queue type, routine or item), with the diagnostic.
 */
BOOLEAN IoTryQueueWorkItem(PIO_WORKITEM IoWorkItem,
			   PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
			   WORK_QUEUE_TYPE QueueType, PVOID Context);
/**
 * IoSizeofWorkItem - the storage IoInitializeWorkItem() needs.
 *
 * Context: any.
 * Return: the size of ntwq's item in bytes; it depends on the kernel's
 * configuration, so allocate what this returns rather than a constant.
 */
ULONG IoSizeofWorkItem(void);
/**
 * IoInitializeWorkItem - set up a work item in the caller's storage.
 * @IoObject: a live device or driver object; referenced until the item is
 *            uninitialized.
 * @IoWorkItem: IoSizeofWorkItem() bytes anywhere, the stack included.
 *
 * Storage that holds a queued item is refused (WORKER_INVALID(1)): the queued
 * run goes on.
 *
 * Context: PASSIVE_LEVEL or DISPATCH_LEVEL.
 */
void IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem);
/**
 * IoUninitializeWorkItem - end an item from IoInitializeWorkItem().
 * @IoWorkItem: the item; its storage is the caller's again on return.
 *
 * Uninitializing a queued item is WORKER_INVALID(2): ntwq cancels the run and
 * never reads the storage again, even if a worker had already taken the item.
 * An item from IoAllocateWorkItem() is refused (INVALID_WORK_QUEUE_ITEM).
 *
 * Context: any IRQL.
 */
void IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem);

NTWQ_EXTERN_C_END

#endif /* _NTWQ_WDM_H */
