// SPDX-License-Identifier: GPL-2.0
/*
 * ex_scenarios.c - scenarios for the executive work items.
 *
 * ExQueueWorkItem here passes THIS_MODULE, ntwq itself, so every queued item
 * pins ntwq's module until its routine returns: waiting for ntwq's module
 * reference count to return to its value before a scenario is an exact drain
 * of everything the scenario queued.
 */
#include <linux/bottom_half.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include "common.h"
#include "scenarios.h"

/* An Ex scenario's context: the probe and a work item in the heap. */
struct ex_ctx {
	int baseline; /* ntwq's module refcount before the scenario */
	struct probe *p;
	WORK_QUEUE_ITEM item;
	int flink_null_in_routine;
	unsigned int requeues;
};

static int ex_begin(struct scn *s, struct ex_ctx **out, int target)
{
	memset(s, 0, sizeof(*s));
	scn_snapshot(s);
	*out = kzalloc(sizeof(**out), GFP_KERNEL);
	if (!*out)
		return -ENOMEM;
	(*out)->baseline = module_refcount(THIS_MODULE);
	(*out)->p = probe_new(target);
	if (!(*out)->p) {
		kfree(*out);
		return -ENOMEM;
	}
	return 0;
}

/* Waits until nothing the scenario queued is pending or running. */
static int ex_drain(int baseline)
{
	unsigned long until = jiffies + WAIT_JIFFIES;

	while (module_refcount(THIS_MODULE) > baseline) {
		if (time_after(jiffies, until))
			return 0;
		usleep_range(5000, 10000);
	}
	return 1;
}

static int ex_finish(struct scn *s, struct ex_ctx *c, struct ntwq_scn_result *r)
{
	ntwq_scn_put(r, "drained", ex_drain(c->baseline));
	put_probe(r, c->p);
	kfree(c->p);
	kfree(c);
	scn_put_common(s, r);
	return 0;
}

static void ex_probe_routine(PVOID Parameter)
{
	struct ex_ctx *c = Parameter;

	probe_enter(c->p, NULL, Parameter, NULL);
	c->flink_null_in_routine = c->item.List.Flink == NULL;
	probe_leave(c->p);
}

int ntwq_scn_ex_layout(unsigned int arg, struct ntwq_scn_result *r)
{
	ntwq_scn_put(r, "offset_list", offsetof(WORK_QUEUE_ITEM, List));
	ntwq_scn_put(r, "offset_routine", offsetof(WORK_QUEUE_ITEM, WorkerRoutine));
	ntwq_scn_put(r, "offset_parameter", offsetof(WORK_QUEUE_ITEM, Parameter));
	ntwq_scn_put(r, "size", sizeof(WORK_QUEUE_ITEM));
	return 0;
}

int ntwq_scn_ex_parameter(unsigned int arg, struct ntwq_scn_result *r)
{
	struct ex_ctx *c;
	struct scn s;

	if (ex_begin(&s, &c, 1))
		return -ENOMEM;
	ExInitializeWorkItem(&c->item, ex_probe_routine, c);
	ntwq_scn_put(r, "flink_null_after_init", c->item.List.Flink == NULL);
	ExQueueWorkItem(&c->item, DelayedWorkQueue);
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	ntwq_scn_put(r, "parameter_matches", c->p->context == c);
	ntwq_scn_put(r, "flink_null_in_routine", c->flink_null_in_routine);
	return ex_finish(&s, c, r);
}

static struct {
	atomic_t unpins;	/* module pins of unpin_routine dropped */
	atomic_t named;		/* ... while debugfs `items` still named it */
} unpin;

static void unpin_routine(PVOID Parameter)
{
	ex_probe_routine(Parameter);
}

static void unpin_hook(const void *routine)
{
	if (routine != unpin_routine)
		return;
	atomic_inc(&unpin.unpins);
	if (ntwq_ex_names_routine(routine))
		atomic_inc(&unpin.named);
}

/*
 * When a dispatcher drops the module pin of the routine it ran, debugfs
 * `items` must already have stopped naming that routine and its module: from
 * then on the module may be freed, and `cat items` would print its name.
 * The hook looks at the instant the pin goes.
 */
