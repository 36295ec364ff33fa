// SPDX-License-Identifier: GPL-2.0
/*
 * ndis_scenarios.c - scenarios for the NDIS work items (ntwq_ndis_test.ko).
 *
 * Written as a miniport writes its code: Linux headers, <ntwq/ndis.h>, the
 * routines by their Windows names.  This module is the miniport: each
 * scenario registers a miniport driver "ntwq_ndis_test" and an adapter,
 * and deregisters it at the end, which halts the adapter and drains the
 * work, so values read afterwards are final.  The scenarios register with
 * ntwq's debugfs trigger (userspace-test) and are run by the ntwq_ndis KUnit
 * suite; their expected values are in ndis_expect.h.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <ntwq/ndis.h>
#include "bridge/compat.h"
#include "core/internal.h"
#include "lib/rt_stats.h"
#include "selftest/common.h"
#include "selftest/scenario.h"
#include "ndis_scenarios.h"

MODULE_IMPORT_NS(NTWQ_INTERNAL);

static int driver_token, adapter_token;

/* A scenario's miniport, adapter and probe. */
struct nscn {
	struct scn s; /* the snapshot and totals; its driver and device stay NULL */
	NDIS_HANDLE miniport;
	NDIS_HANDLE adapter;
	bool halted;
};

static int nscn_begin(struct nscn *n, int target)
{
	memset(n, 0, sizeof(*n));
	scn_snapshot(&n->s);
	n->s.torn_down = true; /* scn_finish() must not tear down: nscn_teardown() does */
	n->s.p = probe_new(target);
	if (!n->s.p)
		return -ENOMEM;
	if (NtwqNdisRegisterMiniportDriver(THIS_MODULE, "ntwq_ndis_test", &driver_token,
					   &n->miniport) != NDIS_STATUS_SUCCESS)
		goto out_probe;
	if (NtwqNdisInitializeAdapter(n->miniport, &adapter_token, &n->adapter) !=
	    NDIS_STATUS_SUCCESS)
		goto out_miniport;
	return 0;

out_miniport:
	NdisMDeregisterMiniportDriver(n->miniport);
	n->miniport = NULL;
out_probe:
	kfree(n->s.p);
	n->s.p = NULL;
	return -ENOMEM;
}

/* Halts the adapter (unless the scenario did) and deregisters: drains. */
static void nscn_teardown(struct nscn *n)
{
	if (n->adapter && !n->halted)
		NtwqNdisHaltAdapter(n->adapter);
	n->halted = true;
	if (n->miniport)
		NdisMDeregisterMiniportDriver(n->miniport);
	n->miniport = NULL;
}

static int nscn_finish(struct nscn *n, struct ntwq_scn_result *r)
{
	nscn_teardown(n);
	return scn_finish(&n->s, r);
}

/* nscn_begin() and one work item of the adapter: 0, or -ENOMEM (torn down). */
static int nscn_begin_item(struct nscn *n, int target, NDIS_HANDLE *item)
{
	if (nscn_begin(n, target))
		return -ENOMEM;
	*item = NdisAllocateIoWorkItem(n->adapter);
	if (*item)
		return 0;
	nscn_finish(n, NULL);
	return -ENOMEM;
}

/* For scenarios that record into a probe of their own. */
static void nscn_drop_probe(struct nscn *n)
{
	kfree(n->s.p);
	n->s.p = NULL;
}

static int nscn_abort(struct nscn *n)
{
	nscn_finish(n, NULL);
	return -ENOMEM;
}

static VOID ndis_probe_routine(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle)
{
	struct probe *p = WorkItemContext;

	probe_enter(p, NULL, WorkItemContext, NdisIoWorkItemHandle);
	probe_leave(p);
}

static VOID ndis_free_self_routine(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle)
{
	struct probe *p = WorkItemContext;

	probe_enter(p, NULL, WorkItemContext, NdisIoWorkItemHandle);
	NdisFreeIoWorkItem(NdisIoWorkItemHandle);
	probe_leave(p);
}

/* Waits for p->go, recording what it saw of the adapter meanwhile. */
struct blocked {
	struct probe p;
	struct completion started;
	NDIS_HANDLE adapter;
	long module_refs;
	int adapter_valid, halted_flag_seen, done_flag;
};

