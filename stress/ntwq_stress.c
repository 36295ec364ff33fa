// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_stress.c - many threads driving every work-item family at once, and
 * counting that every accepted queue call ran exactly once.
 *
 * A client of the public API only (<ntwq/wdm.h>, <ntwq/wdf.h>), written as
 * a ported driver would use it.  Loading the module runs the whole stress in
 * module_init and prints one line (scripts/guest-init.sh, mode stress, and
 * scripts/report.py read it):
 *
 *	ntwq_stress: result ops=N threads=T thread_ops=O requeues=Q
 *	accepted=A runs=R io=a/r ex=a/r wdf=a/r coalesced=C atomic=X devices=D
 *	flushes=F deletes=L frees=E refused=U wdf_items=c/d
 *	overlaps=io:0,ex:0,wdf:0 errors=0 ok
 *
 * or the same ending in "FAIL <first reason>".
 *
 * `threads` kthreads make operations until `ops` have been made in all
 * (their own and the routines' re-queues), each chosen at random (seeded:
 * a run can be repeated) over the thread's own 16 slots, each slot
 * one work item of one kind: an allocated IO_WORKITEM, one in caller storage
 * (IoInitializeWorkItem), a WORK_QUEUE_ITEM, a KMDF work item.  Operations:
 *	queue     create the item if needed and queue it once; the run may
 *	          queue it again from its routine (a chain of up to 3 more),
 *	          on another queue type; the last run of a chain may free,
 *	          uninitialize or delete its own item; a quarter of the calls
 *	          are made with a spinlock held (interrupts off) or bottom
 *	          halves disabled, i.e. at DISPATCH_LEVEL;
 *	flush     WdfWorkItemFlush, preferably of an item in a chain: on
 *	          return the chain must have ended;
 *	delete    WdfObjectDelete of an idle item, of a pending one (its
 *	          callback must have run on return), or at DISPATCH_LEVEL
 *	          (finished later at PASSIVE_LEVEL by ntwq);
 *	free      IoFreeWorkItem / IoUninitializeWorkItem, at either level;
 *	devices   IoDeleteDevice of the thread's device with work items still
 *	          pending on it, its WDFDEVICE deleted with callbacks pending,
 *	          and new ones created.
 *
 * What is counted.  A queue call is accepted when the API says it runs the
 * routine once: every Io/Ex queue call made here is valid (the stress never
 * queues an item that may still be queued; IoTryQueueWorkItem must return
 * TRUE), and a KMDF enqueue is made only on an item that is not pending.
 * The one documented coalescing, a KMDF enqueue of an item already pending,
 * is made deterministically: a callback enqueues its own item twice; the
 * item cannot start again before the callback returns, so the second call
 * coalesces (counted in `coalesced`, not in `accepted`).  Every routine
 * counts its run; once all work is over, accepted must equal runs for each
 * family.  Refused calls are only allocations that fail at DISPATCH_LEVEL
 * (IoAllocateWorkItem returns NULL, WdfWorkItemCreate a failure status),
 * which the API documents.  Routines also check what they are given (device,
 * context, item), the IRQL, and that no item runs beside itself; KMDF
 * destroy callbacks are counted against creations.  A run that starts while
 * the same item's previous run is still in its routine is counted in
 * `overlaps` and is an error for the families in overlap_check (SPEC: the
 * same item never runs concurrently with itself).
 *
 * Waits are bounded (a chain that does not end within STUCK_SECONDS is a
 * failure).  The module does nothing at unload: all its work is over when
 * its init returns.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <ntwq/wdf.h>

static unsigned long ops = 100000;
module_param(ops, ulong, 0444);
MODULE_PARM_DESC(ops, "operations in all, shared by the threads (default 100000)");
static unsigned int threads = 4;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "kthreads making operations at once (default 4, 1..64)");
static unsigned int seed = 1;
module_param(seed, uint, 0444);
MODULE_PARM_DESC(seed, "seed of the operation mix (default 1)");
static bool retype = true;
module_param(retype, bool, 0444);
MODULE_PARM_DESC(retype, "routines re-queue their item on another queue type (default Y)");
static unsigned int overlap_check = 7;
module_param(overlap_check, uint, 0444);
MODULE_PARM_DESC(overlap_check, "families where a run beside the same item's run is an error: 1 Io, 2 Ex, 4 KMDF (default 7; always counted)");

