// SPDX-License-Identifier: GPL-2.0
/*
 * ke_api.cpp - KeGetCurrentIrql.
 *
 * Linux has no IRQL; ntwq derives one from the execution context so ported
 * code that asserts its IRQL keeps working (see README "IRQL").
 */
#include <ntwq/wdm.h>

#include "bridge/bridge.h"

extern "C" KIRQL KeGetCurrentIrql(void)
{
	if (ntwq_in_nmi() || ntwq_in_hardirq())
		return HIGH_LEVEL;
	/*
	 * Softirq, bottom halves off, a spinlock, preemption or irqs off, or an
	 * RCU read-side section (which preemptible RCU runs preemptible, but
	 * where sleeping is illegal all the same).
	 */
	if (!ntwq_in_task() || ntwq_in_atomic() || ntwq_irqs_disabled() ||
	    ntwq_in_rcu_read_side())
		return DISPATCH_LEVEL;
	return PASSIVE_LEVEL;
}