int ntwq_scn_ex_unpin_after_items(unsigned int arg, struct ntwq_scn_result *r)
{
	unsigned long deadline;
	struct ex_ctx *c;
	struct scn s;

	if (ex_begin(&s, &c, 1))
		return -ENOMEM;
	atomic_set(&unpin.unpins, 0);
	atomic_set(&unpin.named, 0);
	ntwq_set_ex_unpin_hook(unpin_hook);
	ExInitializeWorkItem(&c->item, unpin_routine, c);
	ExQueueWorkItem(&c->item, DelayedWorkQueue);
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	deadline = jiffies + WAIT_JIFFIES;
	while (!atomic_read(&unpin.unpins) && time_before(jiffies, deadline))
		usleep_range(1000, 2000);
	ntwq_set_ex_unpin_hook(NULL);
	ntwq_scn_put(r, "unpins", atomic_read(&unpin.unpins));
	ntwq_scn_put(r, "named_after_unpin", atomic_read(&unpin.named));
	return ex_finish(&s, c, r);
}

/* A queued item is linked through List: Flink non-NULL until dequeued. */
int ntwq_scn_ex_flink_while_queued(unsigned int arg, struct ntwq_scn_result *r)
{
	unsigned long flags;
	struct ex_ctx *c;
	struct scn s;

	if (ex_begin(&s, &c, 1))
		return -ENOMEM;
	ExInitializeWorkItem(&c->item, ex_probe_routine, c);
	local_irq_save(flags);
	ExQueueWorkItem(&c->item, NormalWorkQueue);
	ntwq_scn_put(r, "flink_set_while_queued", c->item.List.Flink != NULL);
	ntwq_scn_put(r, "module_pinned_while_queued", module_refcount(THIS_MODULE) - c->baseline);
	local_irq_restore(flags);
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	return ex_finish(&s, c, r);
}

static void ex_free_self_routine(PVOID Parameter)
{
	struct ex_ctx *c = Parameter;
	struct probe *p = c->p;

	probe_enter(p, NULL, Parameter, NULL);
	kfree(c);	/* the item is inside: ntwq must not touch it again */
	probe_leave(p);
}

int ntwq_scn_ex_free_in_routine(unsigned int arg, struct ntwq_scn_result *r)
{
	int baseline = module_refcount(THIS_MODULE);
	struct probe *p;
	struct ex_ctx *c;
	struct scn s;

	if (ex_begin(&s, &c, 1))
		return -ENOMEM;
	p = c->p;
	ExInitializeWorkItem(&c->item, ex_free_self_routine, c);
	ExQueueWorkItem(&c->item, CriticalWorkQueue);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	ntwq_scn_put(r, "drained", ex_drain(baseline));
	put_probe(r, p);
	kfree(p);
	scn_put_common(&s, r);
	return 0;
}

struct stack_probe {
	struct completion done;
	void *parameter;
	int irql;
};

static void ex_stack_routine(PVOID Parameter)
{
	struct stack_probe *sp = Parameter;

	sp->parameter = Parameter;
	sp->irql = KeGetCurrentIrql();
	complete(&sp->done);
}

/* The common Windows pattern: an item and an event on the caller's stack. */
int ntwq_scn_ex_on_stack(unsigned int arg, struct ntwq_scn_result *r)
{
	int baseline = module_refcount(THIS_MODULE);
	WORK_QUEUE_ITEM item;
	struct stack_probe sp;
	struct scn s;

	memset(&s, 0, sizeof(s));
	scn_snapshot(&s);
	init_completion(&sp.done);
	sp.parameter = NULL;
	sp.irql = -1;
	ExInitializeWorkItem(&item, ex_stack_routine, &sp);
	ExQueueWorkItem(&item, DelayedWorkQueue);
	ntwq_scn_put(r, "completed", wait_for_completion_timeout(&sp.done, WAIT_JIFFIES) > 0);
	/* The item must be off every list before this frame goes away. */
	ntwq_scn_put(r, "drained", ex_drain(baseline));
	ntwq_scn_put(r, "parameter_matches", sp.parameter == &sp);
	ntwq_scn_put(r, "max_irql", sp.irql);
	scn_put_common(&s, r);
	return 0;
}

int ntwq_scn_ex_from_atomic(unsigned int arg, struct ntwq_scn_result *r)
{
	static DEFINE_SPINLOCK(lock);
	WORK_QUEUE_ITEM *items;
	unsigned long flags;
	struct ex_ctx *c;
	struct scn s;
	int i;

	if (ex_begin(&s, &c, 3))
		return -ENOMEM;
	items = kcalloc(3, sizeof(*items), GFP_KERNEL);
	if (!items) {
		ex_finish(&s, c, r);
		return -ENOMEM;
	}
	for (i = 0; i < 3; i++)
		ExInitializeWorkItem(&items[i], ex_probe_routine, c);
	spin_lock(&lock);
	ExQueueWorkItem(&items[0], NormalWorkQueue);
	spin_unlock(&lock);
	local_irq_save(flags);
	ExQueueWorkItem(&items[1], CriticalWorkQueue);
	local_irq_restore(flags);
	local_bh_disable();
	ExQueueWorkItem(&items[2], BackgroundWorkQueue);
	local_bh_enable();
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	ex_finish(&s, c, r);
	kfree(items);
	return 0;
}

