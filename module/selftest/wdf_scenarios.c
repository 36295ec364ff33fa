// SPDX-License-Identifier: GPL-2.0
/*
 * wdf_scenarios.c - scenarios for the KMDF objects and work items, written
 * as a KMDF driver writes its code (<ntwq/wdf.h>, context types, callbacks).
 *
 * Each scenario makes a driver, a WDM device and a WDFDEVICE over it, and at
 * the end deletes the WDFDEVICE (which deletes its children) and the driver
 * (which drains every callback), so the values read afterwards are final.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <ntwq/wdf.h>
#include "../bridge/bridge.h"
#include "common.h"
#include "scenarios.h"

/* Cleanup/destroy callbacks record an order number; one counter per scenario run. */
static atomic_t wdf_seq;

/* Where a destroy callback records, outside the object it destroys. */
struct rec_slot {
	int seq;
	int irql;
};

typedef struct _ITEM_CONTEXT {
	struct probe *p;
	struct rec_slot *destroyed;
	WDFWORKITEM self;
	int requeue_until;
	int stop;
	int flush_returned;
	int delete_returned;
	int end_seq;
	int cleanup_seq, destroy_seq, cleanup_irql, destroy_irql;
	int ran_after_cleanup; /* callbacks that found cleanup already done */
	WDFWORKITEM other;          /* another item this one's callback flushes */
	int other_cleaned;          /* ... and whose delete it saw clean up */
	struct task_struct *waiter; /* a task that waits for this item's callbacks */
	int waiter_slept;           /* the callback saw it asleep (waiting) */
	struct completion cleaned;
	wait_queue_head_t *barrier;
	atomic_t *arrived;
	atomic_t *timeouts;
	unsigned int barrier_ms;
} ITEM_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(ITEM_CONTEXT, ItemContext)

typedef struct _BIG_CONTEXT {
	u32 first;
	u8 rest[60];
} BIG_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(BIG_CONTEXT, BigContext)

struct wdf_scn {
	struct scn s;
	WDFDEVICE device;
};

static void record_cleanup(WDFOBJECT Object)
{
	ITEM_CONTEXT *c = ItemContext(Object);

	c->cleanup_seq = atomic_inc_return(&wdf_seq);
	c->cleanup_irql = KeGetCurrentIrql();
	complete(&c->cleaned);
}

static void record_destroy(WDFOBJECT Object)
{
	ITEM_CONTEXT *c = ItemContext(Object);

	c->destroy_seq = atomic_inc_return(&wdf_seq);
	c->destroy_irql = KeGetCurrentIrql();
	if (c->destroyed) {
		c->destroyed->seq = c->destroy_seq;
		c->destroyed->irql = c->destroy_irql;
	}
}

/* Attributes with an ITEM_CONTEXT and the recording callbacks. */
static void recording_attributes(PWDF_OBJECT_ATTRIBUTES a, WDFOBJECT parent)
{
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(a, ITEM_CONTEXT);
	a->ParentObject = parent;
	a->EvtCleanupCallback = record_cleanup;
	a->EvtDestroyCallback = record_destroy;
}

static int wdf_begin(struct wdf_scn *w, PWDF_OBJECT_ATTRIBUTES device_attrs)
{
	memset(w, 0, sizeof(*w));
	atomic_set(&wdf_seq, 0);
	if (scn_begin(&w->s, 1, 0))
		return -ENOMEM;
	if (!NT_SUCCESS(NtwqWdfDeviceCreate(w->s.device, device_attrs, &w->device))) {
		scn_finish(&w->s, NULL);
		return -ENOMEM;
	}
	return 0;
}

static int wdf_finish(struct wdf_scn *w, struct ntwq_scn_result *r)
{
	if (w->device)
		WdfObjectDelete(w->device);
	return scn_finish(&w->s, r);
}

/* A scenario whose setup could not allocate: undo it and say so. */
static int wdf_abort(struct wdf_scn *w)
{
	wdf_finish(w, NULL);
	return -ENOMEM;
}

/* A work item under @parent whose context points at @p. */
static NTSTATUS make_item(WDFOBJECT parent, PFN_WDF_WORKITEM fn, BOOLEAN serialize,
			  struct probe *p, WDFWORKITEM *out)
{
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	NTSTATUS status;

	recording_attributes(&a, parent);
	WDF_WORKITEM_CONFIG_INIT(&cfg, fn);
	cfg.AutomaticSerialization = serialize;
	status = WdfWorkItemCreate(&cfg, &a, out);
	if (NT_SUCCESS(status)) {
		ItemContext(*out)->p = p;
		ItemContext(*out)->self = *out;
		init_completion(&ItemContext(*out)->cleaned);
	}
	return status;
}

static void probe_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	probe_leave(c->p);
}

/* ---- creation ---- */

int ntwq_scn_wdf_create(unsigned int arg, struct ntwq_scn_result *r)
{
	WDFWORKITEM wi = (WDFWORKITEM)1;
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	WDFOBJECT orphan, child;
	struct wdf_scn w;
	NTSTATUS st;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	WDF_WORKITEM_CONFIG_INIT(&cfg, probe_cb);

	st = WdfWorkItemCreate(&cfg, WDF_NO_OBJECT_ATTRIBUTES, &wi);
	ntwq_scn_put(r, "null_attributes_refused", st == STATUS_WDF_PARENT_NOT_SPECIFIED);
	ntwq_scn_put(r, "handle_null_on_failure", wi == WDF_NO_HANDLE);
	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	st = WdfWorkItemCreate(&cfg, &a, &wi);
	ntwq_scn_put(r, "null_parent_refused", st == STATUS_WDF_PARENT_NOT_SPECIFIED);

	WdfObjectCreate(WDF_NO_OBJECT_ATTRIBUTES, &orphan);
	a.ParentObject = orphan;
	st = WdfWorkItemCreate(&cfg, &a, &wi);
	ntwq_scn_put(r, "non_device_parent_refused", st == STATUS_INVALID_DEVICE_REQUEST);
	WdfObjectDelete(orphan);

	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.ParentObject = w.device;
	if (!NT_SUCCESS(WdfObjectCreate(&a, &child)))
		return wdf_abort(&w);
	a.ParentObject = child;
	st = WdfWorkItemCreate(&cfg, &a, &wi);
	ntwq_scn_put(r, "device_chain_accepted", NT_SUCCESS(st));
	ntwq_scn_put(r, "parent_matches", WdfWorkItemGetParentObject(wi) == child);

	cfg.Size = sizeof(cfg) + 8;
	st = WdfWorkItemCreate(&cfg, &a, &wi);
	ntwq_scn_put(r, "config_size_checked", st == STATUS_INFO_LENGTH_MISMATCH);
	WDF_WORKITEM_CONFIG_INIT(&cfg, (PFN_WDF_WORKITEM)(void *)ktime_get);
	st = WdfWorkItemCreate(&cfg, &a, &wi);
	ntwq_scn_put(r, "foreign_callback_refused", st == STATUS_INVALID_PARAMETER);
	ntwq_scn_put(r, "diag_invalid_routine", diag_delta(&w.s, NTWQ_DIAG_INVALID_ROUTINE));
	return wdf_finish(&w, r);
}

int ntwq_scn_wdf_context(unsigned int arg, struct ntwq_scn_result *r)
{
	WDF_OBJECT_ATTRIBUTES a;
	WDFOBJECT big, plain;
	struct wdf_scn w;
	unsigned int i, zero = 0;
	u8 *bytes;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, BIG_CONTEXT);
	a.ParentObject = w.device;
	a.ContextSizeOverride = 512;
	ntwq_scn_put(r, "created", NT_SUCCESS(WdfObjectCreate(&a, &big)));
	bytes = (u8 *)BigContext(big);
	ntwq_scn_put(r, "context_found", bytes != NULL);
	if (bytes) {
		for (i = 0; i < 512; i++)
			zero += bytes[i] == 0;
		memset(bytes, 0xab, 512); /* KASAN: the whole override is ours */
	}
	ntwq_scn_put(r, "zero_bytes", zero);
	ntwq_scn_put(r, "typed_macro_matches",
		     WdfObjectGetTypedContext(big, BIG_CONTEXT) == (BIG_CONTEXT *)bytes);
	ntwq_scn_put(r, "wrong_type_null", ItemContext(big) == NULL);

	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.ParentObject = w.device;
	if (!NT_SUCCESS(WdfObjectCreate(&a, &plain)))
		return wdf_abort(&w);
	ntwq_scn_put(r, "no_context_null", BigContext(plain) == NULL);

	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, BIG_CONTEXT);
	a.ParentObject = w.device;
	a.ContextSizeOverride = 8;
	ntwq_scn_put(r, "small_override_refused",
		     WdfObjectCreate(&a, &plain) == STATUS_INVALID_PARAMETER);
	ntwq_scn_put(r, "diag_wdf_invalid_handle",
		     diag_delta(&w.s, NTWQ_DIAG_WDF_INVALID_HANDLE));
	return wdf_finish(&w, r);
}

/* ---- enqueue ---- */

