/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntwq/wdf.h - the KMDF object model a work item needs, and the KMDF
 * work-item routines, under their Windows names.
 *
 * Include after the Linux headers.  A KMDF driver gets a WDFDEVICE for its
 * WDM device object from NtwqWdfDeviceCreate (ntwq has no PnP manager), then
 * uses the routines as on Windows.  See README.md for the deviations.
 */
#ifndef _NTWQ_WDF_H
#define _NTWQ_WDF_H

#include <ntwq/wdm.h>

NTWQ_EXTERN_C_BEGIN

/**
 * DOC: WDF handles
 *
 * ``WDFOBJECT``, ``WDFDEVICE`` and ``WDFWORKITEM`` are one opaque pointer
 * type, as KMDF's handles are interchangeable in C code (a WDFDEVICE is
 * passed where a WDFOBJECT is expected); ntwq checks the object's real type
 * and liveness at every call (WDF_VIOLATION(0x10D) when wrong).
 */
typedef struct WDFOBJECT__ *WDFOBJECT;
typedef WDFOBJECT WDFDEVICE;
typedef WDFOBJECT WDFWORKITEM;

#define WDF_NO_HANDLE ((WDFOBJECT)0)
#define WDF_NO_OBJECT_ATTRIBUTES ((PWDF_OBJECT_ATTRIBUTES)0)

/* KMDF status codes (wdfstatus.h values). */
#define STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004L)
#define STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL ((NTSTATUS)0xC020020CL)
#define STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED ((NTSTATUS)0xC020020FL)
#define STATUS_WDF_PARENT_NOT_SPECIFIED ((NTSTATUS)0xC0200212L)

/**
 * enum _WDF_EXECUTION_LEVEL - WDF_EXECUTION_LEVEL: the highest IRQL at which
 * an object's callbacks run.
 * @WdfExecutionLevelInvalid: invalid.
 * @WdfExecutionLevelInheritFromParent: the parent's level (the default).
 * @WdfExecutionLevelPassive: PASSIVE_LEVEL.
 * @WdfExecutionLevelDispatch: up to DISPATCH_LEVEL; what an object gets when
 *                             nothing up its tree says otherwise.
 */
typedef enum _WDF_EXECUTION_LEVEL {
	WdfExecutionLevelInvalid = 0,
	WdfExecutionLevelInheritFromParent,
	WdfExecutionLevelPassive,
	WdfExecutionLevelDispatch,
} WDF_EXECUTION_LEVEL;

/**
 * enum _WDF_SYNCHRONIZATION_SCOPE - WDF_SYNCHRONIZATION_SCOPE: what an
 * object's callbacks are serialized with.
 * @WdfSynchronizationScopeInvalid: invalid.
 * @WdfSynchronizationScopeInheritFromParent: the parent's scope (the default).
 * @WdfSynchronizationScopeDevice: the device's other serialized callbacks; a
 *                                 work item with AutomaticSerialization then
 *                                 runs holding the device's passive lock.
 * @WdfSynchronizationScopeQueue: accepted; ntwq has no queues to serialize
 *                                with.
 * @WdfSynchronizationScopeNone: nothing; what an object gets when nothing up
 *                               its tree says otherwise.
 */
typedef enum _WDF_SYNCHRONIZATION_SCOPE {
	WdfSynchronizationScopeInvalid = 0,
	WdfSynchronizationScopeInheritFromParent,
	WdfSynchronizationScopeDevice,
	WdfSynchronizationScopeQueue,
	WdfSynchronizationScopeNone,
} WDF_SYNCHRONIZATION_SCOPE;

/**
 * typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP - called when an object is deleted.
 * @Object: the object; children are cleaned up before their parents.
 *
 * Runs at PASSIVE_LEVEL.  No callback of the object runs after it.
 */
