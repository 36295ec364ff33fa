// SPDX-License-Identifier: GPL-2.0
/*
 * host_run.c - run wdmtest.sys, converted by pe2elf.py, in a Linux process.
 *
 * The converted object is linked into this program as it would be into a
 * module.  Its imports resolve to the ntwq_win_* functions below: a small,
 * single-threaded stand-in for ntoskrnl (and for ntwq's Windows-ABI entry
 * points), with the Windows calling convention (ms_abi), that records every
 * call and runs queued work items when the harness says so.  The program
 * calls DriverEntry, the driver's routines and its DriverUnload through
 * ms_abi function pointers, as ntwq's generated stub will, and checks what
 * the driver recorded and what it did to the fake kernel.
 *
 * A wrong relocation shows up here as a wrong argument, a wrong pointer read
 * from a table, a call to the wrong place or a crash: the strongest check of
 * the conversion short of loading it into a kernel.  The structures come from
 * ntwq's own <ntwq/wdm.h>, so the driver, built against its own Windows
 * declarations, is also checked against ntwq's layouts.
 *
 * Output is KTAP; the exit status is non-zero if any test failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntwq/wdm.h>
#include "wdmtest.h"

#define MSABI __attribute__((ms_abi))

/* What the converted driver defines (pe2elf.py's global symbols). */
MSABI NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
MSABI NTSTATUS WdmTestQueueAtDispatch(void);
extern struct wdmtest_results WdmTestResults;

/* Windows-ABI views of the driver's routines. */
typedef MSABI void (*win_io_routine)(PDEVICE_OBJECT, PVOID);
typedef MSABI void (*win_io_routine_ex)(PVOID, PVOID, PIO_WORKITEM);
typedef MSABI void (*win_worker_routine)(PVOID);
typedef MSABI void (*win_driver_unload)(PDRIVER_OBJECT);

/* ---- the fake kernel ---------------------------------------------------- */

enum kind { KIND_IO, KIND_IO_EX, KIND_EX };

struct fake_item {			/* an IO_WORKITEM */
	unsigned int magic;		/* FAKE_ITEM_MAGIC while usable */
	int embedded;			/* set up by IoInitializeWorkItem */
	int queued;
	PDEVICE_OBJECT device;
};
#define FAKE_ITEM_MAGIC 0x49544d21u

static struct {
	KIRQL irql;			/* what KeGetCurrentIrql() returns */
	int misuse;			/* calls Windows would bugcheck on */
	int devices, devices_deleted, items, items_freed, items_uninitialized;
	int refs;			/* ObfReference - ObfDereference */
	KIRQL queue_irql[16];		/* IRQL of each queue call, in order */
	int queue_calls;
	WORK_QUEUE_TYPE io_ex_queue_type;	/* of the last IoQueueWorkItemEx */
	PDEVICE_OBJECT device;
} k;

static struct pending {
	enum kind kind;
	void *item;			/* struct fake_item or WORK_QUEUE_ITEM */
	void *routine;
	PVOID context;
} queue[16];
static int q_head, q_tail;

static void misuse(const char *what)
{
	printf("# misuse: %s\n", what);
	k.misuse++;
}

MSABI KIRQL ntwq_win_KeGetCurrentIrql(void)
{
	return k.irql;
}

/* Imported by the held item's routine, which host_run never queues. */
MSABI NTSTATUS ntwq_win_KeDelayExecutionThread(char WaitMode, BOOLEAN Alertable, LONGLONG *Interval)
{
	(void)WaitMode;
	(void)Alertable;
	(void)Interval;
	return STATUS_UNSUCCESSFUL;
}

MSABI NTSTATUS ntwq_win_IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
				       PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
				       ULONG DeviceCharacteristics, BOOLEAN Exclusive,
				       PDEVICE_OBJECT *DeviceObject)
{
	PDEVICE_OBJECT dev = calloc(1, sizeof(*dev));

	if (DeviceName || DeviceType != FILE_DEVICE_UNKNOWN || DeviceCharacteristics ||
	    Exclusive || !DeviceObject)
		misuse("IoCreateDevice: arguments other than the driver passes");
	dev->Type = 3;
	dev->Size = sizeof(*dev);
	dev->DriverObject = DriverObject;
	dev->StackSize = 1;
	dev->DeviceType = DeviceType;
	dev->DeviceExtension = aligned_alloc(16, (DeviceExtensionSize + 15) & ~15u);
	memset(dev->DeviceExtension, 0, DeviceExtensionSize);
	DriverObject->DeviceObject = dev;
	k.devices++;
	k.device = dev;
	*DeviceObject = dev;
	return STATUS_SUCCESS;
}

MSABI void ntwq_win_IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
	if (DeviceObject != k.device)
		misuse("IoDeleteDevice: not the device");
	k.devices_deleted++;
}

