// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_bench.c - ntwq's work items against native queue_work() and an
 * ndiswrapper-style baseline, measured in one boot.
 *
 * Loading the module runs every scenario against every contender,
 * interleaved (the contender order rotates each repetition), and prints one
 * line per measurement:
 *
 *	ntwq_bench: result scenario=<s> contender=<c> rep=<r> <key>=<value> ...
 *
 * which scripts/bench_report.py turns into tables and a plot.  Nothing here
 * judges a number: the benchmark is not a test.
 *
 * Contenders (each queues to a per-CPU queue of the normal priority unless
 * said otherwise):
 *	native_bound  - queue_work() on a plain per-CPU workqueue: the limit
 *	native_mapped - queue_work() on a workqueue with ntwq's flags for
 *	                DelayedWorkQueue (per-CPU, WQ_MEM_RECLAIM)
 *	io            - IoQueueWorkItem (DelayedWorkQueue)
 *	io_verifier   - io with ntwq's verifier mode on (ntwq_verifier = true
 *	                from its setup to its teardown); skipped, with a log
 *	                line, when the ntwq loaded exports no ntwq_verifier
 *	io_traced     - io with the ntwq trace events on, recorded into the
 *	                trace buffer (trace_set_clr_event(), what writing 1 to
 *	                tracefs events/ntwq/enable does), from its setup to its
 *	                teardown; every other contender runs with them off
 *	ex            - ExQueueWorkItem (DelayedWorkQueue)
 *	wdf           - WdfWorkItemEnqueue
 *	ex_verifier, wdf_verifier - ex and wdf with the verifier on, as
 *	                io_verifier (the basic scenarios only)
 *	ndis6         - NdisQueueIoWorkItem on items from NdisAllocateIoWorkItem
 *	                on an adapter handle (ntwq_ndis.ko; CriticalWorkQueue,
 *	                as NDIS does: per-CPU, high priority)
 *	ndis5         - NdisScheduleWorkItem on NDIS_WORK_ITEMs (the same)
 *	ndisw         - the way existing compat layers do it: one ordered
 *	                single-threaded workqueue for everything and a
 *	                kmalloc'd node per queue call
 *
 * The NDIS routines come from ntwq_ndis.ko, which is built after ntwq (it
 * links against ntwq's Module.symvers) and so cannot be linked against
 * here: when it is loaded before the benchmark, symbol_get() finds them
 * (and pins it until the end); otherwise ndis6 and ndis5 are skipped with
 * a log line.  Their queue call is thus one indirect call more than io's.
 *
 * Scenarios: queue_cost, latency, throughput, blocking and memory (every
 * contender but io_traced, whose items are io's), and two that model how
 * drivers use work items (native_bound,
 * io, io_verifier, ex, wdf, ndis6 and ndis5 only, to keep `make bench` short):
 *	many_drivers  - 8 drivers x 8 devices, one work item per device, queued
 *	                again and again from one bound thread per CPU
 *	chain         - routines that queue their own item again, chain_len
 *	                times per chain, chains started from every CPU
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/trace_events.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <ntwq/ndis.h>
#include <ntwq/wdf.h>
#include "../module/lib/rt_stats.h"
#include "../module/bridge/compat.h"

MODULE_IMPORT_NS(NTWQ_INTERNAL);

static unsigned int items = 50000;
module_param(items, uint, 0444);
MODULE_PARM_DESC(items, "items per latency run (default 50000)");
static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of every scenario (default 5)");
static unsigned int burst = 10000;
module_param(burst, uint, 0444);
MODULE_PARM_DESC(burst, "items per queue-cost run, and queue calls per CPU in the throughput and many_drivers runs (default 10000)");
static unsigned int chain_len = 1000;
module_param(chain_len, uint, 0444);
MODULE_PARM_DESC(chain_len, "runs of one item per chain in the chain scenario (default 1000; at most burst)");
static unsigned int chains = 16;
module_param(chains, uint, 0444);
MODULE_PARM_DESC(chains, "chains started per CPU in the chain scenario (default 16; at most 4 x burst runs per CPU in all)");
static unsigned int md_calls;
module_param(md_calls, uint, 0444);
MODULE_PARM_DESC(md_calls, "queue calls per CPU in the many_drivers run (default 0: 4 x burst)");
static char *only_scenario = "";
module_param(only_scenario, charp, 0444);
MODULE_PARM_DESC(only_scenario, "run only this scenario (queue_cost, latency, throughput, blocking, many_drivers, chain; default: all, and memory)");
static char *only_contender = "";
module_param(only_contender, charp, 0444);
MODULE_PARM_DESC(only_contender, "run only this contender, by its name in the results (default: all)");

/*
 * ntwq's verifier mode (per-item tracking and checks that cost the hot
 * path).  Weak: an ntwq without it still loads the benchmark, which then
 * skips io_verifier and says so.
 */
extern bool ntwq_verifier __weak;

enum {
	BLOCKERS = 64, BLOCK_MS = 10,
	FLEET_DRIVERS = 8, FLEET_DEVICES_PER_DRIVER = 8,
	FLEET_DEVICES = FLEET_DRIVERS * FLEET_DEVICES_PER_DRIVER,
	PRODUCER_SECONDS = 60, /* a producer gives up after this long */
};

struct bench;

/* One work item's bookkeeping, the Context/Parameter of every routine. */
struct slot {
	struct bench *b;
	u64 queued_ns;
	u64 started_ns;
	unsigned int idx;  /* its index in the bench's slots and handles */
	unsigned int runs; /* chain: runs so far (only its own routine touches it) */
	int idle;          /* many_drivers: 1 when the producer may queue it again */
};

struct bench {
	struct slot *slots;
	unsigned int n;
	atomic_t done;
	unsigned int target;
	struct completion all_done;
	unsigned int sleep_ms; /* routines sleep this long (blocking scenario) */
	unsigned int chain_len; /* chain: an item runs this often, then stops */
	bool fleet;             /* item i belongs to fleet device i % FLEET_DEVICES */
	const struct contender *c;
	/* contender state */
	struct workqueue_struct *wq;
	void **handles;       /* per-item native work / IO_WORKITEM / WDFWORKITEM /
			       * WORK_QUEUE_ITEM / NDIS I/O work item / NDIS_WORK_ITEM
			       */
	atomic_long_t allocations; /* the ndisw baseline's kmallocs */
};

static PDRIVER_OBJECT bench_driver;
static PDEVICE_OBJECT bench_device;
static WDFDEVICE bench_wdf_device;

/* many_drivers: 8 driver objects with 8 devices each, made once at load. */
static PDRIVER_OBJECT fleet_drivers[FLEET_DRIVERS];
static PDEVICE_OBJECT fleet_devices[FLEET_DEVICES];
static WDFDEVICE fleet_wdf_devices[FLEET_DEVICES];

/*
 * The NDIS routines, from ntwq_ndis.ko through symbol_get() (see the top of
 * the file); all NULL when it is not loaded.
 */
static struct {
	typeof(&NtwqNdisRegisterMiniportDriver) register_miniport;
	typeof(&NdisMDeregisterMiniportDriver) deregister_miniport;
	typeof(&NtwqNdisInitializeAdapter) initialize_adapter;
	typeof(&NtwqNdisHaltAdapter) halt_adapter;
	typeof(&NdisAllocateIoWorkItem) allocate_io;
	typeof(&NdisQueueIoWorkItem) queue_io;
	typeof(&NdisFreeIoWorkItem) free_io;
	typeof(&NdisInitializeWorkItem) initialize;
	typeof(&NdisScheduleWorkItem) schedule; /* the two-argument export */
} ndis;

/* A miniport with one adapter, and 8 miniports x 8 adapters for many_drivers. */
static NDIS_HANDLE bench_miniport, bench_adapter;
static NDIS_HANDLE fleet_miniports[FLEET_DRIVERS];
static NDIS_HANDLE fleet_adapters[FLEET_DEVICES];

/* ---- contenders ---- */

struct contender {
	const char *name;
	int (*setup)(struct bench *b);
	void (*queue)(struct bench *b, unsigned int i);
	void (*teardown)(struct bench *b);
	bool drivers;  /* also runs many_drivers and chain */
	bool verifier; /* needs ntwq_verifier */
	bool ndis;     /* needs ntwq_ndis.ko */
};

/*
 * Every routine calls this first.  True: a chain that is not finished, and
 * the routine queues its own item again (as drivers do, from the routine).
 * Nothing touches the slot after the increment of done: the run that
 * completes the target lets the bench be freed.
 */
static bool slot_ran(struct slot *s)
{
	struct bench *b = s->b;

	s->started_ns = ktime_get_ns();
	if (b->sleep_ms)
		msleep(b->sleep_ms);
	if (b->chain_len && ++s->runs < b->chain_len)
		return true;
	/* Pairs with the producer's smp_load_acquire(): it sees this run done. */
	smp_store_release(&s->idle, 1);
	if (atomic_inc_return(&b->done) == b->target)
		complete(&b->all_done);
	return false;
}

static void requeue(struct slot *s)
{
	s->b->c->queue(s->b, s->idx);
}

struct native_item {
	struct work_struct work;
	struct slot *s;
};

static void native_fn(struct work_struct *w)
{
	struct slot *s = container_of(w, struct native_item, work)->s;

	if (slot_ran(s))
		requeue(s);
}

static int native_setup_flags(struct bench *b, unsigned int flags, const char *name)
{
	unsigned int i;

	b->wq = alloc_workqueue("%s", flags, 0, name);
	if (!b->wq)
		return -ENOMEM;
	for (i = 0; i < b->n; i++) {
		struct native_item *it = kzalloc(sizeof(*it), GFP_KERNEL);

		if (!it)
			return -ENOMEM;
		INIT_WORK(&it->work, native_fn);
		it->s = &b->slots[i];
		b->handles[i] = it;
	}
	return 0;
}

static int native_bound_setup(struct bench *b)
{
	return native_setup_flags(b, WQ_PERCPU, "bench_bound");
}

static int native_mapped_setup(struct bench *b)
{
	return native_setup_flags(b, WQ_PERCPU | WQ_MEM_RECLAIM, "bench_mapped");
}

static void native_queue(struct bench *b, unsigned int i)
{
	queue_work(b->wq, &((struct native_item *)b->handles[i])->work);
}

static void native_teardown(struct bench *b)
{
	unsigned int i;

	if (b->wq)
		destroy_workqueue(b->wq);
	for (i = 0; i < b->n; i++)
		kfree(b->handles[i]);
}

static void io_fn(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	if (slot_ran(Context))
		requeue(Context);
}

static int io_setup(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		b->handles[i] = IoAllocateWorkItem(b->fleet ? fleet_devices[i % FLEET_DEVICES] :
						   bench_device);
		if (!b->handles[i])
			return -ENOMEM;
	}
	return 0;
}

static void io_queue(struct bench *b, unsigned int i)
{
	IoQueueWorkItem(b->handles[i], io_fn, DelayedWorkQueue, &b->slots[i]);
}

static void io_teardown(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		if (b->handles[i])
			IoFreeWorkItem(b->handles[i]);
}

/* io_verifier: io, with the verifier on from before the first item exists
 * until after the last is freed.
 */
static int io_verifier_setup(struct bench *b)
{
	WRITE_ONCE(ntwq_verifier, true);
	return io_setup(b);
}

static void io_verifier_teardown(struct bench *b)
{
	io_teardown(b);
	WRITE_ONCE(ntwq_verifier, false);
}

/* ex_verifier, wdf_verifier: the same, for the other two families. */
static int ex_verifier_setup(struct bench *b);
static void ex_verifier_teardown(struct bench *b);
static int wdf_verifier_setup(struct bench *b);
static void wdf_verifier_teardown(struct bench *b);

/* io_traced: io, with the ntwq trace events recording while it runs. */
static int io_traced_setup(struct bench *b)
{
	int ret = -EOPNOTSUPP;

#ifdef CONFIG_EVENT_TRACING
	ret = trace_set_clr_event("ntwq", NULL, 1);
#endif
	if (ret) {
		pr_info("ntwq_bench: io_traced skipped: cannot enable the ntwq events (%d)\n", ret);
		return ret;
	}
	return io_setup(b);
}

static void io_traced_teardown(struct bench *b)
{
	io_teardown(b);
#ifdef CONFIG_EVENT_TRACING
	trace_set_clr_event("ntwq", NULL, 0);
#endif
}

static void ex_fn(PVOID Parameter)
{
	if (slot_ran(Parameter))
		requeue(Parameter);
}

static int ex_setup(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		PWORK_QUEUE_ITEM it = kzalloc(sizeof(*it), GFP_KERNEL);

		if (!it)
			return -ENOMEM;
		b->handles[i] = it;
	}
	return 0;
}

