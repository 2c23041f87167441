/*-------------------------------------------------------------------------
 *
 * models_1_0.c
 *	  The C symbols of clv 1.0's model functions.
 *
 * Installing version 1.0 (the first step of an update to 1.1) still needs
 * every symbol its script names.  In 1.0 all model aggregates shared an
 * internal state and one set of support functions, and the scoring
 * functions one C function per name; 1.1 replaces them all.  A 1.0
 * catalogue running on this library is told to update.
 *
 *-------------------------------------------------------------------------
 */
#include "models.h"

/* The error of every retired symbol. */
static Datum
retired_1_0(FunctionCallInfo fcinfo)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("the installed clv library no longer runs the model functions of clv 1.0"),
			 errhint("Run ALTER EXTENSION clv UPDATE.")));
	PG_RETURN_NULL();
}

/* A retired 1.0 symbol: PG_FUNCTION_INFO_V1 and a body that raises. */
#define RETIRED_1_0(symbol) \
	PG_FUNCTION_INFO_V1(symbol); \
	Datum symbol(PG_FUNCTION_ARGS) { return retired_1_0(fcinfo); }

RETIRED_1_0(clv_models_tx_trans)
RETIRED_1_0(clv_models_spend_trans)
RETIRED_1_0(clv_models_stats_trans)
RETIRED_1_0(clv_models_summary_tx_trans)
RETIRED_1_0(clv_models_summary_spend_trans)
RETIRED_1_0(clv_models_summary_stats_trans)
RETIRED_1_0(clv_models_merge_trans)
RETIRED_1_0(clv_models_combine)
RETIRED_1_0(clv_models_serialize)
RETIRED_1_0(clv_models_deserialize)
RETIRED_1_0(clv_models_stats_final)
RETIRED_1_0(clv_models_bgnbd_final)
RETIRED_1_0(clv_models_pareto_nbd_final)
RETIRED_1_0(clv_models_gamma_gamma_final)
RETIRED_1_0(clv_models_p_alive)
RETIRED_1_0(clv_models_expected_purchases)
RETIRED_1_0(clv_models_expected_spend)
RETIRED_1_0(clv_models_clv)
