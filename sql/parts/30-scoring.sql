
/*
 * Level 2: scoring across customers (src/scoring.c).  rfm_score and
 * value_tier are window functions: they read their whole partition once
 * and ignore the frame, like rank().  Values are declared "any" and
 * checked at run time (smallint, integer, bigint, real, double precision,
 * numeric), so each keeps its own type and exact order without a cast.
 */

CREATE FUNCTION rfm_score(recency "any", frequency "any", monetary "any",
						  bins integer DEFAULT 5)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_rfm_score'
LANGUAGE C WINDOW IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_score("any", "any", "any", integer) IS
'Window function: R, F and M scores (1..bins) of the row as three digits, ties-consistent over the complete rows of the partition; NULL when an input is NULL';

CREATE FUNCTION rfm_score(rfm clv_rfm, bins integer DEFAULT 5)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_rfm_score'
LANGUAGE C WINDOW IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_score(clv_rfm, integer) IS
'Window function: R, F and M scores (1..bins) of an rfm() value as three digits, ties-consistent over the complete rows of the partition; NULL when a field is NULL';

CREATE FUNCTION value_tier(value "any", high_share float8 DEFAULT 0.8,
						   medium_share float8 DEFAULT 0.95)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_value_tier'
LANGUAGE C WINDOW IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION value_tier("any", float8, float8) IS
'Window function: Pareto tier high / medium / low of the value within the partition (values above it holding less than high_share / medium_share of the positive total); low for values <= 0, NULL for NULL';

CREATE FUNCTION rfm_segment(score text)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_rfm_segment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_segment(text) IS
'Named RFM segment (Champions, Loyal, At Risk, ...) of a three-digit 5-bin rfm_score, from its R and F digits';

CREATE FUNCTION rfm_segment(r integer, f integer)
RETURNS text
AS 'MODULE_PATHNAME', 'clv_rfm_segment_digits'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_segment(integer, integer) IS
'Named RFM segment (Champions, Loyal, At Risk, ...) of an R and an F score, each 1..5';
