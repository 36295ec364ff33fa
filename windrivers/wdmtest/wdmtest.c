// SPDX-License-Identifier: GPL-2.0
/*
 * wdmtest.c - a WDM test driver, written as a Windows driver author writes one
 * and built by MinGW-w64 into wdmtest.sys, a PE32+ image importing from
 * ntoskrnl.exe (see Makefile).
 *
 * DriverEntry creates a device and queues four work items, one per way of
 * queueing; each routine checks its arguments and IRQL and records what it
 * saw in WdmTestResults, which the driver exports for its test harnesses.
 * One routine re-queues its item WDMTEST_REQUEUES times and then frees it;
 * the driver's exported WdmTestQueueAtDispatch is what a DPC would call: the
 * harness calls it at DISPATCH_LEVEL and it queues a fifth item from there
 * (KeRaiseIrql/KeLowerIrql would raise the IRQL from inside the driver, but
 * ntwq does not provide them).  Its exported WdmTestQueueHeld queues an item
 * whose routine sleeps (KeDelayExecutionThread) for as long as the harness
 * keeps the exported WdmTestHold set, so the harness knows the driver's work
 * is pending.  DriverUnload frees everything that is left.
 *
 * The driver also carries, on purpose, each kind of reference a converter
 * must get right: pointers in .rdata to .text and .rdata, in .data to .rdata
 * and .bss (base relocations), and RIP-relative references from .text to
 * every data section and to the import address table.
 */
#include "wdm.h"
#include "wdmtest.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD WdmTestUnload;
static IO_WORKITEM_ROUTINE WdmTestIoRoutine;
static IO_WORKITEM_ROUTINE WdmTestDispatchRoutine;
static IO_WORKITEM_ROUTINE_EX WdmTestIoExRoutine;
static IO_WORKITEM_ROUTINE_EX WdmTestTryRoutine;
static WORKER_THREAD_ROUTINE WdmTestExRoutine;
static IO_WORKITEM_ROUTINE_EX WdmTestHeldRoutine;

/* What the harness reads (.bss; exported data). */
__declspec(dllexport) struct wdmtest_results WdmTestResults;
/* Set by the harness: the held item's routine sleeps while it is nonzero. */
__declspec(dllexport) volatile LONG WdmTestHold;

/* The device's extension: the driver's state, and storage for one item. */
typedef struct _WDMTEST_EXTENSION {
	PIO_WORKITEM IoItem;		/* IoQueueWorkItem; freed at unload */
	PIO_WORKITEM IoExItem;		/* IoQueueWorkItemEx; freed by its routine */
	PIO_WORKITEM DispatchItem;	/* queued by WdmTestQueueAtDispatch */
	PIO_WORKITEM TryItem;		/* IoTryQueueWorkItem; in TryItemStorage */
	ULONG IoExRuns;			/* runs of IoExItem (never concurrent) */
	WORK_QUEUE_ITEM ExItem;		/* ExQueueWorkItem */
	__attribute__((aligned(16))) UCHAR TryItemStorage[];	/* IoSizeofWorkItem() bytes */
} WDMTEST_EXTENSION, *PWDMTEST_EXTENSION;

static PDEVICE_OBJECT WdmTestDevice;	/* .bss */

/* Context tokens: each routine checks it got its own. */
static ULONG IoContext = 1, IoExContext = 2, TryContext = 3, DispatchContext = 4;
static ULONG HeldContext = 5;

/*
 * How the re-queueing item is queued, read through a pointer the compiler
 * cannot see through: the routine pointer DriverEntry queues comes from a
 * table in .rdata (a base relocation to .text), the table's address from
 * .data (one to .rdata), and ResultsPointer from .data (one to .bss).
 */
typedef struct _WDMTEST_PLAN {
	const char *Name;
	PIO_WORKITEM_ROUTINE_EX Routine;
	WORK_QUEUE_TYPE QueueType;
} WDMTEST_PLAN;

static const WDMTEST_PLAN IoExPlan = {
	"io_ex", WdmTestIoExRoutine, CriticalWorkQueue,
};
static const WDMTEST_PLAN *volatile IoExPlanPointer = &IoExPlan;
static struct wdmtest_results *volatile ResultsPointer = &WdmTestResults;

static VOID Increment(volatile unsigned int *Counter)
{
	__atomic_add_fetch(Counter, 1, __ATOMIC_SEQ_CST);	/* InterlockedIncrement */
}

