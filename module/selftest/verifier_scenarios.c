// SPDX-License-Identifier: GPL-2.0
/*
 * verifier_scenarios.c - verifier mode, as a ported driver meets it: leaks
 * reported at NtwqDeleteDriver and freed, call sites in queue diagnostics,
 * long-running routines reported with their worker's stack, freed items
 * quarantined.
 *
 * Each scenario switches the verifier as it needs and puts it back as it
 * found it.  What a diagnostic line says is read back from ntwq's record of
 * recent lines (ntwq_diag_recent()), the same text the kernel log gets.
 * Freed Io items go to the quarantine, which holds their memory: the
 * scenarios empty it before they start counting and before they finish, so
 * runtime_live_delta still says nothing leaked.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <ntwq/wdf.h>
#include "common.h"
#include "scenarios.h"

/* ---- helpers ---- */

/* Is there a recent diagnostic line of @kind containing @a and (if not NULL) @b? */
static bool recent_has(unsigned int kind, const char *a, const char *b)
{
	char line[256];
	unsigned int i, k;

	for (i = 0; ntwq_diag_recent(i, &k, line, sizeof(line)); i++)
		if (k == kind && strstr(line, a) && (!b || strstr(line, b)))
			return true;
	return false;
}

/* Switches the verifier to @on; returns what it was. */
static bool verifier_set(bool on)
{
	bool was = READ_ONCE(ntwq_verifier);

	WRITE_ONCE(ntwq_verifier, on);
	return was;
}

/* Empties the quarantine and the recent lines, then scn_begin(). */
static int vrf_begin(struct scn *s, int target)
{
	ntwq_verifier_drain_quarantine();
	ntwq_diag_recent_clear();
	return scn_begin(s, target, 0);
}

/* Tears down, empties the quarantine (the items it holds are not leaks), reports. */
static int vrf_finish(struct scn *s, struct ntwq_scn_result *r)
{
	scn_teardown(s);
	ntwq_verifier_drain_quarantine();
	return scn_finish(s, r);
}

static void vrf_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	struct probe *p = Context;

	probe_enter(p, DeviceObject, Context, NULL);
	probe_leave(p);
}

/* ---- leaks at NtwqDeleteDriver ---- */

/* The routine a leaked item last ran: the leak report names it. */
static void vrf_leak_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	vrf_routine(DeviceObject, Context);
}

/*
 * An Io item allocated with the verifier @on runs once, and its driver is
 * deleted without freeing it.  On: NtwqDeleteDriver reports it with its last
 * routine and the call site of IoAllocateWorkItem (this function, noinline
 * so that it is its own symbol) and frees it.  Off: it is neither tracked
 * nor reported; ntwq keeps today's rule (the item outlives its driver until
 * freed) and does not quarantine it then.
 */
static noinline int vrf_leak_io(bool on, struct ntwq_scn_result *r)
{
	long tracked_before = ntwq_verifier_tracked_items();
	bool was = verifier_set(on);
	PIO_WORKITEM item;
	struct scn s;

	if (vrf_begin(&s, 1)) {
		verifier_set(was);
		return -ENOMEM;
	}
	item = IoAllocateWorkItem(s.device);
	if (!item) {
		verifier_set(was);
		return scn_abort(&s);
	}
	ntwq_scn_put(r, "tracked_while_allocated", ntwq_verifier_tracked_items() - tracked_before);
	IoQueueWorkItem(item, vrf_leak_routine, DelayedWorkQueue, s.p);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	/* The driver unloads with its item still allocated. */
	scn_teardown(&s);
	ntwq_scn_put(r, "diag_items_left", diag_delta(&s, NTWQ_DIAG_ITEMS_LEFT));
	if (on) {
		ntwq_scn_put(r, "report_names_routine",
			     recent_has(NTWQ_DIAG_ITEMS_LEFT, "routine vrf_leak_routine", NULL));
		ntwq_scn_put(r, "report_names_call_site",
			     recent_has(NTWQ_DIAG_ITEMS_LEFT, "call site vrf_leak_io+", NULL));
		ntwq_scn_put(r, "tracked_after",
			     ntwq_verifier_tracked_items() - tracked_before);
		/* Freed there, into the quarantine (compared by address only). */
		ntwq_scn_put(r, "reclaimed_to_quarantine", ntwq_verifier_quarantined(item));
	} else {
		IoFreeWorkItem(item);
		ntwq_scn_put(r, "quarantined_at_free", ntwq_verifier_quarantined(item));
	}
	verifier_set(was);
	return vrf_finish(&s, r);
}

