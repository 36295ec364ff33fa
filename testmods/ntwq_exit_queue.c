// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_exit_queue.ko - loaded by userspace-test: a driver that queues work
 * from its module_exit, as a timer or teardown path often does.
 *
 * mode=ex: module_exit queues an executive item (ExQueueWorkItem) whose
 * routine lies in this module, and returns.  rmmod has already checked the
 * module's references, and the module is freed once its exit returns: no
 * reference can keep it now, so ntwq refuses the item (NTWQ_DRIVER_DELETED)
 * instead of running freed code and putting a freed module.
 *
 * mode=io: module_exit queues an Io item, then calls NtwqDeleteDriver, as a
 * ported driver's unload must: the item runs (NtwqDeleteDriver waits for
 * it), and the exit prints "ntwq_exit_queue: io routine ran 1" once it has.
 */
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/string.h>
#include <ntwq/wdm.h>

static char mode[8] = "ex";
module_param_string(mode, mode, sizeof(mode), 0444);
MODULE_PARM_DESC(mode, "what module_exit queues: ex (refused) or io (runs, then NtwqDeleteDriver)");

static WORK_QUEUE_ITEM ex_item;
static PDRIVER_OBJECT driver;
static PDEVICE_OBJECT device;
static PIO_WORKITEM io_item;
static int io_runs;

static void ex_routine(PVOID Parameter)
{
	pr_info("ntwq_exit_queue: ex routine ran\n");
}

static void io_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	io_runs++;
}

static int __init exit_queue_init(void)
{
	NTSTATUS status;

	if (strcmp(mode, "ex") && strcmp(mode, "io"))
		return -EINVAL;
	if (!strcmp(mode, "ex"))
		return 0;
	status = NtwqCreateDriver(THIS_MODULE, "ntwq_exit_queue", &driver);
	if (!NT_SUCCESS(status))
		return -ENOMEM;
	status = IoCreateDevice(driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
	if (!NT_SUCCESS(status))
		goto out_delete_driver;
	io_item = IoAllocateWorkItem(device);
	if (!io_item)
		goto out_delete_device;
	return 0;

out_delete_device:
	IoDeleteDevice(device);
out_delete_driver:
	NtwqDeleteDriver(driver);
	return -ENOMEM;
}

static void __exit exit_queue_exit(void)
{
	if (!strcmp(mode, "ex")) {
		ExInitializeWorkItem(&ex_item, ex_routine, NULL);
		ExQueueWorkItem(&ex_item, DelayedWorkQueue);
		return;
	}
	IoQueueWorkItem(io_item, io_routine, DelayedWorkQueue, NULL);
	/* Waits for the routine: nothing of this module runs after it returns. */
	IoDeleteDevice(device);
	NtwqDeleteDriver(driver);
	IoFreeWorkItem(io_item);
	pr_info("ntwq_exit_queue: io routine ran %d\n", io_runs);
}

module_init(exit_queue_init);
module_exit(exit_queue_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ntwq test: a driver that queues work from its module_exit");
