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

/*
 * Sequentially consistent operations for the enqueue/delete handshake
 * (a store-buffer pattern: see "Memory order" in fx_object.h).  Spelled
 * out here rather than left to Atomic<T>'s defaults.
 */
u32 ScAdd(Atomic<u32> &a, u32 v)
{
	return __atomic_add_fetch(a.Address(), v, __ATOMIC_SEQ_CST);
}

u32 ScSub(Atomic<u32> &a, u32 v)
{
	return __atomic_sub_fetch(a.Address(), v, __ATOMIC_SEQ_CST);
}

bool ScCas(Atomic<u32> &a, u32 expected, u32 desired)
{
	return __atomic_compare_exchange_n(a.Address(), &expected, desired, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

FxState ScLoadState(Atomic<FxState> &a)
{
	return __atomic_load_n(a.Address(), __ATOMIC_SEQ_CST);
}

/* ---- the object's state machine ---- */

enum class FxEvent : u32 {
	Commit,   /* the create links the built object */
	Abort,    /* the create was refused: undone, never seen */
	AddChild, /* a create links a child under this object */
	Delete,   /* WdfObjectDelete, a parent's or the driver's delete claims it */
	Finish,   /* cleanup done: unlink, drop the creation reference */
	Count
};

enum class FxVerdict : u8 {
	Move,    /* legal: move to `next` (AddChild: stay, accepted) */
	Refuse,  /* legal, refused: the caller fails quietly (a create under a deleting parent) */
	Ignore,  /* legal, nothing to do (a second delete) */
	Illegal, /* a diagnostic; nothing changes */
};

struct FxRule {
	FxVerdict verdict;
	FxState next;     /* Move */
	const char *what; /* Illegal: the diagnostic's text */
};

constexpr u32 kFxStates = static_cast<u32>(FxState::Count);
constexpr FxRule kMove(FxState s) { return { FxVerdict::Move, s, nullptr }; }
constexpr FxRule kBad(const char *what) { return { FxVerdict::Illegal, FxState::Deleted, what }; }
constexpr FxRule kRefuse = { FxVerdict::Refuse, FxState::Deleted, nullptr };
constexpr FxRule kIgnore = { FxVerdict::Ignore, FxState::Deleted, nullptr };

/* kFxTable[event][state], states in FxState order. */
constexpr FxRule kFxTable[static_cast<u32>(FxEvent::Count)][kFxStates] = {
	/* Commit:   Constructing, Live, Deleting, Deleted */
	{ kMove(FxState::Live), kBad("object committed twice"),
	  kBad("commit of an object being deleted"), kBad("commit of a deleted object") },
	/* Abort */
	{ kMove(FxState::Deleted), kBad("abort of a live object"),
	  kBad("abort of an object being deleted"), kBad("abort of a deleted object") },
	/* AddChild */
	{ kBad("child created under an object still being created"), kMove(FxState::Live),
	  kRefuse, kRefuse },
	/* Delete */
	{ kBad("delete of an object still being created"), kMove(FxState::Deleting), kIgnore,
	  kIgnore },
	/* Finish */
	{ kBad("delete finished while creating"), kBad("delete finished without beginning"),
	  kMove(FxState::Deleted), kBad("delete finished twice") },
};

/*
 * The one place an object's state moves (g_tree held): the rule for @event
 * in the current state.  A Move is made (sequentially consistent: the
 * delete's store must be ordered before its wait reads `outstanding`); an
 * Illegal one is reported, naming @api; the caller acts on the verdict.
 */
FxVerdict FxTransitionLocked(FxObject *obj, FxEvent event, const char *api)
{
	g_tree.AssertHeld();
	u32 state = static_cast<u32>(obj->state.Load());
	if (state >= kFxStates)
		state = static_cast<u32>(FxState::Deleted); /* never: treat as dead */
	const FxRule &rule = kFxTable[static_cast<u32>(event)][state];
	if (rule.verdict == FxVerdict::Move)
		__atomic_store_n(obj->state.Address(), rule.next, __ATOMIC_SEQ_CST);
	else if (rule.verdict == FxVerdict::Illegal)
		Verifier::Report(NTWQ_DIAG_WDF_INVALID_HANDLE, api, nullptr,
				 obj->driver ? obj->driver->Name() : nullptr, rule.what);
	return rule.verdict;
}

ListNode g_drivers; /* T: live drivers (DriverPriv::fx_link), oldest first */

/*
 * The live driver whose module holds @code; the newest if several do (one
 * module registering several drivers).  g_tree held.
 */
DriverBlock *DriverOwningLocked(const void *code)
{
	g_tree.AssertHeld();
	for (ListNode *n = g_drivers.prev; n != &g_drivers; n = n->prev) {
		DriverBlock *d = NTWQ_CONTAINER_OF(n, DriverBlock, priv.fx_link);
		if (d->Live() && d->OwnsCode(code))
			return d;
	}
	return nullptr;
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
	/* Deleted from a callback: the last enqueue to end finishes it. */
	w->EndOutstanding();
	/* The dispatcher's pin holds the object until after we return. */
}

/* Lets a pending callback run and waits for a running one; false if the
 * delete was called from the item's own callback (it finishes there). */
bool QuiesceWorkItem(FxObject *obj)
{
	FxWorkItem *w = AsWorkItem(obj);

	if (w->InCallback()) {
		/* Our own run is counted, so this cannot be the last: the
		 * decrement that leaves exactly the flag finishes the delete. */
		ScAdd(w->outstanding, kFxDeletePending);
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

	switch (obj->deferred_op) {
	case FxDeferred::Delete:
		obj->DeleteClaimed();
		obj->Dereference(); /* taken by the deferring WdfObjectDelete */
		break;
	case FxDeferred::Continue:
		obj->FinishDelete();
		obj->Dereference(); /* taken by the deferring EndOutstanding */
		break;
	case FxDeferred::Destroy:
		Destroy(obj);
		break;
	}
}

/* A child's finish dropped @parent's last hold: its delete goes on (PASSIVE_LEVEL). */
void FxContinueParent(FxObject *parent)
{
	parent->Continue();
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
	FxVerdict verdict;
	{
		SpinGuard<IrqSave> guard(g_tree);
		verdict = FxTransitionLocked(this, FxEvent::Delete, "WdfObjectDelete");
	}
	if (verdict != FxVerdict::Move)
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
	/*
	 * Children first.  None can be added now (we are Deleting); each
	 * child still Live is deleted here, one being deleted already goes on
	 * by itself, and each drops one of our holds when it finishes.
	 */
	for (;;) {
		FxObject *child = nullptr;
		{
			SpinGuard<IrqSave> guard(g_tree);
			ListNode *head = &children;
			for (ListNode *n = head->next; n != head; n = n->next) {
				FxObject *c = NTWQ_CONTAINER_OF(n, FxObject, sibling);
				if (c->state.Load() == FxState::Live) {
					c->Reference();
					child = c;
					break;
				}
			}
		}
		if (!child)
			break;
		child->Delete();
		child->Dereference();
	}
	/* Our own hold: whoever drops the last one continues the delete. */
	bool last;
	{
		SpinGuard<IrqSave> guard(g_tree);
		last = --holds == 0;
	}
	if (last)
		Continue();
}

void FxObject::Continue() noexcept
{
	if (!quiesce || quiesce(this))
		FinishDelete();
	/* else: the item's last outstanding callback finishes it */
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

	FxObject *resume = nullptr;
	{
		SpinGuard<IrqSave> guard(g_tree);
		FxTransitionLocked(this, FxEvent::Finish, "WdfObjectDelete");
		sibling.Remove();
		/* Linked children are counted: the last to go resumes its parent. */
		if (parent && --parent->holds == 0)
			resume = parent;
	}
	/* The parent (deleting, so its creation reference is held) cleans up
	 * after us; our reference on it keeps it until our destroy. */
	if (resume)
		FxContinueParent(resume);
	Dereference(); /* the creation reference */
}

NTSTATUS FxAllocObject(FxKind kind, size_t size, PWDF_OBJECT_ATTRIBUTES attrs,
		       FxObject *parent, FxObject **out, const void *site) noexcept
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
	obj->state.Store(FxState::Constructing);
	obj->holds = 1; /* dropped by the delete once it has asked the children */
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
	obj->alloc_site = site;
	new (&obj->deferred_pin) WorkPin();
	ntwq_init_work(obj->deferred.Get(), FxDeferredWork, g_fx_deferred_class.Key());
	*out = obj;
	return STATUS_SUCCESS;
}

NTSTATUS FxCommitObject(FxObject *obj, FxObject *parent, DriverBlock *driver,
			const void *caller) noexcept
{
	NTSTATUS status = STATUS_SUCCESS;
	const void *code = obj->cleanup ? reinterpret_cast<const void *>(obj->cleanup)
					: reinterpret_cast<const void *>(obj->destroy);
	{
		SpinGuard<IrqSave> guard(g_tree);
		if (parent) {
			/* A parent being deleted takes no child: its delete
			 * walks `children` under this lock after it left Live. */
			if (FxTransitionLocked(parent, FxEvent::AddChild, "WdfObjectCreate") !=
			    FxVerdict::Move)
				status = STATUS_DELETE_PENDING;
			driver = parent->driver;
		} else if (!driver) {
			/* Parentless: owned by the driver whose code it calls. */
			driver = DriverOwningLocked(code ? code : caller);
			if (!driver && code)
				status = STATUS_INVALID_PARAMETER;
		}
		/* NtwqDeleteDriver moves the state first, then walks
		 * fx_objects under this lock: it sees this object or we see
		 * it is not Live. */
		if (NT_SUCCESS(status) && driver && !driver->Live())
			status = STATUS_DELETE_PENDING;
		if (NT_SUCCESS(status)) {
			obj->driver = driver;
			if (parent) {
				parent->Reference();
				parent->holds++;
				obj->parent = parent;
				parent->children.InsertTail(&obj->sibling);
			}
			if (driver)
				driver->priv.fx_objects.InsertTail(&obj->driver_link);
			FxTransitionLocked(obj, FxEvent::Commit, "WdfObjectCreate");
			obj->magic.StoreRelease(kFxMagic);
		} else {
			FxTransitionLocked(obj, FxEvent::Abort, "WdfObjectCreate");
		}
	}
	if (NT_SUCCESS(status))
		return status;
	if (status == STATUS_INVALID_PARAMETER)
		Verifier::Report(NTWQ_DIAG_INVALID_ROUTINE, "WdfObjectCreate", code, nullptr,
				 "parentless object whose callback is in no registered driver's module");
	/* Never seen by anyone: undo what the kind built, free it. */
	if (obj->teardown)
		obj->teardown(obj);
	ntwq_destroy_work(obj->deferred.Get());
	ntwq_rt_free(obj);
	return status;
}

void FxDriverCreated(DriverBlock *driver) noexcept
{
	SpinGuard<IrqSave> guard(g_tree);
	g_drivers.InsertTail(&driver->priv.fx_link);
}

void FxInit() noexcept
{
	g_tree.Init("ntwq_wdf_tree", g_tree_class);
	g_drivers.Init();
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
		driver->priv.fx_link.Remove(); /* no longer found for parentless objects */
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
	NTSTATUS status = FxAllocObject(FxKind::Device, sizeof(FxDevice), attrs, nullptr, &obj,
					site);
	if (!NT_SUCCESS(status))
		return status;
	auto *d = reinterpret_cast<FxDevice *>(obj);
	wdm->Reference();
	d->wdm = wdm;
	ntwq_mutex_init(d->sync.Get(), "ntwq_wdf_device_sync", g_fx_sync_class.Key());
	obj->teardown = TeardownDevice;
	/* Refused once NtwqDeleteDriver began (STATUS_DELETE_PENDING). */
	status = FxCommitObject(obj, nullptr, DriverOf(wdm), nullptr);
	if (!NT_SUCCESS(status))
		return status;
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
	NTSTATUS status = FxAllocObject(FxKind::WorkItem, sizeof(FxWorkItem), attrs, parent,
					&obj, site);
	if (!NT_SUCCESS(status))
		return status;
	/* Built completely while no delete can see it (Constructing). */
	FxWorkItem *w = AsWorkItem(obj);
	w->func = config->EvtWorkItemFunc;
	w->sync = sync;
	w->io.Init(device->wdm, WorkStorage::Kmdf, Api::Wdf, "WdfWorkItemCreate");
	obj->quiesce = QuiesceWorkItem;
	obj->teardown = TeardownWorkItem;
	status = FxCommitObject(obj, parent, nullptr, nullptr);
	if (!NT_SUCCESS(status))
		return status;
	*out = w;
	return STATUS_SUCCESS;
}

bool FxWorkItem::InCallback() noexcept
{
	return running_task.Load() == ntwq_current_task();
}

void FxWorkItem::EndOutstanding() noexcept
{
	/*
	 * Sequentially consistent: a waiter counted before it is seen, and
	 * of all the decrements only one can swap the bare kFxDeletePending
	 * (count zero, delete pending) for 0: that one finishes the delete.
	 */
	u32 left = ScSub(outstanding, 1);
	bool finish = left == kFxDeletePending && ScCas(outstanding, kFxDeletePending, 0);

	if (finish)
		left = 0;
	if (left == 0 && waiters.Load())
		ntwq_wake_up_var(outstanding.Address());
	if (!finish)
		return;
	if (AtPassive()) {
		obj.FinishDelete();
	} else {
		/* A refused enqueue at a raised IRQL ended last: cleanup at PASSIVE_LEVEL. */
		obj.Reference();
		Defer(&obj, FxDeferred::Continue);
	}
}

void FxWorkItem::Enqueue(const void *site) noexcept
{
	/* Counted before the state check, both sequentially consistent: a
	 * delete that sees no enqueue outstanding is one this enqueue sees
	 * as deleted (the delete stored the state before it looked), so no
	 * callback runs after cleanup. */
	ScAdd(outstanding, 1);
	if (ScLoadState(obj.state) != FxState::Live) {
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

	/* The delete stored its state before this: order that store before
	 * the wait's loads of `outstanding` (the enqueue side's mirror). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
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
