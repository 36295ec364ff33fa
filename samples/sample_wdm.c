// SPDX-License-Identifier: GPL-2.0
/*
 * sample_wdm.c - a driver ported from Windows, keeping its WDM calls.
 *
 * It includes only Linux headers and <ntwq/wdm.h> and calls the routines by
 * their Windows names; modprobe loads ntwq.ko first because of the symbols.
 * At load (its DriverEntry) it creates a device whose extension holds a work
 * item, and queues the item; the routine logs each pass and re-queues itself
 * until it has run `passes` times; it also queues one executive work item.
 * While either is pending, ntwq pins this module: rmmod fails with EBUSY
 * until the routine has returned.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <ntwq/wdm.h>

static unsigned int passes = 3;
module_param(passes, uint, 0444);
MODULE_PARM_DESC(passes, "how many times the work routine runs (default 3)");

static unsigned int work_ms;
module_param(work_ms, uint, 0444);
MODULE_PARM_DESC(work_ms, "how long each pass of the routine sleeps, in ms (default 0)");

static unsigned int ex_ms;
module_param(ex_ms, uint, 0444);
MODULE_PARM_DESC(ex_ms, "how long the executive work routine sleeps, in ms (default 0)");

struct sample_extension {
	PIO_WORKITEM work_item;
	unsigned int passes_done;
};

static PDRIVER_OBJECT sample_driver;
static PDEVICE_OBJECT sample_device;

static IO_WORKITEM_ROUTINE_EX sample_work;
static WORKER_THREAD_ROUTINE sample_ex_work;
static WORK_QUEUE_ITEM sample_ex_item;

static void sample_ex_work(PVOID Parameter)
{
	if (ex_ms)
		msleep(ex_ms);
	pr_info("ntwq_sample_wdm: executive work item ran at IRQL %u\n", KeGetCurrentIrql());
}

static void sample_work(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	PDEVICE_OBJECT device = IoObject;
	struct sample_extension *ext = device->DeviceExtension;

	if (work_ms)
		msleep(work_ms);
	ext->passes_done++;
	pr_info("ntwq_sample_wdm: work item pass %u of %u at IRQL %u\n",
		ext->passes_done, passes, KeGetCurrentIrql());
	if (ext->passes_done < passes)
		IoQueueWorkItemEx(IoWorkItem, sample_work, DelayedWorkQueue, Context);
}

static int __init sample_wdm_init(void)
{
	struct sample_extension *ext;
	NTSTATUS status;

	/* A Windows DriverEntry runs at PASSIVE_LEVEL. */
	pr_info("ntwq_sample_wdm: DriverEntry at IRQL %u\n", KeGetCurrentIrql());
	status = NtwqCreateDriver(THIS_MODULE, "ntwq_sample_wdm", &sample_driver);
	if (!NT_SUCCESS(status))
		return -ENOMEM;
	status = IoCreateDevice(sample_driver, sizeof(*ext), NULL, FILE_DEVICE_UNKNOWN,
				0, FALSE, &sample_device);
	if (!NT_SUCCESS(status))
		goto out_delete_driver;
	ext = sample_device->DeviceExtension;
	ext->work_item = IoAllocateWorkItem(sample_device);
	if (!ext->work_item)
		goto out_delete_device;
	if (passes)
		IoQueueWorkItemEx(ext->work_item, sample_work, DelayedWorkQueue, NULL);
	/* An executive work item: no device, the item in static storage. */
	ExInitializeWorkItem(&sample_ex_item, sample_ex_work, NULL);
	ExQueueWorkItem(&sample_ex_item, DelayedWorkQueue);
	return 0;

out_delete_device:
	IoDeleteDevice(sample_device);
out_delete_driver:
	NtwqDeleteDriver(sample_driver);
	return -ENOMEM;
}

static void __exit sample_wdm_exit(void)
{
	struct sample_extension *ext = sample_device->DeviceExtension;

	/* No work can be pending here: it would have pinned the module. */
	IoFreeWorkItem(ext->work_item);
	IoDeleteDevice(sample_device);
	NtwqDeleteDriver(sample_driver);
	pr_info("ntwq_sample_wdm: DriverUnload\n");
}

module_init(sample_wdm_init);
module_exit(sample_wdm_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("The ntwq maintainers");
MODULE_DESCRIPTION("ntwq sample: a WDM driver ported from Windows");