int ntwq_scn_vrf_leak_io(unsigned int arg, struct ntwq_scn_result *r)
{
	return vrf_leak_io(true, r);
}

int ntwq_scn_vrf_leak_io_off(unsigned int arg, struct ntwq_scn_result *r)
{
	return vrf_leak_io(false, r);
}

typedef struct _VRF_CONTEXT {
	struct probe *p;
} VRF_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(VRF_CONTEXT, VrfContext)

static void vrf_wdf_func(WDFWORKITEM WorkItem)
{
	struct probe *p = VrfContext(WorkItem)->p;

	probe_enter(p, WorkItem, NULL, NULL);
	probe_leave(p);
}

/*
 * Verifier on: a WDFDEVICE, a work item and an object under it, none
 * deleted: NtwqDeleteDriver reports each (the work item by its callback and
 * the call site of WdfWorkItemCreate, this function) and deletes them.
 */
int ntwq_scn_vrf_leak_wdf(unsigned int arg, struct ntwq_scn_result *r)
{
	bool was = verifier_set(true);
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	WDFDEVICE device;
	WDFWORKITEM wi;
	WDFOBJECT obj;
	struct scn s;

	if (vrf_begin(&s, 1)) {
		verifier_set(was);
		return -ENOMEM;
	}
	if (!NT_SUCCESS(NtwqWdfDeviceCreate(s.device, WDF_NO_OBJECT_ATTRIBUTES, &device)))
		goto out_abort;
	WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, VRF_CONTEXT);
	a.ParentObject = device;
	WDF_WORKITEM_CONFIG_INIT(&cfg, vrf_wdf_func);
	if (!NT_SUCCESS(WdfWorkItemCreate(&cfg, &a, &wi)))
		goto out_abort;
	VrfContext(wi)->p = s.p;
	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.ParentObject = device;
	if (!NT_SUCCESS(WdfObjectCreate(&a, &obj)))
		goto out_abort;
	WdfWorkItemEnqueue(wi);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	/* The driver unloads with all three left. */
	scn_teardown(&s);
	verifier_set(was);
	ntwq_scn_put(r, "diag_wdf_objects_left", diag_delta(&s, NTWQ_DIAG_WDF_OBJECTS_LEFT));
	ntwq_scn_put(r, "work_item_report_named",
		     recent_has(NTWQ_DIAG_WDF_OBJECTS_LEFT, "routine vrf_wdf_func",
				"call site ntwq_scn_vrf_leak_wdf+"));
	ntwq_scn_put(r, "device_report_named",
		     recent_has(NTWQ_DIAG_WDF_OBJECTS_LEFT, "WDF device",
				"call site ntwq_scn_vrf_leak_wdf+"));
	return vrf_finish(&s, r);

out_abort:
	verifier_set(was);
	return scn_abort(&s); /* NtwqDeleteDriver deletes what was created */
}

/* ---- call sites in queue diagnostics ---- */

/*
 * A routine outside the driver's module: WORKER_INVALID(7) names the queue
 * call site in verifier mode, and not with the verifier off.
 */
