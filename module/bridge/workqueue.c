// SPDX-License-Identifier: GPL-2.0
/* workqueue.c - bridge to workqueues and work items. */
#include <linux/module.h>
#include <linux/sched/task_stack.h>
#include <linux/workqueue.h>
#include "bridge.h"
#include "compat.h"	/* __INIT_WORK_KEY(), WQ_PERCPU */

/**
 * ntwq_alloc_workqueue - alloc_workqueue() with a fixed name.
 * @name: the workqueue's name (copied by the kernel).
 * @flags: WQ_* flags (NTWQ_WQ_* in ntwq_layout.h); without WQ_UNBOUND the
 *         workqueue is per-CPU, said explicitly (WQ_PERCPU) where the
 *         kernel asks for it.
 * @max_active: max in-flight items per CPU (per node if unbound); 0: default.
 *
 * Context: process context.
 * Return: the workqueue or NULL.
 */
struct workqueue_struct *ntwq_alloc_workqueue(const char *name,
					      unsigned int flags, int max_active)
{
	if (!(flags & WQ_UNBOUND))
		flags |= WQ_PERCPU;
	return alloc_workqueue("%s", flags, max_active, name);
}

/**
 * ntwq_destroy_workqueue - destroy_workqueue(): drains it first.
 * @wq: from ntwq_alloc_workqueue(), or NULL.
 *
 * Context: process context; may sleep.
 */
void ntwq_destroy_workqueue(struct workqueue_struct *wq)
{
	if (wq)
		destroy_workqueue(wq);
}

/**
 * ntwq_init_work - INIT_WORK() in the lockdep class @key.
 * @work: the work item, on the heap, in static data or on the stack (the
 *        debug-objects annotation follows where it is).
 * @func: what the worker calls.
 * @key: static lockdep key of this kind of work item.
 *
 * Context: any context.
 */
void ntwq_init_work(struct work_struct *work, work_func_t func,
		    struct lock_class_key *key)
{
	__INIT_WORK_KEY(work, func, object_is_on_stack(work), key);
}

/**
 * ntwq_destroy_work - end debug-objects tracking of @work's storage.
 * @work: an idle work item whose memory is about to be reused or freed.
 *
 * destroy_work_on_stack() does this for stack storage; it is equally right
 * for caller-owned storage anywhere, and a no-op without DEBUG_OBJECTS_WORK.
 *
 * Context: any context.
 */
void ntwq_destroy_work(struct work_struct *work)
{
	destroy_work_on_stack(work);
}

/**
 * ntwq_queue_work - queue_work().
 * @wq: the workqueue.
 * @work: an initialised work item.
 *
 * Context: any context, including hard irq; never sleeps or allocates.
 * Return: false if @work was already pending.
 */
bool ntwq_queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	return queue_work(wq, work);
}

/**
 * ntwq_queue_work_on - queue_work_on(): run @work on @cpu's worker pool.
 * @cpu: the CPU; if it goes offline, the work runs on another one.
 * @wq: a per-CPU workqueue.
 * @work: an initialised work item.
 *
 * Context: any context, including hard irq; never sleeps or allocates.
 * Return: false if @work was already pending.
 */
bool ntwq_queue_work_on(unsigned int cpu, struct workqueue_struct *wq,
			struct work_struct *work)
{
	return queue_work_on(cpu, wq, work);
}


/**
 * ntwq_init_delayed_work - INIT_DELAYED_WORK().
 * @dwork: the delayed work, in static data.
 * @func: what the worker calls once the delay has passed.
 *
 * One lockdep class for every caller: ntwq has one delayed work (the
 * verifier's watchdog).
 *
 * Context: any context.
 */
void ntwq_init_delayed_work(struct delayed_work *dwork, work_func_t func)
{
	INIT_DELAYED_WORK(dwork, func);
}

/**
 * ntwq_schedule_delayed_work - schedule_delayed_work() on system_wq.
 * @dwork: an initialised delayed work.
 * @delay_ms: how long from now, in milliseconds.
 *
 * Context: any context.
 * Return: false if @dwork was already pending.
 */
bool ntwq_schedule_delayed_work(struct delayed_work *dwork, unsigned int delay_ms)
{
	return schedule_delayed_work(dwork, msecs_to_jiffies(delay_ms));
}

/**
 * ntwq_cancel_delayed_work_sync - cancel_delayed_work_sync().
 * @dwork: the delayed work; a run that re-schedules itself is stopped too.
 *
 * Context: process context; may sleep.
 */
void ntwq_cancel_delayed_work_sync(struct delayed_work *dwork)
{
	cancel_delayed_work_sync(dwork);
}

/**
 * ntwq_current_work_of - current_work(), if it is a work item of @func.
 * @func: the work function asked about.
 *
 * Context: task context.  Only the worker's own current work is read.
 * Return: the work item this kworker is running if its function is @func,
 * else NULL (not a kworker, or another work function).
 */
struct work_struct *ntwq_current_work_of(work_func_t func)
{
	struct work_struct *work = current_work();

	return work && work->func == func ? work : NULL;
}
