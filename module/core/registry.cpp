// SPDX-License-Identifier: GPL-2.0
/*
 * registry.cpp - the list behind debugfs `items`.
 */
#include "registry.h"

#include "bridge/bridge.h"
#include "engine.h"
#include "lib/spinlock.h"
#include "lib/runtime.h"
#include "queues.h"
#include "verifier.h"

namespace ntwq {
namespace {

LockClass g_registry_class;

/* One list per CPU; padded so two CPUs' shards do not share a cache line. */
struct ShardBody {
	SpinLock lock;  /* guards items */
	ListNode items; /* L: ItemRecord::node */
};
constexpr size_t kCacheLine = 64;
struct Shard : ShardBody {
	char pad[kCacheLine - sizeof(ShardBody) % kCacheLine];
};

Shard *g_shards;   /* I: ntwq_nr_cpu_ids() of them */
u32 g_shard_count; /* I */

static_assert(__builtin_offsetof(ShardBody, lock) == 0, "the lock comes first");

/* Interrupts off and this CPU's shard locked (one call); @record names it. */
Shard &LockHere(ItemRecord *record, unsigned long *flags)
{
	auto *shard = static_cast<Shard *>(
		ntwq_spin_lock_irqsave_local(g_shards, sizeof(Shard), flags));

	record->shard = static_cast<u32>(shard - g_shards);
	return *shard;
}

} /* namespace */

int Registry::Init() noexcept
{
	g_shard_count = ntwq_nr_cpu_ids();
	g_shards = static_cast<Shard *>(ntwq_rt_alloc(sizeof(Shard) * g_shard_count,
						      NTWQ_GFP_KERNEL));
	if (!g_shards)
		return -kENOMEM;
	for (u32 i = 0; i < g_shard_count; i++) {
		g_shards[i].lock.Init("ntwq_registry", g_registry_class);
		g_shards[i].items.Init();
	}
	return 0;
}

void Registry::Exit() noexcept
{
	ntwq_rt_free(g_shards);
	g_shards = nullptr;
}

void Registry::Add(ItemRecord *record) noexcept
{
	unsigned long flags;
	Shard &shard = LockHere(record, &flags);

	shard.items.InsertTail(&record->node);
	record->listed = true;
	shard.lock.UnlockIrqRestore(flags);
}

void Registry::Remove(ItemRecord *record) noexcept
{
	SpinGuard<IrqSave> guard(g_shards[record->shard].lock);
	record->node.Remove();
	record->listed = false;
}

void Registry::Replace(ItemRecord *queued, ItemRecord *running) noexcept
{
	unsigned long flags;
	Shard &shard = LockHere(running, &flags);

	if (running->shard == queued->shard) {
		/* The common case on bound queues: one critical section. */
		queued->node.Remove();
		queued->listed = false;
		shard.items.InsertTail(&running->node);
		running->listed = true;
		shard.lock.UnlockIrqRestore(flags);
		return;
	}
	/* The CPU changed: listed here first, so `items` never misses the item
	 * (it may show it twice for a moment). */
	shard.items.InsertTail(&running->node);
	running->listed = true;
	shard.lock.UnlockIrqRestore(flags);
	Remove(queued);
}

bool Registry::TakeLongRunning(u64 now_ns, u64 threshold_ns, LongRun *out) noexcept
{
	for (u32 i = 0; i < g_shard_count; i++) {
		Shard &shard = g_shards[i];
		SpinGuard<IrqSave> guard(shard.lock);
		for (ListNode *n = shard.items.next; n != &shard.items; n = n->next) {
			ItemRecord *r = NTWQ_CONTAINER_OF(n, ItemRecord, node);

			if (!r->running || r->reported || r->since_ns > now_ns ||
			    now_ns - r->since_ns < threshold_ns)
				continue;
			r->reported = true;
			out->api = ApiName(r->api);
			out->routine = r->routine;
			out->SetDriver(r->driver);
			out->ran_ns = now_ns - r->since_ns;
			/* Listed: the routine has not returned, so its worker is alive. */
			out->frames = ntwq_task_stack(r->task, out->stack, kLongRunFrames);
			return true;
		}
	}
	return false;
}

int Registry::Show(seq_file *seq, void *)
{
	u64 now = ntwq_ktime_get_ns();

	ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12s %s\n", "api", "state", "queue",
			"driver", "age_us", "routine");
	for (u32 i = 0; i < g_shard_count; i++) {
		Shard &shard = g_shards[i];
		SpinGuard<IrqSave> guard(shard.lock);
		for (ListNode *n = shard.items.next; n != &shard.items; n = n->next) {
			ItemRecord *r = NTWQ_CONTAINER_OF(n, ItemRecord, node);
			ntwq_seq_printf(seq, "%-4s %-8s %-20s %-16s %12llu %ps\n",
					ApiName(r->api), r->running ? "running" : "queued",
					Queues::Name(r->queue), r->driver,
					(now - r->since_ns) / 1000, r->routine);
		}
	}
	/* Ex items are shown from their FIFOs and dispatchers (no room in them for a record). */
	Engine::Show(seq, now);
	return 0;
}

} /* namespace ntwq */
