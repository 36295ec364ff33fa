// SPDX-License-Identifier: GPL-2.0
/*
 * runtime.cpp - the runtime and library scenarios of runtime.h.
 */
#include "runtime.h"
#include "scenario.h"

#include "bridge/bridge.h"
#include "lib/guarded.h"
#include "lib/runtime.h"
#include "lib/spinlock.h"

namespace ntwq {
namespace {

struct Probe {
	static int ctor_runs;
	static int dtor_runs;

	Probe() : value(0x5eed) { ++ctor_runs; }
	~Probe() { ++dtor_runs; }

	/* A Create() factory: the pattern every ntwq object follows. */
	static int Create(Probe **out)
	{
		*out = nullptr;
		Probe *p = new (Gfp::Kernel) Probe();
		if (!p)
			return -kENOMEM;
		*out = p;
		return 0;
	}

	int value;
	int untouched;
};

int Probe::ctor_runs;
int Probe::dtor_runs;

class Shape {
public:
	static int destroyed;

	virtual ~Shape() {}
	virtual int Area() const = 0;
	virtual int Sides() const { return 4; }
};

int Shape::destroyed;

class Square final : public Shape {
public:
	explicit Square(int side) : side_(side) {}
	~Square() override { ++destroyed; }
	int Area() const override { return side_ * side_; }
	int Sides() const override { return 4 * 100 + side_; }

private:
	int side_;
};

class Rect final : public Shape {
public:
	Rect(int w, int h) : w_(w), h_(h) {}
	~Rect() override { ++destroyed; }
	int Area() const override { return w_ * h_; }

private:
	int w_, h_;
};

/* Lock classes for the scenario's locks: static, as lockdep requires. */
LockClass g_selftest_plain_class;
LockClass g_selftest_irqsave_class;
LockClass g_selftest_guarded_class;

} /* namespace */
} /* namespace ntwq */

using namespace ntwq;

extern "C" int ntwq_selftest_alloc(unsigned int fail_nth, struct ntwq_selftest_alloc *r)
{
	struct ntwq_rt_stats before, after;
	Probe *p = nullptr;

	*r = {};
	r->fault_supported = ntwq_fault_set_fail_nth(0) == 0;
	if (fail_nth && !r->fault_supported)
		return -kEOPNOTSUPP;

	Probe::ctor_runs = Probe::dtor_runs = 0;
	ntwq_rt_get_stats(&before);

	if (fail_nth)
		ntwq_fault_set_fail_nth(fail_nth);
	p = new (Gfp::Kernel) Probe();
	r->object_allocated = p != nullptr;
	if (p) {
		r->value_after_ctor = p->value;
		r->zeroed_field = p->untouched;
		delete p;
	}

	/* The factory, under the same fault plan. */
	if (fail_nth)
		ntwq_fault_set_fail_nth(fail_nth);
	Probe *q = reinterpret_cast<Probe *>(1);
	r->create_status = Probe::Create(&q);
	r->create_left_null = q == nullptr;
	delete q;
	ntwq_fault_set_fail_nth(0);

	ntwq_rt_get_stats(&after);
	r->ctor_runs = Probe::ctor_runs;
	r->dtor_runs = Probe::dtor_runs;
	r->allocations_delta = after.allocations - before.allocations;
	r->frees_delta = after.frees - before.frees;
	r->failures_delta = after.failures - before.failures;
	return 0;
}

extern "C" int ntwq_selftest_virtual(struct ntwq_selftest_virtual *r)
{
	*r = {};
	Shape::destroyed = 0;
	Shape *square = new (Gfp::Kernel) Square(7);
	Shape *rect = new (Gfp::Kernel) Rect(3, 4);
	if (!square || !rect) {
		delete square;
		delete rect;
		return -kENOMEM;
	}
	r->square_area = square->Area();
	r->rect_area = rect->Area();
	r->square_sides = square->Sides();
	r->rect_sides = rect->Sides();
	delete square;
	delete rect;
	r->destroyed = Shape::destroyed;
	return 0;
}