int ntwq_scn_wdf_callback(unsigned int arg, struct ntwq_scn_result *r)
{
	unsigned long long io_before = ntwq_io_completed(), wdf_before = ntwq_wdf_completed();
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, probe_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	WdfWorkItemEnqueue(wi);
	ntwq_scn_put(r, "completed", probe_wait(w.s.p, &w.s.p->done));
	WdfWorkItemFlush(wi);
	ntwq_scn_put(r, "handle_matches", w.s.p->object == (void *)wi);
	ntwq_scn_put(r, "parent_is_device", WdfWorkItemGetParentObject(wi) == w.device);
	/* The counters move after the callback returns: read them once the
	 * driver's work has drained.
	 */
	WdfObjectDelete(w.device);
	w.device = NULL;
	scn_teardown(&w.s);
	/* debugfs stats count it as a WDF item, not as the Io item below it. */
	ntwq_scn_put(r, "wdf_completed_delta", ntwq_wdf_completed() - wdf_before);
	ntwq_scn_put(r, "io_completed_delta", ntwq_io_completed() - io_before);
	return wdf_finish(&w, r);
}

int ntwq_scn_wdf_coalesce(unsigned int arg, struct ntwq_scn_result *r)
{
	unsigned long flags;
	struct wdf_scn w;
	WDFWORKITEM wi;
	int i;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, probe_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	/* Irqs off: this CPU's workers cannot start it in between. */
	local_irq_save(flags);
	for (i = 0; i < 5; i++)
		WdfWorkItemEnqueue(wi);
	local_irq_restore(flags);
	ntwq_scn_put(r, "completed", probe_wait(w.s.p, &w.s.p->done));
	WdfWorkItemFlush(wi);
	return wdf_finish(&w, r);
}

static void requeue_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	if (atomic_read(&c->p->runs) + 1 < c->requeue_until)
		WdfWorkItemEnqueue(WorkItem);
	probe_leave(c->p);
}

int ntwq_scn_wdf_enqueue_from_callback(unsigned int arg, struct ntwq_scn_result *r)
{
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	w.s.p->target = 3;
	if (!NT_SUCCESS(make_item(w.device, requeue_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	ItemContext(wi)->requeue_until = 3;
	WdfWorkItemEnqueue(wi);
	ntwq_scn_put(r, "completed", probe_wait(w.s.p, &w.s.p->done));
	return wdf_finish(&w, r);
}

/* ---- flush ---- */

static void slow_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	msleep(300);
	WRITE_ONCE(c->p->done_flag, 1);
	probe_leave(c->p);
}

int ntwq_scn_wdf_flush_waits(unsigned int arg, struct ntwq_scn_result *r)
{
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, slow_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	WdfWorkItemEnqueue(wi);
	WdfWorkItemFlush(wi);
	ntwq_scn_put(r, "done_at_flush_return", READ_ONCE(w.s.p->done_flag));
	return wdf_finish(&w, r);
}

int ntwq_scn_wdf_flush_idle(unsigned int arg, struct ntwq_scn_result *r)
{
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, probe_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	WdfWorkItemFlush(wi); /* never enqueued: returns at once, runs nothing */
	return wdf_finish(&w, r);
}

/* Enqueues, flushes and deletes another ntwq work item from a callback. */
static void flush_other_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);
	WDFWORKITEM other = c->other;

	WdfWorkItemEnqueue(other);
	WdfWorkItemFlush(other);
	c->flush_returned = READ_ONCE(ItemContext(other)->p->done_flag);
	WdfObjectReference(other); /* keeps its context readable after the delete */
	WdfObjectDelete(other);
	c->other_cleaned = ItemContext(other)->cleanup_seq > 0;
	WdfObjectDereference(other);
	c->delete_returned = 1;
}

/*
 * A callback may flush and delete another ntwq work item: each waits for
 * the other item's callback (not with flush_work, so lockdep, which would
 * see one lock class acquired inside itself, stays quiet).
 */
int ntwq_scn_wdf_flush_other_in_callback(unsigned int arg, struct ntwq_scn_result *r)
{
	struct wdf_scn w;
	WDFWORKITEM a, b;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, slow_cb, FALSE, w.s.p, &b)) ||
	    !NT_SUCCESS(make_item(w.device, flush_other_cb, FALSE, w.s.p, &a)))
		return wdf_abort(&w);
	ItemContext(a)->other = b;
	WdfWorkItemEnqueue(a);
	WdfWorkItemFlush(a);
	ntwq_scn_put(r, "other_done_at_flush_return", ItemContext(a)->flush_returned);
	ntwq_scn_put(r, "other_cleaned_at_delete_return", ItemContext(a)->other_cleaned);
	ntwq_scn_put(r, "callback_finished", ItemContext(a)->delete_returned);
	return wdf_finish(&w, r);
}

static void flush_self_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	WdfWorkItemFlush(WorkItem); /* would wait for itself */
	c->flush_returned = 1;
	probe_leave(c->p);
}

int ntwq_scn_wdf_flush_in_callback(unsigned int arg, struct ntwq_scn_result *r)
{
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, flush_self_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	WdfWorkItemEnqueue(wi);
	ntwq_scn_put(r, "completed", probe_wait(w.s.p, &w.s.p->done));
	ntwq_scn_put(r, "flush_returned", ItemContext(wi)->flush_returned);
	ntwq_scn_put(r, "diag_wdf_flush_in_callback",
		     diag_delta(&w.s, NTWQ_DIAG_WDF_FLUSH_IN_CALLBACK));
	return wdf_finish(&w, r);
}

static void forever_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	if (!READ_ONCE(c->stop))
		WdfWorkItemEnqueue(WorkItem);
	probe_leave(c->p);
}

/* The rule: a flush waits until the item is neither enqueued nor running
 * (KMDF's); through an endless chain it stops after kFxFlushMaxPasses
 * re-enqueues with WDF_VIOLATION (KMDF itself would hang).
 */
