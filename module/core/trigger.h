/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trigger.h - the commands behind /sys/kernel/debug/ntwq/trigger.
 *
 * The core parses a command line and runs a command from the tables
 * registered with it; it knows no command of its own but `help`.  The
 * selftest side (module/selftest/) registers its scenarios at load.  A
 * command fills named values (key=value), which a read of the trigger file
 * returns.  C and C++.
 */
#ifndef _NTWQ_CORE_TRIGGER_H
#define _NTWQ_CORE_TRIGGER_H

#ifdef __cplusplus
extern "C" {
#endif

#define NTWQ_SCN_MAX_VALUES 32
#define NTWQ_SCN_MISSING (-0x7fffffffffffffffLL)

struct ntwq_scn_result {
	unsigned int n;
	struct {
		const char *key;
		long long value;
	} kv[NTWQ_SCN_MAX_VALUES];
};

struct ntwq_scenario {
	const char *name;
	const char *usage;
	/* @arg: the optional number after the name (0 if absent). */
	int (*run)(unsigned int arg, struct ntwq_scn_result *r);
};

/*
 * ntwq_trigger_register - make @count commands of @table available.
 * Return: 0, or -ENOSPC when no more tables fit.  The table must outlive
 * ntwq_trigger_unregister() (module lifetime).
 */
int ntwq_trigger_register(const struct ntwq_scenario *table, unsigned int count);
void ntwq_trigger_unregister(const struct ntwq_scenario *table);

/*
 * ntwq_trigger_run - run one command of the debugfs trigger file.
 * @cmd: the command line.
 * @out: result text (key=value lines), NUL-terminated.
 * @cap: size of @out.
 * Return: the command's status, or -EINVAL for an unknown or malformed one.
 */
int ntwq_trigger_run(const char *cmd, char *out, unsigned long cap);

#ifdef __cplusplus
}
#endif

#endif /* _NTWQ_CORE_TRIGGER_H */
