// SPDX-License-Identifier: GPL-2.0
/*
 * io_workitem_api.cpp - the WDM work-item routines.
 */
#include <ntwq/binary.h>
#include <ntwq/wdm.h>

#include "core/family.h"
#include "core/work.h"
#include "core/object.h"
#include "bridge/bridge.h"
#include "core/verifier.h"
#include "lib/runtime.h"

using namespace ntwq;

namespace {

ObjectHeader *LookupIoObject(PVOID object, ObjectKind kind, bool any, const char *api)
{
	ObjectHeader *h = any ? ObjectHeader::LookupAny(object)
			      : ObjectHeader::Lookup(object, kind);

	if (!h)
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, api, nullptr, nullptr,
				 object ? "not a live device or driver object" : "NULL object");
	return h;
}

/* A driver's routine must lie in its module: that is the module ntwq pins. */
bool RoutineOk(WorkItem *item, const void *routine, const char *api, const void *site)
{
	if (item->driver->OwnsCode(routine))
		return true;
	Verifier::Report(NTWQ_DIAG_INVALID_ROUTINE, api, routine, item->driver->Name(),
			 "routine is NULL or not in the driver's module; not queued",
			 Verifier::Site(site));
	return false;
}

/* IoAllocateWorkItem of @family: Io, or Families::Binary() for a binary. */
NTWQ_ALWAYS_INLINE PIO_WORKITEM AllocateFromApi(PDEVICE_OBJECT device_object, Api family,
						const void *site)
{
	ObjectHeader *device = LookupIoObject(device_object, ObjectKind::Device, false,
					      "IoAllocateWorkItem");

	if (!device)
		return nullptr;
	return reinterpret_cast<PIO_WORKITEM>(
		WorkItem::Allocate(device, family, "IoAllocateWorkItem", site));
}

} /* namespace */

extern "C" PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
	return AllocateFromApi(DeviceObject, Api::Io, __builtin_return_address(0));
}

extern "C" VOID IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
	const void *site = Verifier::Site(__builtin_return_address(0));
	WorkItem *item = WorkItem::FromHandle(IoWorkItem, "IoFreeWorkItem", site);

	if (!item)
		return;
	if (item->storage != WorkStorage::Allocated) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, "IoFreeWorkItem", nullptr,
				 item->driver->Name(),
				 "item from IoInitializeWorkItem; use IoUninitializeWorkItem");
		return;
	}
	item->Free("IoFreeWorkItem", site);
}

namespace {

/*
 * The three queue routines: check the handle and routine, then queue.
 * @family: Io, or Families::Binary() for a binary's twins (<ntwq/binary.h>);
 * the item must be of it.  @site: the API's caller, named by diagnostics in
 * verifier mode.
 */
NTWQ_ALWAYS_INLINE bool QueueFromApi(PIO_WORKITEM handle, const void *routine, bool ex,
				     WORK_QUEUE_TYPE type, PVOID context, const char *api,
				     const void *site, Api family = Api::Io)
{
	WorkItem *item = WorkItem::FromHandle(handle, api, site);

	/*
	 * A shim's item runs through its family's call: only NtwqQueueWorkItem.
	 * A binary's item only through the twins, and they queue nothing else:
	 * the routine's calling convention is the item's family's.
	 */
	if (item && __builtin_expect(item->api != family, 0)) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, api, routine, item->driver->Name(),
				 "item of another API family; not queued", site);
		return false;
	}
	return item && RoutineOk(item, routine, api, site) &&
	       item->Queue(api, routine, ex, type, context, nullptr, false, site);
}

} /* namespace */

extern "C" VOID IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
				WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	QueueFromApi(IoWorkItem, reinterpret_cast<const void *>(WorkerRoutine), false, QueueType,
		     Context, "IoQueueWorkItem", __builtin_return_address(0));
}

extern "C" VOID IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem,
				  PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
				  WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	QueueFromApi(IoWorkItem, reinterpret_cast<const void *>(WorkerRoutine), true, QueueType,
		     Context, "IoQueueWorkItemEx", __builtin_return_address(0));
}

/*
 * Windows may refuse when no worker thread can be had.  ntwq never needs to:
 * queueing allocates nothing and every queue has a rescuer thread, so the
 * routine is guaranteed to start.  FALSE means the call was refused for
 * misuse (already queued, bad arguments), with a diagnostic.
 */
