/*
 * The tracker arithmetic of keepalived.conf(5), as a pure function.
 *
 * Interfaces: weight 0 means FAULT while down (reverse: while up).  A
 * positive weight is added while the interface is up, a negative one
 * subtracted while it is down; reverse keeps the condition and turns the
 * sign (a positive weight subtracts while up, a negative one adds while
 * down).
 *
 * Files: weight 0 means FAULT while the file holds a non-zero number
 * (reverse: while it holds 0).  Otherwise the number times the weight
 * (negated with reverse) is added; a result below -253 is a FAULT, so a
 * file can take an instance down by itself.
 *
 * The sum moves the base priority, kept in 1..254; an owner's 255 never
 * moves (its weighted trackers were already refused as "ignored").
 */
#include "vrrp/vrrp_track.h"

struct vrrp_track_effect vrrp_track_effect(const struct vrrp_track_val *v)
{
	struct vrrp_track_effect e = { 0, false };
	long long r;

	if (v->ignored)
		return e;
	if (!v->is_file) {
		if (!v->weight)
			e.fault = v->reverse ? v->up : !v->up;
		else if (v->weight > 0 && v->up)
			e.delta = v->reverse ? -v->weight : v->weight;
		else if (v->weight < 0 && !v->up)
			e.delta = v->reverse ? -v->weight : v->weight;
		return e;
	}
	if (!v->weight) {
		e.fault = v->reverse ? v->value == 0 : v->value != 0;
		return e;
	}
	/* |value| is an int's, |weight| at most 2^31: no overflow */
	r = v->value * (long long)v->weight;
	if (v->reverse)
		r = -r;
	if (r < -253)
		e.fault = true;
	else
		e.delta = r > 253 ? 253 : (int)r;
	return e;
}

uint8_t vrrp_track_calc(uint8_t base, const struct vrrp_track_val *v,
			size_t n, bool *fault)
{
	long sum = base;

	*fault = false;
	for (size_t i = 0; i < n; i++) {
		struct vrrp_track_effect e = vrrp_track_effect(&v[i]);

		*fault |= e.fault;
		sum += e.delta;
	}
	if (base == 255)
		return 255;
	if (sum < 1)
		return 1;
	return sum > 254 ? 254 : (uint8_t)sum;
}
