// Population results through Node: every population vector via `calibrateJson` and
// `Scheme#calibrate` (the same result), hand-computed figures, and errors.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Scheme, calibrateJson, SchemeError } = require('kaohe')
const { repoRoot } = require('./helpers.js')

const dir = path.join(repoRoot, 'spec', 'vectors', 'population')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
const load = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))

test('the population vectors are there', () => {
  assert.ok(files.length >= 10)
})

for (const file of files) {
  test(`population ${file}: calibrate agrees with calibrateJson`, () => {
    const c = load(file)
    const schemeText = JSON.stringify(c.scheme)
    const employeesText = JSON.stringify(c.employees)
    if (c.expect.scheme_errors) {
      assert.throws(() => calibrateJson(schemeText, employeesText), (e) => {
        assert.ok(e instanceof SchemeError)
        assert.deepEqual(e.errors.map((x) => x.code), c.expect.scheme_errors.map((x) => x.code))
        return true
      })
      return
    }
    const scheme = Scheme.fromObject(c.scheme)
    if (c.expect.error) {
      assert.throws(() => scheme.calibrate(c.employees), (e) => {
        assert.ok(e instanceof SchemeError, String(e))
        assert.equal(e.code, c.expect.error.code)
        assert.match(e.message, new RegExp(c.expect.error.message_contains))
        return true
      })
      return
    }
    const typed = scheme.calibrate(c.employees)
    assert.deepEqual(typed, JSON.parse(calibrateJson(schemeText, employeesText)))
    if (c.expect.members) {
      assert.deepEqual(typed.members.map((m) => m.id), c.expect.members.map((m) => m.id))
    }
  })
}

test('a pool that does not divide evenly sums to the cent', () => {
  const c = load('pool-remainder.json')
  const r = Scheme.fromObject(c.scheme).calibrate(c.employees)
  assert.deepEqual(r.members.map((m) => [m.id, m.pay.bonus]), [
    ['a', '340.91'], ['b', '272.73'], ['c', '272.73'], ['d', '113.63'],
  ])
  assert.equal(r.pool.allocated, '1000.00')
  assert.equal(r.pool.remainder_units, 3)
})

test('raw and calibrated grades with the reason for the move', () => {
  const c = load('rounding-small-teams.json')
  const r = Scheme.fromObject(c.scheme).calibrate(c.employees)
  const s3 = r.members.find((m) => m.id === 's3')
  assert.equal(s3.raw_grade, 'S')
  assert.equal(s3.grade, 'B')
  assert.deepEqual(s3.moves.map((m) => [m.from, m.to, m.bound, m.limit, m.group_rank]), [
    ['S', 'A', 'max', 1, 3], ['A', 'B', 'max', 1, 3],
  ])
})

// examples/transfer: T01 moved from 客服部 (the service scheme) to 销售部 (the sales
// scheme) on 2026-04-01: 88.00 for 90 days and 95.00 for 91 days,
// (88.00 × 90 + 95.00 × 91) / 181 = 16565 / 181 = 91.52, grade A from the sales bands,
// pay 10000 × 1.2 × 181/181 = 12000.00 (the figures of cli/tests/calibrate.rs).
const transferDir = path.join(repoRoot, 'examples', 'transfer')
const transfer = (name) => fs.readFileSync(path.join(transferDir, name), 'utf8')

test('a transfer between schemes is combined by days', () => {
  const [salesText, serviceText, peopleText] = ['sales.json', 'service.json', 'employees.json'].map(transfer)
  const sales = Scheme.fromJson(salesText)
  const service = Scheme.fromJson(serviceText)
  const r = sales.calibrate(JSON.parse(peopleText), { segmentSchemes: [service] })
  assert.deepEqual(r.members.map((m) => m.id), ['S01', 'T01', 'S02', 'S03'])
  const t01 = r.members[1]
  assert.deepEqual([t01.score, t01.raw_grade, t01.grade, t01.days], ['91.52', 'A', 'A', 181])
  assert.equal(t01.pay.performance_pay, '12000.00')
  assert.deepEqual(t01.segments.map((s) => [s.days, s.score, s.scheme.id]), [
    [90, '88.00', 'service-2026h1'], [91, '95.00', 'sales-2026h1'],
  ])
  assert.equal(r.errors, undefined)
  // The JSON entry point gives the same result from the texts.
  assert.deepEqual(JSON.parse(calibrateJson(salesText, peopleText, [serviceText])), r)
})

test('a segment naming a scheme not given fails at attributes.scheme', () => {
  const [salesText, , peopleText] = ['sales.json', 'service.json', 'employees.json'].map(transfer)
  const r = Scheme.fromJson(salesText).calibrate(JSON.parse(peopleText))
  assert.deepEqual(r.members.map((m) => m.id), ['S01', 'S02', 'S03'])
  assert.equal(r.errors.length, 1)
  assert.equal(r.errors[0].id, 'T01')
  assert.equal(r.errors[0].error.code, 'invalid_input')
  assert.equal(r.errors[0].error.path, 'attributes.scheme')
  assert.match(r.errors[0].error.message, /'service-2026h1'/)
  assert.deepEqual(JSON.parse(calibrateJson(salesText, peopleText)), r)
})

test('segment schemes are checked', () => {
  const [salesText, serviceText, peopleText] = ['sales.json', 'service.json', 'employees.json'].map(transfer)
  const [sales, service, people] = [Scheme.fromJson(salesText), Scheme.fromJson(serviceText), JSON.parse(peopleText)]
  const schemeError = (code, p) => (e) => {
    assert.ok(e instanceof SchemeError, String(e))
    assert.equal(e.code, code)
    assert.equal(e.path, p)
    return true
  }
  assert.throws(() => service.calibrate(people, { segmentSchemes: [sales] }),
    schemeError('invalid_scheme', 'population.proration'))
  assert.throws(() => sales.calibrate(people, { segmentSchemes: [service, service] }),
    schemeError('duplicate_id', 'segment_schemes[1]'))
  const broken = serviceText.replace('"weight": 60', '"weight": 50')
  assert.throws(() => calibrateJson(salesText, peopleText, [broken]), (e) => {
    assert.ok(e instanceof SchemeError)
    assert.equal(e.code, 'weights_mismatch')
    assert.ok(e.errors.every((x) => x.path.startsWith('segment_schemes[0]')), JSON.stringify(e.errors))
    return true
  })
  // Schemes, not texts; an absent list is none.
  assert.throws(() => sales.calibrate(people, { segmentSchemes: [serviceText] }), TypeError)
  assert.throws(() => sales.calibrate(people, { segmentSchemes: service }), TypeError)
  assert.throws(() => sales.calibrate(people, 'x'), TypeError)
  assert.deepEqual(sales.calibrate(people, {}), sales.calibrate(people))
  assert.deepEqual(sales.calibrate(people, { segmentSchemes: undefined }), sales.calibrate(people))
})