struct ex_irq_queuer {
	struct timer_list timer;
	struct irq_work work;
	struct ex_ctx *c;
	int queue_irql;
};

static void ex_queuer_timer(struct timer_list *t)
{
	struct ex_irq_queuer *q = timer_container_of(q, t, timer);

	q->queue_irql = KeGetCurrentIrql();
	ExQueueWorkItem(&q->c->item, NormalWorkQueue);
}

static void ex_queuer_irq_work(struct irq_work *w)
{
	struct ex_irq_queuer *q = container_of(w, struct ex_irq_queuer, work);

	q->queue_irql = KeGetCurrentIrql();
	ExQueueWorkItem(&q->c->item, HyperCriticalWorkQueue);
}

static int ex_from_irq(bool hard, struct ntwq_scn_result *r)
{
	struct ex_irq_queuer *q = kzalloc(sizeof(*q), GFP_KERNEL);
	struct ex_ctx *c;
	struct scn s;

	if (!q || ex_begin(&s, &c, 1)) {
		kfree(q);
		return -ENOMEM;
	}
	q->c = c;
	ExInitializeWorkItem(&c->item, ex_probe_routine, c);
	if (hard) {
		init_irq_work(&q->work, ex_queuer_irq_work);
		irq_work_queue(&q->work);
	} else {
		timer_setup(&q->timer, ex_queuer_timer, 0);
		mod_timer(&q->timer, jiffies + 1);
	}
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	if (hard)
		irq_work_sync(&q->work);
	else
		timer_delete_sync(&q->timer);
	ntwq_scn_put(r, "queue_irql", q->queue_irql);
	kfree(q);
	return ex_finish(&s, c, r);
}

int ntwq_scn_ex_from_softirq(unsigned int arg, struct ntwq_scn_result *r)
{
	return ex_from_irq(false, r);
}

int ntwq_scn_ex_from_hardirq(unsigned int arg, struct ntwq_scn_result *r)
{
	return ex_from_irq(true, r);
}

static void ex_requeue_routine(PVOID Parameter)
{
	struct ex_ctx *c = Parameter;

	probe_enter(c->p, NULL, Parameter, NULL);
	if (c->requeues) {
		c->requeues--;
		ExQueueWorkItem(&c->item, NormalWorkQueue);
	}
	probe_leave(c->p);
}

int ntwq_scn_ex_requeue(unsigned int arg, struct ntwq_scn_result *r)
{
	struct ex_ctx *c;
	struct scn s;

	if (ex_begin(&s, &c, 4))
		return -ENOMEM;
	c->requeues = 3;
	ExInitializeWorkItem(&c->item, ex_requeue_routine, c);
	ExQueueWorkItem(&c->item, NormalWorkQueue);
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	return ex_finish(&s, c, r);
}

/* The first pass re-queues onto @requeue_type, then waits for an overlap. */
struct ex_overlap {
	struct overlap o;
	WORK_QUEUE_ITEM item;
	WORK_QUEUE_TYPE requeue_type;
};

static void ex_overlap_routine(PVOID Parameter)
{
	struct ex_overlap *x = Parameter;

	if (overlap_enter(&x->o) == 1) {
		ExQueueWorkItem(&x->item, x->requeue_type);
		overlap_wait(&x->o);
	}
	probe_leave(x->o.p);
}

static int ex_requeue_overlap(WORK_QUEUE_TYPE requeue_type, struct ntwq_scn_result *r)
{
	struct ex_overlap *x = kzalloc(sizeof(*x), GFP_KERNEL);
	struct ex_ctx *c;
	struct scn s;

	if (!x || ex_begin(&s, &c, 2)) {
		kfree(x);
		return -ENOMEM;
	}
	overlap_init(&x->o, c->p);
	x->requeue_type = requeue_type;
	ExInitializeWorkItem(&x->item, ex_overlap_routine, x);
	ExQueueWorkItem(&x->item, NormalWorkQueue);
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	ntwq_scn_put(r, "max_concurrent", atomic_read(&c->p->max_running));
	if (ex_drain(c->baseline))
		kfree(x); /* else a pass may still use it: leak rather than free */
	return ex_finish(&s, c, r);
}