static VOID ndis_blocked_routine(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle)
{
	struct blocked *b = WorkItemContext;

	probe_enter(&b->p, NULL, WorkItemContext, NdisIoWorkItemHandle);
	complete(&b->started);
	wait_for_completion_timeout(&b->p.go, WAIT_JIFFIES);
	if (b->adapter) {
		PDEVICE_OBJECT device = b->adapter;

		b->adapter_valid = NtwqNdisAdapterContext(b->adapter) == &adapter_token;
		b->halted_flag_seen = !!(device->Flags & DO_NTWQ_DELETE_PENDING);
	}
	NdisFreeIoWorkItem(NdisIoWorkItemHandle);
	probe_leave(&b->p);
}

static struct blocked *blocked_new(NDIS_HANDLE adapter)
{
	struct blocked *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return NULL;
	init_completion(&b->p.done);
	init_completion(&b->p.go);
	init_completion(&b->started);
	b->p.target = 1;
	b->p.all_in_task = 1;
	b->adapter = adapter;
	return b;
}

/* ---- NDIS 6: argument passing and context ---- */

static int ndis_io_on(NDIS_HANDLE (*handle)(struct nscn *n), struct ntwq_scn_result *r)
{
	struct nscn n;
	NDIS_HANDLE item;
	struct probe *p;

	if (nscn_begin(&n, 1))
		return -ENOMEM;
	p = n.s.p;
	item = NdisAllocateIoWorkItem(handle(&n));
	if (!item)
		return nscn_abort(&n);
	NdisQueueIoWorkItem(item, ndis_probe_routine, p);
	ntwq_scn_put(r, "completed", probe_wait(p, &p->done));
	ntwq_scn_put(r, "context_matches", p->context == p);
	ntwq_scn_put(r, "handle_matches", p->item == item);
	NdisFreeIoWorkItem(item);
	return nscn_finish(&n, r);
}

static NDIS_HANDLE adapter_of(struct nscn *n)
{
	return n->adapter;
}

static NDIS_HANDLE miniport_of(struct nscn *n)
{
	return n->miniport;
}

NTWQ_SCN(ntwq_scn_ndis_io_adapter)
{
	return ndis_io_on(adapter_of, r);
}

NTWQ_SCN(ntwq_scn_ndis_io_driver_handle)
{
	return ndis_io_on(miniport_of, r);
}

NTWQ_SCN(ntwq_scn_ndis_io_at_dispatch)
{
	static DEFINE_SPINLOCK(lock);
	unsigned long flags;
	NDIS_HANDLE item;
	struct nscn n;
	int irql;

	if (nscn_begin(&n, 1))
		return -ENOMEM;
	spin_lock_irqsave(&lock, flags);
	irql = KeGetCurrentIrql();
	item = NdisAllocateIoWorkItem(n.adapter);
	if (item)
		NdisQueueIoWorkItem(item, ndis_probe_routine, n.s.p);
	spin_unlock_irqrestore(&lock, flags);
	if (!item)
		return nscn_abort(&n);
	ntwq_scn_put(r, "alloc_irql", irql);
	ntwq_scn_put(r, "completed", probe_wait(n.s.p, &n.s.p->done));
	NdisFreeIoWorkItem(item);
	return nscn_finish(&n, r);
}

struct timer_queue {
	struct timer_list timer;
	NDIS_HANDLE item;
	struct probe *p;
	int irql;
};

static void timer_queue_fn(struct timer_list *t)
{
	struct timer_queue *tq = timer_container_of(tq, t, timer);

	tq->irql = KeGetCurrentIrql();
	NdisQueueIoWorkItem(tq->item, ndis_probe_routine, tq->p);
}

