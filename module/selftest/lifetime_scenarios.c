// SPDX-License-Identifier: GPL-2.0
/*
 * lifetime_scenarios.c - the driver object's and the Io item's checked
 * states under misuse and races (issue 19's second review): a driver
 * deleted twice, from its own routine or above PASSIVE_LEVEL; an item
 * initialised twice, or initialised from an allocated handle; an
 * uninitialize racing a queue call; a retire at PASSIVE_LEVEL of an item
 * a worker holds; a late IoFreeWorkItem racing NtwqDeleteDriver's reclaim.
 *
 * Calls that hung or crashed on a defective core run in helper threads
 * with bounded waits (bounded_call()), so such a core fails the values
 * instead of hanging the run.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <ntwq/wdm.h>
#include "../core/internal.h"
#include "common.h"
#include "scenarios.h"

/* ---- a call in a helper thread, waited for with a bound ---- */

struct bounded_call {
	struct completion done;
	void (*fn)(void *arg);
	void *arg;
};

static int bounded_call_thread(void *data)
{
	struct bounded_call *c = data;

	c->fn(c->arg);
	kthread_complete_and_exit(&c->done, 0);
}

/*
 * Runs @fn(@arg) in a new thread and waits up to @wait for it.  Returns 1
 * if it returned in time, 0 if not (then the thread still owns @c, which
 * the caller must leave allocated), -ENOMEM if no thread could be made.
 */
static int bounded_call(struct bounded_call *c, void (*fn)(void *), void *arg,
			unsigned long wait)
{
	struct task_struct *t;

	init_completion(&c->done);
	c->fn = fn;
	c->arg = arg;
	t = kthread_run(bounded_call_thread, c, "ntwq_scn_call");
	if (IS_ERR(t))
		return -ENOMEM;
	return wait_for_completion_timeout(&c->done, wait) > 0;
}

static void call_delete_driver(void *arg)
{
	NtwqDeleteDriver(arg);
}

static void life_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct probe *p = Context;

	probe_enter(p, IoObject, Context, IoWorkItem);
	probe_leave(p);
}

/* ---- the driver object ---- */

/*
 * NtwqDeleteDriver twice on a driver object still referenced
 * (ObReferenceObject): the second call is NTWQ_DELETE_REFUSED and returns
 * at once (a defective core waited forever for a completion the first call
 * consumed); IoCreateDevice on the deleted driver is refused with
 * STATUS_DELETE_PENDING and NTWQ_DRIVER_DELETED; the memory goes with the
 * last reference.
 */
int ntwq_scn_io_delete_driver_twice(unsigned int arg, struct ntwq_scn_result *r)
{
	struct bounded_call *c = kzalloc(sizeof(*c), GFP_KERNEL);
	PDEVICE_OBJECT device = NULL;
	PDRIVER_OBJECT driver;
	NTSTATUS status;
	struct scn s;
	int done;

	if (!c || scn_setup(&s, 0)) {
		kfree(c);
		return -ENOMEM;
	}
	driver = s.driver;
	ObReferenceObject(driver);
	scn_teardown(&s);		/* the first delete */
	ntwq_scn_put(r, "refs_after_first", ntwq_object_refs(driver));
	done = bounded_call(c, call_delete_driver, driver, WAIT_JIFFIES);
	if (done < 0) {
		ObDereferenceObject(driver);
		kfree(c);
		return -ENOMEM;
	}
	ntwq_scn_put(r, "second_returned", done);
	if (!done)
		return 0; /* the hung thread still uses c and the driver: leave both */
	status = IoCreateDevice(driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
	ntwq_scn_put(r, "create_status_delete_pending", status == STATUS_DELETE_PENDING);
	ntwq_scn_put(r, "create_left_null", device == NULL);
	if (NT_SUCCESS(status) && device)
		IoDeleteDevice(device);
	ObDereferenceObject(driver);	/* the last reference: freed */
	kfree(c);
	ntwq_scn_put(r, "diag_delete_refused", diag_delta(&s, NTWQ_DIAG_DELETE_REFUSED));
	ntwq_scn_put(r, "diag_driver_deleted", diag_delta(&s, NTWQ_DIAG_DRIVER_GONE));
	return scn_finish(&s, r);
}

struct self_delete {
	struct probe *p;
	PDRIVER_OBJECT driver;
	struct completion returned;
};

/* Deletes its own driver from inside its routine, then says it returned. */
static void self_delete_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct self_delete *d = Context;

	probe_enter(d->p, IoObject, d->p, IoWorkItem);
	NtwqDeleteDriver(d->driver);
	complete(&d->returned);
	probe_leave(d->p);
}