enum {
	SLOTS = 16,
	MAX_CHAIN = 3,       /* re-queues from the routine per chain, at most */
	STUCK_SECONDS = 60,  /* a chain not over by then is a failure */
	DEVICE_EXT = 64,     /* bytes of device extension the thread writes */
};

enum family { FAM_IO, FAM_EX, FAM_WDF, FAM_COUNT };
static const char *const family_names[FAM_COUNT] = { "io", "ex", "wdf" };

enum slot_kind { SLOT_IO, SLOT_IO_INIT, SLOT_EX, SLOT_WDF };
/* What each of a thread's slots holds. */
static const u8 slot_kinds[SLOTS] = {
	SLOT_IO, SLOT_IO, SLOT_IO, SLOT_IO, SLOT_IO_INIT, SLOT_IO_INIT,
	SLOT_EX, SLOT_EX, SLOT_EX, SLOT_EX,
	SLOT_WDF, SLOT_WDF, SLOT_WDF, SLOT_WDF, SLOT_WDF, SLOT_WDF,
};

/* Every valid queue type, the custom priorities of each band included. */
static const WORK_QUEUE_TYPE queue_types[] = {
	CriticalWorkQueue, DelayedWorkQueue, HyperCriticalWorkQueue, NormalWorkQueue,
	BackgroundWorkQueue, RealTimeWorkQueue, SuperCriticalWorkQueue,
	(WORK_QUEUE_TYPE)(CustomPriorityWorkQueue + 4),
	(WORK_QUEUE_TYPE)(CustomPriorityWorkQueue + 10),
	(WORK_QUEUE_TYPE)(CustomPriorityWorkQueue + 20),
};

struct stress_thread;

/*
 * One work item of a thread.  busy is 1 from the thread's queue call until
 * the last run of the chain (its last store, with release); while it is 0
 * the thread owns every field.  While it is 1 the chain's runs own chain,
 * variant, running, and may clear io/ex/wdf when they free the item; the
 * thread then only reads end_free and dead and may flush or delete (WDF)
 * as its operation allows.
 */
struct slot {
	struct stress_thread *t;
	enum slot_kind kind;
	int busy;
	int running;           /* 1 while a routine of this item runs: never twice */
	unsigned int chain;    /* re-queues left in this chain */
	unsigned int variant;  /* picks the queue routine and type of re-queues */
	bool end_free;         /* the chain's last run frees / deletes the item */
	bool coalesce;         /* WDF: each re-enqueue from the callback is made twice */
	bool dead;             /* WDF: deleted while busy; handle dropped once idle */
	WORK_QUEUE_TYPE type;
	PDEVICE_OBJECT dev;    /* the device the Io item was made on */
	PIO_WORKITEM io;       /* SLOT_IO, SLOT_IO_INIT (then kmalloc'd storage) */
	PWORK_QUEUE_ITEM ex;   /* SLOT_EX: &ex_own, or kmalloc'd when end_free */
	WORK_QUEUE_ITEM ex_own;
	WDFWORKITEM wdf;
};

struct stress_thread {
	unsigned int id;
	unsigned long done_ops;
	struct rnd_state rnd;
	spinlock_t lock;       /* held (irqsave) to make a call at DISPATCH_LEVEL */
	PDEVICE_OBJECT dev;
	WDFDEVICE wdev;
	bool stuck;            /* a wait ran out: leave the slots alone */
	struct task_struct *task;
	struct completion finished;
	struct slot slots[SLOTS];
};

static struct {
	atomic64_t accepted[FAM_COUNT], runs[FAM_COUNT], overlaps[FAM_COUNT];
	atomic64_t made;       /* operations: the threads' and the routines' re-queues */
	atomic64_t requeues, coalesced, atomic_calls, devices, flushes, deletes, frees, refused;
	atomic64_t wdf_created, wdf_destroyed, errors;
} st;
static const char *first_error;

static PDRIVER_OBJECT stress_driver;