int ntwq_scn_vrf_site_foreign(unsigned int arg, struct ntwq_scn_result *r)
{
	bool was = verifier_set(true);
	PIO_WORKITEM item;
	bool on, off;
	struct scn s;

	if (vrf_begin(&s, 1)) {
		verifier_set(was);
		return -ENOMEM;
	}
	verifier_set(false); /* the item is not tracked: this scenario frees it itself */
	item = IoAllocateWorkItem(s.device);
	if (!item) {
		verifier_set(was);
		return scn_abort(&s);
	}
	verifier_set(true);
	IoQueueWorkItem(item, (PIO_WORKITEM_ROUTINE)(void *)ktime_get, NormalWorkQueue, s.p);
	on = recent_has(NTWQ_DIAG_INVALID_ROUTINE, "call site ntwq_scn_vrf_site_foreign+", NULL);
	ntwq_diag_recent_clear();
	verifier_set(false);
	IoQueueWorkItem(item, (PIO_WORKITEM_ROUTINE)(void *)ktime_get, NormalWorkQueue, s.p);
	off = recent_has(NTWQ_DIAG_INVALID_ROUTINE, "routine is NULL", "call site");
	ntwq_scn_put(r, "refused_line_seen_off",
		     recent_has(NTWQ_DIAG_INVALID_ROUTINE, "routine is NULL", NULL));
	verifier_set(was);
	IoFreeWorkItem(item);
	ntwq_scn_put(r, "call_site_verifier_on", on);
	ntwq_scn_put(r, "call_site_verifier_off", off);
	ntwq_scn_put(r, "diag_invalid_routine", diag_delta(&s, NTWQ_DIAG_INVALID_ROUTINE));
	return vrf_finish(&s, r);
}

struct vrf_irq {
	struct irq_work work;
	PIO_WORKITEM item;
	struct probe *p;
	int calls;
};

/*
 * Queues from hard irq: above DISPATCH_LEVEL, which Windows does not allow.
 * The count after the call keeps it from being a tail call, so the call
 * site is this function.
 */
static void vrf_irq_queuer(struct irq_work *w)
{
	struct vrf_irq *q = container_of(w, struct vrf_irq, work);

	IoQueueWorkItem(q->item, vrf_routine, NormalWorkQueue, q->p);
	WRITE_ONCE(q->calls, q->calls + 1);
}

/*
 * Verifier on: a queue call from hard irq is IRQL_NOT_LESS_OR_EQUAL naming
 * the call site (the irq_work function), and still runs; verifier off: no
 * diagnostic.
 */
int ntwq_scn_vrf_site_irql(unsigned int arg, struct ntwq_scn_result *r)
{
	struct vrf_irq *q = kzalloc(sizeof(*q), GFP_KERNEL);
	bool was = READ_ONCE(ntwq_verifier);
	unsigned long long on_count;
	struct scn s;

	if (!q || vrf_begin(&s, 2)) {
		kfree(q);
		return -ENOMEM;
	}
	q->p = s.p;
	verifier_set(false); /* an untracked item: freed here */
	if (scn_alloc_items(&s, &q->item, 1)) {
		verifier_set(was);
		kfree(q);
		return scn_abort(&s);
	}
	init_irq_work(&q->work, vrf_irq_queuer);
	verifier_set(true);
	irq_work_queue(&q->work);
	irq_work_sync(&q->work);
	on_count = diag_delta(&s, NTWQ_DIAG_QUEUE_IRQL);
	/* Once the first run is over, queue again with the verifier off. */
	for (int i = 0; i < 1000 && atomic_read(&s.p->runs) < 1; i++)
		usleep_range(10000, 11000);
	verifier_set(false);
	irq_work_queue(&q->work);
	irq_work_sync(&q->work);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	verifier_set(was);
	IoFreeWorkItem(q->item);
	kfree(q);
	ntwq_scn_put(r, "diag_queue_irql_on", on_count);
	ntwq_scn_put(r, "diag_queue_irql", diag_delta(&s, NTWQ_DIAG_QUEUE_IRQL));
	ntwq_scn_put(r, "call_site_named",
		     recent_has(NTWQ_DIAG_QUEUE_IRQL, "call site vrf_irq_queuer+", NULL));
	return vrf_finish(&s, r);
}

static void vrf_ex_routine(PVOID Parameter)
{
	struct probe *p = Parameter;

	probe_enter(p, NULL, Parameter, NULL);
	probe_leave(p);
}

/*
 * Verifier on: ExQueueWorkItem of an item whose List.Flink still links it
 * is WORKER_INVALID(1) naming the queue call site; nothing runs.
 */
