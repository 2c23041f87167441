/*
 * quadrature.c -- adaptive Gauss-Kronrod integration of smooth positive
 * functions (the BG/NBD expectation near a = 1 is such an integral).
 */
#include "quadrature.h"

#include <float.h>
#include <math.h>

/*
 * The 15-point Kronrod rule on [-1, 1] and the 7-point Gauss rule whose
 * nodes it extends (every other Kronrod node, from the second): nodes in
 * decreasing order, the last one 0; the rules are symmetric.
 */
static const double kronrod_nodes[8] = {
	0.991455371120812639206854697526329,
	0.949107912342758524526189684047851,
	0.864864423359769072789712788640926,
	0.741531185599394439863864773280788,
	0.586087235467691130294144845693013,
	0.405845151377397166906606412076961,
	0.207784955007898467600689403773245,
	0.0
};
static const double kronrod_weights[8] = {
	0.022935322010529224963732008058970,
	0.063092092629978553290700663189204,
	0.104790010322250183839876322541518,
	0.140653259715525918745189590510238,
	0.169004726639267902826583426598550,
	0.190350578064785409913256402421014,
	0.204432940075298892414161999234649,
	0.209482141084727828012999174891714
};
static const double gauss_weights[4] = {
	0.129484966168869693270611432679082,
	0.279705391489276667901467771423780,
	0.381830050505118944950369775488975,
	0.417959183673469387755102040816327
};

/*
 * The Kronrod estimate of the integral of f over [lo, hi]; *difference is
 * its distance from the Gauss estimate (NaN when f is not finite).
 */
static double
kronrod_panel(ClvIntegrand f, const void *arg, double lo, double hi,
			  double *difference)
{
	double		half = 0.5 * (hi - lo),
				mid = 0.5 * (hi + lo);
	double		center = f(mid, arg);
	double		kronrod = kronrod_weights[7] * center,
				gauss = gauss_weights[3] * center;
	int			i;

	for (i = 0; i < 7; i++)
	{
		double		pair = f(mid - half * kronrod_nodes[i], arg) +
			f(mid + half * kronrod_nodes[i], arg);

		kronrod += kronrod_weights[i] * pair;
		if (i % 2 == 1)
			gauss += gauss_weights[i / 2] * pair;
	}
	*difference = isfinite(kronrod) ? fabs(kronrod - gauss) * half : NAN;
	return kronrod * half;
}

double
clv_quadrature_positive(ClvIntegrand f, const void *arg, double lo, double hi,
						double panel, double rel_tol, double rest,
						double noise)
{
	/* the first pass over whole panels, which sets the tolerance's scale */
	double		first_estimate[CLV_QUADRATURE_MAX_PANELS / 4],
				first_difference[CLV_QUADRATURE_MAX_PANELS / 4];

	/* halves of panels waiting to be refined: a stack of [lo, hi] */
	double		stack_lo[64],
				stack_hi[64];
	double		whole_panels = ceil((hi - lo) / panel);
	int			count,
				panels;
	double		scale = fabs(rest),
				total = 0.0;

	/*
	 * a panel whose two estimates differ by no more than this relative
	 * amount differs by rounding alone, and halving it cannot help
	 */
	double		rounding = 50.0 * (DBL_EPSILON + noise);
	int			i;

	if (hi == lo)
		return 0.0;
	/* (an infinite or NaN span fails here, before its count becomes an int) */
	if (!(hi > lo) ||
		!(whole_panels >= 1.0 && whole_panels <= CLV_QUADRATURE_MAX_PANELS / 4))
		return NAN;
	count = (int) whole_panels;
	panels = count;
	for (i = 0; i < count; i++)
	{
		first_estimate[i] = kronrod_panel(f, arg, lo + (hi - lo) * i / count,
										  lo + (hi - lo) * (i + 1) / count,
										  &first_difference[i]);
		if (isnan(first_difference[i]))
			return NAN;
		scale += first_estimate[i];
	}
	for (i = 0; i < count; i++)
	{
		double		panel_lo = lo + (hi - lo) * i / count,
					panel_hi = lo + (hi - lo) * (i + 1) / count;
		int			depth;

		if (first_difference[i] <= rel_tol * scale / count ||
			first_difference[i] <= rounding * first_estimate[i])
		{
			total += first_estimate[i];
			continue;
		}
		stack_lo[0] = panel_lo;
		stack_hi[0] = 0.5 * (panel_lo + panel_hi);
		stack_lo[1] = stack_hi[0];
		stack_hi[1] = panel_hi;
		depth = 2;
		while (depth > 0)
		{
			double		a = stack_lo[depth - 1],
						b = stack_hi[depth - 1],
						difference,
						estimate;

			depth--;
			estimate = kronrod_panel(f, arg, a, b, &difference);
			if (isnan(difference) || ++panels > CLV_QUADRATURE_MAX_PANELS)
				return NAN;
			if (difference <= rel_tol * scale * (b - a) / (hi - lo) ||
				difference <= rounding * estimate || depth + 2 > 64)
			{
				total += estimate;
				continue;
			}
			stack_lo[depth] = 0.5 * (a + b);
			stack_hi[depth] = b;
			stack_lo[depth + 1] = a;
			stack_hi[depth + 1] = 0.5 * (a + b);
			depth += 2;
		}
	}
	return total;
}