typedef struct _STRESS_WDF_CONTEXT {
	struct slot *s;
} STRESS_WDF_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(STRESS_WDF_CONTEXT, StressContext)

static void stress_error(const char *what)
{
	atomic64_inc(&st.errors);
	if (!cmpxchg(&first_error, NULL, what))
		pr_err("ntwq_stress: %s\n", what);
	else
		pr_err_ratelimited("ntwq_stress: %s\n", what);
}

static u32 rnd(struct stress_thread *t, u32 n)
{
	return prandom_u32_state(&t->rnd) % n;
}

/* ---- runs ---- */

/*
 * One operation more, from a thread or a routine; a line per tenth of @ops
 * for whoever watches a long run (whichever of them makes that operation).
 */
static void made_one(void)
{
	s64 made = atomic64_inc_return(&st.made);

	if (made % (ops / 10 + 1) == 0)
		pr_info("ntwq_stress: progress ops=%lld runs io=%lld ex=%lld wdf=%lld\n",
			made, atomic64_read(&st.runs[FAM_IO]),
			atomic64_read(&st.runs[FAM_EX]), atomic64_read(&st.runs[FAM_WDF]));
}

/* A routine queues its own item again: an operation too. */
static void requeued(void)
{
	atomic64_inc(&st.requeues);
	made_one();
}

/* Every routine starts here: checks what it was given, counts the run. */
static void run_begins(struct slot *s, enum family fam, bool context_ok)
{
	static const char *const beside[FAM_COUNT] = {
		"an Io work item ran beside itself",
		"an Ex work item ran beside itself",
		"a KMDF work item ran beside itself",
	};

	if (xchg(&s->running, 1)) {
		atomic64_inc(&st.overlaps[fam]);
		if (overlap_check & (1U << fam))
			stress_error(beside[fam]);
	}
	if (!context_ok)
		stress_error("a routine was given the wrong device, context or item");
	if (KeGetCurrentIrql() != PASSIVE_LEVEL)
		stress_error("a routine ran above PASSIVE_LEVEL");
	atomic64_inc(&st.runs[fam]);
}

/* The chain is over: the thread may use the slot again. */
static void run_ends_chain(struct slot *s)
{
	WRITE_ONCE(s->running, 0);
	/* Publishes the run's end to the smp_load_acquire() readers of busy. */
	smp_store_release(&s->busy, 0);
}

static IO_WORKITEM_ROUTINE io_routine;
static IO_WORKITEM_ROUTINE_EX io_routine_ex;

/*
 * Queue an Io item, by one of the three routines (@how).  False only if
 * IoTryQueueWorkItem refused a valid call (an error).
 */
static bool io_queue(struct slot *s, unsigned int how)
{
	atomic64_inc(&st.accepted[FAM_IO]);
	switch (how % 3) {
	case 0:
		IoQueueWorkItem(s->io, io_routine, s->type, s);
		return true;
	case 1:
		IoQueueWorkItemEx(s->io, io_routine_ex, s->type, s);
		return true;
	default:
		if (IoTryQueueWorkItem(s->io, io_routine_ex, s->type, s))
			return true;
		atomic64_dec(&st.accepted[FAM_IO]);
		stress_error("IoTryQueueWorkItem refused a valid call");
		return false;
	}
}

static void io_release(struct slot *s)
{
	if (s->kind == SLOT_IO) {
		IoFreeWorkItem(s->io);
	} else {
		IoUninitializeWorkItem(s->io);
		kfree(s->io);
	}
	s->io = NULL;
}

static void io_ran(struct slot *s, bool context_ok)
{
	run_begins(s, FAM_IO, context_ok);
	if (s->chain) {
		s->chain--;
		/* Next run on another queue type: it must still not overlap. */
		if (retype)
			s->type = queue_types[(s->variant + s->chain) % ARRAY_SIZE(queue_types)];
		requeued();
		if (io_queue(s, s->variant + s->chain)) {
			/* Cleared after the re-queue: an overlapping run sees 1. */
			WRITE_ONCE(s->running, 0);
			return;
		}
	}
	if (s->end_free)
		io_release(s); /* from its own routine */
	run_ends_chain(s);
}

static void io_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	struct slot *s = Context;

	io_ran(s, DeviceObject == s->dev);
}