int ntwq_scn_wdf_flush_requeuing(unsigned int arg, struct ntwq_scn_result *r)
{
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	w.s.p->target = 0;
	if (!NT_SUCCESS(make_item(w.device, forever_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	WdfWorkItemEnqueue(wi);
	msleep(50);
	WdfWorkItemFlush(wi); /* returns, diagnosed, although the item keeps re-enqueueing */
	/* Stop the chain: one more callback may still be queued by a callback
	 * that saw stop clear; a second flush waits for it.
	 */
	WRITE_ONCE(ItemContext(wi)->stop, 1);
	WdfWorkItemFlush(wi);
	WdfWorkItemFlush(wi);
	ntwq_scn_put(r, "ran_repeatedly", atomic_read(&w.s.p->runs) >= 2);
	ntwq_scn_put(r, "diag_wdf_flush_endless", diag_delta(&w.s, NTWQ_DIAG_WDF_FLUSH_ENDLESS));
	return wdf_finish(&w, r);
}

/* ---- delete ---- */

int ntwq_scn_wdf_delete_idle(unsigned int arg, struct ntwq_scn_result *r)
{
	struct rec_slot destroyed = { 0, -1 };
	int cleanup_seq;
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, probe_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	ItemContext(wi)->destroyed = &destroyed;
	WdfObjectReference(wi);
	WdfObjectDelete(wi);
	cleanup_seq = ItemContext(wi)->cleanup_seq;
	ntwq_scn_put(r, "cleanup_ran", cleanup_seq > 0);
	ntwq_scn_put(r, "cleanup_irql", ItemContext(wi)->cleanup_irql);
	ntwq_scn_put(r, "destroy_waits_for_reference", destroyed.seq == 0);
	WdfObjectDereference(wi);
	ntwq_scn_put(r, "destroyed_after_cleanup", destroyed.seq > cleanup_seq);
	ntwq_scn_put(r, "destroy_irql", destroyed.irql);
	return wdf_finish(&w, r);
}

struct go_timer {
	struct timer_list timer;
	struct completion *go;
};

static void go_timer_fn(struct timer_list *t)
{
	struct go_timer *g = timer_container_of(g, t, timer);

	complete(g->go);
}

static void gated_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	wait_for_completion_timeout(&c->p->go, WAIT_JIFFIES);
	c->end_seq = atomic_inc_return(&wdf_seq);
	probe_leave(c->p);
}

/* Deleting an item whose callback runs: the delete waits for it. */
int ntwq_scn_wdf_delete_running(unsigned int arg, struct ntwq_scn_result *r)
{
	struct go_timer g;
	struct wdf_scn w;
	WDFWORKITEM wi;
	int end_seq, i;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, gated_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	WdfWorkItemEnqueue(wi);
	/* Delete only once the callback runs: then the delete must wait. */
	for (i = 0; i < 1000 && !atomic_read(&w.s.p->running); i++)
		usleep_range(10000, 20000);
	g.go = &w.s.p->go;
	timer_setup_on_stack(&g.timer, go_timer_fn, 0);
	mod_timer(&g.timer, jiffies + msecs_to_jiffies(200));
	WdfObjectReference(wi);
	WdfObjectDelete(wi);
	end_seq = ItemContext(wi)->end_seq;
	ntwq_scn_put(r, "callback_done_at_return", atomic_read(&w.s.p->runs) == 1);
	ntwq_scn_put(r, "cleanup_after_callback",
		     end_seq > 0 && ItemContext(wi)->cleanup_seq > end_seq);
	WdfObjectDereference(wi);
	timer_delete_sync(&g.timer);
	timer_destroy_on_stack(&g.timer);
	return wdf_finish(&w, r);
}

static void delete_self_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	WdfObjectDelete(WorkItem);
	c->delete_returned = 1;
	c->end_seq = atomic_inc_return(&wdf_seq);
	probe_leave(c->p);
}

int ntwq_scn_wdf_delete_in_callback(unsigned int arg, struct ntwq_scn_result *r)
{
	struct wdf_scn w;
	WDFWORKITEM wi;
	ITEM_CONTEXT *c;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, delete_self_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	c = ItemContext(wi);
	WdfObjectReference(wi);
	WdfWorkItemEnqueue(wi);
	ntwq_scn_put(r, "completed", probe_wait(w.s.p, &w.s.p->done));
	ntwq_scn_put(r, "cleaned", wait_for_completion_timeout(&c->cleaned, WAIT_JIFFIES) > 0);
	ntwq_scn_put(r, "delete_returned_in_callback", c->delete_returned);
	ntwq_scn_put(r, "cleanup_after_callback", c->cleanup_seq > c->end_seq);
	ntwq_scn_put(r, "cleanup_irql", c->cleanup_irql);
	WdfObjectDereference(wi);
	return wdf_finish(&w, r);
}

/* WdfObjectDelete with interrupts off: cleanup still runs at PASSIVE_LEVEL. */
int ntwq_scn_wdf_delete_raised_irql(unsigned int arg, struct ntwq_scn_result *r)
{
	struct rec_slot destroyed = { 0, -1 };
	unsigned long flags;
	struct wdf_scn w;
	WDFWORKITEM wi;
	ITEM_CONTEXT *c;
	int i;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	if (!NT_SUCCESS(make_item(w.device, probe_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	c = ItemContext(wi);
	c->destroyed = &destroyed;
	WdfObjectReference(wi);
	local_irq_save(flags);
	WdfObjectDelete(wi);
	local_irq_restore(flags);
	ntwq_scn_put(r, "cleaned", wait_for_completion_timeout(&c->cleaned, WAIT_JIFFIES) > 0);
	ntwq_scn_put(r, "cleanup_irql", c->cleanup_irql);
	WdfObjectDereference(wi);
	/* The deferred job may hold the last reference a little longer. */
	for (i = 0; i < 1000 && !READ_ONCE(destroyed.seq); i++)
		usleep_range(10000, 20000);
	ntwq_scn_put(r, "destroy_irql", destroyed.irql);
	return wdf_finish(&w, r);
}

/* Deleting a device deletes its tree, children first. */
int ntwq_scn_wdf_cascade(unsigned int arg, struct ntwq_scn_result *r)
{
	WDF_OBJECT_ATTRIBUTES a;
	WDFOBJECT o1, o2;
	WDFWORKITEM wi;
	struct wdf_scn w;
	ITEM_CONTEXT *dev, *c1, *c2, *cw; /* the objects stay referenced */

	recording_attributes(&a, WDF_NO_HANDLE);
	if (wdf_begin(&w, &a))
		return -ENOMEM;
	init_completion(&ItemContext(w.device)->cleaned);
	recording_attributes(&a, w.device);
	if (!NT_SUCCESS(WdfObjectCreate(&a, &o1)))
		return wdf_abort(&w);
	init_completion(&ItemContext(o1)->cleaned);
	if (!NT_SUCCESS(WdfObjectCreate(&a, &o2)))
		return wdf_abort(&w);
	init_completion(&ItemContext(o2)->cleaned);
	if (!NT_SUCCESS(make_item(o1, probe_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	WdfObjectReference(w.device);
	WdfObjectReference(o1);
	WdfObjectReference(o2);
	WdfObjectReference(wi);
	WdfObjectDelete(w.device);
	cw = ItemContext(wi);
	c1 = ItemContext(o1);
	c2 = ItemContext(o2);
	dev = ItemContext(w.device);
	ntwq_scn_put(r, "all_cleaned", cw->cleanup_seq && c1->cleanup_seq && c2->cleanup_seq &&
					       dev->cleanup_seq);
	ntwq_scn_put(r, "child_cleanup_first",
		     cw->cleanup_seq < c1->cleanup_seq && c1->cleanup_seq < dev->cleanup_seq &&
			     c2->cleanup_seq < dev->cleanup_seq);
	ntwq_scn_put(r, "none_destroyed_while_referenced",
		     !cw->destroy_seq && !c1->destroy_seq && !c2->destroy_seq && !dev->destroy_seq);
	ntwq_scn_put(r, "cleanup_irql", max(max(cw->cleanup_irql, c1->cleanup_irql),
					    max(c2->cleanup_irql, dev->cleanup_irql)));
	/* Dropping the last references destroys them, children before parents. */
	WdfObjectDereference(wi);
	WdfObjectDereference(o2);
	WdfObjectDereference(o1);
	WdfObjectDereference(w.device);
	w.device = WDF_NO_HANDLE;
	return wdf_finish(&w, r);
}

static void destroy_order_cb(WDFOBJECT Object)
{
	int *slot = *(int **)BigContext(Object);

	*slot = atomic_inc_return(&wdf_seq);
}

/* Destroy callbacks run child first, each after the last reference. */
int ntwq_scn_wdf_destroy_order(unsigned int arg, struct ntwq_scn_result *r)
{
	int parent_seq = 0, child_seq = 0;
	WDF_OBJECT_ATTRIBUTES a;
	WDFOBJECT parent, child;
	struct wdf_scn w;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, BIG_CONTEXT);
	a.ParentObject = w.device;
	a.EvtDestroyCallback = destroy_order_cb;
	if (!NT_SUCCESS(WdfObjectCreate(&a, &parent)))
		return wdf_abort(&w);
	*(int **)BigContext(parent) = &parent_seq;
	a.ParentObject = parent;
	if (!NT_SUCCESS(WdfObjectCreate(&a, &child)))
		return wdf_abort(&w);
	*(int **)BigContext(child) = &child_seq;
	WdfObjectDelete(parent);
	ntwq_scn_put(r, "both_destroyed", parent_seq && child_seq);
	ntwq_scn_put(r, "child_destroyed_first", child_seq && child_seq < parent_seq);
	return wdf_finish(&w, r);
}

/* ---- automatic serialization ---- */

static void barrier_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	atomic_inc(c->arrived);
	wake_up_all(c->barrier);
	/* Wait (bounded) for the other callback to start too. */
	if (!wait_event_timeout(*c->barrier, atomic_read(c->arrived) >= 2,
				msecs_to_jiffies(c->barrier_ms)))
		atomic_inc(c->timeouts);
	probe_leave(c->p);
}

/* Runs two barrier callbacks; 1 if both ran, 0 if not, -ENOMEM without items. */
static int run_pair(WDFDEVICE device, BOOLEAN serialize, struct probe *p, atomic_t *timeouts)
{
	DECLARE_WAIT_QUEUE_HEAD_ONSTACK(barrier);
	atomic_t arrived = ATOMIC_INIT(0);
	WDFWORKITEM wi[2];
	int i, done;

	for (i = 0; i < 2; i++) {
		if (!NT_SUCCESS(make_item(device, barrier_cb, serialize, p, &wi[i]))) {
			if (i)
				WdfObjectDelete(wi[0]);
			return -ENOMEM;
		}
		ItemContext(wi[i])->barrier = &barrier;
		ItemContext(wi[i])->arrived = &arrived;
		ItemContext(wi[i])->timeouts = timeouts;
		ItemContext(wi[i])->barrier_ms = 2000;
	}
	for (i = 0; i < 2; i++)
		WdfWorkItemEnqueue(wi[i]);
	done = probe_wait(p, &p->done);
	for (i = 0; i < 2; i++)
		WdfObjectDelete(wi[i]);
	return done;
}

int ntwq_scn_wdf_serialization(unsigned int arg, struct ntwq_scn_result *r)
{
	atomic_t timeouts = ATOMIC_INIT(0);
	WDF_OBJECT_ATTRIBUTES a;
	struct probe *free_run;
	struct wdf_scn w;
	int done;

	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.ExecutionLevel = WdfExecutionLevelPassive;
	a.SynchronizationScope = WdfSynchronizationScopeDevice;
	if (wdf_begin(&w, &a))
		return -ENOMEM;
	w.s.p->target = 2;
	done = run_pair(w.device, TRUE, w.s.p, &timeouts);
	if (done < 0)
		return wdf_abort(&w);
	ntwq_scn_put(r, "serialized_completed", done);
	ntwq_scn_put(r, "serialized_max_concurrent", atomic_read(&w.s.p->max_running));
	ntwq_scn_put(r, "serialized_barrier_timeouts", atomic_read(&timeouts));

	/* Control: the same pair without AutomaticSerialization overlaps. */
	free_run = probe_new(2);
	if (!free_run)
		return wdf_abort(&w);
	atomic_set(&timeouts, 0);
	done = run_pair(w.device, FALSE, free_run, &timeouts);
	if (done >= 0) {
		ntwq_scn_put(r, "free_completed", done);
		ntwq_scn_put(r, "free_max_concurrent", atomic_read(&free_run->max_running));
		ntwq_scn_put(r, "free_barrier_timeouts", atomic_read(&timeouts));
	}
	kfree(free_run);
	return done < 0 ? wdf_abort(&w) : wdf_finish(&w, r);
}

int ntwq_scn_wdf_incompatible_level(unsigned int arg, struct ntwq_scn_result *r)
{
	WDF_OBJECT_ATTRIBUTES a;
	WDFDEVICE dispatch_dev;
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.ExecutionLevel = WdfExecutionLevelDispatch;
	a.SynchronizationScope = WdfSynchronizationScopeDevice;
	NtwqWdfDeviceCreate(w.s.device, &a, &dispatch_dev);
	ntwq_scn_put(r, "serialized_refused", make_item(dispatch_dev, probe_cb, TRUE, w.s.p, &wi) ==
						      STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL);
	ntwq_scn_put(r, "unserialized_accepted",
		     NT_SUCCESS(make_item(dispatch_dev, probe_cb, FALSE, w.s.p, &wi)));
	ntwq_scn_put(r, "default_device_accepted",
		     NT_SUCCESS(make_item(w.device, probe_cb, TRUE, w.s.p, &wi)));
	WdfObjectDelete(dispatch_dev);
	return wdf_finish(&w, r);
}

/* ---- misuse ---- */

int ntwq_scn_wdf_invalid_handles(unsigned int arg, struct ntwq_scn_result *r)
{
	WDF_OBJECT_ATTRIBUTES a;
	struct wdf_scn w;
	WDFOBJECT plain;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.ParentObject = w.device;
	if (!NT_SUCCESS(WdfObjectCreate(&a, &plain)))
		return wdf_abort(&w);
	WdfWorkItemEnqueue(WDF_NO_HANDLE);
	WdfWorkItemEnqueue(plain);
	WdfWorkItemFlush(w.device);
	ntwq_scn_put(r, "parent_of_non_item_null", WdfWorkItemGetParentObject(plain) == NULL);

	if (!NT_SUCCESS(make_item(w.device, probe_cb, TRUE, w.s.p, &wi)))
		return wdf_abort(&w);
	WdfObjectReference(wi);
	WdfObjectDelete(wi);
	WdfWorkItemEnqueue(wi); /* deleted: refused */
	WdfObjectDereference(wi);
	ntwq_scn_put(r, "diag_wdf_invalid_handle",
		     diag_delta(&w.s, NTWQ_DIAG_WDF_INVALID_HANDLE));
	ntwq_scn_put(r, "diag_wdf_after_delete", diag_delta(&w.s, NTWQ_DIAG_WDF_AFTER_DELETE));
	return wdf_finish(&w, r);
}

int ntwq_scn_wdf_alloc_fail(unsigned int arg, struct ntwq_scn_result *r)
{
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	WDFOBJECT obj = (WDFOBJECT)1;
	WDFDEVICE dev = (WDFDEVICE)1;
	WDFWORKITEM wi = (WDFWORKITEM)1;
	unsigned int nth, failures = 0, nonfailing = 0;
	struct wdf_scn w;
	NTSTATUS st;

	if (ntwq_fault_set_fail_nth(0))
		return -EOPNOTSUPP;
	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;

	ntwq_fault_set_fail_nth(1);
	st = NtwqWdfDeviceCreate(w.s.device, WDF_NO_OBJECT_ATTRIBUTES, &dev);
	ntwq_scn_put(r, "device_status_ok", st == STATUS_INSUFFICIENT_RESOURCES);
	ntwq_scn_put(r, "device_handle_null", dev == WDF_NO_HANDLE);

	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, BIG_CONTEXT);
	a.ParentObject = w.device;
	ntwq_fault_set_fail_nth(1);
	st = WdfObjectCreate(&a, &obj);
	ntwq_scn_put(r, "object_status_ok", st == STATUS_INSUFFICIENT_RESOURCES);
	ntwq_scn_put(r, "object_handle_null", obj == WDF_NO_HANDLE);

	/* Fail each allocation of the create path in turn until none is left. */
	recording_attributes(&a, w.device);
	WDF_WORKITEM_CONFIG_INIT(&cfg, probe_cb);
	for (nth = 1; nth <= 8; nth++) {
		ntwq_fault_set_fail_nth(nth);
		st = WdfWorkItemCreate(&cfg, &a, &wi);
		ntwq_fault_set_fail_nth(0);
		if (NT_SUCCESS(st)) {
			init_completion(&ItemContext(wi)->cleaned);
			nonfailing = nth;
			break;
		}
		failures += st == STATUS_INSUFFICIENT_RESOURCES && wi == WDF_NO_HANDLE;
	}
	ntwq_scn_put(r, "workitem_allocations", nonfailing - 1);
	ntwq_scn_put(r, "workitem_failures_clean", failures == nonfailing - 1);
	return wdf_finish(&w, r);
}

/* ---- lifetimes recorded outside the object (it is freed after destroy) ---- */

struct life_rec {
	atomic_t cleanups, destroys;
	int cleanup_seq, destroy_seq;
	int cleanup_irql, destroy_irql; /* -1 until the callback runs */
};

typedef struct _LIFE_CONTEXT {
	struct life_rec *rec;
	struct probe *p;
} LIFE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(LIFE_CONTEXT, LifeContext)

static void life_cleanup(WDFOBJECT Object)
{
	struct life_rec *l = LifeContext(Object)->rec;

	l->cleanup_seq = atomic_inc_return(&wdf_seq);
	l->cleanup_irql = KeGetCurrentIrql();
	atomic_inc(&l->cleanups);
}

static void life_destroy(WDFOBJECT Object)
{
	struct life_rec *l = LifeContext(Object)->rec;

	l->destroy_seq = atomic_inc_return(&wdf_seq);
	l->destroy_irql = KeGetCurrentIrql();
	atomic_inc(&l->destroys);
}

static void life_rec_init(struct life_rec *l)
{
	memset(l, 0, sizeof(*l));
	l->cleanup_irql = -1;
	l->destroy_irql = -1;
}

static void life_attributes(PWDF_OBJECT_ATTRIBUTES a, WDFOBJECT parent)
{
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(a, LIFE_CONTEXT);
	a->ParentObject = parent;
	a->EvtCleanupCallback = life_cleanup;
	a->EvtDestroyCallback = life_destroy;
}

static void life_cb(WDFWORKITEM WorkItem)
{
	LIFE_CONTEXT *c = LifeContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	probe_leave(c->p);
}

/* A work item running life_cb (@p set) or a plain object (@p NULL) under @parent. */
static NTSTATUS life_create(WDFOBJECT parent, struct life_rec *l, struct probe *p,
			    WDFOBJECT *out)
{
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	NTSTATUS status;

	life_attributes(&a, parent);
	if (p) {
		WDF_WORKITEM_CONFIG_INIT(&cfg, life_cb);
		cfg.AutomaticSerialization = FALSE;
		status = WdfWorkItemCreate(&cfg, &a, out);
	} else {
		status = WdfObjectCreate(&a, out);
	}
	if (NT_SUCCESS(status)) {
		LifeContext(*out)->rec = l;
		LifeContext(*out)->p = p;
	}
	return status;
}

static void delete_wdf_device(void *arg)
{
	struct wdf_scn *w = arg;

	if (w->device)
		WdfObjectDelete(w->device);
}

struct delete_twice {
	struct wdf_scn w;
	struct scn_bounded b;
	struct life_rec item, object;
};

/*
 * WdfObjectDelete twice on an idle work item and twice on a plain object,
 * interrupts off (so both calls of a pair meet a live, undeleted object; the
 * deferred delete cannot run on this CPU in between).  Each object is deleted
 * once: one cleanup, one destroy, and nothing stays pinned: the driver
 * drains and ntwq's module count (the selftest driver is owned by ntwq) is
 * back.  A core that pins twice and releases once never drains, so the
 * teardown is bounded (driver_drained 0) and its memory then left alone.
 */
int ntwq_scn_wdf_delete_twice_raised(unsigned int arg, struct ntwq_scn_result *r)
{
	struct delete_twice *t = kzalloc(sizeof(*t), GFP_KERNEL);
	int refs_before = module_refcount(THIS_MODULE);
	WDFOBJECT wi, obj;
	unsigned long flags;
	bool drained;
	int i;

	if (!t)
		return -ENOMEM;
	if (wdf_begin(&t->w, WDF_NO_OBJECT_ATTRIBUTES)) {
		kfree(t);
		return -ENOMEM;
	}
	life_rec_init(&t->item);
	life_rec_init(&t->object);
	if (!NT_SUCCESS(life_create(t->w.device, &t->item, t->w.s.p, &wi)) ||
	    !NT_SUCCESS(life_create(t->w.device, &t->object, NULL, &obj)) ||
	    scn_bounded_prepare(&t->b, &t->w.s)) {
		wdf_finish(&t->w, NULL);
		kfree(t);
		return -ENOMEM;
	}
	local_irq_save(flags);
	WdfObjectDelete(wi);
	WdfObjectDelete(wi);
	WdfObjectDelete(obj);
	WdfObjectDelete(obj);
	local_irq_restore(flags);
	/* The deletes finish at PASSIVE_LEVEL in a worker: wait for the cleanups. */
	for (i = 0; i < 1000 && (!atomic_read(&t->item.cleanups) ||
				 !atomic_read(&t->object.cleanups)); i++)
		usleep_range(10000, 20000);

	drained = scn_bounded_teardown(&t->b, delete_wdf_device, &t->w);
	ntwq_scn_put(r, "driver_drained", drained);
	ntwq_scn_put(r, "item_cleanups", atomic_read(&t->item.cleanups));
	ntwq_scn_put(r, "item_destroys", atomic_read(&t->item.destroys));
	ntwq_scn_put(r, "object_cleanups", atomic_read(&t->object.cleanups));
	ntwq_scn_put(r, "object_destroys", atomic_read(&t->object.destroys));
	ntwq_scn_put(r, "module_refs_delta", module_refcount(THIS_MODULE) - refs_before);
	if (!drained) {
		/* The thread still waits in NtwqDeleteDriver: keep t. */
		put_probe(r, t->w.s.p);
		scn_put_common(&t->w.s, r);
		return 0;
	}
	scn_finish(&t->w.s, r);
	kfree(t);
	return 0;
}

/* First pass: enqueue itself again, then delete itself. */
static void requeue_delete_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	if (READ_ONCE(c->cleanup_seq))
		c->ran_after_cleanup++;
	if (!c->stop) {
		c->stop = 1;
		WdfWorkItemEnqueue(WorkItem);
		WdfObjectDelete(WorkItem);
		c->delete_returned = 1;
	}
	c->end_seq = atomic_inc_return(&wdf_seq);
	probe_leave(c->p);
}

/*
 * A callback enqueues its own item, then deletes it.  No callback runs after
 * EvtCleanupCallback; the enqueue made before the delete runs first (README),
 * so there are two passes and cleanup follows the second.  The second pass
 * enqueues nothing.
 */
int ntwq_scn_wdf_requeue_then_delete(unsigned int arg, struct ntwq_scn_result *r)
{
	struct wdf_scn w;
	WDFWORKITEM wi;
	ITEM_CONTEXT *c;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	w.s.p->target = 2;
	if (!NT_SUCCESS(make_item(w.device, requeue_delete_cb, FALSE, w.s.p, &wi)))
		return wdf_abort(&w);
	c = ItemContext(wi);
	WdfObjectReference(wi); /* read the context after the delete */
	WdfWorkItemEnqueue(wi);
	ntwq_scn_put(r, "completed", probe_wait(w.s.p, &w.s.p->done));
	ntwq_scn_put(r, "cleaned", wait_for_completion_timeout(&c->cleaned, WAIT_JIFFIES) > 0);
	ntwq_scn_put(r, "delete_returned_in_callback", c->delete_returned);
	ntwq_scn_put(r, "ran_after_cleanup", c->ran_after_cleanup);
	ntwq_scn_put(r, "cleanup_after_last_callback",
		     c->end_seq > 0 && c->cleanup_seq > c->end_seq);
	ntwq_scn_put(r, "cleanup_irql", c->cleanup_irql);
	WdfObjectDereference(wi);
	return wdf_finish(&w, r);
}

struct leftovers {
	struct life_rec device, item, object;
};

static int max_irql_of(const struct life_rec *l, int so_far)
{
	return max(so_far, max(l->cleanup_irql, l->destroy_irql));
}

/*
 * A driver that unloads with its WDF objects still there: a WDFDEVICE, a work
 * item under it and an object under the item (the wdf_finish() that deletes
 * the device is bypassed).  NtwqDeleteDriver deletes them, children first,
 * cleanup and destroy once each at PASSIVE_LEVEL, with one NTWQ diagnostic.
 */
int ntwq_scn_wdf_driver_deletes_leftovers(unsigned int arg, struct ntwq_scn_result *r)
{
	struct leftovers *l = kzalloc(sizeof(*l), GFP_KERNEL);
	WDF_OBJECT_ATTRIBUTES a;
	struct wdf_scn w;
	WDFOBJECT wi, obj;
	int irql;

	if (!l)
		return -ENOMEM;
	life_rec_init(&l->device);
	life_rec_init(&l->item);
	life_rec_init(&l->object);
	life_attributes(&a, WDF_NO_HANDLE);
	if (wdf_begin(&w, &a)) {
		kfree(l);
		return -ENOMEM;
	}
	LifeContext(w.device)->rec = &l->device;
	if (!NT_SUCCESS(life_create(w.device, &l->item, w.s.p, &wi)) ||
	    !NT_SUCCESS(life_create(wi, &l->object, NULL, &obj))) {
		wdf_finish(&w, NULL);
		kfree(l);
		return -ENOMEM;
	}
	WdfWorkItemEnqueue(wi);
	ntwq_scn_put(r, "completed", probe_wait(w.s.p, &w.s.p->done));
	WdfWorkItemFlush(wi);

	/* module_exit without a WdfObjectDelete: IoDeleteDevice, NtwqDeleteDriver. */
	scn_teardown(&w.s);
	ntwq_scn_put(r, "device_cleanups", atomic_read(&l->device.cleanups));
	ntwq_scn_put(r, "item_cleanups", atomic_read(&l->item.cleanups));
	ntwq_scn_put(r, "object_cleanups", atomic_read(&l->object.cleanups));
	ntwq_scn_put(r, "device_destroys", atomic_read(&l->device.destroys));
	ntwq_scn_put(r, "item_destroys", atomic_read(&l->item.destroys));
	ntwq_scn_put(r, "object_destroys", atomic_read(&l->object.destroys));
	ntwq_scn_put(r, "child_cleanup_first",
		     l->object.cleanup_seq > 0 && l->object.cleanup_seq < l->item.cleanup_seq &&
			     l->item.cleanup_seq < l->device.cleanup_seq);
	ntwq_scn_put(r, "child_destroy_first",
		     l->object.destroy_seq > 0 && l->object.destroy_seq < l->item.destroy_seq &&
			     l->item.destroy_seq < l->device.destroy_seq);
	irql = max_irql_of(&l->object, max_irql_of(&l->item, max_irql_of(&l->device, -1)));
	ntwq_scn_put(r, "callbacks_irql", irql);
	ntwq_scn_put(r, "diag_wdf_objects_left", diag_delta(&w.s, NTWQ_DIAG_WDF_OBJECTS_LEFT));
	scn_finish(&w.s, r);
	kfree(l);
	return 0;
}

/* WdfObjectCreate and WdfWorkItemCreate are callable at DISPATCH_LEVEL. */
int ntwq_scn_wdf_create_at_dispatch(unsigned int arg, struct ntwq_scn_result *r)
{
	static DEFINE_SPINLOCK(lock);
	NTSTATUS object_status, item_status;
	WDF_OBJECT_ATTRIBUTES a;
	struct wdf_scn w;
	WDFWORKITEM wi;
	WDFOBJECT obj;
	int irql;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.ParentObject = w.device;
	spin_lock(&lock);
	irql = KeGetCurrentIrql();
	object_status = WdfObjectCreate(&a, &obj);
	item_status = make_item(w.device, probe_cb, FALSE, w.s.p, &wi);
	if (NT_SUCCESS(item_status))
		WdfWorkItemEnqueue(wi);
	spin_unlock(&lock);
	ntwq_scn_put(r, "create_irql", irql);
	ntwq_scn_put(r, "object_created", NT_SUCCESS(object_status));
	ntwq_scn_put(r, "item_created", NT_SUCCESS(item_status));
	ntwq_scn_put(r, "completed",
		     NT_SUCCESS(item_status) && probe_wait(w.s.p, &w.s.p->done));
	return wdf_finish(&w, r);
}

static void seq_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	c->end_seq = atomic_inc_return(&wdf_seq);
	probe_leave(c->p);
}

struct pending_delete {
	struct work_struct work;
	struct completion done;
	WDFWORKITEM wi;
	struct probe *p;
	int not_started_at_delete, delete_irql, runs_at_return, return_seq;
};

/*
 * Runs in a kworker of this CPU's normal-priority pool, the pool that also
 * runs this CPU's DelayedWorkQueue items (every per-CPU, non-highpri
 * workqueue shares it).  Concurrency management starts another work item of
 * a pool only while none of its workers is running: as long as this function
 * does not sleep, the callback it enqueues stays pending.  So the delete
 * below certainly meets a pending callback; a delete that waits for the
 * callback sleeps, and the pool then runs the callback.  A delete that never
 * sleeps has the callback pending throughout (today's cancel).  The one way
 * out is the workqueue's CPU-hog detection (a work running 10 ms of CPU
 * without sleeping), which a host that deschedules this vCPU can trigger:
 * so the enqueue and the look at the callback happen with preemption off,
 * when no other worker of this CPU can run.  Not an ntwq work item: a flush from one of those would
 * be a lockdep recursion on ntwq's queues (README, "Not supported yet").
 */
static void delete_pending_work(struct work_struct *work)
{
	struct pending_delete *d = container_of(work, struct pending_delete, work);

	/*
	 * Preemption off: the callback, queued on this CPU, cannot start
	 * before it is seen pending, whatever the host does to this vCPU.
	 */
	preempt_disable();
	WdfWorkItemEnqueue(d->wi);
	d->not_started_at_delete = !atomic_read(&d->p->running) && !atomic_read(&d->p->runs);
	preempt_enable();
	d->delete_irql = KeGetCurrentIrql();
	WdfObjectDelete(d->wi);
	d->runs_at_return = atomic_read(&d->p->runs);
	d->return_seq = atomic_inc_return(&wdf_seq);
	complete(&d->done);
}

/* KMDF: deleting an item whose callback is pending runs the callback, then cleans up. */
int ntwq_scn_wdf_delete_pending(unsigned int arg, struct ntwq_scn_result *r)
{
	struct pending_delete *d = kzalloc(sizeof(*d), GFP_KERNEL);
	struct wdf_scn w;
	ITEM_CONTEXT *c;
	bool done;

	if (!d)
		return -ENOMEM;
	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES)) {
		kfree(d);
		return -ENOMEM;
	}
	if (!NT_SUCCESS(make_item(w.device, seq_cb, FALSE, w.s.p, &d->wi))) {
		wdf_finish(&w, NULL);
		kfree(d);
		return -ENOMEM;
	}
	c = ItemContext(d->wi);
	d->p = w.s.p;
	init_completion(&d->done);
	INIT_WORK(&d->work, delete_pending_work);
	WdfObjectReference(d->wi); /* read the context after the delete */
	queue_work(system_wq, &d->work);
	done = wait_for_completion_timeout(&d->done, WAIT_JIFFIES) > 0;
	ntwq_scn_put(r, "delete_returned", done);
	if (!done) {
		/* Stuck in WdfObjectDelete: the worker keeps d and the item. */
		scn_put_common(&w.s, r);
		return 0;
	}
	flush_work(&d->work); /* it has completed: returns at once */
	ntwq_scn_put(r, "pending_at_delete", d->not_started_at_delete);
	ntwq_scn_put(r, "delete_irql", d->delete_irql);
	ntwq_scn_put(r, "callback_done_at_return", d->runs_at_return == 1);
	ntwq_scn_put(r, "delete_returned_after_callback",
		     c->end_seq > 0 && d->return_seq > c->end_seq);
	ntwq_scn_put(r, "cleanup_after_callback", c->end_seq > 0 && c->cleanup_seq > c->end_seq);
	ntwq_scn_put(r, "cleanup_irql", c->cleanup_irql);
	WdfObjectDereference(d->wi);
	kfree(d);
	return wdf_finish(&w, r);
}