NTWQ_SCN(ntwq_scn_ndis_io_from_timer)
{
	struct timer_queue *tq;
	struct nscn n;

	if (nscn_begin(&n, 1))
		return -ENOMEM;
	tq = kzalloc(sizeof(*tq), GFP_KERNEL);
	if (!tq)
		return nscn_abort(&n);
	tq->p = n.s.p;
	tq->item = NdisAllocateIoWorkItem(n.adapter);
	if (!tq->item) {
		kfree(tq);
		return nscn_abort(&n);
	}
	timer_setup(&tq->timer, timer_queue_fn, 0);
	mod_timer(&tq->timer, jiffies + 1);
	ntwq_scn_put(r, "completed", probe_wait(n.s.p, &n.s.p->done));
	timer_delete_sync(&tq->timer);
	ntwq_scn_put(r, "queue_irql", tq->irql);
	NdisFreeIoWorkItem(tq->item);
	kfree(tq);
	return nscn_finish(&n, r);
}

NTWQ_SCN(ntwq_scn_ndis_io_free_in_routine)
{
	NDIS_HANDLE item;
	struct nscn n;

	if (nscn_begin_item(&n, 1, &item))
		return -ENOMEM;
	NdisQueueIoWorkItem(item, ndis_free_self_routine, n.s.p);
	ntwq_scn_put(r, "completed", probe_wait(n.s.p, &n.s.p->done));
	return nscn_finish(&n, r);
}

NTWQ_SCN(ntwq_scn_ndis_io_pins_module)
{
	long before = module_refcount(THIS_MODULE);
	struct blocked *b;
	NDIS_HANDLE item;
	struct nscn n;

	if (nscn_begin(&n, 0))
		return -ENOMEM;
	nscn_drop_probe(&n);
	b = blocked_new(NULL);
	item = b ? NdisAllocateIoWorkItem(n.adapter) : NULL;
	if (!item) {
		kfree(b);
		return nscn_abort(&n);
	}
	NdisQueueIoWorkItem(item, ndis_blocked_routine, b);
	ntwq_scn_put(r, "started", probe_wait(&b->p, &b->started));
	ntwq_scn_put(r, "module_refs_added", module_refcount(THIS_MODULE) - before);
	complete(&b->p.go);
	ntwq_scn_put(r, "completed", probe_wait(&b->p, &b->p.done));
	nscn_teardown(&n);
	ntwq_scn_put(r, "module_refs_after", module_refcount(THIS_MODULE) - before);
	put_probe(r, &b->p);
	kfree(b);
	return nscn_finish(&n, r);
}

/* ---- NDIS 6: halt and deregistration wait ---- */

struct halter {
	struct completion done;
	NDIS_HANDLE adapter;
};

static int halter_thread(void *data)
{
	struct halter *h = data;

	NtwqNdisHaltAdapter(h->adapter);
	complete(&h->done);
	return 0;
}

NTWQ_SCN(ntwq_scn_ndis_io_halt_pending)
{
	struct task_struct *t;
	struct halter *h;
	struct blocked *b;
	NDIS_HANDLE item;
	struct nscn n;
	int i, began = 0, returned;

	if (nscn_begin(&n, 0))
		return -ENOMEM;
	nscn_drop_probe(&n);
	b = blocked_new(n.adapter);
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	item = b && h ? NdisAllocateIoWorkItem(n.adapter) : NULL;
	if (!item) {
		kfree(h);
		kfree(b);
		return nscn_abort(&n);
	}
	init_completion(&h->done);
	h->adapter = n.adapter;
	NdisQueueIoWorkItem(item, ndis_blocked_routine, b);
	ntwq_scn_put(r, "started", probe_wait(&b->p, &b->started));
	t = kthread_run(halter_thread, h, "ntwq_ndis_halt");
	if (IS_ERR(t)) {
		complete(&b->p.go);
		probe_wait(&b->p, &b->p.done);
		kfree(h);
		kfree(b);
		return nscn_abort(&n);
	}
	n.halted = true;
	/* The halt has begun once the adapter's device is marked deleted. */
	for (i = 0; i < 1000 && !began; i++) {
		began = !!(((PDEVICE_OBJECT)n.adapter)->Flags & DO_NTWQ_DELETE_PENDING);
		if (!began)
			usleep_range(10000, 11000);
	}
	ntwq_scn_put(r, "halt_began", began);
	msleep(50);
	ntwq_scn_put(r, "halt_waited", !completion_done(&h->done));
	complete(&b->p.go);
	returned = probe_wait(&b->p, &h->done);
	ntwq_scn_put(r, "halt_returned", returned);
	ntwq_scn_put(r, "completed", probe_wait(&b->p, &b->p.done));
	ntwq_scn_put(r, "adapter_valid_in_routine", b->adapter_valid);
	ntwq_scn_put(r, "halted_flag_seen", b->halted_flag_seen);
	put_probe(r, &b->p);
	/* A halt that never returned keeps using h: leak it rather than free it. */
	if (returned)
		kfree(h);
	kfree(b);
	return nscn_finish(&n, r);
}

