// Every acceptance vector (spec/vectors/ and ../shared/spec/vectors/) through the typed
// batch API (`scoreMany`, `scoreManyAsync`) and the conformance entry point (`scoreJson`).
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { Scheme, scoreJson, SchemeError } = require('kaohe')
const { vectorFiles, compare, readJson, sameDeep, thrown } = require('./helpers.js')

const files = vectorFiles()

test('the vectors are there', () => {
  assert.ok(files.length > 0, 'no vectors found')
  const shared = files.filter((f) => f.includes(`${path.sep}shared${path.sep}`))
  assert.ok(shared.length > 0, 'no shared vectors found (../shared/spec/vectors)')
})

for (const file of files) {
  const name = path.relative(path.resolve(__dirname, '..', '..', '..', '..'), file)
  test(`vector ${name}`, async () => {
    const kase = readJson(file)
    const schemeText = JSON.stringify(kase.scheme)
    const employeesText = JSON.stringify(kase.employees)
    const schemeError = kase.expect.scheme_error
    if (schemeError !== undefined) {
      const err = thrown(() => Scheme.fromJson(schemeText), SchemeError)
      assert.ok(
        err.errors.some((e) => e.code === schemeError),
        `expected ${schemeError}, got ${JSON.stringify(err.errors)}`,
      )
      for (const e of err.errors) {
        assert.ok(e.path !== undefined || e.line !== undefined, `a scheme error has no location: ${JSON.stringify(e)}`)
      }
      assert.throws(
        () => scoreJson(schemeText, employeesText),
        (e) => e instanceof SchemeError && e.errors.some((x) => x.code === schemeError),
      )
      return
    }
    const scheme = Scheme.fromJson(schemeText)
    const typed = scheme.scoreMany(kase.employees)
    assert.deepEqual(compare(kase, typed), [], 'scoreMany')
    const background = await scheme.scoreManyAsync(kase.employees)
    assert.deepEqual(background, typed, 'scoreManyAsync gives what scoreMany gives')
    const json = JSON.parse(scoreJson(schemeText, employeesText))
    assert.deepEqual(compare(kase, json), [], 'scoreJson')
    // The typed results are the contract's JSON shape: the same as scoreJson's, field by field.
    assert.equal(sameDeep(typed, json), null)
  })
}