static void ex_queue(struct bench *b, unsigned int i)
{
	PWORK_QUEUE_ITEM it = b->handles[i];

	ExInitializeWorkItem(it, ex_fn, &b->slots[i]);
	ExQueueWorkItem(it, DelayedWorkQueue);
}

static void ex_teardown(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		kfree(b->handles[i]);
}

typedef struct _BENCH_CONTEXT {
	struct slot *s;
} BENCH_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(BENCH_CONTEXT, BenchContext)

static void wdf_fn(WDFWORKITEM WorkItem)
{
	struct slot *s = BenchContext(WorkItem)->s;

	if (slot_ran(s))
		requeue(s);
}

static int wdf_setup(struct bench *b)
{
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	unsigned int i;

	WDF_WORKITEM_CONFIG_INIT(&cfg, wdf_fn);
	cfg.AutomaticSerialization = FALSE;
	for (i = 0; i < b->n; i++) {
		WDFWORKITEM wi;

		WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, BENCH_CONTEXT);
		a.ParentObject = b->fleet ? fleet_wdf_devices[i % FLEET_DEVICES] :
					    bench_wdf_device;
		if (!NT_SUCCESS(WdfWorkItemCreate(&cfg, &a, &wi)))
			return -ENOMEM;
		BenchContext(wi)->s = &b->slots[i];
		b->handles[i] = wi;
	}
	return 0;
}