static void io_routine_ex(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct slot *s = Context;

	io_ran(s, IoObject == s->dev && IoWorkItem == s->io);
}

static void ex_routine(PVOID Parameter)
{
	struct slot *s = Parameter;

	/* The item is dequeued (Flink NULL) before its routine runs. */
	run_begins(s, FAM_EX, !s->ex->List.Flink);
	if (s->chain) {
		s->chain--;
		if (retype)
			s->type = queue_types[(s->variant + s->chain) % ARRAY_SIZE(queue_types)];
		requeued();
		atomic64_inc(&st.accepted[FAM_EX]);
		ExQueueWorkItem(s->ex, s->type);
		WRITE_ONCE(s->running, 0);
		return;
	}
	if (s->end_free) {
		kfree(s->ex); /* a routine may free its own WORK_QUEUE_ITEM */
		s->ex = NULL;
	}
	run_ends_chain(s);
}

static void wdf_callback(WDFWORKITEM WorkItem)
{
	STRESS_WDF_CONTEXT *ctx = StressContext(WorkItem);
	struct slot *s = ctx ? ctx->s : NULL;

	if (!s) {
		stress_error("a KMDF work item lost its context");
		return;
	}
	run_begins(s, FAM_WDF, WorkItem == s->wdf);
	if (s->chain) {
		s->chain--;
		requeued();
		atomic64_inc(&st.accepted[FAM_WDF]);
		WdfWorkItemEnqueue(WorkItem);
		/* Pending now, and it cannot start before we return. */
		if (s->coalesce) {
			requeued();
			atomic64_inc(&st.coalesced);
			WdfWorkItemEnqueue(WorkItem);
		}
		WRITE_ONCE(s->running, 0);
		return;
	}
	if (s->end_free) {
		WdfObjectDelete(WorkItem); /* completes after we return */
		s->wdf = NULL;
	}
	run_ends_chain(s);
}

static void wdf_destroyed(WDFOBJECT Object)
{
	if (KeGetCurrentIrql() != PASSIVE_LEVEL)
		stress_error("EvtDestroyCallback ran above PASSIVE_LEVEL");
	atomic64_inc(&st.wdf_destroyed);
}

/* ---- the thread's side ---- */

/* A call section at DISPATCH_LEVEL (@mode 1: spinlock, irqs off; 2: BHs
 * off) or at PASSIVE_LEVEL (0).
 */
struct level {
	int mode;
	unsigned long flags;
};

/*
 * For sparse, every mode holds t->lock from level_enter() to level_exit():
 * the modes that do not take it say so with __acquire()/__release().
 */
static void level_enter(struct stress_thread *t, struct level *l, int mode)
	__acquires(&t->lock)
{
	l->mode = mode;
	if (mode == 1) {
		spin_lock_irqsave(&t->lock, l->flags);
	} else {
		__acquire(&t->lock);
		if (mode == 2)
			local_bh_disable();
	}
	if (mode) {
		atomic64_inc(&st.atomic_calls);
		if (KeGetCurrentIrql() != DISPATCH_LEVEL)
			stress_error("KeGetCurrentIrql is not DISPATCH_LEVEL in atomic context");
	}
}

static void level_exit(struct stress_thread *t, struct level *l)
	__releases(&t->lock)
{
	if (l->mode == 1) {
		spin_unlock_irqrestore(&t->lock, l->flags);
	} else {
		__release(&t->lock);
		if (l->mode == 2)
			local_bh_enable();
	}
}

/* A quarter of the calls at DISPATCH_LEVEL. */
static int pick_level(struct stress_thread *t)
{
	switch (rnd(t, 8)) {
	case 0:
	case 1:
		return 1;
	case 2:
		return 2;
	default:
		return 0;
	}
}

/* Wait, bounded, until the slot's chain is over; false (and the thread
 * stops touching its slots) if it does not end.
 */
static bool wait_idle(struct stress_thread *t, struct slot *s)
{
	unsigned long deadline = jiffies + STUCK_SECONDS * HZ;

	/* Pairs with the routine's smp_store_release() of busy. */
	while (smp_load_acquire(&s->busy)) {
		if (time_after(jiffies, deadline)) {
			stress_error("a work item's chain did not end within the time limit");
			t->stuck = true;
			return false;
		}
		usleep_range(50, 200);
	}
	return true;
}

