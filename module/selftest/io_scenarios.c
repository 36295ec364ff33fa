// SPDX-License-Identifier: GPL-2.0
/*
 * io_scenarios.c - scenarios for the WDM objects and work items.
 *
 * Written as a ported driver writes its code: Linux headers, <ntwq/wdm.h>,
 * the routines by their Windows names.  Each scenario registers its own
 * driver ("ntwq_selftest", owned by ntwq itself) and deletes it at the end,
 * which drains every work item it queued, so values read afterwards are
 * final (a routine that ran twice would show runs=2).
 */
#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <ntwq/wdm.h>
#include "../bridge/bridge.h"
#include "../core/internal.h"
#include "../lib/rt_stats.h"
#include "common.h"
#include "scenarios.h"



static void probe_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	struct probe *p = Context;

	probe_enter(p, DeviceObject, Context, NULL);
	probe_leave(p);
}

static void probe_routine_ex(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct probe *p = Context;

	probe_enter(p, IoObject, Context, IoWorkItem);
	probe_leave(p);
}



/* ---- argument passing and context ---- */

int ntwq_scn_io_queue(unsigned int arg, struct ntwq_scn_result *r)
{
	struct scn s;
	struct probe *p;
	PIO_WORKITEM item;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	ntwq_scn_put(r, "allocated", item != NULL);
	IoQueueWorkItem(item, probe_routine, DelayedWorkQueue, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	ntwq_scn_put(r, "device_matches", p->object == s.device);
	ntwq_scn_put(r, "context_matches", p->context == p);
	IoFreeWorkItem(item);
	return scn_finish(&s, r);
}

int ntwq_scn_io_queue_ex(unsigned int arg, struct ntwq_scn_result *r)
{
	struct scn s;
	struct probe *p;
	PIO_WORKITEM item;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	IoQueueWorkItemEx(item, probe_routine_ex, NormalWorkQueue, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	ntwq_scn_put(r, "object_is_device", p->object == s.device);
	ntwq_scn_put(r, "context_matches", p->context == p);
	ntwq_scn_put(r, "item_matches", p->item == item);
	IoFreeWorkItem(item);
	return scn_finish(&s, r);
}

int ntwq_scn_io_try_queue(unsigned int arg, struct ntwq_scn_result *r)
{
	struct scn s;
	struct probe *p;
	PIO_WORKITEM item;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	ntwq_scn_put(r, "returned",
		     IoTryQueueWorkItem(item, probe_routine_ex, CriticalWorkQueue, p));
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	ntwq_scn_put(r, "item_matches", p->item == item);
	IoFreeWorkItem(item);
	return scn_finish(&s, r);
}

/* IoInitializeWorkItem on the driver object, in caller storage. */
int ntwq_scn_io_driver_object(unsigned int arg, struct ntwq_scn_result *r)
{
	struct scn s;
	struct probe *p;
	PIO_WORKITEM item = kzalloc(IoSizeofWorkItem(), GFP_KERNEL);

	if (!item || scn_begin(&s, 1, 0)) {
		kfree(item);
		return -ENOMEM;
	}
	p = s.p;
	IoInitializeWorkItem(s.driver, item);
	IoQueueWorkItemEx(item, probe_routine_ex, DelayedWorkQueue, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	ntwq_scn_put(r, "object_is_driver", p->object == s.driver);
	ntwq_scn_put(r, "item_matches", p->item == item);
	IoUninitializeWorkItem(item);
	kfree(item);
	return scn_finish(&s, r);
}

/* Every valid WORK_QUEUE_TYPE, custom priorities included. */
int ntwq_scn_io_queue_types(unsigned int arg, struct ntwq_scn_result *r)
{
	static const WORK_QUEUE_TYPE types[] = {
		CriticalWorkQueue, DelayedWorkQueue, HyperCriticalWorkQueue,
		NormalWorkQueue, BackgroundWorkQueue, RealTimeWorkQueue,
		SuperCriticalWorkQueue, CustomPriorityWorkQueue + 2,
		CustomPriorityWorkQueue + 10, CustomPriorityWorkQueue + 20,
	};
	PIO_WORKITEM items[ARRAY_SIZE(types)];
	struct probe *p;
	struct scn s;
	int i;

	if (scn_begin(&s, ARRAY_SIZE(types), 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, items, ARRAY_SIZE(types)))
		return scn_abort(&s);
	for (i = 0; i < ARRAY_SIZE(types); i++)
		IoQueueWorkItem(items[i], probe_routine, types[i], p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	for (i = 0; i < ARRAY_SIZE(types); i++)
		IoFreeWorkItem(items[i]);
	scn_teardown(&s);
	ntwq_scn_put(r, "types", ARRAY_SIZE(types));
	return scn_finish(&s, r);
}

/* ---- queueing from atomic, softirq and hard-irq context ---- */

int ntwq_scn_io_from_atomic(unsigned int arg, struct ntwq_scn_result *r)
{
	static DEFINE_SPINLOCK(lock);
	PIO_WORKITEM items[4];
	struct probe *p;
	unsigned long flags;
	struct scn s;
	int i, irql[4];

	if (scn_begin(&s, 4, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, items, 4))
		return scn_abort(&s);

	spin_lock(&lock);
	irql[0] = KeGetCurrentIrql();
	IoQueueWorkItem(items[0], probe_routine, NormalWorkQueue, p);
	spin_unlock(&lock);

	local_irq_save(flags);
	irql[1] = KeGetCurrentIrql();
	IoQueueWorkItem(items[1], probe_routine, CriticalWorkQueue, p);
	local_irq_restore(flags);

	preempt_disable();
	irql[2] = KeGetCurrentIrql();
	IoQueueWorkItem(items[2], probe_routine, DelayedWorkQueue, p);
	preempt_enable();

	local_bh_disable();
	irql[3] = KeGetCurrentIrql();
	IoQueueWorkItem(items[3], probe_routine, BackgroundWorkQueue, p);
	local_bh_enable();

	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	for (i = 0; i < 4; i++)
		IoFreeWorkItem(items[i]);
	scn_teardown(&s);
	ntwq_scn_put(r, "min_queue_irql", min(min(irql[0], irql[1]), min(irql[2], irql[3])));
	return scn_finish(&s, r);
}

/*
 * Inside rcu_read_lock() sleeping is illegal: KeGetCurrentIrql says
 * DISPATCH_LEVEL there, also on preemptible-RCU kernels (the debug and
 * Debian's stock ones), where rcu_read_lock() leaves preemption enabled.
 * An item queued there runs at PASSIVE_LEVEL.
 */
int ntwq_scn_io_from_rcu(unsigned int arg, struct ntwq_scn_result *r)
{
	PIO_WORKITEM item;
	struct probe *p;
	struct scn s;
	int irql, after;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	rcu_read_lock();
	irql = KeGetCurrentIrql();
	IoQueueWorkItem(item, probe_routine, NormalWorkQueue, p);
	rcu_read_unlock();
	after = KeGetCurrentIrql();
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	scn_teardown(&s);
	IoFreeWorkItem(item);
	ntwq_scn_put(r, "queue_irql", irql);
	ntwq_scn_put(r, "after_irql", after);
	return scn_finish(&s, r);
}

struct irq_queuer {
	struct timer_list timer;
	struct irq_work work;
	PIO_WORKITEM item;
	struct probe *p;
	int queue_irql;
	int queued_in_irq;
};

static void queuer_timer(struct timer_list *t)
{
	struct irq_queuer *q = timer_container_of(q, t, timer);

	q->queue_irql = KeGetCurrentIrql();
	q->queued_in_irq = !!in_serving_softirq();
	IoQueueWorkItem(q->item, probe_routine, NormalWorkQueue, q->p);
}

static void queuer_irq_work(struct irq_work *w)
{
	struct irq_queuer *q = container_of(w, struct irq_queuer, work);

	q->queue_irql = KeGetCurrentIrql();
	q->queued_in_irq = !!in_hardirq();
	IoQueueWorkItemEx(q->item, probe_routine_ex, CriticalWorkQueue, q->p);
}

static int scn_io_from_irq(bool hard, struct ntwq_scn_result *r)
{
	struct irq_queuer *q = kzalloc(sizeof(*q), GFP_KERNEL);
	struct probe *p;
	struct scn s;

	if (!q || scn_begin(&s, 1, 0)) {
		kfree(q);
		return -ENOMEM;
	}
	p = s.p;
	q->p = p;
	if (scn_alloc_items(&s, &q->item, 1)) {
		kfree(q);
		return scn_abort(&s);
	}
	if (hard) {
		init_irq_work(&q->work, queuer_irq_work);
		irq_work_queue(&q->work);
	} else {
		timer_setup(&q->timer, queuer_timer, 0);
		mod_timer(&q->timer, jiffies + 1);
	}
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	if (hard)
		irq_work_sync(&q->work);
	else
		timer_delete_sync(&q->timer);
	IoFreeWorkItem(q->item);
	ntwq_scn_put(r, "queue_irql", q->queue_irql);
	ntwq_scn_put(r, "queued_in_irq", q->queued_in_irq);
	kfree(q);
	return scn_finish(&s, r);
}

int ntwq_scn_io_from_softirq(unsigned int arg, struct ntwq_scn_result *r)
{
	return scn_io_from_irq(false, r);
}

int ntwq_scn_io_from_hardirq(unsigned int arg, struct ntwq_scn_result *r)
{
	return scn_io_from_irq(true, r);
}

/* ---- routines that free, uninitialize or re-queue their own item ---- */

static void free_self_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct probe *p = Context;

	probe_enter(p, IoObject, Context, IoWorkItem);
	IoFreeWorkItem(IoWorkItem);
	probe_leave(p);
}

int ntwq_scn_io_free_in_routine(unsigned int arg, struct ntwq_scn_result *r)
{
	PIO_WORKITEM item;
	struct probe *p;
	struct scn s;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	IoQueueWorkItemEx(item, free_self_routine, NormalWorkQueue, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	return scn_finish(&s, r);
}

static void uninit_self_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct probe *p = Context;

	probe_enter(p, IoObject, Context, IoWorkItem);
	IoUninitializeWorkItem(IoWorkItem);
	/* The storage is the driver's again: scribble on it. */
	memset(IoWorkItem, 0x5a, IoSizeofWorkItem());
	probe_leave(p);
}

int ntwq_scn_io_uninit_in_routine(unsigned int arg, struct ntwq_scn_result *r)
{
	PIO_WORKITEM item = kzalloc(IoSizeofWorkItem(), GFP_KERNEL);
	struct probe *p;
	struct scn s;

	if (!item || scn_begin(&s, 1, 0)) {
		kfree(item);
		return -ENOMEM;
	}
	p = s.p;
	IoInitializeWorkItem(s.device, item);
	IoQueueWorkItemEx(item, uninit_self_routine, DelayedWorkQueue, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	scn_teardown(&s);
	kfree(item);
	return scn_finish(&s, r);
}

static void requeue_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct probe *p = Context;

	probe_enter(p, IoObject, Context, IoWorkItem);
	/* runs counts completed passes; this pass is number runs + 1. */
	if (atomic_read(&p->runs) + 1 < p->requeue_until)
		IoQueueWorkItemEx(IoWorkItem, requeue_routine, NormalWorkQueue, p);
	probe_leave(p);
}

int ntwq_scn_io_requeue(unsigned int arg, struct ntwq_scn_result *r)
{
	struct probe *p;
	PIO_WORKITEM item;
	struct scn s;

	if (scn_begin(&s, 5, 0))
		return -ENOMEM;
	p = s.p;
	p->requeue_until = 5;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	IoQueueWorkItemEx(item, requeue_routine, NormalWorkQueue, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	scn_teardown(&s);
	IoFreeWorkItem(item);
	ntwq_scn_put(r, "max_concurrent", atomic_read(&p->max_running));
	return scn_finish(&s, r);
}

static struct overlap io_overlap;

static void requeue_other_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct overlap *o = Context;

	if (overlap_enter(o) == 1) {
		/* Normal runs on the normal pool, Critical on the high-priority one. */
		IoQueueWorkItemEx(IoWorkItem, requeue_other_routine, CriticalWorkQueue, o);
		overlap_wait(o);
	}
	probe_leave(o->p);
}

int ntwq_scn_io_requeue_other_type(unsigned int arg, struct ntwq_scn_result *r)
{
	struct overlap *o = &io_overlap;
	PIO_WORKITEM item;
	struct scn s;

	if (scn_begin(&s, 2, 0))
		return -ENOMEM;
	overlap_init(o, s.p);
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	IoQueueWorkItemEx(item, requeue_other_routine, NormalWorkQueue, o);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	scn_teardown(&s);
	IoFreeWorkItem(item);
	ntwq_scn_put(r, "max_concurrent", atomic_read(&s.p->max_running));
	return scn_finish(&s, r);
}

/* ---- lifetime: deleting the device or the driver under pending work ---- */

static void deleted_device_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct probe *p = Context;
	PDEVICE_OBJECT dev = IoObject;

	probe_enter(p, IoObject, Context, IoWorkItem);
	if (wait_for_completion_timeout(&p->go, WAIT_JIFFIES)) {
		p->refs_in_routine = ntwq_object_refs(dev);
		p->ext_ok = *(u32 *)dev->DeviceExtension == EXT_MAGIC;
		p->delete_flag_seen = !!(dev->Flags & DO_NTWQ_DELETE_PENDING);
	}
	IoFreeWorkItem(IoWorkItem);
	probe_leave(p);
}

int ntwq_scn_io_delete_pending(unsigned int arg, struct ntwq_scn_result *r)
{
	struct probe *p;
	PIO_WORKITEM item;
	struct scn s;

	if (scn_begin(&s, 1, 64))
		return -ENOMEM;
	p = s.p;
	ntwq_scn_put(r, "refs_created", ntwq_object_refs(s.device));
	/* Without the item nothing would pin the device: give up, do not delete it here. */
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	ntwq_scn_put(r, "refs_with_item", ntwq_object_refs(s.device));
	IoQueueWorkItemEx(item, deleted_device_routine, DelayedWorkQueue, p);
	ntwq_scn_put(r, "refs_queued", ntwq_object_refs(s.device));
	IoDeleteDevice(s.device);
	ntwq_scn_put(r, "refs_after_delete", ntwq_object_refs(s.device));
	ntwq_scn_put(r, "live_devices_while_pending", ntwq_live_devices() - s.live_devices);
	s.device = NULL;
	complete(&p->go);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	scn_teardown(&s);
	ntwq_scn_put(r, "refs_in_routine", p->refs_in_routine);
	ntwq_scn_put(r, "extension_intact", p->ext_ok);
	ntwq_scn_put(r, "delete_flag_seen", p->delete_flag_seen);
	return scn_finish(&s, r);
}

static void slow_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct probe *p = Context;

	probe_enter(p, IoObject, Context, IoWorkItem);
	msleep(300);
	WRITE_ONCE(p->done_flag, 1);
	IoFreeWorkItem(IoWorkItem);
	probe_leave(p);
}

int ntwq_scn_io_delete_driver_waits(unsigned int arg, struct ntwq_scn_result *r)
{
	PIO_WORKITEM item;
	struct probe *p;
	struct scn s;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	IoQueueWorkItemEx(item, slow_routine, NormalWorkQueue, p);
	/* Unload at once, as a module_exit would: no wait by the driver. */
	scn_teardown(&s);
	ntwq_scn_put(r, "routine_done_at_return", READ_ONCE(p->done_flag));
	return scn_finish(&s, r);
}

/* ---- misuse ---- */

/*
 * With interrupts off on this CPU, its kworkers cannot start anything queued
 * to a per-CPU workqueue: the item is certainly still queued.
 */
int ntwq_scn_io_double_queue(unsigned int arg, struct ntwq_scn_result *r)
{
	struct probe *p;
	PIO_WORKITEM item;
	unsigned long flags;
	struct scn s;
	BOOLEAN again;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	local_irq_save(flags);
	IoQueueWorkItem(item, probe_routine, NormalWorkQueue, p);
	IoQueueWorkItem(item, probe_routine, NormalWorkQueue, p);
	again = IoTryQueueWorkItem(item, probe_routine_ex, NormalWorkQueue, p);
	local_irq_restore(flags);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	scn_teardown(&s);
	IoFreeWorkItem(item);
	ntwq_scn_put(r, "try_again_returned", again);
	ntwq_scn_put(r, "diag_queue_queued", diag_delta(&s, NTWQ_DIAG_QUEUE_QUEUED));
	return scn_finish(&s, r);
}

int ntwq_scn_io_free_queued(unsigned int arg, struct ntwq_scn_result *r)
{
	struct probe *p;
	PIO_WORKITEM item;
	unsigned long flags;
	struct scn s;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	ntwq_scn_put(r, "refs_before", ntwq_object_refs(s.device));
	local_irq_save(flags);
	IoQueueWorkItem(item, probe_routine, NormalWorkQueue, p);
	IoFreeWorkItem(item);
	local_irq_restore(flags);
	ntwq_scn_put(r, "refs_after_free", ntwq_object_refs(s.device));
	scn_teardown(&s);
	ntwq_scn_put(r, "diag_free_queued", diag_delta(&s, NTWQ_DIAG_FREE_QUEUED));
	return scn_finish(&s, r);
}

int ntwq_scn_io_uninit_queued(unsigned int arg, struct ntwq_scn_result *r)
{
	PIO_WORKITEM item = kzalloc(IoSizeofWorkItem(), GFP_KERNEL);
	struct probe *p;
	unsigned long flags;
	struct scn s;

	if (!item || scn_begin(&s, 1, 0)) {
		kfree(item);
		return -ENOMEM;
	}
	p = s.p;
	IoInitializeWorkItem(s.device, item);
	local_irq_save(flags);
	IoQueueWorkItemEx(item, probe_routine_ex, DelayedWorkQueue, p);
	IoUninitializeWorkItem(item);
	local_irq_restore(flags);
	kfree(item);
	scn_teardown(&s);
	ntwq_scn_put(r, "diag_free_queued", diag_delta(&s, NTWQ_DIAG_FREE_QUEUED));
	return scn_finish(&s, r);
}

/* Holds the dispatcher of one item before it reads the item. */
static struct {
	const void *item;
	struct completion reached, go;
} taken;

static void taken_hook(const void *item)
{
	if (item != READ_ONCE(taken.item))
		return;
	complete(&taken.reached);
	wait_for_completion_timeout(&taken.go, WAIT_JIFFIES);
}

/*
 * IoUninitializeWorkItem at DISPATCH_LEVEL of a caller-storage item whose
 * dispatcher has started (it is held just before it takes its FIFO's
 * lock, the item first in the FIFO), then the storage is poisoned and
 * freed: the item is unlinked under that lock, the routine never runs and
 * nothing reads the freed storage (KASAN on the debug kernel, slab
 * poisoning on the stock ones).
 */
int ntwq_scn_io_uninit_taken(unsigned int arg, struct ntwq_scn_result *r)
{
	ULONG size = IoSizeofWorkItem();
	PIO_WORKITEM item = kzalloc(size, GFP_KERNEL);
	unsigned long flags;
	struct probe *p;
	struct scn s;
	int irql;

	if (!item || scn_begin(&s, 1, 0)) {
		kfree(item);
		return -ENOMEM;
	}
	p = s.p;
	init_completion(&taken.reached);
	init_completion(&taken.go);
	WRITE_ONCE(taken.item, item);
	ntwq_set_dispatch_hook(taken_hook);
	IoInitializeWorkItem(s.device, item);
	IoQueueWorkItem(item, probe_routine, DelayedWorkQueue, p);
	ntwq_scn_put(r, "worker_took_it",
		     wait_for_completion_timeout(&taken.reached, WAIT_JIFFIES) > 0);
	local_irq_save(flags);
	irql = KeGetCurrentIrql();
	IoUninitializeWorkItem(item);
	local_irq_restore(flags);
	ntwq_scn_put(r, "uninit_irql", irql);
	memset(item, 0x6b, size);
	kfree(item);
	complete(&taken.go);
	/* The held dispatcher finds its FIFO empty; give it the time to. */
	msleep(20);
	ntwq_set_dispatch_hook(NULL);
	WRITE_ONCE(taken.item, NULL);
	scn_teardown(&s);
	ntwq_scn_put(r, "diag_free_queued", diag_delta(&s, NTWQ_DIAG_FREE_QUEUED));
	return scn_finish(&s, r);
}

int ntwq_scn_io_invalid_type(unsigned int arg, struct ntwq_scn_result *r)
{
	struct probe *p;
	PIO_WORKITEM item;
	struct scn s;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	IoQueueWorkItem(item, probe_routine, MaximumWorkQueue, p);
	IoQueueWorkItem(item, probe_routine, (WORK_QUEUE_TYPE)99, p);
	ntwq_scn_put(r, "try_returned",
		     IoTryQueueWorkItem(item, probe_routine_ex, CustomPriorityWorkQueue + 32, p));
	/* The item is still idle and usable. */
	IoQueueWorkItem(item, probe_routine, NormalWorkQueue, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	scn_teardown(&s);
	IoFreeWorkItem(item);
	ntwq_scn_put(r, "diag_invalid_queue_type",
		     diag_delta(&s, NTWQ_DIAG_INVALID_QUEUE_TYPE));
	return scn_finish(&s, r);
}

int ntwq_scn_io_null_args(unsigned int arg, struct ntwq_scn_result *r)
{
	PIO_WORKITEM storage = kzalloc(IoSizeofWorkItem(), GFP_KERNEL);
	struct probe *p;
	PDEVICE_OBJECT unused = NULL;
	PIO_WORKITEM item;
	struct scn s;

	if (!storage || scn_begin(&s, 1, 0)) {
		kfree(storage);
		return -ENOMEM;
	}
	p = s.p;
	if (scn_alloc_items(&s, &item, 1)) {
		kfree(storage);
		return scn_abort(&s);
	}
	IoQueueWorkItem(NULL, probe_routine, NormalWorkQueue, p);
	IoQueueWorkItem(item, NULL, NormalWorkQueue, p);
	IoFreeWorkItem(NULL);
	ntwq_scn_put(r, "alloc_null_device", IoAllocateWorkItem(NULL) == NULL);
	IoInitializeWorkItem(NULL, storage);
	ntwq_scn_put(r, "reference_null", ObReferenceObject(NULL));
	ntwq_scn_put(r, "create_device_null_driver",
		     IoCreateDevice(NULL, 0, NULL, 0, 0, FALSE, &unused) ==
			     STATUS_INVALID_PARAMETER);
	scn_teardown(&s);
	IoFreeWorkItem(item);
	kfree(storage);
	ntwq_scn_put(r, "diag_invalid_item", diag_delta(&s, NTWQ_DIAG_INVALID_ITEM));
	ntwq_scn_put(r, "diag_invalid_routine", diag_delta(&s, NTWQ_DIAG_INVALID_ROUTINE));
	ntwq_scn_put(r, "diag_invalid_object", diag_delta(&s, NTWQ_DIAG_INVALID_OBJECT));
	return scn_finish(&s, r);
}

/* Lies in this module, but in its data: never a routine. */
static const unsigned long foreign_not_code = 1;

int ntwq_scn_io_foreign_routine(unsigned int arg, struct ntwq_scn_result *r)
{
	struct probe *p;
	PIO_WORKITEM item;
	struct scn s;

	if (scn_begin(&s, 1, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, &item, 1))
		return scn_abort(&s);
	/* Kernel code, not the driver's: refused (harmless if it ever ran). */
	IoQueueWorkItem(item, (PIO_WORKITEM_ROUTINE)(void *)ktime_get, NormalWorkQueue, p);
	/* The driver's module, but data, not code: refused too. */
	IoQueueWorkItem(item, (PIO_WORKITEM_ROUTINE)(void *)&foreign_not_code, NormalWorkQueue, p);
	scn_teardown(&s);
	IoFreeWorkItem(item);
	ntwq_scn_put(r, "diag_invalid_routine", diag_delta(&s, NTWQ_DIAG_INVALID_ROUTINE));
	return scn_finish(&s, r);
}

static void leave_preempt_off_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	probe_routine(DeviceObject, Context);
	preempt_disable();
}

static void leave_irqs_off_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	probe_routine(DeviceObject, Context);
	local_irq_disable();
}