static void wdf_queue(struct bench *b, unsigned int i)
{
	WdfWorkItemEnqueue(b->handles[i]);
}

static void wdf_teardown(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		if (b->handles[i])
			WdfObjectDelete(b->handles[i]);
}

static VOID ndis6_fn(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle)
{
	if (slot_ran(WorkItemContext))
		requeue(WorkItemContext);
}

static int ndis6_setup(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		b->handles[i] = ndis.allocate_io(b->fleet ? fleet_adapters[i % FLEET_DEVICES] :
						 bench_adapter);
		if (!b->handles[i])
			return -ENOMEM;
	}
	return 0;
}

static void ndis6_queue(struct bench *b, unsigned int i)
{
	ndis.queue_io(b->handles[i], ndis6_fn, &b->slots[i]);
}

static void ndis6_teardown(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		if (b->handles[i])
			ndis.free_io(b->handles[i]);
}

static VOID ndis5_fn(PNDIS_WORK_ITEM pWorkItem, PVOID Context)
{
	if (slot_ran(Context))
		requeue(Context);
}

/* Initialized once, as miniports do; NdisScheduleWorkItem reads Routine
 * and Context on every call.
 */
static int ndis5_setup(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		PNDIS_WORK_ITEM it = kzalloc(sizeof(*it), GFP_KERNEL);

		if (!it)
			return -ENOMEM;
		ndis.initialize(it, ndis5_fn, &b->slots[i]);
		b->handles[i] = it;
	}
	return 0;
}

static void ndis5_queue(struct bench *b, unsigned int i)
{
	ndis.schedule(b->handles[i], THIS_MODULE);
}

static void ndis5_teardown(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		kfree(b->handles[i]);
}

struct ndisw_node {
	struct work_struct work;
	void (*fn)(void *ctx);
	void *ctx;
};

static void ndisw_worker(struct work_struct *w)
{
	struct ndisw_node *node = container_of(w, struct ndisw_node, work);

	node->fn(node->ctx);
	kfree(node);
}

static void ndisw_fn(void *ctx)
{
	if (slot_ran(ctx))
		requeue(ctx);
}

static int ndisw_setup(struct bench *b)
{
	b->wq = alloc_ordered_workqueue("bench_ndisw", 0);
	return b->wq ? 0 : -ENOMEM;
}

/* What compat layers do: a node per call, dropped if the allocation fails. */
static void ndisw_queue(struct bench *b, unsigned int i)
{
	struct ndisw_node *node = kmalloc(sizeof(*node), GFP_ATOMIC);

	if (!node)
		return;
	atomic_long_inc(&b->allocations);
	INIT_WORK(&node->work, ndisw_worker);
	node->fn = ndisw_fn;
	node->ctx = &b->slots[i];
	queue_work(b->wq, &node->work);
}

