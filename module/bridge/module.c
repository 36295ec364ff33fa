// SPDX-License-Identifier: GPL-2.0
/* module.c - bridge to module references and addresses. */
#include <linux/module.h>
#include "bridge.h"
#include "compat.h"

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
 * ntwq_module_try_get - try_module_get(): pin a module unless it is unloading.
 * @mod: the module (NULL: built-in code, nothing to pin).
 *
 * Once `rmmod` has passed its reference-count check (the module's exit is
 * running or done), no reference taken now can keep the module: it is
 * freed when its exit returns.  This is the pin for callers that cannot
 * know whether their module is live.
 *
 * Context: any context; never sleeps.
 * Return: true if @mod is pinned (or NULL), false if it is unloading.
 */
bool ntwq_module_try_get(struct module *mod)
{
	return try_module_get(mod);
}

/**
 * ntwq_module_put - module_put().
 * @mod: a module pinned with ntwq_module_get() or ntwq_module_try_get(), or NULL.
 *
 * Context: any context.
 */
void ntwq_module_put(struct module *mod)
{
	module_put(mod);
}

/**
 * ntwq_module_core_text - where @mod's core (non-init) text lies.
 * @mod: the module, or NULL.
 * @base: set to the first byte of the text (0 for NULL).
 * @size: set to its size in bytes (0 for NULL).
 *
 * The range is fixed from load to unload, so a caller that keeps the module
 * live may cache it and test routine addresses without calling here.
 *
 * Context: any context.
 */
void ntwq_module_core_text(struct module *mod, unsigned long *base, unsigned long *size)
{
	*base = 0;
	*size = 0;
	if (!mod)
		return;
	ntwq_compat_module_text(mod, base, size);
}

/**
 * ntwq_within_module_text - is @addr in @mod's core text?
 * @addr: an address, such as a routine pointer.
 * @mod: the module.
 *
 * Stricter than within_module(), which accepts data and init addresses too:
 * a routine must be code that lives as long as the module (init text is
 * freed after module_init, whatever the module's refcount).
 *
 * Context: any context.
 * Return: true if @addr lies in @mod's core text.
 */
bool ntwq_within_module_text(const void *addr, struct module *mod)
{
	unsigned long base, size;

	if (!mod)
		return false;
	ntwq_compat_module_text(mod, &base, &size);
	return (unsigned long)addr - base < size;
}

/*
 * A queued WORK_QUEUE_ITEM keeps its caller's module in List.Blink with a
 * family tag in the three low bits (core/ex_workitem.cpp).
 */
static_assert(__alignof__(struct module) >= 8, "struct module leaves 3 low bits");

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
