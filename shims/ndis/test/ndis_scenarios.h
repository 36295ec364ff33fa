/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndis_scenarios.h - the NDIS scenarios (ndis_scenarios.c) and their
 * trigger table rows.
 */
#ifndef _NTWQ_NDIS_SCENARIOS_H
#define _NTWQ_NDIS_SCENARIOS_H

#include "selftest/scenario.h"

#define NTWQ_SCN(fn) int fn(unsigned int arg, struct ntwq_scn_result *r)

NTWQ_SCN(ntwq_scn_ndis_io_adapter);
NTWQ_SCN(ntwq_scn_ndis_io_driver_handle);
NTWQ_SCN(ntwq_scn_ndis_io_at_dispatch);
NTWQ_SCN(ntwq_scn_ndis_io_from_timer);
NTWQ_SCN(ntwq_scn_ndis_io_free_in_routine);
NTWQ_SCN(ntwq_scn_ndis_io_pins_module);
NTWQ_SCN(ntwq_scn_ndis_io_halt_pending);
NTWQ_SCN(ntwq_scn_ndis_io_queue_after_halt);
NTWQ_SCN(ntwq_scn_ndis_teardown_in_routine);
NTWQ_SCN(ntwq_scn_ndis_deregister_waits);
NTWQ_SCN(ntwq_scn_ndis_io_double_queue);
NTWQ_SCN(ntwq_scn_ndis_io_null_args);
NTWQ_SCN(ntwq_scn_ndis_alloc_fail);
NTWQ_SCN(ntwq_scn_ndis5_layout);
NTWQ_SCN(ntwq_scn_ndis5_schedule);
NTWQ_SCN(ntwq_scn_ndis5_no_alloc);
NTWQ_SCN(ntwq_scn_ndis5_free_in_routine);
NTWQ_SCN(ntwq_scn_ndis5_at_dispatch);
NTWQ_SCN(ntwq_scn_ndis5_double_schedule);
NTWQ_SCN(ntwq_scn_ndis5_null_args);
NTWQ_SCN(ntwq_scn_ndis5_pins_module);

#define NTWQ_NDIS_SCENARIOS \
	{ "ndis.io_adapter", "ndis.io_adapter", ntwq_scn_ndis_io_adapter }, \
	{ "ndis.io_driver_handle", "ndis.io_driver_handle", ntwq_scn_ndis_io_driver_handle }, \
	{ "ndis.io_at_dispatch", "ndis.io_at_dispatch", ntwq_scn_ndis_io_at_dispatch }, \
	{ "ndis.io_from_timer", "ndis.io_from_timer", ntwq_scn_ndis_io_from_timer }, \
	{ "ndis.io_free_in_routine", "ndis.io_free_in_routine", ntwq_scn_ndis_io_free_in_routine }, \
	{ "ndis.io_pins_module", "ndis.io_pins_module", ntwq_scn_ndis_io_pins_module }, \
	{ "ndis.io_halt_pending", "ndis.io_halt_pending", ntwq_scn_ndis_io_halt_pending }, \
	{ "ndis.io_queue_after_halt", "ndis.io_queue_after_halt", ntwq_scn_ndis_io_queue_after_halt }, \
	{ "ndis.teardown_in_routine", "ndis.teardown_in_routine", ntwq_scn_ndis_teardown_in_routine }, \
	{ "ndis.deregister_waits", "ndis.deregister_waits", ntwq_scn_ndis_deregister_waits }, \
	{ "ndis.io_double_queue", "ndis.io_double_queue", ntwq_scn_ndis_io_double_queue }, \
	{ "ndis.io_null_args", "ndis.io_null_args", ntwq_scn_ndis_io_null_args }, \
	{ "ndis.alloc_fail", "ndis.alloc_fail", ntwq_scn_ndis_alloc_fail }, \
	{ "ndis5.layout", "ndis5.layout", ntwq_scn_ndis5_layout }, \
	{ "ndis5.schedule", "ndis5.schedule", ntwq_scn_ndis5_schedule }, \
	{ "ndis5.no_alloc", "ndis5.no_alloc", ntwq_scn_ndis5_no_alloc }, \
	{ "ndis5.free_in_routine", "ndis5.free_in_routine", ntwq_scn_ndis5_free_in_routine }, \
	{ "ndis5.at_dispatch", "ndis5.at_dispatch", ntwq_scn_ndis5_at_dispatch }, \
	{ "ndis5.double_schedule", "ndis5.double_schedule", ntwq_scn_ndis5_double_schedule }, \
	{ "ndis5.null_args", "ndis5.null_args", ntwq_scn_ndis5_null_args }, \
	{ "ndis5.pins_module", "ndis5.pins_module", ntwq_scn_ndis5_pins_module },

/*
 * ntwq_ndis_scn_run - run NDIS scenario @name into @r (cleared first), for
 * the KUnit suite.  Return: as ntwq_scn_run().
 */
int ntwq_ndis_scn_run(const char *name, unsigned int arg, struct ntwq_scn_result *r);

#endif /* _NTWQ_NDIS_SCENARIOS_H */