MSABI LONG_PTR ntwq_win_ObfReferenceObject(PVOID Object)
{
	if (Object != k.device)
		misuse("ObfReferenceObject: not the device");
	return ++k.refs;
}

MSABI LONG_PTR ntwq_win_ObfDereferenceObject(PVOID Object)
{
	if (Object != k.device || k.refs <= 0)
		misuse("ObfDereferenceObject: not the device, or unbalanced");
	return --k.refs;
}

MSABI ULONG ntwq_win_IoSizeofWorkItem(void)
{
	return sizeof(struct fake_item);
}

MSABI PIO_WORKITEM ntwq_win_IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
	struct fake_item *it = calloc(1, sizeof(*it));

	it->magic = FAKE_ITEM_MAGIC;
	it->device = DeviceObject;
	k.items++;
	return (PIO_WORKITEM)it;
}

MSABI void ntwq_win_IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem)
{
	struct fake_item *it = (struct fake_item *)IoWorkItem;

	if ((unsigned long)it % 8)
		misuse("IoInitializeWorkItem: storage not aligned");
	memset(it, 0, sizeof(*it));
	it->magic = FAKE_ITEM_MAGIC;
	it->embedded = 1;
	it->device = IoObject;
}

static struct fake_item *item_ok(PIO_WORKITEM IoWorkItem, const char *api)
{
	struct fake_item *it = (struct fake_item *)IoWorkItem;

	if (!it || it->magic != FAKE_ITEM_MAGIC) {
		misuse(api);
		return NULL;
	}
	if (it->queued) {
		misuse(api);
		return NULL;
	}
	return it;
}

MSABI void ntwq_win_IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
	struct fake_item *it = item_ok(IoWorkItem, "IoFreeWorkItem: bad or queued item");

	if (!it || it->embedded)
		return;
	it->magic = 0;
	free(it);
	k.items_freed++;
}

MSABI void ntwq_win_IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem)
{
	struct fake_item *it = item_ok(IoWorkItem, "IoUninitializeWorkItem: bad or queued item");

	if (!it || !it->embedded)
		return;
	it->magic = 0;
	k.items_uninitialized++;
}

static void enqueue(enum kind kind, void *item, void *routine, PVOID context)
{
	if (q_tail - q_head == (int)(sizeof(queue) / sizeof(queue[0]))) {
		misuse("queue full");
		return;
	}
	if (k.queue_calls < 16)
		k.queue_irql[k.queue_calls] = k.irql;
	k.queue_calls++;
	queue[q_tail++ % 16] = (struct pending){ kind, item, routine, context };
}

static void io_queue(enum kind kind, PIO_WORKITEM IoWorkItem, void *routine,
		     WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	struct fake_item *it = item_ok(IoWorkItem, "IoQueueWorkItem*: bad or queued item");

	if (!it)
		return;
	if (!routine || (unsigned int)QueueType > BackgroundWorkQueue) {
		misuse("IoQueueWorkItem*: no routine or bad queue type");
		return;
	}
	it->queued = 1;
	enqueue(kind, it, routine, Context);
}

MSABI void ntwq_win_IoQueueWorkItem(PIO_WORKITEM IoWorkItem, void *WorkerRoutine,
				    WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	io_queue(KIND_IO, IoWorkItem, WorkerRoutine, QueueType, Context);
}

MSABI void ntwq_win_IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem, void *WorkerRoutine,
				      WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	k.io_ex_queue_type = QueueType;
	io_queue(KIND_IO_EX, IoWorkItem, WorkerRoutine, QueueType, Context);
}

MSABI BOOLEAN ntwq_win_IoTryQueueWorkItem(PIO_WORKITEM IoWorkItem, void *WorkerRoutine,
					  WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	io_queue(KIND_IO_EX, IoWorkItem, WorkerRoutine, QueueType, Context);
	return TRUE;
}

MSABI void ntwq_win_ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType)
{
	if (!WorkItem || WorkItem->List.Flink || !WorkItem->WorkerRoutine ||
	    (unsigned int)QueueType > BackgroundWorkQueue) {
		misuse("ExQueueWorkItem: bad item, queued item or bad queue type");
		return;
	}
	WorkItem->List.Flink = &WorkItem->List;	/* queued */
	enqueue(KIND_EX, WorkItem, (void *)WorkItem->WorkerRoutine, WorkItem->Parameter);
}

/* Run queued routines, FIFO, at PASSIVE_LEVEL, until none is left. */
static int run_queue(void)
{
	int ran = 0;

	k.irql = PASSIVE_LEVEL;
	while (q_head != q_tail) {
		struct pending p = queue[q_head++ % 16];
		struct fake_item *it = p.item;

		ran++;
		switch (p.kind) {
		case KIND_IO:
			it->queued = 0;
			((win_io_routine)p.routine)(it->device, p.context);
			break;
		case KIND_IO_EX:
			it->queued = 0;
			((win_io_routine_ex)p.routine)(it->device, p.context, (PIO_WORKITEM)it);
			break;
		case KIND_EX:
			((PWORK_QUEUE_ITEM)p.item)->List.Flink = NULL;
			((win_worker_routine)p.routine)(p.context);
			break;
		}
	}
	return ran;
}

