/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenarios.h - the scenario functions, and the table rows scenario.c
 * builds from them.
 */
#ifndef _NTWQ_SELFTEST_SCENARIOS_H
#define _NTWQ_SELFTEST_SCENARIOS_H

#include "scenario.h"

#define NTWQ_SCN(fn) int fn(unsigned int arg, struct ntwq_scn_result *r)

NTWQ_SCN(ntwq_scn_io_queue);
NTWQ_SCN(ntwq_scn_io_queue_ex);
NTWQ_SCN(ntwq_scn_io_try_queue);
NTWQ_SCN(ntwq_scn_io_driver_object);
NTWQ_SCN(ntwq_scn_io_queue_types);
NTWQ_SCN(ntwq_scn_io_from_atomic);
NTWQ_SCN(ntwq_scn_io_from_softirq);
NTWQ_SCN(ntwq_scn_io_from_hardirq);
NTWQ_SCN(ntwq_scn_io_free_in_routine);
NTWQ_SCN(ntwq_scn_io_uninit_in_routine);
NTWQ_SCN(ntwq_scn_io_requeue);
NTWQ_SCN(ntwq_scn_io_delete_pending);
NTWQ_SCN(ntwq_scn_io_delete_driver_waits);
NTWQ_SCN(ntwq_scn_io_double_queue);
NTWQ_SCN(ntwq_scn_io_free_queued);
NTWQ_SCN(ntwq_scn_io_uninit_queued);
NTWQ_SCN(ntwq_scn_io_invalid_type);
NTWQ_SCN(ntwq_scn_io_null_args);
NTWQ_SCN(ntwq_scn_io_foreign_routine);
NTWQ_SCN(ntwq_scn_io_bad_irql_return);
NTWQ_SCN(ntwq_scn_io_alloc_fail);
NTWQ_SCN(ntwq_scn_io_concurrency);

#define NTWQ_IO_SCENARIOS \
	{ "io.queue", "io.queue", ntwq_scn_io_queue }, \
	{ "io.queue_ex", "io.queue_ex", ntwq_scn_io_queue_ex }, \
	{ "io.try_queue", "io.try_queue", ntwq_scn_io_try_queue }, \
	{ "io.driver_object", "io.driver_object", ntwq_scn_io_driver_object }, \
	{ "io.queue_types", "io.queue_types", ntwq_scn_io_queue_types }, \
	{ "io.from_atomic", "io.from_atomic", ntwq_scn_io_from_atomic }, \
	{ "io.from_softirq", "io.from_softirq", ntwq_scn_io_from_softirq }, \
	{ "io.from_hardirq", "io.from_hardirq", ntwq_scn_io_from_hardirq }, \
	{ "io.free_in_routine", "io.free_in_routine", ntwq_scn_io_free_in_routine }, \
	{ "io.uninit_in_routine", "io.uninit_in_routine", ntwq_scn_io_uninit_in_routine }, \
	{ "io.requeue", "io.requeue", ntwq_scn_io_requeue }, \
	{ "io.delete_pending", "io.delete_pending", ntwq_scn_io_delete_pending }, \
	{ "io.delete_driver_waits", "io.delete_driver_waits", ntwq_scn_io_delete_driver_waits }, \
	{ "io.double_queue", "io.double_queue", ntwq_scn_io_double_queue }, \
	{ "io.free_queued", "io.free_queued", ntwq_scn_io_free_queued }, \
	{ "io.uninit_queued", "io.uninit_queued", ntwq_scn_io_uninit_queued }, \
	{ "io.invalid_type", "io.invalid_type", ntwq_scn_io_invalid_type }, \
	{ "io.null_args", "io.null_args", ntwq_scn_io_null_args }, \
	{ "io.foreign_routine", "io.foreign_routine", ntwq_scn_io_foreign_routine }, \
	{ "io.bad_irql_return", "io.bad_irql_return", ntwq_scn_io_bad_irql_return }, \
	{ "io.alloc_fail", "io.alloc_fail", ntwq_scn_io_alloc_fail }, \
	{ "io.concurrency", "io.concurrency [items]", ntwq_scn_io_concurrency },

#endif /* _NTWQ_SELFTEST_SCENARIOS_H */