static bool is_io(const struct slot *s)
{
	return s->kind == SLOT_IO || s->kind == SLOT_IO_INIT;
}

/* Make the slot's item if it has none; false if the API refused (only an
 * allocation at DISPATCH_LEVEL may fail).
 */
static bool slot_make(struct stress_thread *t, struct slot *s, bool atomic)
{
	gfp_t gfp = atomic ? GFP_ATOMIC | __GFP_NOWARN : GFP_KERNEL;

	switch (s->kind) {
	case SLOT_IO:
		if (!s->io) {
			s->io = IoAllocateWorkItem(t->dev);
			s->dev = t->dev;
		}
		return s->io;
	case SLOT_IO_INIT:
		if (!s->io) {
			s->io = kmalloc(IoSizeofWorkItem(), gfp);
			if (!s->io)
				return false;
			IoInitializeWorkItem(t->dev, s->io);
			s->dev = t->dev;
		}
		return true;
	case SLOT_EX:
		if (s->end_free)
			s->ex = kmalloc(sizeof(*s->ex), gfp);
		else
			s->ex = &s->ex_own;
		return s->ex;
	case SLOT_WDF:
		if (!s->wdf) {
			WDF_OBJECT_ATTRIBUTES attrs;
			WDF_WORKITEM_CONFIG cfg;
			WDFWORKITEM wi;

			WDF_WORKITEM_CONFIG_INIT(&cfg, wdf_callback);
			WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attrs, STRESS_WDF_CONTEXT);
			attrs.ParentObject = t->wdev;
			attrs.EvtDestroyCallback = wdf_destroyed;
			if (!NT_SUCCESS(WdfWorkItemCreate(&cfg, &attrs, &wi)))
				return false;
			atomic64_inc(&st.wdf_created);
			StressContext(wi)->s = s;
			s->wdf = wi;
		}
		return true;
	}
	return false;
}

static void io_free_op(struct stress_thread *t, struct slot *s, int mode)
{
	struct level l;

	level_enter(t, &l, mode);
	io_release(s);
	level_exit(t, &l);
	atomic64_inc(&st.frees);
}

/* Set up the next chain of an idle slot and make its first queue call. */
static void queue_slot(struct slot *s)
{
	switch (s->kind) {
	case SLOT_IO:
	case SLOT_IO_INIT:
		s->busy = 1;
		if (!io_queue(s, s->variant))
			run_ends_chain(s);
		break;
	case SLOT_EX:
		ExInitializeWorkItem(s->ex, ex_routine, s);
		s->busy = 1;
		atomic64_inc(&st.accepted[FAM_EX]);
		ExQueueWorkItem(s->ex, s->type);
		break;
	case SLOT_WDF:
		s->busy = 1;
		atomic64_inc(&st.accepted[FAM_WDF]);
		WdfWorkItemEnqueue(s->wdf);
		break;
	}
}

static void op_queue(struct stress_thread *t, struct slot *s)
{
	u32 r = prandom_u32_state(&t->rnd);
	struct level l;

	if (s->kind == SLOT_WDF && s->dead) {
		s->wdf = NULL; /* its deferred delete has run the callback */
		s->dead = false;
	}
	/* An Io item made on a device since deleted is freed, not queued. */
	if (is_io(s) && s->io && s->dev != t->dev)
		io_free_op(t, s, 0);

	s->chain = (r & 1) ? 1 + (r >> 1) % MAX_CHAIN : 0;
	s->end_free = !((r >> 4) & 3);
	s->coalesce = (r >> 6) & 1;
	s->variant = r >> 8;
	s->type = queue_types[(r >> 12) % ARRAY_SIZE(queue_types)];

	level_enter(t, &l, pick_level(t));
	if (slot_make(t, s, l.mode))
		queue_slot(s);
	else
		atomic64_inc(&st.refused);
	level_exit(t, &l);
}