/* ---- the tests ---------------------------------------------------------- */

static int test_no, failed;

static void ok(int cond, const char *desc)
{
	printf("%sok %d %s\n", cond ? "" : "not ", ++test_no, desc);
	failed += !cond;
}

static int item_clean(const struct wdmtest_item_result *r, unsigned int runs)
{
	if (r->runs != runs || r->bad_args || r->bad_irql || r->last_irql != PASSIVE_LEVEL)
		printf("# runs %u (want %u), bad_args %u, bad_irql %u, last_irql %u\n",
		       r->runs, runs, r->bad_args, r->bad_irql, r->last_irql);
	return r->runs == runs && !r->bad_args && !r->bad_irql && r->last_irql == PASSIVE_LEVEL;
}

int main(void)
{
	static DRIVER_OBJECT drv = { .Type = 4, .Size = sizeof(DRIVER_OBJECT) };
	static WCHAR path[] = { 'w', 'd', 'm', 't', 'e', 's', 't' };
	UNICODE_STRING reg = { sizeof(path), sizeof(path), path };
	struct wdmtest_results *r = &WdmTestResults;
	NTSTATUS status;
	int ran;

	printf("KTAP version 1\n1..10\n");

	k.irql = PASSIVE_LEVEL;
	status = DriverEntry(&drv, &reg);
	if (status || r->entry_step != WDMTEST_STEP_QUEUED)
		printf("# DriverEntry status %#x, step %u\n", (unsigned int)status, r->entry_step);
	ok(status == STATUS_SUCCESS && r->magic == WDMTEST_MAGIC &&
	   r->entry_status == STATUS_SUCCESS && r->entry_step == WDMTEST_STEP_QUEUED &&
	   r->entry_irql == PASSIVE_LEVEL,
	   "driver_entry_succeeds: DriverEntry passed its table checks and queued its items");
	ok(k.devices == 1 && drv.DeviceObject == k.device && k.device->DriverObject == &drv &&
	   k.refs == 0 && k.items == 3,
	   "driver_entry_objects: one device, three allocated items, Ob references balanced");
	ok(q_tail - q_head == 4 && r->io.runs + r->io_ex.runs + r->ex.runs + r->io_try.runs == 0,
	   "driver_entry_queues_four: four items queued, none run inside DriverEntry");
	ok(k.io_ex_queue_type == CriticalWorkQueue && r->try_queued == 1,
	   "queue_arguments_from_rdata: the Ex routine and queue type came through .rdata");

	ran = run_queue();
	ok(ran == WDMTEST_ENTRY_RUNS && item_clean(&r->io, 1) && item_clean(&r->io_try, 1) &&
	   item_clean(&r->ex, 1),
	   "routines_see_their_arguments: Io, IoTry and Ex routines got their device, context, item");
	ok(item_clean(&r->io_ex, WDMTEST_REQUEUES + 1) && r->io_ex_freed == 1 &&
	   k.items_freed == 1,
	   "io_ex_requeues_then_frees: the IoEx routine re-queued its item 3 times, then freed it");

	k.irql = DISPATCH_LEVEL;
	status = WdmTestQueueAtDispatch();
	ok(status == STATUS_SUCCESS && r->dispatch_calls == 1 && r->dispatch_irql == DISPATCH_LEVEL &&
	   k.queue_calls == WDMTEST_ENTRY_RUNS + 1 && k.queue_irql[WDMTEST_ENTRY_RUNS] == DISPATCH_LEVEL,
	   "queue_at_dispatch: the exported DPC-like routine queued at DISPATCH_LEVEL");
	ran = run_queue();
	ok(ran == 1 && item_clean(&r->dispatch, 1),
	   "dispatch_item_runs_at_passive: its routine ran at PASSIVE_LEVEL with its arguments");

	ok(drv.DriverUnload != NULL, "driver_unload_set: DriverEntry set DriverObject->DriverUnload");
	if (drv.DriverUnload)
		((win_driver_unload)drv.DriverUnload)(&drv);
	ok(r->unload_calls == 1 && r->unload_freed == 3 && k.items_freed == 3 &&
	   k.items_uninitialized == 1 && k.devices_deleted == 1 && k.misuse == 0 &&
	   q_head == q_tail,
	   "driver_unload_frees_everything: items freed or uninitialized, device deleted, no misuse");

	printf("# %d passed, %d failed\n", test_no - failed, failed);
	return failed ? 1 : 0;
}