static void teardown_scn(void *arg)
{
	scn_teardown(arg);
}

/*
 * A routine calls NtwqDeleteDriver on its own driver: the delete would
 * wait for the routine that calls it.  NTWQ_DELETE_REFUSED, it returns at
 * once and changes nothing: the driver is deleted normally afterwards (a
 * defective core hung in the routine and then in the teardown).
 */
int ntwq_scn_io_delete_driver_in_routine(unsigned int arg, struct ntwq_scn_result *r)
{
	struct bounded_call *c = kzalloc(sizeof(*c), GFP_KERNEL);
	struct self_delete *d = kzalloc(sizeof(*d), GFP_KERNEL);
	struct scn *s = kzalloc(sizeof(*s), GFP_KERNEL);
	PIO_WORKITEM item;
	int torn;

	if (!c || !d || !s || scn_begin(s, 1, 0)) {
		kfree(c);
		kfree(d);
		kfree(s);
		return -ENOMEM;
	}
	d->p = s->p;
	d->driver = s->driver;
	init_completion(&d->returned);
	if (scn_alloc_items(s, &item, 1)) {
		kfree(c);
		kfree(d);
		scn_abort(s);
		kfree(s);
		return -ENOMEM;
	}
	IoQueueWorkItemEx(item, self_delete_routine, DelayedWorkQueue, d);
	ntwq_scn_put(r, "returned_in_routine",
		     wait_for_completion_timeout(&d->returned, WAIT_JIFFIES) > 0);
	ntwq_scn_put(r, "completed", wait_for_completion_timeout(&d->p->done, WAIT_JIFFIES) > 0);
	/* The driver is still live: the item frees, the driver deletes. */
	IoFreeWorkItem(item);
	torn = bounded_call(c, teardown_scn, s, WAIT_JIFFIES);
	if (torn < 0) {
		/* No thread (an injected allocation failure): tear down here. */
		scn_teardown(s);
		torn = 1;
	}
	ntwq_scn_put(r, "teardown_returned", torn > 0);
	if (!torn)
		return 0; /* a hung thread still uses c, d and s: leave them */
	ntwq_scn_put(r, "diag_delete_refused", diag_delta(s, NTWQ_DIAG_DELETE_REFUSED));
	scn_finish(s, r);
	kfree(c);
	kfree(d);
	kfree(s);
	return 0;
}

static DEFINE_SPINLOCK(raised_lock);

static void delete_driver_raised(void *arg)
{
	spin_lock(&raised_lock);
	NtwqDeleteDriver(arg);
	spin_unlock(&raised_lock);
}

/*
 * NtwqDeleteDriver with a spinlock held (DISPATCH_LEVEL): it would sleep.
 * NTWQ_DELETE_REFUSED, it returns and changes nothing; the driver is then
 * deleted normally.
 */
int ntwq_scn_io_delete_driver_raised(unsigned int arg, struct ntwq_scn_result *r)
{
	struct bounded_call *c = kzalloc(sizeof(*c), GFP_KERNEL);
	PDEVICE_OBJECT device = NULL;
	struct scn s;
	int done;

	if (!c || scn_setup(&s, 0)) {
		kfree(c);
		return -ENOMEM;
	}
	done = bounded_call(c, delete_driver_raised, s.driver, WAIT_JIFFIES);
	if (done < 0) {
		kfree(c);
		return scn_abort(&s);
	}
	ntwq_scn_put(r, "raised_returned", done);
	if (!done)
		return 0; /* the thread still holds c and the driver */
	kfree(c);
	/* Still live: a device can be created under it. */
	ntwq_scn_put(r, "still_live",
		     NT_SUCCESS(IoCreateDevice(s.driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE,
					       &device)));
	if (device)
		IoDeleteDevice(device);
	scn_teardown(&s);
	ntwq_scn_put(r, "diag_delete_refused", diag_delta(&s, NTWQ_DIAG_DELETE_REFUSED));
	return scn_finish(&s, r);
}

/* ---- IoInitializeWorkItem ---- */

/* Waits (bounded) for @object's references to come back to @want. */
static void refs_settle(void *object, long want)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(1000);

	while (ntwq_object_refs(object) != want && time_before(jiffies, deadline))
		usleep_range(1000, 2000);
}