struct self_teardown {
	struct probe p;
	NDIS_HANDLE miniport, adapter;
	struct completion returned;
};

/* Halts its own adapter and deregisters its own miniport: both refused. */
static VOID ndis_self_teardown_routine(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle)
{
	struct self_teardown *t = WorkItemContext;

	probe_enter(&t->p, NULL, WorkItemContext, NdisIoWorkItemHandle);
	NtwqNdisHaltAdapter(t->adapter);
	NdisMDeregisterMiniportDriver(t->miniport);
	complete(&t->returned);
	probe_leave(&t->p);
}

/*
 * A routine of an adapter's item halts that adapter and deregisters its
 * miniport: each would wait for the routine that calls it, so each is
 * NTWQ_DELETE_REFUSED, returns at once and undoes nothing: the adapter
 * still runs work afterwards, and the scenario's own halt and
 * deregistration work.  (A defective core hung in the routine.)
 */
NTWQ_SCN(ntwq_scn_ndis_teardown_in_routine)
{
	struct self_teardown *t = kzalloc(sizeof(*t), GFP_KERNEL);
	NDIS_HANDLE item, again;
	struct nscn n;
	int returned;

	if (!t)
		return -ENOMEM;
	if (nscn_begin_item(&n, 1, &item)) {
		kfree(t);
		return -ENOMEM;
	}
	init_completion(&t->p.done);
	init_completion(&t->p.go);
	init_completion(&t->returned);
	t->p.target = 1;
	t->p.all_in_task = 1;
	t->miniport = n.miniport;
	t->adapter = n.adapter;
	NdisQueueIoWorkItem(item, ndis_self_teardown_routine, t);
	returned = wait_for_completion_timeout(&t->returned, WAIT_JIFFIES) > 0;
	ntwq_scn_put(r, "returned_in_routine", returned);
	if (!returned)
		return 0; /* the routine is stuck: leave everything as it is */
	ntwq_scn_put(r, "completed", probe_wait(&t->p, &t->p.done));
	/* The adapter was not halted: its work still runs. */
	again = NdisAllocateIoWorkItem(n.adapter);
	ntwq_scn_put(r, "adapter_still_live", again != NULL);
	if (again) {
		NdisQueueIoWorkItem(again, ndis_probe_routine, n.s.p);
		ntwq_scn_put(r, "ran_after", probe_wait(n.s.p, &n.s.p->done));
		NdisFreeIoWorkItem(again);
	}
	NdisFreeIoWorkItem(item);
	nscn_teardown(&n);
	ntwq_scn_put(r, "diag_delete_refused", diag_delta(&n.s, NTWQ_DIAG_DELETE_REFUSED));
	kfree(t);
	return nscn_finish(&n, r);
}

NTWQ_SCN(ntwq_scn_ndis_io_queue_after_halt)
{
	NDIS_HANDLE item;
	struct nscn n;

	if (nscn_begin_item(&n, 1, &item))
		return -ENOMEM;
	NtwqNdisHaltAdapter(n.adapter);
	n.halted = true;
	NdisQueueIoWorkItem(item, ndis_probe_routine, n.s.p);
	ntwq_scn_put(r, "diag_driver_deleted", diag_delta(&n.s, NTWQ_DIAG_DRIVER_GONE));
	/* The item still holds the adapter's memory: freeing it frees that. */
	NdisFreeIoWorkItem(item);
	return nscn_finish(&n, r);
}

struct slow {
	struct probe p;
	int done;
};