int ntwq_scn_ex_requeue_no_overlap(unsigned int arg, struct ntwq_scn_result *r)
{
	return ex_requeue_overlap(NormalWorkQueue, r);
}

int ntwq_scn_ex_requeue_other_type(unsigned int arg, struct ntwq_scn_result *r)
{
	return ex_requeue_overlap(CriticalWorkQueue, r);
}

/* ---- volume and concurrency ---- */

struct ex_many {
	WORK_QUEUE_ITEM *items;
	atomic_t *counts;
	atomic_t total;
	unsigned int n;
	struct completion done;
};

struct ex_many_param {
	struct ex_many *m;
	unsigned int index;
};

static void ex_many_routine(PVOID Parameter)
{
	struct ex_many_param *mp = Parameter;
	struct ex_many *m = mp->m;

	atomic_inc(&m->counts[mp->index]);
	if (atomic_inc_return(&m->total) == m->n)
		complete(&m->done);
}

int ntwq_scn_ex_many(unsigned int arg, struct ntwq_scn_result *r)
{
	static const WORK_QUEUE_TYPE types[] = { NormalWorkQueue, DelayedWorkQueue,
						 CriticalWorkQueue, BackgroundWorkQueue };
	int baseline = module_refcount(THIS_MODULE);
	unsigned int n = arg ? min(arg, 100000u) : 10000, i, once = 0, never = 0, more = 0;
	struct ex_many_param *params = __vcalloc(n, sizeof(*params), GFP_KERNEL | __GFP_NOWARN);
	struct ex_many m = { .n = n };
	struct scn s;

	memset(&s, 0, sizeof(s));
	scn_snapshot(&s);
	m.items = __vcalloc(n, sizeof(*m.items), GFP_KERNEL | __GFP_NOWARN);
	m.counts = __vcalloc(n, sizeof(*m.counts), GFP_KERNEL | __GFP_NOWARN);
	if (!params || !m.items || !m.counts) {
		vfree(params);
		vfree(m.items);
		vfree(m.counts);
		return -ENOMEM;
	}
	init_completion(&m.done);
	for (i = 0; i < n; i++) {
		params[i].m = &m;
		params[i].index = i;
		ExInitializeWorkItem(&m.items[i], ex_many_routine, &params[i]);
		ExQueueWorkItem(&m.items[i], types[i % ARRAY_SIZE(types)]);
	}
	ntwq_scn_put(r, "completed",
		     wait_for_completion_timeout(&m.done, 6 * WAIT_JIFFIES) > 0);
	ntwq_scn_put(r, "drained", ex_drain(baseline));
	for (i = 0; i < n; i++) {
		int count = atomic_read(&m.counts[i]);

		once += count == 1;
		never += count == 0;
		more += count > 1;
	}
	ntwq_scn_put(r, "items", n);
	ntwq_scn_put(r, "ran_once", once);
	ntwq_scn_put(r, "never_ran", never);
	ntwq_scn_put(r, "ran_more_than_once", more);
	vfree(params);
	vfree(m.items);
	vfree(m.counts);
	scn_put_common(&s, r);
	return 0;
}

struct ex_barrier {
	struct probe *p;
	wait_queue_head_t wq;
	atomic_t arrived;
	atomic_t timeouts;
	atomic_t gave_up; /* one routine timed out: the others stop waiting */
	int expected;
};

static void ex_barrier_routine(PVOID Parameter)
{
	struct ex_barrier *b = Parameter;

	probe_enter(b->p, NULL, Parameter, NULL);
	atomic_inc(&b->arrived);
	wake_up_all(&b->wq);
	if (!wait_event_timeout(b->wq, atomic_read(&b->arrived) >= b->expected ||
				       atomic_read(&b->gave_up), BARRIER_JIFFIES)) {
		atomic_inc(&b->timeouts);
		atomic_set(&b->gave_up, 1);
		wake_up_all(&b->wq);
	}
	probe_leave(b->p);
}

