/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdmtest.h - the results wdmtest.sys records, as its test harnesses read them.
 *
 * The driver exports one data symbol, WdmTestResults, of this type.  The
 * header is shared by the Windows build (MinGW-w64, LLP64) and by harnesses
 * built for Linux (LP64), so it uses only types of the same size on both
 * (no "long").
 */
#ifndef WDMTEST_H
#define WDMTEST_H

#define WDMTEST_MAGIC 0x574d4454u	/* "WDMT": DriverEntry ran */
#define WDMTEST_REQUEUES 3		/* times the Ex-routine item re-queues itself */

/*
 * DriverEntry's progress, in order: entry_step is the last one completed, so
 * a failed DriverEntry says where it stopped.
 */
enum wdmtest_step {
	WDMTEST_STEP_NONE,
	WDMTEST_STEP_TABLE,		/* its tables in .rdata/.data point where they should */
	WDMTEST_STEP_DEVICE,		/* IoCreateDevice, ObReference/ObDereference */
	WDMTEST_STEP_ITEMS,		/* IoAllocateWorkItem x3, IoInitializeWorkItem */
	WDMTEST_STEP_QUEUED,		/* every item queued */
};

/* What one work item's routine saw. */
struct wdmtest_item_result {
	unsigned int runs;		/* routine calls */
	unsigned int bad_args;		/* calls with arguments other than the ones queued */
	unsigned int bad_irql;		/* calls not at PASSIVE_LEVEL */
	unsigned int last_irql;		/* KeGetCurrentIrql() in the last call */
};

struct wdmtest_results {
	unsigned int magic;		/* WDMTEST_MAGIC once DriverEntry started */
	int entry_status;		/* DriverEntry's NTSTATUS */
	unsigned int entry_step;	/* enum wdmtest_step */
	unsigned int entry_irql;	/* KeGetCurrentIrql() in DriverEntry */

	struct wdmtest_item_result io;		/* IoQueueWorkItem (DelayedWorkQueue) */
	struct wdmtest_item_result io_ex;	/* IoQueueWorkItemEx (CriticalWorkQueue),
						 * re-queued WDMTEST_REQUEUES times, then
						 * freed by its own routine */
	struct wdmtest_item_result io_try;	/* IoTryQueueWorkItem on an item kept in
						 * the device extension */
	struct wdmtest_item_result ex;		/* ExQueueWorkItem (DelayedWorkQueue) */
	struct wdmtest_item_result dispatch;	/* IoQueueWorkItem from WdmTestQueueAtDispatch */

	unsigned int io_ex_freed;	/* the io_ex routine freed its own item */
	unsigned int try_queued;	/* IoTryQueueWorkItem returned TRUE */
	unsigned int dispatch_calls;	/* WdmTestQueueAtDispatch calls */
	unsigned int dispatch_irql;	/* KeGetCurrentIrql() in the last one */
	unsigned int unload_calls;	/* DriverUnload calls */
	unsigned int unload_freed;	/* work items DriverUnload freed or uninitialized */

	struct wdmtest_item_result held;	/* the item WdmTestQueueHeld queues: runs
						 * while WdmTestHold is set, then frees
						 * itself */
	unsigned int held_queued;	/* WdmTestQueueHeld calls that queued it */
	unsigned int held_sleeps;	/* its KeDelayExecutionThread calls that slept */
};

/* Routine runs DriverEntry's items add up to once they have all finished. */
#define WDMTEST_ENTRY_RUNS (1 + (WDMTEST_REQUEUES + 1) + 1 + 1)

#endif /* WDMTEST_H */