/*
 * A chain that re-enqueues itself until requeue_until passes have run.  The
 * first pass waits (bounded) until the flushing task sleeps in
 * WdfWorkItemFlush, so the flush certainly begins during the first pass;
 * later passes take 20 ms each, so a flush that returns after one pass is
 * seen returning with the chain unfinished.
 */
static void chain_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);
	int pass = atomic_read(&c->p->runs) + 1, i;

	probe_enter(c->p, WorkItem, c, NULL);
	if (pass == 1) {
		for (i = 0; i < 200 && task_is_running(c->waiter); i++)
			usleep_range(5000, 10000);
		c->waiter_slept = !task_is_running(c->waiter);
	} else {
		msleep(20);
	}
	if (pass < c->requeue_until)
		WdfWorkItemEnqueue(WorkItem);
	probe_leave(c->p);
}

/* A flush waits for a chain of re-enqueues to end (KMDF's FxWorkItem). */
int ntwq_scn_wdf_flush_chain(unsigned int arg, struct ntwq_scn_result *r)
{
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	w.s.p->target = 5;
	if (!NT_SUCCESS(make_item(w.device, chain_cb, FALSE, w.s.p, &wi)))
		return wdf_abort(&w);
	ItemContext(wi)->requeue_until = 5;
	ItemContext(wi)->waiter = current;
	WdfWorkItemEnqueue(wi);
	WdfWorkItemFlush(wi);
	ntwq_scn_put(r, "runs_at_flush_return", atomic_read(&w.s.p->runs));
	ntwq_scn_put(r, "flush_began_in_first_pass", ItemContext(wi)->waiter_slept);
	ntwq_scn_put(r, "completed", probe_wait(w.s.p, &w.s.p->done));
	return wdf_finish(&w, r);
}

