// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_kunit.c - KUnit suites for ntwq.
 *
 * Runs when the module loads (debug kernel; see scripts/test.sh).  Each case
 * checks one behaviour by the values it is about; every wait is bounded.
 */
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <ntwq/wdm.h>
#include "../module/core/internal.h"
#include "../module/selftest/runtime.h"
#include "../module/selftest/expect.h"
#include "../module/selftest/scenario.h"
#include "expect_check.h"

MODULE_IMPORT_NS(NTWQ_INTERNAL);

/* ---- ntwq_runtime: the C++ allocator, constructors, virtual calls ---- */

/* new constructs exactly once in zeroed memory; delete destroys and frees. */
static void cxx_new_constructs_zeroed_object(struct kunit *test)
{
	struct ntwq_selftest_alloc r;

	KUNIT_ASSERT_EQ(test, ntwq_selftest_alloc(0, &r), 0);
	KUNIT_EXPECT_TRUE(test, r.object_allocated);
	KUNIT_EXPECT_EQ(test, r.ctor_runs, 2);	/* new, then the factory */
	KUNIT_EXPECT_EQ(test, r.dtor_runs, 2);
	KUNIT_EXPECT_EQ(test, r.value_after_ctor, 0x5eed);
	KUNIT_EXPECT_EQ(test, r.zeroed_field, 0);
	KUNIT_EXPECT_EQ(test, r.create_status, 0);
	KUNIT_EXPECT_FALSE(test, r.create_left_null);
	KUNIT_EXPECT_EQ(test, r.allocations_delta, 2LL);
	KUNIT_EXPECT_EQ(test, r.frees_delta, 2LL);
	KUNIT_EXPECT_EQ(test, r.failures_delta, 0LL);
}

/*
 * An injected allocation failure makes new return NULL without running the
 * constructor (g++ keeps the null check), and Create() return -ENOMEM.
 */
static void cxx_new_failure_returns_null_without_constructing(struct kunit *test)
{
	struct ntwq_selftest_alloc r;

	if (!IS_ENABLED(CONFIG_FAULT_INJECTION))
		kunit_skip(test, "kernel without CONFIG_FAULT_INJECTION");
	KUNIT_ASSERT_EQ(test, ntwq_selftest_alloc(1, &r), 0);
	KUNIT_ASSERT_TRUE(test, r.fault_supported);
	KUNIT_EXPECT_FALSE(test, r.object_allocated);
	KUNIT_EXPECT_EQ(test, r.ctor_runs, 0);
	KUNIT_EXPECT_EQ(test, r.dtor_runs, 0);
	KUNIT_EXPECT_EQ(test, r.create_status, -ENOMEM);
	KUNIT_EXPECT_TRUE(test, r.create_left_null);
	KUNIT_EXPECT_EQ(test, r.allocations_delta, 0LL);
	KUNIT_EXPECT_EQ(test, r.frees_delta, 0LL);
	KUNIT_EXPECT_EQ(test, r.failures_delta, 2LL);
}

/* The fault plan is spent by the allocation: nothing else in the task fails. */
static void cxx_fail_nth_is_consumed_by_the_allocation(struct kunit *test)
{
	struct ntwq_selftest_alloc r;

#ifdef CONFIG_FAULT_INJECTION
	KUNIT_ASSERT_EQ(test, ntwq_selftest_alloc(1, &r), 0);
	KUNIT_EXPECT_EQ(test, current->fail_nth, 0U);
#else
	kunit_skip(test, "kernel without CONFIG_FAULT_INJECTION");
#endif
	KUNIT_ASSERT_EQ(test, ntwq_selftest_alloc(0, &r), 0);
	KUNIT_EXPECT_TRUE(test, r.object_allocated);
}

/* Virtual calls reach the override; delete through the base runs it. */
static void cxx_virtual_call_dispatches_to_override(struct kunit *test)
{
	struct ntwq_selftest_virtual r;

	KUNIT_ASSERT_EQ(test, ntwq_selftest_virtual(&r), 0);
	KUNIT_EXPECT_EQ(test, r.square_area, 49);
	KUNIT_EXPECT_EQ(test, r.rect_area, 12);
	KUNIT_EXPECT_EQ(test, r.square_sides, 407);
	KUNIT_EXPECT_EQ(test, r.rect_sides, 4);
	KUNIT_EXPECT_EQ(test, r.destroyed, 2);
}

static struct kunit_case ntwq_runtime_cases[] = {
	KUNIT_CASE(cxx_new_constructs_zeroed_object),
	KUNIT_CASE(cxx_new_failure_returns_null_without_constructing),
	KUNIT_CASE(cxx_fail_nth_is_consumed_by_the_allocation),
	KUNIT_CASE(cxx_virtual_call_dispatches_to_override),
	{}
};

