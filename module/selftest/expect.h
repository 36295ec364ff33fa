/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect.h - what each scenario must observe.  Plain data, included by the
 * KUnit suite (kunit/) and by userspace-test, so the same expectations are
 * checked inside the debug kernel and through debugfs on every kernel.
 *
 * Every scenario also reports, after deleting its driver: diag_total (the
 * diagnostics it caused), live_devices_delta, live_drivers_delta and
 * runtime_live_delta (nothing leaked).
 */
#ifndef _NTWQ_SELFTEST_EXPECT_H
#define _NTWQ_SELFTEST_EXPECT_H

struct ntwq_expect_kv {
	const char *key;
	long long value;
};

struct ntwq_expect {
	const char *scenario; /* trigger command name */
	unsigned int arg;     /* its argument (0: none) */
	int needs_fault_injection;
	const char *what;     /* the behaviour checked */
	struct ntwq_expect_kv kv[20]; /* until a NULL key */
};

#define NTWQ_CLEAN { "live_devices_delta", 0 }, { "live_drivers_delta", 0 }, \
	{ "runtime_live_delta", 0 }

static const struct ntwq_expect ntwq_expectations[] = {
	{ "io.queue", 0, 0,
	  "IoQueueWorkItem runs the routine once with the device and context, at PASSIVE_LEVEL in a task",
	  { { "allocated", 1 }, { "completed", 1 }, { "runs", 1 }, { "device_matches", 1 },
	    { "context_matches", 1 }, { "max_irql", 0 }, { "all_in_task", 1 },
	    { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.queue_ex", 0, 0,
	  "IoQueueWorkItemEx passes IoObject, Context and the IoWorkItem",
	  { { "completed", 1 }, { "runs", 1 }, { "object_is_device", 1 },
	    { "context_matches", 1 }, { "item_matches", 1 }, { "max_irql", 0 },
	    { "all_in_task", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.try_queue", 0, 0,
	  "IoTryQueueWorkItem returns TRUE and the routine runs once",
	  { { "returned", 1 }, { "completed", 1 }, { "runs", 1 }, { "item_matches", 1 },
	    { "max_irql", 0 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.driver_object", 0, 0,
	  "IoInitializeWorkItem on a driver object: the routine gets the driver object",
	  { { "completed", 1 }, { "runs", 1 }, { "object_is_driver", 1 },
	    { "item_matches", 1 }, { "max_irql", 0 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.queue_types", 0, 0,
	  "every valid WORK_QUEUE_TYPE, custom priorities included, runs its item",
	  { { "completed", 1 }, { "types", 10 }, { "runs", 10 }, { "max_irql", 0 },
	    { "all_in_task", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.from_atomic", 0, 0,
	  "queueing under a spinlock, irqs off, preemption off, bh off (DISPATCH_LEVEL) works",
	  { { "completed", 1 }, { "min_queue_irql", 2 }, { "runs", 4 }, { "max_irql", 0 },
	    { "all_in_task", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.from_softirq", 0, 0,
	  "queueing from a timer (softirq) works; the routine runs at PASSIVE_LEVEL",
	  { { "completed", 1 }, { "queue_irql", 2 }, { "queued_in_irq", 1 }, { "runs", 1 },
	    { "max_irql", 0 }, { "all_in_task", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.from_hardirq", 0, 0,
	  "queueing from hard-irq context (irq_work) works; the routine runs at PASSIVE_LEVEL",
	  { { "completed", 1 }, { "queue_irql", 15 }, { "queued_in_irq", 1 }, { "runs", 1 },
	    { "max_irql", 0 }, { "all_in_task", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.free_in_routine", 0, 0,
	  "a routine may IoFreeWorkItem its own item; its memory is released",
	  { { "completed", 1 }, { "runs", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.uninit_in_routine", 0, 0,
	  "a routine may IoUninitializeWorkItem its item and reuse the storage",
	  { { "completed", 1 }, { "runs", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.requeue", 0, 0,
	  "a routine may re-queue its own item; it never runs concurrently with itself",
	  { { "completed", 1 }, { "runs", 5 }, { "max_concurrent", 1 }, { "diag_total", 0 },
	    NTWQ_CLEAN } },
	{ "io.delete_pending", 0, 0,
	  "IoDeleteDevice with work pending: the device lives for the routine, is freed after",
	  { { "refs_created", 1 }, { "refs_with_item", 2 }, { "refs_queued", 3 },
	    { "refs_after_delete", 2 }, { "live_devices_while_pending", 1 },
	    { "completed", 1 }, { "refs_in_routine", 2 }, { "extension_intact", 1 },
	    { "delete_flag_seen", 1 }, { "runs", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.delete_driver_waits", 0, 0,
	  "NtwqDeleteDriver returns only after a slow pending routine has returned",
	  { { "routine_done_at_return", 1 }, { "runs", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.double_queue", 0, 0,
	  "queueing a queued item: WORKER_INVALID(1) twice, IoTryQueueWorkItem FALSE, runs once",
	  { { "completed", 1 }, { "try_again_returned", 0 }, { "diag_queue_queued", 2 },
	    { "runs", 1 }, { "diag_total", 2 }, NTWQ_CLEAN } },
	{ "io.free_queued", 0, 0,
	  "IoFreeWorkItem of a queued item: WORKER_INVALID(2), cancelled, references dropped",
	  { { "refs_before", 2 }, { "refs_after_free", 1 }, { "diag_free_queued", 1 },
	    { "runs", 0 }, { "diag_total", 1 }, NTWQ_CLEAN } },
	{ "io.uninit_queued", 0, 0,
	  "IoUninitializeWorkItem of a queued item: WORKER_INVALID(2), cancelled",
	  { { "diag_free_queued", 1 }, { "runs", 0 }, { "diag_total", 1 }, NTWQ_CLEAN } },
	{ "io.invalid_type", 0, 0,
	  "invalid queue types: WORKER_INVALID(6) each, not queued, the item stays usable",
	  { { "try_returned", 0 }, { "completed", 1 }, { "diag_invalid_queue_type", 3 },
	    { "runs", 1 }, { "diag_total", 3 }, NTWQ_CLEAN } },
	{ "io.null_args", 0, 0,
	  "NULL items, routines and objects get diagnostics and failure returns, never a crash",
	  { { "alloc_null_device", 1 }, { "reference_null", 0 },
	    { "create_device_null_driver", 1 }, { "diag_invalid_item", 2 },
	    { "diag_invalid_routine", 1 }, { "diag_invalid_object", 4 }, { "runs", 0 },
	    { "diag_total", 7 }, NTWQ_CLEAN } },
	{ "io.foreign_routine", 0, 0,
	  "a routine outside the driver's module: WORKER_INVALID(7), not queued",
	  { { "diag_invalid_routine", 1 }, { "runs", 0 }, { "diag_total", 1 }, NTWQ_CLEAN } },
	{ "io.bad_irql_return", 0, 0,
	  "routines returning with preemption or irqs off: diagnosed, the worker repaired",
	  { { "completed", 1 }, { "diag_bad_irql_return", 2 }, { "runs", 3 },
	    { "diag_total", 2 }, NTWQ_CLEAN } },
	{ "io.alloc_fail", 0, 1,
	  "allocation failure: IoAllocateWorkItem NULL, IoCreateDevice/NtwqCreateDriver INSUFFICIENT_RESOURCES",
	  { { "alloc_item_null", 1 }, { "create_device_status_ok", 1 },
	    { "create_device_out_null", 1 }, { "create_driver_status_ok", 1 },
	    { "create_driver_out_null", 1 }, { "diag_total", 0 }, NTWQ_CLEAN } },
	{ "io.concurrency", 32, 0,
	  "32 blocking routines on one queue type all run at once",
	  { { "completed", 1 }, { "items", 32 }, { "max_concurrent", 32 },
	    { "barrier_timeouts", 0 }, { "runs", 32 }, { "diag_total", 0 }, NTWQ_CLEAN } },
};

#endif /* _NTWQ_SELFTEST_EXPECT_H */
