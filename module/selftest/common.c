// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - snapshot, totals and probe helpers shared by the scenarios.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "../bridge/bridge.h"
#include "../lib/rt_stats.h"
#include <ntwq/wdm.h>
#include "common.h"

long long runtime_live(void)
{
	struct ntwq_rt_stats st;

	ntwq_rt_get_stats(&st);
	return st.allocations - st.frees;
}

void scn_snapshot(struct scn *s)
{
	unsigned int i;

	for (i = 0; i < NTWQ_DIAG_COUNT; i++)
		s->diag[i] = ntwq_diag_count(i);
	s->live_devices = ntwq_live_devices();
	s->live_drivers = ntwq_live_drivers();
	s->runtime_live = runtime_live();
}



long long diag_delta(struct scn *s, enum ntwq_diag kind)
{
	return ntwq_diag_count(kind) - s->diag[kind];
}

/* Records the totals every scenario reports, after teardown. */
void scn_put_common(struct scn *s, struct ntwq_scn_result *r)
{
	unsigned long long total = 0;
	unsigned int i;

	for (i = 0; i < NTWQ_DIAG_COUNT; i++)
		total += diag_delta(s, i);
	ntwq_scn_put(r, "diag_total", total);
	ntwq_scn_put(r, "live_devices_delta", ntwq_live_devices() - s->live_devices);
	ntwq_scn_put(r, "live_drivers_delta", ntwq_live_drivers() - s->live_drivers);
	ntwq_scn_put(r, "runtime_live_delta", runtime_live() - s->runtime_live);
}

struct probe *probe_new(int target)
{
	struct probe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	init_completion(&p->done);
	init_completion(&p->go);
	p->target = target;
	p->all_in_task = 1;
	return p;
}

void probe_enter(struct probe *p, void *object, void *ctx, PIO_WORKITEM item)
{
	int now = atomic_inc_return(&p->running);
	int irql = KeGetCurrentIrql();
	int max = atomic_read(&p->max_running);

	while (now > max && !atomic_try_cmpxchg(&p->max_running, &max, now))
		;
	p->object = object;
	p->context = ctx;
	p->item = item;
	if (irql > p->max_irql)
		p->max_irql = irql;
	if (!in_task() || in_atomic() || irqs_disabled())
		p->all_in_task = 0;
}

void probe_leave(struct probe *p)
{
	atomic_dec(&p->running);
	if (atomic_inc_return(&p->runs) == p->target)
		complete(&p->done);
}

int probe_wait(struct probe *p, struct completion *c)
{
	return wait_for_completion_timeout(c, WAIT_JIFFIES) > 0;
}

void overlap_init(struct overlap *o, struct probe *p)
{
	o->p = p;
	atomic_set(&o->passes, 0);
	init_completion(&o->second);
}

int overlap_enter(struct overlap *o)
{
	int pass;

	probe_enter(o->p, NULL, o, NULL);
	pass = atomic_inc_return(&o->passes);
	if (pass == 2)
		complete(&o->second);
	return pass;
}

void overlap_wait(struct overlap *o)
{
	wait_for_completion_timeout(&o->second, OVERLAP_JIFFIES);
}



void put_probe(struct ntwq_scn_result *r, struct probe *p)
{
	ntwq_scn_put(r, "runs", atomic_read(&p->runs));
	ntwq_scn_put(r, "max_irql", p->max_irql);
	ntwq_scn_put(r, "all_in_task", p->all_in_task);
}

int scn_setup(struct scn *s, ULONG ext)
{
	memset(s, 0, sizeof(*s));
	scn_snapshot(s);
	if (!NT_SUCCESS(NtwqCreateDriver(THIS_MODULE, "ntwq_selftest", &s->driver)))
		return -ENOMEM;
	if (!NT_SUCCESS(IoCreateDevice(s->driver, ext, NULL, FILE_DEVICE_UNKNOWN, 0,
				       FALSE, &s->device))) {
		NtwqDeleteDriver(s->driver);
		return -ENOMEM;
	}
	if (ext)
		*(u32 *)s->device->DeviceExtension = EXT_MAGIC;
	return 0;
}

/* Deletes the device (unless the scenario did) and the driver: drains. */
void scn_teardown(struct scn *s)
{
	if (s->torn_down)
		return;
	s->torn_down = true;
	if (s->device)
		IoDeleteDevice(s->device);
	NtwqDeleteDriver(s->driver);
}

/* Driver, device with @ext extension bytes, and a probe expecting @target runs. */
int scn_begin(struct scn *s, int target, ULONG ext)
{
	struct probe *p = probe_new(target);

	if (!p || scn_setup(s, ext)) {
		kfree(p);
		return -ENOMEM;
	}
	s->p = p;
	return 0;
}

/* Tears down (if the scenario has not), reports the probe and the totals. */
int scn_alloc_items(struct scn *s, PIO_WORKITEM *items, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		items[i] = IoAllocateWorkItem(s->device);
		if (!items[i]) {
			while (i--)
				IoFreeWorkItem(items[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

int scn_abort(struct scn *s)
{
	scn_finish(s, NULL);
	return -ENOMEM;
}

int scn_finish(struct scn *s, struct ntwq_scn_result *r)
{
	scn_teardown(s);
	if (r && s->p)
		put_probe(r, s->p);
	if (r)
		scn_put_common(s, r);
	kfree(s->p);
	return 0;
}

static int scn_bounded_thread(void *data)
{
	struct scn_bounded *b = data;

	if (b->first)
		b->first(b->arg);
	scn_teardown(b->s);
	/* Completes and exits without returning into this module's text. */
	kthread_complete_and_exit(&b->done, 0);
}

int scn_bounded_prepare(struct scn_bounded *b, struct scn *s)
{
	struct task_struct *t;

	init_completion(&b->done);
	b->s = s;
	t = kthread_create(scn_bounded_thread, b, "ntwq_scn_teardown");
	if (IS_ERR(t))
		return -ENOMEM;
	b->task = t;
	return 0;
}

bool scn_bounded_teardown(struct scn_bounded *b, void (*first)(void *arg), void *arg)
{
	b->first = first;
	b->arg = arg;
	wake_up_process(b->task);
	return wait_for_completion_timeout(&b->done, WAIT_JIFFIES) > 0;
}
