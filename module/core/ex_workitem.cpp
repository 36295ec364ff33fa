// SPDX-License-Identifier: GPL-2.0
/*
 * ex_workitem.cpp - ExQueueWorkItem's checks and claim; the engine runs the items.
 */
#include "ex_workitem.h"

#include "bridge/bridge.h"
#include "engine.h"
#include "family.h"
#include "queues.h"
#include "trace.h"
#include "verifier.h"
#include "work.h"

namespace ntwq {
namespace {

/* Marks an item claimed by a queuer, between the claim and the link. */
PLIST_ENTRY const kClaimed = reinterpret_cast<PLIST_ENTRY>(1);

/*
 * List.Blink of a queued item: its pin (the caller's module, 64-byte
 * aligned: bridge/module.c asserts it) with the family's tag in the low
 * bits (0: ExQueueWorkItem; n: shim slot n - 1, family.h).
 */
PLIST_ENTRY PackBlink(module *owner, Api api)
{
	return reinterpret_cast<PLIST_ENTRY>(reinterpret_cast<uintptr>(owner) | Families::Tag(api));
}

} /* namespace */

bool ExQueues::Queue(PWORK_QUEUE_ITEM item, unsigned int queue_type, module *caller,
		     const void *site, Api api, const char *api_name) noexcept
{
	const char *who = ntwq_module_name(caller);

	/* The one test of the verifier switch on the queue path. */
	if (__builtin_expect(Verifier::On(), 0))
		Verifier::CheckQueueIrql(api_name,
					 item ? reinterpret_cast<const void *>(item->WorkerRoutine)
					      : nullptr,
					 who, site);
	else
		site = nullptr;
	if (!item) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, api_name, nullptr, who,
				 "NULL work item", site);
		return false;
	}
	const void *routine = reinterpret_cast<const void *>(item->WorkerRoutine);
	int index = Queues::IndexOf(queue_type);
	if (index < 0) {
		Verifier::Report(NTWQ_DIAG_INVALID_QUEUE_TYPE, api_name, routine, who,
				 "invalid WORK_QUEUE_TYPE; not queued", site);
		return false;
	}
	/* Code of built-in callers (no module) is not checked: nothing to pin. */
	if (!routine || (caller && !ntwq_within_module_text(routine, caller))) {
		Verifier::Report(NTWQ_DIAG_INVALID_ROUTINE, api_name, routine, who,
				 "routine is NULL or not in the caller's module; not queued", site);
		return false;
	}
	/*
	 * The caller's module, unless it is unloading: then its exit is
	 * running, and the module is freed when the exit returns, whatever
	 * references it holds (rmmod has checked them already).
	 */
	WorkPin pin = WorkPin::OfModule(caller);
	if (!pin.Pins(caller)) {
		Verifier::Report(NTWQ_DIAG_DRIVER_GONE, api_name, routine, who,
				 "the caller's module is unloading; not queued", site);
		return false;
	}
	/* Claim the item: List.Flink is NULL only for an item not queued. */
	PLIST_ENTRY expected = nullptr;
	if (!__atomic_compare_exchange_n(&item->List.Flink, &expected, kClaimed, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		Verifier::Report(NTWQ_DIAG_QUEUE_QUEUED, api_name, routine, who,
				 "List.Flink is not NULL: already queued (or never initialised); it runs once",
				 site);
		return false; /* the pin goes back */
	}

	/* Claimed: it will be queued, and no dispatcher has seen it yet. */
	if (trace::QueueOn())
		ntwq_trace_queue(item, routine, trace::Family(api), queue_type, Queues::Name(index),
				 who);

	/* The pin travels in List.Blink until a dispatcher takes the item. */
	Engine::PushEx(item, PackBlink(pin.IntoRaw(), api), static_cast<u32>(index), api);
	return true;
}

} /* namespace ntwq */