static void endless_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	if (!READ_ONCE(c->stop))
		WdfWorkItemEnqueue(WorkItem);
	probe_leave(c->p);
}

struct flush_job {
	struct completion returned;
	WDFWORKITEM wi;
	struct probe *p;
	int runs_at_return;
};

static int endless_flush_thread(void *data)
{
	struct flush_job *f = data;

	WdfWorkItemFlush(f->wi);
	f->runs_at_return = atomic_read(&f->p->runs);
	kthread_complete_and_exit(&f->returned, 0);
}

/*
 * Flush of an item that re-enqueues itself until told to stop: a bounded
 * wait (the core gives up after 4096 passes) and a WDF_VIOLATION
 * diagnostic, not a hang.  The flush runs in a thread so that a flush that
 * never returns is seen as flush_returned 0; the stop flag then ends the chain.
 */
int ntwq_scn_wdf_flush_endless(unsigned int arg, struct ntwq_scn_result *r)
{
	struct flush_job *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct task_struct *t;
	struct wdf_scn w;
	bool returned;

	if (!f)
		return -ENOMEM;
	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES)) {
		kfree(f);
		return -ENOMEM;
	}
	w.s.p->target = 0; /* never completes: runs are counted only */
	if (!NT_SUCCESS(make_item(w.device, endless_cb, FALSE, w.s.p, &f->wi))) {
		wdf_finish(&w, NULL);
		kfree(f);
		return -ENOMEM;
	}
	f->p = w.s.p;
	init_completion(&f->returned);
	t = kthread_create(endless_flush_thread, f, "ntwq_scn_flush");
	if (IS_ERR(t)) {
		wdf_finish(&w, NULL);
		kfree(f);
		return -ENOMEM;
	}
	WdfWorkItemEnqueue(f->wi);
	wake_up_process(t);
	returned = wait_for_completion_timeout(&f->returned, WAIT_JIFFIES) > 0;
	ntwq_scn_put(r, "flush_returned", returned);
	ntwq_scn_put(r, "runs_at_least_bound", returned && f->runs_at_return >= 4096);
	ntwq_scn_put(r, "diag_wdf_flush_endless",
		     diag_delta(&w.s, NTWQ_DIAG_WDF_FLUSH_ENDLESS));
	WRITE_ONCE(ItemContext(f->wi)->stop, 1);
	if (!returned && !wait_for_completion_timeout(&f->returned, WAIT_JIFFIES)) {
		/* Not even the end of the chain ends it: the thread keeps f. */
		scn_put_common(&w.s, r);
		return 0;
	}
	/* A pass that saw stop clear may have enqueued one more. */
	WdfWorkItemFlush(f->wi);
	WdfWorkItemFlush(f->wi);
	kfree(f);
	return wdf_finish(&w, r);
}