/* WdfWorkItemFlush, of an item in a chain if there is one. */
static void op_flush(struct stress_thread *t, unsigned int start)
{
	struct slot *pick = NULL;
	unsigned int i;

	for (i = 0; i < SLOTS; i++) {
		struct slot *s = &t->slots[(start + i) % SLOTS];
		/* Pairs with the routine's smp_store_release() of busy. */
		int busy = smp_load_acquire(&s->busy);

		/* A chain that deletes its own item must not be flushed. */
		if (s->kind != SLOT_WDF || !s->wdf || s->dead || (busy && s->end_free))
			continue;
		pick = s;
		if (busy)
			break;
	}
	if (!pick)
		return;
	WdfWorkItemFlush(pick->wdf);
	atomic64_inc(&st.flushes);
	/* Pairs with the routine's smp_store_release() of busy. */
	if (smp_load_acquire(&pick->busy))
		stress_error("WdfWorkItemFlush returned while its item was enqueued or running");
}

/* WdfObjectDelete of an idle item, of a pending one, or at DISPATCH_LEVEL. */
static void op_delete(struct stress_thread *t, struct slot *s)
{
	struct level l;

	s->chain = 0;
	s->end_free = false;
	switch (rnd(t, 3)) {
	case 0: /* idle */
		WdfObjectDelete(s->wdf);
		s->wdf = NULL;
		break;
	case 1: /* pending, at PASSIVE_LEVEL: the callback runs first */
		queue_slot(s);
		WdfObjectDelete(s->wdf);
		/* Pairs with the routine's smp_store_release() of busy. */
		if (smp_load_acquire(&s->busy))
			stress_error("WdfObjectDelete returned before the pending callback ran");
		s->wdf = NULL;
		break;
	default: /* pending, at DISPATCH_LEVEL: ntwq finishes it later */
		level_enter(t, &l, 1);
		queue_slot(s);
		WdfObjectDelete(s->wdf);
		level_exit(t, &l);
		s->dead = true;
		break;
	}
	atomic64_inc(&st.deletes);
}

static bool devices_create(struct stress_thread *t)
{
	if (!NT_SUCCESS(IoCreateDevice(stress_driver, DEVICE_EXT, NULL, FILE_DEVICE_UNKNOWN, 0,
				       FALSE, &t->dev)))
		return false;
	memset(t->dev->DeviceExtension, 0x5a, DEVICE_EXT);
	if (!NT_SUCCESS(NtwqWdfDeviceCreate(t->dev, WDF_NO_OBJECT_ATTRIBUTES, &t->wdev))) {
		IoDeleteDevice(t->dev);
		t->dev = NULL;
		return false;
	}
	atomic64_inc(&st.devices);
	return true;
}

/*
 * Delete the thread's WDFDEVICE (children first, some with a callback
 * pending) and its device (some Io items still pending on it, which free
 * themselves); with @again make new ones.  False if a chain did not end.
 */
static bool devices_cycle(struct stress_thread *t, bool again)
{
	unsigned int i;

	/* Chains end first: a chain's re-queue after its device or parent
	 * went would be misuse.
	 */
	for (i = 0; i < SLOTS; i++) {
		struct slot *s = &t->slots[i];

		if (s->kind == SLOT_WDF && s->wdf && !s->dead && !s->end_free)
			WdfWorkItemFlush(s->wdf);
		if (!wait_idle(t, s))
			return false;
		if (s->kind == SLOT_WDF && s->dead) {
			s->wdf = NULL;
			s->dead = false;
		}
		if (is_io(s) && s->io)
			io_free_op(t, s, 0);
	}
	/* Pending callbacks of the WDFDEVICE's work items run before their
	 * deletion, which the parent's deletion does first.
	 */
	for (i = 0; i < SLOTS; i++) {
		struct slot *s = &t->slots[i];

		if (s->kind != SLOT_WDF || !s->wdf || rnd(t, 2))
			continue;
		s->chain = 0;
		s->end_free = false;
		queue_slot(s);
	}
	WdfObjectDelete(t->wdev);
	for (i = 0; i < SLOTS; i++) {
		struct slot *s = &t->slots[i];

		if (s->kind != SLOT_WDF)
			continue;
		/* Pairs with the routine's smp_store_release() of busy. */
		if (smp_load_acquire(&s->busy))
			stress_error("deleting a WDFDEVICE returned before its children's callbacks ran");
		s->wdf = NULL;
	}
	/* Io items pending on the device as it is deleted: each frees itself. */
	for (i = 0; i < SLOTS; i++) {
		struct slot *s = &t->slots[i];

		if (!is_io(s) || rnd(t, 2))
			continue;
		s->chain = 0;
		s->end_free = true;
		s->variant = prandom_u32_state(&t->rnd);
		s->type = queue_types[rnd(t, ARRAY_SIZE(queue_types))];
		if (slot_make(t, s, false))
			queue_slot(s);
	}
	IoDeleteDevice(t->dev);
	t->dev = NULL;
	t->wdev = NULL;
	if (!again)
		return true;
	if (!devices_create(t)) {
		stress_error("IoCreateDevice or NtwqWdfDeviceCreate failed at PASSIVE_LEVEL");
		return false;
	}
	return true;
}

