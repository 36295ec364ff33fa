// SPDX-License-Identifier: GPL-2.0
/*
 * userspace-test - drives /sys/kernel/debug/ntwq/ from inside a test VM and
 * prints KTAP.  Runs on every kernel; run as root with ntwq loaded and the
 * kmod tools on PATH (the test initramfs has both).
 *
 * Each case checks one behaviour by the values it is about: a trigger
 * command's key=value report, a counter, an errno, a file's presence.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../module/selftest/expect.h"
#include "../shims/ndis/test/ndis_expect.h"
#include "../windrivers/wdmtest/wdmtest.h"

#define NTWQ_DIR "/sys/kernel/debug/ntwq"
#define RESULT_MAX 16384

/* ---- tiny KTAP harness ---- */

struct tcase {
	const char *name;
	const char *what; /* one line: the behaviour checked */
	void (*run)(void);
};

static int case_failed;
static const char *case_skip;

/* Reports a failed check of @cond (its text @text); @ok: its value. */
#define CHECK_VALUE(ok, text, ...)                                           \
	do {                                                                 \
		if (!(ok)) {                                                 \
			printf("    # %s:%d: check failed: %s: ", __func__,  \
			       __LINE__, text);                              \
			printf(__VA_ARGS__);                                 \
			printf("\n");                                        \
			case_failed = 1;                                     \
		}                                                            \
	} while (0)

/* @cond is evaluated exactly once: it may have side effects. */
#define CHECK(cond, ...) CHECK_VALUE((cond), #cond, __VA_ARGS__)

#define REQUIRE(cond, ...)                                                   \
	do {                                                                 \
		int require_ok_ = !!(cond);                                  \
		CHECK_VALUE(require_ok_, #cond, __VA_ARGS__);                \
		if (!require_ok_)                                            \
			return;                                              \
	} while (0)

#define SKIP(reason)                                                         \
	do {                                                                 \
		case_skip = (reason);                                        \
		return;                                                      \
	} while (0)

/* ---- helpers ---- */

/* Runs one trigger command; returns 0 or -errno of the write. */
static int trigger(const char *cmd, size_t len, char *out, size_t cap)
{
	int fd = open(NTWQ_DIR "/trigger", O_RDWR);
	ssize_t n;
	int ret = 0;

	if (out && cap)
		out[0] = '\0';
	if (fd < 0)
		return -errno;
	if (write(fd, cmd, len) < 0)
		ret = -errno;
	if (out && cap) {
		n = read(fd, out, cap - 1);
		out[n > 0 ? n : 0] = '\0';
	}
	close(fd);
	return ret;
}

static int trigger_str(const char *cmd, char *out, size_t cap)
{
	return trigger(cmd, strlen(cmd), out, cap);
}

/* Value of "key=<number>" in a trigger result, or of "key <number>" in stats. */
static long long value_of(const char *text, const char *key, int *found)
{
	size_t klen = strlen(key);
	const char *p = text;

	*found = 0;
	while (p && *p) {
		if (!strncmp(p, key, klen) && (p[klen] == '=' || p[klen] == ' ')) {
			*found = 1;
			return strtoll(p + klen + 1, NULL, 0);
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static void expect_value(const char *text, const char *key, long long want)
{
	int found;
	long long got = value_of(text, key, &found);

	CHECK(found, "%s missing from result", key);
	if (found)
		CHECK(got == want, "%s=%lld, want %lld", key, got, want);
}

static int read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + total, cap - 1 - total)) > 0)
		total += n;
	buf[total] = '\0';
	close(fd);
	return n < 0 ? -errno : 0;
}

static long long stat_value(const char *key)
{
	static char buf[RESULT_MAX];
	int found;
	long long v;

	if (read_file(NTWQ_DIR "/stats", buf, sizeof(buf)))
		return -1;
	v = value_of(buf, key, &found);
	return found ? v : -1;
}

/* The sum of every diag.* counter in stats (all diagnostics so far), or -1. */
static long long diag_total(void)
{
	static char buf[RESULT_MAX];
	long long sum = 0;
	char *line;

	if (read_file(NTWQ_DIR "/stats", buf, sizeof(buf)))
		return -1;
	for (line = buf; *line;) {
		char *end = strchr(line, '\n');
		char *sp = strchr(line, ' ');

		if (!strncmp(line, "diag.", 5) && sp && (!end || sp < end))
			sum += strtoll(sp + 1, NULL, 10);
		if (!end)
			break;
		line = end + 1;
	}
	return sum;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -errno;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int run_quiet(const char *cmd)
{
	char full[256];

	snprintf(full, sizeof(full), "%s >/dev/null 2>&1", cmd);
	return system(full);
}

static int module_refcnt(const char *mod)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", mod);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

/* ---- cases: debugfs ---- */

static void debugfs_files_are_root_only(void)
{
	struct stat st;

	REQUIRE(stat(NTWQ_DIR "/stats", &st) == 0, "stats: %s", strerror(errno));
	CHECK((st.st_mode & 0777) == 0400, "stats mode %o", st.st_mode & 0777);
	REQUIRE(stat(NTWQ_DIR "/trigger", &st) == 0, "trigger: %s", strerror(errno));
	CHECK((st.st_mode & 0777) == 0600, "trigger mode %o", st.st_mode & 0777);
	REQUIRE(stat(NTWQ_DIR "/verifier", &st) == 0, "verifier: %s", strerror(errno));
	CHECK((st.st_mode & 0777) == 0600, "verifier mode %o", st.st_mode & 0777);
}

static void stats_reports_runtime_counters(void)
{
	long long allocs = stat_value("runtime.allocations");
	long long frees = stat_value("runtime.frees");
	long long live = stat_value("runtime.live");

	REQUIRE(allocs >= 0 && frees >= 0 && live >= 0,
		"counters missing: %lld %lld %lld", allocs, frees, live);
	CHECK(live == allocs - frees, "live %lld != %lld - %lld", live, allocs, frees);
}

/* ---- cases: C++ runtime through the trigger ---- */

static void cxx_virtual_call_reaches_override(void)
{
	char out[RESULT_MAX];

	REQUIRE(trigger_str("cxx.virtual", out, sizeof(out)) == 0, "write failed");
	expect_value(out, "square_area", 49);
	expect_value(out, "rect_area", 12);
	expect_value(out, "square_sides", 407);
	expect_value(out, "rect_sides", 4);
	expect_value(out, "destroyed", 2);
}

static void cxx_guards_release_their_locks(void)
{
	char out[RESULT_MAX];

	REQUIRE(trigger_str("cxx.guard", out, sizeof(out)) == 0, "write failed");
	expect_value(out, "plain_locked_inside", 1);
	expect_value(out, "plain_locked_after", 0);
	expect_value(out, "irqsave_locked_inside", 1);
	expect_value(out, "irqsave_irqs_off_inside", 1);
	expect_value(out, "irqsave_locked_after", 0);
	expect_value(out, "irqsave_irqs_off_after", 0);
	expect_value(out, "guarded_locked_inside", 1);
	expect_value(out, "guarded_value", 3);
	expect_value(out, "guarded_locked_after", 0);
}

static void cxx_new_constructs_once_and_frees(void)
{
	char out[RESULT_MAX];

	REQUIRE(trigger_str("cxx.alloc", out, sizeof(out)) == 0, "write failed");
	expect_value(out, "object_allocated", 1);
	expect_value(out, "ctor_runs", 2);
	expect_value(out, "dtor_runs", 2);
	expect_value(out, "value_after_ctor", 0x5eed);
	expect_value(out, "zeroed_field", 0);
	expect_value(out, "allocations_delta", 2);
	expect_value(out, "frees_delta", 2);
	expect_value(out, "failures_delta", 0);
	expect_value(out, "create_status", 0);
}

static void cxx_injected_alloc_failure_returns_error(void)
{
	char out[RESULT_MAX];
	int ret = trigger_str("cxx.alloc 1", out, sizeof(out));

	if (ret == -EOPNOTSUPP)
		SKIP("kernel without CONFIG_FAULT_INJECTION");
	REQUIRE(ret == 0, "write: %s", strerror(-ret));
	expect_value(out, "fault_supported", 1);
	expect_value(out, "object_allocated", 0);
	expect_value(out, "ctor_runs", 0);
	expect_value(out, "create_status", -ENOMEM);
	expect_value(out, "create_left_null", 1);
	expect_value(out, "allocations_delta", 0);
	expect_value(out, "failures_delta", 2);
}

/* ---- cases: the trigger file rejects bad input ---- */

static void trigger_unknown_command_is_einval(void)
{
	char out[RESULT_MAX];

	CHECK(trigger_str("no.such.scenario", out, sizeof(out)) == -EINVAL, "not EINVAL");
	CHECK(strstr(out, "error=unknown command") != NULL, "result '%s'", out);
}

static void trigger_empty_and_malformed_are_einval(void)
{
	static const char *const bad[] = { "", "\n", "   ", "cxx.virtual x",
					   "cxx.alloc 1 2", "cxx.alloc -1",
					   "cxx.alloc 99999999999999" };
	char out[RESULT_MAX];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(trigger_str(bad[i], out, sizeof(out)) == -EINVAL,
		      "'%s' accepted", bad[i]);
}

static void trigger_oversized_write_is_e2big(void)
{
	static char big[65536];

	memset(big, 'a', sizeof(big));
	CHECK(trigger(big, 256, NULL, 0) == -E2BIG, "256 bytes accepted");
	CHECK(trigger(big, sizeof(big), NULL, 0) == -E2BIG, "64 KiB accepted");
}

static void trigger_binary_garbage_is_rejected(void)
{
	unsigned char junk[200];
	size_t i;
	unsigned int seed = 12345;

	for (int round = 0; round < 50; round++) {
		for (i = 0; i < sizeof(junk); i++) {
			seed = seed * 1103515245 + 12345;
			junk[i] = seed >> 16;
		}
		junk[0] = 0xff; /* never a scenario name */
		CHECK(trigger((char *)junk, sizeof(junk), NULL, 0) == -EINVAL,
		      "round %d accepted", round);
	}
	/* The module still answers. */
	CHECK(trigger_str("help", NULL, 0) == 0, "help failed after garbage");
}

/* One bad write: 0 if refused with @want (or any errno when @want is 0), -1 if not. */
static int bad_write(const char *path, const void *buf, size_t len, int want)
{
	static int reported;
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	err = errno;
	close(fd);
	if (n < 0 && (!want || err == want))
		return 0;
	if (reported++ < 5)
		printf("    # %s: %zu bytes (%.*s): %s\n", path, len, len < 40 ? (int)len : 40,
		       (const char *)buf, n < 0 ? strerror(err) : "accepted");
	return -1;
}

static unsigned int next_rand(unsigned int *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return *seed >> 16;
}

/* Writes every kind of bad input @rounds times; returns how many were wrongly accepted. */
static int bad_input_rounds(unsigned int seed, int rounds, int *writes)
{
	static const char *const near_misses[] = {
		"io.que", "wdf.", "ex", "cxx.alloc 99999999999", "cxx.alloc -1",
		"cxx.virtual 1 2", "io.concurrency x", "help me", "a b c d e f g h i j",
		"IO.QUEUE", " \t\n", "cxx.alloc 0x10",
	};
	static const char *const not_bools[] = { "maybe", "2", "-1", "x", "", "\n\n" };
	unsigned char junk[300];
	int bad = 0;

	for (int round = 0; round < rounds; round++) {
		size_t len = next_rand(&seed) % sizeof(junk);
		const char *s;

		for (size_t i = 0; i < len; i++)
			junk[i] = next_rand(&seed);
		if (len)
			junk[0] = 0xff; /* never a command */
		/* random bytes: -EINVAL, or -E2BIG from 256 bytes on */
		bad += bad_write(NTWQ_DIR "/trigger", junk, len, len >= 256 ? E2BIG : 0) != 0 &&
		       len != 0;
		s = near_misses[round % (sizeof(near_misses) / sizeof(near_misses[0]))];
		bad += bad_write(NTWQ_DIR "/trigger", s, strlen(s), EINVAL) != 0;
		/* a truncated command: the first bytes of a real one */
		bad += bad_write(NTWQ_DIR "/trigger", "cxx.virtual", 1 + round % 10, EINVAL) != 0;
		s = not_bools[round % (sizeof(not_bools) / sizeof(not_bools[0]))];
		bad += bad_write(NTWQ_DIR "/verifier", s, strlen(s), 0) != 0 && *s;
		*writes += 4;
	}
	return bad;
}

/*
 * Malformed, random, truncated, oversized, unmapped and concurrent writes to
 * every writable file: each gets an errno; reads at odd offsets of every
 * readable file return data or an errno, never a raw kernel address; the
 * module still answers and the verifier is still off.
 */
static void debugfs_bad_input_gets_errors(void)
{
	static const char *const readable[] = { "/stats", "/items", "/trigger", "/verifier" };
	static const long offsets[] = { 0, 1, 7, 4095, 4096, 65537, 1L << 30 };
	char buf[RESULT_MAX], path[128];
	int writes = 0, bad, status;
	void *unmapped;
	pid_t kids[4];

	bad = bad_input_rounds(7, 1000, &writes);
	/* four writers at once */
	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			int w = 0;

			_exit(bad_input_rounds(100 + k, 500, &w) ? 1 : 0);
		}
	}
	for (int k = 0; k < 4; k++) {
		CHECK(kids[k] > 0 && waitpid(kids[k], &status, 0) == kids[k] &&
			      WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "concurrent writer %d saw a bad write accepted", k);
		writes += 2000;
	}
	/* a buffer the kernel cannot read */
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(unmapped != MAP_FAILED, "mmap");
	bad += bad_write(NTWQ_DIR "/trigger", unmapped, 16, EFAULT) != 0;
	bad += bad_write(NTWQ_DIR "/verifier", unmapped, 1, 0) != 0;
	writes += 2;
	munmap(unmapped, 4096);
	CHECK(bad == 0, "%d of %d bad writes were accepted (or got the wrong errno)", bad, writes);

	for (size_t f = 0; f < sizeof(readable) / sizeof(readable[0]); f++) {
		snprintf(path, sizeof(path), NTWQ_DIR "%s", readable[f]);
		for (size_t o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++) {
			int fd = open(path, O_RDONLY);
			ssize_t n;

			REQUIRE(fd >= 0, "%s: %s", path, strerror(errno));
			n = pread(fd, buf, 1 + o * 37 % (sizeof(buf) - 1), offsets[o]);
			if (n < 0)
				n = read(fd, buf, sizeof(buf) - 1);
			buf[n > 0 ? n : 0] = '\0';
			CHECK(!strstr(buf, "0xffff"), "%s at %ld shows a kernel address", path,
			      offsets[o]);
			close(fd);
		}
	}
	REQUIRE(read_file(NTWQ_DIR "/verifier", buf, sizeof(buf)) == 0, "verifier unreadable");
	CHECK(buf[0] == 'N', "bad input switched the verifier: %s", buf);
	CHECK(trigger_str("help", NULL, 0) == 0, "help failed after the bad input");
	printf("    # %d bad writes, all refused\n", writes);
}

