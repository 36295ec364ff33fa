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
 *	ex            - ExQueueWorkItem (DelayedWorkQueue)
 *	wdf           - WdfWorkItemEnqueue
 *	ndisw         - the way existing compat layers do it: one ordered
 *	                single-threaded workqueue for everything and a
 *	                kmalloc'd node per queue call
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <ntwq/wdf.h>
#include "../module/lib/rt_stats.h"

MODULE_IMPORT_NS(NTWQ_INTERNAL);

static unsigned int items = 100000;
module_param(items, uint, 0444);
MODULE_PARM_DESC(items, "items per latency run (default 100000)");
static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of every scenario (default 5)");
static unsigned int burst = 10000;
module_param(burst, uint, 0444);
MODULE_PARM_DESC(burst, "items per queue-cost and per-CPU throughput run (default 10000)");

enum { BLOCKERS = 64, BLOCK_MS = 10 };

struct bench;

/* One work item's bookkeeping, the Context/Parameter of every routine. */
struct slot {
	struct bench *b;
	u64 queued_ns;
	u64 started_ns;
};

struct bench {
	struct slot *slots;
	unsigned int n;
	atomic_t done;
	unsigned int target;
	struct completion all_done;
	unsigned int sleep_ms; /* routines sleep this long (blocking scenario) */
	/* contender state */
	struct workqueue_struct *wq;
	void **handles;       /* per-item native work / IO_WORKITEM / WDFWORKITEM / WORK_QUEUE_ITEM */
	atomic_long_t allocations; /* the ndisw baseline's kmallocs */
};

static PDRIVER_OBJECT bench_driver;
static PDEVICE_OBJECT bench_device;
static WDFDEVICE bench_wdf_device;

static void slot_ran(struct slot *s)
{
	struct bench *b = s->b;

	s->started_ns = ktime_get_ns();
	if (b->sleep_ms)
		msleep(b->sleep_ms);
	if (atomic_inc_return(&b->done) == b->target)
		complete(&b->all_done);
}

/* ---- contenders ---- */

struct contender {
	const char *name;
	int (*setup)(struct bench *b);
	void (*queue)(struct bench *b, unsigned int i);
	void (*teardown)(struct bench *b);
};

struct native_item {
	struct work_struct work;
	struct slot *s;
};

static void native_fn(struct work_struct *w)
{
	slot_ran(container_of(w, struct native_item, work)->s);
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
	return native_setup_flags(b, 0, "bench_bound");
}

static int native_mapped_setup(struct bench *b)
{
	return native_setup_flags(b, WQ_MEM_RECLAIM, "bench_mapped");
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
	slot_ran(Context);
}