static struct kunit_suite ntwq_runtime_suite = {
	.name = "ntwq_runtime",
	.test_cases = ntwq_runtime_cases,
};

/* ---- ntwq_lock: SpinGuard and Guarded<T> ---- */

/* SpinGuard<NoIrq> holds its lock for its scope and releases it at exit. */
static void spin_guard_holds_lock_for_scope(struct kunit *test)
{
	struct ntwq_selftest_guard r;

	KUNIT_ASSERT_EQ(test, ntwq_selftest_guard(&r), 0);
	KUNIT_EXPECT_TRUE(test, r.plain_locked_inside);
	KUNIT_EXPECT_FALSE(test, r.plain_locked_after);
}

/* SpinGuard<IrqSave> also turns interrupts off and restores them. */
static void spin_guard_irqsave_restores_irq_state(struct kunit *test)
{
	struct ntwq_selftest_guard r;

	KUNIT_ASSERT_FALSE(test, irqs_disabled());
	KUNIT_ASSERT_EQ(test, ntwq_selftest_guard(&r), 0);
	KUNIT_EXPECT_TRUE(test, r.irqsave_locked_inside);
	KUNIT_EXPECT_TRUE(test, r.irqsave_irqs_off_inside);
	KUNIT_EXPECT_FALSE(test, r.irqsave_locked_after);
	KUNIT_EXPECT_FALSE(test, r.irqsave_irqs_off_after);
}

/* Guarded<T>::With runs its function under the lock and returns its value. */
static void guarded_with_runs_under_lock(struct kunit *test)
{
	struct ntwq_selftest_guard r;

	KUNIT_ASSERT_EQ(test, ntwq_selftest_guard(&r), 0);
	KUNIT_EXPECT_TRUE(test, r.guarded_locked_inside);
	KUNIT_EXPECT_EQ(test, r.guarded_value, 3);
	KUNIT_EXPECT_FALSE(test, r.guarded_locked_after);
}

static struct kunit_case ntwq_lock_cases[] = {
	KUNIT_CASE(spin_guard_holds_lock_for_scope),
	KUNIT_CASE(spin_guard_irqsave_restores_irq_state),
	KUNIT_CASE(guarded_with_runs_under_lock),
	{}
};

static struct kunit_suite ntwq_lock_suite = {
	.name = "ntwq_lock",
	.test_cases = ntwq_lock_cases,
};

/* ---- ntwq_irql: KeGetCurrentIrql in each execution context ---- */

/* A KUnit case runs in a sleepable kthread: PASSIVE_LEVEL. */
static void ke_get_current_irql_task_is_passive(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, KeGetCurrentIrql(), (KIRQL)PASSIVE_LEVEL);
}

/* Spinlock held, preemption off, bottom halves off, irqs off: DISPATCH. */
static void ke_get_current_irql_atomic_is_dispatch(struct kunit *test)
{
	static DEFINE_SPINLOCK(lock);
	unsigned long flags;
	KIRQL irql;

	spin_lock(&lock);
	irql = KeGetCurrentIrql();
	spin_unlock(&lock);
	KUNIT_EXPECT_EQ(test, irql, (KIRQL)DISPATCH_LEVEL);

	preempt_disable();
	irql = KeGetCurrentIrql();
	preempt_enable();
	KUNIT_EXPECT_EQ(test, irql, (KIRQL)DISPATCH_LEVEL);

	local_bh_disable();
	irql = KeGetCurrentIrql();
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, irql, (KIRQL)DISPATCH_LEVEL);

	local_irq_save(flags);
	irql = KeGetCurrentIrql();
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, irql, (KIRQL)DISPATCH_LEVEL);

	KUNIT_EXPECT_EQ(test, KeGetCurrentIrql(), (KIRQL)PASSIVE_LEVEL);
}

/*
 * Inside rcu_read_lock(): DISPATCH_LEVEL, since sleeping is illegal there.
 * On preemptible-RCU kernels (CONFIG_PREEMPT_RCU: the debug kernel, Debian's
 * stock ones) rcu_read_lock() leaves preemption enabled, so only the RCU
 * nesting depth shows it; elsewhere it disables preemption.
 */
static void ke_get_current_irql_rcu_read_lock_is_dispatch(struct kunit *test)
{
	KIRQL irql;

	rcu_read_lock();
	irql = KeGetCurrentIrql();
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, irql, (KIRQL)DISPATCH_LEVEL);
	KUNIT_EXPECT_EQ(test, KeGetCurrentIrql(), (KIRQL)PASSIVE_LEVEL);
}

struct irql_probe {
	struct timer_list timer;
	struct irq_work work;
	struct completion done;
	KIRQL irql;
};

static void irql_probe_timer(struct timer_list *t)
{
	struct irql_probe *p = timer_container_of(p, t, timer);

	p->irql = KeGetCurrentIrql();
	complete(&p->done);
}

