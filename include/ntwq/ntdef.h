/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntwq/ntdef.h - Windows base types with their x64 Windows sizes.
 *
 * Included by <ntwq/wdm.h> and <ntwq/wdf.h>.  Compiles as kernel C (after the
 * Linux headers) and as ntwq's kernel C++, and includes no Linux header: the
 * few things it needs from the compiler come from predefined macros.
 */
#ifndef _NTWQ_NTDEF_H
#define _NTWQ_NTDEF_H

#ifdef __cplusplus
#define NTWQ_EXTERN_C_BEGIN extern "C" {
#define NTWQ_EXTERN_C_END }
#define NTWQ_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#else
#define NTWQ_EXTERN_C_BEGIN
#define NTWQ_EXTERN_C_END
#define NTWQ_STATIC_ASSERT(expr, msg) _Static_assert(expr, msg)
#endif

/**
 * DOC: Windows base types
 *
 * ``VOID``, ``PVOID``, ``CHAR``, ``UCHAR``, ``BOOLEAN``, ``SHORT``, ``CSHORT``,
 * ``USHORT``, ``WCHAR``, ``LONG``, ``ULONG``, ``LONGLONG``, ``ULONGLONG``,
 * ``SIZE_T``, ``ULONG_PTR``, ``LONG_PTR`` and the ``P`` pointer forms have the
 * sizes they have on x64 Windows (LLP64): ``LONG`` and ``ULONG`` are 32 bits
 * although Linux's ``long`` is 64, ``WCHAR`` is UTF-16, ``BOOLEAN`` is one
 * byte holding ``TRUE`` or ``FALSE``.  Static assertions check them, so
 * structures shared with Windows code keep the Windows layout.
 */
#define VOID void
typedef void *PVOID;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef unsigned char BOOLEAN;
typedef BOOLEAN *PBOOLEAN;
typedef short CSHORT;
typedef short SHORT;
typedef unsigned short USHORT;
typedef unsigned short WCHAR;
typedef WCHAR *PWCH;
typedef WCHAR *PWSTR;
typedef int LONG;
typedef unsigned int ULONG;
typedef ULONG *PULONG;
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
typedef __SIZE_TYPE__ SIZE_T;
typedef __UINTPTR_TYPE__ ULONG_PTR;
typedef __INTPTR_TYPE__ LONG_PTR;
/**
 * typedef NTSTATUS - a Windows status code.
 *
 * Zero and positive values are success, negative values errors; test with
 * NT_SUCCESS().  The STATUS_* values below are the ones ntwq returns.
 */
typedef LONG NTSTATUS;

#define TRUE ((BOOLEAN)1)
#define FALSE ((BOOLEAN)0)

NTWQ_STATIC_ASSERT(sizeof(ULONG) == 4, "ULONG is 32-bit on Windows x64");
NTWQ_STATIC_ASSERT(sizeof(LONG) == 4, "LONG is 32-bit on Windows x64");
NTWQ_STATIC_ASSERT(sizeof(PVOID) == 8, "ntwq targets x86-64");
NTWQ_STATIC_ASSERT(sizeof(ULONG_PTR) == sizeof(PVOID), "ULONG_PTR holds a pointer");
NTWQ_STATIC_ASSERT(sizeof(BOOLEAN) == 1, "BOOLEAN is one byte");
NTWQ_STATIC_ASSERT(sizeof(WCHAR) == 2, "WCHAR is UTF-16");

/* NTSTATUS values ntwq returns (winerror/ntstatus.h). */
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define STATUS_INVALID_DEVICE_REQUEST ((NTSTATUS)0xC0000010L)
#define STATUS_DELETE_PENDING ((NTSTATUS)0xC0000056L)
/**
 * NT_SUCCESS - did a routine that returns NTSTATUS succeed?
 * @Status: the NTSTATUS it returned.
 *
 * Return: non-zero for the success (and informational) codes, 0 for errors.
 */
#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

/**
 * struct _LIST_ENTRY - LIST_ENTRY: a doubly linked list head or entry, as in
 * Windows.
 * @Flink: the next entry (forward link).
 * @Blink: the previous entry (backward link).
 *
 * ntwq uses it only inside WORK_QUEUE_ITEM, whose @Flink tells whether the
 * item is queued (see ExQueueWorkItem()).
 */
typedef struct _LIST_ENTRY {
	struct _LIST_ENTRY *Flink;
	struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

NTWQ_STATIC_ASSERT(sizeof(LIST_ENTRY) == 16, "LIST_ENTRY is two pointers");

/**
 * struct _UNICODE_STRING - UNICODE_STRING: a counted UTF-16 string.
 * @Length: the string's length in bytes, without any terminator.
 * @MaximumLength: the size of @Buffer in bytes.
 * @Buffer: the UTF-16 characters.
 *
 * ntwq fills DRIVER_OBJECT.DriverName with one; IoCreateDevice() accepts one
 * as the device name and ignores it.
 */
typedef struct _UNICODE_STRING {
	USHORT Length;
	USHORT MaximumLength;
	PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

NTWQ_STATIC_ASSERT(sizeof(UNICODE_STRING) == 16, "UNICODE_STRING x64 size");

/**
 * typedef KIRQL - an interrupt request level, as KeGetCurrentIrql() reports it.
 *
 * ntwq reports three: PASSIVE_LEVEL (0), DISPATCH_LEVEL (2) and HIGH_LEVEL
 * (15); APC_LEVEL (1) is defined for ported code but never reported.
 */
typedef UCHAR KIRQL;
typedef KIRQL *PKIRQL;
#define PASSIVE_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define HIGH_LEVEL 15

#endif /* _NTWQ_NTDEF_H */
