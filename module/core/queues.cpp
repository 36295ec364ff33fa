// SPDX-License-Identifier: GPL-2.0
/*
 * queues.cpp - creating the workqueues and mapping queue types onto them.
 */
#include "queues.h"

#include <ntwq/wdm.h>

#include "bridge/bridge.h"
#include "ntwq_layout.h"

namespace ntwq {
namespace {

struct QueueSpec {
	const char *name;
	unsigned int flags;
};

constexpr unsigned int kHigh = NTWQ_WQ_HIGHPRI | NTWQ_WQ_MEM_RECLAIM;
constexpr unsigned int kNormal = NTWQ_WQ_MEM_RECLAIM;
constexpr unsigned int kLow = NTWQ_WQ_UNBOUND | NTWQ_WQ_SYSFS | NTWQ_WQ_MEM_RECLAIM;

/* In QueueIndex order. */
constexpr QueueSpec kSpecs[] = {
	{ "ntwq_critical", kHigh },
	{ "ntwq_delayed", kNormal },
	{ "ntwq_hypercritical", kHigh },
	{ "ntwq_normal", kNormal },
	{ "ntwq_background", kLow },
	{ "ntwq_realtime", kHigh },
	{ "ntwq_supercritical", kHigh },
	{ "ntwq_custom_high", kHigh },
	{ "ntwq_custom", kNormal },
	{ "ntwq_custom_low", kLow },
};
static_assert(ArraySize(kSpecs) == kQueueCount, "one spec per QueueIndex");

constexpr bool BoundMatchesSpecs()
{
	for (u32 i = 0; i < kQueueCount; i++)
		if (Queues::Bound(i) != !(kSpecs[i].flags & NTWQ_WQ_UNBOUND))
			return false;
	return true;
}
static_assert(BoundMatchesSpecs(), "Queues::Bound() says which specs are per-CPU");

workqueue_struct *g_internal; /* I */

} /* namespace */

int Queues::Init() noexcept
{
	for (u32 i = 0; i < kQueueCount; i++) {
		wq_[i] = ntwq_alloc_workqueue(kSpecs[i].name, kSpecs[i].flags, 0);
		if (!wq_[i]) {
			Exit();
			return -kENOMEM;
		}
	}
	/*
	 * A rescuer here too: NtwqDeleteDriver (module_exit, possibly under
	 * memory pressure) waits on the KMDF cleanup jobs this queue runs.
	 */
	g_internal = ntwq_alloc_workqueue("ntwq_internal", NTWQ_WQ_MEM_RECLAIM, 0);
	if (!g_internal) {
		Exit();
		return -kENOMEM;
	}
	return 0;
}

void Queues::Exit() noexcept
{
	/* Internal jobs first: they may still queue or flush work items. */
	ntwq_destroy_workqueue(g_internal);
	g_internal = nullptr;
	for (u32 i = 0; i < kQueueCount; i++) {
		ntwq_destroy_workqueue(wq_[i]);
		wq_[i] = nullptr;
	}
}

workqueue_struct *Queues::wq_[kQueueCount];

int Queues::CustomIndexOf(unsigned int type) noexcept
{
	if (type < MaximumWorkQueue)
		return static_cast<int>(type);
	if (type >= CustomPriorityWorkQueue && type < CustomPriorityWorkQueue + 32) {
		/* Windows thread priorities: 13+ above the normal workers, 7- below. */
		unsigned int priority = type - CustomPriorityWorkQueue;
		if (priority >= 13)
			return kQueueCustomHigh;
		return priority <= 7 ? kQueueCustomLow : kQueueCustom;
	}
	return -1;
}

workqueue_struct *Queues::Internal() noexcept
{
	return g_internal;
}

const char *Queues::Name(u32 index) noexcept
{
	return index < kQueueCount ? kSpecs[index].name : "?";
}

} /* namespace ntwq */
