/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime.h - scenarios that exercise ntwq's C++ runtime and library inside
 * the kernel and report what they observed.
 *
 * Each scenario fills a result struct with measured values and never judges
 * them: the KUnit suites (kunit/) assert on the fields, and the debugfs
 * trigger prints them as key=value lines for userspace-test to check.
 * Compiles as C and C++; exported to ntwq_kunit.ko in NTWQ_INTERNAL.
 */
#ifndef _NTWQ_SELFTEST_RUNTIME_H
#define _NTWQ_SELFTEST_RUNTIME_H

#include "../core/trigger.h"

#ifdef __cplusplus
extern "C" {
#endif

/* new/delete of an object with a constructor and destructor. */
struct ntwq_selftest_alloc {
	int fault_supported;        /* kernel has fault injection */
	int object_allocated;       /* new returned an object */
	int ctor_runs;              /* constructor ran this many times */
	int dtor_runs;              /* destructor ran this many times */
	int value_after_ctor;       /* field the constructor set */
	int zeroed_field;           /* field nothing set: storage is zeroed */
	long long allocations_delta; /* runtime allocation counter change */
	long long frees_delta;       /* runtime free counter change */
	long long failures_delta;    /* runtime failure counter change */
	int create_status;          /* what the factory returned (0/-errno) */
	int create_left_null;       /* the factory left its out-param NULL */
};

/*
 * ntwq_selftest_alloc - allocate and free one object; with @fail_nth > 0, arm
 * fault injection so the fail_nth-th fault point in this task fails first.
 * Return: 0, or -EOPNOTSUPP if @fail_nth is asked for without fault injection.
 */
int ntwq_selftest_alloc(unsigned int fail_nth, struct ntwq_selftest_alloc *r);

/* Virtual dispatch through a base pointer, and delete through it. */
struct ntwq_selftest_virtual {
	int square_area; /* Square(7) through Shape* */
	int rect_area;   /* Rect(3, 4) through Shape* */
	int square_sides; /* a second virtual, overridden only by Square */
	int rect_sides;   /* ... inherited by Rect from Shape */
	int destroyed;   /* derived destructors run by delete via Shape* */
};
int ntwq_selftest_virtual(struct ntwq_selftest_virtual *r);

/* SpinGuard and Guarded<T> take and release their lock. */
struct ntwq_selftest_guard {
	int plain_locked_inside;   /* SpinGuard<NoIrq>: lock held in scope */
	int plain_locked_after;    /* ... and released after it */
	int irqsave_locked_inside; /* SpinGuard<IrqSave>: lock held */
	int irqsave_irqs_off_inside; /* ... with interrupts off */
	int irqsave_locked_after;
	int irqsave_irqs_off_after; /* interrupt state restored */
	int guarded_locked_inside; /* Guarded::With runs under the lock */
	int guarded_value;         /* value after three With() increments */
	int guarded_locked_after;
};
int ntwq_selftest_guard(struct ntwq_selftest_guard *r);

/* The trigger commands cxx.alloc, cxx.virtual, cxx.guard over the above. */
int ntwq_scn_cxx_alloc(unsigned int fail_nth, struct ntwq_scn_result *r);
int ntwq_scn_cxx_virtual(unsigned int arg, struct ntwq_scn_result *r);
int ntwq_scn_cxx_guard(unsigned int arg, struct ntwq_scn_result *r);

#ifdef __cplusplus
}
#endif

#endif /* _NTWQ_SELFTEST_RUNTIME_H */