extern "C" BOOLEAN IoTryQueueWorkItem(PIO_WORKITEM IoWorkItem,
				      PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
				      WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	return QueueFromApi(IoWorkItem, reinterpret_cast<const void *>(WorkerRoutine), true,
			    QueueType, Context, "IoTryQueueWorkItem", __builtin_return_address(0))
		       ? TRUE
		       : FALSE;
}

extern "C" ULONG IoSizeofWorkItem(VOID)
{
	return sizeof(WorkItem);
}

namespace {

/* IoInitializeWorkItem of @family: Io, or Families::Binary() for a binary. */
void InitializeFromApi(PVOID IoObject, PIO_WORKITEM IoWorkItem, Api family, const void *site)
{
	ObjectHeader *object = LookupIoObject(IoObject, ObjectKind::Device, true,
					      "IoInitializeWorkItem");

	if (!object)
		return;
	if (!IoWorkItem) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, "IoInitializeWorkItem", nullptr,
				 DriverOf(object)->Name(), "NULL work item");
		return;
	}
	/* Memory IoFreeWorkItem gave back, still in the verifier's quarantine. */
	if (Verifier::ReportIfQuarantined(IoWorkItem, "IoInitializeWorkItem",
					  Verifier::Site(site)))
		return;
	/* Checked (and a live idle item retired) by Init. */
	reinterpret_cast<WorkItem *>(IoWorkItem)->Init(object, WorkStorage::Caller, family,
						       "IoInitializeWorkItem");
}

} /* namespace */

extern "C" VOID IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem)
{
	InitializeFromApi(IoObject, IoWorkItem, Api::Io, __builtin_return_address(0));
}

extern "C" VOID IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem)
{
	WorkItem *item = WorkItem::FromHandle(IoWorkItem, "IoUninitializeWorkItem",
					      Verifier::Site(__builtin_return_address(0)));

	if (!item)
		return;
	if (item->storage != WorkStorage::Caller) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, "IoUninitializeWorkItem", nullptr,
				 item->driver->Name(),
				 "item from IoAllocateWorkItem; use IoFreeWorkItem");
		return;
	}
	ObjectHeader *object = item->object;

	if (!item->Retire("IoUninitializeWorkItem"))
		return;
	object->Dereference(); /* the item's reference, from IoInitializeWorkItem */
}

/*
 * The twins a Windows binary's wrappers call (<ntwq/binary.h>): the same
 * routines for items of the "win" family, whose routines have the Windows
 * calling convention.  Diagnostics name the Windows routine the binary called.
 */

extern "C" PIO_WORKITEM NtwqBinaryIoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
	return AllocateFromApi(DeviceObject, Families::Binary(), __builtin_return_address(0));
}

extern "C" VOID NtwqBinaryIoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem)
{
	InitializeFromApi(IoObject, IoWorkItem, Families::Binary(), __builtin_return_address(0));
}

extern "C" VOID NtwqBinaryIoQueueWorkItem(PIO_WORKITEM IoWorkItem,
					  PIO_WORKITEM_ROUTINE WorkerRoutine,
					  WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	QueueFromApi(IoWorkItem, reinterpret_cast<const void *>(WorkerRoutine), false, QueueType,
		     Context, "IoQueueWorkItem", __builtin_return_address(0), Families::Binary());
}

extern "C" VOID NtwqBinaryIoQueueWorkItemEx(PIO_WORKITEM IoWorkItem,
					    PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
					    WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	QueueFromApi(IoWorkItem, reinterpret_cast<const void *>(WorkerRoutine), true, QueueType,
		     Context, "IoQueueWorkItemEx", __builtin_return_address(0), Families::Binary());
}

extern "C" BOOLEAN NtwqBinaryIoTryQueueWorkItem(PIO_WORKITEM IoWorkItem,
						PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
						WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	return QueueFromApi(IoWorkItem, reinterpret_cast<const void *>(WorkerRoutine), true,
			    QueueType, Context, "IoTryQueueWorkItem", __builtin_return_address(0),
			    Families::Binary())
		       ? TRUE
		       : FALSE;
}
