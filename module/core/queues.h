/* SPDX-License-Identifier: GPL-2.0 */
/*
 * queues.h - the Linux workqueues behind Windows' WORK_QUEUE_TYPEs.
 *
 * One named workqueue per Windows queue type, plus three for
 * CustomPriorityWorkQueue + priority (high, normal, low).  All have a rescuer
 * (WQ_MEM_RECLAIM), so an item that is queued starts even when no worker can
 * be created.  Critical, HyperCritical, SuperCritical and RealTime run on
 * WQ_HIGHPRI pools; Delayed and Normal on the normal per-CPU pools;
 * Background (and low custom priorities) on an unbound workqueue exposed in
 * sysfs, where an administrator can lower its nice value.  Created at load,
 * destroyed (drained) at unload; immutable in between.
 */
#ifndef _NTWQ_CORE_QUEUES_H
#define _NTWQ_CORE_QUEUES_H

#include "lib/cxx.h"

struct workqueue_struct;

namespace ntwq {

enum QueueIndex : u32 {
	kQueueCritical,
	kQueueDelayed,
	kQueueHyperCritical,
	kQueueNormal,
	kQueueBackground,
	kQueueRealTime,
	kQueueSuperCritical,
	kQueueCustomHigh,
	kQueueCustom,
	kQueueCustomLow,
	kQueueCount
};

class Queues {
public:
	static int Init() noexcept;
	static void Exit() noexcept;
	/* The queue for a WORK_QUEUE_TYPE value, or -1 if it is not valid. */
	static int IndexOf(unsigned int type) noexcept
	{
		if (type < kQueueCustomHigh)
			return static_cast<int>(type); /* QueueIndex follows Windows' values */
		return CustomIndexOf(type);
	}
	static workqueue_struct *Get(u32 index) noexcept { return wq_[index]; }
	/* A per-CPU workqueue (false: unbound, items may run on any CPU)? */
	static constexpr bool Bound(u32 index) noexcept
	{
		return index != kQueueBackground && index != kQueueCustomLow;
	}
	/*
	 * ntwq's own jobs (finishing a WDF delete or destroy at PASSIVE_LEVEL):
	 * a queue of their own, so they may flush items of the queues above.
	 */
	static workqueue_struct *Internal() noexcept;
	static const char *Name(u32 index) noexcept;

private:
	static int CustomIndexOf(unsigned int type) noexcept;
	static workqueue_struct *wq_[kQueueCount]; /* I: set in Init, read-only until Exit */
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_QUEUES_H */