/* Several commands on one open descriptor: each read returns that command's result. */
static void trigger_reused_fd_reads_each_result(void)
{
	static const char *const cmds[] = { "cxx.virtual", "cxx.guard", "cxx.virtual" };
	/* The first line of each command's result. */
	static const char *const firsts[] = { "square_area=49\n", "plain_locked_inside=1\n",
					      "square_area=49\n" };
	char out[RESULT_MAX];
	int fd = open(NTWQ_DIR "/trigger", O_RDWR);

	REQUIRE(fd >= 0, "open: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		ssize_t n;

		CHECK(write(fd, cmds[i], strlen(cmds[i])) == (ssize_t)strlen(cmds[i]),
		      "write %s: %s", cmds[i], strerror(errno));
		n = read(fd, out, sizeof(out) - 1);
		out[n > 0 ? n : 0] = '\0';
		CHECK(!strncmp(out, firsts[i], strlen(firsts[i])), "command %zu (%s) read back:\n%s",
		      i + 1, cmds[i], out);
	}
	close(fd);
}

static void trigger_runs_are_counted_in_stats(void)
{
	long long before = stat_value("trigger.runs");

	REQUIRE(before >= 0, "trigger.runs missing");
	for (int i = 0; i < 3; i++)
		trigger_str("help", NULL, 0);
	trigger_str("no.such.scenario", NULL, 0); /* not counted: never ran */
	CHECK(stat_value("trigger.runs") == before + 3, "runs %lld, want %lld",
	      stat_value("trigger.runs"), before + 3);
}

/* ---- cases: module load and unload ---- */

static void unload_removes_debugfs_and_module(void)
{
	REQUIRE(run_quiet("modprobe -r ntwq") == 0, "modprobe -r ntwq failed");
	CHECK(!exists(NTWQ_DIR), "debugfs dir survived unload");
	CHECK(!exists("/sys/module/ntwq"), "module still listed");
	REQUIRE(run_quiet("modprobe ntwq") == 0, "reload failed");
}

/* The workqueues of module/core/queues.cpp, all created with WQ_MEM_RECLAIM. */
static const char *const ntwq_workqueues[] = {
	"ntwq_critical", "ntwq_delayed", "ntwq_hypercritical", "ntwq_normal",
	"ntwq_background", "ntwq_realtime", "ntwq_supercritical", "ntwq_custom_high",
	"ntwq_custom", "ntwq_custom_low", "ntwq_internal",
};

/* @comm is @want, alone or followed by the "+work"/"-work" of a worker. */
static int comm_is(const char *comm, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(comm, want, n) &&
	       (comm[n] == '\0' || comm[n] == '+' || comm[n] == '-');
}

/*
 * Whether some task's /proc/PID/comm names the rescuer of workqueue @wq:
 * "kworker/R-<wq>" on newer kernels (6.12), the queue's name cut to 15
 * characters (TASK_COMM_LEN) on older ones (6.1).
 */
static int rescuer_exists(const char *wq)
{
	char now[64], old[16], path[300], comm[128];
	struct dirent *d;
	int found = 0;
	DIR *proc;

	snprintf(now, sizeof(now), "kworker/R-%s", wq);
	snprintf(old, sizeof(old), "%s", wq);
	proc = opendir("/proc");
	if (!proc)
		return -1;
	while (!found && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		if (read_file(path, comm, sizeof(comm)))
			continue; /* exited meanwhile */
		comm[strcspn(comm, "\n")] = '\0';
		found = comm_is(comm, now) || comm_is(comm, old);
	}
	closedir(proc);
	return found;
}

/*
 * WQ_MEM_RECLAIM gives a workqueue a rescuer thread, named after it, so its
 * work makes progress when no new worker can be created under memory
 * pressure.  ntwq's queues need one (SPEC: IoTryQueueWorkItem promises a
 * start), and so does ntwq_internal: NtwqDeleteDriver waits on its jobs.
 */
static void workqueues_have_rescuers(void)
{
	REQUIRE(run_quiet("modprobe ntwq") == 0, "modprobe ntwq failed");
	for (size_t i = 0; i < sizeof(ntwq_workqueues) / sizeof(ntwq_workqueues[0]); i++) {
		int found = rescuer_exists(ntwq_workqueues[i]);

		REQUIRE(found >= 0, "/proc: %s", strerror(errno));
		CHECK(found, "no rescuer thread for workqueue %s", ntwq_workqueues[i]);
	}
}

static void reload_starts_from_zero(void)
{
	REQUIRE(run_quiet("modprobe -r ntwq") == 0, "unload failed");
	REQUIRE(run_quiet("modprobe ntwq") == 0, "reload failed");
	CHECK(exists(NTWQ_DIR "/trigger"), "debugfs not recreated");
	/* Only what ntwq allocates at load (the Ex dispatcher pools) is live. */
	CHECK(stat_value("runtime.frees") == 0, "frees %lld after reload",
	      stat_value("runtime.frees"));
	CHECK(stat_value("runtime.live") == stat_value("runtime.allocations"),
	      "live %lld of %lld allocations", stat_value("runtime.live"),
	      stat_value("runtime.allocations"));
	CHECK(stat_value("trigger.runs") == 0, "runs %lld after reload",
	      stat_value("trigger.runs"));
}

static void load_unload_cycles_leave_nothing_live(void)
{
	char out[RESULT_MAX];

	for (int i = 0; i < 5; i++) {
		long long at_load = stat_value("runtime.live");

		REQUIRE(trigger_str("cxx.alloc", out, sizeof(out)) == 0, "cycle %d", i);
		REQUIRE(trigger_str("io.queue", out, sizeof(out)) == 0, "cycle %d", i);
		REQUIRE(trigger_str("ex.parameter", out, sizeof(out)) == 0, "cycle %d", i);
		CHECK(stat_value("runtime.live") == at_load, "cycle %d: live %lld, %lld at load",
		      i, stat_value("runtime.live"), at_load);
		REQUIRE(run_quiet("modprobe -r ntwq") == 0, "cycle %d unload", i);
		REQUIRE(run_quiet("modprobe ntwq") == 0, "cycle %d load", i);
	}
}

/* Polls until @mod's reference count is 0 (its work done); bounded. */
static int wait_refcnt_zero(const char *mod)
{
	for (int i = 0; i < 200; i++) {
		if (module_refcnt(mod) == 0)
			return 1;
		usleep(50 * 1000);
	}
	return 0;
}