typedef VOID EVT_WDF_OBJECT_CONTEXT_CLEANUP(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP *PFN_WDF_OBJECT_CONTEXT_CLEANUP;
/**
 * typedef EVT_WDF_OBJECT_CONTEXT_DESTROY - called when an object's last
 * reference goes, just before its memory is freed.
 * @Object: the object; children are destroyed before their parents.
 *
 * Runs at PASSIVE_LEVEL.
 */
typedef VOID EVT_WDF_OBJECT_CONTEXT_DESTROY(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_DESTROY *PFN_WDF_OBJECT_CONTEXT_DESTROY;

/**
 * struct _WDF_OBJECT_CONTEXT_TYPE_INFO - WDF_OBJECT_CONTEXT_TYPE_INFO: a
 * context type, declared by WDF_DECLARE_CONTEXT_TYPE().
 * @Size: sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO).
 * @ContextName: the type's name, for diagnostics.
 * @ContextSize: sizeof the context type.
 * @UniqueType: the declared type info itself, which identifies the type.
 * @EvtDriverGetUniqueContextType: not used by ntwq (NULL).
 */
typedef struct _WDF_OBJECT_CONTEXT_TYPE_INFO {
	ULONG Size;
	const CHAR *ContextName;
	SIZE_T ContextSize;
	const struct _WDF_OBJECT_CONTEXT_TYPE_INFO *UniqueType;
	PVOID EvtDriverGetUniqueContextType;
} WDF_OBJECT_CONTEXT_TYPE_INFO, *PWDF_OBJECT_CONTEXT_TYPE_INFO;
typedef const WDF_OBJECT_CONTEXT_TYPE_INFO *PCWDF_OBJECT_CONTEXT_TYPE_INFO;

/**
 * struct _WDF_OBJECT_ATTRIBUTES - WDF_OBJECT_ATTRIBUTES: how an object is
 * created; set up with WDF_OBJECT_ATTRIBUTES_INIT().
 * @Size: sizeof(WDF_OBJECT_ATTRIBUTES), else STATUS_INFO_LENGTH_MISMATCH.
 * @EvtCleanupCallback: optional, see EVT_WDF_OBJECT_CONTEXT_CLEANUP.
 * @EvtDestroyCallback: optional, see EVT_WDF_OBJECT_CONTEXT_DESTROY.
 * @ExecutionLevel: a WDF_EXECUTION_LEVEL.
 * @SynchronizationScope: a WDF_SYNCHRONIZATION_SCOPE.
 * @ParentObject: the parent, deleted after its children; required for work
 *                items, not allowed for NtwqWdfDeviceCreate().
 * @ContextSizeOverride: if non-zero, the context's size; not smaller than
 *                       the context type.
 * @ContextTypeInfo: the context type (WDF_GET_CONTEXT_TYPE_INFO()), or NULL
 *                   for no context.
 */
typedef struct _WDF_OBJECT_ATTRIBUTES {
	ULONG Size;
	PFN_WDF_OBJECT_CONTEXT_CLEANUP EvtCleanupCallback;
	PFN_WDF_OBJECT_CONTEXT_DESTROY EvtDestroyCallback;
	WDF_EXECUTION_LEVEL ExecutionLevel;
	WDF_SYNCHRONIZATION_SCOPE SynchronizationScope;
	WDFOBJECT ParentObject;
	SIZE_T ContextSizeOverride;
	PCWDF_OBJECT_CONTEXT_TYPE_INFO ContextTypeInfo;
} WDF_OBJECT_ATTRIBUTES, *PWDF_OBJECT_ATTRIBUTES;

/**
 * NtwqZeroMemory - zero memory, as RtlZeroMemory does.
 * @Destination: the memory.
 * @Length: its size in bytes.
 *
 * The header cannot use memset(): it includes no Linux header.
 *
 * Context: any.
 */
static inline void NtwqZeroMemory(PVOID Destination, SIZE_T Length)
{
	unsigned char *bytes = (unsigned char *)Destination;
	SIZE_T i;

	for (i = 0; i < Length; i++)
		bytes[i] = 0;
}

/**
 * WDF_OBJECT_ATTRIBUTES_INIT - set up attributes with KMDF's defaults.
 * @Attributes: zeroed, then Size set and both ExecutionLevel and
 *              SynchronizationScope set to inherit from the parent.
 *
 * Context: any.
 */
static inline void WDF_OBJECT_ATTRIBUTES_INIT(PWDF_OBJECT_ATTRIBUTES Attributes)
{
	NtwqZeroMemory(Attributes, sizeof(*Attributes));
	Attributes->Size = sizeof(WDF_OBJECT_ATTRIBUTES);
	Attributes->ExecutionLevel = WdfExecutionLevelInheritFromParent;
	Attributes->SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
}

/**
 * WDF_GET_CONTEXT_TYPE_INFO - the type info WDF_DECLARE_CONTEXT_TYPE() made.
 * @_contexttype: the context type's name.
 */
#define WDF_GET_CONTEXT_TYPE_INFO(_contexttype) (&_WDF_##_contexttype##_TYPE_INFO)

/**
 * WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE - WDF_OBJECT_ATTRIBUTES_INIT() with
 * a context of a declared type.
 * @_attributes: the attributes.
 * @_contexttype: the context type's name, declared with
 *                WDF_DECLARE_CONTEXT_TYPE().
 */
#define WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(_attributes, _contexttype)        \
	do {                                                                   \
		WDF_OBJECT_ATTRIBUTES_INIT(_attributes);                       \
		(_attributes)->ContextTypeInfo = WDF_GET_CONTEXT_TYPE_INFO(_contexttype); \
	} while (0)

/**
 * WdfObjectGetTypedContextWorker - an object's context, if of @TypeInfo.
 * @Handle: a live object.
 * @TypeInfo: the context type, from WDF_GET_CONTEXT_TYPE_INFO().
 *
 * Called through WdfObjectGetTypedContext() or the accessor that
 * WDF_DECLARE_CONTEXT_TYPE() declares.
 *
 * Context: any.
 * Return: the context memory (zeroed at creation), or NULL with
 * WDF_VIOLATION(0x10D) if the object has no context of that type.
 */
PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle, PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo);

/**
 * WdfObjectGetTypedContext - an object's context of a declared type.
 * @_handle: the object.
 * @_contexttype: the context type's name.
 *
 * Return: a pointer to the context, or NULL (see
 * WdfObjectGetTypedContextWorker()).
 */
#define WdfObjectGetTypedContext(_handle, _contexttype)                       \
	((_contexttype *)WdfObjectGetTypedContextWorker((WDFOBJECT)(_handle),   \
							WDF_GET_CONTEXT_TYPE_INFO(_contexttype)))

/**
 * WDF_DECLARE_CONTEXT_TYPE_WITH_NAME - declare a context type and its
 * accessor.
 * @_contexttype: the context type's name.
 * @_castingfunction: the name of the accessor to declare, which takes a
 *                    WDFOBJECT and returns a pointer to its context.
 */
#define WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction)     \
	static const WDF_OBJECT_CONTEXT_TYPE_INFO _WDF_##_contexttype##_TYPE_INFO = { \
		sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO), #_contexttype,            \
		sizeof(_contexttype), &_WDF_##_contexttype##_TYPE_INFO, (PVOID)0, \
	};                                                                     \
	static inline _contexttype *_castingfunction(WDFOBJECT Handle)         \
	{                                                                      \
		return (_contexttype *)WdfObjectGetTypedContextWorker(         \
			Handle, WDF_GET_CONTEXT_TYPE_INFO(_contexttype));      \
	}

