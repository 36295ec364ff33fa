// SPDX-License-Identifier: GPL-2.0
/*
 * object.cpp - creating, referencing and deleting driver and device objects.
 */
#include "object.h"

#include "bridge/bridge.h"
#include "lib/runtime.h"
#include "fx_object.h"
#include "runs.h"
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

	ntwq_free_percpu(d->priv.work_count);
	g_live_drivers.Dec();
	ntwq_rt_free(d);
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

/* ---- the driver's state machine ---- */

enum class DriverEvent : u32 {
	Delete, /* NtwqDeleteDriver begins */
	Finish, /* it has drained and deleted everything */
	Count
};

enum class DriverVerdict : u8 {
	Move,      /* legal: move to `next` */
	WaitFirst, /* a second delete during the first: a diagnostic, then wait for it */
	Illegal,   /* a diagnostic; nothing changes */
};

struct DriverRule {
	DriverVerdict verdict;
	DriverState next; /* Move */
	const char *what; /* otherwise: the diagnostic's text */
};

constexpr u32 kDriverStates = static_cast<u32>(DriverState::Count);

/* kDriverTable[event][state], states in DriverState order. */
constexpr DriverRule kDriverTable[static_cast<u32>(DriverEvent::Count)][kDriverStates] = {
	/* Delete:  Live, Deleting, Deleted */
	{ { DriverVerdict::Move, DriverState::Deleting, nullptr },
	  { DriverVerdict::WaitFirst, DriverState::Deleting,
	    "driver deleted twice; waiting for the first delete to finish" },
	  { DriverVerdict::Illegal, DriverState::Deleted,
	    "driver deleted twice; already deleted, ignored" } },
	/* Finish */
	{ { DriverVerdict::Illegal, DriverState::Live, "delete finished without beginning" },
	  { DriverVerdict::Move, DriverState::Deleted, nullptr },
	  { DriverVerdict::Illegal, DriverState::Deleted, "delete finished twice" } },
};

/*
 * The one place a driver's state moves (priv.lock held): the rule for
 * @event in the current state.  A Move is made; the caller acts on the rest.
 */
const DriverRule &DriverTransitionLocked(DriverBlock *d, DriverEvent event)
{
	d->priv.lock.AssertHeld();
	u32 state = static_cast<u32>(d->priv.state.Load());
	if (state >= kDriverStates)
		state = static_cast<u32>(DriverState::Deleted); /* never: treat as dead */
	const DriverRule &rule = kDriverTable[static_cast<u32>(event)][state];
	if (rule.verdict == DriverVerdict::Move)
		d->priv.state.StoreRelease(rule.next);
	return rule;
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
	ntwq_init_completion(p.deleted.Get());
	p.state.Store(DriverState::Live);
	p.work_count = ntwq_alloc_percpu_u64(1);
	if (!p.work_count) {
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
	/* Parentless KMDF objects find their driver by code address. */
	FxDriverCreated(d);
	*out = d;
	return 0;
}

bool DriverBlock::CanDeleteHere(const char *api) noexcept
{
	/* Waiting for the driver's work from inside it, or at a raised IRQL,
	 * would never end (or must not sleep): refuse, change nothing. */
	if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
		Verifier::Report(NTWQ_DIAG_DELETE_REFUSED, api, nullptr, Name(),
				 "called above PASSIVE_LEVEL; the driver is not deleted");
		return false;
	}
	if (RunningWorkOf(this)) {
		Verifier::Report(NTWQ_DIAG_DELETE_REFUSED, api, nullptr, Name(),
				 "called from the driver's own work item or callback, which it would wait for; the driver is not deleted");
		return false;
	}
	return true;
}

void DriverBlock::Delete(const char *api) noexcept
{
	if (!CanDeleteHere(api))
		return;
	DriverVerdict verdict;
	const char *what;
	{
		SpinGuard<IrqSave> guard(priv.lock);
		const DriverRule &rule = DriverTransitionLocked(this, DriverEvent::Delete);
		verdict = rule.verdict;
		what = rule.what;
		/* Keeps the memory while we wait: the first delete's last step
		 * drops the creator's reference after it leaves this lock. */
		if (verdict == DriverVerdict::WaitFirst)
			header.Reference();
	}
	if (verdict != DriverVerdict::Move) {
		Verifier::Report(NTWQ_DIAG_DELETE_REFUSED, api, nullptr, Name(), what);
		if (verdict == DriverVerdict::WaitFirst) {
			ntwq_wait_for_completion(priv.deleted.Get());
			header.Dereference();
		}
		return;
	}

	/* KMDF objects the driver left: deleted as KMDF does at unload. */
	FxDeleteDriverObjects(this);
	/* No new runs; wait for every pinned one to end. */
	ntwq_count_close(priv.work_count, priv.work_closed.Address());
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
	{
		SpinGuard<IrqSave> guard(priv.lock);
		DriverTransitionLocked(this, DriverEvent::Finish);
	}
	ntwq_complete_all(priv.deleted.Get());
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

	bool linked = false;
	{
		SpinGuard<IrqSave> guard(driver->priv.lock);
		/* The delete lists leftover devices under this lock after the
		 * state left Live: a device linked here is one it finds. */
		if (driver->Live()) {
			dev->body.NextDevice = driver->body.DeviceObject;
			driver->body.DeviceObject = &dev->body;
			linked = true;
		}
	}
	if (!linked) {
		dev->header.magic.StoreRelease(kObjectDead);
		ntwq_rt_free(dev);
		driver->header.Dereference();
		return -kESHUTDOWN;
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
