// SPDX-License-Identifier: GPL-2.0
/*
 * trigger.cpp - the commands of /sys/kernel/debug/ntwq/trigger.
 *
 * A write is one command: a scenario name and its arguments.  The scenario
 * runs synchronously in the writer's task; a read of the same open file
 * returns what it observed as key=value lines, which userspace-test checks.
 * A write returns the command's length when the scenario ran, -EINVAL for an
 * unknown or malformed command, -EOPNOTSUPP when the kernel lacks what the
 * scenario needs (fault injection).  Nothing a writer sends is trusted.
 */
#include "selftest.h"
#include "stats.h"

#include "selftest/scenario.h"

#include "bridge/bridge.h"
#include "lib/runtime.h"
#include "lib/text.h"

namespace ntwq {
namespace {

using ScenarioFn = int (*)(const Words &args, TextBuffer &out);

struct Scenario {
	const char *name;
	int min_args; /* words after the name */
	int max_args;
	const char *usage;
	ScenarioFn run;
};

int RunAlloc(const Words &args, TextBuffer &out)
{
	unsigned int fail_nth = 0;
	struct ntwq_selftest_alloc r;

	if (args.Count() > 1 && ntwq_kstrtouint(args[1], 10, &fail_nth))
		return -kEINVAL;
	int ret = ntwq_selftest_alloc(fail_nth, &r);
	out.Printf("fault_supported=%d\n", r.fault_supported);
	if (ret)
		return ret;
	out.Printf("object_allocated=%d\nctor_runs=%d\ndtor_runs=%d\n"
		   "value_after_ctor=%d\nzeroed_field=%d\n"
		   "allocations_delta=%lld\nfrees_delta=%lld\nfailures_delta=%lld\n"
		   "create_status=%d\ncreate_left_null=%d\n",
		   r.object_allocated, r.ctor_runs, r.dtor_runs, r.value_after_ctor,
		   r.zeroed_field, r.allocations_delta, r.frees_delta,
		   r.failures_delta, r.create_status, r.create_left_null);
	return 0;
}

int RunVirtual(const Words &, TextBuffer &out)
{
	struct ntwq_selftest_virtual r;
	int ret = ntwq_selftest_virtual(&r);

	if (ret)
		return ret;
	out.Printf("square_area=%d\nrect_area=%d\nsquare_sides=%d\nrect_sides=%d\n"
		   "destroyed=%d\n",
		   r.square_area, r.rect_area, r.square_sides, r.rect_sides,
		   r.destroyed);
	return 0;
}

int RunGuard(const Words &, TextBuffer &out)
{
	struct ntwq_selftest_guard r;
	int ret = ntwq_selftest_guard(&r);

	if (ret)
		return ret;
	out.Printf("plain_locked_inside=%d\nplain_locked_after=%d\n"
		   "irqsave_locked_inside=%d\nirqsave_irqs_off_inside=%d\n"
		   "irqsave_locked_after=%d\nirqsave_irqs_off_after=%d\n"
		   "guarded_locked_inside=%d\nguarded_value=%d\n"
		   "guarded_locked_after=%d\n",
		   r.plain_locked_inside, r.plain_locked_after,
		   r.irqsave_locked_inside, r.irqsave_irqs_off_inside,
		   r.irqsave_locked_after, r.irqsave_irqs_off_after,
		   r.guarded_locked_inside, r.guarded_value,
		   r.guarded_locked_after);
	return 0;
}

int RunHelp(const Words &, TextBuffer &out);

const Scenario kScenarios[] = {
	{ "help", 0, 0, "help", RunHelp },
	{ "cxx.alloc", 0, 1, "cxx.alloc [fail_nth]", RunAlloc },
	{ "cxx.virtual", 0, 0, "cxx.virtual", RunVirtual },
	{ "cxx.guard", 0, 0, "cxx.guard", RunGuard },
};

int RunHelp(const Words &, TextBuffer &out)
{
	for (const Scenario &s : kScenarios)
		out.Printf("%s\n", s.usage);
	for (unsigned int i = 0; const ntwq_scenario *s = ntwq_scn_at(i); i++)
		out.Printf("%s\n", s->usage);
	return 0;
}

/* A scenario of selftest/: at most one numeric argument; values as key=value. */
int RunScenario(const ntwq_scenario *s, const Words &words, TextBuffer &out)
{
	unsigned int arg = 0;

	if (words.Count() > 2 || (words.Count() == 2 && ntwq_kstrtouint(words[1], 10, &arg))) {
		out.Printf("error=usage: %s\n", s->usage);
		return -kEINVAL;
	}
	/* Large: keep it off the (small) kernel stack. */
	auto *r = new (Gfp::Kernel) ntwq_scn_result;
	if (!r)
		return -kENOMEM;
	Stats::TriggerRan();
	int ret = s->run(arg, r);
	for (unsigned int i = 0; i < r->n; i++)
		out.Printf("%s=%lld\n", r->kv[i].key, r->kv[i].value);
	delete r;
	return ret;
}

} /* namespace */
} /* namespace ntwq */

using namespace ntwq;

extern "C" int ntwq_trigger_run(const char *cmd, char *out, unsigned long cap)
{
	char line[NTWQ_COMMAND_MAX];
	TextBuffer text(out, cap);
	size_t n = 0;

	while (cmd[n] && n < sizeof(line) - 1) {
		line[n] = cmd[n];
		n++;
	}
	if (cmd[n]) {
		text.Printf("error=too long\n");
		return -kEINVAL;
	}
	line[n] = '\0';

	Words words(line);
	if (!words.Count() || words.Overflow()) {
		text.Printf("error=%s\n", words.Count() ? "too many words" : "empty command");
		return -kEINVAL;
	}
	for (const Scenario &s : kScenarios) {
		if (!StrEq(words[0], s.name))
			continue;
		int nargs = words.Count() - 1;
		if (nargs < s.min_args || nargs > s.max_args) {
			text.Printf("error=usage: %s\n", s.usage);
			return -kEINVAL;
		}
		Stats::TriggerRan();
		return s.run(words, text);
	}
	if (const ntwq_scenario *s = ntwq_scn_find(words[0]))
		return RunScenario(s, words, text);
	text.Printf("error=unknown command\n");
	return -kEINVAL;
}
