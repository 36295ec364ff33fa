// SPDX-License-Identifier: GPL-2.0
/*
 * registry.cpp - the list behind debugfs `items`.
 */
#include "registry.h"

#include "bridge/bridge.h"
#include "ex_workitem.h"
#include "lib/cxx.h"
#include "lib/spinlock.h"
#include "queues.h"

namespace ntwq {

struct CpuItems {
	SpinLock lock;
	ListNode items; /* L: ItemRecord::node */
};

namespace {

LockClass g_registry_class; /* one class: a CPU's lock never nests another */
CpuItems NTWQ_PERCPU *g_lists; /* I: per-CPU */

CpuItems *On(int cpu)
{
	return static_cast<CpuItems *>(ntwq_per_cpu_ptr(g_lists, cpu));
}

} /* namespace */

int Registry::Init() noexcept
{
	g_lists = static_cast<CpuItems NTWQ_PERCPU *>(
		ntwq_alloc_percpu(sizeof(CpuItems), alignof(CpuItems)));
	if (!g_lists)
		return -kENOMEM;
	for (int cpu = ntwq_next_possible_cpu(-1); cpu < ntwq_nr_cpu_ids();
	     cpu = ntwq_next_possible_cpu(cpu)) {
		On(cpu)->lock.Init("ntwq_registry", g_registry_class);
		On(cpu)->items.Init();
	}
	return 0;
}

void Registry::Exit() noexcept
{
	ntwq_free_percpu(g_lists);
	g_lists = nullptr;
}

void Registry::Add(ItemRecord *record) noexcept
{
	unsigned long flags = ntwq_local_irq_save();
	auto *l = static_cast<CpuItems *>(ntwq_this_cpu_ptr(g_lists));

	l->lock.Lock();
	l->items.InsertTail(&record->node);
	record->home = l;
	l->lock.Unlock();
	ntwq_local_irq_restore(flags);
}

void Registry::Remove(ItemRecord *record) noexcept
{
	SpinGuard<IrqSave> guard(record->home->lock);
	record->node.Remove();
}

void Registry::Replace(ItemRecord *queued, ItemRecord *running) noexcept
{
	Remove(queued);
	Add(running);
}

int Registry::Show(seq_file *seq, void *)
{
	u64 now = ntwq_ktime_get_ns();

	ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12s %s\n", "api", "state", "queue",
			"driver", "age_us", "routine");
	for (int cpu = ntwq_next_possible_cpu(-1); cpu < ntwq_nr_cpu_ids();
	     cpu = ntwq_next_possible_cpu(cpu)) {
		CpuItems *l = On(cpu);
		SpinGuard<IrqSave> guard(l->lock);

		for (ListNode *n = l->items.next; n != &l->items; n = n->next) {
			ItemRecord *r = NTWQ_CONTAINER_OF(n, ItemRecord, node);
			ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12llu %ps\n",
					ApiName(r->api), r->running ? "running" : "queued",
					Queues::Name(r->queue), r->driver,
					(now - r->since_ns) / 1000, r->routine);
		}
	}
	/* Queued Ex items live in their FIFOs (no room in them for a record). */
	ExQueues::ShowQueued(seq);
	return 0;
}

} /* namespace ntwq */
