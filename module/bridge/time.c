// SPDX-License-Identifier: GPL-2.0
/* time.c - bridge to clocks and sleeping. */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/timekeeping.h>
#include "bridge.h"

/**
 * ntwq_ktime_get_ns - ktime_get_ns(): monotonic nanoseconds.
 *
 * Context: any context (not NMI).
 * Return: the time.
 */
unsigned long long ntwq_ktime_get_ns(void)
{
	return ktime_get_ns();
}

/**
 * ntwq_msleep - msleep().
 * @ms: milliseconds.
 *
 * Context: process context; sleeps.
 */
void ntwq_msleep(unsigned int ms)
{
	msleep(ms);
}