/*
 * IoInitializeWorkItem twice on the same idle caller storage, then one
 * IoUninitializeWorkItem: the device's reference count is back where it
 * was (a defective core kept one reference per initialisation: the device
 * and its driver were never freed), and the item works in between.
 */
int ntwq_scn_io_init_twice(unsigned int arg, struct ntwq_scn_result *r)
{
	PIO_WORKITEM item = kzalloc(IoSizeofWorkItem(), GFP_KERNEL);
	struct scn s;
	long before;

	if (!item || scn_begin(&s, 1, 0)) {
		kfree(item);
		return -ENOMEM;
	}
	before = ntwq_object_refs(s.device);
	IoInitializeWorkItem(s.device, item);
	IoInitializeWorkItem(s.device, item);
	ntwq_scn_put(r, "refs_while_initialized", ntwq_object_refs(s.device) - before);
	IoQueueWorkItemEx(item, life_routine, DelayedWorkQueue, s.p);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	IoUninitializeWorkItem(item);
	/* The run's pin is released just after the routine returns. */
	refs_settle(s.device, before);
	ntwq_scn_put(r, "refs_delta", ntwq_object_refs(s.device) - before);
	kfree(item);
	return scn_finish(&s, r);
}

/*
 * IoInitializeWorkItem on a handle from IoAllocateWorkItem, in verifier
 * mode: INVALID_WORK_QUEUE_ITEM, refused; the allocated item stays what it
 * was (it queues, runs and frees; its driver's tracking list is intact).
 */
int ntwq_scn_io_init_allocated(unsigned int arg, struct ntwq_scn_result *r)
{
	long tracked_before = ntwq_verifier_tracked_items();
	bool was = READ_ONCE(ntwq_verifier);
	PIO_WORKITEM item;
	struct scn s;

	ntwq_verifier_drain_quarantine();
	WRITE_ONCE(ntwq_verifier, true);
	if (scn_begin(&s, 1, 0)) {
		WRITE_ONCE(ntwq_verifier, was);
		return -ENOMEM;
	}
	item = IoAllocateWorkItem(s.device);
	if (!item) {
		WRITE_ONCE(ntwq_verifier, was);
		return scn_abort(&s);
	}
	IoInitializeWorkItem(s.device, item);
	IoQueueWorkItemEx(item, life_routine, DelayedWorkQueue, s.p);
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	IoFreeWorkItem(item);
	ntwq_scn_put(r, "tracked_delta", ntwq_verifier_tracked_items() - tracked_before);
	WRITE_ONCE(ntwq_verifier, was);
	scn_teardown(&s);
	ntwq_verifier_drain_quarantine();
	ntwq_scn_put(r, "diag_invalid_item", diag_delta(&s, NTWQ_DIAG_INVALID_ITEM));
	ntwq_scn_put(r, "diag_items_left", diag_delta(&s, NTWQ_DIAG_ITEMS_LEFT));
	return scn_finish(&s, r);
}

/* ---- IoUninitializeWorkItem racing IoQueueWorkItem ---- */

struct uninit_race {
	PIO_WORKITEM item;
	struct probe *p;
	unsigned int rounds;
	atomic_t round;		/* the round the queuer may start */
	atomic_t queued;	/* rounds the queuer has finished */
	atomic_t stop;
	struct completion exited;
};

static int uninit_race_queuer(void *data)
{
	struct uninit_race *u = data;
	unsigned int i;

	for (i = 1; i <= u->rounds && !atomic_read(&u->stop); i++) {
		unsigned long deadline = jiffies + WAIT_JIFFIES;

		while (atomic_read_acquire(&u->round) < i && !atomic_read(&u->stop)) {
			if (time_after(jiffies, deadline)) {
				atomic_set(&u->stop, 1);
				break;
			}
			cond_resched();
		}
		if (atomic_read(&u->stop))
			break;
		IoQueueWorkItemEx(u->item, life_routine, DelayedWorkQueue, u->p);
		atomic_set_release(&u->queued, i);
	}
	kthread_complete_and_exit(&u->exited, 0);
}

/* The diagnostics a round of the race may cause, whoever reports them. */
static long long race_diag_count(void)
{
	return ntwq_diag_count(NTWQ_DIAG_FREE_QUEUED) + ntwq_diag_count(NTWQ_DIAG_INVALID_ITEM) +
	       ntwq_diag_count(NTWQ_DIAG_QUEUE_QUEUED);
}