int ntwq_scn_io_bad_irql_return(unsigned int arg, struct ntwq_scn_result *r)
{
	struct probe *p;
	PIO_WORKITEM items[3];
	struct scn s;
	int i;

	if (scn_begin(&s, 3, 0))
		return -ENOMEM;
	p = s.p;
	if (scn_alloc_items(&s, items, 3))
		return scn_abort(&s);
	IoQueueWorkItem(items[0], leave_preempt_off_routine, NormalWorkQueue, p);
	IoQueueWorkItem(items[1], leave_irqs_off_routine, NormalWorkQueue, p);
	/* The workers were repaired: a later item on the same queue runs. */
	IoQueueWorkItem(items[2], probe_routine, NormalWorkQueue, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	scn_teardown(&s);
	ntwq_scn_put(r, "diag_bad_irql_return", diag_delta(&s, NTWQ_DIAG_BAD_IRQL_RETURN));
	for (i = 0; i < 3; i++)
		IoFreeWorkItem(items[i]);
	return scn_finish(&s, r);
}

static void leave_bh_off_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	probe_routine(DeviceObject, Context);
	local_bh_disable();
}

static void leave_bh_then_preempt_off_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	probe_routine(DeviceObject, Context);
	local_bh_disable();
	preempt_disable();
}