static void ported_driver_pins_ntwq(void)
{
	REQUIRE(module_refcnt("ntwq") == 0, "ntwq busy before the test");
	REQUIRE(run_quiet("modprobe ntwq_sample_wdm") == 0, "sample load failed");
	REQUIRE(wait_refcnt_zero("ntwq_sample_wdm"), "the sample's work never finished");
	CHECK(module_refcnt("ntwq") == 1, "refcnt %d with the sample loaded",
	      module_refcnt("ntwq"));
	CHECK(exists("/sys/module/ntwq/holders/ntwq_sample_wdm"), "no holder link");
	errno = 0;
	CHECK(syscall(SYS_delete_module, "ntwq", O_NONBLOCK) == -1 &&
		      (errno == EWOULDBLOCK || errno == EBUSY),
	      "ntwq removable under its user (errno %d)", errno);
	CHECK(exists(NTWQ_DIR "/trigger"), "ntwq gone while in use");
	/* rmmod, not modprobe -r, which would also unload the unused ntwq. */
	REQUIRE(run_quiet("rmmod ntwq_sample_wdm") == 0, "sample unload");
	CHECK(module_refcnt("ntwq") == 0, "refcnt %d after the sample left",
	      module_refcnt("ntwq"));
}

static void modprobe_sample_loads_ntwq_first(void)
{
	REQUIRE(run_quiet("modprobe -r ntwq") == 0, "unload failed");
	REQUIRE(run_quiet("modprobe ntwq_sample_wdm") == 0, "sample load failed");
	CHECK(exists("/sys/module/ntwq"), "dependency not loaded by modprobe");
	REQUIRE(wait_refcnt_zero("ntwq_sample_wdm"), "the sample's work never finished");
	REQUIRE(run_quiet("modprobe -r ntwq_sample_wdm") == 0, "sample unload");
	/* modprobe -r drops the now-unused dependency too; bring it back. */
	if (!exists("/sys/module/ntwq"))
		REQUIRE(run_quiet("modprobe ntwq") == 0, "reload failed");
}

static void rmmod_refused_while_work_pending(void)
{
	REQUIRE(run_quiet("modprobe ntwq_sample_wdm work_ms=1500 passes=1") == 0,
		"sample load failed");
	/* The pending Io item pins it; the sample's quick Ex item may still too. */
	CHECK(module_refcnt("ntwq_sample_wdm") >= 1, "refcnt %d with work pending",
	      module_refcnt("ntwq_sample_wdm"));
	errno = 0;
	CHECK(syscall(SYS_delete_module, "ntwq_sample_wdm", O_NONBLOCK) == -1 &&
		      (errno == EWOULDBLOCK || errno == EBUSY),
	      "removed under a pending routine (errno %d)", errno);
	CHECK(exists("/sys/module/ntwq_sample_wdm"), "module gone under its work");
	REQUIRE(wait_refcnt_zero("ntwq_sample_wdm"), "the work never finished");
	CHECK(run_quiet("rmmod ntwq_sample_wdm") == 0, "rmmod after the work failed");
	CHECK(!exists("/sys/module/ntwq_sample_wdm"), "module still loaded");
}

static int module_param_value(const char *mod, const char *param)
{
	char path[160], buf[32];

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, param);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

/*
 * A driver whose module_init queues a routine in its own init text (freed
 * when module_init returns, whatever the refcount): refused with
 * WORKER_INVALID(7), never run, and the driver loads and unloads cleanly.
 */
static void init_text_routine_refused(void)
{
	long long before = stat_value("diag.invalid_routine");

	REQUIRE(before >= 0, "no diag.invalid_routine in stats");
	REQUIRE(run_quiet("modprobe ntwq_init_text") == 0, "ntwq_init_text load failed");
	CHECK(module_param_value("ntwq_init_text", "queued") == 1, "its item was not queued");
	CHECK(module_param_value("ntwq_init_text", "ran") == 0, "the init-text routine ran %d times",
	      module_param_value("ntwq_init_text", "ran"));
	CHECK(stat_value("diag.invalid_routine") - before == 1, "diag.invalid_routine +%lld, want +1",
	      stat_value("diag.invalid_routine") - before);
	CHECK(run_quiet("rmmod ntwq_init_text") == 0, "rmmod ntwq_init_text failed");
}

/*
 * A driver whose module_exit queues an executive item and returns: the
 * module is freed when its exit returns, whatever references it takes, so
 * ntwq refuses the item (NTWQ_DRIVER_DELETED) and never calls the freed
 * routine or puts the freed module.  (Before: rmmod succeeded and the
 * kernel crashed in module_put.)  The kernel is checked alive afterwards
 * by ntwq answering a trigger.
 */
static void exit_queue_ex_refused(void)
{
	long long before = stat_value("diag.driver_deleted");

	REQUIRE(before >= 0, "no diag.driver_deleted in stats");
	REQUIRE(run_quiet("modprobe ntwq_exit_queue mode=ex") == 0, "ntwq_exit_queue load failed");
	CHECK(run_quiet("rmmod ntwq_exit_queue") == 0, "rmmod ntwq_exit_queue failed");
	usleep(300000); /* where a queued routine would have run */
	CHECK(stat_value("diag.driver_deleted") - before == 1, "diag.driver_deleted +%lld, want +1",
	      stat_value("diag.driver_deleted") - before);
	CHECK(run_quiet("dmesg | grep -q 'NTWQ_DRIVER_DELETED: ExQueueWorkItem: the caller.s module is unloading'") == 0,
	      "no diagnostic naming the unloading caller");
	CHECK(run_quiet("dmesg | grep -q 'ntwq_exit_queue: ex routine ran'") != 0,
	      "the routine of the unloaded module ran");
	{
		static char out[RESULT_MAX];

		CHECK(trigger_str("cxx.virtual", out, sizeof(out)) == 0 &&
			      strstr(out, "square_area=49"),
		      "ntwq does not answer after the unload");
	}
}

/* The same for an NDIS 5 driver: NdisScheduleWorkItem in module_exit fails. */
static void exit_queue_ndis5_refused(void)
{
	long long before = stat_value("diag.driver_deleted");

	REQUIRE(before >= 0, "no diag.driver_deleted in stats");
	REQUIRE(run_quiet("modprobe ntwq_ndis_exit_queue") == 0, "ntwq_ndis_exit_queue load failed");
	CHECK(run_quiet("rmmod ntwq_ndis_exit_queue") == 0, "rmmod ntwq_ndis_exit_queue failed");
	usleep(300000);
	CHECK(stat_value("diag.driver_deleted") - before == 1, "diag.driver_deleted +%lld, want +1",
	      stat_value("diag.driver_deleted") - before);
	CHECK(run_quiet("dmesg | grep -q 'ntwq_ndis_exit_queue: schedule status 0xc0000001'") == 0,
	      "NdisScheduleWorkItem did not return NDIS_STATUS_FAILURE");
	CHECK(run_quiet("dmesg | grep -q 'ntwq_ndis_exit_queue: routine ran'") != 0,
	      "the routine of the unloaded module ran");
	run_quiet("rmmod ntwq_ndis");
}

/*
 * A driver whose module_exit queues an Io item and then calls
 * NtwqDeleteDriver: the module can no longer be pinned, but the delete
 * waits for the run, so the routine runs once before the exit returns, no
 * diagnostic.
 */
static void exit_queue_io_runs_before_delete(void)
{
	long long before = stat_value("diag.driver_deleted");

	REQUIRE(before >= 0, "no diag.driver_deleted in stats");
	REQUIRE(run_quiet("modprobe ntwq_exit_queue mode=io") == 0, "ntwq_exit_queue load failed");
	CHECK(run_quiet("rmmod ntwq_exit_queue") == 0, "rmmod ntwq_exit_queue failed");
	CHECK(run_quiet("dmesg | grep -q 'ntwq_exit_queue: io routine ran 1$'") == 0,
	      "the routine queued in module_exit did not run once before NtwqDeleteDriver returned");
	CHECK(stat_value("diag.driver_deleted") == before, "diag.driver_deleted +%lld, want +0",
	      stat_value("diag.driver_deleted") - before);
}

/* With the verifier off (the default), Io items are not tracked one by one. */
static void items_off_by_default(void)
{
	static char buf[RESULT_MAX];

	REQUIRE(read_file(NTWQ_DIR "/verifier", buf, sizeof(buf)) == 0, "verifier unreadable");
	CHECK(buf[0] == 'N', "verifier is on at load: %s", buf);
	REQUIRE(run_quiet("modprobe ntwq_sample_wdm work_ms=1500 passes=1") == 0,
		"sample load failed");
	REQUIRE(read_file(NTWQ_DIR "/items", buf, sizeof(buf)) == 0, "items unreadable");
	CHECK(strstr(buf, "sample_work") == NULL, "item tracked with the verifier off:\n%s", buf);
	REQUIRE(wait_refcnt_zero("ntwq_sample_wdm"), "the work never finished");
	REQUIRE(run_quiet("rmmod ntwq_sample_wdm") == 0, "rmmod failed");
}

static void items_lists_pending_work(void)
{
	static char buf[RESULT_MAX];

	REQUIRE(write_file(NTWQ_DIR "/verifier", "1") == 0, "cannot switch the verifier on");
	REQUIRE(run_quiet("modprobe ntwq_sample_wdm work_ms=1500 passes=1") == 0,
		"sample load failed");
	REQUIRE(read_file(NTWQ_DIR "/items", buf, sizeof(buf)) == 0, "items unreadable");
	CHECK(strstr(buf, "ntwq_sample_wdm") != NULL, "the sample's item not listed:\n%s", buf);
	CHECK(strstr(buf, "sample_work") != NULL, "routine not named:\n%s", buf);
	CHECK(strstr(buf, "0xffff") == NULL, "raw kernel address shown:\n%s", buf);
	REQUIRE(wait_refcnt_zero("ntwq_sample_wdm"), "the work never finished");
	REQUIRE(run_quiet("rmmod ntwq_sample_wdm") == 0, "rmmod failed");
	REQUIRE(read_file(NTWQ_DIR "/items", buf, sizeof(buf)) == 0, "items unreadable");
	CHECK(strstr(buf, "ntwq_sample_wdm") == NULL, "item still listed:\n%s", buf);
	REQUIRE(write_file(NTWQ_DIR "/verifier", "0") == 0, "cannot switch the verifier off");
}