/**
 * WDF_DECLARE_CONTEXT_TYPE - declare a context type and its accessor.
 * @_contexttype: the context type's name; the accessor is WdfObjectGet_
 *                followed by it (WdfObjectGet_MY_CONTEXT for MY_CONTEXT).
 */
#define WDF_DECLARE_CONTEXT_TYPE(_contexttype) \
	WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, WdfObjectGet_##_contexttype)

/* ---- objects ---- */

/**
 * NtwqWdfDeviceCreate - a WDFDEVICE for a WDM device object (ntwq-specific:
 * stands for the framework's device creation in EvtDriverDeviceAdd).
 * @DeviceObject: from IoCreateDevice; referenced until the WDFDEVICE goes.
 * @Attributes: optional; ParentObject must be NULL (a device's parent is
 *              its driver).
 * @Device: receives the handle.
 *
 * Delete it with WdfObjectDelete(), which deletes its children first.
 *
 * Context: PASSIVE_LEVEL.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (not a live device, bad
 * attributes, NULL @Device); STATUS_INFO_LENGTH_MISMATCH (@Attributes->Size);
 * STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED; STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NtwqWdfDeviceCreate(PDEVICE_OBJECT DeviceObject, PWDF_OBJECT_ATTRIBUTES Attributes,
			     WDFDEVICE *Device);
/**
 * WdfDeviceWdmGetDeviceObject - the WDM device object under a WDFDEVICE.
 * @Device: from NtwqWdfDeviceCreate().
 *
 * Context: any.
 * Return: the DEVICE_OBJECT, or NULL with WDF_VIOLATION(0x10D) if @Device is
 * not a live WDFDEVICE.
 */