enum op { OP_QUEUE, OP_DELETE, OP_FREE };

/* Whether an idle slot suits @op. */
static bool slot_suits(const struct slot *s, enum op op)
{
	switch (op) {
	case OP_DELETE:
		return s->kind == SLOT_WDF && s->wdf && !s->dead;
	case OP_FREE:
		return is_io(s) && s->io;
	default:
		return true;
	}
}

/*
 * An idle slot for @op from @start on.  NULL if none suits, or (queue:
 * any slot will do once idle) if none came back within the time limit.
 */
static struct slot *idle_slot(struct stress_thread *t, unsigned int start, enum op op)
{
	unsigned long deadline = jiffies + STUCK_SECONDS * HZ;
	unsigned int i;

	for (;;) {
		for (i = 0; i < SLOTS; i++) {
			struct slot *s = &t->slots[(start + i) % SLOTS];

			/* Pairs with the routine's smp_store_release() of busy. */
			if (!smp_load_acquire(&s->busy) && slot_suits(s, op))
				return s;
		}
		if (op != OP_QUEUE)
			return NULL;
		if (time_after(jiffies, deadline)) {
			stress_error("no work item came back within the time limit");
			t->stuck = true;
			return NULL;
		}
		usleep_range(20, 100);
	}
}

/* One operation, chosen at random: mostly queue calls. */
static void one_op(struct stress_thread *t)
{
	u32 r = rnd(t, 1000);
	unsigned int start = rnd(t, SLOTS);
	struct slot *s;

	if (r < 2) {
		if (!devices_cycle(t, true))
			t->stuck = true;
	} else if (r < 60) {
		op_flush(t, start);
	} else {
		int op = r < 110 ? OP_DELETE : r < 160 ? OP_FREE : OP_QUEUE;

		s = idle_slot(t, start, op);
		if (!s && op != OP_QUEUE) {
			op = OP_QUEUE;
			s = idle_slot(t, start, op);
		}
		if (s && op == OP_DELETE)
			op_delete(t, s);
		else if (s && op == OP_FREE)
			io_free_op(t, s, pick_level(t));
		else if (s)
			op_queue(t, s);
	}
}

static int stress_thread_fn(void *arg)
{
	struct stress_thread *t = arg;
	unsigned int i;

	while (atomic64_read(&st.made) < ops && !t->stuck) {
		one_op(t);
		made_one();
		t->done_ops++;
		if (!(t->done_ops & 31))
			cond_resched();
	}
	/* Drain: every chain over, every item and device gone. */
	if (!t->stuck && devices_cycle(t, false)) {
		for (i = 0; i < SLOTS; i++)
			if (!wait_idle(t, &t->slots[i]))
				break;
	}
	complete(&t->finished);
	return 0;
}

/* ---- module ---- */

static void wait_finished(struct stress_thread *t)
{
	/* Short slices: a long uninterruptible sleep would look hung. */
	while (!wait_for_completion_timeout(&t->finished, HZ))
		;
}