static void rmmod_refused_while_ex_work_pending(void)
{
	static char buf[RESULT_MAX];

	REQUIRE(run_quiet("modprobe ntwq_sample_wdm passes=0 ex_ms=1500") == 0,
		"sample load failed");
	REQUIRE(read_file(NTWQ_DIR "/items", buf, sizeof(buf)) == 0, "items unreadable");
	CHECK(strstr(buf, "sample_ex_work") != NULL && strstr(buf, "ex ") != NULL,
	      "the Ex item not listed:\n%s", buf);
	/* Its routine sleeps: shown as running (once started), from its dispatcher. */
	for (int i = 0; i < 10 && !strstr(buf, "running"); i++) {
		usleep(100 * 1000);
		REQUIRE(read_file(NTWQ_DIR "/items", buf, sizeof(buf)) == 0, "items unreadable");
	}
	CHECK(strstr(buf, "running") != NULL, "the Ex item not shown running:\n%s", buf);
	CHECK(module_refcnt("ntwq_sample_wdm") == 1, "refcnt %d with an Ex item pending",
	      module_refcnt("ntwq_sample_wdm"));
	errno = 0;
	CHECK(syscall(SYS_delete_module, "ntwq_sample_wdm", O_NONBLOCK) == -1 &&
		      (errno == EWOULDBLOCK || errno == EBUSY),
	      "removed under a pending executive routine (errno %d)", errno);
	REQUIRE(wait_refcnt_zero("ntwq_sample_wdm"), "the Ex work never finished");
	REQUIRE(read_file(NTWQ_DIR "/items", buf, sizeof(buf)) == 0, "items unreadable");
	CHECK(strstr(buf, "sample_ex_work") == NULL, "finished Ex item still listed:\n%s", buf);
	CHECK(run_quiet("rmmod ntwq_sample_wdm") == 0, "rmmod after the work failed");
}

static void ntwq_unload_waits_for_its_own_ex_work(void)
{
	char out[RESULT_MAX];

	REQUIRE(trigger_str("ex.pin_self 1500", out, sizeof(out)) == 0, "trigger failed");
	expect_value(out, "module_refs_added", 1);
	errno = 0;
	CHECK(syscall(SYS_delete_module, "ntwq", O_NONBLOCK) == -1 &&
		      (errno == EWOULDBLOCK || errno == EBUSY),
	      "ntwq removable with its own Ex item pending (errno %d)", errno);
	CHECK(exists(NTWQ_DIR "/trigger"), "ntwq gone under its work");
	REQUIRE(wait_refcnt_zero("ntwq"), "the Ex work never finished");
	CHECK(run_quiet("modprobe -r ntwq") == 0, "unload after the work failed");
	REQUIRE(run_quiet("modprobe ntwq") == 0, "reload failed");
}

/* ---- cases: the ntwq trace events, through tracefs ---- */

#define TRACEFS "/sys/kernel/tracing"
#define TRACE_MAX 65536

/* One event of the trace buffer: its name and the fields the cases check. */
struct trace_event {
	char name[32];
	char item[32];
	char routine[64]; /* %ps: "name [module]" */
	char family[8];
	char driver[32];
	char code[40];
	char api[40];
};

/*
 * Copies the value of " @key=" in @line into @out: up to @end, or to the
 * end of the line if @end is "", or to the next space if @end is NULL.
 */
static void trace_field(const char *line, const char *key, const char *end, char *out,
			size_t cap)
{
	char pat[24];
	const char *v, *stop;
	size_t n;

	snprintf(pat, sizeof(pat), " %s=", key);
	out[0] = '\0';
	v = strstr(line, pat);
	if (!v)
		return;
	v += strlen(pat);
	if (!end)
		stop = v + strcspn(v, " ");
	else if (!*end || !(stop = strstr(v, end)))
		stop = v + strlen(v);
	n = (size_t)(stop - v) < cap - 1 ? (size_t)(stop - v) : cap - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

/* Parses the ntwq events of @text (the trace file) in order; returns how many. */
static int trace_parse(const char *text, struct trace_event *ev, int max)
{
	int n = 0;

	while (*text && n < max) {
		size_t len = strcspn(text, "\n");
		char line[512];
		const char *at;

		snprintf(line, sizeof(line), "%.*s", (int)len, text);
		text += len + (text[len] == '\n');
		at = strstr(line, ": ntwq_");
		if (line[0] == '#' || !at)
			continue;
		memset(&ev[n], 0, sizeof(ev[n]));
		sscanf(at + 2, "%31[a-z_]", ev[n].name);
		/* %ps may add " [module]": the routine runs to the next field. */
		trace_field(at, "routine", strcmp(ev[n].name, "ntwq_diagnostic") ? " family=" : "",
			    ev[n].routine, sizeof(ev[n].routine));
		trace_field(at, "item", NULL, ev[n].item, sizeof(ev[n].item));
		trace_field(at, "family", NULL, ev[n].family, sizeof(ev[n].family));
		trace_field(at, "driver", NULL, ev[n].driver, sizeof(ev[n].driver));
		trace_field(at, "code", NULL, ev[n].code, sizeof(ev[n].code));
		trace_field(at, "api", NULL, ev[n].api, sizeof(ev[n].api));
		n++;
	}
	return n;
}

/*
 * Runs @cmd with the ntwq events on and reads the trace buffer into @buf:
 * NULL, or a reason it could not.  The buffer is emptied first; the global
 * trace clock orders events recorded on different CPUs (the clock in use,
 * "[name]" in trace_clock, is put back after).
 */
static const char *trace_run(const char *cmd, char *out, size_t out_cap, char *buf, size_t cap)
{
	char clocks[256], clock[32] = "local";
	const char *why = NULL, *in_use;
	int fd;

	if (!read_file(TRACEFS "/trace_clock", clocks, sizeof(clocks)) &&
	    (in_use = strchr(clocks, '[')))
		sscanf(in_use + 1, "%31[^]]", clock);
	if (write_file(TRACEFS "/trace_clock", "global") ||
	    write_file(TRACEFS "/tracing_on", "1"))
		return "cannot set up tracefs";
	fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC);
	if (fd < 0)
		return "cannot empty the trace buffer";
	close(fd);
	if (write_file(TRACEFS "/events/ntwq/enable", "1"))
		return "cannot enable events/ntwq";
	if (trigger_str(cmd, out, out_cap))
		why = "trigger command failed";
	write_file(TRACEFS "/events/ntwq/enable", "0");
	if (!why && read_file(TRACEFS "/trace", buf, cap))
		why = "cannot read the trace buffer";
	write_file(TRACEFS "/trace_clock", clock);
	return why;
}

/* Skips without tracefs; fails when the kernel traces but ntwq has no events. */
static const char *trace_unavailable(void)
{
	if (!exists(TRACEFS "/trace"))
		return "kernel without tracefs (CONFIG_TRACING off)";
	return NULL;
}

struct trace_expect {
	const char *cmd;     /* a scenario that queues one item */
	const char *family;
	const char *driver;
	const char *routine; /* as %ps prints it */
};

static const struct trace_expect trace_expectations[] = {
	{ "io.queue", "io", "ntwq_selftest", "probe_routine [ntwq]" },
	{ "ex.parameter", "ex", "ntwq", "ex_probe_routine [ntwq]" },
	{ "wdf.callback", "wdf", "ntwq_selftest", "probe_cb [ntwq]" },
};

/* NDIS items (ntwq_ndis_test loaded): a shim family is named by its name. */
static const struct trace_expect ndis_trace_expectations[] = {
	{ "ndis.io_adapter", "ndis", "ntwq_ndis_test", "ndis_probe_routine [ntwq_ndis_test]" },
	{ "ndis5.schedule", "ndis", "ntwq_ndis_test", "ndis5_probe_routine [ntwq_ndis_test]" },
};

static const struct trace_expect *current_trace;

/* Index of the only @name event of @routine in @ev (-1: none, -2: several). */
static int trace_only(const struct trace_event *ev, int n, const char *name, const char *routine)
{
	int found = -1;

	for (int i = 0; i < n; i++) {
		if (strcmp(ev[i].name, name) || strcmp(ev[i].routine, routine))
			continue;
		if (found >= 0)
			return -2;
		found = i;
	}
	return found;
}

static void trace_events_follow_one_item(void)
{
	const struct trace_expect *t = current_trace;
	static char buf[TRACE_MAX];
	static struct trace_event ev[64];
	char out[RESULT_MAX];
	const char *why = trace_unavailable();
	int n, q, s, e;

	if (why)
		SKIP(why);
	REQUIRE(exists(TRACEFS "/events/ntwq/ntwq_queue"), "no ntwq events in tracefs");
	why = trace_run(t->cmd, out, sizeof(out), buf, sizeof(buf));
	REQUIRE(!why, "%s: %s", t->cmd, why);
	expect_value(out, "completed", 1);
	n = trace_parse(buf, ev, 64);
	q = trace_only(ev, n, "ntwq_queue", t->routine);
	s = trace_only(ev, n, "ntwq_execute_start", t->routine);
	e = trace_only(ev, n, "ntwq_execute_end", t->routine);
	REQUIRE(q >= 0 && s >= 0 && e >= 0,
		"want one queue/start/end of %s, found %d/%d/%d (-2: several) in:\n%s",
		t->routine, q, s, e, buf);
	CHECK(q < s && s < e, "out of order: queue %d, start %d, end %d:\n%s", q, s, e, buf);
	CHECK(!strcmp(ev[q].item, ev[s].item) && !strcmp(ev[s].item, ev[e].item),
	      "items differ: %s %s %s", ev[q].item, ev[s].item, ev[e].item);
	CHECK(strlen(ev[q].item) > 0, "item empty");
	/*
	 * Trace output hashes %p where tracefs has options/hash-ptr (6.1 and
	 * later); 5.10 prints every event's pointers raw, the kernel's own too.
	 */
	if (exists(TRACEFS "/options/hash-ptr"))
		CHECK(strstr(ev[q].item, "ffff") != ev[q].item, "item '%s' not hashed", ev[q].item);
	for (int i = 0; i < 3; i++) {
		const struct trace_event *x = &ev[i == 0 ? q : i == 1 ? s : e];

		CHECK(!strcmp(x->family, t->family), "%s: family=%s, want %s", x->name,
		      x->family, t->family);
	}
	CHECK(!strcmp(ev[q].driver, t->driver), "ntwq_queue: driver=%s, want %s", ev[q].driver,
	      t->driver);
}

/* A scenario that queues one item twice: one diagnostic event per refusal. */
struct trace_diag_expect {
	const char *cmd;
	const char *api;     /* the queue routine's name starts with this */
	const char *family;
	const char *driver;
	const char *routine; /* %ps starts with this */
};

