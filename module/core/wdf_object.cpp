// SPDX-License-Identifier: GPL-2.0
/*
 * wdf_object.cpp - WDF objects, devices and work items.
 */
#include "wdf_object.h"

#include "bridge/bridge.h"
#include "lib/runtime.h"
#include "queues.h"
#include "verifier.h"

namespace ntwq {
namespace {

LockClass g_tree_class;
LockClass g_wdf_item_class;
LockClass g_wdf_sync_class;
LockClass g_wdf_deferred_class;
SpinLock g_tree; /* guards every WdfObject's children and sibling lists */

constexpr size_t AlignUp(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

bool AtPassive()
{
	return KeGetCurrentIrql() == PASSIVE_LEVEL;
}

void Destroy(WdfObject *obj)
{
	WdfObject *parent = obj->parent;

	if (obj->destroy)
		obj->destroy(obj->Handle());
	if (obj->teardown)
		obj->teardown(obj);
	obj->magic.StoreRelease(kWdfDead);
	ntwq_destroy_work(obj->deferred.Get());
	ntwq_rt_free(obj);
	if (parent)
		parent->Dereference();
}

extern "C" void WdfDeferredWork(work_struct *work)
{
	auto *obj = reinterpret_cast<WdfObject *>(reinterpret_cast<char *>(work) -
						  __builtin_offsetof(WdfObject, deferred));
	DriverBlock *driver = obj->driver; /* obj may be freed below */

	if (obj->deferred_op == WdfDeferred::Delete) {
		obj->deferred_op = WdfDeferred::None;
		obj->Delete();
		obj->Dereference(); /* taken by the deferring WdfObjectDelete */
	} else {
		Destroy(obj);
	}
	if (driver) {
		ntwq_module_put(driver->priv.owner);
		driver->EndWork();
	}
}

/*
 * Finishes a delete or destroy at PASSIVE_LEVEL in ntwq's internal queue.
 * The job calls the driver's callbacks, so it counts as the driver's work:
 * NtwqDeleteDriver waits for it and the driver's module stays pinned.
 */
void Defer(WdfObject *obj, WdfDeferred op)
{
	if (obj->driver) {
		/* A driver with live objects has not drained: this succeeds. */
		obj->driver->BeginWork();
		ntwq_module_get(obj->driver->priv.owner);
	}
	obj->deferred_op = op;
	ntwq_queue_work(Queues::Internal(), obj->deferred.Get());
}

void ReleaseKref(kref *ref)
{
	auto *obj = reinterpret_cast<WdfObject *>(reinterpret_cast<char *>(ref) -
						  __builtin_offsetof(WdfObject, refs));

	if (AtPassive())
		Destroy(obj);
	else
		Defer(obj, WdfDeferred::Destroy);
}

WDF_EXECUTION_LEVEL ResolveLevel(PWDF_OBJECT_ATTRIBUTES a, WdfObject *parent)
{
	WDF_EXECUTION_LEVEL l = a ? a->ExecutionLevel : WdfExecutionLevelInheritFromParent;

	if (l == WdfExecutionLevelInheritFromParent)
		return parent ? parent->level : WdfExecutionLevelDispatch;
	return l;
}

WDF_SYNCHRONIZATION_SCOPE ResolveScope(PWDF_OBJECT_ATTRIBUTES a, WdfObject *parent)
{
	WDF_SYNCHRONIZATION_SCOPE s =
		a ? a->SynchronizationScope : WdfSynchronizationScopeInheritFromParent;

	if (s == WdfSynchronizationScopeInheritFromParent)
		return parent ? parent->scope : WdfSynchronizationScopeNone;
	return s;
}

/* ---- work items ---- */

WdfWorkItem *AsWorkItem(WdfObject *obj)
{
	return reinterpret_cast<WdfWorkItem *>(obj);
}

/* The IO_WORKITEM_ROUTINE_EX every WDF work item runs on. */
extern "C" void WdfWorkItemTrampoline(PVOID, PVOID Context, PIO_WORKITEM)
{
	auto *w = static_cast<WdfWorkItem *>(Context);
	WdfInvocation inv;
	bool finish;

	inv.task = ntwq_current_task();
	{
		SpinGuard<IrqSave> guard(w->lock);
		w->pending = false;
		w->invocations.InsertTail(&inv.node);
	}
	if (w->sync)
		ntwq_mutex_lock(w->sync->sync.Get());
	w->func(w->obj.Handle());
	if (w->sync)
		ntwq_mutex_unlock(w->sync->sync.Get());
	{
		SpinGuard<IrqSave> guard(w->lock);
		inv.node.Remove();
		finish = w->delete_on_return && w->invocations.Empty();
		if (finish)
			w->delete_on_return = false;
	}
	if (finish)
		w->obj.FinishDelete();
	w->obj.Dereference(); /* the reference the enqueue took */
}

/* Cancels a pending callback or waits for a running one; false if the
 * delete was called from the item's own callback (it finishes there). */
bool QuiesceWorkItem(WdfObject *obj)
{
	WdfWorkItem *w = AsWorkItem(obj);
	{
		SpinGuard<IrqSave> guard(w->lock);
		if (w->InCallbackLocked()) {
			w->delete_on_return = true;
			return false;
		}
	}
	if (w->io.Cancel()) {
		{
			SpinGuard<IrqSave> guard(w->lock);
			w->pending = false;
		}
		obj->Dereference(); /* the cancelled enqueue's reference */
	}
	w->io.Flush();
	return true;
}

void TeardownWorkItem(WdfObject *obj)
{
	WdfWorkItem *w = AsWorkItem(obj);

	w->io.Retire("WdfObjectDelete");
	ntwq_destroy_work(w->io.work.Get());
}

void TeardownDevice(WdfObject *obj)
{
	auto *d = reinterpret_cast<WdfDevice *>(obj);

	ntwq_mutex_destroy(d->sync.Get());
	d->wdm->Dereference();
}

} /* namespace */

WdfObject *WdfObject::From(WDFOBJECT handle, WdfKind kind, const char *api) noexcept
{
	auto *obj = reinterpret_cast<WdfObject *>(handle);

	if (obj && obj->magic.LoadAcquire() == kWdfMagic &&
	    (kind == WdfKind::Any || obj->kind == kind))
		return obj;
	Verifier::Report(NTWQ_DIAG_WDF_INVALID_HANDLE, api, nullptr, nullptr,
			 !obj ? "NULL handle"
			 : obj->magic.Load() == kWdfMagic ? "handle of the wrong object type"
							   : "not a live WDF handle");
	return nullptr;
}

void WdfObject::Reference() noexcept
{
	ntwq_kref_get(refs.Get());
}

void WdfObject::Dereference() noexcept
{
	ntwq_kref_put(refs.Get(), ReleaseKref);
}

WdfObject *WdfObject::DeviceAncestor() noexcept
{
	WdfObject *o = this;

	while (o && o->kind != WdfKind::Device)
		o = o->parent;
	return o;
}

void WdfObject::Delete() noexcept
{
	if (!AtPassive()) {
		/* Cleanup callbacks run at PASSIVE_LEVEL: finish in a worker. */
		Reference();
		Defer(this, WdfDeferred::Delete);
		return;
	}
	u32 expected = 0;
	if (!deleted.CompareExchange(expected, 1))
		return; /* being deleted already */

	/* Children first; each unlinks itself (or is unlinked here). */
	for (;;) {
		WdfObject *child = nullptr;
		{
			SpinGuard<IrqSave> guard(g_tree);
			if (!children.Empty()) {
				child = NTWQ_CONTAINER_OF(children.next, WdfObject, sibling);
				child->Reference();
			}
		}
		if (!child)
			break;
		child->Delete();
		{
			SpinGuard<IrqSave> guard(g_tree);
			child->sibling.Remove();
		}
		child->Dereference();
	}

	if (!quiesce || quiesce(this)) {
		FinishDelete();
	} else {
		/* Finishes when the running callback returns. */
		SpinGuard<IrqSave> guard(g_tree);
		sibling.Remove();
	}
}

void WdfObject::FinishDelete() noexcept
{
	if (cleanup)
		cleanup(Handle());
	{
		SpinGuard<IrqSave> guard(g_tree);
		sibling.Remove();
	}
	Dereference(); /* the creation reference */
}

NTSTATUS WdfCreateObject(WdfKind kind, size_t size, PWDF_OBJECT_ATTRIBUTES attrs,
			 WdfObject *parent, DriverBlock *driver, WdfObject **out) noexcept
{
	PCWDF_OBJECT_CONTEXT_TYPE_INFO type = attrs ? attrs->ContextTypeInfo : nullptr;
	size_t context_size = 0;

	*out = nullptr;
	if (attrs && attrs->Size != sizeof(WDF_OBJECT_ATTRIBUTES))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (attrs && (attrs->ExecutionLevel == WdfExecutionLevelInvalid ||
		      attrs->ExecutionLevel > WdfExecutionLevelDispatch ||
		      attrs->SynchronizationScope == WdfSynchronizationScopeInvalid ||
		      attrs->SynchronizationScope > WdfSynchronizationScopeNone))
		return STATUS_INVALID_PARAMETER;
	if (type) {
		context_size = type->ContextSize;
		if (attrs->ContextSizeOverride) {
			if (attrs->ContextSizeOverride < type->ContextSize)
				return STATUS_INVALID_PARAMETER;
			context_size = attrs->ContextSizeOverride;
		}
		if (context_size > (1u << 24))
			return STATUS_INVALID_PARAMETER;
	}

	size_t context_offset = AlignUp(size, 16);
	auto *obj = static_cast<WdfObject *>(
		ntwq_rt_alloc(context_offset + context_size, NTWQ_GFP_KERNEL));
	if (!obj)
		return STATUS_INSUFFICIENT_RESOURCES;
	obj->kind = kind;
	ntwq_kref_init(obj->refs.Get());
	obj->children.Init();
	obj->sibling.Init();
	obj->cleanup = attrs ? attrs->EvtCleanupCallback : nullptr;
	obj->destroy = attrs ? attrs->EvtDestroyCallback : nullptr;
	obj->level = ResolveLevel(attrs, parent);
	obj->scope = ResolveScope(attrs, parent);
	obj->context_type = type ? type->UniqueType : nullptr;
	obj->context = type ? reinterpret_cast<char *>(obj) + context_offset : nullptr;
	obj->driver = driver;
	ntwq_init_work(obj->deferred.Get(), WdfDeferredWork, g_wdf_deferred_class.Key());

	if (parent) {
		SpinGuard<IrqSave> guard(g_tree);
		if (parent->deleted.Load()) {
			ntwq_destroy_work(obj->deferred.Get());
			ntwq_rt_free(obj);
			return STATUS_DELETE_PENDING;
		}
		parent->Reference();
		obj->parent = parent;
		parent->children.InsertTail(&obj->sibling);
	}
	obj->magic.StoreRelease(kWdfMagic);
	*out = obj;
	return STATUS_SUCCESS;
}

void WdfInit() noexcept
{
	g_tree.Init("ntwq_wdf_tree", g_tree_class);
}

NTSTATUS WdfCreateDevice(ObjectHeader *wdm, PWDF_OBJECT_ATTRIBUTES attrs, WdfDevice **out) noexcept
{
	WdfObject *obj;

	*out = nullptr;
	if (attrs && attrs->ParentObject)
		return STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED;
	NTSTATUS status = WdfCreateObject(WdfKind::Device, sizeof(WdfDevice), attrs, nullptr,
					  DriverOf(wdm), &obj);
	if (!NT_SUCCESS(status))
		return status;
	auto *d = reinterpret_cast<WdfDevice *>(obj);
	wdm->Reference();
	d->wdm = wdm;
	ntwq_mutex_init(d->sync.Get(), "ntwq_wdf_device_sync", g_wdf_sync_class.Key());
	obj->teardown = TeardownDevice;
	*out = d;
	return STATUS_SUCCESS;
}

NTSTATUS WdfCreateWorkItem(PWDF_WORKITEM_CONFIG config, PWDF_OBJECT_ATTRIBUTES attrs,
			   WdfWorkItem **out) noexcept
{
	WdfObject *parent, *obj;
	WdfDevice *sync = nullptr;

	*out = nullptr;
	if (!config || !config->EvtWorkItemFunc)
		return STATUS_INVALID_PARAMETER;
	if (config->Size != sizeof(WDF_WORKITEM_CONFIG))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (!attrs || !attrs->ParentObject)
		return STATUS_WDF_PARENT_NOT_SPECIFIED;
	parent = WdfObject::From(attrs->ParentObject, WdfKind::Any, "WdfWorkItemCreate");
	if (!parent)
		return STATUS_INVALID_PARAMETER;
	WdfObject *device = parent->DeviceAncestor();
	if (!device)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (parent->deleted.Load())
		return STATUS_DELETE_PENDING;
	auto *dev = reinterpret_cast<WdfDevice *>(device);
	if (!DriverOf(dev->wdm)->OwnsCode(reinterpret_cast<const void *>(config->EvtWorkItemFunc))) {
		Verifier::Report(NTWQ_DIAG_INVALID_ROUTINE, "WdfWorkItemCreate",
				 reinterpret_cast<const void *>(config->EvtWorkItemFunc),
				 DriverOf(dev->wdm)->Name(), "callback not in the driver's module");
		return STATUS_INVALID_PARAMETER;
	}
	/* Serialise with the parent's callbacks when the parent asks for it. */
	if (config->AutomaticSerialization && parent->scope == WdfSynchronizationScopeDevice) {
		if (parent->level != WdfExecutionLevelPassive)
			return STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL;
		sync = dev;
	}

	NTSTATUS status = WdfCreateObject(WdfKind::WorkItem, sizeof(WdfWorkItem), attrs, parent,
					  DriverOf(dev->wdm), &obj);
	if (!NT_SUCCESS(status))
		return status;
	WdfWorkItem *w = AsWorkItem(obj);
	w->func = config->EvtWorkItemFunc;
	w->sync = sync;
	w->lock.Init("ntwq_wdf_item", g_wdf_item_class);
	w->invocations.Init();
	w->io.Init(dev->wdm, false, Api::Wdf);
	obj->quiesce = QuiesceWorkItem;
	obj->teardown = TeardownWorkItem;
	*out = w;
	return STATUS_SUCCESS;
}

bool WdfWorkItem::InCallbackLocked() noexcept
{
	const void *task = ntwq_current_task();

	lock.AssertHeld();
	for (ListNode *n = invocations.next; n != &invocations; n = n->next)
		if (NTWQ_CONTAINER_OF(n, WdfInvocation, node)->task == task)
			return true;
	return false;
}

void WdfWorkItem::Enqueue() noexcept
{
	bool queued;
	{
		SpinGuard<IrqSave> guard(lock);
		if (obj.deleted.Load()) {
			Verifier::Report(NTWQ_DIAG_WDF_AFTER_DELETE, "WdfWorkItemEnqueue",
					 reinterpret_cast<const void *>(func), obj.driver->Name(),
					 "work item already deleted; not enqueued");
			return;
		}
		if (pending)
			return; /* coalesces with the enqueue not yet started */
		obj.Reference(); /* travels with the callback */
		pending = queued = io.Queue("WdfWorkItemEnqueue",
					    reinterpret_cast<const void *>(WdfWorkItemTrampoline),
					    true, DelayedWorkQueue, this,
					    reinterpret_cast<const void *>(func));
	}
	if (!queued)
		obj.Dereference();
}

void WdfWorkItem::Flush() noexcept
{
	bool passive = AtPassive();
	{
		SpinGuard<IrqSave> guard(lock);
		if (InCallbackLocked() || !passive) {
			Verifier::Report(NTWQ_DIAG_WDF_FLUSH_IN_CALLBACK, "WdfWorkItemFlush",
					 reinterpret_cast<const void *>(func), obj.driver->Name(),
					 "flush from the item's own callback or above PASSIVE_LEVEL; not waiting");
			return;
		}
	}
	io.Flush();
}

} /* namespace ntwq */
