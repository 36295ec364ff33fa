// SPDX-License-Identifier: GPL-2.0
/*
 * ex_workitem_api.cpp - ExQueueWorkItem (ExInitializeWorkItem is inline in
 * <ntwq/wdm.h>).  The name is parenthesised so the header's macro, which
 * adds the caller's THIS_MODULE, does not apply to the definition.
 */
#include <ntwq/binary.h>
#include <ntwq/wdm.h>

#include "core/ex_workitem.h"
#include "core/family.h"

extern "C" VOID (ExQueueWorkItem)(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType,
				  module *NtwqCaller)
{
	ntwq::ExQueues::Queue(WorkItem, QueueType, NtwqCaller, __builtin_return_address(0));
}

/* A Windows binary's ExQueueWorkItem (<ntwq/binary.h>): its routine has the
 * Windows calling convention, so the item runs in the "win" family. */
extern "C" VOID NtwqBinaryExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType,
					  module *NtwqCaller)
{
	ntwq::ExQueues::Queue(WorkItem, QueueType, NtwqCaller, __builtin_return_address(0),
			      ntwq::Families::Binary(), "ExQueueWorkItem");
}
