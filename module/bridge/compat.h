/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every kernel API difference between the kernels ntwq supports
 * (5.10 to the newest), handled once.
 *
 * The C side of ntwq (the bridge, the selftest scenarios) and its test
 * modules (KUnit, testmods, stress, bench, the NDIS shim's tests) are
 * written against the newest kernel's API.  Where an older kernel spells a
 * thing differently, this header gives it the newest spelling; where the
 * spelling itself cannot be given (a macro argument's form, a structure
 * member), it gives one ntwq_* name for both.  Each entry is decided by a
 * feature the kernel's headers define where there is one, else by version,
 * and carries the release that changed it.  Nothing else in ntwq tests
 * LINUX_VERSION_CODE.  The C++ core never includes this: it calls the
 * bridge, whose functions (bridge.h) are the same on every kernel.
 *
 * Include it after the Linux headers a file needs; it includes the ones
 * whose names it adapts, so its definitions always follow the kernel's.
 */
#ifndef _NTWQ_BRIDGE_COMPAT_H
#define _NTWQ_BRIDGE_COMPAT_H

#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/version.h>
#include <linux/workqueue.h>

/* ---- modules and symbol namespaces ------------------------------------- */

/*
 * 6.13: EXPORT_SYMBOL_NS*() and MODULE_IMPORT_NS() take the namespace as a
 * string literal (before, a bare name they stringified).  ntwq's internal
 * symbols, for its own test and benchmark modules, live in NTWQ_INTERNAL,
 * written bare as before: on 6.13 and later the name is the string.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define NTWQ_INTERNAL "NTWQ_INTERNAL"
#endif

/*
 * 6.4: a module's memory is described per type (mod->mem[MOD_TEXT]) and
 * within_module_mem_type() tests an address; before, core_layout held the
 * core text at its start.
 */
static inline void ntwq_compat_module_text(struct module *mod, unsigned long *base,
					   unsigned long *size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	*base = (unsigned long)mod->mem[MOD_TEXT].base;
	*size = mod->mem[MOD_TEXT].size;
#else
	*base = (unsigned long)mod->core_layout.base;
	*size = mod->core_layout.text_size;
#endif
}

/*
 * 6.12: stack_trace_save_tsk() is exported to modules (before, only the
 * x86 unwinder it is built on was: module/bridge/stack.c walks that).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define NTWQ_HAVE_STACK_TRACE_SAVE_TSK 1
#else
#define NTWQ_HAVE_STACK_TRACE_SAVE_TSK 0
#endif

/* ---- context and threads ------------------------------------------------- */

/* 5.11: in_hardirq() (in_irq() before, removed in 6.x). */
#ifndef in_hardirq
#define in_hardirq() in_irq()
#endif

/* 5.14: task_is_running() (before, callers read task->state). */
#ifndef task_is_running
#define task_is_running(task) (READ_ONCE((task)->state) == TASK_RUNNING)
#endif

/* 5.17: kthread_complete_and_exit() (complete_and_exit() before). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0)
#define kthread_complete_and_exit(comp, code) complete_and_exit(comp, code)
#endif

/* ---- workqueues ------------------------------------------------------------ */

/*
 * 6.17: WQ_PERCPU names a per-CPU workqueue, which is to stop being the
 * default; 7.x warns at alloc_workqueue() when a workqueue has neither it
 * nor WQ_UNBOUND.  Before 6.17 a workqueue without WQ_UNBOUND is per-CPU.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 17, 0)
#define WQ_PERCPU 0
#endif

/*
 * __INIT_WORK_KEY(): a work item initialised in the caller's lockdep class.
 * 6.1 has it; 5.10 has only __INIT_WORK(), whose class is a static key of
 * its own call site.  The same steps, with the key given.
 */
#ifndef __INIT_WORK_KEY
#ifdef CONFIG_LOCKDEP
#define __INIT_WORK_KEY(_work, _func, _onstack, _key)				\
	do {									\
		__init_work((_work), (_onstack));				\
		(_work)->data = (atomic_long_t)WORK_DATA_INIT();		\
		lockdep_init_map(&(_work)->lockdep_map, "(work_completion)"#_work, \
				 (_key), 0);					\
		INIT_LIST_HEAD(&(_work)->entry);				\
		(_work)->func = (_func);					\
	} while (0)
#else
#define __INIT_WORK_KEY(_work, _func, _onstack, _key)				\
	do {									\
		(void)(_key);							\
		__init_work((_work), (_onstack));				\
		(_work)->data = (atomic_long_t)WORK_DATA_INIT();		\
		INIT_LIST_HEAD(&(_work)->entry);				\
		(_work)->func = (_func);					\
	} while (0)
#endif
#endif

/*
 * kthread_create_on_cpu(): 5.10 declares it but does not export it to
 * modules (6.1 does).  There, kthread_create() and kthread_bind() make the
 * same bound thread, named with the CPU as namefmt's one argument.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
static inline struct task_struct *
ntwq_compat_kthread_create_on_cpu(int (*threadfn)(void *data), void *data,
				  unsigned int cpu, const char *namefmt)
{
	struct task_struct *t = kthread_create(threadfn, data, namefmt, cpu);

	if (!IS_ERR(t))
		kthread_bind(t, cpu);
	return t;
}
#define kthread_create_on_cpu ntwq_compat_kthread_create_on_cpu
#endif

/* ---- timers ---------------------------------------------------------------- */

/* 6.16: timer_container_of() (from_timer() before, removed in 6.16). */
#ifndef timer_container_of
#define timer_container_of(var, callback_timer, timer_fieldname) \
	from_timer(var, callback_timer, timer_fieldname)
#endif

/*
 * 6.15: timer_destroy_on_stack() (destroy_timer_on_stack() before).
 * timer_delete_sync() needs no entry: 6.2 added it, and the 5.10 and 6.1
 * stable series carry it (del_timer_sync() is gone since 6.15).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 15, 0)
#define timer_destroy_on_stack(timer) destroy_timer_on_stack(timer)
#endif

/* ---- memory ----------------------------------------------------------------- */

/*
 * 6.1: kmalloc_size_roundup(), the size kmalloc(size) really takes.  Before,
 * the same from the kmalloc size classes of x86-64 (kmalloc_index(): 8-byte
 * minimum, powers of two plus 96 and 192); the benchmark's memory rows are
 * its only user.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
static inline size_t kmalloc_size_roundup(size_t size)
{
	if (size <= 8)
		return 8;
	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	return roundup_pow_of_two(size);
}
#endif

/* ---- trace events ------------------------------------------------------------ */

/*
 * 6.10: __assign_str() takes only the field (__string() names the source);
 * before, it took the source again.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define ntwq_assign_str(dst, src) __assign_str(dst)
#else
#define ntwq_assign_str(dst, src) __assign_str(dst, src)
#endif

/* ---- KUnit ------------------------------------------------------------------- */

/*
 * 6.18: a parameterised case's generator gets the test first.  The KUnit
 * suites need parameterised cases (5.11) and kunit_skip() (5.13):
 * scripts/Kbuild.compat builds them only where both exist.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define NTWQ_KUNIT_PARAMS(name) \
	const void *name(struct kunit *test, const void *prev, char *desc)
#else
#define NTWQ_KUNIT_PARAMS(name) const void *name(const void *prev, char *desc)
#endif

#endif /* _NTWQ_BRIDGE_COMPAT_H */
