/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdm.h - the few WDK declarations wdmtest.sys uses, written for this driver.
 *
 * A Windows driver author includes the WDK's <wdm.h>; this file stands in for
 * it so the driver builds with MinGW-w64 alone, and it deliberately does not
 * use ntwq's include/ headers: wdmtest.sys is a Windows binary, and the only
 * things it shares with ntwq are the Windows x64 ABI and structure layouts.
 * Every structure is declared up to the last field the driver touches, at the
 * offset Windows x64 gives it (checked below).
 */
#ifndef WDMTEST_WDM_H
#define WDMTEST_WDM_H

#define NTAPI
#define NTKERNELAPI __declspec(dllimport)
#define VOID void
#define FALSE 0
#define TRUE 1
#define NULL ((void *)0)

typedef void *PVOID;
typedef char CHAR, CCHAR;
typedef unsigned char UCHAR, BOOLEAN;
typedef short CSHORT;
typedef unsigned short USHORT;
typedef unsigned short WCHAR, *PWSTR;
typedef long LONG;			/* 32 bits: Windows is LLP64 */
typedef unsigned long ULONG;
typedef unsigned long long ULONG64, ULONG_PTR;
typedef long long LONG_PTR, LONGLONG;
typedef LONG NTSTATUS;
typedef ULONG DEVICE_TYPE;
typedef UCHAR KIRQL;

#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

#define PASSIVE_LEVEL 0
#define DISPATCH_LEVEL 2

#define FILE_DEVICE_UNKNOWN 0x00000022
#define IRP_MJ_MAXIMUM_FUNCTION 0x1b

#define FIELD_OFFSET(type, field) ((LONG)__builtin_offsetof(type, field))
#define C_ASSERT(e) _Static_assert(e, #e)

