/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntwq_trace.h - the ntwq trace events, in trace system "ntwq".
 *
 * Modelled on workqueue:workqueue_queue_work, workqueue_execute_start and
 * workqueue_execute_end: one event when a work item is queued, one before
 * its routine runs and one after it returns, all three naming the item by
 * its address (the IO_WORKITEM, the WORK_QUEUE_ITEM, or the work item
 * inside a WDFWORKITEM), so a tool pairs them by `item`.  A fourth event
 * fires with every diagnostic (verifier.h), rate limit or not.
 *
 * Only module/bridge/trace.c includes this (with CREATE_TRACE_POINTS); the
 * C++ core tests the events' static keys itself (core/trace.h) and calls
 * the ntwq_trace_*() functions of bridge.h only while an event is on.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ntwq

#if !defined(_NTWQ_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _NTWQ_TRACE_H

#include <linux/tracepoint.h>
#include "bridge.h"
#include "compat.h"	/* ntwq_assign_str() */

/* WORK_QUEUE_TYPE; CustomPriorityWorkQueue + priority shows as a number. */
#define ntwq_show_queue_type(type)					\
	__print_symbolic(type,						\
			 { 0, "CriticalWorkQueue" },			\
			 { 1, "DelayedWorkQueue" },			\
			 { 2, "HyperCriticalWorkQueue" },		\
			 { 3, "NormalWorkQueue" },			\
			 { 4, "BackgroundWorkQueue" },			\
			 { 5, "RealTimeWorkQueue" },			\
			 { 6, "SuperCriticalWorkQueue" })

/**
 * ntwq_queue - a work item was queued
 * @item: the work item (IO_WORKITEM, WORK_QUEUE_ITEM, or a WDFWORKITEM's)
 * @routine: the driver's routine (a WDF item's EvtWorkItemFunc)
 * @family: io, ex, wdf, or a shim's family (ndis)
 * @queue_type: the WORK_QUEUE_TYPE asked for
 * @workqueue: the Linux workqueue it went to
 * @driver: the driver's name (an Ex item's: its module's)
 *
 * Fires once per accepted queue call, before the item can start; a refused
 * call fires ntwq_diagnostic instead.
 */
TRACE_EVENT(ntwq_queue,

	TP_PROTO(const void *item, const void *routine, const char *family,
		 unsigned int queue_type, const char *workqueue, const char *driver),

	TP_ARGS(item, routine, family, queue_type, workqueue, driver),

	TP_STRUCT__entry(
		__field(const void *, item)
		__field(const void *, routine)
		__string(family, family)
		__field(unsigned int, queue_type)
		__string(workqueue, workqueue)
		__string(driver, driver)
	),

	TP_fast_assign(
		__entry->item = item;
		__entry->routine = routine;
		ntwq_assign_str(family, family);
		__entry->queue_type = queue_type;
		ntwq_assign_str(workqueue, workqueue);
		ntwq_assign_str(driver, driver);
	),

	TP_printk("item=%p routine=%ps family=%s queue_type=%s workqueue=%s driver=%s",
		  __entry->item, __entry->routine, __get_str(family),
		  ntwq_show_queue_type(__entry->queue_type), __get_str(workqueue),
		  __get_str(driver))
);

DECLARE_EVENT_CLASS(ntwq_execute,

	TP_PROTO(const void *item, const void *routine, const char *family),

	TP_ARGS(item, routine, family),

	TP_STRUCT__entry(
		__field(const void *, item)
		__field(const void *, routine)
		__string(family, family)
	),

	TP_fast_assign(
		__entry->item = item;
		__entry->routine = routine;
		ntwq_assign_str(family, family);
	),

	TP_printk("item=%p routine=%ps family=%s", __entry->item, __entry->routine,
		  __get_str(family))
);

/**
 * ntwq_execute_start - a work item's routine is about to run
 * @item: the work item, as in ntwq_queue
 * @routine: the routine
 * @family: as in ntwq_queue
 *
 * In the kworker that runs it, at PASSIVE_LEVEL.
 */
DEFINE_EVENT(ntwq_execute, ntwq_execute_start,

	TP_PROTO(const void *item, const void *routine, const char *family),

	TP_ARGS(item, routine, family)
);

/**
 * ntwq_execute_end - a work item's routine has returned
 * @item: the work item; only an address by now (the routine may have freed it)
 * @routine: the routine
 * @family: as in ntwq_queue
 */
DEFINE_EVENT(ntwq_execute, ntwq_execute_end,

	TP_PROTO(const void *item, const void *routine, const char *family),

	TP_ARGS(item, routine, family)
);

/**
 * ntwq_diagnostic - ntwq diagnosed a misuse (the KERN_ERR line, unlimited)
 * @code: the Windows bugcheck it stands for, e.g. WORKER_INVALID(1)
 * @diag: its debugfs stats key, e.g. queue_queued
 * @api: the routine called, e.g. IoQueueWorkItem
 * @family: as in ntwq_queue; ntwq for ntwq's own routines
 * @driver: the driver's name, or "?"
 * @routine: the work routine concerned, or NULL
 */
TRACE_EVENT(ntwq_diagnostic,

	TP_PROTO(const char *code, const char *diag, const char *api, const char *family,
		 const char *driver, const void *routine),

	TP_ARGS(code, diag, api, family, driver, routine),

	TP_STRUCT__entry(
		__string(code, code)
		__string(diag, diag)
		__string(api, api)
		__string(family, family)
		__string(driver, driver)
		__field(const void *, routine)
	),

	TP_fast_assign(
		ntwq_assign_str(code, code);
		ntwq_assign_str(diag, diag);
		ntwq_assign_str(api, api);
		ntwq_assign_str(family, family);
		ntwq_assign_str(driver, driver);
		__entry->routine = routine;
	),

	TP_printk("code=%s diag=%s api=%s family=%s driver=%s routine=%ps",
		  __get_str(code), __get_str(diag), __get_str(api),
		  __get_str(family), __get_str(driver), __entry->routine)
);

#endif /* _NTWQ_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src)/module. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH bridge
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE ntwq_trace
#include <trace/define_trace.h>