/*
 * IoUninitializeWorkItem racing IoQueueWorkItemEx on the same caller
 * storage from two CPUs, @arg rounds (default 3000), the uninitialize at
 * PASSIVE_LEVEL in even rounds and with interrupts off in odd ones.  The
 * storage is re-initialised every round.  Every round ends, and afterwards
 * the same storage, initialised and queued normally, runs its routine (a
 * defective core lost the run when the retire's cancel_work() took
 * PENDING between the queuer's publish and its queue_work(), and refused
 * every later initialisation).  One misuse, one diagnostic: no round is
 * reported by both sides (the retire of an item being queued was reported
 * by the retire and again by the queuer's failed publish).
 */
int ntwq_scn_io_uninit_queue_race(unsigned int arg, struct ntwq_scn_result *r)
{
	struct uninit_race *u = kzalloc(sizeof(*u), GFP_KERNEL);
	PIO_WORKITEM item = kzalloc(IoSizeofWorkItem(), GFP_KERNEL);
	struct probe *after = probe_new(1);
	struct task_struct *t;
	unsigned long deadline;
	unsigned int i, cpu;
	unsigned int reported_twice = 0;
	struct scn s;
	bool stuck = false;

	if (!u || !item || !after || scn_begin(&s, 1 << 30, 0)) {
		kfree(u);
		kfree(item);
		kfree(after);
		return -ENOMEM;
	}
	u->item = item;
	u->p = s.p;
	u->rounds = arg ? arg : 3000;
	init_completion(&u->exited);
	t = kthread_create(uninit_race_queuer, u, "ntwq_scn_queuer");
	if (IS_ERR(t)) {
		kfree(u);
		kfree(item);
		kfree(after);
		return scn_abort(&s);
	}
	cpu = cpumask_next(raw_smp_processor_id(), cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	kthread_bind(t, cpu);
	wake_up_process(t);

	for (i = 1; i <= u->rounds; i++) {
		long long diags_before = race_diag_count();
		unsigned long flags;

		IoInitializeWorkItem(s.device, item);
		atomic_set_release(&u->round, i);
		ndelay((i * 37) % 700);
		if (i & 1) {
			local_irq_save(flags);
			IoUninitializeWorkItem(item);
			local_irq_restore(flags);
		} else {
			IoUninitializeWorkItem(item);
		}
		deadline = jiffies + WAIT_JIFFIES;
		while (atomic_read_acquire(&u->queued) < i && !atomic_read(&u->stop)) {
			if (time_after(jiffies, deadline)) {
				atomic_set(&u->stop, 1);
				break;
			}
			cond_resched();
		}
		if (atomic_read(&u->stop)) {
			stuck = true;
			break;
		}
		/* Both sides are done with round i: its diagnostics are in. */
		if (race_diag_count() - diags_before > 1)
			reported_twice++;
	}
	atomic_set(&u->stop, 1);
	wait_for_completion(&u->exited);
	ntwq_scn_put(r, "rounds_done", !stuck);
	ntwq_scn_put(r, "rounds_reported_twice", reported_twice);

	/* The storage works as new. */
	IoInitializeWorkItem(s.device, item);
	IoQueueWorkItemEx(item, life_routine, DelayedWorkQueue, after);
	ntwq_scn_put(r, "ran_after", wait_for_completion_timeout(&after->done, WAIT_JIFFIES) > 0);
	IoUninitializeWorkItem(item);
	scn_teardown(&s);
	kfree(item);
	kfree(after);
	kfree(u);
	/*
	 * Diagnostics vary with the interleaving: reported, not checked here
	 * (the stress adds them up: scripts/guest-stress.sh).
	 */
	ntwq_scn_put(r, "race_diags", diag_delta(&s, NTWQ_DIAG_FREE_QUEUED) +
				      diag_delta(&s, NTWQ_DIAG_INVALID_ITEM) +
				      diag_delta(&s, NTWQ_DIAG_QUEUE_QUEUED));
	return scn_finish(&s, r);
}

/* ---- a retire at PASSIVE_LEVEL while a dispatcher is starting ---- */

static struct {
	const void *item;
	struct completion reached, go;
} held;

static void held_hook(const void *item)
{
	if (item != READ_ONCE(held.item))
		return;
	complete(&held.reached);
	wait_for_completion_timeout(&held.go, WAIT_JIFFIES);
}

static void call_uninitialize(void *arg)
{
	IoUninitializeWorkItem(arg);
}

/*
 * IoUninitializeWorkItem at PASSIVE_LEVEL of a caller-storage item whose
 * dispatcher has started (held before it takes its FIFO's lock): the call
 * returns at once, without waiting for that dispatcher, because the item
 * leaves its FIFO only under the lock (the retire unlinks it), and the
 * routine never runs.  (The core before the dispatch engine had to wait
 * there: the kernel's workqueue code read the item's work_struct between
 * taking it and calling ntwq.)
 */
int ntwq_scn_io_uninit_dispatcher_starting(unsigned int arg, struct ntwq_scn_result *r)
{
	struct bounded_call *c = kzalloc(sizeof(*c), GFP_KERNEL);
	PIO_WORKITEM item = kzalloc(IoSizeofWorkItem(), GFP_KERNEL);
	struct scn s;
	int started;

	if (!c || !item || scn_begin(&s, 1, 0)) {
		kfree(c);
		kfree(item);
		return -ENOMEM;
	}
	init_completion(&held.reached);
	init_completion(&held.go);
	WRITE_ONCE(held.item, item);
	ntwq_set_dispatch_hook(held_hook);
	IoInitializeWorkItem(s.device, item);
	IoQueueWorkItemEx(item, life_routine, DelayedWorkQueue, s.p);
	ntwq_scn_put(r, "worker_took_it",
		     wait_for_completion_timeout(&held.reached, WAIT_JIFFIES) > 0);
	started = bounded_call(c, call_uninitialize, item, msecs_to_jiffies(300));
	ntwq_scn_put(r, "returned_while_held", started > 0);
	complete(&held.go);
	if (started == 0) {
		started = wait_for_completion_timeout(&c->done, WAIT_JIFFIES) > 0;
	} else if (started < 0) {
		/* No thread (an injected allocation failure): uninitialize here. */
		IoUninitializeWorkItem(item);
		started = 1;
	}
	ntwq_scn_put(r, "returned", started > 0);
	ntwq_set_dispatch_hook(NULL);
	WRITE_ONCE(held.item, NULL);
	if (started > 0) {
		kfree(c);
		kfree(item);
	}
	scn_teardown(&s);
	ntwq_scn_put(r, "diag_free_queued", diag_delta(&s, NTWQ_DIAG_FREE_QUEUED));
	return scn_finish(&s, r);
}

/* ---- verifier: a late IoFreeWorkItem racing NtwqDeleteDriver's reclaim ---- */

#define RECLAIM_ITEMS 16

struct late_free {
	PIO_WORKITEM items[RECLAIM_ITEMS];
	atomic_t go;
	struct completion exited;
};

static int late_free_thread(void *data)
{
	struct late_free *f = data;
	unsigned long deadline = jiffies + WAIT_JIFFIES;
	int i;

	while (!atomic_read_acquire(&f->go) && time_before(jiffies, deadline))
		cond_resched();
	for (i = RECLAIM_ITEMS - 1; i >= 0; i--)
		IoFreeWorkItem(f->items[i]);
	kthread_complete_and_exit(&f->exited, 0);
}

/*
 * Verifier mode, @arg rounds (default 200): a driver leaves
 * RECLAIM_ITEMS allocated items, and while NtwqDeleteDriver reclaims them
 * (from the front) another CPU frees them (from the back).  Each item is
 * freed exactly once: every item the reclaim reported (ITEMS_LEFT) is one
 * whose late free was a diagnostic (the quarantine's FREED_ITEM, or
 * INVALID_WORK_QUEUE_ITEM in the moment before it reaches the
 * quarantine), nothing stays tracked, nothing leaks.  (A defective core
 * retired outside the lock that unlinks: a late free could read a
 * poisoned state and index past its transition table.)
 */
int ntwq_scn_vrf_free_during_reclaim(unsigned int arg, struct ntwq_scn_result *r)
{
	unsigned int rounds = arg ? arg : 200, i, j, cpu;
	long tracked_before = ntwq_verifier_tracked_items();
	bool was = READ_ONCE(ntwq_verifier);
	struct late_free *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct scn total;
	long long reported = 0, refused = 0;
	int complete_rounds = 0;

	if (!f)
		return -ENOMEM;
	ntwq_verifier_drain_quarantine();
	scn_snapshot(&total);
	WRITE_ONCE(ntwq_verifier, true);
	for (i = 0; i < rounds; i++) {
		struct task_struct *t;
		struct scn s;

		if (scn_setup(&s, 0))
			break;
		for (j = 0; j < RECLAIM_ITEMS; j++)
			f->items[j] = IoAllocateWorkItem(s.device);
		for (j = 0; j < RECLAIM_ITEMS && f->items[j]; j++)
			;
		if (j < RECLAIM_ITEMS) {
			while (j--)
				IoFreeWorkItem(f->items[j]);
			scn_teardown(&s);
			break;
		}
		atomic_set(&f->go, 0);
		init_completion(&f->exited);
		t = kthread_create(late_free_thread, f, "ntwq_scn_free");
		if (IS_ERR(t)) {
			for (j = 0; j < RECLAIM_ITEMS; j++)
				IoFreeWorkItem(f->items[j]);
			scn_teardown(&s);
			break;
		}
		cpu = cpumask_next(raw_smp_processor_id(), cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		kthread_bind(t, cpu);
		wake_up_process(t);
		atomic_set_release(&f->go, 1);
		ndelay((i * 53) % 2000);
		scn_teardown(&s);	/* NtwqDeleteDriver: the reclaim */
		wait_for_completion(&f->exited);
		reported += diag_delta(&s, NTWQ_DIAG_ITEMS_LEFT);
		refused += diag_delta(&s, NTWQ_DIAG_FREED_ITEM) +
			   diag_delta(&s, NTWQ_DIAG_INVALID_ITEM);
		complete_rounds++;
		/* The quarantine holds 64: keep it from recycling mid-round. */
		ntwq_verifier_drain_quarantine();
	}
	WRITE_ONCE(ntwq_verifier, was);
	ntwq_verifier_drain_quarantine();
	kfree(f);
	ntwq_scn_put(r, "rounds_done", complete_rounds == rounds);
	ntwq_scn_put(r, "each_freed_once", reported == refused);
	ntwq_scn_put(r, "tracked_delta", ntwq_verifier_tracked_items() - tracked_before);
	scn_put_common(&total, r);
	return 0;
}

/* ---- one item queued from every CPU at once: never beside itself ---- */

struct all_cpus {
	struct probe *p;	/* target: rounds */
	PIO_WORKITEM io;	/* the Io variant's item, or NULL */
	WORK_QUEUE_ITEM ex;	/* the executive variant's */
	unsigned int rounds;
	atomic_t armed;		/* 1: the next queue call may go (set by each run) */
	atomic_t queued;	/* queue calls made */
	atomic_t stop;
	atomic_t threads;	/* still running */
	atomic_t next_turn;	/* hands out the threads' turns: 0, 1, ... */
	unsigned int nthreads;	/* threads started: 0 until all are */
	struct completion exited;
	atomic_t *per_cpu;	/* queue calls made from each CPU */
};

static void all_cpus_pass(struct all_cpus *a, void *object)
{
	probe_enter(a->p, object, a, a->io);
	/*
	 * Let the next queue call go while this run goes on: it comes from
	 * whichever CPU wins, so the item is queued onto another CPU's FIFO
	 * while it runs here, and that CPU's dispatcher must not start it.
	 */
	atomic_set_release(&a->armed, 1);
	udelay(100);
	probe_leave(a->p);
}

static void all_cpus_io_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	all_cpus_pass(Context, IoObject);
}

static void all_cpus_ex_routine(PVOID Parameter)
{
	all_cpus_pass(Parameter, NULL);
}

static int all_cpus_thread(void *data)
{
	struct all_cpus *a = data;
	unsigned int cpu = raw_smp_processor_id();
	unsigned int turn = atomic_inc_return(&a->next_turn) - 1;
	unsigned long deadline = jiffies + BARRIER_JIFFIES;

	while (!atomic_read(&a->stop) && atomic_read(&a->queued) < a->rounds) {
		/*
		 * The threads take turns (call k comes from thread k mod n), so
		 * every call comes from another CPU than the last one even when
		 * the host starves one vCPU, and the pass it follows may still be
		 * running there.
		 */
		unsigned int n = smp_load_acquire(&a->nthreads);

		if (time_after(jiffies, deadline))
			break;
		if (!n || atomic_read(&a->queued) % n != turn ||
		    atomic_cmpxchg(&a->armed, 1, 0) != 1) {
			cond_resched();
			continue;
		}
		if (atomic_inc_return(&a->queued) > a->rounds)
			break;
		atomic_inc(&a->per_cpu[cpu]);
		if (a->io)
			IoQueueWorkItemEx(a->io, all_cpus_io_routine, DelayedWorkQueue, a);
		else
			ExQueueWorkItem(&a->ex, DelayedWorkQueue);
	}
	if (atomic_dec_and_test(&a->threads))
		complete(&a->exited);
	return 0;
}

/*
 * One item (Io, or executive with @ex) queued from a thread on every
 * online CPU, @arg rounds (default 400): the threads take turns, each
 * call coming while the previous pass may still be running on another
 * CPU.  The passes never overlap (max_concurrent 1), every call runs once,
 * and every CPU queued at least once (the threads once raced for each
 * call instead, and on a host starving one vCPU the other CPU made all
 * 400: seen once on the debug kernel with two VMs sharing 2 cores).
 */
static int all_cpus_scenario(unsigned int arg, struct ntwq_scn_result *r, bool ex)
{
	struct all_cpus *a = kzalloc(sizeof(*a), GFP_KERNEL);
	unsigned int cpu, cpus = 0, queued_from = 0, started = 0;
	struct scn s;
	int ok;

	if (a)
		a->per_cpu = kcalloc(nr_cpu_ids, sizeof(*a->per_cpu), GFP_KERNEL);
	if (!a || !a->per_cpu) {
		if (a)
			kfree(a->per_cpu);
		kfree(a);
		return -ENOMEM;
	}
	a->rounds = arg ? arg : 400;
	if (scn_begin(&s, a->rounds, 0)) {
		kfree(a->per_cpu);
		kfree(a);
		return -ENOMEM;
	}
	a->p = s.p;
	if (!ex && scn_alloc_items(&s, &a->io, 1)) {
		kfree(a->per_cpu);
		kfree(a);
		return scn_abort(&s);
	}
	ExInitializeWorkItem(&a->ex, all_cpus_ex_routine, a);
	init_completion(&a->exited);
	atomic_set(&a->armed, 1);
	atomic_set(&a->threads, 1); /* ours, dropped once all are started */
	for_each_online_cpu(cpu) {
		struct task_struct *t = kthread_create(all_cpus_thread, a, "ntwq_scn_all%u", cpu);

		cpus++;
		if (IS_ERR(t))
			continue;
		kthread_bind(t, cpu);
		atomic_inc(&a->threads);
		wake_up_process(t);
		started++;
	}
	smp_store_release(&a->nthreads, started); /* the turns may begin */
	if (atomic_dec_and_test(&a->threads))
		complete(&a->exited);
	ok = wait_for_completion_timeout(&a->exited, BARRIER_JIFFIES) > 0;
	if (!ok)
		atomic_set(&a->stop, 1); /* the threads end within their own deadline */
	ntwq_scn_put(r, "completed", probe_wait(s.p, &s.p->done));
	if (!ok)
		wait_for_completion(&a->exited);
	for_each_online_cpu(cpu)
		if (atomic_read(&a->per_cpu[cpu]))
			queued_from++;
	ntwq_scn_put(r, "threads_started_all", started == cpus);
	ntwq_scn_put(r, "queued_from_every_cpu", queued_from == cpus);
	ntwq_scn_put(r, "max_concurrent", atomic_read(&s.p->max_running));
	scn_teardown(&s);
	if (a->io)
		IoFreeWorkItem(a->io);
	kfree(a->per_cpu);
	kfree(a);
	return scn_finish(&s, r);
}

int ntwq_scn_io_requeue_all_cpus(unsigned int arg, struct ntwq_scn_result *r)
{
	return all_cpus_scenario(arg, r, false);
}

int ntwq_scn_ex_requeue_all_cpus(unsigned int arg, struct ntwq_scn_result *r)
{
	return all_cpus_scenario(arg, r, true);
}

/* ---- NtwqDeleteDriver closing the work count while another CPU queues ---- */

struct close_race {
	struct scn s;		/* heap: a hung teardown thread keeps using it */
	struct scn_bounded b;
	PIO_WORKITEM item;
	atomic_t in_flight;	/* the item is queued or its routine runs */
	atomic_t accepted;	/* queue calls that were not refused */
	atomic_t refused;	/* refused: NTWQ_DRIVER_DELETED */
	atomic_t runs;
	atomic_t late_runs;	/* runs that began after NtwqDeleteDriver returned */
	atomic_t deleted;	/* NtwqDeleteDriver has returned */
	atomic_t stop;
	struct completion exited;
};

static void close_race_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	struct close_race *c = Context;

	if (atomic_read_acquire(&c->deleted))
		atomic_inc(&c->late_runs);
	atomic_inc(&c->runs);
	udelay(20);
	atomic_set_release(&c->in_flight, 0);
}