static void leave_preempt_then_bh_off_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	probe_routine(DeviceObject, Context);
	preempt_disable();
	local_bh_disable();
}

static void leave_bh_and_irqs_off_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	probe_routine(DeviceObject, Context);
	local_bh_disable();
	local_irq_disable();
}

#define BAD_BH_ROUTINES 4

struct bad_bh {
	struct scn s;
	struct scn_bounded b;
	PIO_WORKITEM items[BAD_BH_ROUTINES + 1];
};

/*
 * Routines returning with bottom halves disabled, alone and with preemption
 * or interrupts off too: each is diagnosed and its worker repaired (the
 * missing local_bh_enable() made, not a preempt_enable(), which
 * CONFIG_DEBUG_PREEMPT refuses for a bottom-half level, so a core doing that
 * spins in its repair).  A later item on the same queue runs.  The teardown
 * is bounded: on a timeout everything stays allocated.
 */
int ntwq_scn_io_bad_bh_return(unsigned int arg, struct ntwq_scn_result *r)
{
	static const PIO_WORKITEM_ROUTINE bad[BAD_BH_ROUTINES] = {
		leave_bh_off_routine, leave_bh_then_preempt_off_routine,
		leave_preempt_then_bh_off_routine, leave_bh_and_irqs_off_routine,
	};
	struct bad_bh *b = kzalloc(sizeof(*b), GFP_KERNEL);
	struct probe *p;
	bool drained;
	int i;

	if (!b)
		return -ENOMEM;
	if (scn_begin(&b->s, BAD_BH_ROUTINES + 1, 0)) {
		kfree(b);
		return -ENOMEM;
	}
	if (scn_alloc_items(&b->s, b->items, BAD_BH_ROUTINES + 1))
		goto out_abort;
	if (scn_bounded_prepare(&b->b, &b->s))
		goto out_free_items;
	p = b->s.p;
	for (i = 0; i < BAD_BH_ROUTINES; i++)
		IoQueueWorkItem(b->items[i], bad[i], NormalWorkQueue, p);
	/* The workers were repaired: a later item on the same queue runs. */
	IoQueueWorkItem(b->items[BAD_BH_ROUTINES], probe_routine, NormalWorkQueue, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	drained = scn_bounded_teardown(&b->b, NULL, NULL);
	ntwq_scn_put(r, "driver_drained", drained);
	ntwq_scn_put(r, "diag_bad_irql_return", diag_delta(&b->s, NTWQ_DIAG_BAD_IRQL_RETURN));
	if (!drained) {
		/* A dispatcher never returned: keep b, its items and the probe. */
		put_probe(r, p);
		scn_put_common(&b->s, r);
		return 0;
	}
	for (i = 0; i <= BAD_BH_ROUTINES; i++)
		IoFreeWorkItem(b->items[i]);
	scn_finish(&b->s, r);
	kfree(b);
	return 0;

out_free_items:
	for (i = 0; i <= BAD_BH_ROUTINES; i++)
		IoFreeWorkItem(b->items[i]);
out_abort:
	scn_abort(&b->s);
	kfree(b);
	return -ENOMEM;
}

/* ---- allocation failure (kernels with fault injection) ---- */

int ntwq_scn_io_alloc_fail(unsigned int arg, struct ntwq_scn_result *r)
{
	PDRIVER_OBJECT driver2 = (PDRIVER_OBJECT)1;
	PDEVICE_OBJECT dev2 = (PDEVICE_OBJECT)1;
	PIO_WORKITEM item;
	struct scn s;
	NTSTATUS st;

	if (ntwq_fault_set_fail_nth(0))
		return -EOPNOTSUPP;
	if (scn_setup(&s, 0))
		return -ENOMEM;

	ntwq_fault_set_fail_nth(1);
	item = IoAllocateWorkItem(s.device);
	ntwq_scn_put(r, "alloc_item_null", item == NULL);

	ntwq_fault_set_fail_nth(1);
	st = IoCreateDevice(s.driver, 128, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev2);
	ntwq_scn_put(r, "create_device_status_ok", st == STATUS_INSUFFICIENT_RESOURCES);
	ntwq_scn_put(r, "create_device_out_null", dev2 == NULL);

	ntwq_fault_set_fail_nth(1);
	st = NtwqCreateDriver(THIS_MODULE, "ntwq_failing", &driver2);
	ntwq_scn_put(r, "create_driver_status_ok", st == STATUS_INSUFFICIENT_RESOURCES);
	ntwq_scn_put(r, "create_driver_out_null", driver2 == NULL);
	ntwq_fault_set_fail_nth(0);

	scn_teardown(&s);
	scn_put_common(&s, r);
	return 0;
}

/* ---- concurrency: blocking routines of one queue run side by side ---- */

struct barrier_probe {
	struct probe p;
	wait_queue_head_t wq;
	atomic_t arrived;
	int expected;
	unsigned long bound;	/* jiffies a routine waits for the others */
	atomic_t timeouts;
	atomic_t gave_up;	/* one routine timed out: the others stop waiting */
};

static void barrier_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct barrier_probe *b = Context;

	probe_enter(&b->p, IoObject, Context, IoWorkItem);
	atomic_inc(&b->arrived);
	wake_up_all(&b->wq);
	/*
	 * Block (sleep) until every routine has started, or give up.  Once one
	 * gives up, the rest do not wait: a workqueue's rescuer may run the
	 * late ones one after another, and each waiting its full bound would
	 * hold the scenario for minutes.
	 */
	if (!wait_event_timeout(b->wq, atomic_read(&b->arrived) >= b->expected ||
				       atomic_read(&b->gave_up), b->bound)) {
		atomic_inc(&b->timeouts);
		atomic_set(&b->gave_up, 1);
		wake_up_all(&b->wq);
	}
	probe_leave(&b->p);
}