static void trace_diagnostic_names(const struct trace_diag_expect *t)
{
	static char buf[TRACE_MAX];
	static struct trace_event ev[64];
	char out[RESULT_MAX];
	const char *why = trace_unavailable();
	int found, n, queued = 0, diags = 0;
	long long want;

	if (why)
		SKIP(why);
	REQUIRE(exists(TRACEFS "/events/ntwq/ntwq_diagnostic"), "no ntwq events in tracefs");
	why = trace_run(t->cmd, out, sizeof(out), buf, sizeof(buf));
	REQUIRE(!why, "%s: %s", t->cmd, why);
	want = value_of(out, "diag_queue_queued", &found);
	REQUIRE(found && want > 0, "%s diagnosed nothing:\n%s", t->cmd, out);
	n = trace_parse(buf, ev, 64);
	for (int i = 0; i < n; i++) {
		if (!strcmp(ev[i].name, "ntwq_queue"))
			queued++;
		if (strcmp(ev[i].name, "ntwq_diagnostic"))
			continue;
		diags++;
		CHECK(!strcmp(ev[i].code, "WORKER_INVALID(1)"), "code=%s", ev[i].code);
		CHECK(!strncmp(ev[i].api, t->api, strlen(t->api)) && strstr(ev[i].api, "Queue"),
		      "api=%s, want %s...Queue...", ev[i].api, t->api);
		CHECK(!strcmp(ev[i].family, t->family), "family=%s, want %s", ev[i].family,
		      t->family);
		CHECK(!strcmp(ev[i].driver, t->driver), "driver=%s, want %s", ev[i].driver,
		      t->driver);
		CHECK(!strncmp(ev[i].routine, t->routine, strlen(t->routine)), "routine=%s, want %s",
		      ev[i].routine, t->routine);
	}
	CHECK(diags == want, "%d ntwq_diagnostic events, %lld diagnostics:\n%s", diags, want, buf);
	/* The refused calls queued nothing: one ntwq_queue, of the first call. */
	CHECK(queued == 1, "%d ntwq_queue events:\n%s", queued, buf);
}

static void trace_diagnostic_names_misuse(void)
{
	static const struct trace_diag_expect io = {
		"io.double_queue", "Io", "io", "ntwq_selftest", "probe_routine"
	};

	trace_diagnostic_names(&io);
}

/* ntwq_ndis_test loaded: a shim's misuse is traced in its own family. */
static void trace_ndis_diagnostic_names_misuse(void)
{
	static const struct trace_diag_expect ndis = {
		"ndis.io_double_queue", "NdisQueueIoWorkItem", "ndis", "ntwq_ndis_test",
		"ndis_probe_routine"
	};

	trace_diagnostic_names(&ndis);
}

/* ---- cases: every allocation of the trigger's commands fails in turn ---- */

#define FAILSLAB "/sys/kernel/debug/failslab"

/*
 * Every scenario but those that take seconds each (repeated once per fault
 * point they would dominate make test) and those that arm fault injection
 * themselves.
 */
static int sweep_this(const char *scenario)
{
	static const char *const left_out[] = {
		"io.concurrency", "ex.concurrency", "ex.many", "ex.pin_self",
		"io.delete_driver_waits", "wdf.flush_endless", "wdf.flush_requeuing",
		"wdf.serialization", "wdf.flush_waits", "wdf.delete_running",
		"io.alloc_fail", "wdf.alloc_fail",
		/* Races of many rounds: their allocations are in the first few lines. */
		"io.uninit_queue_race", "vrf.free_during_reclaim", "wdf.create_race",
		"wdf.delete_self_refused_race", "wdf.device_create_race",
	};

	for (size_t k = 0; k < sizeof(left_out) / sizeof(left_out[0]); k++)
		if (!strcmp(scenario, left_out[k]))
			return 0;
	return 1;
}

/*
 * Arms fail-nth with @nth, runs @act(@fd, @arg) (its errno into *err, 0 on
 * success), and says whether the armed point was reached: 1 yes, 0 no (the
 * count is disarmed), -1 if it could not be armed.  @fd is closed.
 */
