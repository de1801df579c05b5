// Errors: Error subclasses carrying code, path, line, column and the full list; no
// panic crashes the process.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const {
  Scheme, scoreJson, errorCodes, KaoheError, SchemeError, InputError, ScriptError, IoError, InternalError,
} = require('kaohe')
const { repoRoot, packageDir, thrown } = require('./helpers.js')

const schemeText = fs.readFileSync(path.join(repoRoot, 'examples', 'photo-studio', 'scheme.json'), 'utf8')

function scheme(overrides) {
  return JSON.stringify({
    id: 'demo', version: '1', name: 'Demo',
    inputs: { sales: { type: 'number', min: 0 }, visits: { type: 'integer', min: 0 } },
    indicators: [
      { id: 'sales', name: 'Sales', weight: 60, value: 'sales', scoring: { type: 'ratio', target: 200 } },
      { id: 'visits', name: 'Visits', weight: 40, value: 'visits', scoring: { type: 'ratio', target: 10 } },
    ],
    ...overrides,
  })
}

test('the classes are Error subclasses with names', () => {
  for (const cls of [SchemeError, InputError, ScriptError, IoError, InternalError]) {
    const e = new cls('m', { code: 'invalid_input' })
    assert.ok(e instanceof KaoheError)
    assert.ok(e instanceof Error)
    assert.equal(e.name, cls.name)
    assert.equal(e.message, 'm')
    assert.deepEqual(e.errors, [{ code: 'invalid_input', message: 'm' }])
  }
  assert.equal(new KaoheError('x').name, 'KaoheError')
})

test('a scheme with several problems throws one SchemeError listing them all', () => {
  const text = scheme({
    indicators: [
      { id: 'sales', name: 'Sales', weight: 50, value: 'sales', scoring: { type: 'ratio', target: 200 } },
      { id: 'sales', name: 'Again', weight: 40, value: 'nosuch + 1', scoring: { type: 'ratio', target: 10 } },
    ],
  })
  const err = thrown(() => Scheme.fromJson(text), SchemeError)
  assert.ok(err instanceof KaoheError)
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'SchemeError')
  const codes = err.errors.map((e) => e.code)
  assert.ok(codes.includes('weights_mismatch'), codes.join())
  assert.ok(codes.includes('duplicate_id'), codes.join())
  assert.ok(codes.includes('unknown_name'), codes.join())
  assert.ok(err.errors.length >= 3)
  assert.equal(err.code, err.errors[0].code)
  assert.match(err.message, /problems/)
  for (const e of err.errors) {
    assert.equal(typeof e.message, 'string')
    assert.ok(e.path !== undefined || e.line !== undefined)
  }
  const unknown = err.errors.find((e) => e.code === 'unknown_name')
  assert.equal(typeof unknown.line, 'number')
  assert.equal(typeof unknown.column, 'number')
  assert.match(err.stack, /SchemeError/)
})

test('a script that does not parse names its line and column', () => {
  const text = scheme({ derived: { twice: 'sales * * 2' } })
  const err = thrown(() => Scheme.fromJson(text), SchemeError)
  assert.equal(err.code, 'script_compile')
  assert.equal(err.path, 'derived.twice')
  assert.equal(err.line, 1)
  assert.equal(typeof err.column, 'number')
})

test('unreadable JSON is an invalid_scheme with line and column', () => {
  const err = thrown(() => Scheme.fromJson('{\n  "id": "x",\n  oops\n}'), SchemeError)
  assert.equal(err.code, 'invalid_scheme')
  assert.equal(err.line, 3)
  assert.equal(typeof err.column, 'number')
})

test('a scheme object that is not data is a SchemeError', () => {
  const err = thrown(() => Scheme.fromObject({ id: 'x', version: 1, f: () => 1 }), SchemeError)
  assert.equal(err.code, 'invalid_scheme')
})