static void ndisw_teardown(struct bench *b)
{
	if (b->wq)
		destroy_workqueue(b->wq);
}

static int ex_verifier_setup(struct bench *b)
{
	WRITE_ONCE(ntwq_verifier, true);
	return ex_setup(b);
}

static void ex_verifier_teardown(struct bench *b)
{
	ex_teardown(b);
	WRITE_ONCE(ntwq_verifier, false);
}

static int wdf_verifier_setup(struct bench *b)
{
	WRITE_ONCE(ntwq_verifier, true);
	return wdf_setup(b);
}

static void wdf_verifier_teardown(struct bench *b)
{
	wdf_teardown(b);
	WRITE_ONCE(ntwq_verifier, false);
}

static struct contender contenders[] = {
	{ "native_bound", native_bound_setup, native_queue, native_teardown, .drivers = true },
	{ "native_mapped", native_mapped_setup, native_queue, native_teardown },
	{ "io", io_setup, io_queue, io_teardown, .drivers = true },
	{ "io_verifier", io_verifier_setup, io_queue, io_verifier_teardown, .drivers = true,
	  .verifier = true },
	{ "io_traced", io_traced_setup, io_queue, io_traced_teardown },
	{ "ex", ex_setup, ex_queue, ex_teardown, .drivers = true },
	{ "wdf", wdf_setup, wdf_queue, wdf_teardown, .drivers = true },
	{ "ex_verifier", ex_verifier_setup, ex_queue, ex_verifier_teardown, .verifier = true },
	{ "wdf_verifier", wdf_verifier_setup, wdf_queue, wdf_verifier_teardown, .verifier = true },
	{ "ndis6", ndis6_setup, ndis6_queue, ndis6_teardown, .drivers = true, .ndis = true },
	{ "ndis5", ndis5_setup, ndis5_queue, ndis5_teardown, .drivers = true, .ndis = true },
	{ "ndisw", ndisw_setup, ndisw_queue, ndisw_teardown },
};

static bool have_verifier(void)
{
	return &ntwq_verifier != NULL;
}

/* ntwq_ndis's routines were found (ndis_get()). */
static bool have_ndis(void)
{
	return ndis.schedule != NULL;
}

/* ---- harness ---- */

/* @fleet: item i belongs to fleet device i % FLEET_DEVICES (io, wdf). */
static struct bench *bench_new_on(const struct contender *c, unsigned int n, bool fleet)
{
	struct bench *b = kzalloc(sizeof(*b), GFP_KERNEL);
	unsigned int i;

	if (!b)
		return NULL;
	b->n = n;
	b->c = c;
	b->fleet = fleet;
	b->slots = vcalloc(n, sizeof(*b->slots));
	b->handles = vcalloc(n, sizeof(*b->handles));
	if (!b->slots || !b->handles)
		goto fail;
	for (i = 0; i < n; i++) {
		b->slots[i].b = b;
		b->slots[i].idx = i;
		b->slots[i].idle = 1;
	}
	init_completion(&b->all_done);
	if (c->setup(b))
		goto fail;
	return b;
fail:
	if (b->handles)
		c->teardown(b);
	vfree(b->slots);
	vfree(b->handles);
	kfree(b);
	return NULL;
}

static struct bench *bench_new(const struct contender *c, unsigned int n)
{
	return bench_new_on(c, n, false);
}

static void bench_free(const struct contender *c, struct bench *b)
{
	c->teardown(b);
	vfree(b->slots);
	vfree(b->handles);
	kfree(b);
}

static void arm(struct bench *b, unsigned int target)
{
	atomic_set(&b->done, 0);
	b->target = target;
	reinit_completion(&b->all_done);
}

static bool wait_all(struct bench *b)
{
	return wait_for_completion_timeout(&b->all_done, 120 * HZ) > 0;
}