static int with_nth_failing(int nth_fd, unsigned int nth, int fd, const void *arg,
			    int (*act)(int fd, const void *arg), int *err)
{
	char buf[32];
	ssize_t n;

	if (fd < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%u", nth);
	if (pwrite(nth_fd, buf, strlen(buf), 0) < 0) {
		close(fd);
		return -1;
	}
	*err = act(fd, arg) ? errno : 0;
	n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	/* Not reached: the count is still armed; disarm it. */
	if (atoi(buf) != 0) {
		pwrite(nth_fd, "0", 1, 0);
		return 0;
	}
	return 1;
}

static int write_command(int fd, const void *cmd)
{
	return write(fd, cmd, strlen(cmd)) < 0;
}

/* Runs @cmd with its @nth fault point failing; 1 if that point was reached. */
static int run_failing(int nth_fd, const char *cmd, unsigned int nth, int *err)
{
	return with_nth_failing(nth_fd, nth, open(NTWQ_DIR "/trigger", O_RDWR), cmd,
				write_command, err);
}

/*
 * Trigger commands (the scenarios of expect.h that sweep_this() picks), their 1st, 2nd, ...
 * allocation failing in turn (failslab through /proc/thread-self/fail-nth,
 * ntwq's own allocations through fail_alloc), until it runs without
 * reaching the armed point.  Each command must answer 0 or -ENOMEM;
 * nothing may crash, and the kernel log (KASAN, kmemleak at the end) must
 * stay clean.  Debug kernel only (stock kernels lack fault injection).
 */
static void fault_sweep_trigger_commands(void)
{
	unsigned int points = 0, commands = 0;
	int nth_fd;

	if (!exists(FAILSLAB))
		SKIP("kernel without CONFIG_FAILSLAB");
	/* GFP_KERNEL allocations too; one line per failure, no stack dump. */
	REQUIRE(write_file(FAILSLAB "/ignore-gfp-wait", "N") == 0, "failslab ignore-gfp-wait");
	REQUIRE(write_file(FAILSLAB "/verbose", "0") == 0, "failslab verbose");
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	REQUIRE(nth_fd >= 0, "fail-nth: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(ntwq_expectations) / sizeof(ntwq_expectations[0]); i++) {
		const struct ntwq_expect *e = &ntwq_expectations[i];
		char cmd[64];

		if (!sweep_this(e->scenario))
			continue;
		snprintf(cmd, sizeof(cmd), e->arg ? "%s %u" : "%s", e->scenario, e->arg);
		commands++;
		for (unsigned int nth = 1; nth <= 64; nth++) {
			int err = 0, reached = run_failing(nth_fd, cmd, nth, &err);

			CHECK(reached >= 0, "%s: cannot arm fail-nth %u", cmd, nth);
			if (reached <= 0)
				break;
			points++;
			CHECK(err == 0 || err == ENOMEM || err == EOPNOTSUPP,
			      "%s with allocation %u failing: %s", cmd, nth, strerror(err));
		}
	}
	close(nth_fd);
	write_file(FAILSLAB "/ignore-gfp-wait", "Y");
	printf("    # swept %u fault points over %u trigger commands\n", points, commands);
	CHECK(points > commands, "only %u fault points reached", points);
}

/*
 * Loads ntwq.ko with its @nth allocation failing (the kernel's module loader
 * and ntwq's init alike).  Returns 1 if that point was reached, 0 if the load
 * made fewer allocations, -1 if fail-nth could not be armed; *err is the
 * load's errno (0: loaded).
 */
static int finit_module_fd(int fd, const void *unused __attribute__((unused)))
{
	return syscall(SYS_finit_module, fd, "", 0) != 0;
}

static int load_failing(int nth_fd, const char *path, unsigned int nth, int *err)
{
	return with_nth_failing(nth_fd, nth, open(path, O_RDONLY | O_CLOEXEC), NULL,
				finit_module_fd, err);
}

/* The address just past the kernel image (its `_end`), 0 if unknown. */
static unsigned long long kernel_image_end(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long addr, end = 0;
	char type, name[128];

	if (!f)
		return 0;
	while (fscanf(f, "%llx %c %127s%*[^\n]", &addr, &type, name) == 3)
		if (!strcmp(name, "_end")) {
			end = addr;
			break;
		}
	fclose(f);
	return end;
}

/*
 * Loading ntwq with the 1st, 2nd, ... allocation its own code makes failing
 * in turn (module_init and everything it calls: workqueues, per-CPU counters,
 * debugfs, the dispatchers), until a load reaches no armed point.  Each load
 * costs about a second on the debug kernel under TCG and there are some
 * 760 points (most inside alloc_workqueue()), so make test fails every 8th;
 * NTWQ_LOAD_SWEEP_STRIDE=1 in userspace-test's environment fails every one
 * (NTWQ_TEST_CMDLINE=NTWQ_LOAD_SWEEP_STRIDE=1 make test puts it there).
 * Every load either succeeds (the failure was one ntwq can do without, such as a
 * debugfs file) and unloads without leaving anything, or fails with ENOMEM
 * and leaves nothing behind (no module, no debugfs directory); kmemleak, at
 * the end of the run, sees no leak.  failslab's stack filter counts only
 * allocations with module code on the stack (everything above the kernel
 * image, and ntwq is the only module loaded), so the kernel's own loader is
 * not swept here: its allocations are the kernel's, and each would cost a
 * full module load under KASAN.
 */
static void fault_sweep_module_load(void)
{
	const char *env = getenv("NTWQ_LOAD_SWEEP_STRIDE");
	unsigned int stride = env && atoi(env) > 0 ? (unsigned int)atoi(env) : 8;
	unsigned int points = 0, refused = 0, nth;
	unsigned long long image_end = kernel_image_end();
	char path[256], start[32];
	struct utsname u;
	int nth_fd, reached = 1;

	if (!exists(FAILSLAB "/require-start"))
		SKIP("kernel without CONFIG_FAULT_INJECTION_STACKTRACE_FILTER");
	REQUIRE(image_end, "no _end in /proc/kallsyms");
	REQUIRE(uname(&u) == 0, "uname");
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/ntwq.ko", u.release);
	REQUIRE(exists(path), "no %s", path);
	REQUIRE(run_quiet("modprobe -r ntwq") == 0, "ntwq does not unload");
	snprintf(start, sizeof(start), "%llu", image_end);
	REQUIRE(write_file(FAILSLAB "/require-start", start) == 0, "failslab require-start");
	REQUIRE(write_file(FAILSLAB "/stacktrace-depth", "32") == 0, "failslab stacktrace-depth");
	REQUIRE(write_file(FAILSLAB "/ignore-gfp-wait", "N") == 0, "failslab ignore-gfp-wait");
	REQUIRE(write_file(FAILSLAB "/verbose", "0") == 0, "failslab verbose");
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	REQUIRE(nth_fd >= 0, "fail-nth: %s", strerror(errno));
	/* The kernel warns, with a stack dump, when its vmalloc fails. */
	write_file("/dev/kmsg", "ntwq-test: injected allocation failures begin\n");
	for (nth = 1; reached > 0 && nth <= 5000; nth += stride) {
		int err = 0;

		reached = load_failing(nth_fd, path, nth, &err);
		CHECK(reached >= 0, "cannot arm fail-nth %u", nth);
		if (reached > 0)
			points++;
		if (err) {
			refused++;
			CHECK(err == ENOMEM, "load with allocation %u failing: %s", nth, strerror(err));
			CHECK(!exists("/sys/module/ntwq"), "allocation %u: a failed load left the module",
			      nth);
			CHECK(!exists(NTWQ_DIR), "allocation %u: a failed load left debugfs", nth);
			if (exists("/sys/module/ntwq"))
				break;
		} else {
			/* Loaded (debugfs is optional: it may be missing). */
			if (syscall(SYS_delete_module, "ntwq", O_NONBLOCK)) {
				CHECK(0, "allocation %u: loaded ntwq does not unload: %s", nth,
				      strerror(errno));
				break;
			}
			CHECK(!exists(NTWQ_DIR), "allocation %u: unload left debugfs", nth);
		}
	}
	close(nth_fd);
	write_file("/dev/kmsg", "ntwq-test: injected allocation failures end\n");
	write_file(FAILSLAB "/require-start", "0");
	write_file(FAILSLAB "/ignore-gfp-wait", "Y");
	printf("    # swept %u fault points of loading ntwq, every %u%s (%u loads refused)\n",
	       points, stride, stride == 1 ? "st" : "th", refused);
	CHECK(reached == 0, "the sweep stopped at allocation %u", nth - stride);
	CHECK(refused > 0, "no failed allocation refused the load");
	REQUIRE(run_quiet("modprobe ntwq") == 0, "ntwq does not load after the sweep");
}

/* ---- cases: the scenarios of module/selftest, checked against expect.h ---- */

static const struct ntwq_expect *current_expect;

static void scenario_observes_expected_values(void)
{
	const struct ntwq_expect *e = current_expect;
	char cmd[64], out[RESULT_MAX];
	int ret;

	snprintf(cmd, sizeof(cmd), e->arg ? "%s %u" : "%s", e->scenario, e->arg);
	ret = trigger_str(cmd, out, sizeof(out));
	if (ret == -EOPNOTSUPP && e->needs_fault_injection)
		SKIP("kernel without CONFIG_FAULT_INJECTION");
	REQUIRE(ret == 0, "%s: write: %s; it said:\n%s", cmd, strerror(-ret), out);
	for (const struct ntwq_expect_kv *kv = e->kv; kv->key; kv++)
		expect_value(out, kv->key, kv->value);
}

/* ---- cases: the NDIS shim and its sample miniport ---- */

#define NDIS_SAMPLE "/sys/module/ntwq_sample_ndis/parameters/"
#define NDIS_NET "/sys/class/net/ndis0/"

/* The integer in @path, or -1. */
static long long file_value(const char *path)
{
	char buf[64];

	return read_file(path, buf, sizeof(buf)) ? -1 : strtoll(buf, NULL, 0);
}

/* Polls until @path holds at least @want; bounded (10 s). */
static int wait_value_at_least(const char *path, long long want)
{
	for (int i = 0; i < 200; i++) {
		if (file_value(path) >= want)
			return 1;
		usleep(50 * 1000);
	}
	return 0;
}

/* Polls until @path holds exactly @want; bounded (10 s). */
static int wait_value(const char *path, long long want)
{
	for (int i = 0; i < 200; i++) {
		if (file_value(path) == want)
			return 1;
		usleep(50 * 1000);
	}
	return 0;
}

static void ndis_modprobe_pulls_in_shim_and_ntwq(void)
{
	REQUIRE(run_quiet("modprobe ntwq_ndis_test") == 0, "modprobe ntwq_ndis_test failed");
	CHECK(exists("/sys/module/ntwq_ndis"), "ntwq_ndis not loaded by modprobe");
	CHECK(exists("/sys/module/ntwq/holders/ntwq_ndis"), "ntwq_ndis does not hold ntwq");
	CHECK(exists("/sys/module/ntwq_ndis/holders/ntwq_ndis_test"),
	      "the scenarios do not hold ntwq_ndis");
}

static void ndis_stats_count_the_ndis_family(void)
{
	static char buf[RESULT_MAX];
	char *row;

	REQUIRE(read_file(NTWQ_DIR "/stats", buf, sizeof(buf)) == 0, "stats unreadable");
	row = strstr(buf, "\nndis ntwq_critical ");
	REQUIRE(row != NULL, "no ndis row for the critical queue:\n%s", buf);
	/* queued, started, completed: the NDIS scenarios ran dozens of items. */
	CHECK(strtoll(row + strlen("\nndis ntwq_critical "), NULL, 10) > 10,
	      "ndis critical queued count too small:\n%.200s", row + 1);
}

/* The diagnostic lines the NDIS rows above caused, naming NDIS routines. */
static int ndis_diagnostic_lines_logged(void)
{
	return run_quiet("dmesg | grep -q 'WORKER_INVALID(7): NdisQueueIoWorkItem'") == 0 &&
	       run_quiet("dmesg | grep -q 'WORKER_INVALID(1): NdisScheduleWorkItem'") == 0 &&
	       run_quiet("dmesg | grep -q 'NTWQ_DRIVER_DELETED: NdisQueueIoWorkItem'") == 0;
}

static void ndis_diagnostics_name_the_ndis_routine(void)
{
	char out[RESULT_MAX];

	if (!ndis_diagnostic_lines_logged()) {
		/* Rate limited away: let the limit's window pass, then cause
		 * fewer lines than its burst. */
		sleep(6);
		REQUIRE(trigger_str("ndis.io_queue_after_halt", out, sizeof(out)) == 0, "trigger");
		REQUIRE(trigger_str("ndis5.double_schedule", out, sizeof(out)) == 0, "trigger");
		REQUIRE(trigger_str("ndis.io_null_args", out, sizeof(out)) == 0, "trigger");
	}
	CHECK(ndis_diagnostic_lines_logged(),
	      "the log lacks diagnostics naming NdisQueueIoWorkItem/NdisScheduleWorkItem");
}

/* The sample needs networking: kernels without it (debug) skip its cases. */
static int ndis_sample_built(void)
{
	struct utsname u;
	char path[256];

	if (uname(&u))
		return 0;
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/ntwq_sample_ndis.ko", u.release);
	return exists(path);
}

#define NDIS_SAMPLE_NEEDED()                                                 \
	do {                                                                 \
		if (!ndis_sample_built())                                    \
			SKIP("kernel without networking: no NDIS sample");   \
	} while (0)

static void ndis_sample_carrier_up_by_work_item(void)
{
	NDIS_SAMPLE_NEEDED();
	REQUIRE(run_quiet("modprobe ntwq_sample_ndis") == 0, "modprobe ntwq_sample_ndis failed");
	REQUIRE(exists(NDIS_NET), "no ndis0 interface");
	CHECK(file_value(NDIS_SAMPLE "link_work_runs") == 0, "link work ran before ip link up");
	REQUIRE(run_quiet("ip link set ndis0 up") == 0, "ip link set ndis0 up failed");
	CHECK(wait_value(NDIS_NET "carrier", 1), "carrier never came up");
	CHECK(file_value(NDIS_SAMPLE "link_work_runs") >= 1, "carrier up without the link work item");
}

static void ndis_sample_cable_pulled_and_back(void)
{
	long long runs = file_value(NDIS_SAMPLE "link_work_runs");

	NDIS_SAMPLE_NEEDED();
	REQUIRE(write_file(NDIS_SAMPLE "cable", "0") == 0, "cannot pull the cable");
	CHECK(wait_value(NDIS_NET "carrier", 0), "carrier still up with the cable out");
	REQUIRE(write_file(NDIS_SAMPLE "cable", "1") == 0, "cannot plug the cable");
	CHECK(wait_value(NDIS_NET "carrier", 1), "carrier not back with the cable in");
	CHECK(file_value(NDIS_SAMPLE "link_work_runs") >= runs + 2,
	      "link work ran %lld times for two changes",
	      file_value(NDIS_SAMPLE "link_work_runs") - runs);
}

static void ndis_sample_packet_counted_by_stats_item(void)
{
	NDIS_SAMPLE_NEEDED();
	REQUIRE(run_quiet("ip addr add 10.99.0.1/24 dev ndis0") == 0, "ip addr add failed");
	/* No one answers: the ARP request is the frame sent through ndis0. */
	run_quiet("ping -c 1 -W 1 10.99.0.2");
	CHECK(wait_value_at_least(NDIS_NET "statistics/tx_packets", 1),
	      "tx_packets still 0 after a frame was sent");
	CHECK(file_value(NDIS_SAMPLE "stats_work_runs") >= 1, "statistics item never ran");
}

static void ndis_sample_rmmod_refused_while_reset_pending(void)
{
	static char buf[RESULT_MAX];
	int listed = 0;

	NDIS_SAMPLE_NEEDED();
	REQUIRE(write_file(NTWQ_DIR "/verifier", "1") == 0, "cannot switch the verifier on");
	REQUIRE(write_file(NDIS_SAMPLE "reset_ms", "1500") == 0, "reset_ms");
	REQUIRE(write_file(NDIS_SAMPLE "reset", "1") == 0, "cannot request a reset");
	for (int i = 0; i < 100 && !listed; i++) {
		REQUIRE(read_file(NTWQ_DIR "/items", buf, sizeof(buf)) == 0, "items unreadable");
		listed = strstr(buf, "sample_reset_work") != NULL;
		if (!listed)
			usleep(20 * 1000);
	}
	CHECK(listed, "the reset item never showed in items:\n%s", buf);
	CHECK(strstr(buf, "ndis ") && strstr(buf, "ntwq_sample_ndis"),
	      "items does not name the family and the driver:\n%s", buf);
	errno = 0;
	CHECK(syscall(SYS_delete_module, "ntwq_sample_ndis", O_NONBLOCK) == -1 &&
		      (errno == EWOULDBLOCK || errno == EBUSY),
	      "removed under a pending reset work item (errno %d)", errno);
	CHECK(exists(NDIS_NET), "ndis0 gone under its work");
	CHECK(wait_value(NDIS_SAMPLE "reset_work_runs", 1), "the reset item never finished");
	CHECK(wait_value(NDIS_NET "carrier", 1), "carrier not back after the reset");
	write_file(NDIS_SAMPLE "reset_ms", "10");
	REQUIRE(write_file(NTWQ_DIR "/verifier", "0") == 0, "cannot switch the verifier off");
}

/* Verifier off here (the reset case switched it back): make run's demo unloads with it on. */
static void ndis_sample_down_then_rmmod(void)
{
	long long diags = diag_total();
	char state[32] = "";

	NDIS_SAMPLE_NEEDED();
	REQUIRE(diags >= 0, "no diag.* counters in stats");
	REQUIRE(run_quiet("ip link set ndis0 down") == 0, "ip link set ndis0 down failed");

	/* A down interface has no carrier to read (EINVAL): its operstate says. */
	CHECK(read_file(NDIS_NET "operstate", state, sizeof(state)) == 0 &&
		      !strncmp(state, "down", 4),
	      "operstate '%s' after ip link set down", state);
	REQUIRE(wait_refcnt_zero("ntwq_sample_ndis"), "the sample's work never finished");
	CHECK(run_quiet("rmmod ntwq_sample_ndis") == 0, "rmmod ntwq_sample_ndis failed");
	CHECK(!exists(NDIS_NET), "ndis0 still there after rmmod");
	CHECK(diag_total() == diags, "unloading the sample caused %lld ntwq diagnostics",
	      diag_total() - diags);
}

static void ndis_unload_leaves_ntwq_unused(void)
{
	CHECK(run_quiet("rmmod ntwq_ndis_test") == 0, "rmmod ntwq_ndis_test failed");
	CHECK(run_quiet("rmmod ntwq_ndis") == 0, "rmmod ntwq_ndis failed");
	CHECK(module_refcnt("ntwq") == 0, "ntwq refcnt %d after the NDIS modules left",
	      module_refcnt("ntwq"));
}

/* ---- cases: a Windows driver binary (windrivers/wdmtest, docs/binary-drivers.md) ---- */

#define WIN_MOD "ntwq_win_wdmtest"
#define WIN_RESULTS "/sys/module/" WIN_MOD "/parameters/results"

/* What ntwq had live before the binary was loaded, and its diagnostics. */
static long long win_live_before = -1, win_diag_before = -1;

/* @key of the binary's WdmTestResults (its harness's key=value lines), or -1. */
static long long win_result(const char *key)
{
	char buf[4096];
	int found;
	long long v;

	if (read_file(WIN_RESULTS, buf, sizeof(buf)))
		return -1;
	v = value_of(buf, key, &found);
	return found ? v : -1;
}

/* Polls until the binary's result @key is at least @want; bounded (10 s). */
static int win_wait_result(const char *key, long long want)
{
	for (int i = 0; i < 200; i++) {
		if (win_result(key) >= want)
			return 1;
		usleep(50 * 1000);
	}
	return 0;
}

/* The routine runs DriverEntry's four items add up to. */
static long long win_entry_runs(void)
{
	return win_result("io.runs") + win_result("io_ex.runs") + win_result("io_try.runs") +
	       win_result("ex.runs");
}

/* Queued, started, completed and in flight of the "win" row for @queue. */
static int win_stats_row(const char *queue, long long v[4])
{
	static char buf[RESULT_MAX];
	char key[64], *row;
	long long cancelled;

	if (read_file(NTWQ_DIR "/stats", buf, sizeof(buf)))
		return 0;
	snprintf(key, sizeof(key), "\nwin  %-20s ", queue);
	row = strstr(buf, key);
	return row && sscanf(row + strlen(key), "%lld %lld %lld %lld %lld", &v[0], &v[1], &v[2],
			     &cancelled, &v[3]) == 5;
}

/* The queues the binary's items go to, and how many it queues on each:
 * DriverEntry's IoQueueWorkItemEx item 1 + 3 re-queues on Critical; its
 * IoQueueWorkItem and ExQueueWorkItem items on Delayed, with the
 * DISPATCH_LEVEL and the held ones; IoTryQueueWorkItem's on Normal. */
static const struct {
	const char *queue;
	long long queued;
} win_queues[] = {
	{ "ntwq_critical", WDMTEST_REQUEUES + 1 },
	{ "ntwq_delayed", 4 },
	{ "ntwq_normal", 1 },
};
/* The win rows before the binary was loaded (other tests queue win items too). */
static long long win_rows_before[3][4];

static void win_wdmtest_loads_and_runs_its_work(void)
{
	win_live_before = stat_value("runtime.live");
	win_diag_before = diag_total();
	REQUIRE(win_live_before >= 0 && win_diag_before >= 0, "ntwq stats unreadable");
	for (size_t i = 0; i < sizeof(win_queues) / sizeof(win_queues[0]); i++)
		REQUIRE(win_stats_row(win_queues[i].queue, win_rows_before[i]),
			"no win row for %s in stats", win_queues[i].queue);
	REQUIRE(run_quiet("modprobe " WIN_MOD) == 0, "modprobe " WIN_MOD " failed");
	CHECK(exists("/sys/module/ntwq/holders/" WIN_MOD), "the binary's module does not hold ntwq");
	CHECK(win_result("magic") == WDMTEST_MAGIC, "DriverEntry did not run (magic %#llx)",
	      win_result("magic"));
	CHECK(win_result("entry_status") == 0, "DriverEntry returned %#llx",
	      win_result("entry_status"));
	CHECK(win_result("entry_step") == WDMTEST_STEP_QUEUED, "DriverEntry stopped after step %lld",
	      win_result("entry_step"));
	CHECK(win_result("entry_irql") == 0, "DriverEntry at IRQL %lld", win_result("entry_irql"));
	for (int i = 0; i < 200 && win_entry_runs() < WDMTEST_ENTRY_RUNS; i++)
		usleep(50 * 1000);
	CHECK(win_result("io.runs") == 1, "IoQueueWorkItem routine ran %lld times",
	      win_result("io.runs"));
	CHECK(win_result("io_ex.runs") == WDMTEST_REQUEUES + 1,
	      "IoQueueWorkItemEx routine ran %lld times, want %d", win_result("io_ex.runs"),
	      WDMTEST_REQUEUES + 1);
	CHECK(win_result("io_ex_freed") == 1, "the IoQueueWorkItemEx routine did not free its item");
	CHECK(win_result("try_queued") == 1, "IoTryQueueWorkItem returned FALSE");
	CHECK(win_result("io_try.runs") == 1, "IoTryQueueWorkItem routine ran %lld times",
	      win_result("io_try.runs"));
	CHECK(win_result("ex.runs") == 1, "ExQueueWorkItem routine ran %lld times",
	      win_result("ex.runs"));
	static const char *const items[] = { "io", "io_ex", "io_try", "ex" };
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		char key[32];

		snprintf(key, sizeof(key), "%s.bad_args", items[i]);
		CHECK(win_result(key) == 0, "%s = %lld: a routine got wrong arguments", key,
		      win_result(key));
		snprintf(key, sizeof(key), "%s.bad_irql", items[i]);
		CHECK(win_result(key) == 0, "%s = %lld: a routine ran above PASSIVE_LEVEL", key,
		      win_result(key));
		snprintf(key, sizeof(key), "%s.last_irql", items[i]);
		CHECK(win_result(key) == 0, "%s = %lld", key, win_result(key));
	}
}

