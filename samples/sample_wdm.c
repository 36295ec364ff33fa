// SPDX-License-Identifier: GPL-2.0
/*
 * sample_wdm.c - a driver ported from Windows, keeping its WDM calls.
 *
 * It includes only Linux headers and <ntwq/wdm.h>, and calls the routines by
 * their Windows names; modprobe loads ntwq.ko first because of the symbols.
 */
#include <linux/module.h>
#include <linux/printk.h>
#include <ntwq/wdm.h>

static int __init sample_wdm_init(void)
{
	/* A Windows DriverEntry runs at PASSIVE_LEVEL. */
	pr_info("ntwq_sample_wdm: DriverEntry at IRQL %u\n", KeGetCurrentIrql());
	return 0;
}

static void __exit sample_wdm_exit(void)
{
	pr_info("ntwq_sample_wdm: DriverUnload\n");
}

module_init(sample_wdm_init);
module_exit(sample_wdm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ntwq sample: a WDM driver ported from Windows");
