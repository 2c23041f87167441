// check_node.js -- node-postgres (npm pg, pinned in package-lock.json) reads
// every column of every view deployed by clv_create_views and must get it
// in a plain JavaScript type, with the value psql printed (reference files
// written by test/clients/run.sh).
//
//   TZ=UTC node check_node.js 'postgresql://postgres@127.0.0.1:PORT/DB' REFDIR
//
// node-postgres's own types: integer and double precision arrive as
// number, boolean as boolean, text as string, date and timestamptz as Date
// (a date at local midnight); bigint is parsed to BigInt with the
// documented pg.types.setTypeParser (by default it is a string, since a
// JavaScript number cannot hold every int8), and numeric stays a string
// (no JavaScript type holds it exactly) that must be a decimal literal.
// Timestamps compare to the millisecond, a Date's resolution.
// Prints one unnumbered TAP line per view; run.sh numbers the lines.
'use strict';
const fs = require('fs');
const path = require('path');
const pg = require('pg');

pg.types.setTypeParser(pg.types.builtins.INT8, (s) => BigInt(s));

const pad = (n, w) => String(n).padStart(w, '0');

// the JavaScript type acceptable for each PostgreSQL type
function typeOk(pgType, v) {
	switch (pgType) {
	case 'bigint': return typeof v === 'bigint';
	case 'integer':
	case 'double precision': return typeof v === 'number';
	case 'numeric': return typeof v === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(v);
	case 'text': return typeof v === 'string';
	case 'boolean': return typeof v === 'boolean';
	case 'date':
	case 'timestamp with time zone': return v instanceof Date && !isNaN(v.getTime());
	default: return false;
	}
}

// whether the driver's value is the one psql printed as ref
function valueOk(pgType, v, ref) {
	if (ref === '\\N') return v === null;
	if (v === null) return false;
	switch (pgType) {
	case 'bigint':
	case 'integer':
	case 'numeric':
	case 'text': return String(v) === ref;
	case 'double precision': return Object.is(v, Number(ref));
	case 'boolean': return v === (ref === 't');
	case 'date':
		return `${pad(v.getFullYear(), 4)}-${pad(v.getMonth() + 1, 2)}-${pad(v.getDate(), 2)}` === ref;
	case 'timestamp with time zone': {
		// '2026-12-03 07:49:50.346592+00': whole milliseconds of the instant
		const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d)(:\d\d)?$/.exec(ref);
		if (!m) return false;
		const ms = Date.parse(`${m[1]}T${m[2]}${m[4]}${m[5] || ':00'}`) +
			Math.floor(Number(`0${m[3] || '.0'}`) * 1000 + 1e-6);
		return v.getTime() === ms;
	}
	default: return false;
	}
}

async function main() {
	const [url, ref] = process.argv.slice(2);
	const client = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' });
	await client.connect();
	let allOk = true;
	const views = fs.readFileSync(path.join(ref, 'views.txt'), 'utf8').split('\n').filter((l) => l)
		.map((l) => l.split('\t'));
	for (const [view, key] of views) {
		const expected = fs.readFileSync(path.join(ref, `${view}.tsv`), 'utf8').replace(/\n$/, '')
			.split('\n').map((l) => l.split('\t'));
		const types = fs.readFileSync(path.join(ref, `${view}.types`), 'utf8').replace(/\n$/, '')
			.split('\n').map((l) => l.split('\t')[1]);
		const res = await client.query({ text: `SELECT * FROM ${view} ORDER BY ${key}`, rowMode: 'array' });
		const names = res.fields.map((f) => f.name);
		const problems = [];
		if (names.join('\t') !== expected[0].join('\t'))
			problems.push(`columns ${names}, psql: ${expected[0]}`);
		if (res.rows.length !== expected.length - 1)
			problems.push(`rows: ${res.rows.length} against psql's ${expected.length - 1}`);
		res.rows.forEach((row, i) => {
			const want = expected[i + 1] || [];
			row.forEach((v, c) => {
				const pgType = types[c] || '?';
				if (v !== null && !typeOk(pgType, v))
					problems.push(`${view}.${names[c]} (${pgType}) arrives as ${typeof v}: ${v}`);
				else if (c >= want.length || !valueOk(pgType, v, want[c]))
					problems.push(`${view}.${names[c]} row ${i + 1}: ${v}, psql: ${want[c]}`);
			});
		});
		console.log(`${problems.length ? 'not ok' : 'ok'} - node-postgres reads ${view}: ${res.rows.length} rows x ` +
			`${names.length} columns in plain JavaScript types, values as psql shows them`);
		problems.slice(0, 10).forEach((p) => console.log(`#   ${p}`));
		allOk = allOk && problems.length === 0;
	}
	await client.end();
	return allOk ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
	console.log(`not ok - node-postgres: ${err.message}`);
	process.exit(1);
});
