// SPDX-License-Identifier: GPL-2.0
/*
 * wdf_workitem_api.cpp - the KMDF object and work-item routines.
 */
#include <ntwq/wdf.h>

#include "core/object.h"
#include "core/verifier.h"
#include "core/wdf_object.h"

using namespace ntwq;

extern "C" NTSTATUS NtwqWdfDeviceCreate(PDEVICE_OBJECT DeviceObject,
					PWDF_OBJECT_ATTRIBUTES Attributes, WDFDEVICE *Device)
{
	ObjectHeader *wdm = ObjectHeader::Lookup(DeviceObject, ObjectKind::Device);
	WdfDevice *device;

	if (!Device)
		return STATUS_INVALID_PARAMETER;
	*Device = WDF_NO_HANDLE;
	if (!wdm) {
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, "NtwqWdfDeviceCreate", nullptr,
				 nullptr, "not a live device object");
		return STATUS_INVALID_PARAMETER;
	}
	NTSTATUS status = WdfCreateDevice(wdm, Attributes, &device);
	if (NT_SUCCESS(status))
		*Device = device->obj.Handle();
	return status;
}

extern "C" PDEVICE_OBJECT WdfDeviceWdmGetDeviceObject(WDFDEVICE Device)
{
	WdfObject *obj = WdfObject::From(Device, WdfKind::Device, "WdfDeviceWdmGetDeviceObject");

	if (!obj)
		return nullptr;
	return static_cast<PDEVICE_OBJECT>(reinterpret_cast<WdfDevice *>(obj)->wdm->Body());
}

extern "C" NTSTATUS WdfObjectCreate(PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object)
{
	WdfObject *parent = nullptr, *obj;

	if (!Object)
		return STATUS_INVALID_PARAMETER;
	*Object = WDF_NO_HANDLE;
	if (Attributes && Attributes->Size == sizeof(*Attributes) && Attributes->ParentObject) {
		parent = WdfObject::From(Attributes->ParentObject, WdfKind::Any, "WdfObjectCreate");
		if (!parent)
			return STATUS_INVALID_PARAMETER;
	}
	NTSTATUS status = WdfCreateObject(WdfKind::Object, sizeof(WdfObject), Attributes, parent,
					  parent ? parent->driver : nullptr, &obj);
	if (NT_SUCCESS(status))
		*Object = obj->Handle();
	return status;
}

extern "C" VOID WdfObjectDelete(WDFOBJECT Object)
{
	WdfObject *obj = WdfObject::From(Object, WdfKind::Any, "WdfObjectDelete");

	if (obj)
		obj->Delete();
}

extern "C" VOID WdfObjectReferenceActual(WDFOBJECT Handle, PVOID, LONG, const CHAR *)
{
	WdfObject *obj = WdfObject::From(Handle, WdfKind::Any, "WdfObjectReference");

	if (obj)
		obj->Reference();
}

extern "C" VOID WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID, LONG, const CHAR *)
{
	WdfObject *obj = WdfObject::From(Handle, WdfKind::Any, "WdfObjectDereference");

	if (obj)
		obj->Dereference();
}

extern "C" PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle,
						 PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
	WdfObject *obj = WdfObject::From(Handle, WdfKind::Any, "WdfObjectGetTypedContext");

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
	WdfWorkItem *item;

	if (!WorkItem)
		return STATUS_INVALID_PARAMETER;
	*WorkItem = WDF_NO_HANDLE;
	NTSTATUS status = WdfCreateWorkItem(Config, Attributes, &item);
	if (NT_SUCCESS(status))
		*WorkItem = item->obj.Handle();
	return status;
}

extern "C" VOID WdfWorkItemEnqueue(WDFWORKITEM WorkItem)
{
	WdfObject *obj = WdfObject::From(WorkItem, WdfKind::WorkItem, "WdfWorkItemEnqueue");

	if (obj)
		reinterpret_cast<WdfWorkItem *>(obj)->Enqueue();
}

extern "C" VOID WdfWorkItemFlush(WDFWORKITEM WorkItem)
{
	WdfObject *obj = WdfObject::From(WorkItem, WdfKind::WorkItem, "WdfWorkItemFlush");

	if (obj)
		reinterpret_cast<WdfWorkItem *>(obj)->Flush();
}

extern "C" WDFOBJECT WdfWorkItemGetParentObject(WDFWORKITEM WorkItem)
{
	WdfObject *obj = WdfObject::From(WorkItem, WdfKind::WorkItem, "WdfWorkItemGetParentObject");

	return obj && obj->parent ? obj->parent->Handle() : WDF_NO_HANDLE;
}
