/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runs.h - which driver's work the calling thread is running now.
 *
 * Design note.  NtwqDeleteDriver waits until no pinned run of its driver is
 * left; called from one of those runs (a routine, a KMDF callback or cleanup
 * job) it would wait for itself forever.  So whatever calls a driver's code
 * under a pin of that driver records it for exactly the call's duration,
 * and the delete asks RunningWorkOf() whether its own thread is inside
 * such a call.  The engine's dispatchers (routines and KMDF callbacks)
 * record the driver in the dispatcher, which its worker finds through
 * current_work(): nothing shared is written.  Other callers of driver code
 * (the KMDF cleanup jobs) mark the call with a RunMark (worker task,
 * driver) in the table below.
 *
 * The marks live in one fixed table of slots, hashed by task with linear
 * probing.  A slot is claimed by one compare-and-exchange of its task from
 * nullptr, written and cleared only by the task that claimed it, and looked
 * up only by that task: a lookup never races with a change of what it looks
 * for, and nothing is locked.  A run that finds no free slot within kProbe
 * tries (kProbe routines hashed together, all running at once) is not
 * marked; a delete from it then waits like any other, which is the one case
 * not diagnosed.  A run touches one cache line of the table, chosen by its
 * worker thread, so the CPUs' workers do not share lines.
 *
 * Field legend: A: atomic (the claim); O: written by the slot's owner task.
 */
#ifndef _NTWQ_CORE_RUNS_H
#define _NTWQ_CORE_RUNS_H

#include "lib/atomic.h"
#include "lib/cxx.h"

namespace ntwq {

struct DriverBlock;

struct RunSlot {
	Atomic<const void *> task; /* A: the worker that claimed the slot, or nullptr */
	DriverBlock *driver = nullptr; /* O: whose code it is calling */
};

/* Marks the calling thread as running @driver's code for its scope. */
class RunMark {
public:
	explicit RunMark(DriverBlock *driver) noexcept;
	~RunMark();
	RunMark(const RunMark &) = delete;
	RunMark &operator=(const RunMark &) = delete;

private:
	RunSlot *slot_; /* nullptr: not marked (table full here, or no driver) */
};

/* Is the calling thread inside a marked run of @driver? */
bool RunningWorkOf(const DriverBlock *driver) noexcept;

} /* namespace ntwq */

#endif /* _NTWQ_CORE_RUNS_H */
