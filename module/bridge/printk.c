// SPDX-License-Identifier: GPL-2.0
/* printk.c - bridge to printk. */
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include "bridge.h"

/**
 * ntwq_printk - printk() with a KERN_* level and a "ntwq: " prefix.
 * @level: KERN_ERR, KERN_INFO, ... (the two-byte level string).
 * @fmt: printk format; the kernel's %p extensions (%ps, ...) work.
 *
 * Context: any context.
 */
void ntwq_printk(const char *level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	printk("%sntwq: %pV", level, &vaf);
	va_end(args);
}

static DEFINE_RATELIMIT_STATE(ntwq_diag_ratelimit, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

/**
 * ntwq_diag_ratelimit_ok - __ratelimit() on the shared diagnostic limit.
 *
 * Context: any context.
 * Return: true if one more diagnostic line may be printed now.
 */
bool ntwq_diag_ratelimit_ok(void)
{
	return __ratelimit(&ntwq_diag_ratelimit);
}
