// SPDX-License-Identifier: GPL-2.0
/*
 * runs.cpp - the table of runs in progress (runs.h).
 */
#include "runs.h"

#include "bridge/bridge.h"
#include "engine.h"

namespace ntwq {
namespace {

constexpr u32 kSlotBits = 10;
constexpr u32 kSlots = 1u << kSlotBits;
constexpr u32 kProbe = 16;

/* Four slots to a line: a worker's slot and its probe neighbours. */
RunSlot g_slots[kSlots];

u32 Home(const void *task)
{
	/* Fibonacci hashing: task_structs are large, their low bits alike. */
	u64 h = reinterpret_cast<uintptr>(task) * 0x9e3779b97f4a7c15ull;

	return static_cast<u32>(h >> (64 - kSlotBits));
}

} /* namespace */

RunMark::RunMark(DriverBlock *driver) noexcept : slot_(nullptr)
{
	const void *task = ntwq_current_task();
	u32 home = Home(task);

	if (!driver)
		return;
	for (u32 i = 0; i < kProbe; i++) {
		RunSlot *s = &g_slots[(home + i) & (kSlots - 1)];
		const void *expected = nullptr;

		if (s->task.Load() == nullptr && s->task.CompareExchange(expected, task)) {
			s->driver = driver;
			slot_ = s;
			return;
		}
	}
}

RunMark::~RunMark()
{
	if (slot_) {
		slot_->driver = nullptr;
		slot_->task.StoreRelease(nullptr);
	}
}

bool RunningWorkOf(const DriverBlock *driver) noexcept
{
	/* A routine, called by a dispatcher, which records whose it is. */
	if (Engine::CallerRuns(driver))
		return true;
	const void *task = ntwq_current_task();
	u32 home = Home(task);

	for (u32 i = 0; i < kProbe; i++) {
		RunSlot *s = &g_slots[(home + i) & (kSlots - 1)];

		if (s->task.Load() == task && s->driver == driver)
			return true;
	}
	return false;
}

} /* namespace ntwq */
