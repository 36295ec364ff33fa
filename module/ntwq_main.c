// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_main.c - module entry points and the symbols ntwq exports.
 *
 * The Windows routines are defined in C++ (module/api/) and exported here,
 * under their Windows names, because EXPORT_SYMBOL is a C construct.
 * NTWQ_INTERNAL exports exist only for ntwq's own KUnit module.
 */
#include <linux/module.h>
#include <ntwq/wdm.h>
#include "core/module.h"
#include "core/selftest.h"

static int __init ntwq_init(void)
{
	return ntwq_core_init();
}

static void __exit ntwq_exit(void)
{
	ntwq_core_exit();
}

module_init(ntwq_init);
module_exit(ntwq_exit);

/* WDM */
EXPORT_SYMBOL_GPL(KeGetCurrentIrql);

/* For kunit/ only. */
EXPORT_SYMBOL_NS_GPL(ntwq_selftest_alloc, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_selftest_virtual, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_selftest_guard, NTWQ_INTERNAL);
EXPORT_SYMBOL_NS_GPL(ntwq_trigger_run, NTWQ_INTERNAL);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Windows kernel work items (Io, Ex, WDF) on Linux workqueues");
MODULE_VERSION("0.1");