/* A timer callback runs in softirq context: DISPATCH_LEVEL. */
static void ke_get_current_irql_softirq_is_dispatch(struct kunit *test)
{
	struct irql_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->irql = 0xff;
	init_completion(&p->done);
	timer_setup(&p->timer, irql_probe_timer, 0);
	mod_timer(&p->timer, jiffies + 1);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&p->done, 10 * HZ), 0UL);
	timer_delete_sync(&p->timer);
	KUNIT_EXPECT_EQ(test, p->irql, (KIRQL)DISPATCH_LEVEL);
}

static void irql_probe_irq_work(struct irq_work *w)
{
	struct irql_probe *p = container_of(w, struct irql_probe, work);

	p->irql = KeGetCurrentIrql();
	complete(&p->done);
}

/* An irq_work runs in hard-interrupt context: above DISPATCH_LEVEL. */
static void ke_get_current_irql_hardirq_is_high(struct kunit *test)
{
	struct irql_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->irql = 0xff;
	init_completion(&p->done);
	init_irq_work(&p->work, irql_probe_irq_work);
	KUNIT_ASSERT_TRUE(test, irq_work_queue(&p->work));
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&p->done, 10 * HZ), 0UL);
	irq_work_sync(&p->work);
	KUNIT_EXPECT_EQ(test, p->irql, (KIRQL)HIGH_LEVEL);
}

static struct kunit_case ntwq_irql_cases[] = {
	KUNIT_CASE(ke_get_current_irql_task_is_passive),
	KUNIT_CASE(ke_get_current_irql_atomic_is_dispatch),
	KUNIT_CASE(ke_get_current_irql_rcu_read_lock_is_dispatch),
	KUNIT_CASE(ke_get_current_irql_softirq_is_dispatch),
	KUNIT_CASE(ke_get_current_irql_hardirq_is_high),
	{}
};

static struct kunit_suite ntwq_irql_suite = {
	.name = "ntwq_irql",
	.test_cases = ntwq_irql_cases,
};

/* ---- ntwq_trigger: the command parser behind debugfs ---- */

/* A known command runs and reports key=value lines. */
static void trigger_known_command_reports_values(struct kunit *test)
{
	char *out = kunit_kzalloc(test, 512, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_EXPECT_EQ(test, ntwq_trigger_run("cxx.virtual", out, 512), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, "square_area=49\n"));
}

/* Unknown, empty, over-long and wrong-arity commands are -EINVAL. */
static void trigger_bad_commands_are_einval(struct kunit *test)
{
	static const char *const bad[] = {
		"", "   ", "no.such.scenario", "cxx.virtual extra",
		"cxx.alloc 1 2", "cxx.alloc notanumber",
		"a b c d e f g h i j",
	};
	char *out = kunit_kzalloc(test, 512, GFP_KERNEL);
	char *huge = kunit_kzalloc(test, 1024, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, huge);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, ntwq_trigger_run(bad[i], out, 512),
				    -EINVAL, "command '%s'", bad[i]);
	memset(huge, 'x', 1023);
	KUNIT_EXPECT_EQ(test, ntwq_trigger_run(huge, out, 512), -EINVAL);
}

/* A result larger than the caller's buffer is cut off, never overrun. */
static void trigger_result_respects_capacity(struct kunit *test)
{
	char *out = kunit_kzalloc(test, 16 + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, out);
	out[16] = 'Z';
	KUNIT_EXPECT_EQ(test, ntwq_trigger_run("help", out, 16), 0);
	KUNIT_EXPECT_EQ(test, strlen(out), (size_t)15);
	KUNIT_EXPECT_EQ(test, out[16], 'Z');
}

static struct kunit_case ntwq_trigger_cases[] = {
	KUNIT_CASE(trigger_known_command_reports_values),
	KUNIT_CASE(trigger_bad_commands_are_einval),
	KUNIT_CASE(trigger_result_respects_capacity),
	{}
};

static struct kunit_suite ntwq_trigger_suite = {
	.name = "ntwq_trigger",
	.test_cases = ntwq_trigger_cases,
};

/* ---- ntwq_io: the WDM scenarios of module/selftest, one case each ---- */

static const void *expectation_params(const void *prev, char *desc, const char *prefix)
{
	const struct ntwq_expect *e = prev ? (const struct ntwq_expect *)prev + 1
					   : ntwq_expectations;

	for (; e < ntwq_expectations + ARRAY_SIZE(ntwq_expectations); e++) {
		if (!strncmp(e->scenario, prefix, strlen(prefix))) {
			snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", e->scenario);
			return e;
		}
	}
	return NULL;
}

static NTWQ_KUNIT_PARAMS(io_params)
{
	return expectation_params(prev, desc, "io.");
}

/*
 * Runs one scenario and checks every value selftest/expect.h says it must
 * observe (and that it leaked nothing).  The parameter names the scenario.
 */