int ntwq_scn_ex_concurrency(unsigned int arg, struct ntwq_scn_result *r)
{
	int baseline = module_refcount(THIS_MODULE);
	unsigned int n = arg ? min(arg, 256u) : 64, i;
	WORK_QUEUE_ITEM *items = kcalloc(n, sizeof(*items), GFP_KERNEL);
	struct ex_barrier *b = kzalloc(sizeof(*b), GFP_KERNEL);
	struct scn s;

	memset(&s, 0, sizeof(s));
	scn_snapshot(&s);
	if (b)
		b->p = probe_new(n);
	if (!items || !b || !b->p) {
		kfree(items);
		kfree(b);
		return -ENOMEM;
	}
	init_waitqueue_head(&b->wq);
	b->expected = n;
	for (i = 0; i < n; i++) {
		ExInitializeWorkItem(&items[i], ex_barrier_routine, b);
		ExQueueWorkItem(&items[i], DelayedWorkQueue);
	}
	ntwq_scn_put(r, "completed",
		     wait_for_completion_timeout(&b->p->done, BARRIER_JIFFIES) > 0);
	ntwq_scn_put(r, "drained", ex_drain(baseline));
	ntwq_scn_put(r, "items", n);
	ntwq_scn_put(r, "max_concurrent", atomic_read(&b->p->max_running));
	ntwq_scn_put(r, "barrier_timeouts", atomic_read(&b->timeouts));
	put_probe(r, b->p);
	kfree(b->p);
	kfree(b);
	kfree(items);
	scn_put_common(&s, r);
	return 0;
}

/* ---- misuse ---- */

int ntwq_scn_ex_double_queue(unsigned int arg, struct ntwq_scn_result *r)
{
	unsigned long flags;
	struct ex_ctx *c;
	struct scn s;

	if (ex_begin(&s, &c, 1))
		return -ENOMEM;
	ExInitializeWorkItem(&c->item, ex_probe_routine, c);
	local_irq_save(flags);
	ExQueueWorkItem(&c->item, NormalWorkQueue);
	ExQueueWorkItem(&c->item, NormalWorkQueue);
	ExQueueWorkItem(&c->item, CriticalWorkQueue);
	local_irq_restore(flags);
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	ntwq_scn_put(r, "diag_queue_queued", diag_delta(&s, NTWQ_DIAG_QUEUE_QUEUED));
	return ex_finish(&s, c, r);
}

int ntwq_scn_ex_invalid_type(unsigned int arg, struct ntwq_scn_result *r)
{
	struct ex_ctx *c;
	struct scn s;

	if (ex_begin(&s, &c, 1))
		return -ENOMEM;
	ExInitializeWorkItem(&c->item, ex_probe_routine, c);
	ExQueueWorkItem(&c->item, MaximumWorkQueue);
	ExQueueWorkItem(&c->item, (WORK_QUEUE_TYPE)64);
	ntwq_scn_put(r, "flink_still_null", c->item.List.Flink == NULL);
	ExQueueWorkItem(&c->item, RealTimeWorkQueue);
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	ntwq_scn_put(r, "diag_invalid_queue_type", diag_delta(&s, NTWQ_DIAG_INVALID_QUEUE_TYPE));
	return ex_finish(&s, c, r);
}

int ntwq_scn_ex_null_args(unsigned int arg, struct ntwq_scn_result *r)
{
	struct ex_ctx *c;
	struct scn s;

	if (ex_begin(&s, &c, 1))
		return -ENOMEM;
	ExQueueWorkItem(NULL, NormalWorkQueue);
	ExInitializeWorkItem(&c->item, NULL, c);
	ExQueueWorkItem(&c->item, NormalWorkQueue);
	ExInitializeWorkItem(&c->item, (PWORKER_THREAD_ROUTINE)(void *)ktime_get, c);
	ExQueueWorkItem(&c->item, NormalWorkQueue);
	ntwq_scn_put(r, "diag_invalid_item", diag_delta(&s, NTWQ_DIAG_INVALID_ITEM));
	ntwq_scn_put(r, "diag_invalid_routine", diag_delta(&s, NTWQ_DIAG_INVALID_ROUTINE));
	return ex_finish(&s, c, r);
}

static void ex_leave_preempt_off_routine(PVOID Parameter)
{
	ex_probe_routine(Parameter);
	preempt_disable();
}

int ntwq_scn_ex_bad_irql_return(unsigned int arg, struct ntwq_scn_result *r)
{
	WORK_QUEUE_ITEM *later;
	struct ex_ctx *c;
	struct scn s;

	if (ex_begin(&s, &c, 2))
		return -ENOMEM;
	later = kzalloc(sizeof(*later), GFP_KERNEL);
	if (!later) {
		ex_finish(&s, c, r);
		return -ENOMEM;
	}
	ExInitializeWorkItem(&c->item, ex_leave_preempt_off_routine, c);
	ExQueueWorkItem(&c->item, NormalWorkQueue);
	ExInitializeWorkItem(later, ex_probe_routine, c);
	ExQueueWorkItem(later, NormalWorkQueue);
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	ntwq_scn_put(r, "diag_bad_irql_return", diag_delta(&s, NTWQ_DIAG_BAD_IRQL_RETURN));
	ex_finish(&s, c, r);
	kfree(later);
	return 0;
}

