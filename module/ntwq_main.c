// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_main.c - module entry points and the symbols ntwq exports.
 *
 * The Windows routines are defined in C++ (module/api/) and exported here,
 * under their Windows names, because EXPORT_SYMBOL is a C construct.
 * NTWQ_INTERNAL exports exist only for ntwq's own KUnit and benchmark modules.
 */
#include <linux/module.h>
#include <ntwq/binary.h>
#include <ntwq/shim.h>
#include <ntwq/wdf.h>
#include "core/trigger.h"
#include "core/internal.h"
#include "core/module.h"
#include "selftest/runtime.h"
#include "selftest/scenario.h"
#include "lib/rt_stats.h"
#include "bridge/compat.h"

/* Verifier mode (core/verifier.h); also switched at run time in debugfs. */
bool ntwq_verifier;
module_param_named(verifier, ntwq_verifier, bool, 0644);
MODULE_PARM_DESC(verifier,
		 "verifier mode (default off): records for debugfs items; leaked Io items and WDF objects reported with their call site and freed at NtwqDeleteDriver; queue calls above DISPATCH_LEVEL and call sites in queue diagnostics; long-running routines reported with the worker's stack; freed Io items poisoned and quarantined");

unsigned int ntwq_verifier_long_ms = 5000;
module_param_named(verifier_long_ms, ntwq_verifier_long_ms, uint, 0644);
MODULE_PARM_DESC(verifier_long_ms,
		 "verifier mode: report a routine still running after this many ms, once per run, with its worker's stack (default 5000)");

static int __init ntwq_init(void)
{
	int err = ntwq_core_init();

	if (err)
		return err;
	/* The trigger's commands: the scenarios register themselves. */
	err = ntwq_selftest_register();
	if (err)
		ntwq_core_exit();
	return err;
}

static void __exit ntwq_exit(void)
{
	ntwq_selftest_unregister();
	ntwq_core_exit();
}

module_init(ntwq_init);
module_exit(ntwq_exit);

/* WDM */
EXPORT_SYMBOL_GPL(KeGetCurrentIrql);
EXPORT_SYMBOL_GPL(NtwqCreateDriver);
EXPORT_SYMBOL_GPL(NtwqDeleteDriver);
EXPORT_SYMBOL_GPL(IoCreateDevice);
EXPORT_SYMBOL_GPL(IoDeleteDevice);
EXPORT_SYMBOL_GPL(ObfReferenceObject);
EXPORT_SYMBOL_GPL(ObfDereferenceObject);
EXPORT_SYMBOL_GPL(IoAllocateWorkItem);
EXPORT_SYMBOL_GPL(IoFreeWorkItem);
EXPORT_SYMBOL_GPL(IoQueueWorkItem);
EXPORT_SYMBOL_GPL(IoQueueWorkItemEx);
EXPORT_SYMBOL_GPL(IoTryQueueWorkItem);
EXPORT_SYMBOL_GPL(IoSizeofWorkItem);
EXPORT_SYMBOL_GPL(IoInitializeWorkItem);
EXPORT_SYMBOL_GPL(IoUninitializeWorkItem);

/* Executive */
EXPORT_SYMBOL_GPL(ExQueueWorkItem);

/* KMDF */
EXPORT_SYMBOL_GPL(NtwqWdfDeviceCreate);
EXPORT_SYMBOL_GPL(WdfDeviceWdmGetDeviceObject);
EXPORT_SYMBOL_GPL(WdfObjectCreate);
EXPORT_SYMBOL_GPL(WdfObjectDelete);
EXPORT_SYMBOL_GPL(WdfObjectReferenceActual);
EXPORT_SYMBOL_GPL(WdfObjectDereferenceActual);
EXPORT_SYMBOL_GPL(WdfObjectGetTypedContextWorker);
EXPORT_SYMBOL_GPL(WdfWorkItemCreate);
EXPORT_SYMBOL_GPL(WdfWorkItemEnqueue);
EXPORT_SYMBOL_GPL(WdfWorkItemFlush);
EXPORT_SYMBOL_GPL(WdfWorkItemGetParentObject);

/* For shims (<ntwq/shim.h>) */
EXPORT_SYMBOL_GPL(NtwqRegisterApiFamily);
EXPORT_SYMBOL_GPL(NtwqUnregisterApiFamily);
EXPORT_SYMBOL_GPL(NtwqAllocateWorkItem);
EXPORT_SYMBOL_GPL(NtwqFreeWorkItem);
EXPORT_SYMBOL_GPL(NtwqQueueWorkItem);
EXPORT_SYMBOL_GPL(NtwqQueueExWorkItem);
EXPORT_SYMBOL_GPL(NtwqCanDeleteDriver);

/* For the Windows-ABI wrappers of Windows driver binaries (<ntwq/binary.h>) */
EXPORT_SYMBOL_GPL(NtwqBinaryIoAllocateWorkItem);
EXPORT_SYMBOL_GPL(NtwqBinaryIoInitializeWorkItem);
EXPORT_SYMBOL_GPL(NtwqBinaryIoQueueWorkItem);
EXPORT_SYMBOL_GPL(NtwqBinaryIoQueueWorkItemEx);
EXPORT_SYMBOL_GPL(NtwqBinaryIoTryQueueWorkItem);
EXPORT_SYMBOL_GPL(NtwqBinaryExQueueWorkItem);

/* For ntwq's own KUnit and benchmark modules only. */
EXPORT_SYMBOL_NS_GPL(ntwq_selftest_alloc, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_selftest_virtual, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_selftest_guard, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_trigger_run, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_diag_count, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_rt_get_stats, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_verifier, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_verifier_long_ms, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_verifier_tracked_items, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_verifier_drain_quarantine, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_diag_recent, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_diag_recent_clear, NTWQ_INTERNAL);
/* ... and for the NDIS shim's scenarios (shims/ndis/test/), which register with the trigger. */
EXPORT_SYMBOL_NS_GPL(ntwq_trigger_register, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_trigger_unregister, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_scn_put, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_live_devices, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_live_drivers, NTWQ_INTERNAL);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Windows kernel work items (Io, Ex, WDF) on Linux workqueues");
MODULE_VERSION(NTWQ_VERSION);
MODULE_AUTHOR("The ntwq maintainers");