static int close_race_queuer(void *data)
{
	struct close_race *c = data;

	/* Three refusals: the delete has closed the count. */
	while (!atomic_read(&c->stop) && atomic_read(&c->refused) < 3) {
		unsigned long deadline = jiffies + WAIT_JIFFIES;
		unsigned long long gone;

		while (atomic_read_acquire(&c->in_flight) && !atomic_read(&c->stop)) {
			if (time_after(jiffies, deadline))
				atomic_set(&c->stop, 1);
			cond_resched();
		}
		if (atomic_read(&c->stop))
			break;
		atomic_set(&c->in_flight, 1);
		gone = ntwq_diag_count(NTWQ_DIAG_DRIVER_GONE);
		IoQueueWorkItem(c->item, close_race_routine, DelayedWorkQueue, c);
		if (ntwq_diag_count(NTWQ_DIAG_DRIVER_GONE) != gone) {
			atomic_set(&c->in_flight, 0);
			atomic_inc(&c->refused);
		} else {
			atomic_inc(&c->accepted);
		}
	}
	kthread_complete_and_exit(&c->exited, 0);
}

/*
 * NtwqDeleteDriver while a thread on another CPU queues the driver's item
 * back to back (@arg runs first, default 200): the delete closes the
 * driver's work count (a flag and a grace period, bridge/count.c), so each
 * queue call is either refused (NTWQ_DRIVER_DELETED, nothing runs) or
 * counted, and then its run ends before the delete returns.  Nothing is
 * lost (runs == accepted calls), nothing runs late, and the delete returns
 * (a count never put would hang it: the teardown is bounded).
 */
