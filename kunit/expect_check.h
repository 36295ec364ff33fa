/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expect_check.h - the one KUnit case body every scenario suite shares:
 * run a scenario and check what selftest/expect.h (or a shim's own
 * expectations) says it must observe.  Used by ntwq_kunit.c and by the
 * NDIS suite (shims/ndis/test/ndis_kunit.c).
 */
#ifndef _NTWQ_KUNIT_EXPECT_CHECK_H
#define _NTWQ_KUNIT_EXPECT_CHECK_H

#include <kunit/test.h>
#include "../module/bridge/compat.h"
#include "../module/selftest/expect.h"
#include "../module/selftest/scenario.h"

/* Runs @e's scenario with @run and checks every value it must report. */
static inline void ntwq_kunit_check_expect(struct kunit *test, const struct ntwq_expect *e,
					   int (*run)(const char *name, unsigned int arg,
						      struct ntwq_scn_result *r))
{
	struct ntwq_scn_result *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	const struct ntwq_expect_kv *kv;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, r);
	kunit_info(test, "%s: %s", e->scenario, e->what);
	ret = run(e->scenario, e->arg, r);
	if (ret == -EOPNOTSUPP && e->needs_fault_injection)
		kunit_skip(test, "kernel without fault injection");
	KUNIT_ASSERT_EQ(test, ret, 0);
	for (kv = e->kv; kv->key; kv++) {
		long long got = ntwq_scn_get(r, kv->key);

		KUNIT_EXPECT_NE_MSG(test, got, NTWQ_SCN_MISSING, "%s not reported", kv->key);
		KUNIT_EXPECT_EQ_MSG(test, got, kv->value, "%s", kv->key);
	}
}

#endif /* _NTWQ_KUNIT_EXPECT_CHECK_H */
