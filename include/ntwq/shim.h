/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntwq/shim.h - for shims that build another Windows work-item API on ntwq.
 *
 * A shim (NDIS is the first: shims/ndis/) gives its drivers work items with
 * its own routine signatures and names, and gets ntwq's guarantees for them:
 * the same pins (device or driver object, the driver's work count and
 * module), the same state machine and diagnostics, and its own rows in
 * debugfs `stats` and `items`.  It registers an API family once, then
 * allocates Io items tagged with that family and queues them with the
 * routine its driver gave; ntwq calls the routine through the family's call
 * function (IoCall, ExCall), which adapts the arguments.  Diagnostics name
 * the shim's routine (@ApiName), debugfs the driver's routine.
 *
 * Cost: a family is chosen when an item is allocated, so the Io queue path
 * pays one predictable branch (Io items are not shim items) and the
 * dispatcher one more (which call form).
 */
#ifndef _NTWQ_SHIM_H
#define _NTWQ_SHIM_H

#include <ntwq/wdm.h>

NTWQ_EXTERN_C_BEGIN

/*
 * How ntwq calls a routine queued with NtwqQueueWorkItem: @Routine as given
 * to the queue call, @IoObject the item's device or driver object (pinned
 * for the call), @Context as given, @IoWorkItem the item (the routine may
 * free it).  At PASSIVE_LEVEL in a kworker.
 */
typedef VOID NTWQ_SHIM_IO_CALL(PVOID Routine, PVOID IoObject, PVOID Context,
			       PIO_WORKITEM IoWorkItem);
/*
 * How ntwq calls the routine of a WORK_QUEUE_ITEM queued with
 * NtwqQueueExWorkItem: @Routine and @Parameter are the item's WorkerRoutine
 * and Parameter as they were when it was dequeued, @WorkItem its address,
 * which must not be read (the routine may free the storage).
 */
typedef VOID NTWQ_SHIM_EX_CALL(PVOID Routine, PVOID Parameter, PWORK_QUEUE_ITEM WorkItem);

/**
 * struct _NTWQ_API_FAMILY - NTWQ_API_FAMILY: a shim's work-item family, in
 * the shim's storage; ntwq copies what it needs.
 * @Name: the debugfs api column, 1 to 7 characters.
 * @IoCall: how NtwqQueueWorkItem() items are called (NULL: not used).
 * @ExCall: how NtwqQueueExWorkItem() items are called (NULL: not used).
 * @Id: set by NtwqRegisterApiFamily().
 */
typedef struct _NTWQ_API_FAMILY {
	const char *Name;
	NTWQ_SHIM_IO_CALL *IoCall;
	NTWQ_SHIM_EX_CALL *ExCall;
	ULONG Id;
} NTWQ_API_FAMILY, *PNTWQ_API_FAMILY;

/* How many families can be registered (names are kept until ntwq unloads). */
#define NTWQ_MAX_API_FAMILIES 4

/**
 * NtwqRegisterApiFamily - register a shim's work-item family.
 * @Family: Name and call functions filled in; Id is set on success.
 *
 * Registering a name again (a shim reloaded) gets the same Id and keeps its
 * counters; one name can be registered by one shim at a time.  Call at
 * PASSIVE_LEVEL, from module_init.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (no name, a name too
 * long, no call function, or the name registered already);
 * STATUS_INSUFFICIENT_RESOURCES when NTWQ_MAX_API_FAMILIES are registered.
 */
NTSTATUS NtwqRegisterApiFamily(PNTWQ_API_FAMILY Family);

/**
 * NtwqUnregisterApiFamily - from the shim's module_exit.
 * @Family: registered with NtwqRegisterApiFamily.
 *
 * The shim's items must all be freed; since they pin the drivers' modules,
 * which depend on the shim, none can be queued at that point.
 */
void NtwqUnregisterApiFamily(PNTWQ_API_FAMILY Family);

