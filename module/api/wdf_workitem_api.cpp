// SPDX-License-Identifier: GPL-2.0
/*
 * wdf_workitem_api.cpp - the KMDF object and work-item routines.
 */
#include <ntwq/wdf.h>

#include "core/object.h"
#include "core/verifier.h"
#include "core/fx_object.h"

using namespace ntwq;

namespace {

/* What KMDF checks of WDF_OBJECT_ATTRIBUTES before it creates anything. */
NTSTATUS ValidateAttributes(PWDF_OBJECT_ATTRIBUTES a)
{
	if (!a)
		return STATUS_SUCCESS;
	if (a->Size != sizeof(WDF_OBJECT_ATTRIBUTES))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (a->ExecutionLevel == WdfExecutionLevelInvalid ||
	    a->ExecutionLevel > WdfExecutionLevelDispatch ||
	    a->SynchronizationScope == WdfSynchronizationScopeInvalid ||
	    a->SynchronizationScope > WdfSynchronizationScopeNone)
		return STATUS_INVALID_PARAMETER;
	if (a->ContextTypeInfo) {
		size_t size = a->ContextTypeInfo->ContextSize;
		if (a->ContextSizeOverride) {
			if (a->ContextSizeOverride < size)
				return STATUS_INVALID_PARAMETER;
			size = a->ContextSizeOverride;
		}
		if (size > (1u << 24))
			return STATUS_INVALID_PARAMETER;
	}
	return STATUS_SUCCESS;
}

} /* namespace */

extern "C" NTSTATUS NtwqWdfDeviceCreate(PDEVICE_OBJECT DeviceObject,
					PWDF_OBJECT_ATTRIBUTES Attributes, WDFDEVICE *Device)
{
	ObjectHeader *wdm = ObjectHeader::Lookup(DeviceObject, ObjectKind::Device);
	FxDevice *device;

	if (!Device)
		return STATUS_INVALID_PARAMETER;
	*Device = WDF_NO_HANDLE;
	if (!wdm) {
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, "NtwqWdfDeviceCreate", nullptr,
				 nullptr, "not a live device object");
		return STATUS_INVALID_PARAMETER;
	}
	NTSTATUS status = ValidateAttributes(Attributes);
	if (!NT_SUCCESS(status))
		return status;
	if (Attributes && Attributes->ParentObject)
		return STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED;
	status = FxCreateDevice(wdm, Attributes, &device,
				Verifier::Site(__builtin_return_address(0)));
	if (NT_SUCCESS(status))
		*Device = device->obj.Handle();
	return status;
}

extern "C" PDEVICE_OBJECT WdfDeviceWdmGetDeviceObject(WDFDEVICE Device)
{
	FxObject *obj = FxObject::From(Device, FxKind::Device, "WdfDeviceWdmGetDeviceObject");

	if (!obj)
		return nullptr;
	return static_cast<PDEVICE_OBJECT>(reinterpret_cast<FxDevice *>(obj)->wdm->Body());
}

extern "C" NTSTATUS WdfObjectCreate(PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object)
{
	FxObject *parent = nullptr, *obj;

	if (!Object)
		return STATUS_INVALID_PARAMETER;
	*Object = WDF_NO_HANDLE;
	NTSTATUS status = ValidateAttributes(Attributes);
	if (!NT_SUCCESS(status))
		return status;
	if (Attributes && Attributes->ParentObject) {
		parent = FxObject::From(Attributes->ParentObject, FxKind::Any, "WdfObjectCreate");
		if (!parent)
			return STATUS_INVALID_PARAMETER;
	}
	status = FxAllocObject(FxKind::Object, sizeof(FxObject), Attributes, parent, &obj,
			       Verifier::Site(__builtin_return_address(0)));
	if (!NT_SUCCESS(status))
		return status;
	/* Parentless: the driver owning its callbacks (or this call) owns it. */
	status = FxCommitObject(obj, parent, nullptr, __builtin_return_address(0));
	if (NT_SUCCESS(status))
		*Object = obj->Handle();
	return status;
}