static VOID ndis_slow_routine(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle)
{
	struct slow *s = WorkItemContext;

	probe_enter(&s->p, NULL, WorkItemContext, NdisIoWorkItemHandle);
	msleep(300);
	WRITE_ONCE(s->done, 1);
	NdisFreeIoWorkItem(NdisIoWorkItemHandle);
	probe_leave(&s->p);
}

NTWQ_SCN(ntwq_scn_ndis_deregister_waits)
{
	struct slow *s;
	NDIS_HANDLE item;
	struct nscn n;

	if (nscn_begin(&n, 0))
		return -ENOMEM;
	nscn_drop_probe(&n);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	item = s ? NdisAllocateIoWorkItem(n.miniport) : NULL;
	if (!item) {
		kfree(s);
		return nscn_abort(&n);
	}
	init_completion(&s->p.done);
	s->p.all_in_task = 1;
	NdisQueueIoWorkItem(item, ndis_slow_routine, s);
	nscn_teardown(&n);
	ntwq_scn_put(r, "routine_done_at_return", READ_ONCE(s->done));
	put_probe(r, &s->p);
	kfree(s);
	return nscn_finish(&n, r);
}

/* ---- NDIS 6: misuse ---- */

NTWQ_SCN(ntwq_scn_ndis_io_double_queue)
{
	unsigned long flags;
	NDIS_HANDLE item;
	struct nscn n;

	if (nscn_begin_item(&n, 1, &item))
		return -ENOMEM;
	/* Interrupts off: the bound queue's worker cannot take it in between. */
	local_irq_save(flags);
	NdisQueueIoWorkItem(item, ndis_probe_routine, n.s.p);
	NdisQueueIoWorkItem(item, ndis_probe_routine, n.s.p);
	local_irq_restore(flags);
	ntwq_scn_put(r, "completed", probe_wait(n.s.p, &n.s.p->done));
	nscn_teardown(&n);
	NdisFreeIoWorkItem(item);
	ntwq_scn_put(r, "diag_queue_queued", diag_delta(&n.s, NTWQ_DIAG_QUEUE_QUEUED));
	return nscn_finish(&n, r);
}

static void ndis_io_routine_for_io(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
}

NTWQ_SCN(ntwq_scn_ndis_io_null_args)
{
	NDIS_HANDLE item;
	struct nscn n;

	if (nscn_begin_item(&n, 1, &item))
		return -ENOMEM;
	ntwq_scn_put(r, "alloc_null_handle_null", NdisAllocateIoWorkItem(NULL) == NULL);
	NdisQueueIoWorkItem(NULL, ndis_probe_routine, n.s.p);
	/* An adapter handle where a work item's is expected. */
	NdisQueueIoWorkItem(n.adapter, ndis_probe_routine, n.s.p);
	NdisQueueIoWorkItem(item, NULL, n.s.p);
	/* An NDIS item queued with a WDM routine: another signature, refused. */
	IoQueueWorkItemEx(item, ndis_io_routine_for_io, CriticalWorkQueue, n.s.p);
	NdisFreeIoWorkItem(NULL);
	NdisFreeIoWorkItem(item);
	nscn_teardown(&n);
	ntwq_scn_put(r, "diag_invalid_object", diag_delta(&n.s, NTWQ_DIAG_INVALID_OBJECT));
	ntwq_scn_put(r, "diag_invalid_item", diag_delta(&n.s, NTWQ_DIAG_INVALID_ITEM));
	ntwq_scn_put(r, "diag_invalid_routine", diag_delta(&n.s, NTWQ_DIAG_INVALID_ROUTINE));
	return nscn_finish(&n, r);
}

/* ---- allocation failure (kernels with fault injection) ---- */

#ifdef CONFIG_FAULT_INJECTION
static void fail_nth(unsigned int nth)
{
	WRITE_ONCE(current->fail_nth, nth);
}

