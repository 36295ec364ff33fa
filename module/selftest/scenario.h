/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - named in-kernel scenarios that exercise ntwq's Windows API the
 * way a ported driver does, and record what they observed.
 *
 * A scenario never judges: it fills named values (runs=1, irql=0, ...).
 * KUnit cases run a scenario and assert on the values; the debugfs trigger
 * runs it and prints key=value lines for userspace-test to check.  So the
 * same behaviour is checked on the debug kernel (with KASAN, lockdep, ...)
 * and on the stock kernels.  Every wait in a scenario is bounded.
 *
 * C only (kernel headers); exported to ntwq_kunit.ko in NTWQ_INTERNAL.
 */
#ifndef _NTWQ_SELFTEST_SCENARIO_H
#define _NTWQ_SELFTEST_SCENARIO_H

#include "../core/trigger.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Records @value under @key (the key must be a string literal). */
void ntwq_scn_put(struct ntwq_scn_result *r, const char *key, long long value);
/* The value recorded under @key, or NTWQ_SCN_MISSING. */
long long ntwq_scn_get(const struct ntwq_scn_result *r, const char *key);

/* Registers every scenario with the trigger (at load); and the reverse. */
int ntwq_selftest_register(void);
void ntwq_selftest_unregister(void);
/*
 * Runs scenario @name into @r (cleared first).
 * Return: the scenario's status: 0, -EOPNOTSUPP when the kernel lacks what
 * it needs, -ENOENT for an unknown name, or another -errno if it could not
 * set itself up.
 */
int ntwq_scn_run(const char *name, unsigned int arg, struct ntwq_scn_result *r);

#ifdef __cplusplus
}
#endif

#endif /* _NTWQ_SELFTEST_SCENARIO_H */