extern "C" VOID WdfObjectDelete(WDFOBJECT Object)
{
	FxObject *obj = FxObject::From(Object, FxKind::Any, "WdfObjectDelete");

	if (obj)
		obj->Delete();
}

extern "C" VOID WdfObjectReferenceActual(WDFOBJECT Handle, PVOID, LONG, const CHAR *)
{
	FxObject *obj = FxObject::From(Handle, FxKind::Any, "WdfObjectReference");

	if (obj)
		obj->Reference();
}

extern "C" VOID WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID, LONG, const CHAR *)
{
	FxObject *obj = FxObject::From(Handle, FxKind::Any, "WdfObjectDereference");

	if (obj)
		obj->Dereference();
}

extern "C" PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle,
						 PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
	FxObject *obj = FxObject::From(Handle, FxKind::Any, "WdfObjectGetTypedContext");

	if (!obj)
		return nullptr;
	if (!TypeInfo || !obj->context_type || obj->context_type != TypeInfo->UniqueType) {
		Verifier::Report(NTWQ_DIAG_WDF_INVALID_HANDLE, "WdfObjectGetTypedContext", nullptr,
				 obj->driver ? obj->driver->Name() : nullptr,
				 "the object has no context of that type");
		return nullptr;
	}
	return obj->context;
}

extern "C" NTSTATUS WdfWorkItemCreate(PWDF_WORKITEM_CONFIG Config,
				      PWDF_OBJECT_ATTRIBUTES Attributes, WDFWORKITEM *WorkItem)
{
	FxWorkItem *item;

	if (!WorkItem)
		return STATUS_INVALID_PARAMETER;
	*WorkItem = WDF_NO_HANDLE;
	if (!Config || !Config->EvtWorkItemFunc)
		return STATUS_INVALID_PARAMETER;
	if (Config->Size != sizeof(WDF_WORKITEM_CONFIG))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (!Attributes || !Attributes->ParentObject)
		return STATUS_WDF_PARENT_NOT_SPECIFIED;
	NTSTATUS status = ValidateAttributes(Attributes);
	if (!NT_SUCCESS(status))
		return status;
	FxObject *parent = FxObject::From(Attributes->ParentObject, FxKind::Any,
					  "WdfWorkItemCreate");
	if (!parent)
		return STATUS_INVALID_PARAMETER;
	FxObject *ancestor = parent->DeviceAncestor();
	if (!ancestor)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (parent->IsDeleted())
		return STATUS_DELETE_PENDING;
	auto *device = reinterpret_cast<FxDevice *>(ancestor);
	DriverBlock *driver = DriverOf(device->wdm);
	const void *func = reinterpret_cast<const void *>(Config->EvtWorkItemFunc);
	if (!driver->OwnsCode(func)) {
		Verifier::Report(NTWQ_DIAG_INVALID_ROUTINE, "WdfWorkItemCreate", func,
				 driver->Name(), "callback not in the driver's module");
		return STATUS_INVALID_PARAMETER;
	}
	status = FxCreateWorkItem(Config, Attributes, parent, device, &item,
				  Verifier::Site(__builtin_return_address(0)));
	if (NT_SUCCESS(status))
		*WorkItem = item->obj.Handle();
	return status;
}

extern "C" VOID WdfWorkItemEnqueue(WDFWORKITEM WorkItem)
{
	FxObject *obj = FxObject::From(WorkItem, FxKind::WorkItem, "WdfWorkItemEnqueue");

	if (obj)
		reinterpret_cast<FxWorkItem *>(obj)->Enqueue(__builtin_return_address(0));
}

extern "C" VOID WdfWorkItemFlush(WDFWORKITEM WorkItem)
{
	FxObject *obj = FxObject::From(WorkItem, FxKind::WorkItem, "WdfWorkItemFlush");

	if (obj)
		reinterpret_cast<FxWorkItem *>(obj)->Flush();
}

extern "C" WDFOBJECT WdfWorkItemGetParentObject(WDFWORKITEM WorkItem)
{
	FxObject *obj = FxObject::From(WorkItem, FxKind::WorkItem, "WdfWorkItemGetParentObject");

	return obj && obj->parent ? obj->parent->Handle() : WDF_NO_HANDLE;
}