NTWQ_SCN(ntwq_scn_ndis_alloc_fail)
{
	int register_ok = 1, register_failures = 0;
	int adapter_ok = 1, adapter_failures = 0;
	NDIS_HANDLE item, handle;
	unsigned int nth;
	struct nscn n;
	NDIS_STATUS st;

	if (nscn_begin(&n, 0))
		return -ENOMEM;
	fail_nth(1);
	item = NdisAllocateIoWorkItem(n.adapter);
	fail_nth(0);
	ntwq_scn_put(r, "alloc_item_null", item == NULL);
	if (item)
		NdisFreeIoWorkItem(item);

	/* Each allocation of a registration fails in turn, until one succeeds. */
	for (nth = 1; nth < 16; nth++) {
		handle = (NDIS_HANDLE)1;
		fail_nth(nth);
		st = NtwqNdisRegisterMiniportDriver(THIS_MODULE, "ntwq_ndis_fail", NULL, &handle);
		fail_nth(0);
		if (st == NDIS_STATUS_SUCCESS) {
			NdisMDeregisterMiniportDriver(handle);
			break;
		}
		register_failures++;
		register_ok &= st == NDIS_STATUS_RESOURCES && handle == NULL;
	}
	for (nth = 1; nth < 16; nth++) {
		handle = (NDIS_HANDLE)1;
		fail_nth(nth);
		st = NtwqNdisInitializeAdapter(n.miniport, NULL, &handle);
		fail_nth(0);
		if (st == NDIS_STATUS_SUCCESS) {
			NtwqNdisHaltAdapter(handle);
			break;
		}
		adapter_failures++;
		adapter_ok &= st == NDIS_STATUS_RESOURCES && handle == NULL;
	}
	ntwq_scn_put(r, "register_failures_clean", register_ok && register_failures > 0);
	ntwq_scn_put(r, "adapter_failures_clean", adapter_ok && adapter_failures > 0);
	return nscn_finish(&n, r);
}
#else
NTWQ_SCN(ntwq_scn_ndis_alloc_fail)
{
	return -EOPNOTSUPP;
}
#endif

/* ---- NDIS 5 ---- */

NTWQ_SCN(ntwq_scn_ndis5_layout)
{
	ntwq_scn_put(r, "offset_context", offsetof(NDIS_WORK_ITEM, Context));
	ntwq_scn_put(r, "offset_routine", offsetof(NDIS_WORK_ITEM, Routine));
	ntwq_scn_put(r, "offset_wrapper_reserved", offsetof(NDIS_WORK_ITEM, WrapperReserved));
	ntwq_scn_put(r, "size_wrapper_reserved", sizeof(((NDIS_WORK_ITEM *)0)->WrapperReserved));
	ntwq_scn_put(r, "size", sizeof(NDIS_WORK_ITEM));
	return 0;
}

static VOID ndis5_probe_routine(struct _NDIS_WORK_ITEM *pWorkItem, PVOID Context)
{
	struct probe *p = Context;

	probe_enter(p, pWorkItem, Context, NULL);
	probe_leave(p);
}

static VOID ndis5_free_self_routine(struct _NDIS_WORK_ITEM *pWorkItem, PVOID Context)
{
	struct probe *p = Context;

	probe_enter(p, pWorkItem, Context, NULL);
	/* As Windows' NDIS 5 routines do with NdisFreeMemory. */
	memset(pWorkItem, 0x6b, sizeof(*pWorkItem));
	kfree(pWorkItem);
	probe_leave(p);
}

/* NDIS 5 items belong to no adapter: a scenario waits for every run itself. */
static int ndis5_begin(struct scn *s, int target)
{
	memset(s, 0, sizeof(*s));
	scn_snapshot(s);
	s->torn_down = true;
	s->p = probe_new(target);
	return s->p ? 0 : -ENOMEM;
}

NTWQ_SCN(ntwq_scn_ndis5_schedule)
{
	NDIS_WORK_ITEM *item;
	NDIS_STATUS st;
	struct scn s;

	if (ndis5_begin(&s, 1))
		return -ENOMEM;
	item = kzalloc(sizeof(*item), GFP_KERNEL);
	if (!item)
		return scn_abort(&s);
	NdisInitializeWorkItem(item, ndis5_probe_routine, s.p);
	ntwq_scn_put(r, "fields_set", item->Routine == ndis5_probe_routine && item->Context == s.p);
	st = NdisScheduleWorkItem(item);
	ntwq_scn_put(r, "status_success", st == NDIS_STATUS_SUCCESS);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	ntwq_scn_put(r, "item_matches", s.p->object == item);
	ntwq_scn_put(r, "context_matches", s.p->context == s.p);
	kfree(item);
	return scn_finish(&s, r);
}

