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
#include "trigger.h"
#include "stats.h"

#include "bridge/bridge.h"
#include "lib/runtime.h"
#include "lib/text.h"

namespace ntwq {
namespace {

/* Tables registered by the selftest side; set at load, before debugfs exists. */
constexpr unsigned int kMaxTables = 4;

struct Table {
	const ntwq_scenario *rows;
	unsigned int count;
};

Table g_tables[kMaxTables]; /* I: between register and unregister */

const ntwq_scenario *Find(const char *name)
{
	for (const Table &t : g_tables)
		for (unsigned int i = 0; i < t.count; i++)
			if (StrEq(t.rows[i].name, name))
				return &t.rows[i];
	return nullptr;
}

int RunHelp(TextBuffer &out)
{
	out.Printf("help\n");
	for (const Table &t : g_tables)
		for (unsigned int i = 0; i < t.count; i++)
			out.Printf("%s\n", t.rows[i].usage);
	return 0;
}

/* At most one numeric argument; values as key=value lines. */
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

extern "C" int ntwq_trigger_register(const struct ntwq_scenario *table, unsigned int count)
{
	for (Table &t : g_tables) {
		if (!t.rows) {
			t.rows = table;
			t.count = count;
			return 0;
		}
	}
	return -kENOSPC;
}

extern "C" void ntwq_trigger_unregister(const struct ntwq_scenario *table)
{
	for (Table &t : g_tables) {
		if (t.rows == table) {
			t.rows = nullptr;
			t.count = 0;
		}
	}
}

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
	if (StrEq(words[0], "help")) {
		if (words.Count() != 1) {
			text.Printf("error=usage: help\n");
			return -kEINVAL;
		}
		Stats::TriggerRan();
		return RunHelp(text);
	}
	if (const ntwq_scenario *s = Find(words[0]))
		return RunScenario(s, words, text);
	text.Printf("error=unknown command\n");
	return -kEINVAL;
}
