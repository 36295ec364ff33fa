// SPDX-License-Identifier: GPL-2.0
/*
 * module.cpp - bringing ntwq up and down: the debugfs directory and files.
 *
 * Lifetime: everything here exists from ntwq_core_init() to ntwq_core_exit();
 * debugfs removal waits for open files' operations, so no show or command
 * runs after exit.  The ops structs are constant-initialised statics (no
 * constructor: the module loader runs none).
 */
#include "module.h"
#include "engine.h"
#include "family.h"
#include "queues.h"
#include "registry.h"
#include "stats.h"
#include "trigger.h"
#include "fx_object.h"
#include "verifier.h"
#include "work.h"

#include "bridge/bridge.h"
#include "lib/cxx.h"

namespace ntwq {
namespace {

int RunCommand(void *, const char *cmd, char *out, size_t cap)
{
	return ntwq_trigger_run(cmd, out, cap);
}

const ntwq_show_ops kStatsOps = { Stats::Show, nullptr };
const ntwq_show_ops kItemsOps = { Registry::Show, nullptr };
const ntwq_command_ops kTriggerOps = { RunCommand, nullptr };

dentry *g_debugfs_dir; /* I: the ntwq directory, or an error/NULL */

} /* namespace */
} /* namespace ntwq */

using namespace ntwq;

extern "C" int ntwq_core_init(void)
{
	ntwq_fault_init(); /* before the first allocation */
	FxInit();
	Verifier::Init();
	Families::Init();
	int err = Registry::Init();
	if (err)
		return err;
	err = Stats::Init();
	if (err)
		goto out_registry;
	err = Queues::Init();
	if (err)
		goto out_stats;
	err = Engine::Init();
	if (err)
		goto out_queues;

	/*
	 * debugfs is for observation: ntwq works without it (and debugfs
	 * failures are not reported, as the debugfs API intends).
	 */
	g_debugfs_dir = ntwq_debugfs_create_dir("ntwq", nullptr);
	if (ntwq_debugfs_valid(g_debugfs_dir)) {
		ntwq_debugfs_create_show("stats", g_debugfs_dir, &kStatsOps);
		ntwq_debugfs_create_show("items", g_debugfs_dir, &kItemsOps);
		ntwq_debugfs_create_switch("verifier", g_debugfs_dir, &ntwq_verifier);
		ntwq_debugfs_create_command("trigger", g_debugfs_dir, &kTriggerOps);
		ntwq_fault_create_debugfs("fail_alloc", g_debugfs_dir);
	}
	ntwq_printk(NTWQ_KERN_INFO, "loaded\n");
	return 0;

out_queues:
	Queues::Exit();
out_stats:
	Stats::Exit();
out_registry:
	Registry::Exit();
	return err;
}

extern "C" void ntwq_core_exit(void)
{
	ntwq_debugfs_remove(g_debugfs_dir);
	g_debugfs_dir = nullptr;
	/*
	 * Drains every queue (the dispatchers drain their FIFOs);
	 * every driver is gone by now, as their modules depend on ntwq.
	 */
	Queues::Exit();
	/* Nothing runs now: the watchdog stops before the records it reads go. */
	Verifier::StopWatchdog();
	Engine::Exit();
	Stats::Exit();
	Registry::Exit();
	Verifier::DrainQuarantine();
	ntwq_printk(NTWQ_KERN_INFO, "unloaded\n");
}