NTWQ_SCN(ntwq_scn_ndis5_no_alloc)
{
	const int rounds = 100;
	struct ntwq_rt_stats before, after;
	NDIS_WORK_ITEM *item;
	int i, all_ok = 1, done = 1;
	struct scn s;

	if (ndis5_begin(&s, 0))
		return -ENOMEM;
	item = kzalloc(sizeof(*item), GFP_KERNEL);
	if (!item)
		return scn_abort(&s);
	NdisInitializeWorkItem(item, ndis5_probe_routine, s.p);
	ntwq_rt_get_stats(&before);
	for (i = 0; i < rounds && done; i++) {
		reinit_completion(&s.p->done);
		s.p->target = i + 1;
		all_ok &= NdisScheduleWorkItem(item) == NDIS_STATUS_SUCCESS;
		done = probe_wait(s.p, &s.p->done);
	}
	ntwq_rt_get_stats(&after);
	ntwq_scn_put(r, "completed", done);
	ntwq_scn_put(r, "status_all_success", all_ok);
	ntwq_scn_put(r, "allocations_delta", after.allocations - before.allocations);
	ntwq_scn_put(r, "alloc_failures_delta", after.failures - before.failures);
	kfree(item);
	return scn_finish(&s, r);
}

NTWQ_SCN(ntwq_scn_ndis5_free_in_routine)
{
	NDIS_WORK_ITEM *item;
	struct scn s;

	if (ndis5_begin(&s, 1))
		return -ENOMEM;
	item = kzalloc(sizeof(*item), GFP_KERNEL);
	if (!item)
		return scn_abort(&s);
	NdisInitializeWorkItem(item, ndis5_free_self_routine, s.p);
	ntwq_scn_put(r, "status_success", NdisScheduleWorkItem(item) == NDIS_STATUS_SUCCESS);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	return scn_finish(&s, r);
}

NTWQ_SCN(ntwq_scn_ndis5_at_dispatch)
{
	static DEFINE_SPINLOCK(lock);
	NDIS_WORK_ITEM *item;
	unsigned long flags;
	NDIS_STATUS st;
	struct scn s;
	int irql;

	if (ndis5_begin(&s, 1))
		return -ENOMEM;
	item = kzalloc(sizeof(*item), GFP_KERNEL);
	if (!item)
		return scn_abort(&s);
	NdisInitializeWorkItem(item, ndis5_probe_routine, s.p);
	spin_lock_irqsave(&lock, flags);
	irql = KeGetCurrentIrql();
	st = NdisScheduleWorkItem(item);
	spin_unlock_irqrestore(&lock, flags);
	ntwq_scn_put(r, "queue_irql", irql);
	ntwq_scn_put(r, "status_success", st == NDIS_STATUS_SUCCESS);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	kfree(item);
	return scn_finish(&s, r);
}

NTWQ_SCN(ntwq_scn_ndis5_double_schedule)
{
	NDIS_STATUS first, second;
	NDIS_WORK_ITEM *item;
	unsigned long flags;
	struct scn s;

	if (ndis5_begin(&s, 1))
		return -ENOMEM;
	item = kzalloc(sizeof(*item), GFP_KERNEL);
	if (!item)
		return scn_abort(&s);
	NdisInitializeWorkItem(item, ndis5_probe_routine, s.p);
	local_irq_save(flags);
	first = NdisScheduleWorkItem(item);
	second = NdisScheduleWorkItem(item);
	local_irq_restore(flags);
	ntwq_scn_put(r, "first_status_success", first == NDIS_STATUS_SUCCESS);
	ntwq_scn_put(r, "second_status_failure", second == NDIS_STATUS_FAILURE);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	/* A second run would have come right after the first: give it time to show. */
	msleep(50);
	ntwq_scn_put(r, "diag_queue_queued", diag_delta(&s, NTWQ_DIAG_QUEUE_QUEUED));
	kfree(item);
	return scn_finish(&s, r);
}