/* ---- races and orders of the object state (issue 19) ---- */

/* A kthread bound to a CPU other than the caller's (the caller's if alone). */
static struct task_struct *wdf_other_cpu_thread(int (*fn)(void *), void *arg, const char *name)
{
	unsigned int cpu = cpumask_next(raw_smp_processor_id(), cpu_online_mask);
	struct task_struct *t;

	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	t = kthread_create(fn, arg, "%s", name);
	if (IS_ERR(t))
		return NULL;
	kthread_bind(t, cpu);
	return t;
}

/* Spins (yielding) until @v reaches @want or the bounded wait ends: false then. */
static bool wdf_spin_until(atomic_t *v, int want, unsigned long deadline)
{
	while (atomic_read_acquire(v) < want) {
		if (time_after(jiffies, deadline))
			return false;
		cond_resched();
		cpu_relax();
	}
	return true;
}

#define CREATE_RACE_ROUNDS 1500

static atomic_t race_cleanups, race_destroys;

static void race_cleanup(WDFOBJECT Object)
{
	atomic_inc(&race_cleanups);
}

static void race_destroy(WDFOBJECT Object)
{
	atomic_inc(&race_destroys);
}

static void race_cb(WDFWORKITEM WorkItem)
{
}

struct create_race {
	WDFDEVICE device;
	WDFOBJECT parent;	/* this round's, referenced by the deleter */
	atomic_t ready;		/* rounds whose parent is published */
	atomic_t started;	/* rounds whose create began */
	atomic_t done;		/* rounds whose create returned */
	int deleter_failed;	/* a parent could not be made, or a wait ran out */
	int stop;		/* the creator gave up (an allocation failed) */
	int rounds;		/* I: how many */
	struct completion exited;
};

/* The other CPU: per round a parent under the device, deleted while the create runs. */
static int create_race_deleter(void *data)
{
	struct create_race *t = data;
	unsigned long deadline = jiffies + 60 * HZ;
	WDF_OBJECT_ATTRIBUTES a;
	int i, k;

	for (i = 1; i <= t->rounds && !READ_ONCE(t->stop); i++) {
		WDFOBJECT parent;

		WDF_OBJECT_ATTRIBUTES_INIT(&a);
		a.ParentObject = t->device;
		if (!NT_SUCCESS(WdfObjectCreate(&a, &parent))) {
			t->deleter_failed = 1;
			break;
		}
		WdfObjectReference(parent); /* the creator names it until it is done */
		WRITE_ONCE(t->parent, parent);
		atomic_set_release(&t->ready, i);
		if (!wdf_spin_until(&t->started, i, deadline)) {
			t->deleter_failed = 1;
			WdfObjectDelete(parent);
			WdfObjectDereference(parent);
			break;
		}
		/* Sweep the delete across the create: 0..31 short delays. */
		for (k = 0; k < (i % 32) * 4; k++)
			cpu_relax();
		WdfObjectDelete(parent);
		if (!wdf_spin_until(&t->done, i, deadline))
			t->deleter_failed = 1;
		WdfObjectDereference(parent);
		if (t->deleter_failed)
			break;
	}
	kthread_complete_and_exit(&t->exited, 0);
}

/*
 * WdfWorkItemCreate(ParentObject = parent) on this CPU while another CPU
 * deletes that parent (made by WdfObjectCreate under the WDFDEVICE just
 * before), for 1500 rounds.  Every create either fails with
 * STATUS_DELETE_PENDING or returns a work item the parent's delete deleted:
 * each created item is cleaned up and destroyed exactly once, none is left.
 * A core that links the child before it is built lets the delete free it
 * while the create still writes into it (KASAN on the debug kernel).
 */