typedef struct _LIST_ENTRY {
	struct _LIST_ENTRY *Flink;
	struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

typedef struct _UNICODE_STRING {
	USHORT Length;
	USHORT MaximumLength;
	PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

struct _DEVICE_OBJECT;
struct _DRIVER_OBJECT;

typedef NTSTATUS NTAPI DRIVER_INITIALIZE(struct _DRIVER_OBJECT *DriverObject,
					 PUNICODE_STRING RegistryPath);
typedef VOID NTAPI DRIVER_UNLOAD(struct _DRIVER_OBJECT *DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;

typedef struct _DRIVER_OBJECT {
	CSHORT Type;
	CSHORT Size;
	struct _DEVICE_OBJECT *DeviceObject;
	ULONG Flags;
	PVOID DriverStart;
	ULONG DriverSize;
	PVOID DriverSection;
	PVOID DriverExtension;
	UNICODE_STRING DriverName;
	PUNICODE_STRING HardwareDatabase;
	PVOID FastIoDispatch;
	PVOID DriverInit;
	PVOID DriverStartIo;
	PDRIVER_UNLOAD DriverUnload;
	PVOID MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT, *PDRIVER_OBJECT;

C_ASSERT(FIELD_OFFSET(DRIVER_OBJECT, DeviceObject) == 0x08);
C_ASSERT(FIELD_OFFSET(DRIVER_OBJECT, DriverName) == 0x38);
C_ASSERT(FIELD_OFFSET(DRIVER_OBJECT, DriverUnload) == 0x68);
C_ASSERT(sizeof(DRIVER_OBJECT) == 0x150);

/* The head of DEVICE_OBJECT, up to the extension (Windows has more after). */
typedef struct _DEVICE_OBJECT {
	CSHORT Type;
	USHORT Size;
	LONG ReferenceCount;
	struct _DRIVER_OBJECT *DriverObject;
	struct _DEVICE_OBJECT *NextDevice;
	struct _DEVICE_OBJECT *AttachedDevice;
	PVOID CurrentIrp;
	PVOID Timer;
	ULONG Flags;
	ULONG Characteristics;
	PVOID Vpb;
	PVOID DeviceExtension;
} DEVICE_OBJECT, *PDEVICE_OBJECT;

C_ASSERT(FIELD_OFFSET(DEVICE_OBJECT, DriverObject) == 0x08);
C_ASSERT(FIELD_OFFSET(DEVICE_OBJECT, DeviceExtension) == 0x40);

/*
 * IRQL.  Declared without dllimport on purpose: calls then go through the
 * import library's "jmp [__imp_KeGetCurrentIrql]" thunk in .text, the other
 * form of import call a binary contains, so the test driver has both.  (The
 * WDK makes KeGetCurrentIrql an inline CR8 read on x64; see
 * docs/binary-drivers.md for why a converted binary must not do that.)
 */
KIRQL NTAPI KeGetCurrentIrql(VOID);

/* Waiting: a relative Interval is negative, in 100 ns units. */
typedef CCHAR KPROCESSOR_MODE;
#define KernelMode ((KPROCESSOR_MODE)0)

typedef union _LARGE_INTEGER {
	struct {
		ULONG LowPart;
		LONG HighPart;
	};
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

C_ASSERT(sizeof(LARGE_INTEGER) == 8);

NTKERNELAPI NTSTATUS NTAPI KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
	PLARGE_INTEGER Interval);

/* Objects */
NTKERNELAPI NTSTATUS NTAPI IoCreateDevice(PDRIVER_OBJECT DriverObject,
	ULONG DeviceExtensionSize, PUNICODE_STRING DeviceName,
	DEVICE_TYPE DeviceType, ULONG DeviceCharacteristics, BOOLEAN Exclusive,
	PDEVICE_OBJECT *DeviceObject);
NTKERNELAPI VOID NTAPI IoDeleteDevice(PDEVICE_OBJECT DeviceObject);
NTKERNELAPI LONG_PTR NTAPI ObfReferenceObject(PVOID Object);
NTKERNELAPI LONG_PTR NTAPI ObfDereferenceObject(PVOID Object);
#define ObReferenceObject(Object) ObfReferenceObject(Object)
#define ObDereferenceObject(Object) ObfDereferenceObject(Object)

/* Io work items */
typedef enum _WORK_QUEUE_TYPE {
	CriticalWorkQueue = 0,
	DelayedWorkQueue = 1,
	HyperCriticalWorkQueue = 2,
	NormalWorkQueue = 3,
	BackgroundWorkQueue = 4,
} WORK_QUEUE_TYPE;

typedef struct _IO_WORKITEM *PIO_WORKITEM;
typedef VOID NTAPI IO_WORKITEM_ROUTINE(PDEVICE_OBJECT DeviceObject, PVOID Context);
typedef IO_WORKITEM_ROUTINE *PIO_WORKITEM_ROUTINE;
typedef VOID NTAPI IO_WORKITEM_ROUTINE_EX(PVOID IoObject, PVOID Context,
					  PIO_WORKITEM IoWorkItem);
typedef IO_WORKITEM_ROUTINE_EX *PIO_WORKITEM_ROUTINE_EX;

NTKERNELAPI PIO_WORKITEM NTAPI IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject);
NTKERNELAPI VOID NTAPI IoFreeWorkItem(PIO_WORKITEM IoWorkItem);
NTKERNELAPI VOID NTAPI IoQueueWorkItem(PIO_WORKITEM IoWorkItem,
	PIO_WORKITEM_ROUTINE WorkerRoutine, WORK_QUEUE_TYPE QueueType, PVOID Context);
NTKERNELAPI VOID NTAPI IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem,
	PIO_WORKITEM_ROUTINE_EX WorkerRoutine, WORK_QUEUE_TYPE QueueType, PVOID Context);
NTKERNELAPI BOOLEAN NTAPI IoTryQueueWorkItem(PIO_WORKITEM IoWorkItem,
	PIO_WORKITEM_ROUTINE_EX WorkerRoutine, WORK_QUEUE_TYPE QueueType, PVOID Context);
NTKERNELAPI ULONG NTAPI IoSizeofWorkItem(VOID);
NTKERNELAPI VOID NTAPI IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem);
NTKERNELAPI VOID NTAPI IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem);

/* Executive work items */
typedef VOID NTAPI WORKER_THREAD_ROUTINE(PVOID Parameter);
typedef WORKER_THREAD_ROUTINE *PWORKER_THREAD_ROUTINE;

typedef struct _WORK_QUEUE_ITEM {
	LIST_ENTRY List;
	PWORKER_THREAD_ROUTINE WorkerRoutine;
	volatile PVOID Parameter;
} WORK_QUEUE_ITEM, *PWORK_QUEUE_ITEM;

C_ASSERT(FIELD_OFFSET(WORK_QUEUE_ITEM, WorkerRoutine) == 16);
C_ASSERT(sizeof(WORK_QUEUE_ITEM) == 32);

#define ExInitializeWorkItem(Item, Routine, Context)	\
	do {						\
		(Item)->WorkerRoutine = (Routine);	\
		(Item)->Parameter = (Context);		\
		(Item)->List.Flink = NULL;		\
	} while (0)

NTKERNELAPI VOID NTAPI ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem,
				       WORK_QUEUE_TYPE QueueType);

#endif /* WDMTEST_WDM_H */
