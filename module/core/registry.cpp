// SPDX-License-Identifier: GPL-2.0
/*
 * registry.cpp - the list behind debugfs `items`.
 */
#include "registry.h"

#include "bridge/bridge.h"
#include "ex_workitem.h"
#include "lib/spinlock.h"
#include "queues.h"

namespace ntwq {
namespace {

LockClass g_registry_class;
SpinLock g_lock;  /* guards g_items */
ListNode g_items; /* L: ItemRecord::node */

} /* namespace */

void Registry::Init() noexcept
{
	g_lock.Init("ntwq_registry", g_registry_class);
	g_items.Init();
}

void Registry::Add(ItemRecord *record) noexcept
{
	SpinGuard<IrqSave> guard(g_lock);
	g_items.InsertTail(&record->node);
}

void Registry::Remove(ItemRecord *record) noexcept
{
	SpinGuard<IrqSave> guard(g_lock);
	record->node.Remove();
}

void Registry::Replace(ItemRecord *queued, ItemRecord *running) noexcept
{
	SpinGuard<IrqSave> guard(g_lock);
	queued->node.Remove();
	g_items.InsertTail(&running->node);
}

int Registry::Show(seq_file *seq, void *)
{
	u64 now = ntwq_ktime_get_ns();

	ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12s %s\n", "api", "state", "queue",
			"driver", "age_us", "routine");
	{
		SpinGuard<IrqSave> guard(g_lock);
		for (ListNode *n = g_items.next; n != &g_items; n = n->next) {
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
