// index.d.ts is precise: generated, covers the API, and never says `any`.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { packageDir } = require('./helpers.js')

test('index.d.ts declares the API without any', () => {
  const dts = fs.readFileSync(path.join(packageDir, 'index.d.ts'), 'utf8')
  assert.doesNotMatch(dts, /([:<|,(]\s*any\b)|(\bany\s*[\[>|,)])/)
  for (const name of [
    'export declare class Scheme', 'static fromJson(text: string): Scheme', 'static fromFile(path: string): Scheme',
    'check(): SchemeSummary', 'score<O extends ScoreOptions = {}>(employee: EmployeeInput, options?: O): ScoreCard<DecimalOf<O>>',
    'scoreManyAsync<O extends ScoreOptions = {}>(', '): Promise<Array<Outcome<DecimalOf<O>>>>',
    'scoreMany<O extends ScoreOptions = {}>(employees: readonly EmployeeInput[], options?: O): Array<Outcome<DecimalOf<O>>>',
    'export declare function scoreJson(schemeJson: string, employeesJson: string): string',
    'export declare class KaoheError extends Error', 'export declare class SchemeError extends KaoheError',
  ]) {
    assert.ok(dts.includes(name), `index.d.ts lacks: ${name}`)
  }
  assert.doesNotMatch(dts, /__/)
})
