/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ex_workitem.h - executive work items (WORK_QUEUE_ITEM) without allocation.
 *
 * A WORK_QUEUE_ITEM is 32 bytes of fixed Windows layout: no room for a
 * WorkItem.  It is linked into the dispatch engine's FIFOs (engine.h)
 * through its own List: while it is queued List.Flink links it (never NULL)
 * and List.Blink holds its WorkPin (work.h), which for an executive item is
 * the caller's THIS_MODULE pinned: one pointer, whose low bits tag the
 * items a shim queued (family.h) with their family.  States, in
 * List.Flink: NULL (idle: the owner's), kClaimed (a queuer is linking it),
 * linked (queued); the claim is one compare-and-exchange from NULL, as
 * WorkItem's Claim.  A dispatcher takes the item, reads its routine,
 * parameter and pin, sets Flink back to NULL (from then on the item
 * belongs to its owner again: it may be re-queued or freed, even by its
 * own routine) and calls the routine; ntwq never touches the item after
 * that.  The dispatcher stops naming a routine in debugfs `items` before
 * it drops the routine's pin.  A routine that re-queues its own item onto
 * another queue type is serialised by the engine's busy table: that pass
 * runs after this one returns, on this dispatcher.
 */
#ifndef _NTWQ_CORE_EX_WORKITEM_H
#define _NTWQ_CORE_EX_WORKITEM_H

#include <ntwq/wdm.h>

#include "lib/cxx.h"
#include "stats.h"

namespace ntwq {

class ExQueues {
public:
	/*
	 * Queues @item for @caller's code; @api is Ex or the shim family whose
	 * ExCall runs it, @api_name the routine diagnostics name; @site, the
	 * API's caller, is named by diagnostics in verifier mode.  False if
	 * refused (a diagnostic).
	 */
	static bool Queue(PWORK_QUEUE_ITEM item, unsigned int queue_type, module *caller,
			  const void *site, Api api = Api::Ex,
			  const char *api_name = "ExQueueWorkItem") noexcept;
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_EX_WORKITEM_H */
