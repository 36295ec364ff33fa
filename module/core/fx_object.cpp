// SPDX-License-Identifier: GPL-2.0
/*
 * fx_object.cpp - KMDF objects, devices and work items.
 */
#include "fx_object.h"

#include "bridge/bridge.h"
#include "lib/runtime.h"
#include "lib/spinlock.h"
#include "queues.h"
#include "runs.h"
#include "verifier.h"

namespace ntwq {
namespace {

LockClass g_tree_class;
LockClass g_fx_sync_class;
LockClass g_fx_deferred_class;
SpinLock g_tree; /* guards every children, sibling and driver_link list */

/* How long one wait of a flush sleeps before it looks at the chain again. */
constexpr unsigned int kFlushSliceMs = 20;

constexpr size_t AlignUp(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

bool AtPassive()
{
	return KeGetCurrentIrql() == PASSIVE_LEVEL;
}

void Unlink(FxObject *obj)
{
	SpinGuard<IrqSave> guard(g_tree);
	obj->sibling.Remove();
}

void Destroy(FxObject *obj)
{
	FxObject *parent = obj->parent;
	PFN_WDF_OBJECT_CONTEXT_DESTROY destroy;
	{
		SpinGuard<IrqSave> guard(g_tree);
		obj->driver_link.Remove();
		destroy = obj->destroy;
	}
	if (destroy)
		destroy(obj->Handle());
	if (obj->teardown)
		obj->teardown(obj);
	obj->magic.StoreRelease(kFxDead);
	ntwq_destroy_work(obj->deferred.Get());
	ntwq_rt_free(obj);
	if (parent)
		parent->Dereference();
}

/*
 * Finishes a delete or destroy at PASSIVE_LEVEL on ntwq's internal queue.
 * The job may call the driver's callbacks, so it is the driver's work: it
 * carries a WorkPin.  If the driver is being deleted no pin can be had: the
 * object is orphaned (its callbacks are not called) rather than call code
 * that may be gone.
 */
void Defer(FxObject *obj, FxDeferred op)
{
	WorkPin ticket;
	DriverBlock *driver;
	{
		SpinGuard<IrqSave> guard(g_tree);
		driver = obj->driver;
	}
	if (driver) {
		ticket = WorkPin::TryBegin(driver, nullptr, nullptr);
		if (!ticket) {
			SpinGuard<IrqSave> guard(g_tree);
			obj->cleanup = nullptr;
			obj->destroy = nullptr;
		}
	}
	obj->deferred_op = op;
	obj->deferred_pin = Move(ticket);
	/* One delete, then one destroy, each after the other: never pending twice. */
	ntwq_queue_work(Queues::Internal(), obj->deferred.Get());
}

void ReleaseKref(kref *ref)
{
	auto *obj = reinterpret_cast<FxObject *>(reinterpret_cast<char *>(ref) -
						 __builtin_offsetof(FxObject, refs));

	if (AtPassive())
		Destroy(obj);
	else
		Defer(obj, FxDeferred::Destroy);
}

WDF_EXECUTION_LEVEL ResolveLevel(PWDF_OBJECT_ATTRIBUTES a, FxObject *parent)
{
	WDF_EXECUTION_LEVEL l = a ? a->ExecutionLevel : WdfExecutionLevelInheritFromParent;

	if (l == WdfExecutionLevelInheritFromParent)
		return parent ? parent->level : WdfExecutionLevelDispatch;
	return l;
}

WDF_SYNCHRONIZATION_SCOPE ResolveScope(PWDF_OBJECT_ATTRIBUTES a, FxObject *parent)
{
	WDF_SYNCHRONIZATION_SCOPE s =
		a ? a->SynchronizationScope : WdfSynchronizationScopeInheritFromParent;

	if (s == WdfSynchronizationScopeInheritFromParent)
		return parent ? parent->scope : WdfSynchronizationScopeNone;
	return s;
}

/* ---- work items ---- */

FxWorkItem *AsWorkItem(FxObject *obj)
{
	return reinterpret_cast<FxWorkItem *>(obj);
}

/* The IO_WORKITEM_ROUTINE_EX every KMDF work item runs on. */
extern "C" void FxWorkItemTrampoline(PVOID, PVOID Context, PIO_WORKITEM)
{
	auto *w = static_cast<FxWorkItem *>(Context);

	w->running_task.Store(ntwq_current_task());
	w->runs.Inc();
	if (w->sync)
		ntwq_mutex_lock(w->sync->sync.Get());
	w->func(w->obj.Handle());
	if (w->sync)
		ntwq_mutex_unlock(w->sync->sync.Get());
	w->running_task.Store(nullptr);
	/* Deleted from a callback: finish after the last enqueue made before it. */
	if (w->delete_on_return && w->outstanding.Load() == 1) {
		w->delete_on_return = false;
		w->obj.FinishDelete();
	}
	w->EndOutstanding();
	/* The dispatcher's pin holds the object until after we return. */
}

/* Lets a pending callback run and waits for a running one; false if the
 * delete was called from the item's own callback (it finishes there). */
bool QuiesceWorkItem(FxObject *obj)
{
	FxWorkItem *w = AsWorkItem(obj);

	if (w->InCallback()) {
		w->delete_on_return = true;
		return false;
	}
	/* Enqueues are refused now: the wait ends. */
	w->WaitIdle("WdfObjectDelete");
	return true;
}

void TeardownWorkItem(FxObject *obj)
{
	WorkItem &io = AsWorkItem(obj)->io;

	io.Retire("WdfObjectDelete");
	ntwq_destroy_work(io.work.Get());
	io.object->Dereference(); /* the item's IoObject reference */
}

void TeardownDevice(FxObject *obj)
{
	auto *d = reinterpret_cast<FxDevice *>(obj);

	ntwq_mutex_destroy(d->sync.Get());
	d->wdm->Dereference();
}

} /* namespace */

void FxDeferredWork(work_struct *work)
{
	auto *obj = reinterpret_cast<FxObject *>(reinterpret_cast<char *>(work) -
						 __builtin_offsetof(FxObject, deferred));
	WorkPin pin = Move(obj->deferred_pin); /* released after the job, obj maybe gone */
	RunMark mark(pin.Driver()); /* a callback's NtwqDeleteDriver is refused */

	if (obj->deferred_op == FxDeferred::Delete) {
		obj->DeleteClaimed();
		obj->Dereference(); /* taken by the deferring WdfObjectDelete */
	} else {
		Destroy(obj);
	}
}

void KmdfGetMemory(WorkItem *item) noexcept
{
	FxWorkItem::FromWork(item)->obj.Reference();
}

void KmdfPutMemory(WorkItem *item) noexcept
{
	FxWorkItem::FromWork(item)->obj.Dereference();
}

const void *KmdfHandle(WorkItem *item) noexcept
{
	return FxWorkItem::FromWork(item)->obj.Handle();
}

const void *KmdfCallback(WorkItem *item) noexcept
{
	return reinterpret_cast<const void *>(FxWorkItem::FromWork(item)->func);
}

FxObject *FxObject::From(WDFOBJECT handle, FxKind want, const char *api) noexcept
{
	auto *obj = reinterpret_cast<FxObject *>(handle);

	if (obj && obj->magic.LoadAcquire() == kFxMagic &&
	    (want == FxKind::Any || obj->kind == want))
		return obj;
	Verifier::Report(NTWQ_DIAG_WDF_INVALID_HANDLE, api, nullptr, nullptr,
			 !obj ? "NULL handle"
			 : obj->magic.Load() == kFxMagic ? "handle of the wrong object type"
							  : "not a live WDF handle");
	return nullptr;
}

void FxObject::Reference() noexcept
{
	ntwq_kref_get(refs.Get());
}

void FxObject::Dereference() noexcept
{
	ntwq_kref_put(refs.Get(), ReleaseKref);
}

FxObject *FxObject::DeviceAncestor() noexcept
{
	FxObject *o = this;

	while (o && o->kind != FxKind::Device)
		o = o->parent;
	return o;
}

void FxObject::Delete() noexcept
{
	u32 expected = 0;

	if (!deleted.CompareExchange(expected, 1))
		return; /* deleted already, or being deleted: once is enough */
	if (AtPassive()) {
		DeleteClaimed();
		return;
	}
	/* Cleanup callbacks run at PASSIVE_LEVEL: finish in a job. */
	Reference();
	Defer(this, FxDeferred::Delete);
}

void FxObject::DeleteClaimed() noexcept
{
	/* Children first; each unlinks itself (or is unlinked here). */
	for (;;) {
		FxObject *child = nullptr;
		{
			SpinGuard<IrqSave> guard(g_tree);
			if (!children.Empty()) {
				child = NTWQ_CONTAINER_OF(children.next, FxObject, sibling);
				child->Reference();
			}
		}
		if (!child)
			break;
		child->Delete();
		Unlink(child);
		child->Dereference();
	}

	if (!quiesce || quiesce(this))
		FinishDelete();
	else
		Unlink(this); /* finishes when the running callback returns */
}

void FxObject::FinishDelete() noexcept
{
	PFN_WDF_OBJECT_CONTEXT_CLEANUP fn;
	{
		SpinGuard<IrqSave> guard(g_tree);
		fn = cleanup;
	}
	if (fn)
		fn(Handle());
	Unlink(this);
	Dereference(); /* the creation reference */
}

NTSTATUS FxCreateObject(FxKind kind, size_t size, PWDF_OBJECT_ATTRIBUTES attrs,
			FxObject *parent, DriverBlock *driver, FxObject **out,
			const void *site) noexcept
{
	PCWDF_OBJECT_CONTEXT_TYPE_INFO type = attrs ? attrs->ContextTypeInfo : nullptr;
	size_t context_size = 0;

	*out = nullptr;
	if (type) {
		context_size = type->ContextSize;
		if (attrs->ContextSizeOverride)
			context_size = attrs->ContextSizeOverride;
	}

	/* WdfObjectCreate and WdfWorkItemCreate are callable at DISPATCH_LEVEL. */
	Gfp gfp = AtPassive() ? Gfp::Kernel : Gfp::Atomic;
	size_t context_offset = AlignUp(size, 16);
	auto *obj = static_cast<FxObject *>(ntwq_rt_alloc(context_offset + context_size,
							  static_cast<unsigned int>(gfp)));
	if (!obj)
		return STATUS_INSUFFICIENT_RESOURCES;
	obj->kind = kind;
	ntwq_kref_init(obj->refs.Get());
	obj->children.Init();
	obj->sibling.Init();
	obj->driver_link.Init();
	obj->cleanup = attrs ? attrs->EvtCleanupCallback : nullptr;
	obj->destroy = attrs ? attrs->EvtDestroyCallback : nullptr;
	obj->level = ResolveLevel(attrs, parent);
	obj->scope = ResolveScope(attrs, parent);
	obj->context_type = type ? type->UniqueType : nullptr;
	obj->context = type ? reinterpret_cast<char *>(obj) + context_offset : nullptr;
	obj->driver = driver;
	obj->alloc_site = site;
	new (&obj->deferred_pin) WorkPin();
	ntwq_init_work(obj->deferred.Get(), FxDeferredWork, g_fx_deferred_class.Key());

	bool orphaned_child = false;
	{
		SpinGuard<IrqSave> guard(g_tree);
		if (parent && parent->IsDeleted()) {
			orphaned_child = true;
		} else {
			if (parent) {
				parent->Reference();
				obj->parent = parent;
				parent->children.InsertTail(&obj->sibling);
			}
			if (driver)
				driver->priv.fx_objects.InsertTail(&obj->driver_link);
		}
	}
	if (orphaned_child) {
		ntwq_destroy_work(obj->deferred.Get());
		ntwq_rt_free(obj);
		return STATUS_DELETE_PENDING;
	}
	obj->magic.StoreRelease(kFxMagic);
	*out = obj;
	return STATUS_SUCCESS;
}

void FxInit() noexcept
{
	g_tree.Init("ntwq_wdf_tree", g_tree_class);
}

namespace {

/* Verifier mode: one leaked object, named by its routine and its create call site. */
void ReportLeakedObject(FxObject *o, DriverBlock *driver)
{
	static const char *const kKindNames[] = { "object", "object", "device", "work item" };
	const void *routine = o->kind == FxKind::WorkItem
				      ? reinterpret_cast<const void *>(AsWorkItem(o)->func)
				      : reinterpret_cast<const void *>(o->cleanup);
	char what[96];

	ntwq_snprintf(what, sizeof(what),
		      "WDF %s (created at the call site) not deleted by the driver; deleting it",
		      kKindNames[static_cast<u32>(o->kind) & 3]);
	Verifier::Report(NTWQ_DIAG_WDF_OBJECTS_LEFT, "NtwqDeleteDriver", routine, driver->Name(),
			 what, o->alloc_site);
}

} /* namespace */

void FxDeleteDriverObjects(DriverBlock *driver) noexcept
{
	unsigned int left = 0;
	{
		SpinGuard<IrqSave> guard(g_tree);
		ListNode *head = &driver->priv.fx_objects;
		for (ListNode *n = head->next; n != head; n = n->next) {
			FxObject *o = NTWQ_CONTAINER_OF(n, FxObject, driver_link);

			if (o->IsDeleted())
				continue;
			if (o->alloc_site)
				ReportLeakedObject(o, driver);
			else
				left++;
		}
	}
	if (left) {
		char what[96];

		ntwq_snprintf(what, sizeof(what),
			      "%u WDF objects not deleted by the driver; deleting them", left);
		Verifier::Report(NTWQ_DIAG_WDF_OBJECTS_LEFT, "NtwqDeleteDriver", nullptr,
				 driver->Name(), what);
	}
	/* Roots (devices) first: deleting one deletes its children first. */
	for (;;) {
		FxObject *victim = nullptr;
		{
			SpinGuard<IrqSave> guard(g_tree);
			ListNode *head = &driver->priv.fx_objects;
			for (ListNode *n = head->next; n != head && !victim; n = n->next) {
				FxObject *o = NTWQ_CONTAINER_OF(n, FxObject, driver_link);
				if (!o->IsDeleted() && (!o->parent || o->parent->IsDeleted())) {
					o->Reference();
					victim = o;
				}
			}
		}
		if (!victim)
			break;
		victim->Delete();
		victim->Dereference();
	}
}

void FxOrphanDriverObjects(DriverBlock *driver) noexcept
{
	unsigned int orphans = 0;
	{
		SpinGuard<IrqSave> guard(g_tree);
		ListNode *head = &driver->priv.fx_objects;
		while (!head->Empty()) {
			FxObject *o = NTWQ_CONTAINER_OF(head->next, FxObject, driver_link);
			o->driver_link.Remove();
			o->driver = nullptr;
			o->cleanup = nullptr;
			o->destroy = nullptr;
			orphans++;
		}
	}
	if (orphans)
		Verifier::Report(NTWQ_DIAG_WDF_OBJECTS_LEFT, "NtwqDeleteDriver", nullptr,
				 driver->Name(),
				 "WDF objects still referenced after the driver's delete; their callbacks will not run");
}

NTSTATUS FxCreateDevice(ObjectHeader *wdm, PWDF_OBJECT_ATTRIBUTES attrs, FxDevice **out,
			const void *site) noexcept
{
	FxObject *obj;

	*out = nullptr;
	NTSTATUS status = FxCreateObject(FxKind::Device, sizeof(FxDevice), attrs, nullptr,
					 DriverOf(wdm), &obj, site);
	if (!NT_SUCCESS(status))
		return status;
	auto *d = reinterpret_cast<FxDevice *>(obj);
	wdm->Reference();
	d->wdm = wdm;
	ntwq_mutex_init(d->sync.Get(), "ntwq_wdf_device_sync", g_fx_sync_class.Key());
	obj->teardown = TeardownDevice;
	*out = d;
	return STATUS_SUCCESS;
}

NTSTATUS FxCreateWorkItem(PWDF_WORKITEM_CONFIG config, PWDF_OBJECT_ATTRIBUTES attrs,
			  FxObject *parent, FxDevice *device, FxWorkItem **out,
			  const void *site) noexcept
{
	FxDevice *sync = nullptr;
	FxObject *obj;

	*out = nullptr;
	/* Serialise with the parent's callbacks when the parent asks for it. */
	if (config->AutomaticSerialization && parent->scope == WdfSynchronizationScopeDevice) {
		if (parent->level != WdfExecutionLevelPassive)
			return STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL;
		sync = device;
	}
	NTSTATUS status = FxCreateObject(FxKind::WorkItem, sizeof(FxWorkItem), attrs, parent,
					 DriverOf(device->wdm), &obj, site);
	if (!NT_SUCCESS(status))
		return status;
	FxWorkItem *w = AsWorkItem(obj);
	w->func = config->EvtWorkItemFunc;
	w->sync = sync;
	w->io.Init(device->wdm, WorkStorage::Kmdf, Api::Wdf, "WdfWorkItemCreate");
	obj->quiesce = QuiesceWorkItem;
	obj->teardown = TeardownWorkItem;
	*out = w;
	return STATUS_SUCCESS;
}

bool FxWorkItem::InCallback() noexcept
{
	return running_task.Load() == ntwq_current_task();
}

void FxWorkItem::EndOutstanding() noexcept
{
	/* The decrement is a full barrier: a waiter counted before it is seen. */
	if (outstanding.Dec() == 0 && waiters.Load())
		ntwq_wake_up_var(outstanding.Address());
}

void FxWorkItem::Enqueue(const void *site) noexcept
{
	/* Counted before the deleted check: a delete that sees no enqueue
	 * outstanding is one this enqueue sees as deleted (both are full
	 * barriers), so no callback runs after cleanup. */
	outstanding.Inc();
	if (obj.IsDeleted()) {
		Verifier::Report(NTWQ_DIAG_WDF_AFTER_DELETE, "WdfWorkItemEnqueue",
				 reinterpret_cast<const void *>(func),
				 io.driver->Name(), "work item already deleted; not enqueued",
				 Verifier::Site(site));
		EndOutstanding();
		return;
	}
	/* While one is pending, an enqueue coalesces with it (quietly). */
	if (!io.Queue("WdfWorkItemEnqueue", reinterpret_cast<const void *>(FxWorkItemTrampoline),
		      true, DelayedWorkQueue, this, reinterpret_cast<const void *>(func), true,
		      site))
		EndOutstanding();
}

bool FxWorkItem::WaitIdle(const char *api) noexcept
{
	u32 start = runs.Load();

	waiters.Inc();
	while (!ntwq_wait_var_zero_timeout(outstanding.Address(), kFlushSliceMs)) {
		if (runs.Load() - start >= kFxFlushMaxPasses) {
			waiters.Dec();
			Verifier::Report(NTWQ_DIAG_WDF_FLUSH_ENDLESS, api,
					 reinterpret_cast<const void *>(func), io.driver->Name(),
					 "the callback keeps enqueueing its item; stopped waiting");
			return false;
		}
	}
	waiters.Dec();
	return true;
}

void FxWorkItem::Flush() noexcept
{
	if (InCallback() || !AtPassive()) {
		Verifier::Report(NTWQ_DIAG_WDF_FLUSH_IN_CALLBACK, "WdfWorkItemFlush",
				 reinterpret_cast<const void *>(func), io.driver->Name(),
				 "flush from the item's own callback or above PASSIVE_LEVEL; not waiting");
		return;
	}
	WaitIdle("WdfWorkItemFlush");
}

} /* namespace ntwq */