static void win_wdmtest_queues_at_dispatch_level(void)
{
	REQUIRE(exists(WIN_RESULTS), WIN_MOD " not loaded");
	REQUIRE(write_file("/sys/module/" WIN_MOD "/parameters/queue_at_dispatch", "1") == 0,
		"WdmTestQueueAtDispatch failed");
	CHECK(win_result("dispatch_calls") == 1, "dispatch_calls %lld",
	      win_result("dispatch_calls"));
	CHECK(win_result("dispatch_irql") == 2, "KeGetCurrentIrql() in the call: %lld, want 2",
	      win_result("dispatch_irql"));
	CHECK(win_wait_result("dispatch.runs", 1), "the routine queued at DISPATCH_LEVEL never ran");
	CHECK(win_result("dispatch.runs") == 1, "it ran %lld times", win_result("dispatch.runs"));
	CHECK(win_result("dispatch.bad_args") == 0, "it got wrong arguments");
	CHECK(win_result("dispatch.last_irql") == 0, "it ran at IRQL %lld",
	      win_result("dispatch.last_irql"));
}

/*
 * The binary's held item sleeps (KeDelayExecutionThread) until the test lets
 * it go: rmmod is refused for exactly that long, whatever the timing.
 */
static void win_wdmtest_rmmod_refused_while_work_pending(void)
{
	const char *hold = "/sys/module/" WIN_MOD "/parameters/hold";

	REQUIRE(exists(WIN_RESULTS), WIN_MOD " not loaded");
	REQUIRE(write_file(hold, "1") == 0, "WdmTestQueueHeld failed");
	CHECK(win_result("held_queued") == 1, "held_queued %lld", win_result("held_queued"));
	/* Its routine has started and slept once: the work is pending. */
	CHECK(win_wait_result("held_sleeps", 1), "the held routine never slept");
	CHECK(module_refcnt(WIN_MOD) >= 1, "refcnt %d with work pending", module_refcnt(WIN_MOD));
	errno = 0;
	CHECK(syscall(SYS_delete_module, WIN_MOD, O_NONBLOCK) == -1 &&
		      (errno == EWOULDBLOCK || errno == EBUSY),
	      "removed under a pending routine (errno %d)", errno);
	CHECK(exists(WIN_RESULTS), "module gone under its work");
	CHECK(win_result("held.runs") == 0, "the held routine returned while held");
	REQUIRE(write_file(hold, "0") == 0, "cannot release the held item");
	CHECK(win_wait_result("held.runs", 1), "the held routine did not return once released");
	CHECK(wait_refcnt_zero(WIN_MOD), "refcnt %d after the work", module_refcnt(WIN_MOD));
	CHECK(win_result("held.runs") == 1 && win_result("held.bad_args") == 0 &&
		      win_result("held.bad_irql") == 0,
	      "held: runs %lld, bad_args %lld, bad_irql %lld", win_result("held.runs"),
	      win_result("held.bad_args"), win_result("held.bad_irql"));
}

static void win_wdmtest_stats_count_the_win_family(void)
{
	long long v[4];

	for (size_t i = 0; i < sizeof(win_queues) / sizeof(win_queues[0]); i++) {
		long long *b = win_rows_before[i], want = win_queues[i].queued;

		REQUIRE(win_stats_row(win_queues[i].queue, v), "no win row for %s",
			win_queues[i].queue);
		CHECK(v[0] - b[0] == want && v[1] - b[1] == want && v[2] - b[2] == want && v[3] == 0,
		      "win %s since the load: queued %lld started %lld completed %lld, in flight %lld; want %lld run",
		      win_queues[i].queue, v[0] - b[0], v[1] - b[1], v[2] - b[2], v[3], want);
	}
}

static void win_wdmtest_unload_leaves_nothing_live(void)
{
	REQUIRE(exists(WIN_RESULTS), WIN_MOD " not loaded");
	CHECK(module_refcnt(WIN_MOD) == 0, "refcnt %d with no work pending",
	      module_refcnt(WIN_MOD));
	REQUIRE(run_quiet("rmmod " WIN_MOD) == 0, "rmmod " WIN_MOD " failed");
	CHECK(!exists("/sys/module/" WIN_MOD), "module still loaded");
	/* DriverUnload freed its items and deleted its device: ntwq's objects too. */
	CHECK(stat_value("runtime.live") == win_live_before,
	      "runtime.live %lld after unload, %lld before load", stat_value("runtime.live"),
	      win_live_before);
	CHECK(diag_total() == win_diag_before, "%lld ntwq diagnostics during the binary's run",
	      diag_total() - win_diag_before);
	CHECK(module_refcnt("ntwq") == 0, "ntwq refcnt %d after the binary left",
	      module_refcnt("ntwq"));
}