int ntwq_scn_vrf_site_ex(unsigned int arg, struct ntwq_scn_result *r)
{
	bool was = verifier_set(true);
	WORK_QUEUE_ITEM item;
	struct scn s;

	if (vrf_begin(&s, 1)) {
		verifier_set(was);
		return -ENOMEM;
	}
	ExInitializeWorkItem(&item, vrf_ex_routine, s.p);
	item.List.Flink = &item.List; /* as if still on a FIFO */
	ExQueueWorkItem(&item, DelayedWorkQueue);
	verifier_set(was);
	ntwq_scn_put(r, "diag_queue_queued", diag_delta(&s, NTWQ_DIAG_QUEUE_QUEUED));
	ntwq_scn_put(r, "call_site_named",
		     recent_has(NTWQ_DIAG_QUEUE_QUEUED, "call site ntwq_scn_vrf_site_ex+", NULL));
	return vrf_finish(&s, r);
}

/* ---- long-running routines ---- */

struct vrf_long {
	struct probe *p;
	atomic_t released; /* the routine was let go by the scenario */
	bool reported_before_release;
};

/* Waits (bounded) for the scenario to let it go; inline, so the wait is the routine's own frame. */
static __always_inline void vrf_long_wait(struct vrf_long *l)
{
	probe_enter(l->p, NULL, l, NULL);
	if (wait_for_completion_timeout(&l->p->go, WAIT_JIFFIES))
		atomic_set(&l->released, 1);
	probe_leave(l->p);
}

static void vrf_long_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	vrf_long_wait(Context);
}

static void vrf_long_ex_routine(PVOID Parameter)
{
	vrf_long_wait(Parameter);
}

/*
 * Verifier on, verifier_long_ms 50: a routine (Io, or Ex with @arg) that
 * waits for the scenario is reported once, while it runs, with its name and
 * its worker's stack (a frame inside the routine).
 */
static int vrf_long_running(bool arg, struct ntwq_scn_result *r)
{
	unsigned int long_ms = READ_ONCE(ntwq_verifier_long_ms);
	struct vrf_long *l = kzalloc(sizeof(*l), GFP_KERNEL);
	const char *name = arg ? "vrf_long_ex_routine" : "vrf_long_routine";
	char frame[48], named[64];
	WORK_QUEUE_ITEM ex;
	PIO_WORKITEM item = NULL;
	bool was;
	struct scn s;
	int i;

	if (!l || vrf_begin(&s, 1)) {
		kfree(l);
		return -ENOMEM;
	}
	l->p = s.p;
	was = verifier_set(false); /* an untracked item: freed here */
	if (!arg && scn_alloc_items(&s, &item, 1)) {
		verifier_set(was);
		kfree(l);
		return scn_abort(&s);
	}
	WRITE_ONCE(ntwq_verifier_long_ms, 50);
	verifier_set(true);
	if (arg) {
		ExInitializeWorkItem(&ex, vrf_long_ex_routine, l);
		ExQueueWorkItem(&ex, DelayedWorkQueue);
	} else {
		IoQueueWorkItem(item, vrf_long_routine, DelayedWorkQueue, l);
	}
	/* Poll, bounded, for the report while the routine still waits. */
	for (i = 0; i < 1000 && !diag_delta(&s, NTWQ_DIAG_LONG_RUNNING); i++)
		usleep_range(10000, 11000);
	l->reported_before_release = diag_delta(&s, NTWQ_DIAG_LONG_RUNNING) > 0 &&
				     !atomic_read(&l->released);
	/* More watchdog passes while it still runs: still one report. */
	msleep(200);
	complete(&s.p->go);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	verifier_set(was);
	WRITE_ONCE(ntwq_verifier_long_ms, long_ms);
	scn_teardown(&s); /* drains: the routine has returned */
	if (item)
		IoFreeWorkItem(item);
	snprintf(frame, sizeof(frame), "%s+", name);
	snprintf(named, sizeof(named), "(routine %s", name);
	ntwq_scn_put(r, "reported_while_running", l->reported_before_release);
	ntwq_scn_put(r, "released_by_scenario", atomic_read(&l->released));
	ntwq_scn_put(r, "diag_long_running", diag_delta(&s, NTWQ_DIAG_LONG_RUNNING));
	ntwq_scn_put(r, "report_names_routine",
		     recent_has(NTWQ_DIAG_LONG_RUNNING, named, NULL));
	/* A stack line is "NTWQ_LONG_RUNNING:   <symbol>+<off>/<size>". */
	ntwq_scn_put(r, "stack_shows_routine",
		     recent_has(NTWQ_DIAG_LONG_RUNNING, "NTWQ_LONG_RUNNING:   ", frame));
	kfree(l);
	return vrf_finish(&s, r);
}

