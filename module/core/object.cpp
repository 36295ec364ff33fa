// SPDX-License-Identifier: GPL-2.0
/*
 * object.cpp - creating, referencing and deleting driver and device objects.
 */
#include "object.h"

#include "bridge/bridge.h"
#include "lib/runtime.h"
#include "fx_object.h"
#include "verifier.h"

namespace ntwq {
namespace {

LockClass g_driver_lock_class;
Atomic<long> g_live_drivers; /* A */
Atomic<long> g_live_devices; /* A */

void ReleaseKref(kref *ref)
{
	auto *h = reinterpret_cast<ObjectHeader *>(reinterpret_cast<char *>(ref) -
						   __builtin_offsetof(ObjectHeader, refs));
	h->magic.StoreRelease(kObjectDead);
	h->destroy(h);
}

void DestroyDriver(ObjectHeader *h)
{
	DriverBlock *d = DriverBlock::From(h);

	ntwq_percpu_ref_exit(d->priv.work.Get());
	g_live_drivers.Dec();
	ntwq_rt_free(d);
}

/* The driver's last run ended after NtwqDeleteDriver killed its count. */
void DriverDrained(percpu_ref *ref)
{
	auto *p = reinterpret_cast<DriverPriv *>(reinterpret_cast<char *>(ref) -
						 __builtin_offsetof(DriverPriv, work));
	ntwq_complete(p->drained.Get());
}

void DestroyDevice(ObjectHeader *h)
{
	DriverBlock *driver = DeviceBlock::From(h)->priv.driver;

	g_live_devices.Dec();
	ntwq_rt_free(DeviceBlock::From(h));
	driver->header.Dereference();
}

void InitHeader(ObjectHeader *h, ObjectKind kind, void (*destroy)(ObjectHeader *))
{
	h->kind = kind;
	h->destroy = destroy;
	ntwq_kref_init(h->refs.Get());
	h->magic.StoreRelease(kObjectMagic);
}

constexpr size_t AlignUp(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

} /* namespace */

ObjectHeader *ObjectHeader::LookupAny(const void *body) noexcept
{
	if (!body)
		return nullptr;
	auto *h = reinterpret_cast<ObjectHeader *>(const_cast<void *>(body)) - 1;
	return h->magic.LoadAcquire() == kObjectMagic ? h : nullptr;
}

ObjectHeader *ObjectHeader::Lookup(const void *body, ObjectKind kind) noexcept
{
	ObjectHeader *h = LookupAny(body);
	return h && h->kind == kind ? h : nullptr;
}

void ObjectHeader::Reference() noexcept
{
	ntwq_kref_get(refs.Get());
}

void ObjectHeader::Dereference() noexcept
{
	ntwq_kref_put(refs.Get(), ReleaseKref);
}

unsigned int ObjectHeader::RefCount() noexcept
{
	return ntwq_kref_read(refs.Get());
}

int DriverBlock::Create(module *owner, const char *name, DriverBlock **out) noexcept
{
	static_assert(__builtin_offsetof(DriverBlock, body) == sizeof(ObjectHeader),
		      "the body follows the header");
	*out = nullptr;
	auto *d = static_cast<DriverBlock *>(
		ntwq_rt_alloc(sizeof(DriverBlock), NTWQ_GFP_KERNEL));
	if (!d)
		return -kENOMEM;

	DriverPriv &p = d->priv;
	p.owner = owner;
	ntwq_module_core_text(owner, &p.text_base, &p.text_size);
	size_t n = 0;
	for (; name[n] && n < sizeof(p.name) - 1; n++) {
		p.name[n] = name[n];
		p.name_utf16[n] = static_cast<unsigned char>(name[n]);
	}
	p.lock.Init("ntwq_driver", g_driver_lock_class);
	p.fx_objects.Init();
	p.io_items.Init();
	ntwq_init_completion(p.drained.Get());
	if (ntwq_percpu_ref_init(p.work.Get(), DriverDrained)) {
		ntwq_rt_free(d);
		return -kENOMEM;
	}

	d->body.Type = IO_TYPE_DRIVER;
	d->body.Size = sizeof(DRIVER_OBJECT);
	d->body.DriverName.Length = static_cast<USHORT>(n * sizeof(WCHAR));
	d->body.DriverName.MaximumLength = sizeof(p.name_utf16);
	d->body.DriverName.Buffer = p.name_utf16;

	InitHeader(&d->header, ObjectKind::Driver, DestroyDriver);
	g_live_drivers.Inc();
	*out = d;
	return 0;
}

void DriverBlock::Delete() noexcept
{
	/* KMDF objects the driver left: deleted as KMDF does at unload. */
	FxDeleteDriverObjects(this);
	/* No new runs; wait for every pinned one to end. */
	ntwq_percpu_ref_kill(priv.work.Get());
	ntwq_wait_for_completion(priv.drained.Get());
	/* Objects still referenced: they outlive the driver without its callbacks. */
	FxOrphanDriverObjects(this);
	/* Verifier mode: Io items the driver never freed (none can be queued now). */
	ReclaimDriverItems(this);

	/* Devices the driver left behind: delete them, as unload should have. */
	for (;;) {
		PDEVICE_OBJECT dev;
		{
			SpinGuard<IrqSave> guard(priv.lock);
			dev = body.DeviceObject;
		}
		if (!dev)
			break;
		Verifier::Report(NTWQ_DIAG_DEVICES_LEFT, "NtwqDeleteDriver", nullptr,
				 Name(), "device not deleted by the driver; deleting it");
		DeviceBlock::From(ObjectHeader::LookupAny(dev))->Delete();
	}
	header.Dereference();
}

int DeviceBlock::Create(DriverBlock *driver, ULONG extension_size, DEVICE_TYPE type,
			ULONG characteristics, DeviceBlock **out) noexcept
{
	static_assert(__builtin_offsetof(DeviceBlock, body) == sizeof(ObjectHeader),
		      "the body follows the header");
	constexpr size_t kExtOffset = AlignUp(sizeof(DeviceBlock), 16);

	*out = nullptr;
	if (extension_size > 0x7fffffffu - kExtOffset)
		return -kEINVAL;
	auto *dev = static_cast<DeviceBlock *>(
		ntwq_rt_alloc(kExtOffset + extension_size, NTWQ_GFP_KERNEL));
	if (!dev)
		return -kENOMEM;

	driver->header.Reference();
	dev->priv.driver = driver;
	dev->body.Type = IO_TYPE_DEVICE;
	dev->body.Size = static_cast<USHORT>(sizeof(DEVICE_OBJECT));
	dev->body.DriverObject = &driver->body;
	dev->body.DeviceType = type;
	dev->body.Characteristics = characteristics;
	dev->body.StackSize = 1;
	dev->body.Flags = DO_DEVICE_INITIALIZING;
	dev->body.DeviceExtension =
		extension_size ? reinterpret_cast<char *>(dev) + kExtOffset : nullptr;
	InitHeader(&dev->header, ObjectKind::Device, DestroyDevice);

	{
		SpinGuard<IrqSave> guard(driver->priv.lock);
		dev->body.NextDevice = driver->body.DeviceObject;
		driver->body.DeviceObject = &dev->body;
	}
	g_live_devices.Inc();
	*out = dev;
	return 0;
}

void DeviceBlock::Delete() noexcept
{
	DriverBlock *driver = priv.driver;

	if (priv.deleted.Add(1) != 1) {
		/* The creator's reference is gone already: nothing to drop. */
		Verifier::Report(NTWQ_DIAG_INVALID_OBJECT, "IoDeleteDevice", nullptr,
				 driver->Name(), "device deleted twice");
		return;
	}
	{
		SpinGuard<IrqSave> guard(driver->priv.lock);
		PDEVICE_OBJECT *link = &driver->body.DeviceObject;
		while (*link && *link != &body)
			link = &(*link)->NextDevice;
		if (*link)
			*link = body.NextDevice;
		body.NextDevice = nullptr;
		body.Flags |= DO_NTWQ_DELETE_PENDING;
	}
	header.Dereference();
}

DriverBlock *DriverOf(ObjectHeader *object) noexcept
{
	if (object->kind == ObjectKind::Driver)
		return DriverBlock::From(object);
	return DeviceBlock::From(object)->priv.driver;
}

} /* namespace ntwq */

extern "C" long ntwq_object_refs(void *object)
{
	ntwq::ObjectHeader *h = ntwq::ObjectHeader::LookupAny(object);

	return h ? static_cast<long>(h->RefCount()) : -1;
}

extern "C" long ntwq_live_devices(void)
{
	return ntwq::g_live_devices.Load();
}

extern "C" long ntwq_live_drivers(void)
{
	return ntwq::g_live_drivers.Load();
}