PDEVICE_OBJECT WdfDeviceWdmGetDeviceObject(WDFDEVICE Device);

/**
 * WdfObjectCreate - create a general WDF object.
 * @Attributes: optional; with a ParentObject the object is deleted with its
 *              parent, without one it is a root tied to no driver.
 * @Object: receives the handle.
 *
 * Context: PASSIVE_LEVEL or DISPATCH_LEVEL (GFP_ATOMIC there).
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER (bad attributes or
 * parent, NULL @Object); STATUS_INFO_LENGTH_MISMATCH;
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfObjectCreate(PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object);
/**
 * WdfObjectDelete - delete an object and its children.
 * @Object: a live object.
 *
 * Children first, each object's EvtCleanupCallback at PASSIVE_LEVEL.  A work
 * item's pending callback runs first and a running one is waited for (as
 * KMDF); from the item's own callback the delete completes after that
 * callback has returned.  At a raised IRQL, ntwq finishes the delete at
 * PASSIVE_LEVEL on its internal queue.  A second delete does nothing.  The
 * memory goes with the last reference (EvtDestroyCallback).
 *
 * Context: any up to DISPATCH_LEVEL.
 */
void WdfObjectDelete(WDFOBJECT Object);
/**
 * WdfObjectReferenceActual - take a reference on an object.
 * @Handle: a live object.
 * @Tag: accepted and ignored.
 * @Line: accepted and ignored.
 * @File: accepted and ignored.
 *
 * Ported code calls it through WdfObjectReference() or
 * WdfObjectReferenceWithTag().
 *
 * Context: any.
 */
void WdfObjectReferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, const CHAR *File);
/**
 * WdfObjectDereferenceActual - drop a reference on an object.
 * @Handle: an object referenced with WdfObjectReferenceActual().
 * @Tag: accepted and ignored.
 * @Line: accepted and ignored.
 * @File: accepted and ignored.
 *
 * The last reference frees the object (after its EvtDestroyCallback).
 * Ported code calls it through WdfObjectDereference() or
 * WdfObjectDereferenceWithTag().
 *
 * Context: any.
 */
void WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, const CHAR *File);

#define WdfObjectReferenceWithTag(_handle, _tag) \
	WdfObjectReferenceActual((WDFOBJECT)(_handle), (_tag), __LINE__, __FILE__)
#define WdfObjectDereferenceWithTag(_handle, _tag) \
	WdfObjectDereferenceActual((WDFOBJECT)(_handle), (_tag), __LINE__, __FILE__)
#define WdfObjectReference(_handle) WdfObjectReferenceWithTag(_handle, (PVOID)0)
#define WdfObjectDereference(_handle) WdfObjectDereferenceWithTag(_handle, (PVOID)0)

/* ---- work items ---- */

/**
 * typedef EVT_WDF_WORKITEM - a KMDF work item's callback.
 * @WorkItem: the work item.
 *
 * Runs at PASSIVE_LEVEL in a Linux worker thread and may sleep; with
 * AutomaticSerialization under a device-scope parent, it holds the device's
 * passive lock.
 */
typedef VOID EVT_WDF_WORKITEM(WDFWORKITEM WorkItem);
typedef EVT_WDF_WORKITEM *PFN_WDF_WORKITEM;

