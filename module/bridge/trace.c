// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - bridge to the ntwq trace events (ntwq_trace.h).
 *
 * The events are defined here.  The C++ core tests an event's static key
 * inline (core/trace.h) and calls one of these only while the event is on,
 * so a disabled event costs the queue and dispatch paths a NOP.
 */
#include <linux/types.h>
#include "bridge.h"

#define CREATE_TRACE_POINTS
#include "ntwq_trace.h"

/**
 * ntwq_trace_queue - trace_ntwq_queue().
 * @item: the work item.
 * @routine: the driver's routine.
 * @family: the API family's name (io, ex, wdf, a shim's; ntwq).
 * @queue_type: the WORK_QUEUE_TYPE asked for.
 * @workqueue: the Linux workqueue's name.
 * @driver: the driver's name.
 *
 * Context: any.
 */
void ntwq_trace_queue(const void *item, const void *routine, const char *family,
		      unsigned int queue_type, const char *workqueue, const char *driver)
{
	trace_ntwq_queue(item, routine, family, queue_type, workqueue, driver);
}

/**
 * ntwq_trace_execute_start - trace_ntwq_execute_start().
 * @item: the work item.
 * @routine: the routine about to run.
 * @family: the API family's name (io, ex, wdf, a shim's; ntwq).
 *
 * Context: the kworker running the item.
 */
void ntwq_trace_execute_start(const void *item, const void *routine, const char *family)
{
	trace_ntwq_execute_start(item, routine, family);
}

/**
 * ntwq_trace_execute_end - trace_ntwq_execute_end().
 * @item: the work item (an address only: it may be gone).
 * @routine: the routine that returned.
 * @family: the API family's name (io, ex, wdf, a shim's; ntwq).
 *
 * Context: the kworker that ran the item.
 */
void ntwq_trace_execute_end(const void *item, const void *routine, const char *family)
{
	trace_ntwq_execute_end(item, routine, family);
}

/**
 * ntwq_trace_diagnostic - trace_ntwq_diagnostic().
 * @code: the Windows bugcheck code's name.
 * @diag: the diagnostic's stats key.
 * @api: the routine that was called.
 * @family: the API family's name (io, ex, wdf, a shim's; ntwq).
 * @driver: the driver's name, or NULL.
 * @routine: the work routine concerned, or NULL.
 *
 * Context: any.
 */
void ntwq_trace_diagnostic(const char *code, const char *diag, const char *api,
			   const char *family, const char *driver, const void *routine)
{
	trace_ntwq_diagnostic(code, diag, api, family, driver ? driver : "?", routine);
}
