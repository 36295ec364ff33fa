// SPDX-License-Identifier: GPL-2.0
/*
 * shim_api.cpp - the routines of <ntwq/shim.h>: what a shim (NDIS) builds
 * its work items on.  The same items, checks and pins as the Io routines,
 * with the shim's routine named in diagnostics.
 */
#include <ntwq/shim.h>

#include "bridge/bridge.h"
#include "core/ex_workitem.h"
#include "core/family.h"
#include "core/object.h"
#include "core/verifier.h"
#include "core/work.h"

using namespace ntwq;

namespace {

/* The item behind @handle if it belongs to a registered shim family. */
WorkItem *ShimItem(PIO_WORKITEM handle, const char *api)
{
	WorkItem *item = WorkItem::FromHandle(handle, api);

	if (item && !IsShim(item->api)) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, api, nullptr, item->driver->Name(),
				 "not an item of a shim's family");
		return nullptr;
	}
	return item;
}

} /* namespace */

extern "C" NTSTATUS NtwqRegisterApiFamily(PNTWQ_API_FAMILY Family)
{
	return Families::Register(Family);
}

extern "C" VOID NtwqUnregisterApiFamily(PNTWQ_API_FAMILY Family)
{
	Families::Unregister(Family);
}

extern "C" PIO_WORKITEM NtwqAllocateWorkItem(PNTWQ_API_FAMILY Family, PVOID IoObject,
					     const char *ApiName)
{
	Api api = Families::Of(Family);
	ObjectHeader *object = ObjectHeader::LookupAny(IoObject);

	if (api == Api::Count) {
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, ApiName, nullptr, nullptr,
				 "API family not registered");
		return nullptr;
	}
	if (!object) {
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, ApiName, nullptr, nullptr,
				 IoObject ? "not a live device or driver object" : "NULL object");
		return nullptr;
	}
	return reinterpret_cast<PIO_WORKITEM>(
		WorkItem::Allocate(object, api, ApiName, __builtin_return_address(0)));
}

extern "C" VOID NtwqFreeWorkItem(PIO_WORKITEM IoWorkItem, const char *ApiName)
{
	WorkItem *item = ShimItem(IoWorkItem, ApiName);

	if (item)
		item->Free(ApiName, nullptr);
}

extern "C" BOOLEAN NtwqQueueWorkItem(PIO_WORKITEM IoWorkItem, PVOID Routine,
				     WORK_QUEUE_TYPE QueueType, PVOID Context,
				     const char *ApiName)
{
	WorkItem *item = ShimItem(IoWorkItem, ApiName);

	if (!item)
		return FALSE;
	/* The routine ntwq pins the module for; the family's IoCall calls it. */
	if (!Families::IoCall(item->api) || !item->driver->OwnsCode(Routine)) {
		Verifier::Report(NTWQ_DIAG_INVALID_ROUTINE, ApiName, Routine, item->driver->Name(),
				 "routine is NULL or not in the driver's module; not queued");
		return FALSE;
	}
	return item->Queue(ApiName, Routine, false, QueueType, Context, nullptr) ? TRUE : FALSE;
}

extern "C" BOOLEAN NtwqQueueExWorkItem(PNTWQ_API_FAMILY Family, PWORK_QUEUE_ITEM WorkItem,
				       WORK_QUEUE_TYPE QueueType, module *Caller,
				       const char *ApiName)
{
	Api api = Families::Of(Family);

	if (api == Api::Count || !Families::ExCall(api)) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, ApiName, nullptr,
				 ntwq_module_name(Caller), "API family not registered for Ex items");
		return FALSE;
	}
	return ExQueues::Queue(WorkItem, QueueType, Caller, __builtin_return_address(0), api,
			       ApiName) ? TRUE : FALSE;
}