/**
 * struct _WDF_WORKITEM_CONFIG - WDF_WORKITEM_CONFIG: a work item's callback
 * and serialization; set up with WDF_WORKITEM_CONFIG_INIT().
 * @Size: sizeof(WDF_WORKITEM_CONFIG), else STATUS_INFO_LENGTH_MISMATCH.
 * @EvtWorkItemFunc: the callback; must lie in the driver's module.
 * @AutomaticSerialization: serialize the callback with the parent's scope
 *                          (see WDF_SYNCHRONIZATION_SCOPE).
 */
typedef struct _WDF_WORKITEM_CONFIG {
	ULONG Size;
	PFN_WDF_WORKITEM EvtWorkItemFunc;
	BOOLEAN AutomaticSerialization;
} WDF_WORKITEM_CONFIG, *PWDF_WORKITEM_CONFIG;

/**
 * WDF_WORKITEM_CONFIG_INIT - set up a work item's configuration.
 * @Config: zeroed, then Size, EvtWorkItemFunc and AutomaticSerialization
 *          (TRUE, as in KMDF) set.
 * @EvtWorkItemFunc: the callback.
 *
 * Context: any.
 */
static inline void WDF_WORKITEM_CONFIG_INIT(PWDF_WORKITEM_CONFIG Config,
					    PFN_WDF_WORKITEM EvtWorkItemFunc)
{
	NtwqZeroMemory(Config, sizeof(*Config));
	Config->Size = sizeof(WDF_WORKITEM_CONFIG);
	Config->EvtWorkItemFunc = EvtWorkItemFunc;
	Config->AutomaticSerialization = TRUE;
}

/**
 * WdfWorkItemCreate - create a KMDF work item.
 * @Config: from WDF_WORKITEM_CONFIG_INIT().
 * @Attributes: required: ParentObject must be a WDFDEVICE or descend from
 *              one; the item is deleted with its parent.
 * @WorkItem: receives the handle.
 *
 * Context: PASSIVE_LEVEL or DISPATCH_LEVEL (a DPC may create and enqueue one).
 * Return: STATUS_SUCCESS; STATUS_WDF_PARENT_NOT_SPECIFIED;
 * STATUS_INVALID_DEVICE_REQUEST (no device up the parent's tree);
 * STATUS_INFO_LENGTH_MISMATCH (a Size field); STATUS_DELETE_PENDING (the
 * parent is being deleted); STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL
 * (AutomaticSerialization with a device scope needs a passive execution
 * level); STATUS_INVALID_PARAMETER (callback outside the driver's module,
 * bad handles or attributes); STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS WdfWorkItemCreate(PWDF_WORKITEM_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
			   WDFWORKITEM *WorkItem);
/**
 * WdfWorkItemEnqueue - run the work item's callback once more.
 * @WorkItem: a live work item.
 *
 * Coalesces while the callback is pending (not yet started); allowed from
 * the callback itself.  Allocates nothing.  While the callback is pending or
 * running, the item, its driver's work and the driver's module stay pinned.
 * An item already deleted is not enqueued (WDF_VIOLATION(0x10D)).
 *
 * Context: any, hard irq included.
 */
void WdfWorkItemEnqueue(WDFWORKITEM WorkItem);
/**
 * WdfWorkItemFlush - wait until the callback is neither pending nor running.
 * @WorkItem: a live work item.
 *
 * Waits through a chain of re-enqueues that ends; after 4096 re-enqueues it
 * returns with WDF_VIOLATION(0x10D) instead of hanging.  From the item's own
 * callback, or above PASSIVE_LEVEL, it returns at once with
 * WDF_VIOLATION(0x10D) (KMDF would deadlock).
 *
 * Context: PASSIVE_LEVEL.
 */
void WdfWorkItemFlush(WDFWORKITEM WorkItem);
/**
 * WdfWorkItemGetParentObject - the work item's parent.
 * @WorkItem: a live work item.
 *
 * Context: any.
 * Return: the parent given at creation, or NULL (WDF_NO_HANDLE) if
 * @WorkItem is not a live work item.
 */
WDFOBJECT WdfWorkItemGetParentObject(WDFWORKITEM WorkItem);

NTWQ_EXTERN_C_END

#endif /* _NTWQ_WDF_H */