static int __init stress_init(void)
{
	struct stress_thread *ts;
	u64 accepted = 0, runs = 0, total_ops = 0;
	unsigned long deadline;
	char fams[96], overlaps[64];
	int len = 0, olen = 0;
	unsigned int i, j;

	if (!threads || threads > 64) {
		pr_err("ntwq_stress: threads must be 1..64\n");
		return -EINVAL;
	}
	ts = kcalloc(threads, sizeof(*ts), GFP_KERNEL);
	if (!ts)
		return -ENOMEM;
	if (!NT_SUCCESS(NtwqCreateDriver(THIS_MODULE, "ntwq_stress", &stress_driver))) {
		kfree(ts);
		return -ENOMEM;
	}
	pr_info("ntwq_stress: start ops=%lu threads=%u seed=%u\n", ops, threads, seed);
	for (i = 0; i < threads; i++) {
		struct stress_thread *t = &ts[i];

		t->id = i;
		prandom_seed_state(&t->rnd, ((u64)seed << 8) + i);
		spin_lock_init(&t->lock);
		init_completion(&t->finished);
		for (j = 0; j < SLOTS; j++) {
			t->slots[j].t = t;
			t->slots[j].kind = slot_kinds[j];
		}
		if (!devices_create(t)) {
			stress_error("IoCreateDevice or NtwqWdfDeviceCreate failed at PASSIVE_LEVEL");
			t->stuck = true;
			complete(&t->finished);
			continue;
		}
		t->task = kthread_run(stress_thread_fn, t, "ntwq_stress/%u", i);
		if (IS_ERR(t->task)) {
			stress_error("kthread_run failed");
			t->stuck = true;
			complete(&t->finished);
		}
	}
	for (i = 0; i < threads; i++) {
		wait_finished(&ts[i]);
		total_ops += ts[i].done_ops;
		if (ts[i].stuck)
			stress_error("a thread stopped early");
	}
	/* KMDF destroy callbacks of items deleted at DISPATCH_LEVEL come later. */
	deadline = jiffies + STUCK_SECONDS * HZ;
	while (atomic64_read(&st.wdf_destroyed) < atomic64_read(&st.wdf_created) &&
	       time_before(jiffies, deadline))
		msleep(20);

	for (i = 0; i < FAM_COUNT; i++) {
		u64 a = atomic64_read(&st.accepted[i]), r = atomic64_read(&st.runs[i]);

		accepted += a;
		runs += r;
		len += scnprintf(fams + len, sizeof(fams) - len, " %s=%llu/%llu",
				 family_names[i], a, r);
		olen += scnprintf(overlaps + olen, sizeof(overlaps) - olen, "%s%s:%lld",
				  i ? "," : "", family_names[i],
				  atomic64_read(&st.overlaps[i]));
		if (a != r)
			stress_error("accepted queue calls and runs differ");
	}
	if (atomic64_read(&st.wdf_destroyed) != atomic64_read(&st.wdf_created))
		stress_error("KMDF work items created and destroyed differ");
	if (atomic64_read(&st.made) < ops)
		stress_error("fewer operations made than asked");

	pr_info("ntwq_stress: result ops=%lld threads=%u thread_ops=%llu requeues=%lld accepted=%llu runs=%llu%s coalesced=%lld atomic=%lld devices=%lld flushes=%lld deletes=%lld frees=%lld refused=%lld wdf_items=%lld/%lld overlaps=%s errors=%lld %s%s\n",
		atomic64_read(&st.made), threads, total_ops, atomic64_read(&st.requeues),
		accepted, runs, fams, atomic64_read(&st.coalesced),
		atomic64_read(&st.atomic_calls), atomic64_read(&st.devices),
		atomic64_read(&st.flushes), atomic64_read(&st.deletes), atomic64_read(&st.frees),
		atomic64_read(&st.refused), atomic64_read(&st.wdf_created),
		atomic64_read(&st.wdf_destroyed), overlaps, atomic64_read(&st.errors),
		first_error ? "FAIL " : "ok", first_error ? first_error : "");

	/* Waits for any work still running (none, unless a thread got stuck). */
	NtwqDeleteDriver(stress_driver);
	/* A stuck thread's slots may still be referenced: keep them. */
	for (i = 0; i < threads; i++)
		if (ts[i].stuck)
			return 0;
	kfree(ts);
	return 0;
}

static void __exit stress_exit(void)
{
}

module_init(stress_init);
module_exit(stress_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ntwq stress: every work-item family from many threads, counted");