static int io_setup(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		b->handles[i] = IoAllocateWorkItem(bench_device);
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

static void ex_fn(PVOID Parameter)
{
	slot_ran(Parameter);
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
	slot_ran(BenchContext(WorkItem)->s);
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
		a.ParentObject = bench_wdf_device;
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
	slot_ran(ctx);
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

static struct contender contenders[] = {
	{ "native_bound", native_bound_setup, native_queue, native_teardown },
	{ "native_mapped", native_mapped_setup, native_queue, native_teardown },
	{ "io", io_setup, io_queue, io_teardown },
	{ "ex", ex_setup, ex_queue, ex_teardown },
	{ "wdf", wdf_setup, wdf_queue, wdf_teardown },
	{ "ndisw", ndisw_setup, ndisw_queue, ndisw_teardown },
};

/* ---- harness ---- */

static struct bench *bench_new(const struct contender *c, unsigned int n)
{
	struct bench *b = kzalloc(sizeof(*b), GFP_KERNEL);
	unsigned int i;

	if (!b)
		return NULL;
	b->n = n;
	b->slots = vcalloc(n, sizeof(*b->slots));
	b->handles = vcalloc(n, sizeof(*b->handles));
	if (!b->slots || !b->handles)
		goto fail;
	for (i = 0; i < n; i++)
		b->slots[i].b = b;
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
 * (5) allocations per queue call, counted. */
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
	unsigned int first, count;
	struct completion *go;
	struct completion finished;
	bool threaded; /* false: its thread could not start; run inline */
};

static void produce(struct producer *p)
{
	unsigned int i;

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

/* (3) items queued from every CPU at once and completed, per second. */
static void run_throughput(const struct contender *c, unsigned int rep)
{
	unsigned int cpus = num_online_cpus(), n = burst * cpus, k = 0, i, cpu;
	struct producer *prod = kcalloc(cpus, sizeof(*prod), GFP_KERNEL);
	struct bench *b = bench_new(c, n);
	DECLARE_COMPLETION_ONSTACK(go);
	u64 t0, t1;

	if (!prod || !b)
		goto out;
	arm(b, n);
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (k == cpus)
			break;
		prod[k] = (struct producer){ .c = c, .b = b, .first = k * burst,
					     .count = burst, .go = &go };
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
	/* Every item is queued exactly once, so the target is reached. */
	if (wait_all(b)) {
		t1 = ktime_get_ns();
		RESULT("throughput", c, rep, "items=%u items_per_s=%llu", n,
		       div64_u64((u64)n * NSEC_PER_SEC, t1 - t0));
	}
	for (i = 0; i < k; i++)
		if (prod[i].threaded)
			wait_for_completion(&prod[i].finished);
out:
	kfree(prod);
	if (b)
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

/* (5) bytes per work item: what the API makes the caller or ntwq allocate. */
static void run_memory(void)
{
	static const char *const names[] = { "native_bound", "native_mapped", "io", "ex",
					     "wdf", "ndisw" };
	struct ntwq_rt_stats before, after;
	WDF_OBJECT_ATTRIBUTES a;
	WDF_WORKITEM_CONFIG cfg;
	unsigned long bytes[ARRAY_SIZE(names)];
	PIO_WORKITEM io;
	WDFWORKITEM wi;
	unsigned int i;

	bytes[0] = bytes[1] = sizeof(struct work_struct);
	ntwq_rt_get_stats(&before);
	io = IoAllocateWorkItem(bench_device);
	ntwq_rt_get_stats(&after);
	bytes[2] = after.bytes - before.bytes;
	IoFreeWorkItem(io);
	bytes[3] = sizeof(WORK_QUEUE_ITEM);
	WDF_WORKITEM_CONFIG_INIT(&cfg, wdf_fn);
	WDF_OBJECT_ATTRIBUTES_INIT(&a);
	a.ParentObject = bench_wdf_device;
	bytes[4] = 0;
	ntwq_rt_get_stats(&before);
	if (NT_SUCCESS(WdfWorkItemCreate(&cfg, &a, &wi))) {
		ntwq_rt_get_stats(&after);
		bytes[4] = after.bytes - before.bytes;
		WdfObjectDelete(wi);
	}
	/* The baseline's caller keeps nothing; each call allocates a node. */
	bytes[5] = sizeof(struct ndisw_node);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		pr_info("ntwq_bench: result scenario=memory contender=%s rep=0 cpus=%u bytes_per_item=%lu\n",
			names[i], num_online_cpus(), bytes[i]);
}

static int __init bench_init(void)
{
	unsigned int rep, k, n = ARRAY_SIZE(contenders);
	void (*const scenarios[])(const struct contender *, unsigned int) = {
		run_queue_cost, run_latency, run_throughput, run_blocking,
	};
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
	pr_info("ntwq_bench: start cpus=%u items=%u reps=%u burst=%u\n", num_online_cpus(),
		items, reps, burst);
	run_memory();
	/* Interleaved: every scenario, then every contender, the order rotating. */
	for (rep = 0; rep < reps; rep++)
		for (s = 0; s < ARRAY_SIZE(scenarios); s++)
			for (k = 0; k < n; k++)
				scenarios[s](&contenders[(k + rep) % n], rep);
	pr_info("ntwq_bench: done\n");

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
MODULE_DESCRIPTION("ntwq benchmark: work items against native queue_work()");
