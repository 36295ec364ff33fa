// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_init_text.ko - loaded by userspace-test: a driver whose module_init
 * queues an Io work item with a routine in its own init text.
 *
 * Init text is freed when module_init returns, whatever the module's
 * reference count, so ntwq must refuse such a routine (WORKER_INVALID(7))
 * instead of pinning the module.  The module waits for the routine a while,
 * while its init text still exists, and reports what happened in read-only
 * parameters: `queued` (1: a work item was allocated and queued) and `ran`
 * (how many times the routine ran).
 */
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <ntwq/wdm.h>

static int queued;
module_param(queued, int, 0444);
MODULE_PARM_DESC(queued, "1 once module_init queued its init-text routine (read-only)");

static int ran;
module_param(ran, int, 0444);
MODULE_PARM_DESC(ran, "how many times the init-text routine ran (read-only, want 0)");

static DECLARE_COMPLETION(routine_done);

static void __init init_text_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	ran++;
	complete(&routine_done);
}

/* __ref: handing init text to ntwq is the point of this module. */
static int __ref queue_init_text_routine(void)
{
	PDRIVER_OBJECT driver;
	PDEVICE_OBJECT device;
	PIO_WORKITEM item;
	NTSTATUS status;

	status = NtwqCreateDriver(THIS_MODULE, "ntwq_init_text", &driver);
	if (!NT_SUCCESS(status))
		return -ENOMEM;
	status = IoCreateDevice(driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
	if (!NT_SUCCESS(status)) {
		NtwqDeleteDriver(driver);
		return -ENOMEM;
	}
	item = IoAllocateWorkItem(device);
	if (item) {
		IoQueueWorkItem(item, init_text_routine, DelayedWorkQueue, NULL);
		queued = 1;
		/* Were it accepted, it runs now, while the init text exists. */
		wait_for_completion_timeout(&routine_done, msecs_to_jiffies(1000));
		IoFreeWorkItem(item);
	}
	IoDeleteDevice(device);
	NtwqDeleteDriver(driver);
	return item ? 0 : -ENOMEM;
}

static int __init ntwq_init_text_init(void)
{
	return queue_init_text_routine();
}

static void __exit ntwq_init_text_exit(void)
{
}

module_init(ntwq_init_text_init);
module_exit(ntwq_init_text_exit);
MODULE_DESCRIPTION("ntwq test: a work-item routine in init text is refused");
MODULE_AUTHOR("ntwq developers");
MODULE_LICENSE("GPL");