static const struct tcase win_cases[] = {
	{ "win_wdmtest_loads_and_runs_its_work", "modprobe of the converted MinGW-built wdmtest.sys: DriverEntry at PASSIVE_LEVEL, each routine run the expected times with its arguments at PASSIVE_LEVEL", win_wdmtest_loads_and_runs_its_work },
	{ "win_wdmtest_queues_at_dispatch_level", "the binary's export called at DISPATCH_LEVEL queues an item whose routine runs once at PASSIVE_LEVEL", win_wdmtest_queues_at_dispatch_level },
	{ "win_wdmtest_rmmod_refused_while_work_pending", "rmmod refused (EBUSY) while the binary's routine sleeps in KeDelayExecutionThread; it returns once released", win_wdmtest_rmmod_refused_while_work_pending },
	{ "win_wdmtest_stats_count_the_win_family", "debugfs stats: the binary's items counted in the win rows, all run", win_wdmtest_stats_count_the_win_family },
	{ "win_wdmtest_unload_leaves_nothing_live", "rmmod: DriverUnload and NtwqDeleteDriver leave no ntwq object live and no diagnostic", win_wdmtest_unload_leaves_nothing_live },
};

static const struct tcase ndis_cases_before[] = {
	{ "ndis_modprobe_pulls_in_shim_and_ntwq", "modprobe of an NDIS client loads ntwq_ndis and ntwq (depmod)", ndis_modprobe_pulls_in_shim_and_ntwq },
};

static const struct tcase ndis_cases_after[] = {
	{ "trace_ndis_diagnostic_names_misuse", "an NDIS double queue: ntwq_diagnostic events in the ndis family", trace_ndis_diagnostic_names_misuse },
	{ "ndis_stats_count_the_ndis_family", "debugfs stats has rows for the ndis family, critical queue counted", ndis_stats_count_the_ndis_family },
	{ "ndis_diagnostics_name_the_ndis_routine", "misuse diagnostics name the NDIS routine", ndis_diagnostics_name_the_ndis_routine },
	{ "ndis_sample_carrier_up_by_work_item", "ip link set ndis0 up: the carrier is set by the link work item", ndis_sample_carrier_up_by_work_item },
	{ "ndis_sample_cable_pulled_and_back", "cable out and in: the link work item drops and restores the carrier", ndis_sample_cable_pulled_and_back },
	{ "ndis_sample_packet_counted_by_stats_item", "a frame sent through ndis0 shows in tx_packets, refreshed by the statistics item", ndis_sample_packet_counted_by_stats_item },
	{ "ndis_sample_rmmod_refused_while_reset_pending", "a transmit timeout's reset item: listed as ndis in items, rmmod EBUSY until it returns", ndis_sample_rmmod_refused_while_reset_pending },
	{ "ndis_sample_down_then_rmmod", "ip link set ndis0 down, then rmmod removes the interface, with no ntwq diagnostic", ndis_sample_down_then_rmmod },
	{ "ndis_unload_leaves_ntwq_unused", "the NDIS modules unload and leave ntwq unused", ndis_unload_leaves_ntwq_unused },
};

static const struct tcase cases[] = {
	{ "debugfs_files_are_root_only", "stats is 0400, trigger 0600", debugfs_files_are_root_only },
	{ "stats_reports_runtime_counters", "live = allocations - frees", stats_reports_runtime_counters },
	{ "cxx_virtual_call_reaches_override", "virtual calls and delete through a base pointer", cxx_virtual_call_reaches_override },
	{ "cxx_guards_release_their_locks", "SpinGuard/Guarded hold the lock in scope only", cxx_guards_release_their_locks },
	{ "cxx_new_constructs_once_and_frees", "tagged new constructs once, delete frees", cxx_new_constructs_once_and_frees },
	{ "cxx_injected_alloc_failure_returns_error", "fault injection: NULL, no ctor, -ENOMEM", cxx_injected_alloc_failure_returns_error },
	{ "trigger_unknown_command_is_einval", "unknown scenario: -EINVAL and an error line", trigger_unknown_command_is_einval },
	{ "trigger_empty_and_malformed_are_einval", "empty, wrong arity, bad numbers: -EINVAL", trigger_empty_and_malformed_are_einval },
	{ "trigger_oversized_write_is_e2big", "writes of 256 bytes and more: -E2BIG", trigger_oversized_write_is_e2big },
	{ "trigger_binary_garbage_is_rejected", "random bytes: -EINVAL, module still answers", trigger_binary_garbage_is_rejected },
	{ "debugfs_bad_input_gets_errors", "10,000 malformed, random, truncated, oversized, unmapped and concurrent writes: each an errno", debugfs_bad_input_gets_errors },
	{ "trigger_reused_fd_reads_each_result", "one descriptor, three commands: each read returns its own result", trigger_reused_fd_reads_each_result },
	{ "fault_sweep_module_load", "loading ntwq with each allocation failing in turn: ENOMEM and nothing left, or loaded", fault_sweep_module_load },
	{ "fault_sweep_trigger_commands", "every allocation of every trigger command fails in turn: 0 or -ENOMEM, nothing crashes", fault_sweep_trigger_commands },
	{ "trigger_runs_are_counted_in_stats", "trigger.runs counts commands that ran", trigger_runs_are_counted_in_stats },
	{ "unload_removes_debugfs_and_module", "modprobe -r removes debugfs and the module", unload_removes_debugfs_and_module },
	{ "reload_starts_from_zero", "a reloaded ntwq starts with fresh counters", reload_starts_from_zero },
	{ "workqueues_have_rescuers", "every ntwq workqueue, ntwq_internal included, has its WQ_MEM_RECLAIM rescuer thread", workqueues_have_rescuers },
	{ "load_unload_cycles_leave_nothing_live", "5 load/use/unload cycles leave only load-time objects live", load_unload_cycles_leave_nothing_live },
	{ "ported_driver_pins_ntwq", "a loaded ported driver holds ntwq in memory", ported_driver_pins_ntwq },
	{ "modprobe_sample_loads_ntwq_first", "depmod/modprobe resolve the ntwq dependency", modprobe_sample_loads_ntwq_first },
	{ "rmmod_refused_while_work_pending", "a pending routine pins its driver's module", rmmod_refused_while_work_pending },
	{ "init_text_routine_refused", "a routine in the driver's init text: WORKER_INVALID(7), never run (defect 7)", init_text_routine_refused },
	{ "exit_queue_ex_refused", "ExQueueWorkItem from module_exit: NTWQ_DRIVER_DELETED, never run, no crash", exit_queue_ex_refused },
	{ "exit_queue_ndis5_refused", "NdisScheduleWorkItem from module_exit: NDIS_STATUS_FAILURE, NTWQ_DRIVER_DELETED, never run", exit_queue_ndis5_refused },
	{ "exit_queue_io_runs_before_delete", "IoQueueWorkItem from module_exit, then NtwqDeleteDriver: runs once first", exit_queue_io_runs_before_delete },
	{ "items_off_by_default", "without the verifier, Io items are not tracked one by one", items_off_by_default },
	{ "items_lists_pending_work", "with the verifier on, debugfs items names pending work by routine and driver", items_lists_pending_work },
	{ "rmmod_refused_while_ex_work_pending", "a pending ExQueueWorkItem routine pins its caller's module", rmmod_refused_while_ex_work_pending },
	{ "ntwq_unload_waits_for_its_own_ex_work", "ntwq cannot be unloaded under its own pending Ex item", ntwq_unload_waits_for_its_own_ex_work },
	{ "trace_diagnostic_names_misuse", "a refused double queue: one ntwq_diagnostic per diagnostic with code, api, family, driver, routine", trace_diagnostic_names_misuse },
};

static void run_case(size_t num, const char *name, const char *what, void (*fn)(void),
		     const char *only, int *failed)
{
	if (only && strcmp(only, name)) {
		printf("ok %zu %s # SKIP not selected\n", num, name);
		return;
	}
	case_failed = 0;
	case_skip = NULL;
	printf("# %s: %s\n", name, what);
	fn();
	if (case_skip)
		printf("ok %zu %s # SKIP %s\n", num, name, case_skip);
	else
		printf("%s %zu %s\n", case_failed ? "not ok" : "ok", num, name);
	*failed |= case_failed;
}

static void run_trace_case(size_t num, const struct trace_expect *t, const char *only,
			   int *failed)
{
	char name[64];

	current_trace = t;
	snprintf(name, sizeof(name), "trace_%s", t->cmd);
	run_case(num, name,
		 "ntwq_queue, ntwq_execute_start, ntwq_execute_end of one item, in order, with its family, driver and routine",
		 trace_events_follow_one_item, only, failed);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int main(int argc, char **argv)
{
	size_t n = COUNT(cases), m = COUNT(ntwq_expectations);
	size_t t = COUNT(trace_expectations), nt = COUNT(ndis_trace_expectations);
	size_t nb = COUNT(ndis_cases_before), nm = COUNT(ntwq_ndis_expectations);
	size_t na = COUNT(ndis_cases_after), nw = COUNT(win_cases), num = 0;
	const char *only = argc > 1 ? argv[1] : NULL;
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n");
	printf("# Subtest: ntwq_userspace\n");
	printf("1..%zu\n", n + m + t + nw + nb + nm + nt + na);
	for (size_t i = 0; i < n; i++)
		run_case(++num, cases[i].name, cases[i].what, cases[i].run, only, &failed);
	for (size_t i = 0; i < m; i++) {
		current_expect = &ntwq_expectations[i];
		run_case(++num, current_expect->scenario, current_expect->what,
			 scenario_observes_expected_values, only, &failed);
	}
	for (size_t i = 0; i < t; i++)
		run_trace_case(++num, &trace_expectations[i], only, &failed);
	/* The Windows binary: after the cases that reload ntwq (its unload
	 * check compares with ntwq's state at its load). */
	for (size_t i = 0; i < nw; i++)
		run_case(++num, win_cases[i].name, win_cases[i].what, win_cases[i].run, only,
			 &failed);
	/* NDIS last: its modules hold ntwq, which the cases above reload. */
	for (size_t i = 0; i < nb; i++)
		run_case(++num, ndis_cases_before[i].name, ndis_cases_before[i].what,
			 ndis_cases_before[i].run, only, &failed);
	for (size_t i = 0; i < nm; i++) {
		current_expect = &ntwq_ndis_expectations[i];
		run_case(++num, current_expect->scenario, current_expect->what,
			 scenario_observes_expected_values, only, &failed);
	}
	for (size_t i = 0; i < nt; i++)
		run_trace_case(++num, &ndis_trace_expectations[i], only, &failed);
	for (size_t i = 0; i < na; i++)
		run_case(++num, ndis_cases_after[i].name, ndis_cases_after[i].what,
			 ndis_cases_after[i].run, only, &failed);
	return failed;
}