extern "C" int ntwq_selftest_guard(struct ntwq_selftest_guard *r)
{
	*r = {};

	/* The locks live on the heap: lockdep wants static keys, not locks. */
	struct Locks {
		SpinLock plain;
		SpinLock irqsave;
		Guarded<int> guarded;
	};
	Locks *l = new (Gfp::Kernel) Locks();
	if (!l)
		return -kENOMEM;
	l->plain.Init("ntwq_selftest_plain", g_selftest_plain_class);
	l->irqsave.Init("ntwq_selftest_irqsave", g_selftest_irqsave_class);
	l->guarded.Init("ntwq_selftest_guarded", g_selftest_guarded_class);

	{
		SpinGuard<NoIrq> guard(l->plain);
		r->plain_locked_inside = l->plain.IsLocked();
	}
	r->plain_locked_after = l->plain.IsLocked();

	{
		SpinGuard<IrqSave> guard(l->irqsave);
		r->irqsave_locked_inside = l->irqsave.IsLocked();
		r->irqsave_irqs_off_inside = ntwq_irqs_disabled();
	}
	r->irqsave_locked_after = l->irqsave.IsLocked();
	r->irqsave_irqs_off_after = ntwq_irqs_disabled();

	for (int i = 0; i < 3; i++) {
		bool locked = l->guarded.With([&](int &v) {
			v++;
			return l->guarded.IsLocked();
		});
		r->guarded_locked_inside += locked;
	}
	r->guarded_locked_inside = r->guarded_locked_inside == 3;
	r->guarded_value = l->guarded.With([](int &v) { return v; });
	r->guarded_locked_after = l->guarded.IsLocked();

	delete l;
	return 0;
}

extern "C" int ntwq_scn_cxx_alloc(unsigned int fail_nth, struct ntwq_scn_result *r)
{
	struct ntwq_selftest_alloc a;
	int ret = ntwq_selftest_alloc(fail_nth, &a);

	ntwq_scn_put(r, "fault_supported", a.fault_supported);
	if (ret)
		return ret;
	ntwq_scn_put(r, "object_allocated", a.object_allocated);
	ntwq_scn_put(r, "ctor_runs", a.ctor_runs);
	ntwq_scn_put(r, "dtor_runs", a.dtor_runs);
	ntwq_scn_put(r, "value_after_ctor", a.value_after_ctor);
	ntwq_scn_put(r, "zeroed_field", a.zeroed_field);
	ntwq_scn_put(r, "allocations_delta", a.allocations_delta);
	ntwq_scn_put(r, "frees_delta", a.frees_delta);
	ntwq_scn_put(r, "failures_delta", a.failures_delta);
	ntwq_scn_put(r, "create_status", a.create_status);
	ntwq_scn_put(r, "create_left_null", a.create_left_null);
	return 0;
}

extern "C" int ntwq_scn_cxx_virtual(unsigned int, struct ntwq_scn_result *r)
{
	struct ntwq_selftest_virtual v;
	int ret = ntwq_selftest_virtual(&v);

	if (ret)
		return ret;
	ntwq_scn_put(r, "square_area", v.square_area);
	ntwq_scn_put(r, "rect_area", v.rect_area);
	ntwq_scn_put(r, "square_sides", v.square_sides);
	ntwq_scn_put(r, "rect_sides", v.rect_sides);
	ntwq_scn_put(r, "destroyed", v.destroyed);
	return 0;
}

extern "C" int ntwq_scn_cxx_guard(unsigned int, struct ntwq_scn_result *r)
{
	struct ntwq_selftest_guard g;
	int ret = ntwq_selftest_guard(&g);

	if (ret)
		return ret;
	ntwq_scn_put(r, "plain_locked_inside", g.plain_locked_inside);
	ntwq_scn_put(r, "plain_locked_after", g.plain_locked_after);
	ntwq_scn_put(r, "irqsave_locked_inside", g.irqsave_locked_inside);
	ntwq_scn_put(r, "irqsave_irqs_off_inside", g.irqsave_irqs_off_inside);
	ntwq_scn_put(r, "irqsave_locked_after", g.irqsave_locked_after);
	ntwq_scn_put(r, "irqsave_irqs_off_after", g.irqsave_irqs_off_after);
	ntwq_scn_put(r, "guarded_locked_inside", g.guarded_locked_inside);
	ntwq_scn_put(r, "guarded_value", g.guarded_value);
	ntwq_scn_put(r, "guarded_locked_after", g.guarded_locked_after);
	return 0;
}