int ntwq_scn_wdf_create_race(unsigned int arg, struct ntwq_scn_result *r)
{
	struct create_race *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned long deadline = jiffies + 60 * HZ;
	int created = 0, refused = 0, other = 0, rounds = 0, i;
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	struct task_struct *task;
	struct wdf_scn w;

	if (!t)
		return -ENOMEM;
	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES)) {
		kfree(t);
		return -ENOMEM;
	}
	atomic_set(&race_cleanups, 0);
	atomic_set(&race_destroys, 0);
	t->device = w.device;
	t->rounds = arg ? arg : CREATE_RACE_ROUNDS;
	init_completion(&t->exited);
	task = wdf_other_cpu_thread(create_race_deleter, t, "ntwq_scn_wdf_race");
	if (!task) {
		kfree(t);
		return wdf_abort(&w);
	}
	wake_up_process(task);
	WDF_WORKITEM_CONFIG_INIT(&cfg, race_cb);
	for (i = 1; i <= t->rounds; i++) {
		WDFWORKITEM wi = WDF_NO_HANDLE;
		NTSTATUS st;

		if (!wdf_spin_until(&t->ready, i, deadline))
			break;
		WDF_OBJECT_ATTRIBUTES_INIT(&a);
		a.ParentObject = READ_ONCE(t->parent);
		a.EvtCleanupCallback = race_cleanup;
		a.EvtDestroyCallback = race_destroy;
		atomic_set_release(&t->started, i);
		st = WdfWorkItemCreate(&cfg, &a, &wi);
		if (st == STATUS_INSUFFICIENT_RESOURCES) {
			/* Fault injection: stop the deleter, report -ENOMEM. */
			WRITE_ONCE(t->stop, 1);
			atomic_set_release(&t->done, INT_MAX);
			atomic_set_release(&t->started, INT_MAX);
			break;
		}
		/* The handle is not touched: the parent's delete may have freed it. */
		if (NT_SUCCESS(st))
			created++;
		else if (st == STATUS_DELETE_PENDING && wi == WDF_NO_HANDLE)
			refused++;
		else
			other++;
		atomic_set_release(&t->done, i);
		rounds++;
	}
	/* Bounded: the deleter's own waits end within its deadline. */
	if (!wait_for_completion_timeout(&t->exited, 70 * HZ)) {
		ntwq_scn_put(r, "deleter_exited", 0);
		return 0; /* it still uses t and the device: leave them */
	}
	if (t->stop) {
		kfree(t);
		return wdf_abort(&w);
	}
	ntwq_scn_put(r, "rounds", rounds);
	ntwq_scn_put(r, "deleter_ok", !t->deleter_failed);
	ntwq_scn_put(r, "other_status", other);
	ntwq_scn_put(r, "created", created);
	ntwq_scn_put(r, "refused", refused);
	ntwq_scn_put(r, "created_cleaned_once", atomic_read(&race_cleanups) == created);
	ntwq_scn_put(r, "created_destroyed_once", atomic_read(&race_destroys) == created);
	kfree(t);
	return wdf_finish(&w, r);
}

/* A work item's callback deletes the item's parent. */
static void delete_parent_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);
	WDFOBJECT parent = WdfWorkItemGetParentObject(WorkItem);

	probe_enter(c->p, WorkItem, c, NULL);
	WdfObjectDelete(parent);
	c->delete_returned = 1;
	/* The parent waits for this child, whose delete waits for this callback. */
	c->other_cleaned = READ_ONCE(ItemContext(parent)->cleanup_seq) != 0;
	c->end_seq = atomic_inc_return(&wdf_seq);
	probe_leave(c->p);
}

/*
 * A work item whose callback calls WdfObjectDelete(parent): KMDF disposes
 * children first, so the item's EvtCleanupCallback runs (after its
 * callback returned) before the parent's, both at PASSIVE_LEVEL, and the
 * parent's cleanup has not run when the delete returns in the callback.
 */
int ntwq_scn_wdf_delete_parent_in_callback(unsigned int arg, struct ntwq_scn_result *r)
{
	ITEM_CONTEXT *c, *pc;
	WDF_OBJECT_ATTRIBUTES a;
	WDFOBJECT parent;
	struct wdf_scn w;
	WDFWORKITEM wi;

	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES))
		return -ENOMEM;
	recording_attributes(&a, w.device);
	if (!NT_SUCCESS(WdfObjectCreate(&a, &parent)))
		return wdf_abort(&w);
	pc = ItemContext(parent);
	init_completion(&pc->cleaned);
	if (!NT_SUCCESS(make_item(parent, delete_parent_cb, FALSE, w.s.p, &wi)))
		return wdf_abort(&w);
	c = ItemContext(wi);
	WdfObjectReference(parent); /* read the contexts after the delete */
	WdfObjectReference(wi);
	WdfWorkItemEnqueue(wi);
	ntwq_scn_put(r, "completed", probe_wait(w.s.p, &w.s.p->done));
	ntwq_scn_put(r, "item_cleaned",
		     wait_for_completion_timeout(&c->cleaned, WAIT_JIFFIES) > 0);
	ntwq_scn_put(r, "parent_cleaned",
		     wait_for_completion_timeout(&pc->cleaned, WAIT_JIFFIES) > 0);
	ntwq_scn_put(r, "delete_returned_in_callback", c->delete_returned);
	ntwq_scn_put(r, "parent_cleaned_in_callback", c->other_cleaned);
	ntwq_scn_put(r, "item_cleanup_first",
		     c->cleanup_seq > 0 && c->cleanup_seq < pc->cleanup_seq);
	ntwq_scn_put(r, "item_cleanup_after_callback", c->cleanup_seq > c->end_seq);
	ntwq_scn_put(r, "cleanup_irql", max(c->cleanup_irql, pc->cleanup_irql));
	WdfObjectDereference(wi);
	WdfObjectDereference(parent);
	return wdf_finish(&w, r);
}

/*
 * Parentless objects belong to the driver whose module holds their
 * callbacks (KMDF: the WDFDRIVER is their parent): one left at unload is
 * deleted by NtwqDeleteDriver (cleanup, destroy, at PASSIVE_LEVEL, one
 * NTWQ_WDF_OBJECTS_LEFT), nothing leaks.  One whose callback lies in no
 * registered driver's module is refused with WORKER_INVALID(7).
 */
int ntwq_scn_wdf_parentless_unload(unsigned int arg, struct ntwq_scn_result *r)
{
	struct life_rec *l = kzalloc(sizeof(*l), GFP_KERNEL);
	WDF_OBJECT_ATTRIBUTES a;
	WDFOBJECT obj, foreign = WDF_NO_HANDLE;
	struct scn s;
	NTSTATUS st;

	if (!l)
		return -ENOMEM;
	life_rec_init(l);
	atomic_set(&wdf_seq, 0);
	if (scn_begin(&s, 1, 0)) {
		kfree(l);
		return -ENOMEM;
	}
	life_attributes(&a, WDF_NO_HANDLE);
	if (!NT_SUCCESS(WdfObjectCreate(&a, &obj))) {
		scn_abort(&s);
		kfree(l);
		return -ENOMEM;
	}
	LifeContext(obj)->rec = l;

	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.EvtCleanupCallback = (PFN_WDF_OBJECT_CONTEXT_CLEANUP)(void *)ktime_get;
	st = WdfObjectCreate(&a, &foreign);
	ntwq_scn_put(r, "foreign_refused", st == STATUS_INVALID_PARAMETER);
	ntwq_scn_put(r, "foreign_handle_null", foreign == WDF_NO_HANDLE);
	if (NT_SUCCESS(st)) {
		/* A core that accepts it: do not let ktime_get run as a cleanup. */
		WdfObjectReference(foreign);
	}

	/* module_exit without a WdfObjectDelete. */
	scn_teardown(&s);
	ntwq_scn_put(r, "cleanups", atomic_read(&l->cleanups));
	ntwq_scn_put(r, "destroys", atomic_read(&l->destroys));
	ntwq_scn_put(r, "callbacks_irql", max(l->cleanup_irql, l->destroy_irql));
	ntwq_scn_put(r, "diag_wdf_objects_left", diag_delta(&s, NTWQ_DIAG_WDF_OBJECTS_LEFT));
	ntwq_scn_put(r, "diag_invalid_routine", diag_delta(&s, NTWQ_DIAG_INVALID_ROUTINE));
	scn_finish(&s, r);
	if (!atomic_read(&l->destroys))
		return 0; /* a core that never destroyed it may still call into l */
	kfree(l);
	return 0;
}

#define REFUSED_RACE_ROUNDS 300

struct refused_race {
	WDFWORKITEM target;	/* the item to enqueue, or NULL; referenced meanwhile */
	atomic_t in_use;	/* the enqueuer holds `target` */
	atomic_t attempts;	/* enqueues made */
	int stop;
	struct completion exited;
};

static atomic_t refused_cleanups;
static int refused_cleanup_irql;

static void refused_cleanup(WDFOBJECT Object)
{
	refused_cleanup_irql = max_t(int, refused_cleanup_irql, KeGetCurrentIrql());
	/* Counted before the round's waiter is woken: it may read the count next. */
	atomic_inc(&refused_cleanups);
	complete(&ItemContext(Object)->cleaned);
}

/* The other CPU: enqueues the published item at DISPATCH_LEVEL, again and again. */
static int refused_enqueuer(void *data)
{
	struct refused_race *t = data;

	while (!READ_ONCE(t->stop)) {
		WDFWORKITEM wi;

		atomic_set(&t->in_use, 1);
		smp_mb(); /* in_use before the read: pairs with the owner's clear, then check */
		wi = READ_ONCE(t->target);
		if (wi) {
			local_bh_disable();
			WdfWorkItemEnqueue(wi); /* deleted: refused */
			local_bh_enable();
			atomic_inc(&t->attempts);
		}
		atomic_set_release(&t->in_use, 0);
		cond_resched();
	}
	kthread_complete_and_exit(&t->exited, 0);
}

