// SPDX-License-Identifier: GPL-2.0
/*
 * object_api.cpp - NtwqCreateDriver, NtwqDeleteDriver, IoCreateDevice,
 * IoDeleteDevice, ObfReferenceObject, ObfDereferenceObject, NtwqCanDeleteDriver.
 */
#include <ntwq/shim.h>

#include "bridge/bridge.h"
#include "core/object.h"
#include "core/verifier.h"

using namespace ntwq;

namespace {

NTSTATUS ToStatus(int err)
{
	switch (err) {
	case 0:
		return STATUS_SUCCESS;
	case -kENOMEM:
		return STATUS_INSUFFICIENT_RESOURCES;
	case -kESHUTDOWN:
		return STATUS_DELETE_PENDING;
	default:
		return STATUS_INVALID_PARAMETER;
	}
}

DriverBlock *LookupDriver(PDRIVER_OBJECT driver_object, const char *api)
{
	ObjectHeader *h = ObjectHeader::Lookup(driver_object, ObjectKind::Driver);

	if (!h)
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, api, nullptr, nullptr,
				 "not a live driver object");
	return h ? DriverBlock::From(h) : nullptr;
}

} /* namespace */

extern "C" NTSTATUS NtwqCreateDriver(module *Owner, const char *Name,
				     PDRIVER_OBJECT *DriverObject)
{
	DriverBlock *driver;

	if (!DriverObject)
		return STATUS_INVALID_PARAMETER;
	*DriverObject = nullptr;
	if (!Name || !Name[0])
		return STATUS_INVALID_PARAMETER;
	int err = DriverBlock::Create(Owner, Name, &driver);
	if (err)
		return ToStatus(err);
	*DriverObject = &driver->body;
	return STATUS_SUCCESS;
}

extern "C" VOID NtwqDeleteDriver(PDRIVER_OBJECT DriverObject)
{
	DriverBlock *driver = LookupDriver(DriverObject, "NtwqDeleteDriver");

	if (driver)
		driver->Delete("NtwqDeleteDriver");
}

extern "C" BOOLEAN NtwqCanDeleteDriver(PDRIVER_OBJECT DriverObject, const char *ApiName)
{
	DriverBlock *driver = LookupDriver(DriverObject, ApiName);

	return driver && driver->CanDeleteHere(ApiName) ? TRUE : FALSE;
}

extern "C" NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
				   PUNICODE_STRING, DEVICE_TYPE DeviceType,
				   ULONG DeviceCharacteristics, BOOLEAN,
				   PDEVICE_OBJECT *DeviceObject)
{
	DriverBlock *driver = LookupDriver(DriverObject, "IoCreateDevice");
	DeviceBlock *device;

	if (!DeviceObject)
		return STATUS_INVALID_PARAMETER;
	*DeviceObject = nullptr;
	if (!driver)
		return STATUS_INVALID_PARAMETER;
	int err = DeviceBlock::Create(driver, DeviceExtensionSize, DeviceType,
				      DeviceCharacteristics, &device);
	if (err == -kESHUTDOWN)
		Verifier::Report(NTWQ_DIAG_DRIVER_GONE, "IoCreateDevice", nullptr, driver->Name(),
				 "driver deleted or being deleted; no device created");
	if (err)
		return ToStatus(err);
	*DeviceObject = &device->body;
	return STATUS_SUCCESS;
}

extern "C" VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
	ObjectHeader *h = ObjectHeader::Lookup(DeviceObject, ObjectKind::Device);

	if (!h) {
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, "IoDeleteDevice", nullptr, nullptr,
				 "not a live device object");
		return;
	}
	DeviceBlock::From(h)->Delete();
}

extern "C" LONG_PTR ObfReferenceObject(PVOID Object)
{
	ObjectHeader *h = ObjectHeader::LookupAny(Object);

	if (!h) {
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, "ObfReferenceObject", nullptr,
				 nullptr, "not a live ntwq object");
		return 0;
	}
	h->Reference();
	return h->RefCount();
}

extern "C" LONG_PTR ObfDereferenceObject(PVOID Object)
{
	ObjectHeader *h = ObjectHeader::LookupAny(Object);

	if (!h) {
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, "ObfDereferenceObject", nullptr,
				 nullptr, "not a live ntwq object");
		return 0;
	}
	LONG_PTR left = static_cast<LONG_PTR>(h->RefCount()) - 1;
	h->Dereference();
	return left;
}