static void scenario_observes_expected_values(struct kunit *test)
{
	ntwq_kunit_check_expect(test, test->param_value, ntwq_scn_run);
}

static NTWQ_KUNIT_PARAMS(ex_params)
{
	return expectation_params(prev, desc, "ex.");
}

static NTWQ_KUNIT_PARAMS(wdf_params)
{
	return expectation_params(prev, desc, "wdf.");
}

struct init_text_probe {
	struct completion ran;
	atomic_t runs;
};

/* Lies in ntwq_kunit's init text, which the kernel frees after module_init. */
static void __init init_text_routine(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
	struct init_text_probe *p = Context;

	atomic_inc(&p->runs);
	complete(&p->ran);
}

/*
 * A routine in the driver module's init text is refused with
 * WORKER_INVALID(7) and never runs: init text is freed once module_init is
 * done, whatever the module's reference count, so the module pin could not
 * keep it.  KUnit runs a module's suites while its init text still exists,
 * which makes this the one place such a routine can be queued.  (__ref: the
 * reference to init text is the point of the test.)
 */
static void __ref io_queue_work_item_init_text_routine_refused(struct kunit *test)
{
	struct init_text_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	unsigned long long diag_before = ntwq_diag_count(NTWQ_DIAG_INVALID_ROUTINE);
	PDRIVER_OBJECT driver;
	PDEVICE_OBJECT device;
	PIO_WORKITEM item;
	unsigned long ran = 0;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_TRUE(test, within_module_init((unsigned long)init_text_routine, THIS_MODULE));
	init_completion(&p->ran);
	KUNIT_ASSERT_EQ(test, NtwqCreateDriver(THIS_MODULE, "ntwq_kunit", &driver),
			STATUS_SUCCESS);
	if (!NT_SUCCESS(IoCreateDevice(driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE,
				       &device))) {
		NtwqDeleteDriver(driver);
		KUNIT_FAIL_AND_ABORT(test, "IoCreateDevice failed");
	}
	item = IoAllocateWorkItem(device);
	if (item) {
		IoQueueWorkItemEx(item, init_text_routine, DelayedWorkQueue, p);
		ran = wait_for_completion_timeout(&p->ran, msecs_to_jiffies(1000));
		IoFreeWorkItem(item);
	}
	/* Drains anything that was queued, while the init text still exists. */
	IoDeleteDevice(device);
	NtwqDeleteDriver(driver);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_EXPECT_EQ_MSG(test, ran, 0UL, "the init-text routine ran");
	KUNIT_EXPECT_EQ(test, atomic_read(&p->runs), 0);
	KUNIT_EXPECT_EQ(test, ntwq_diag_count(NTWQ_DIAG_INVALID_ROUTINE) - diag_before, 1ULL);
}

static struct kunit_case ntwq_io_cases[] = {
	KUNIT_CASE(io_queue_work_item_init_text_routine_refused),
	KUNIT_CASE_PARAM(scenario_observes_expected_values, io_params),
	{}
};

static struct kunit_suite ntwq_io_suite = {
	.name = "ntwq_io",
	.test_cases = ntwq_io_cases,
};

/* ---- ntwq_ex: the executive work-item scenarios ---- */

static struct kunit_case ntwq_ex_cases[] = {
	KUNIT_CASE_PARAM(scenario_observes_expected_values, ex_params),
	{}
};

static struct kunit_suite ntwq_ex_suite = {
	.name = "ntwq_ex",
	.test_cases = ntwq_ex_cases,
};

/* ---- ntwq_wdf: the KMDF scenarios ---- */

static struct kunit_case ntwq_wdf_cases[] = {
	KUNIT_CASE_PARAM(scenario_observes_expected_values, wdf_params),
	{}
};

static struct kunit_suite ntwq_wdf_suite = {
	.name = "ntwq_wdf",
	.test_cases = ntwq_wdf_cases,
};

/* ---- ntwq_verifier: verifier mode's checks ---- */

static NTWQ_KUNIT_PARAMS(vrf_params)
{
	return expectation_params(prev, desc, "vrf.");
}

static struct kunit_case ntwq_verifier_cases[] = {
	KUNIT_CASE_PARAM(scenario_observes_expected_values, vrf_params),
	{}
};

static struct kunit_suite ntwq_verifier_suite = {
	.name = "ntwq_verifier",
	.test_cases = ntwq_verifier_cases,
};

kunit_test_suites(&ntwq_runtime_suite, &ntwq_lock_suite, &ntwq_irql_suite,
		  &ntwq_trigger_suite, &ntwq_io_suite, &ntwq_ex_suite, &ntwq_wdf_suite,
		  &ntwq_verifier_suite);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The ntwq maintainers");
MODULE_DESCRIPTION("KUnit tests for ntwq");