test('employee errors: InputError and ScriptError with path and employeeId', () => {
  const s = Scheme.fromJson(scheme())
  let err = thrown(() => s.score({ id: 'E1', values: { sales: 100 } }), InputError)
  assert.equal(err.code, 'missing_input')
  assert.equal(err.path, 'values.visits')
  assert.equal(err.employeeId, 'E1')
  assert.deepEqual(err.errors.map((e) => e.code), ['missing_input'])

  err = thrown(() => s.score({ id: 'E2', values: { sales: -1, visits: 1 } }), InputError)
  assert.equal(err.code, 'invalid_input')
  assert.equal(err.path, 'values.sales')

  err = thrown(() => s.score({ id: 'E3', values: { sales: 1.5, visits: 1.5 } }), InputError)
  assert.equal(err.code, 'invalid_input')

  err = thrown(() => s.score({ id: 'E4', values: { sales: Infinity, visits: 1 } }), InputError)
  assert.equal(err.code, 'invalid_input')
  assert.equal(err.path, 'values.sales')

  err = thrown(() => s.score({ id: 'E5', value: {} }), InputError)
  assert.equal(err.code, 'invalid_input')

  const divides = Scheme.fromJson(scheme({ derived: { rate: 'sales / visits' }, indicators: [
    { id: 'rate', name: 'Rate', weight: 100, value: 'rate', scoring: { type: 'ratio', target: 10 } },
  ] }))
  err = thrown(() => divides.score({ id: 'E6', values: { sales: 1, visits: 0 } }), ScriptError)
  assert.equal(err.code, 'script_runtime')
  assert.equal(err.employeeId, 'E6')
})

test('a script that never ends fails with script_limit, quickly, and the process goes on', () => {
  const s = Scheme.fromJson(scheme({
    derived: { forever: 'let n = 0; loop { n += 1; } n' },
    indicators: [{ id: 'sales', name: 'Sales', weight: 100, value: 'sales', scoring: { type: 'ratio', target: 200 } }],
  }))
  const started = Date.now()
  const err = thrown(() => s.score({ id: 'L', values: { sales: 1, visits: 1 } }), ScriptError)
  assert.equal(err.code, 'script_limit')
  assert.ok(Date.now() - started < 5000)
})

test('scoreJson: a document that is not JSON is an InputError(invalid_document); a bad scheme a SchemeError', () => {
  const err = thrown(() => scoreJson(schemeText, '[{"id": '), InputError)
  assert.equal(err.code, 'invalid_document')
  assert.equal(typeof err.line, 'number')
  assert.throws(() => scoreJson('{}', '[]'), SchemeError)
})

test('an unreadable file is an IoError', () => {
  const err = thrown(() => Scheme.fromFile(path.join(packageDir, 'no-such-scheme.json')), IoError)
  assert.equal(err.code, 'io_error')
  assert.match(err.message, /no-such-scheme\.json/)
})

test('arguments of the wrong type are TypeErrors; an unknown language a RangeError', async () => {
  const s = Scheme.fromJson(schemeText)
  assert.throws(() => Scheme.fromJson(42), TypeError)
  assert.throws(() => s.scoreMany('E001'), TypeError)
  assert.throws(() => s.scoreMany([], { numbers: 'yes' }), TypeError)
  await assert.rejects(s.scoreManyAsync({}), TypeError)
  assert.throws(() => s.explain({ id: 'x', values: {} }, 'fr'), RangeError)
})

test('a panic inside the binding is an InternalError, sync and async; the process lives on', async () => {
  const s = Scheme.fromJson(schemeText)
  const err = thrown(() => s.__panicForTest(false), InternalError)
  assert.equal(err.code, 'internal_error')
  const rejected = await s.__panicForTest(true).then(() => null, (e) => e)
  assert.ok(rejected instanceof InternalError)
  assert.equal(rejected.code, 'internal_error')
  assert.equal(s.score({ id: 'after', values: { consultations: 1, orders: 1, satisfaction: 5, repeat_rate: 1 } }).score, '100.00')
})

test('every code of the catalogue is thrown as a KaoheError subclass, and is in the ErrorCode type', () => {
  const dts = fs.readFileSync(path.join(packageDir, 'index.d.ts'), 'utf8')
  const union = /export type ErrorCode =([^]*?)\n\n/.exec(dts)
  assert.ok(union, 'index.d.ts declares ErrorCode')
  for (const { code, scheme: isScheme } of errorCodes()) {
    assert.ok(union[1].includes(`'${code}'`), `${code} missing from the ErrorCode type`)
    const e = new KaoheError('x', { code })
    assert.equal(e.code, code)
    if (isScheme) assert.ok(/export type SchemeErrorCode =[^]*?\n\n/.exec(dts)[0].includes(`'${code}'`))
  }
})
