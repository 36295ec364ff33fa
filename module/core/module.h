/* SPDX-License-Identifier: GPL-2.0 */
/*
 * module.h - what ntwq_main.c's module_init/module_exit call.
 * Compiles as C and C++.
 */
#ifndef _NTWQ_CORE_MODULE_H
#define _NTWQ_CORE_MODULE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Sets ntwq up; returns 0 or a negative errno, leaving nothing behind. */
int ntwq_core_init(void);
/* Tears down what ntwq_core_init() set up. */
void ntwq_core_exit(void);

#ifdef __cplusplus
}
#endif

#endif /* _NTWQ_CORE_MODULE_H */