NTWQ_SCN(ntwq_scn_ndis5_null_args)
{
	NDIS_WORK_ITEM *item;
	NDIS_STATUS null_item, null_routine;
	struct scn s;

	if (ndis5_begin(&s, 1))
		return -ENOMEM;
	item = kzalloc(sizeof(*item), GFP_KERNEL);
	if (!item)
		return scn_abort(&s);
	null_item = NdisScheduleWorkItem(NULL);
	NdisInitializeWorkItem(item, NULL, s.p);
	null_routine = NdisScheduleWorkItem(item);
	ntwq_scn_put(r, "null_item_failure", null_item == NDIS_STATUS_FAILURE);
	ntwq_scn_put(r, "null_routine_failure", null_routine == NDIS_STATUS_FAILURE);
	ntwq_scn_put(r, "diag_invalid_item", diag_delta(&s, NTWQ_DIAG_INVALID_ITEM));
	ntwq_scn_put(r, "diag_invalid_routine", diag_delta(&s, NTWQ_DIAG_INVALID_ROUTINE));
	kfree(item);
	return scn_finish(&s, r);
}

struct blocked5 {
	struct probe p;
	struct completion started;
};

static VOID ndis5_blocked_routine(struct _NDIS_WORK_ITEM *pWorkItem, PVOID Context)
{
	struct blocked5 *b = Context;

	probe_enter(&b->p, pWorkItem, Context, NULL);
	complete(&b->started);
	wait_for_completion_timeout(&b->p.go, WAIT_JIFFIES);
	probe_leave(&b->p);
}

NTWQ_SCN(ntwq_scn_ndis5_pins_module)
{
	long before = module_refcount(THIS_MODULE);
	NDIS_WORK_ITEM *item;
	struct blocked5 *b;
	struct scn s;

	if (ndis5_begin(&s, 1))
		return -ENOMEM;
	item = kzalloc(sizeof(*item), GFP_KERNEL);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!item || !b) {
		kfree(item);
		kfree(b);
		return scn_abort(&s);
	}
	init_completion(&b->p.done);
	init_completion(&b->p.go);
	init_completion(&b->started);
	b->p.target = 1;
	b->p.all_in_task = 1;
	NdisInitializeWorkItem(item, ndis5_blocked_routine, b);
	ntwq_scn_put(r, "status_success", NdisScheduleWorkItem(item) == NDIS_STATUS_SUCCESS);
	ntwq_scn_put(r, "started", probe_wait(&b->p, &b->started));
	ntwq_scn_put(r, "module_refs_added", module_refcount(THIS_MODULE) - before);
	complete(&b->p.go);
	ntwq_scn_put(r, "completed", probe_wait(&b->p, &b->p.done));
	put_probe(r, &b->p);
	/* The pin goes right after the routine returns: bounded wait for it. */
	for (int i = 0; i < 100 && module_refcount(THIS_MODULE) != before; i++)
		usleep_range(10000, 11000);
	ntwq_scn_put(r, "module_refs_after", module_refcount(THIS_MODULE) - before);
	kfree(b);
	kfree(item);
	scn_put_common(&s, r);
	kfree(s.p);
	return 0;
}

static const struct ntwq_scenario ntwq_ndis_scenarios[] = { NTWQ_NDIS_SCENARIOS };

int ntwq_ndis_scn_run(const char *name, unsigned int arg, struct ntwq_scn_result *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < ARRAY_SIZE(ntwq_ndis_scenarios); i++)
		if (!strcmp(ntwq_ndis_scenarios[i].name, name))
			return ntwq_ndis_scenarios[i].run(arg, r);
	return -ENOENT;
}
EXPORT_SYMBOL_NS_GPL(ntwq_ndis_scn_run, NTWQ_INTERNAL);

static int __init ntwq_ndis_test_init(void)
{
	return ntwq_trigger_register(ntwq_ndis_scenarios, ARRAY_SIZE(ntwq_ndis_scenarios));
}

static void __exit ntwq_ndis_test_exit(void)
{
	ntwq_trigger_unregister(ntwq_ndis_scenarios);
}

module_init(ntwq_ndis_test_init);
module_exit(ntwq_ndis_test_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ntwq: scenarios for the NDIS work items (a miniport written against <ntwq/ndis.h>)");