/* Record one routine call: its IRQL, its argument check, then the run. */
static VOID Record(struct wdmtest_item_result *Result, BOOLEAN ArgumentsOk)
{
	KIRQL Irql = KeGetCurrentIrql();

	Result->last_irql = Irql;
	if (!ArgumentsOk)
		Increment(&Result->bad_args);
	if (Irql != PASSIVE_LEVEL)
		Increment(&Result->bad_irql);
	Increment(&Result->runs);	/* last: a reader that sees the run sees the rest */
}

static PWDMTEST_EXTENSION Extension(VOID)
{
	return WdmTestDevice->DeviceExtension;
}

static VOID NTAPI WdmTestIoRoutine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	Record(&WdmTestResults.io, DeviceObject == WdmTestDevice && Context == &IoContext);
}

static VOID NTAPI WdmTestDispatchRoutine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	Record(&WdmTestResults.dispatch,
	       DeviceObject == WdmTestDevice && Context == &DispatchContext);
}

/* Re-queues its own item WDMTEST_REQUEUES times, then frees it. */
static VOID NTAPI WdmTestIoExRoutine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	PWDMTEST_EXTENSION Ext = Extension();
	BOOLEAN ArgumentsOk = IoObject == WdmTestDevice && Context == &IoExContext &&
			      IoWorkItem == Ext->IoExItem;

	if (++Ext->IoExRuns <= WDMTEST_REQUEUES) {
		IoQueueWorkItemEx(IoWorkItem, WdmTestIoExRoutine, CriticalWorkQueue, Context);
	} else {
		Ext->IoExItem = NULL;
		IoFreeWorkItem(IoWorkItem);
		WdmTestResults.io_ex_freed = 1;
	}
	Record(&WdmTestResults.io_ex, ArgumentsOk);
}

static VOID NTAPI WdmTestTryRoutine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	Record(&WdmTestResults.io_try, IoObject == WdmTestDevice && Context == &TryContext &&
				       IoWorkItem == Extension()->TryItem);
}

static VOID NTAPI WdmTestExRoutine(PVOID Parameter)
{
	PWDMTEST_EXTENSION Ext = Extension();

	Record(&WdmTestResults.ex, Parameter == Ext && Ext->ExItem.WorkerRoutine == WdmTestExRoutine);
}

/*
 * What a DPC of this driver would do: queue work to get to PASSIVE_LEVEL.
 * The harness calls it at DISPATCH_LEVEL, after DriverEntry succeeded.
 */
__declspec(dllexport) NTSTATUS NTAPI WdmTestQueueAtDispatch(VOID)
{
	WdmTestResults.dispatch_irql = KeGetCurrentIrql();
	Increment(&WdmTestResults.dispatch_calls);
	if (!WdmTestDevice)
		return STATUS_UNSUCCESSFUL;
	IoQueueWorkItem(Extension()->DispatchItem, WdmTestDispatchRoutine,
			DelayedWorkQueue, &DispatchContext);
	return STATUS_SUCCESS;
}

/* Sleeps in 10 ms steps while WdmTestHold is set, then frees its own item. */
static VOID NTAPI WdmTestHeldRoutine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	BOOLEAN ArgumentsOk = IoObject == WdmTestDevice && Context == &HeldContext;
	LARGE_INTEGER Interval;

	Interval.QuadPart = -10 * 1000 * 10;	/* 10 ms, relative */
	while (WdmTestHold) {
		if (!NT_SUCCESS(KeDelayExecutionThread(KernelMode, FALSE, &Interval))) {
			ArgumentsOk = FALSE;
			break;
		}
		Increment(&WdmTestResults.held_sleeps);
	}
	IoFreeWorkItem(IoWorkItem);
	Record(&WdmTestResults.held, ArgumentsOk);
}

/* Queues the held item, at PASSIVE_LEVEL; the harness sets WdmTestHold first. */
__declspec(dllexport) NTSTATUS NTAPI WdmTestQueueHeld(VOID)
{
	PIO_WORKITEM Item;

	if (!WdmTestDevice)
		return STATUS_UNSUCCESSFUL;
	Item = IoAllocateWorkItem(WdmTestDevice);
	if (!Item)
		return STATUS_INSUFFICIENT_RESOURCES;
	IoQueueWorkItemEx(Item, WdmTestHeldRoutine, DelayedWorkQueue, &HeldContext);
	Increment(&WdmTestResults.held_queued);
	return STATUS_SUCCESS;
}