/* Deletes its own item, lets the other CPU's refused enqueues start, returns. */
static void delete_self_racing_cb(WDFWORKITEM WorkItem)
{
	ITEM_CONTEXT *c = ItemContext(WorkItem);
	struct refused_race *t = (struct refused_race *)c->waiter;
	unsigned long deadline = jiffies + HZ;
	int seen;

	WdfObjectDelete(WorkItem);
	seen = atomic_read(&t->attempts);
	WRITE_ONCE(t->target, WorkItem);
	/* Return while one of them is (very likely) between its count and its refusal. */
	while (atomic_read(&t->attempts) < seen + 2 && time_before(jiffies, deadline))
		cond_resched();
}

/*
 * A callback deletes its own item while another CPU keeps enqueueing it at
 * DISPATCH_LEVEL (refused: deleted).  Whichever of the callback's return
 * and a refused enqueue ends last finishes the delete (a refused one above
 * PASSIVE_LEVEL through a job): every round's cleanup runs, once, at
 * PASSIVE_LEVEL.  A core that decides from one read of `outstanding` in the
 * callback's epilogue loses the delete when a refused enqueue is in flight:
 * no cleanup, the item leaks.
 */
int ntwq_scn_wdf_delete_self_refused_race(unsigned int arg, struct ntwq_scn_result *r)
{
	struct refused_race *t = kzalloc(sizeof(*t), GFP_KERNEL);
	int rounds = 0, lost = 0, nomem = 0, i;
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	struct task_struct *task;
	struct wdf_scn w;

	if (!t)
		return -ENOMEM;
	if (wdf_begin(&w, WDF_NO_OBJECT_ATTRIBUTES)) {
		kfree(t);
		return -ENOMEM;
	}
	atomic_set(&refused_cleanups, 0);
	refused_cleanup_irql = 0;
	init_completion(&t->exited);
	task = wdf_other_cpu_thread(refused_enqueuer, t, "ntwq_scn_wdf_enq");
	if (!task) {
		kfree(t);
		return wdf_abort(&w);
	}
	wake_up_process(task);
	WDF_WORKITEM_CONFIG_INIT(&cfg, delete_self_racing_cb);
	for (i = 0; i < REFUSED_RACE_ROUNDS; i++) {
		WDFWORKITEM wi;
		ITEM_CONTEXT *c;
		bool cleaned;

		WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, ITEM_CONTEXT);
		a.ParentObject = w.device;
		a.EvtCleanupCallback = refused_cleanup;
		if (!NT_SUCCESS(WdfWorkItemCreate(&cfg, &a, &wi))) {
			nomem = 1; /* fault injection */
			break;
		}
		c = ItemContext(wi);
		init_completion(&c->cleaned);
		c->waiter = (struct task_struct *)t;
		WdfObjectReference(wi); /* held while the enqueuer may name it */
		WdfWorkItemEnqueue(wi);
		cleaned = wait_for_completion_timeout(&c->cleaned, msecs_to_jiffies(2000)) > 0;
		/* Take the handle back from the enqueuer before letting it go. */
		WRITE_ONCE(t->target, NULL);
		/*
		 * Orders the store above before the read of in_use below, against
		 * the enqueuer's increment of in_use before its read of target.
		 */
		smp_mb();
		while (atomic_read_acquire(&t->in_use))
			cond_resched();
		WdfObjectDereference(wi);
		rounds++;
		if (!cleaned) {
			lost++;
			break; /* a lost delete: the item leaks; enough to show it */
		}
	}
	WRITE_ONCE(t->stop, 1);
	if (!wait_for_completion_timeout(&t->exited, WAIT_JIFFIES)) {
		ntwq_scn_put(r, "enqueuer_exited", 0);
		return 0;
	}
	if (nomem) {
		kfree(t);
		return wdf_abort(&w);
	}
	ntwq_scn_put(r, "rounds", rounds);
	ntwq_scn_put(r, "lost_deletes", lost);
	ntwq_scn_put(r, "cleanups", atomic_read(&refused_cleanups));
	ntwq_scn_put(r, "cleanup_irql", refused_cleanup_irql);
	ntwq_scn_put(r, "enqueues_refused", diag_delta(&w.s, NTWQ_DIAG_WDF_AFTER_DELETE) > 0);
	kfree(t);
	return wdf_finish(&w, r);
}

#define DEVICE_RACE_ROUNDS 200

struct device_race {
	PDRIVER_OBJECT driver;	/* this round's */
	atomic_t ready;		/* rounds whose driver and device exist */
	atomic_t started;	/* rounds whose NtwqWdfDeviceCreate began */
	atomic_t deleted;	/* rounds whose NtwqDeleteDriver returned */
	int stop;
	int failed;		/* a wait ran out */
	struct completion exited;
};

/* The other CPU: deletes each round's driver while the WDFDEVICE is created. */
static int device_race_deleter(void *data)
{
	struct device_race *t = data;
	unsigned long deadline = jiffies + 120 * HZ;
	int i, k;

	for (i = 1; i <= DEVICE_RACE_ROUNDS; i++) {
		if (!wdf_spin_until(&t->ready, i, deadline) ||
		    !wdf_spin_until(&t->started, i, deadline)) {
			t->failed = 1;
			break;
		}
		if (READ_ONCE(t->stop))
			break;
		for (k = 0; k < (i % 32) * 8; k++)
			cpu_relax();
		NtwqDeleteDriver(READ_ONCE(t->driver));
		atomic_set_release(&t->deleted, i);
	}
	kthread_complete_and_exit(&t->exited, 0);
}

/*
 * NtwqWdfDeviceCreate on this CPU while another deletes the device's driver
 * (NtwqDeleteDriver, which deletes the KMDF objects and devices the driver
 * left), 200 rounds of a fresh driver and device.  Each create either fails
 * with STATUS_DELETE_PENDING or makes a WDFDEVICE the driver's delete
 * cleaned up; none outlives its driver undeleted (nothing leaks).
 */
int ntwq_scn_wdf_device_create_race(unsigned int arg, struct ntwq_scn_result *r)
{
	struct device_race *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned long deadline = jiffies + 120 * HZ;
	int created = 0, refused = 0, other = 0, rounds = 0, i;
	WDF_OBJECT_ATTRIBUTES a;
	struct task_struct *task;
	struct scn s;

	if (!t)
		return -ENOMEM;
	memset(&s, 0, sizeof(s));
	scn_snapshot(&s);
	s.torn_down = true; /* each round deletes its own driver */
	atomic_set(&race_cleanups, 0);
	atomic_set(&race_destroys, 0);
	init_completion(&t->exited);
	task = wdf_other_cpu_thread(device_race_deleter, t, "ntwq_scn_wdf_drv");
	if (!task) {
		kfree(t);
		return -ENOMEM;
	}
	wake_up_process(task);
	for (i = 1; i <= DEVICE_RACE_ROUNDS; i++) {
		PDRIVER_OBJECT driver;
		PDEVICE_OBJECT device;
		WDFDEVICE wdf = WDF_NO_HANDLE;
		NTSTATUS st;

		if (!NT_SUCCESS(NtwqCreateDriver(THIS_MODULE, "ntwq_selftest", &driver)))
			goto out_stop;
		if (!NT_SUCCESS(IoCreateDevice(driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE,
					       &device))) {
			NtwqDeleteDriver(driver);
			goto out_stop;
		}
		ObReferenceObject(device); /* named by the create until the delete returned */
		WRITE_ONCE(t->driver, driver);
		atomic_set_release(&t->ready, i);
		WDF_OBJECT_ATTRIBUTES_INIT(&a);
		a.EvtCleanupCallback = race_cleanup;
		a.EvtDestroyCallback = race_destroy;
		atomic_set_release(&t->started, i);
		st = NtwqWdfDeviceCreate(device, &a, &wdf);
		if (NT_SUCCESS(st))
			created++;
		else if (st == STATUS_DELETE_PENDING && wdf == WDF_NO_HANDLE)
			refused++;
		else
			other++;
		if (!wdf_spin_until(&t->deleted, i, deadline)) {
			t->failed = 1;
			break; /* the device stays referenced: the report shows a leak */
		}
		ObDereferenceObject(device);
		rounds++;
	}
	if (!wait_for_completion_timeout(&t->exited, 130 * HZ)) {
		ntwq_scn_put(r, "deleter_exited", 0);
		return 0; /* it may still use t */
	}
	ntwq_scn_put(r, "rounds", rounds);
	ntwq_scn_put(r, "waits_ok", !t->failed);
	ntwq_scn_put(r, "other_status", other);
	ntwq_scn_put(r, "created", created);
	ntwq_scn_put(r, "refused", refused);
	ntwq_scn_put(r, "created_cleaned_once", atomic_read(&race_cleanups) == created);
	ntwq_scn_put(r, "created_destroyed_once", atomic_read(&race_destroys) == created);
	kfree(t);
	scn_put_common(&s, r);
	return 0;

out_stop:
	/* Fault injection: let the deleter go and report -ENOMEM. */
	WRITE_ONCE(t->stop, 1);
	atomic_set_release(&t->ready, INT_MAX);
	atomic_set_release(&t->started, INT_MAX);
	if (wait_for_completion_timeout(&t->exited, 130 * HZ))
		kfree(t);
	return -ENOMEM;
}