int ntwq_scn_io_delete_driver_queue_race(unsigned int arg, struct ntwq_scn_result *r)
{
	struct close_race *c = kzalloc(sizeof(*c), GFP_KERNEL);
	PIO_WORKITEM item = kzalloc(IoSizeofWorkItem(), GFP_KERNEL);
	int before = arg ? arg : 200;
	unsigned long deadline;
	struct task_struct *t;
	unsigned int cpu;
	bool returned;

	if (!c || !item || scn_begin(&c->s, 1 << 30, 0)) {
		kfree(c);
		kfree(item);
		return -ENOMEM;
	}
	c->item = item;
	init_completion(&c->exited);
	if (scn_bounded_prepare(&c->b, &c->s))
		goto abort;
	IoInitializeWorkItem(c->s.device, item);
	t = kthread_create(close_race_queuer, c, "ntwq_scn_queuer");
	if (IS_ERR(t)) {
		IoUninitializeWorkItem(item);
		scn_bounded_teardown(&c->b, NULL, NULL); /* nothing queued: returns */
		goto abort;
	}
	cpu = cpumask_next(raw_smp_processor_id(), cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	kthread_bind(t, cpu);
	wake_up_process(t);

	deadline = jiffies + WAIT_JIFFIES;
	while (atomic_read(&c->runs) < before && time_before(jiffies, deadline))
		cond_resched();
	ntwq_scn_put(r, "ran_before_delete", atomic_read(&c->runs) >= before);

	returned = scn_bounded_teardown(&c->b, NULL, NULL);
	atomic_set_release(&c->deleted, 1);
	ntwq_scn_put(r, "delete_returned", returned);
	if (!returned) {
		/* The hung teardown still uses c and the item: leaked, reported. */
		atomic_set(&c->stop, 1);
		return 0;
	}
	if (!wait_for_completion_timeout(&c->exited, WAIT_JIFFIES)) {
		atomic_set(&c->stop, 1);
		wait_for_completion(&c->exited);
	}
	ntwq_scn_put(r, "refused_after_delete", atomic_read(&c->refused) >= 3);
	ntwq_scn_put(r, "lost_runs", atomic_read(&c->accepted) - atomic_read(&c->runs));
	ntwq_scn_put(r, "late_runs", atomic_read(&c->late_runs));
	ntwq_scn_put(r, "refusals_reported", diag_delta(&c->s, NTWQ_DIAG_DRIVER_GONE) ==
					     atomic_read(&c->refused));
	IoUninitializeWorkItem(item);
	kfree(item);
	scn_finish(&c->s, r);
	kfree(c);
	return 0;

abort:
	kfree(item);
	scn_abort(&c->s);
	kfree(c);
	return -ENOMEM;
}
