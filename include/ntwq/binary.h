/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntwq/binary.h - the entry points behind a Windows driver binary's imports.
 *
 * A Windows driver binary (a PE32+ .sys converted by tools/pe2elf, linked
 * into a module of its own: docs/binary-drivers.md) calls ntwq through
 * Windows-ABI wrappers that tools/winabi/gen_ms_abi.py generates into that
 * module from tools/winabi/ntwq-windows.list.  Most wrappers call the
 * routine of the same name in <ntwq/wdm.h>.  The routines below are their
 * twins for the calls that create or queue work items: they take the same
 * arguments, and the items they make or queue are of ntwq's "win" family,
 * whose routines ntwq calls with the Windows x64 calling convention.
 *
 * An item a binary allocates or initializes is of that family from the
 * start, and is queued only through these twins: the plain IoQueueWorkItem
 * family refuses it, and these refuse an item of any other family, each
 * with WORKER_INVALID naming the Windows routine.  So every routine a
 * "win" item runs was handed over by Windows-convention code.  Freeing and
 * uninitializing go through the plain routines.  Stats rows, the queue
 * and execute trace events and debugfs items name the family "win";
 * diagnostics name the Windows routine the binary called.
 *
 * Context, arguments, pins and return values are those of the routine of
 * the same name without the "NtwqBinary" prefix.  The routine parameters
 * keep <ntwq/wdm.h>'s types, so a wrapper forwards what it got; the
 * pointers they carry are Windows-convention code, which ntwq calls only
 * through ms_abi pointer types (module/core/family.cpp).
 */
#ifndef _NTWQ_BINARY_H
#define _NTWQ_BINARY_H

#include <ntwq/wdm.h>

NTWQ_EXTERN_C_BEGIN

/**
 * NtwqBinaryIoAllocateWorkItem - IoAllocateWorkItem for a Windows binary.
 * @DeviceObject: the binary's device object.
 *
 * Return: a "win" item, or NULL (as IoAllocateWorkItem).
 */
PIO_WORKITEM NtwqBinaryIoAllocateWorkItem(PDEVICE_OBJECT DeviceObject);

/**
 * NtwqBinaryIoInitializeWorkItem - IoInitializeWorkItem for a Windows binary.
 * @IoObject: the binary's device or driver object.
 * @IoWorkItem: IoSizeofWorkItem() bytes the binary owns; becomes a "win" item.
 */
void NtwqBinaryIoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem);

/**
 * NtwqBinaryIoQueueWorkItem - IoQueueWorkItem for a Windows binary.
 * @IoWorkItem: a "win" item.
 * @WorkerRoutine: an IO_WORKITEM_ROUTINE with the Windows convention.
 * @QueueType: a WORK_QUEUE_TYPE.
 * @Context: passed to @WorkerRoutine.
 */
void NtwqBinaryIoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
			       WORK_QUEUE_TYPE QueueType, PVOID Context);

/**
 * NtwqBinaryIoQueueWorkItemEx - IoQueueWorkItemEx for a Windows binary.
 * @IoWorkItem: a "win" item.
 * @WorkerRoutine: an IO_WORKITEM_ROUTINE_EX with the Windows convention.
 * @QueueType: a WORK_QUEUE_TYPE.
 * @Context: passed to @WorkerRoutine.
 */
void NtwqBinaryIoQueueWorkItemEx(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
				 WORK_QUEUE_TYPE QueueType, PVOID Context);

/**
 * NtwqBinaryIoTryQueueWorkItem - IoTryQueueWorkItem for a Windows binary.
 * @IoWorkItem: a "win" item.
 * @WorkerRoutine: an IO_WORKITEM_ROUTINE_EX with the Windows convention.
 * @QueueType: a WORK_QUEUE_TYPE.
 * @Context: passed to @WorkerRoutine.
 *
 * Return: TRUE if queued (as IoTryQueueWorkItem).
 */
BOOLEAN NtwqBinaryIoTryQueueWorkItem(PIO_WORKITEM IoWorkItem,
				     PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
				     WORK_QUEUE_TYPE QueueType, PVOID Context);

/**
 * NtwqBinaryExQueueWorkItem - ExQueueWorkItem for a Windows binary.
 * @WorkItem: its WorkerRoutine has the Windows convention.
 * @QueueType: a WORK_QUEUE_TYPE.
 * @NtwqCaller: the binary's module (the wrapper passes its THIS_MODULE).
 */
void NtwqBinaryExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType,
			       struct module *NtwqCaller);

NTWQ_EXTERN_C_END

#endif /* _NTWQ_BINARY_H */