static VOID NTAPI WdmTestUnload(PDRIVER_OBJECT DriverObject)
{
	PWDMTEST_EXTENSION Ext;

	Increment(&WdmTestResults.unload_calls);
	if (!WdmTestDevice || WdmTestDevice->DriverObject != DriverObject)
		return;
	Ext = Extension();
	if (Ext->IoItem) {
		IoFreeWorkItem(Ext->IoItem);
		WdmTestResults.unload_freed++;
	}
	if (Ext->IoExItem) {	/* its routine frees it after its last run */
		IoFreeWorkItem(Ext->IoExItem);
		WdmTestResults.unload_freed++;
	}
	if (Ext->DispatchItem) {
		IoFreeWorkItem(Ext->DispatchItem);
		WdmTestResults.unload_freed++;
	}
	if (Ext->TryItem) {
		IoUninitializeWorkItem(Ext->TryItem);
		WdmTestResults.unload_freed++;
	}
	IoDeleteDevice(WdmTestDevice);
	WdmTestDevice = NULL;
}

static NTSTATUS WdmTestStart(PDRIVER_OBJECT DriverObject)
{
	const WDMTEST_PLAN *Plan = IoExPlanPointer;
	PDEVICE_OBJECT DeviceObject;
	PWDMTEST_EXTENSION Ext;
	NTSTATUS Status;

	if (ResultsPointer != &WdmTestResults || Plan->Routine != WdmTestIoExRoutine ||
	    Plan->Name[0] != 'i' || Plan->Name[4] != 'x')
		return STATUS_UNSUCCESSFUL;
	WdmTestResults.entry_step = WDMTEST_STEP_TABLE;

	Status = IoCreateDevice(DriverObject, sizeof(WDMTEST_EXTENSION) + IoSizeofWorkItem(),
				NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &DeviceObject);
	if (!NT_SUCCESS(Status))
		return Status;
	if (DeviceObject->DriverObject != DriverObject || !DeviceObject->DeviceExtension) {
		Status = STATUS_UNSUCCESSFUL;
		goto out_delete_device;
	}
	ObReferenceObject(DeviceObject);
	ObDereferenceObject(DeviceObject);
	WdmTestDevice = DeviceObject;
	Ext = DeviceObject->DeviceExtension;
	WdmTestResults.entry_step = WDMTEST_STEP_DEVICE;

	Status = STATUS_INSUFFICIENT_RESOURCES;
	Ext->IoItem = IoAllocateWorkItem(DeviceObject);
	if (!Ext->IoItem)
		goto out_delete_device;
	Ext->IoExItem = IoAllocateWorkItem(DeviceObject);
	if (!Ext->IoExItem)
		goto out_free_io_item;
	Ext->DispatchItem = IoAllocateWorkItem(DeviceObject);
	if (!Ext->DispatchItem)
		goto out_free_io_ex_item;
	Ext->TryItem = (PIO_WORKITEM)Ext->TryItemStorage;
	IoInitializeWorkItem(DeviceObject, Ext->TryItem);
	WdmTestResults.entry_step = WDMTEST_STEP_ITEMS;

	DriverObject->DriverUnload = WdmTestUnload;
	IoQueueWorkItem(Ext->IoItem, WdmTestIoRoutine, DelayedWorkQueue, &IoContext);
	IoQueueWorkItemEx(Ext->IoExItem, Plan->Routine, Plan->QueueType, &IoExContext);
	WdmTestResults.try_queued = IoTryQueueWorkItem(Ext->TryItem, WdmTestTryRoutine,
						       NormalWorkQueue, &TryContext);
	ExInitializeWorkItem(&Ext->ExItem, WdmTestExRoutine, Ext);
	ExQueueWorkItem(&Ext->ExItem, DelayedWorkQueue);
	WdmTestResults.entry_step = WDMTEST_STEP_QUEUED;
	return STATUS_SUCCESS;

out_free_io_ex_item:
	IoFreeWorkItem(Ext->IoExItem);
out_free_io_item:
	IoFreeWorkItem(Ext->IoItem);
out_delete_device:
	WdmTestDevice = NULL;
	IoDeleteDevice(DeviceObject);
	return Status;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	(VOID)RegistryPath;
	WdmTestResults.magic = WDMTEST_MAGIC;
	WdmTestResults.entry_irql = KeGetCurrentIrql();
	WdmTestResults.entry_status = WdmTestStart(DriverObject);
	return WdmTestResults.entry_status;
}