static long long rt_allocations(void)
{
	struct ntwq_rt_stats st;

	ntwq_rt_get_stats(&st);
	return st.allocations;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

#define RESULT(scenario, c, rep, fmt, ...) \
	pr_info("ntwq_bench: result scenario=%s contender=%s rep=%u cpus=%u " fmt "\n", \
		scenario, (c)->name, rep, num_online_cpus(), ##__VA_ARGS__)

/* (1) ns per queue call, no-op routine, burst items queued back to back;
 * (5) allocations per queue call, counted.
 */
static void run_queue_cost(const struct contender *c, unsigned int rep)
{
	struct bench *b = bench_new(c, burst);
	long long allocs_before, ndisw_before;
	u64 t0, t1;
	unsigned int i;

	if (!b)
		return;
	arm(b, burst);
	allocs_before = rt_allocations();
	ndisw_before = atomic_long_read(&b->allocations);
	t0 = ktime_get_ns();
	for (i = 0; i < burst; i++)
		c->queue(b, i);
	t1 = ktime_get_ns();
	if (wait_all(b))
		RESULT("queue_cost", c, rep, "ns_per_call=%llu allocs_per_call_x1000=%lld",
		       (t1 - t0) / burst,
		       (rt_allocations() - allocs_before +
			atomic_long_read(&b->allocations) - ndisw_before) * 1000 / burst);
	bench_free(c, b);
}

/* (2) queue-to-start latency, one item at a time. */
static void run_latency(const struct contender *c, unsigned int rep)
{
	struct bench *b = bench_new(c, 1);
	u64 *lat = vmalloc(array_size(items, sizeof(u64)));
	unsigned int i, got = 0;

	if (!b || !lat)
		goto out;
	for (i = 0; i < items; i++) {
		arm(b, 1);
		b->slots[0].queued_ns = ktime_get_ns();
		c->queue(b, 0);
		if (!wait_all(b))
			break;
		lat[got++] = b->slots[0].started_ns - b->slots[0].queued_ns;
	}
	if (got) {
		sort(lat, got, sizeof(u64), cmp_u64, NULL);
		RESULT("latency", c, rep, "items=%u p50_ns=%llu p99_ns=%llu max_ns=%llu", got,
		       lat[got / 2], lat[(u64)got * 99 / 100], lat[got - 1]);
	}
out:
	vfree(lat);
	if (b)
		bench_free(c, b);
}

struct producer {
	const struct contender *c;
	struct bench *b;
	/* Once: queue items first .. first + count - 1, each once.  Cycling
	 * (many_drivers): make count queue calls over the items first,
	 * first + stride, ..., each queued again only once its routine has
	 * run.
	 */
	unsigned int first, count, stride;
	bool cycle;
	bool gave_up; /* cycling: items stopped coming back before the deadline */
	unsigned long deadline;
	struct completion *go;
	struct completion finished;
	bool threaded; /* false: its thread could not start; run inline */
};

static void produce_cycling(struct producer *p)
{
	struct bench *b = p->b;
	unsigned int left = p->count, j;

	while (left) {
		bool queued = false;

		for (j = p->first; j < b->n && left; j += p->stride) {
			struct slot *s = &b->slots[j];

			/* Pairs with the routine's smp_store_release(&s->idle). */
			if (!smp_load_acquire(&s->idle))
				continue;
			WRITE_ONCE(s->idle, 0);
			p->c->queue(b, j);
			queued = true;
			left--;
		}
		if (queued)
			continue;
		/* All of ours are queued or running, most likely on this
		 * CPU's workers: let them run.
		 */
		if (time_after(jiffies, p->deadline)) {
			p->gave_up = true;
			return;
		}
		yield();
	}
}

static void produce(struct producer *p)
{
	unsigned int i;

	if (p->cycle) {
		produce_cycling(p);
		return;
	}
	for (i = 0; i < p->count; i++)
		p->c->queue(p->b, p->first + i);
}

static int producer_fn(void *arg)
{
	struct producer *p = arg;

	wait_for_completion(p->go);
	produce(p);
	complete(&p->finished);
	return 0;
}

/*
 * One producer thread per online CPU, bound to it, all released at once;
 * producer k queues items k * per_cpu .. (k + 1) * per_cpu - 1 once, or with
 * @cycle makes per_cpu queue calls over items k, k + cpus, k + 2 * cpus, ...
 * of the bench's.  Returns the ns from the release until the bench's target
 * was reached, 0 if it was not.
 */
static u64 run_producers(const struct contender *c, struct bench *b, unsigned int per_cpu,
			 bool cycle)
{
	unsigned int cpus = num_online_cpus(), k = 0, i, cpu;
	struct producer *prod = kcalloc(cpus, sizeof(*prod), GFP_KERNEL);
	DECLARE_COMPLETION_ONSTACK(go);
	unsigned long deadline = jiffies + PRODUCER_SECONDS * HZ;
	bool gave_up = false;
	u64 t0, elapsed = 0;

	if (!prod)
		return 0;
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (k == cpus)
			break;
		prod[k] = (struct producer){ .c = c, .b = b, .count = per_cpu, .go = &go,
					     .cycle = cycle, .deadline = deadline };
		if (cycle) {
			/* A CPU beyond the bench's items has none to queue. */
			prod[k].first = k;
			prod[k].stride = cpus;
			if (k >= b->n)
				prod[k].count = 0;
		} else {
			prod[k].first = k * per_cpu;
		}
		init_completion(&prod[k].finished);
		t = kthread_create_on_cpu(producer_fn, &prod[k], cpu, "ntwq_bench/%u");
		prod[k].threaded = !IS_ERR(t);
		if (prod[k].threaded)
			wake_up_process(t);
		k++;
	}
	t0 = ktime_get_ns();
	complete_all(&go);
	for (i = 0; i < k; i++)
		if (!prod[i].threaded)
			produce(&prod[i]);
	/*
	 * A producer never blocks and a cycling one stops at its deadline, so
	 * these waits end; prod[] must outlive every producer thread.
	 */
	for (i = 0; i < k; i++) {
		if (prod[i].threaded)
			wait_for_completion(&prod[i].finished);
		gave_up |= prod[i].gave_up;
	}
	/* Every queue call runs its routine once, so the target is reached
	 * unless a producer gave up.
	 */
	if (gave_up)
		pr_info("ntwq_bench: %s: items stopped coming back within %u s\n", c->name,
			PRODUCER_SECONDS);
	else if (wait_all(b))
		elapsed = ktime_get_ns() - t0;
	kfree(prod);
	return elapsed;
}

/* (3) items queued from every CPU at once and completed, per second. */
static void run_throughput(const struct contender *c, unsigned int rep)
{
	unsigned int n = burst * num_online_cpus();
	struct bench *b = bench_new(c, n);
	u64 ns;

	if (!b)
		return;
	arm(b, n);
	ns = run_producers(c, b, burst, false);
	if (ns)
		RESULT("throughput", c, rep, "items=%u items_per_s=%llu", n,
		       div64_u64((u64)n * NSEC_PER_SEC, ns));
	bench_free(c, b);
}

/*
 * (6) many_drivers: 8 drivers x 8 devices at once, one work item per device
 * (64 items: IO_WORKITEMs on the 64 devices, WDF work items parented by the
 * 64 WDFDEVICEs, 64 WORK_QUEUE_ITEMs, 64 work_structs), queued by a bound
 * thread per CPU, md_calls queue calls per CPU; the thread of CPU k owns the
 * devices k, k + cpus, ... (every driver has devices on every CPU) and
 * queues a device's item again as soon as its routine has run.  Items
 * completed per second.
 *
 * native_bound puts its 64 work_structs on its one per-CPU workqueue rather
 * than on a workqueue per "driver": ntwq runs every driver's items on the
 * same per-queue-type workqueues, so one shared workqueue is the same shape,
 * and per-CPU workqueues all share the CPU's worker pool anyway.
 */
static void run_many_drivers(const struct contender *c, unsigned int rep)
{
	unsigned int per_cpu = md_calls ? md_calls : 4 * burst;
	unsigned int n = per_cpu * min_t(unsigned int, num_online_cpus(), FLEET_DEVICES);
	struct bench *b;
	u64 ns;

	if (!c->drivers)
		return;
	b = bench_new_on(c, FLEET_DEVICES, true);
	if (!b)
		return;
	arm(b, n);
	ns = run_producers(c, b, per_cpu, true);
	if (ns)
		RESULT("many_drivers", c, rep, "drivers=%u devices=%u items=%u items_per_s=%llu",
		       FLEET_DRIVERS, FLEET_DEVICES, n, div64_u64((u64)n * NSEC_PER_SEC, ns));
	bench_free(c, b);
}

/*
 * (7) chain: a routine queues its own item again until it has run
 * chain_len times (the pattern drivers use for a polling or draining loop);
 * `chains` chains started from every CPU at once.  Runs per second over all
 * chains.  native_bound calls queue_work() on its own work_struct from the
 * work function.
 */
static void run_chain(const struct contender *c, unsigned int rep)
{
	unsigned int len = clamp(chain_len, 1U, max(burst, 1U));
	/* Tiny passes (make test) stay tiny: at most 4 x burst runs per CPU. */
	unsigned int per_cpu = clamp(chains, 1U, max(4 * burst / len, 1U));
	unsigned int n = per_cpu * num_online_cpus();
	struct bench *b;
	u64 ns;

	if (!c->drivers)
		return;
	b = bench_new(c, n);
	if (!b)
		return;
	b->chain_len = len;
	arm(b, n);
	ns = run_producers(c, b, per_cpu, false);
	if (ns)
		RESULT("chain", c, rep, "chains=%u chain_len=%u items=%llu items_per_s=%llu", n, len,
		       (u64)n * len, div64_u64((u64)n * len * NSEC_PER_SEC, ns));
	bench_free(c, b);
}

/* (4) 64 routines that each sleep 10 ms: time until all have finished. */
static void run_blocking(const struct contender *c, unsigned int rep)
{
	struct bench *b = bench_new(c, BLOCKERS);
	unsigned int i;
	u64 t0, t1;

	if (!b)
		return;
	b->sleep_ms = BLOCK_MS;
	arm(b, BLOCKERS);
	t0 = ktime_get_ns();
	for (i = 0; i < BLOCKERS; i++)
		c->queue(b, i);
	if (wait_all(b)) {
		t1 = ktime_get_ns();
		RESULT("blocking", c, rep, "items=%u sleep_ms=%u total_us=%llu", BLOCKERS,
		       BLOCK_MS, (t1 - t0) / 1000);
	}
	bench_free(c, b);
}

/*
 * (5) bytes per work item, per family, from the running modules: what ntwq
 * allocates for an item (the allocator's byte and allocation counters
 * around one allocation; slab_bytes is what kmalloc then reserves), or
 * what the API makes the caller provide.  The sizes depend on the kernel's
 * configuration (a work_struct grows with lockdep, for one).
 */
struct mem_row {
	const char *name;
	const char *storage;      /* "ntwq" allocates it, the "caller" provides it,
				   * or a node is allocated "per_call"
				   */
	unsigned long bytes;      /* 0: not measured (the allocation failed) */
	unsigned long long allocs; /* ntwq: its allocations per item */
};

static void mem_print(const struct mem_row *r)
{
	if (!r->bytes)
		return;
	if (strcmp(r->storage, "ntwq")) {
		pr_info("ntwq_bench: result scenario=memory contender=%s rep=0 cpus=%u bytes_per_item=%lu storage=%s\n",
			r->name, num_online_cpus(), r->bytes, r->storage);
		return;
	}
	pr_info("ntwq_bench: result scenario=memory contender=%s rep=0 cpus=%u bytes_per_item=%lu storage=ntwq allocations=%llu slab_bytes=%zu\n",
		r->name, num_online_cpus(), r->bytes, r->allocs,
		/* One allocation: kmalloc's size class; several: unknown. */
		r->allocs == 1 ? kmalloc_size_roundup(r->bytes) : 0);
}

/* Fills @r with what allocating one item through @alloc took; frees it. */
static void mem_measure(struct mem_row *r, void *(*alloc)(void), void (*free)(void *))
{
	struct ntwq_rt_stats before, after;
	void *item;

	ntwq_rt_get_stats(&before);
	item = alloc();
	ntwq_rt_get_stats(&after);
	if (!item)
		return;
	r->bytes = after.bytes - before.bytes;
	r->allocs = after.allocations - before.allocations;
	free(item);
}

static void *mem_io_alloc(void)
{
	return IoAllocateWorkItem(bench_device);
}

static void mem_io_free(void *item)
{
	IoFreeWorkItem(item);
}

static void *mem_wdf_alloc(void)
{
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	WDFWORKITEM wi;

	WDF_WORKITEM_CONFIG_INIT(&cfg, wdf_fn);
	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.ParentObject = bench_wdf_device;
	return NT_SUCCESS(WdfWorkItemCreate(&cfg, &a, &wi)) ? wi : NULL;
}

static void mem_wdf_free(void *item)
{
	WdfObjectDelete(item);
}

static void *mem_ndis6_alloc(void)
{
	return ndis.allocate_io(bench_adapter);
}

static void mem_ndis6_free(void *item)
{
	ndis.free_io(item);
}

static void run_memory(void)
{
	struct mem_row rows[] = {
		{ "native_bound", "caller", sizeof(struct work_struct) },
		{ "native_mapped", "caller", sizeof(struct work_struct) },
		{ "io", "ntwq" },		/* IoAllocateWorkItem */
		{ "io_storage", "caller", IoSizeofWorkItem() }, /* IoInitializeWorkItem's */
		{ "io_verifier", "ntwq" },	/* IoAllocateWorkItem, verifier on */
		{ "ex", "caller", sizeof(WORK_QUEUE_ITEM) },
		{ "wdf", "ntwq" },		/* WdfWorkItemCreate, no context */
		{ "ndis6", "ntwq" },		/* NdisAllocateIoWorkItem */
		{ "ndis5", "caller", sizeof(NDIS_WORK_ITEM) },
		/* The baseline's caller keeps nothing; each call allocates a node. */
		{ "ndisw", "per_call", sizeof(struct ndisw_node) },
	};
	unsigned int i;

	mem_measure(&rows[2], mem_io_alloc, mem_io_free);
	if (have_verifier()) {
		WRITE_ONCE(ntwq_verifier, true);
		mem_measure(&rows[4], mem_io_alloc, mem_io_free);
		WRITE_ONCE(ntwq_verifier, false);
	}
	mem_measure(&rows[6], mem_wdf_alloc, mem_wdf_free);
	if (have_ndis())
		mem_measure(&rows[7], mem_ndis6_alloc, mem_ndis6_free);
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		mem_print(&rows[i]);
}

/* The many_drivers fleet: 8 drivers x 8 devices, a WDFDEVICE on each. */
static void fleet_destroy(void)
{
	unsigned int i;

	for (i = 0; i < FLEET_DEVICES; i++) {
		if (fleet_wdf_devices[i])
			WdfObjectDelete(fleet_wdf_devices[i]);
		if (fleet_devices[i])
			IoDeleteDevice(fleet_devices[i]);
		fleet_wdf_devices[i] = NULL;
		fleet_devices[i] = NULL;
	}
	for (i = 0; i < FLEET_DRIVERS; i++) {
		if (fleet_drivers[i])
			NtwqDeleteDriver(fleet_drivers[i]);
		fleet_drivers[i] = NULL;
	}
}

static int fleet_create(void)
{
	unsigned int i;
	char name[24];

	for (i = 0; i < FLEET_DRIVERS; i++) {
		snprintf(name, sizeof(name), "ntwq_bench_drv%u", i);
		if (!NT_SUCCESS(NtwqCreateDriver(THIS_MODULE, name, &fleet_drivers[i])))
			goto fail;
	}
	for (i = 0; i < FLEET_DEVICES; i++) {
		if (!NT_SUCCESS(IoCreateDevice(fleet_drivers[i / FLEET_DEVICES_PER_DRIVER], 0, NULL,
					       FILE_DEVICE_UNKNOWN, 0, FALSE, &fleet_devices[i])) ||
		    !NT_SUCCESS(NtwqWdfDeviceCreate(fleet_devices[i], WDF_NO_OBJECT_ATTRIBUTES,
						    &fleet_wdf_devices[i])))
			goto fail;
	}
	return 0;
fail:
	fleet_destroy();
	return -ENOMEM;
}

/*
 * ntwq_ndis's routines, if it is loaded: each symbol_get() pins it, each
 * symbol_put() in ndis_put() lets it go.
 */
static void ndis_put(void)
{
#define NDIS_PUT(field, sym) do { if (ndis.field) symbol_put(sym); ndis.field = NULL; } while (0)
	NDIS_PUT(register_miniport, NtwqNdisRegisterMiniportDriver);
	NDIS_PUT(deregister_miniport, NdisMDeregisterMiniportDriver);
	NDIS_PUT(initialize_adapter, NtwqNdisInitializeAdapter);
	NDIS_PUT(halt_adapter, NtwqNdisHaltAdapter);
	NDIS_PUT(allocate_io, NdisAllocateIoWorkItem);
	NDIS_PUT(queue_io, NdisQueueIoWorkItem);
	NDIS_PUT(free_io, NdisFreeIoWorkItem);
	NDIS_PUT(initialize, NdisInitializeWorkItem);
	NDIS_PUT(schedule, NdisScheduleWorkItem);
#undef NDIS_PUT
}

static bool ndis_get(void)
{
	ndis.register_miniport = symbol_get(NtwqNdisRegisterMiniportDriver);
	ndis.deregister_miniport = symbol_get(NdisMDeregisterMiniportDriver);
	ndis.initialize_adapter = symbol_get(NtwqNdisInitializeAdapter);
	ndis.halt_adapter = symbol_get(NtwqNdisHaltAdapter);
	ndis.allocate_io = symbol_get(NdisAllocateIoWorkItem);
	ndis.queue_io = symbol_get(NdisQueueIoWorkItem);
	ndis.free_io = symbol_get(NdisFreeIoWorkItem);
	ndis.initialize = symbol_get(NdisInitializeWorkItem);
	ndis.schedule = symbol_get(NdisScheduleWorkItem);
	if (ndis.register_miniport && ndis.deregister_miniport && ndis.initialize_adapter &&
	    ndis.halt_adapter && ndis.allocate_io && ndis.queue_io && ndis.free_io &&
	    ndis.initialize && ndis.schedule)
		return true;
	ndis_put();
	return false;
}

/* The NDIS objects: halted and deregistered as NDIS does at unload. */
static void ndis_objects_destroy(void)
{
	unsigned int i;

	for (i = 0; i < FLEET_DEVICES; i++) {
		if (fleet_adapters[i])
			ndis.halt_adapter(fleet_adapters[i]);
		fleet_adapters[i] = NULL;
	}
	for (i = 0; i < FLEET_DRIVERS; i++) {
		if (fleet_miniports[i])
			ndis.deregister_miniport(fleet_miniports[i]);
		fleet_miniports[i] = NULL;
	}
	if (bench_adapter)
		ndis.halt_adapter(bench_adapter);
	if (bench_miniport)
		ndis.deregister_miniport(bench_miniport);
	bench_adapter = bench_miniport = NULL;
}

/* A miniport with one adapter, and the many_drivers fleet: 8 x 8 adapters. */
static int ndis_objects_create(void)
{
	unsigned int i;
	char name[24];

	if (ndis.register_miniport(THIS_MODULE, "ntwq_bench_ndis", NULL, &bench_miniport) !=
		    NDIS_STATUS_SUCCESS ||
	    ndis.initialize_adapter(bench_miniport, NULL, &bench_adapter) != NDIS_STATUS_SUCCESS)
		goto fail;
	for (i = 0; i < FLEET_DRIVERS; i++) {
		snprintf(name, sizeof(name), "ntwq_bench_ndis%u", i);
		if (ndis.register_miniport(THIS_MODULE, name, NULL, &fleet_miniports[i]) !=
		    NDIS_STATUS_SUCCESS)
			goto fail;
	}
	for (i = 0; i < FLEET_DEVICES; i++)
		if (ndis.initialize_adapter(fleet_miniports[i / FLEET_DEVICES_PER_DRIVER], NULL,
					    &fleet_adapters[i]) != NDIS_STATUS_SUCCESS)
			goto fail;
	return 0;
fail:
	ndis_objects_destroy();
	return -ENOMEM;
}

static int __init bench_init(void)
{
	void (*const scenarios[])(const struct contender *, unsigned int) = {
		run_queue_cost, run_latency, run_throughput, run_blocking,
		run_many_drivers, run_chain,
	};
	static const char *const scenario_names[] = {
		"queue_cost", "latency", "throughput", "blocking", "many_drivers", "chain",
	};
	unsigned int rep, k, n = ARRAY_SIZE(contenders);
	bool verifier_was = false;
	unsigned int s;

	if (!NT_SUCCESS(NtwqCreateDriver(THIS_MODULE, "ntwq_bench", &bench_driver)))
		return -ENOMEM;
	if (!NT_SUCCESS(IoCreateDevice(bench_driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE,
				       &bench_device)) ||
	    !NT_SUCCESS(NtwqWdfDeviceCreate(bench_device, WDF_NO_OBJECT_ATTRIBUTES,
					    &bench_wdf_device))) {
		NtwqDeleteDriver(bench_driver);
		return -ENOMEM;
	}
	if (fleet_create()) {
		WdfObjectDelete(bench_wdf_device);
		IoDeleteDevice(bench_device);
		NtwqDeleteDriver(bench_driver);
		return -ENOMEM;
	}
	if (!ndis_get())
		pr_info("ntwq_bench: ndis6 and ndis5 skipped: ntwq_ndis is not loaded\n");
	else if (ndis_objects_create()) {
		pr_info("ntwq_bench: ndis6 and ndis5 skipped: cannot create the NDIS adapters\n");
		ndis_put();
	}
	/* Every contender but io_verifier runs with the verifier off. */
	if (have_verifier()) {
		verifier_was = READ_ONCE(ntwq_verifier);
		WRITE_ONCE(ntwq_verifier, false);
	} else {
		pr_info("ntwq_bench: io_verifier skipped: this ntwq exports no ntwq_verifier\n");
	}
	pr_info("ntwq_bench: start cpus=%u items=%u reps=%u burst=%u md_calls=%u chain_len=%u chains=%u\n",
		num_online_cpus(), items, reps, burst, md_calls ? md_calls : 4 * burst, chain_len,
		chains);
	BUILD_BUG_ON(ARRAY_SIZE(scenario_names) != ARRAY_SIZE(scenarios));
	if (!*only_scenario)
		run_memory();
	/* Interleaved: every scenario, then every contender, the order rotating. */
	for (rep = 0; rep < reps; rep++)
		for (s = 0; s < ARRAY_SIZE(scenarios); s++)
			for (k = 0; k < n; k++) {
				const struct contender *c = &contenders[(k + rep) % n];

				if ((c->verifier && !have_verifier()) || (c->ndis && !have_ndis()))
					continue;
				if ((*only_scenario && strcmp(only_scenario, scenario_names[s])) ||
				    (*only_contender && strcmp(only_contender, c->name)))
					continue;
				scenarios[s](c, rep);
			}
	if (have_verifier())
		WRITE_ONCE(ntwq_verifier, verifier_was);
	pr_info("ntwq_bench: done\n");

	if (have_ndis()) {
		ndis_objects_destroy();
		ndis_put();
	}
	fleet_destroy();
	WdfObjectDelete(bench_wdf_device);
	IoDeleteDevice(bench_device);
	NtwqDeleteDriver(bench_driver);
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("The ntwq maintainers");
MODULE_DESCRIPTION("ntwq benchmark: work items against native queue_work()");
