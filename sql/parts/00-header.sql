/* clv--1.0.sql -- the clv extension: types, functions, aggregates */

\echo Use "CREATE EXTENSION clv" to load this file. \quit

