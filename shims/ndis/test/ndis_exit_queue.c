// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_ndis_exit_queue.ko - loaded by userspace-test: an NDIS 5 driver that
 * schedules an NDIS_WORK_ITEM from its module_exit.  NDIS 5 items are
 * executive items underneath, and the module is freed when its exit
 * returns, so ntwq refuses the item (NTWQ_DRIVER_DELETED) and the routine
 * never runs; NdisScheduleWorkItem returns NDIS_STATUS_FAILURE, which the
 * exit prints ("ntwq_ndis_exit_queue: schedule status 0x...").
 */
#include <linux/module.h>
#include <ntwq/ndis.h>

static NDIS_WORK_ITEM item;

static void exit_routine(PNDIS_WORK_ITEM WorkItem, PVOID Context)
{
	pr_info("ntwq_ndis_exit_queue: routine ran\n");
}

static int __init ndis_exit_queue_init(void)
{
	return 0;
}

static void __exit ndis_exit_queue_exit(void)
{
	NDIS_STATUS status;

	NdisInitializeWorkItem(&item, exit_routine, NULL);
	status = NdisScheduleWorkItem(&item);
	pr_info("ntwq_ndis_exit_queue: schedule status 0x%x\n", (unsigned int)status);
}

module_init(ndis_exit_queue_init);
module_exit(ndis_exit_queue_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ntwq test: an NDIS 5 driver that schedules work from its module_exit");
