// SPDX-License-Identifier: GPL-2.0
/* string.c - bridge to the kernel's string formatting and parsing. */
#include <linux/kernel.h>
#include <linux/module.h>
#include "bridge.h"

/**
 * ntwq_snprintf - vsnprintf() into @buf.
 * @buf: destination.
 * @size: its size; the result is always NUL-terminated when @size > 0.
 * @fmt: printk-style format.
 *
 * Context: any context.
 * Return: the length the full text would have had.
 */
int ntwq_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return len;
}

/**
 * ntwq_kstrtouint - kstrtouint().
 * @s: NUL-terminated number.
 * @base: 0 to accept 0x/0 prefixes, or 2..16.
 * @res: where the value goes.
 *
 * Context: any context.
 * Return: 0, -EINVAL for a malformed number, -ERANGE on overflow.
 */
int ntwq_kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	return kstrtouint(s, base, res);
}
