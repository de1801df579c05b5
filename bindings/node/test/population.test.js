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
