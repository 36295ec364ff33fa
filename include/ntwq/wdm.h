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
typedef struct _IO_WORKITEM *PIO_WORKITEM;

/*
 * The driver object.  ntwq fills Type, Size, DeviceObject (the head of the
 * driver's device list, linked through NextDevice) and DriverName; the other
 * fields exist so ported code that sets or reads them compiles.
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

/*
 * The device object.  ReferenceCount counts open handles in Windows; ntwq has
 * no handles and leaves it 0 (the object's references are kept, as in
 * Windows, in a header before the object: see ObReferenceObject).
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

/* Work queue types, with Windows' values. */
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

typedef VOID IO_WORKITEM_ROUTINE(PDEVICE_OBJECT DeviceObject, PVOID Context);
typedef IO_WORKITEM_ROUTINE *PIO_WORKITEM_ROUTINE;
typedef VOID IO_WORKITEM_ROUTINE_EX(PVOID IoObject, PVOID Context,
				    PIO_WORKITEM IoWorkItem);
typedef IO_WORKITEM_ROUTINE_EX *PIO_WORKITEM_ROUTINE_EX;

/**
 * KeGetCurrentIrql - the IRQL the caller runs at, as Linux context maps to it.
 *
 * PASSIVE_LEVEL in sleepable task context; DISPATCH_LEVEL with preemption,
 * bottom halves or interrupts disabled and in softirq context; HIGH_LEVEL in
 * hard-irq and NMI context.
 */
KIRQL KeGetCurrentIrql(void);

/* ---- executive work items ---- */

typedef VOID WORKER_THREAD_ROUTINE(PVOID Parameter);
typedef WORKER_THREAD_ROUTINE *PWORKER_THREAD_ROUTINE;

/* Windows x64 layout exactly: binary-layout shims depend on it. */
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
 */
static inline VOID ExInitializeWorkItem(PWORK_QUEUE_ITEM Item,
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
 *
 * ntwq links the item through its own List field (List.Flink is non-NULL
 * while it is queued, NULL again once it is dequeued, before its routine
 * runs) and allocates nothing.  Beyond Windows, it pins the caller's module
 * from queueing until the routine has returned: the macro passes THIS_MODULE
 * to the exported routine, which keeps the Windows name.
 */
VOID (ExQueueWorkItem)(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType,
		       struct module *NtwqCaller);
#define ExQueueWorkItem(WorkItem, QueueType) \
	(ExQueueWorkItem)((WorkItem), (QueueType), THIS_MODULE)

/* ---- objects ---- */

/**
 * NtwqCreateDriver - register a ported driver (ntwq's DriverEntry step).
 * @Owner: THIS_MODULE of the driver; pinned while its work items are pending.
 * @Name: the driver's name, for diagnostics and debugfs (copied).
 * @DriverObject: receives the driver object.
 *
 * Call at PASSIVE_LEVEL, normally from module_init.
 * Return: STATUS_SUCCESS, STATUS_INVALID_PARAMETER or
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NtwqCreateDriver(struct module *Owner, const char *Name,
			  PDRIVER_OBJECT *DriverObject);

/**
 * NtwqDeleteDriver - unregister a driver, from its module_exit.
 * @DriverObject: from NtwqCreateDriver.
 *
 * Waits until every work item of the driver and its devices has returned,
 * deletes devices the driver left behind (with a diagnostic), then drops the
 * driver object.  Afterwards ntwq runs no code of the driver's module.
 * Call at PASSIVE_LEVEL, not from one of the driver's work items.
 */
VOID NtwqDeleteDriver(PDRIVER_OBJECT DriverObject);

NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
			PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
			ULONG DeviceCharacteristics, BOOLEAN Exclusive,
			PDEVICE_OBJECT *DeviceObject);
VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject);

/* Returns the new reference count (for diagnostics only, as in Windows). */
LONG_PTR ObfReferenceObject(PVOID Object);
LONG_PTR ObfDereferenceObject(PVOID Object);
#define ObReferenceObject(Object) ObfReferenceObject(Object)
#define ObDereferenceObject(Object) ObfDereferenceObject(Object)

/* ---- WDM work items ---- */

PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject);
VOID IoFreeWorkItem(PIO_WORKITEM IoWorkItem);
VOID IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
		     WORK_QUEUE_TYPE QueueType, PVOID Context);
VOID IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem,
		       PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
		       WORK_QUEUE_TYPE QueueType, PVOID Context);
BOOLEAN IoTryQueueWorkItem(PIO_WORKITEM IoWorkItem,
			   PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
			   WORK_QUEUE_TYPE QueueType, PVOID Context);
ULONG IoSizeofWorkItem(VOID);
VOID IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem);
VOID IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem);

NTWQ_EXTERN_C_END

#endif /* _NTWQ_WDM_H */
