// SPDX-License-Identifier: GPL-2.0
/*
 * ndis_kunit.c - the ntwq_ndis KUnit suite: every NDIS scenario
 * (ndis_scenarios.c) against what ndis_expect.h says it must observe, one
 * case each, on the debug kernel (KASAN, lockdep, kmemleak watching).
 */
#include <kunit/test.h>
#include <linux/module.h>
#include "../../../kunit/expect_check.h"
#include "ndis_expect.h"
#include "ndis_scenarios.h"

MODULE_IMPORT_NS(NTWQ_INTERNAL);

static NTWQ_KUNIT_PARAMS(ndis_params)
{
	const struct ntwq_expect *e = prev ? (const struct ntwq_expect *)prev + 1
					   : ntwq_ndis_expectations;

	if (e >= ntwq_ndis_expectations + ARRAY_SIZE(ntwq_ndis_expectations))
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", e->scenario);
	return e;
}

/* Runs one NDIS scenario and checks every value it must observe. */
static void ndis_scenario_observes_expected_values(struct kunit *test)
{
	ntwq_kunit_check_expect(test, test->param_value, ntwq_ndis_scn_run);
}

static struct kunit_case ntwq_ndis_cases[] = {
	KUNIT_CASE_PARAM(ndis_scenario_observes_expected_values, ndis_params),
	{}
};

static struct kunit_suite ntwq_ndis_suite = {
	.name = "ntwq_ndis",
	.test_cases = ntwq_ndis_cases,
};

kunit_test_suites(&ntwq_ndis_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ntwq: KUnit suite for the NDIS work items");