static void ex_leave_bh_off_routine(PVOID Parameter)
{
	ex_probe_routine(Parameter);
	local_bh_disable();
}

static void ex_leave_bh_then_preempt_off_routine(PVOID Parameter)
{
	ex_probe_routine(Parameter);
	local_bh_disable();
	preempt_disable();
}

static void ex_leave_preempt_then_bh_off_routine(PVOID Parameter)
{
	ex_probe_routine(Parameter);
	preempt_disable();
	local_bh_disable();
}

static void ex_leave_bh_and_irqs_off_routine(PVOID Parameter)
{
	ex_probe_routine(Parameter);
	local_bh_disable();
	local_irq_disable();
}

#define EX_BAD_BH_ROUTINES 4

/*
 * Routines returning with bottom halves disabled, alone and with preemption
 * or interrupts off too: each diagnosed, its dispatcher repaired (with
 * local_bh_enable(): a preempt_enable() for a bottom-half level is refused
 * under CONFIG_DEBUG_PREEMPT and a dispatcher doing that spins).  A later
 * item on the same queue runs.  The drain is bounded; on a timeout the
 * items and their context stay allocated.
 */
int ntwq_scn_ex_bad_bh_return(unsigned int arg, struct ntwq_scn_result *r)
{
	static const PWORKER_THREAD_ROUTINE bad[EX_BAD_BH_ROUTINES] = {
		ex_leave_bh_off_routine, ex_leave_bh_then_preempt_off_routine,
		ex_leave_preempt_then_bh_off_routine, ex_leave_bh_and_irqs_off_routine,
	};
	WORK_QUEUE_ITEM *items;
	struct ex_ctx *c;
	struct scn s;
	int i, drained;

	if (ex_begin(&s, &c, EX_BAD_BH_ROUTINES + 1))
		return -ENOMEM;
	items = kcalloc(EX_BAD_BH_ROUTINES, sizeof(*items), GFP_KERNEL);
	if (!items) {
		ex_finish(&s, c, r);
		return -ENOMEM;
	}
	for (i = 0; i < EX_BAD_BH_ROUTINES; i++) {
		ExInitializeWorkItem(&items[i], bad[i], c);
		ExQueueWorkItem(&items[i], NormalWorkQueue);
	}
	/* The dispatchers were repaired: a later item on the same queue runs. */
	ExInitializeWorkItem(&c->item, ex_probe_routine, c);
	ExQueueWorkItem(&c->item, NormalWorkQueue);
	ntwq_scn_put(r, "completed", probe_wait(c->p, &c->p->done));
	drained = ex_drain(c->baseline);
	ntwq_scn_put(r, "diag_bad_irql_return", diag_delta(&s, NTWQ_DIAG_BAD_IRQL_RETURN));
	if (!drained) {
		/* A dispatcher never returned: keep the items, c and its probe. */
		ntwq_scn_put(r, "drained", 0);
		put_probe(r, c->p);
		scn_put_common(&s, r);
		return 0;
	}
	ex_finish(&s, c, r);
	kfree(items);
	return 0;
}

/* ---- module pinning ---- */

static WORK_QUEUE_ITEM ex_pin_item;
static unsigned int ex_pin_ms;

static void ex_pin_routine(PVOID Parameter)
{
	msleep(READ_ONCE(ex_pin_ms));
}

/*
 * Queues an item that sleeps @arg ms and returns at once: userspace-test
 * then finds ntwq unremovable until the routine has returned.
 */
int ntwq_scn_ex_pin_self(unsigned int arg, struct ntwq_scn_result *r)
{
	int baseline = module_refcount(THIS_MODULE);

	if (READ_ONCE(ex_pin_item.List.Flink))
		return -EBUSY;
	WRITE_ONCE(ex_pin_ms, min(arg, 10000u));
	ExInitializeWorkItem(&ex_pin_item, ex_pin_routine, NULL);
	ExQueueWorkItem(&ex_pin_item, DelayedWorkQueue);
	ntwq_scn_put(r, "module_refs_added", module_refcount(THIS_MODULE) - baseline);
	return 0;
}