static void barrier_init(struct barrier_probe *b, int n, unsigned long bound)
{
	init_completion(&b->p.done);
	init_completion(&b->p.go);
	b->p.target = n;
	b->p.all_in_task = 1;
	b->expected = n;
	b->bound = bound;
	init_waitqueue_head(&b->wq);
}

/* Queues @n barrier routines and waits (bounded) until they have all run. */
static int barrier_round(PIO_WORKITEM *items, int n, struct barrier_probe *b)
{
	int i;

	for (i = 0; i < n; i++)
		IoQueueWorkItemEx(items[i], barrier_routine, DelayedWorkQueue, b);
	return wait_for_completion_timeout(&b->p.done, BARRIER_JIFFIES) > 0;
}

/*
 * @n routines that block until all @n have started.  Warm-up rounds first
 * (short bound, results not reported) let the pool create its workers:
 * under TCG a kworker takes long enough to create that the pool calls the
 * workqueue's rescuer, which runs the items it takes one at a time.  The
 * measured round is about concurrency, not about kthread creation speed.
 */
int ntwq_scn_io_concurrency(unsigned int arg, struct ntwq_scn_result *r)
{
	int n = arg ? min(arg, 256u) : 32, i;
	struct barrier_probe *b = kzalloc(2 * sizeof(*b), GFP_KERNEL);
	PIO_WORKITEM *items = kcalloc(2 * n, sizeof(*items), GFP_KERNEL);
	struct scn s;

	if (!b || !items || scn_setup(&s, 0)) {
		kfree(b);
		kfree(items);
		return -ENOMEM;
	}
	if (scn_alloc_items(&s, items, 2 * n)) {
		scn_teardown(&s);
		kfree(items);
		kfree(b);
		return -ENOMEM;
	}
	/* Up to five warm-up rounds, until one sees all @n at once. */
	for (i = 0; i < 5; i++) {
		memset(&b[0], 0, sizeof(b[0]));
		barrier_init(&b[0], n, msecs_to_jiffies(2000));
		if (!barrier_round(items + n, n, &b[0]) ||
		    atomic_read(&b[0].p.max_running) >= n)
			break;
	}
	barrier_init(&b[1], n, BARRIER_JIFFIES);
	ntwq_scn_put(r, "completed", barrier_round(items, n, &b[1]));
	scn_teardown(&s);
	for (i = 0; i < 2 * n; i++)
		IoFreeWorkItem(items[i]);
	ntwq_scn_put(r, "items", n);
	ntwq_scn_put(r, "max_concurrent", atomic_read(&b[1].p.max_running));
	ntwq_scn_put(r, "barrier_timeouts", atomic_read(&b[1].timeouts));
	put_probe(r, &b[1].p);
	scn_put_common(&s, r);
	kfree(items);
	kfree(b);
	return 0;
}

