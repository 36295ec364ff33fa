/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntwq/wdm.h - the WDM routines ntwq exports, under their Windows names.
 *
 * A ported driver includes this after its Linux headers and calls the
 * routines as it did on Windows.  The calling convention is the kernel's own
 * (not ms_abi).  See README.md for what each routine supports and where ntwq
 * deliberately differs from Windows.
 */
#ifndef _NTWQ_WDM_H
#define _NTWQ_WDM_H

#include <ntwq/ntdef.h>

NTWQ_EXTERN_C_BEGIN

/**
 * KeGetCurrentIrql - the IRQL the caller runs at, as Linux context maps to it.
 *
 * PASSIVE_LEVEL in sleepable task context; DISPATCH_LEVEL with preemption,
 * bottom halves or interrupts disabled and in softirq context; HIGH_LEVEL in
 * hard-irq and NMI context.
 */
KIRQL KeGetCurrentIrql(void);

NTWQ_EXTERN_C_END

#endif /* _NTWQ_WDM_H */
