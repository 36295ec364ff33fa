// SPDX-License-Identifier: GPL-2.0
/*
 * binary_scenarios.c - the entry points a Windows driver binary's wrappers
 * call (<ntwq/binary.h>), exercised with routines compiled here for the
 * Windows calling convention, as a binary's are (docs/binary-drivers.md).
 *
 * What the binary test driver (windrivers/wdmtest) cannot show: that the
 * plain queue calls and the binary ones refuse each other's items, so a
 * routine is never called with the wrong convention.
 */
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <ntwq/binary.h>
#include <ntwq/wdm.h>
#include "../core/internal.h"
#include "common.h"
#include "scenarios.h"

#define MS_ABI __attribute__((ms_abi))

/*
 * The Context of each routine; each checks its own arguments.  On the heap
 * with the executive item: if a routine never ran (a defect, reported), it
 * is left allocated rather than freed under a late run.
 */
struct win_probe {
	struct probe *p;		/* target 3: one run of each routine */
	PDEVICE_OBJECT device;
	PIO_WORKITEM item_ex;		/* the item win_routine_ex is queued on */
	atomic_t args_ok;		/* runs that got the arguments queued */
	WORK_QUEUE_ITEM ex;
};

static void MS_ABI win_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	struct win_probe *w = Context;

	probe_enter(w->p, DeviceObject, Context, NULL);
	if (DeviceObject == w->device)
		atomic_inc(&w->args_ok);
	probe_leave(w->p);
}

static void MS_ABI win_routine_ex(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct win_probe *w = Context;

	probe_enter(w->p, IoObject, Context, IoWorkItem);
	if (IoObject == w->device && IoWorkItem == w->item_ex)
		atomic_inc(&w->args_ok);
	probe_leave(w->p);
}

static void MS_ABI win_worker(PVOID Parameter)
{
	struct win_probe *w = Parameter;

	probe_enter(w->p, NULL, Parameter, NULL);
	atomic_inc(&w->args_ok);	/* Parameter is w: it got here through it */
	probe_leave(w->p);
}

/* A plain routine, which a binary's queue call must not accept. */
static void plain_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
}

int ntwq_scn_io_binary_family(unsigned int arg, struct ntwq_scn_result *r)
{
	struct win_probe *w = kzalloc(sizeof(*w), GFP_KERNEL);
	PIO_WORKITEM item = NULL, item_ex = NULL, plain;
	struct scn s;
	int completed;

	if (!w || scn_begin(&s, 3, 0)) {
		kfree(w);
		return -ENOMEM;
	}
	w->p = s.p;
	w->device = s.device;
	atomic_set(&w->args_ok, 0);
	if (scn_alloc_items(&s, &plain, 1))
		goto out_abort;
	item = NtwqBinaryIoAllocateWorkItem(s.device);
	item_ex = NtwqBinaryIoAllocateWorkItem(s.device);
	ntwq_scn_put(r, "allocated", item && item_ex);
	if (!item || !item_ex)
		goto out_free_items;
	w->item_ex = item_ex;

	/* Each family's queue calls refuse the other's items: nothing runs. */
	IoQueueWorkItem(item, plain_routine, DelayedWorkQueue, w);
	NtwqBinaryIoQueueWorkItem(plain, (PIO_WORKITEM_ROUTINE)win_routine, DelayedWorkQueue, w);

	/* The twins' routine types are <ntwq/wdm.h>'s: a wrapper's view of them. */
	NtwqBinaryIoQueueWorkItem(item, (PIO_WORKITEM_ROUTINE)win_routine, DelayedWorkQueue, w);
	NtwqBinaryIoQueueWorkItemEx(item_ex, (PIO_WORKITEM_ROUTINE_EX)win_routine_ex,
				    CriticalWorkQueue, w);
	ExInitializeWorkItem(&w->ex, (PWORKER_THREAD_ROUTINE)win_worker, w);
	NtwqBinaryExQueueWorkItem(&w->ex, DelayedWorkQueue, THIS_MODULE);
	completed = probe_wait(s.p, &s.p->done);
	ntwq_scn_put(r, "completed", completed);
	ntwq_scn_put(r, "args_ok", atomic_read(&w->args_ok));
	ntwq_scn_put(r, "diag_invalid_item", diag_delta(&s, NTWQ_DIAG_INVALID_ITEM));
	IoFreeWorkItem(item);
	IoFreeWorkItem(item_ex);
	IoFreeWorkItem(plain);
	scn_finish(&s, r);
	if (completed)
		kfree(w);
	return 0;

out_free_items:
	if (item)
		IoFreeWorkItem(item);
	if (item_ex)
		IoFreeWorkItem(item_ex);
	IoFreeWorkItem(plain);
out_abort:
	kfree(w);
	return scn_abort(&s);
}