/**
 * NtwqAllocateWorkItem - IoAllocateWorkItem for a shim's family.
 * @Family: registered.
 * @IoObject: a device or a driver object (Windows allows both behind NDIS).
 * @ApiName: the shim's routine, named in diagnostics.
 *
 * Callable at DISPATCH_LEVEL (allocates with GFP_ATOMIC there).
 * Return: the item, or NULL when memory is short or an argument is bad
 * (with a diagnostic).  Free it with NtwqFreeWorkItem.
 */
PIO_WORKITEM NtwqAllocateWorkItem(PNTWQ_API_FAMILY Family, PVOID IoObject,
				  const char *ApiName);

/**
 * NtwqFreeWorkItem - IoFreeWorkItem, diagnostics naming @ApiName.
 * @IoWorkItem: from NtwqAllocateWorkItem; may be freed by its own routine.
 * @ApiName: the shim's routine.
 */
void NtwqFreeWorkItem(PIO_WORKITEM IoWorkItem, const char *ApiName);

/**
 * NtwqQueueWorkItem - queue a shim item; ntwq calls its family's IoCall.
 * @IoWorkItem: from NtwqAllocateWorkItem.
 * @Routine: the driver's routine; must lie in the driver's module.
 * @QueueType: a WORK_QUEUE_TYPE.
 * @Context: passed to IoCall as is.
 * @ApiName: the shim's routine, named in diagnostics.
 *
 * Any context up to hard irq; never allocates or sleeps.  The item pins
 * what an Io item pins.  debugfs shows @Routine.
 * Return: TRUE if queued; FALSE if refused for misuse (a diagnostic).
 */
BOOLEAN NtwqQueueWorkItem(PIO_WORKITEM IoWorkItem, PVOID Routine,
			  WORK_QUEUE_TYPE QueueType, PVOID Context, const char *ApiName);

/**
 * NtwqQueueExWorkItem - ExQueueWorkItem for a shim's family.
 * @Family: registered, with an ExCall.
 * @WorkItem: initialised (List.Flink NULL) with the driver's routine in
 *	WorkerRoutine (it must lie in @Caller) and what ExCall needs in
 *	Parameter.
 * @QueueType: a WORK_QUEUE_TYPE.
 * @Caller: the driver's module (the shim's header passes its THIS_MODULE),
 *	pinned until the routine has returned.
 * @ApiName: the shim's routine, named in diagnostics.
 *
 * As ExQueueWorkItem: any context, no allocation, linked through List.
 * Return: TRUE if queued; FALSE if refused for misuse (a diagnostic).
 */
BOOLEAN NtwqQueueExWorkItem(PNTWQ_API_FAMILY Family, PWORK_QUEUE_ITEM WorkItem,
			    WORK_QUEUE_TYPE QueueType, struct module *Caller,
			    const char *ApiName);

/**
 * NtwqCanDeleteDriver - may the caller delete @DriverObject now?
 * @DriverObject: a driver object the shim deletes in its teardown.
 * @ApiName: the shim's routine (a halt, a deregistration), named in the
 *	diagnostic.
 *
 * NtwqDeleteDriver refuses, changing nothing, when called from one of the
 * driver's own routines or callbacks (it would wait for the run that calls
 * it) or above PASSIVE_LEVEL.  A shim whose teardown ends in
 * NtwqDeleteDriver asks first, before it undoes anything of its own, and
 * returns at once on FALSE.  May be called with a mutex held.
 * Return: TRUE if NtwqDeleteDriver may be called now; FALSE with
 * NTWQ_DELETE_REFUSED naming @ApiName otherwise (or with
 * WORKER_INVALID(3) if @DriverObject is not a live driver object).
 */
BOOLEAN NtwqCanDeleteDriver(PDRIVER_OBJECT DriverObject, const char *ApiName);

NTWQ_EXTERN_C_END

#endif /* _NTWQ_SHIM_H */
