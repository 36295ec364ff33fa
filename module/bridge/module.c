// SPDX-License-Identifier: GPL-2.0
/* module.c - bridge to module references and addresses. */
#include <linux/module.h>
#include "bridge.h"

/**
 * ntwq_module_get - __module_get(): pin a module the caller knows is live.
 * @mod: the module (NULL: built-in code, nothing to pin).
 *
 * Context: any context; never fails or sleeps.
 */
void ntwq_module_get(struct module *mod)
{
	__module_get(mod);
}

/**
 * ntwq_module_put - module_put().
 * @mod: a module pinned with ntwq_module_get(), or NULL.
 *
 * Context: any context.
 */
void ntwq_module_put(struct module *mod)
{
	module_put(mod);
}

/**
 * ntwq_within_module - within_module(): is @addr in @mod's memory?
 * @addr: an address, such as a routine pointer.
 * @mod: the module.
 *
 * Context: any context.
 * Return: true if @addr lies in @mod's core or init sections.
 */
bool ntwq_within_module(const void *addr, struct module *mod)
{
	return mod && within_module((unsigned long)addr, mod);
}

/**
 * ntwq_module_name - the name of @mod.
 * @mod: a module, or NULL.
 *
 * Context: any context.
 * Return: the name, or "kernel" for NULL.
 */
const char *ntwq_module_name(struct module *mod)
{
	return mod ? module_name(mod) : "kernel";
}

/**
 * ntwq_this_module - THIS_MODULE of ntwq itself.
 *
 * Context: any context.
 * Return: ntwq's struct module.
 */
struct module *ntwq_this_module(void)
{
	return THIS_MODULE;
}
