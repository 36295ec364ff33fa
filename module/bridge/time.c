// SPDX-License-Identifier: GPL-2.0
/* time.c - bridge to clocks and sleeping. */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/math64.h>
#include <linux/timekeeping.h>
#include <asm/tsc.h>
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
 * ntwq_ktime_get_coarse_ns - ktime_get_coarse_ns(): monotonic nanoseconds as
 * of the last tick (no clock read: a few loads).
 *
 * Context: any context (not NMI).
 * Return: the time, to a tick's precision.
 */
unsigned long long ntwq_ktime_get_coarse_ns(void)
{
	return ktime_get_coarse_ns();
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

/**
 * ntwq_cycles_to_ns - time-stamp-counter cycles in nanoseconds.
 * @cycles: a difference of two rdtsc readings.
 *
 * Context: any context.
 * Return: @cycles at tsc_khz, or 0 when the TSC rate is not known.
 */
unsigned long long ntwq_cycles_to_ns(unsigned long long cycles)
{
	return tsc_khz ? mul_u64_u32_div(cycles, 1000000, tsc_khz) : 0;
}
