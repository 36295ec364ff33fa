// SPDX-License-Identifier: GPL-2.0
/*
 * scenario.c - the scenario table and result helpers.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include "../bridge/compat.h"
#include "scenario.h"
#include "runtime.h"
#include "scenarios.h"

static const struct ntwq_scenario ntwq_scenarios[] = {
	{ "cxx.alloc", "cxx.alloc [fail_nth]", ntwq_scn_cxx_alloc },
	{ "cxx.virtual", "cxx.virtual", ntwq_scn_cxx_virtual },
	{ "cxx.guard", "cxx.guard", ntwq_scn_cxx_guard },
	NTWQ_IO_SCENARIOS
	NTWQ_EX_SCENARIOS
	NTWQ_WDF_SCENARIOS
	NTWQ_VRF_SCENARIOS
	NTWQ_LIFE_SCENARIOS
};

void ntwq_scn_put(struct ntwq_scn_result *r, const char *key, long long value)
{
	if (r->n < NTWQ_SCN_MAX_VALUES) {
		r->kv[r->n].key = key;
		r->kv[r->n].value = value;
		r->n++;
	}
}

long long ntwq_scn_get(const struct ntwq_scn_result *r, const char *key)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->kv[i].key, key))
			return r->kv[i].value;
	return NTWQ_SCN_MISSING;
}
EXPORT_SYMBOL_NS_GPL(ntwq_scn_get, NTWQ_INTERNAL);

int ntwq_selftest_register(void)
{
	return ntwq_trigger_register(ntwq_scenarios, ARRAY_SIZE(ntwq_scenarios));
}

void ntwq_selftest_unregister(void)
{
	ntwq_trigger_unregister(ntwq_scenarios);
}

static const struct ntwq_scenario *ntwq_scn_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ntwq_scenarios); i++)
		if (!strcmp(ntwq_scenarios[i].name, name))
			return &ntwq_scenarios[i];
	return NULL;
}

int ntwq_scn_run(const char *name, unsigned int arg, struct ntwq_scn_result *r)
{
	const struct ntwq_scenario *s = ntwq_scn_find(name);

	memset(r, 0, sizeof(*r));
	return s ? s->run(arg, r) : -ENOENT;
}
EXPORT_SYMBOL_NS_GPL(ntwq_scn_run, NTWQ_INTERNAL);
