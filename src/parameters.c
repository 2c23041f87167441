/*-------------------------------------------------------------------------
 *
 * parameters.c
 *	  clv_parameters(model): the parameter table of any fitted model.
 *
 * Every model composite has the same shape: its parameters (float8), then
 * ll float8, then fields of its own, and it ends with the fit quality
 * std_errors float8[], aic float8, bic float8 (CLV_FIT_QUALITY_NATTS).  One
 * C function reads that shape from the composite's row type, so a new
 * model type needs only its CREATE FUNCTION clv_parameters(model clv_...)
 * pointing at the symbol clv_parameters; a row type of another shape is
 * refused.
 *
 *-------------------------------------------------------------------------
 */
#include "models.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/typcache.h"

/* Columns of clv_parameters' result. */
#define PARAMETERS_NATTS 5

/* The most parameters a model composite has (ClvInference's bound). */
#define MAX_PARAMETERS 4

/*
 * The number of parameters of a model composite's row type desc: its
 * attributes before ll; any other shape is an error naming the type.
 */
static int
model_parameter_count(TupleDesc desc, Oid typid)
{
	static const char *const tail_names[CLV_FIT_QUALITY_NATTS] = {"std_errors", "aic", "bic"};
	static const Oid tail_types[CLV_FIT_QUALITY_NATTS] = {FLOAT8ARRAYOID, FLOAT8OID, FLOAT8OID};
	int			nparams = -1;
	int			tail = desc->natts - CLV_FIT_QUALITY_NATTS;
	bool		valid = tail > 1;
	int			i;

	for (i = 0; valid && i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			valid = false;
		else if (i >= tail)
			valid = att->atttypid == tail_types[i - tail] &&
				strcmp(NameStr(att->attname), tail_names[i - tail]) == 0;
		else if (nparams < 0 && strcmp(NameStr(att->attname), "ll") == 0)
			nparams = i;
		else if (nparams < 0)
			valid = att->atttypid == FLOAT8OID;
	}
	if (valid && nparams >= 1 && nparams <= MAX_PARAMETERS &&
		TupleDescAttr(desc, nparams)->atttypid == FLOAT8OID)
		return nparams;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("clv_parameters argument of type %s is not a model",
					format_type_be(typid)),
			 errdetail("A model has 1 to %d float8 parameters, then ll float8, and ends with std_errors float8[], aic float8, bic float8.",
					   MAX_PARAMETERS),
			 errhint("Pass a model returned by a fit such as bgnbd_fit, pareto_nbd_fit or gamma_gamma_fit.")));
	return 0;					/* keep compiler quiet */
}

/*
 * The standard errors of a model's std_errors array into se[nparams]
 * (NaN for a NULL element); false when the array is NULL.  An array of
 * another length is an error.
 */
static bool
model_std_errors(Datum array, bool isnull, int nparams, double *se)
{
	Datum	   *elems;
	bool	   *elem_nulls;
	int			nelems;
	int			i;

	if (isnull)
		return false;
	deconstruct_array(DatumGetArrayTypeP(array), FLOAT8OID, sizeof(float8),
					  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &elem_nulls, &nelems);
	if (nelems != nparams)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("clv_parameters model std_errors must have one entry per parameter"),
				 errdetail("The model has %d parameters and %d standard errors.",
						   nparams, nelems),
				 errhint("Pass a model returned by a fit, or NULL std_errors.")));
	for (i = 0; i < nparams; i++)
		se[i] = elem_nulls[i] ? NAN : DatumGetFloat8(elems[i]);
	return true;
}

PG_FUNCTION_INFO_V1(clv_parameters);

/*
 * clv_parameters(model): one row per parameter of any model composite,
 * with its estimate, standard error and 95% Wald bounds (estimate -+
 * CLV_MLE_Z95 standard errors); the standard error and bounds are NULL
 * where the model's std_errors (or its entry) is, or the estimate is.
 */
Datum
clv_parameters(PG_FUNCTION_ARGS)
{
	HeapTupleHeader th = PG_GETARG_HEAPTUPLEHEADER(0);
	Oid			typid = HeapTupleHeaderGetTypeId(th);
	TupleDesc	desc = lookup_rowtype_tupdesc(typid, HeapTupleHeaderGetTypMod(th));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	HeapTupleData tuple;
	Datum	   *fields;
	bool	   *field_nulls;
	double		se[MAX_PARAMETERS];
	bool		has_se;
	int			nparams;
	int			i;

	nparams = model_parameter_count(desc, typid);
	fields = (Datum *) palloc(desc->natts * sizeof(Datum));
	field_nulls = (bool *) palloc(desc->natts * sizeof(bool));
	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;
	heap_deform_tuple(&tuple, desc, fields, field_nulls);
	has_se = model_std_errors(fields[desc->natts - CLV_FIT_QUALITY_NATTS],
							  field_nulls[desc->natts - CLV_FIT_QUALITY_NATTS],
							  nparams, se);

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < nparams; i++)
	{
		Datum		values[PARAMETERS_NATTS];
		bool		nulls[PARAMETERS_NATTS] = {0};
		double		estimate = DatumGetFloat8(fields[i]);

		values[0] = CStringGetTextDatum(NameStr(TupleDescAttr(desc, i)->attname));
		values[1] = fields[i];
		nulls[1] = field_nulls[i];
		if (has_se && !field_nulls[i] && !isnan(se[i]))
		{
			values[2] = Float8GetDatum(se[i]);
			values[3] = Float8GetDatum(estimate - CLV_MLE_Z95 * se[i]);
			values[4] = Float8GetDatum(estimate + CLV_MLE_Z95 * se[i]);
		}
		else
			nulls[2] = nulls[3] = nulls[4] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	ReleaseTupleDesc(desc);
	return (Datum) 0;
}
