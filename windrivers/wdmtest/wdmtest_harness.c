// SPDX-License-Identifier: GPL-2.0
/*
 * wdmtest_harness.c - the Linux half of the wdmtest.sys test: what
 * userspace-test reads and pokes in ntwq_win_wdmtest.ko.  Test code, linked
 * beside the converted binary; not part of what a wrapper author needs.
 *
 * /sys/module/ntwq_win_wdmtest/parameters/
 *   results            (0400) the driver's exported WdmTestResults, one
 *                      "key=value" line per field (wdmtest.h)
 *   queue_at_dispatch  (0200) writing 1 calls the driver's exported
 *                      WdmTestQueueAtDispatch with preemption disabled,
 *                      DISPATCH_LEVEL for ntwq, as a DPC of the driver would
 *                      run; -EIO if it returns a failure status
 *   hold               (0600) writing 1 sets the driver's exported WdmTestHold
 *                      and calls its WdmTestQueueHeld: an item whose routine
 *                      sleeps until 0 is written, so the driver's work stays
 *                      pending exactly as long as the test wants
 *
 * It also provides the one import of the driver ntwq does not:
 * KeDelayExecutionThread (harness.list), as a wrapper author provides the
 * rest of a binary's imports.
 *
 * No static branches here (see the Kbuild beside this file: objtool does
 * not process this module).
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <ntwq/wdm.h>

#include "wdmtest.h"

/* Exported by wdmtest.sys (pe2elf makes its exports global symbols). */
extern struct wdmtest_results WdmTestResults;
extern LONG WdmTestHold;
NTSTATUS __attribute__((ms_abi)) WdmTestQueueAtDispatch(void);
NTSTATUS __attribute__((ms_abi)) WdmTestQueueHeld(void);

/*
 * KeDelayExecutionThread for the binary: @Interval points at a LARGE_INTEGER,
 * negative for a relative wait in 100 ns units (an absolute time, or a call
 * above PASSIVE_LEVEL, which Windows would bugcheck on, fails instead).  No
 * APCs: @Alertable changes nothing.
 */
NTSTATUS __attribute__((ms_abi)) ntwq_win_KeDelayExecutionThread(CHAR WaitMode, BOOLEAN Alertable,
								  LONGLONG *Interval);
NTSTATUS __attribute__((ms_abi)) ntwq_win_KeDelayExecutionThread(CHAR WaitMode, BOOLEAN Alertable,
								  LONGLONG *Interval)
{
	if (!Interval || *Interval >= 0 || KeGetCurrentIrql() != PASSIVE_LEVEL)
		return STATUS_INVALID_PARAMETER;
	fsleep(div_u64(-*Interval, 10) ?: 1);	/* microseconds */
	return STATUS_SUCCESS;
}

static int show(char *buf, int n, const char *key, unsigned int value)
{
	return n + scnprintf(buf + n, PAGE_SIZE - n, "%s=%u\n", key, value);
}

/* One work item's results, as "<name>.<field>=<value>" lines. */
static int show_item(char *buf, int n, const char *name, const struct wdmtest_item_result *item)
{
	n += scnprintf(buf + n, PAGE_SIZE - n, "%s.runs=%u\n", name, READ_ONCE(item->runs));
	n += scnprintf(buf + n, PAGE_SIZE - n, "%s.bad_args=%u\n", name, READ_ONCE(item->bad_args));
	n += scnprintf(buf + n, PAGE_SIZE - n, "%s.bad_irql=%u\n", name, READ_ONCE(item->bad_irql));
	n += scnprintf(buf + n, PAGE_SIZE - n, "%s.last_irql=%u\n", name,
		       READ_ONCE(item->last_irql));
	return n;
}

static int results_get(char *buf, const struct kernel_param *kp)
{
	const struct wdmtest_results *r = &WdmTestResults;
	int n = 0;

	n = show(buf, n, "magic", READ_ONCE(r->magic));
	n = show(buf, n, "entry_status", (u32)READ_ONCE(r->entry_status));
	n = show(buf, n, "entry_step", READ_ONCE(r->entry_step));
	n = show(buf, n, "entry_irql", READ_ONCE(r->entry_irql));
	n = show_item(buf, n, "io", &r->io);
	n = show_item(buf, n, "io_ex", &r->io_ex);
	n = show_item(buf, n, "io_try", &r->io_try);
	n = show_item(buf, n, "ex", &r->ex);
	n = show_item(buf, n, "dispatch", &r->dispatch);
	n = show(buf, n, "io_ex_freed", READ_ONCE(r->io_ex_freed));
	n = show(buf, n, "try_queued", READ_ONCE(r->try_queued));
	n = show(buf, n, "dispatch_calls", READ_ONCE(r->dispatch_calls));
	n = show(buf, n, "dispatch_irql", READ_ONCE(r->dispatch_irql));
	n = show(buf, n, "unload_calls", READ_ONCE(r->unload_calls));
	n = show(buf, n, "unload_freed", READ_ONCE(r->unload_freed));
	n = show_item(buf, n, "held", &r->held);
	n = show(buf, n, "held_queued", READ_ONCE(r->held_queued));
	return show(buf, n, "held_sleeps", READ_ONCE(r->held_sleeps));
}

static const struct kernel_param_ops results_ops = {
	.get = results_get,
};
module_param_cb(results, &results_ops, NULL, 0400);
MODULE_PARM_DESC(results, "WdmTestResults of wdmtest.sys, key=value lines (read-only)");

static int queue_at_dispatch_set(const char *val, const struct kernel_param *kp)
{
	NTSTATUS status;
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	if (!on)
		return 0;
	preempt_disable();	/* DISPATCH_LEVEL: what a DPC runs at */
	status = WdmTestQueueAtDispatch();
	preempt_enable();
	return NT_SUCCESS(status) ? 0 : -EIO;
}

static const struct kernel_param_ops queue_at_dispatch_ops = {
	.set = queue_at_dispatch_set,
};
module_param_cb(queue_at_dispatch, &queue_at_dispatch_ops, NULL, 0200);
MODULE_PARM_DESC(queue_at_dispatch,
		 "write 1: call wdmtest.sys's WdmTestQueueAtDispatch at DISPATCH_LEVEL");

static int hold_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	WRITE_ONCE(WdmTestHold, on);
	if (on && !NT_SUCCESS(WdmTestQueueHeld())) {
		WRITE_ONCE(WdmTestHold, 0);
		return -EIO;
	}
	return 0;
}

static int hold_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(WdmTestHold) ? 1 : 0);
}

static const struct kernel_param_ops hold_ops = {
	.set = hold_set,
	.get = hold_get,
};
module_param_cb(hold, &hold_ops, NULL, 0600);
MODULE_PARM_DESC(hold, "write 1: queue wdmtest.sys's held item, which sleeps until 0 is written");
