// The ES module entry point: named and default imports, the same objects as require().
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import kaoheDefault, { Scheme, scoreJson, calibrateJson, explainJson, errorCodes, KaoheError, SchemeError, InputError } from 'kaohe'
import * as relative from '../index.mjs'

const require = createRequire(import.meta.url)
const cjs = require('kaohe')
const schemeUrl = new URL('../../../examples/photo-studio/scheme.json', import.meta.url)
const employeesUrl = new URL('../../../examples/photo-studio/employees.json', import.meta.url)

test('ESM named imports work and are the CommonJS objects', () => {
  assert.equal(Scheme, cjs.Scheme)
  assert.equal(SchemeError, cjs.SchemeError)
  assert.equal(kaoheDefault, cjs)
  assert.equal(relative.Scheme, Scheme)
  assert.equal(typeof scoreJson, 'function')
  assert.equal(calibrateJson, cjs.calibrateJson)
  assert.equal(explainJson, cjs.explainJson)
  assert.equal(errorCodes().length, 21)
})

test('ESM: score, and errors are instances across module systems', async () => {
  const scheme = Scheme.fromJson(fs.readFileSync(schemeUrl, 'utf8'))
  const employees = JSON.parse(fs.readFileSync(employeesUrl, 'utf8'))
  assert.equal(scheme.score(employees[0]).score, '100.00')
  const results = await scheme.scoreManyAsync(employees)
  assert.equal(results[2].grade, 'A')
  assert.throws(() => Scheme.fromJson('{}'), (e) => e instanceof cjs.SchemeError && e instanceof KaoheError)
  assert.throws(() => scheme.score({ id: 'x', values: {} }), InputError)
})

test('require() from an ES module gives the same objects', () => {
  const viaRequire = require('../index.js')
  assert.equal(viaRequire.Scheme, Scheme)
})