/* ---- misuse: initializing an item that is queued ---- */

struct init_queued {
	struct scn s;
	struct scn_bounded b;
};

/*
 * IoInitializeWorkItem on caller storage whose item is still queued: queued
 * with preemption off on DelayedWorkQueue (per-CPU), the item cannot start
 * before preempt_enable(), so the second init certainly meets a queued item.
 * It must be refused (WORKER_INVALID(1)); the routine runs once and the
 * device's references come back to where they were.  Re-initialising the
 * work_struct instead would corrupt the pool's list, so a defective core may
 * also leak pins: the teardown is bounded, and on a timeout the storage is
 * left allocated rather than freed under whatever still points at it.
 */
int ntwq_scn_io_init_queued(unsigned int arg, struct ntwq_scn_result *r)
{
	PIO_WORKITEM item = kzalloc(IoSizeofWorkItem(), GFP_KERNEL);
	struct init_queued *q = kzalloc(sizeof(*q), GFP_KERNEL);
	long refs_before, refs_after;
	struct probe *p;
	bool drained;
	int i;

	if (!item || !q || scn_begin(&q->s, 1, 0)) {
		kfree(item);
		kfree(q);
		return -ENOMEM;
	}
	if (scn_bounded_prepare(&q->b, &q->s)) {
		scn_finish(&q->s, NULL);
		kfree(item);
		kfree(q);
		return -ENOMEM;
	}
	p = q->s.p;
	refs_before = ntwq_object_refs(q->s.device);
	IoInitializeWorkItem(q->s.device, item);
	preempt_disable();
	IoQueueWorkItemEx(item, probe_routine_ex, DelayedWorkQueue, p);
	IoInitializeWorkItem(q->s.device, item);
	preempt_enable();
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	IoUninitializeWorkItem(item);
	/* The dispatcher drops the queued item's pin just after the routine. */
	for (i = 0; i < 100; i++) {
		refs_after = ntwq_object_refs(q->s.device);
		if (refs_after == refs_before)
			break;
		usleep_range(10000, 20000);
	}
	ntwq_scn_put(r, "refs_delta", refs_after - refs_before);
	ntwq_scn_put(r, "diag_queue_queued", diag_delta(&q->s, NTWQ_DIAG_QUEUE_QUEUED));

	drained = scn_bounded_teardown(&q->b, NULL, NULL);
	ntwq_scn_put(r, "driver_drained", drained);
	if (!drained) {
		/* The thread still waits in NtwqDeleteDriver: keep q, p and item. */
		put_probe(r, p);
		scn_put_common(&q->s, r);
		return 0;
	}
	kfree(item);
	scn_finish(&q->s, r);
	kfree(q);
	return 0;
}