int ntwq_scn_vrf_long_running(unsigned int arg, struct ntwq_scn_result *r)
{
	return vrf_long_running(false, r);
}

int ntwq_scn_vrf_long_running_ex(unsigned int arg, struct ntwq_scn_result *r)
{
	return vrf_long_running(true, r);
}

/* ---- the quarantine ---- */

/*
 * Verifier on: a freed Io item (run once before) is poisoned and
 * quarantined; queueing, freeing or initializing it again is
 * PAGE_FAULT_IN_FREED_SPECIAL_POOL (naming the call site, and the routine
 * and the driver the quarantine kept), nothing more runs, and a write into
 * it is found when it leaves the quarantine.  The memory stays ntwq's until then, so these
 * accesses are not use-after-free for KASAN.
 */
int ntwq_scn_vrf_quarantine(unsigned int arg, struct ntwq_scn_result *r)
{
	bool was = verifier_set(true);
	unsigned int size = IoSizeofWorkItem(), i, poisoned = 1;
	PIO_WORKITEM item;
	struct scn s;

	if (vrf_begin(&s, 1)) {
		verifier_set(was);
		return -ENOMEM;
	}
	item = IoAllocateWorkItem(s.device);
	if (!item) {
		verifier_set(was);
		return scn_abort(&s);
	}
	/* Run once: the quarantine keeps its routine and driver for the reports. */
	IoQueueWorkItem(item, vrf_routine, DelayedWorkQueue, s.p);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	IoFreeWorkItem(item);
	/*
	 * The run's pin holds the memory until just after the routine has
	 * returned: the item reaches the quarantine when the last reference
	 * goes (a bounded wait; addresses are compared, nothing is read).
	 */
	for (i = 0; i < 1000 && !ntwq_verifier_quarantined(item); i++)
		usleep_range(1000, 2000);
	/* Only what is still quarantined is touched (a real free would be a UAF). */
	ntwq_scn_put(r, "quarantined", ntwq_verifier_quarantined(item));
	if (ntwq_verifier_quarantined(item)) {
		for (i = 0; i < size; i++)
			if (((u8 *)item)[i] != NTWQ_QUARANTINE_POISON)
				poisoned = 0;
		ntwq_scn_put(r, "poisoned", poisoned);
		IoQueueWorkItem(item, vrf_routine, NormalWorkQueue, s.p);
		ntwq_scn_put(r, "queue_call_site_named",
			     recent_has(NTWQ_DIAG_FREED_ITEM, "IoQueueWorkItem",
					"call site ntwq_scn_vrf_quarantine+"));
		ntwq_scn_put(r, "queue_names_routine_and_driver",
			     recent_has(NTWQ_DIAG_FREED_ITEM, "IoQueueWorkItem: work item already freed",
					"(routine vrf_routine [ntwq], driver ntwq_selftest,"));
		IoFreeWorkItem(item);
		IoInitializeWorkItem(s.device, item);
		ntwq_scn_put(r, "diag_freed_item_uses", diag_delta(&s, NTWQ_DIAG_FREED_ITEM));
		/* A stray write into freed memory, found when it leaves the quarantine. */
		((u8 *)item)[size / 2] = 0;
	}
	verifier_set(was);
	scn_teardown(&s); /* had anything been queued, this would wait for it */
	ntwq_verifier_drain_quarantine();
	ntwq_scn_put(r, "diag_freed_item", diag_delta(&s, NTWQ_DIAG_FREED_ITEM));
	ntwq_scn_put(r, "write_after_free_found",
		     recent_has(NTWQ_DIAG_FREED_ITEM, "written after its free", NULL));
	return vrf_finish(&s, r);
}
