/*
 * mle.h -- maximum likelihood for every model of src/core: the fit (the
 * optimiser run over the logarithms of the parameters) and the inference
 * at the optimum (observed information, covariance, standard errors, 95%
 * Wald bounds, AIC and BIC).
 *
 * A model describes its likelihood once as a ClvLikelihood; clv_mle_fit
 * and clv_mle_inference work on any of them, so every model's fit and
 * standard errors are computed the same way.
 */
#ifndef CLV_MLE_H
#define CLV_MLE_H

#include "model.h"
#include "optimize.h"

/*
 * A log-likelihood at param (natural parameters, all > 0), summed over the
 * customers; when grad_log is not NULL it also stores the gradient with
 * respect to the logarithms of the parameters there.  NaN or -inf where
 * the likelihood cannot be evaluated (never +inf).
 */
typedef double (*ClvLogLikelihood) (const double *param, double *grad_log,
									void *arg);

/*
 * The same log-likelihood with its gradient and its Hessian, both with
 * respect to the logarithms of the parameters, into grad_log and hess_log.
 */
typedef double (*ClvLogLikelihoodHessian) (const double *param, double *grad_log,
										   double hess_log[][CLV_OPTIM_MAX_PARAMS],
										   void *arg);

typedef struct ClvLikelihood
{
	int			nparams;		/* 1 .. 4 */
	ClvLogLikelihood ll;
	bool		has_gradient;	/* ll fills grad_log; else differences */
	void	   *arg;			/* passed to ll (and hessian) */
	ClvLogLikelihoodHessian hessian;	/* NULL: differences of gradients */
} ClvLikelihood;

/*
 * Fits lik by maximum likelihood from start (natural parameters; NULL
 * means all 1), calling interrupt (may be NULL) at every optimiser
 * iteration and likelihood evaluation.  fit->param holds the estimate
 * (finite, within exp(+-CLV_OPTIM_LOG_BOUND)), unused entries 0;
 * converged is the optimiser's verdict and identified (the caller's check
 * that the data can identify the model at all).
 */
extern void clv_mle_fit(const ClvLikelihood *lik, const double *start,
						bool identified, ClvInterrupt interrupt,
						void *interrupt_arg, ClvModelFit *fit);

/* What became of the observed information matrix. */
typedef enum ClvInformationStatus
{
	CLV_INFORMATION_OK,			/* positive definite: covariance and SEs set */
	CLV_INFORMATION_SINGULAR,	/* a direction without curvature (to the
								 * differencing noise): not identified */
	CLV_INFORMATION_NOT_POSITIVE_DEFINITE,	/* negative curvature: not a
											 * maximum */
	CLV_INFORMATION_NOT_FINITE	/* the likelihood or its derivatives were
								 * not finite near the estimate */
} ClvInformationStatus;

/*
 * Inference at an estimate.  Matrices are in the natural parameters, in
 * the order of the model's param[]; entries beyond nparams are 0.
 */
typedef struct ClvInference
{
	int			nparams;
	ClvInformationStatus status;
	double		estimate[4];
	double		information[4][4];	/* minus the Hessian of the summed
									 * log-likelihood */
	double		covariance[4][4];	/* its inverse; 0 unless status OK */
	double		se[4];			/* sqrt of the covariance's diagonal; 0
								 * unless status OK (never NaN) */
	double		lower[4];		/* estimate -+ 1.959964 se: 95% Wald bounds; */
	double		upper[4];		/* equal to the estimate unless status OK */
	double		ll;				/* log-likelihood at the estimate */
	double		customers;		/* n of BIC: the customers fitted */
	double		aic;			/* 2 k - 2 ll */
	double		bic;			/* k log(customers) - 2 ll */
	bool		flat;			/* in some direction of the log-parameters
								 * the log-likelihood curves by less than
								 * CLV_OPTIM_MIN_CURVATURE at the estimate:
								 * a limit of the model, not a maximum */
} ClvInference;

/*
 * Inference for lik at param (natural parameters, > 0, normally a fit's
 * estimate) for data of customers customers.  The Hessian is taken in the
 * logarithms of the parameters (where the models are smooth and
 * well-scaled) by central differences of the analytic gradient, step
 * CLV_MLE_GRADIENT_STEP, or without a gradient by second differences of
 * the likelihood, step CLV_MLE_VALUE_STEP, then carried exactly to the
 * natural parameters by the chain rule.  2 nparams gradient evaluations
 * (2 nparams^2 + 1 likelihood evaluations without one); interrupt (may be
 * NULL) is called before each.  A singular or indefinite information
 * matrix, or non-finite values, are reported in status with zero SEs.
 */
extern void clv_mle_inference(const ClvLikelihood *lik, const double *param,
							  double customers, ClvInterrupt interrupt,
							  void *interrupt_arg, ClvInference *inference);

/*
 * Marks a converged fit not converged where its inference shows that it
 * stopped at no maximum: degenerate where the information matrix is
 * singular or the likelihood has less than CLV_OPTIM_MIN_CURVATURE in
 * some direction (inference->flat), a limit of the model; not degenerate
 * where the matrix is not positive definite.
 */
extern void clv_mle_check_maximum(ClvModelFit *fit, const ClvInference *inference);

/*
 * Relative step of the central differences of an analytic gradient: the
 * truncation error is about step^2 / 6 of the third derivative, the
 * rounding error about 1e-16 sum |terms| / step; for log-parameters of
 * order-one curvature both are below 1e-8 relative at 1e-4.
 */
#define CLV_MLE_GRADIENT_STEP 1e-4

/*
 * Step of second differences of the likelihood itself: rounding error
 * about 1e-14 |ll| / step^2 (special functions carry ~1e-14), truncation
 * step^2 / 12 of the fourth derivative; both about 1e-6 relative at 1e-3.
 */
#define CLV_MLE_VALUE_STEP 1e-3

/*
 * A pivot of the Cholesky factorisation of the information's correlation
 * form (unit diagonal) below this counts as zero: far above the
 * differencing noise (about 1e-8), far below the smallest pivot of a
 * model the data identify (1 / condition number).
 */
#define CLV_MLE_PIVOT_TOLERANCE 1e-7

/* z of a two-sided 95% normal interval. */
#define CLV_MLE_Z95 1.959963984540054

/*
 * The customers of nrows rows of row_size bytes each, whose count of
 * customers (a double) is at count_offset: the n of BIC.  The models'
 * clv_*_customers call it with their row type.
 */
extern double clv_mle_customers(const void *rows, size_t nrows,
								size_t row_size, size_t count_offset);

/*
 * AIC = 2 k - 2 ll and BIC = k log(n) - 2 ll for a model of k parameters
 * with log-likelihood ll fitted on n customers (n > 0).
 */
extern void clv_mle_information_criteria(double ll, int k, double n,
										 double *aic, double *bic);

/*
 * The Hessian in log-parameters, into hess_log (symmetric), of a function
 * of n parameters whose Hessian in the parameters themselves has the upper
 * triangle h and whose gradient in log-parameters is grad_log:
 * d2 / dlog p_i dlog p_j = p_i p_j d2 / dp_i dp_j + [i = j] d / dlog p_i.
 */
extern void clv_mle_log_hessian(int n, const double *param, const double *grad_log,
								const double h[][CLV_OPTIM_MAX_PARAMS],
								double hess_log[][CLV_OPTIM_MAX_PARAMS]);

#endif							/* CLV_MLE_H */
