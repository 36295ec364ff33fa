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

/*
 * Handles.  All are one pointer type, as KMDF's are interchangeable in C
 * code (a WDFDEVICE is passed where a WDFOBJECT is expected); ntwq checks
 * the object's real type at every call.
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

typedef enum _WDF_EXECUTION_LEVEL {
	WdfExecutionLevelInvalid = 0,
	WdfExecutionLevelInheritFromParent,
	WdfExecutionLevelPassive,
	WdfExecutionLevelDispatch,
} WDF_EXECUTION_LEVEL;

typedef enum _WDF_SYNCHRONIZATION_SCOPE {
	WdfSynchronizationScopeInvalid = 0,
	WdfSynchronizationScopeInheritFromParent,
	WdfSynchronizationScopeDevice,
	WdfSynchronizationScopeQueue,
	WdfSynchronizationScopeNone,
} WDF_SYNCHRONIZATION_SCOPE;

typedef VOID EVT_WDF_OBJECT_CONTEXT_CLEANUP(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP *PFN_WDF_OBJECT_CONTEXT_CLEANUP;
typedef VOID EVT_WDF_OBJECT_CONTEXT_DESTROY(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_DESTROY *PFN_WDF_OBJECT_CONTEXT_DESTROY;

typedef struct _WDF_OBJECT_CONTEXT_TYPE_INFO {
	ULONG Size;
	const CHAR *ContextName;
	SIZE_T ContextSize;
	const struct _WDF_OBJECT_CONTEXT_TYPE_INFO *UniqueType;
	PVOID EvtDriverGetUniqueContextType;
} WDF_OBJECT_CONTEXT_TYPE_INFO, *PWDF_OBJECT_CONTEXT_TYPE_INFO;
typedef const WDF_OBJECT_CONTEXT_TYPE_INFO *PCWDF_OBJECT_CONTEXT_TYPE_INFO;

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

/* Zeroes @Length bytes (the header may not use the C library's memset). */
static inline VOID NtwqZeroMemory(PVOID Destination, SIZE_T Length)
{
	unsigned char *bytes = (unsigned char *)Destination;
	SIZE_T i;

	for (i = 0; i < Length; i++)
		bytes[i] = 0;
}

static inline VOID WDF_OBJECT_ATTRIBUTES_INIT(PWDF_OBJECT_ATTRIBUTES Attributes)
{
	NtwqZeroMemory(Attributes, sizeof(*Attributes));
	Attributes->Size = sizeof(WDF_OBJECT_ATTRIBUTES);
	Attributes->ExecutionLevel = WdfExecutionLevelInheritFromParent;
	Attributes->SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
}

#define WDF_GET_CONTEXT_TYPE_INFO(_contexttype) (&_WDF_##_contexttype##_TYPE_INFO)

#define WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(_attributes, _contexttype)        \
	do {                                                                   \
		WDF_OBJECT_ATTRIBUTES_INIT(_attributes);                       \
		(_attributes)->ContextTypeInfo = WDF_GET_CONTEXT_TYPE_INFO(_contexttype); \
	} while (0)

/**
 * WdfObjectGetTypedContextWorker - an object's context, if of @TypeInfo.
 *
 * Return: the context memory (zeroed at creation), or NULL with a
 * diagnostic if the object has no context of that type.
 */
PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle, PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo);

#define WdfObjectGetTypedContext(_handle, _contexttype)                       \
	((_contexttype *)WdfObjectGetTypedContextWorker((WDFOBJECT)(_handle),   \
							WDF_GET_CONTEXT_TYPE_INFO(_contexttype)))

/* Declares the type info of @_contexttype and an accessor @_castingfunction. */
#define WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction)     \
	static const WDF_OBJECT_CONTEXT_TYPE_INFO _WDF_##_contexttype##_TYPE_INFO = { \
		sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO), #_contexttype,            \
		sizeof(_contexttype), &_WDF_##_contexttype##_TYPE_INFO, 0,      \
	};                                                                     \
	static inline _contexttype *_castingfunction(WDFOBJECT Handle)         \
	{                                                                      \
		return (_contexttype *)WdfObjectGetTypedContextWorker(         \
			Handle, WDF_GET_CONTEXT_TYPE_INFO(_contexttype));      \
	}

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
 * Call at PASSIVE_LEVEL.  Delete it with WdfObjectDelete, which deletes its
 * children first.
 */
NTSTATUS NtwqWdfDeviceCreate(PDEVICE_OBJECT DeviceObject, PWDF_OBJECT_ATTRIBUTES Attributes,
			     WDFDEVICE *Device);
PDEVICE_OBJECT WdfDeviceWdmGetDeviceObject(WDFDEVICE Device);

NTSTATUS WdfObjectCreate(PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object);
VOID WdfObjectDelete(WDFOBJECT Object);
VOID WdfObjectReferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, const CHAR *File);
VOID WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, const CHAR *File);

#define WdfObjectReferenceWithTag(_handle, _tag) \
	WdfObjectReferenceActual((WDFOBJECT)(_handle), (_tag), __LINE__, __FILE__)
#define WdfObjectDereferenceWithTag(_handle, _tag) \
	WdfObjectDereferenceActual((WDFOBJECT)(_handle), (_tag), __LINE__, __FILE__)
#define WdfObjectReference(_handle) WdfObjectReferenceWithTag(_handle, (PVOID)0)
#define WdfObjectDereference(_handle) WdfObjectDereferenceWithTag(_handle, (PVOID)0)

/* ---- work items ---- */

typedef VOID EVT_WDF_WORKITEM(WDFWORKITEM WorkItem);
typedef EVT_WDF_WORKITEM *PFN_WDF_WORKITEM;

typedef struct _WDF_WORKITEM_CONFIG {
	ULONG Size;
	PFN_WDF_WORKITEM EvtWorkItemFunc;
	BOOLEAN AutomaticSerialization;
} WDF_WORKITEM_CONFIG, *PWDF_WORKITEM_CONFIG;

static inline VOID WDF_WORKITEM_CONFIG_INIT(PWDF_WORKITEM_CONFIG Config,
					    PFN_WDF_WORKITEM EvtWorkItemFunc)
{
	NtwqZeroMemory(Config, sizeof(*Config));
	Config->Size = sizeof(WDF_WORKITEM_CONFIG);
	Config->EvtWorkItemFunc = EvtWorkItemFunc;
	Config->AutomaticSerialization = TRUE;
}

NTSTATUS WdfWorkItemCreate(PWDF_WORKITEM_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
			   WDFWORKITEM *WorkItem);
VOID WdfWorkItemEnqueue(WDFWORKITEM WorkItem);
VOID WdfWorkItemFlush(WDFWORKITEM WorkItem);
WDFOBJECT WdfWorkItemGetParentObject(WDFWORKITEM WorkItem);

NTWQ_EXTERN_C_END

#endif /* _NTWQ_WDF_H */
