// The API: loading, identity, check, score, scoreMany, numbers, explain, scoreJson.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const kaohe = require('kaohe')
const { Scheme, scoreJson, errorCodes, InputError } = kaohe
const { repoRoot, readJson, sameDeep } = require('./helpers.js')

const example = path.join(repoRoot, 'examples', 'photo-studio')
const schemeFile = path.join(example, 'scheme.json')
const schemeText = fs.readFileSync(schemeFile, 'utf8')
const employeesText = fs.readFileSync(path.join(example, 'employees.json'), 'utf8')
const employees = JSON.parse(employeesText)

test('a scheme loads from JSON, YAML, a file and an object, as the same scheme', () => {
  const a = Scheme.fromJson(schemeText)
  const b = Scheme.fromFile(schemeFile)
  const c = Scheme.fromFile(path.join(example, 'scheme.yaml'))
  const d = Scheme.fromYaml(fs.readFileSync(path.join(example, 'scheme.yaml'), 'utf8'))
  const e = Scheme.fromObject(JSON.parse(schemeText))
  for (const s of [a, b, c, d, e]) {
    assert.ok(s instanceof Scheme)
    assert.equal(s.id, 'photo-studio-ops')
    assert.equal(s.version, '2026.1')
    assert.match(s.hash, /^sha256:[0-9a-f]{64}$/)
    assert.equal(s.hash, a.hash)
  }
  assert.deepEqual(a.indicatorIds, ['conversion', 'satisfaction', 'repeat'])
  assert.deepEqual([...a.inputNames].sort(), ['consultations', 'late_count', 'orders', 'repeat_rate', 'satisfaction'])
})

test('a Scheme has no public constructor', () => {
  assert.throws(() => new Scheme(), TypeError)
})

test('check() gives the summary as data', () => {
  const summary = Scheme.fromJson(schemeText).check()
  assert.equal(summary.id, 'photo-studio-ops')
  assert.equal(summary.hash, Scheme.fromJson(schemeText).hash)
  assert.deepEqual(summary.indicators.map((i) => [i.id, i.kind, i.weight, i.effectiveWeight]), [
    ['conversion', 'ratio', '30', '30'],
    ['satisfaction', 'ratio', '40', '40'],
    ['repeat', 'ratio', '30', '30'],
  ])
  assert.equal(summary.indicators[0].target, '0.4')
  assert.equal(typeof summary.expressions.native, 'number')
  assert.ok(summary.inputs.includes('late_count'))
  assert.equal(summary.name.zh, '影楼运营部月度考核')
})

test('check() outlines groups with effective weights', () => {
  const s = Scheme.fromFile(path.join(repoRoot, 'examples', 'tech-company', 'scheme.json'))
  const outline = s.check().indicators
  const groups = outline.filter((i) => i.kind === 'group')
  assert.ok(groups.length >= 4)
  assert.ok(outline.some((i) => i.depth === 1))
  const leaves = outline.filter((i) => i.kind !== 'group')
  assert.deepEqual(leaves.map((i) => i.id), s.indicatorIds)
})

test('score() returns a plain object in the contract shape, decimals as strings', () => {
  const scheme = Scheme.fromJson(schemeText)
  const card = scheme.score(employees[0])
  assert.deepEqual(Object.keys(card), [
    'id', 'score', 'grade', 'coefficient', 'subtotal', 'indicators', 'adjustments', 'attributes', 'scheme',
  ])
  assert.equal(Object.getPrototypeOf(card), Object.prototype)
  assert.equal(card.id, 'E001')
  assert.equal(card.score, '100.00')
  assert.equal(card.grade, 'S')
  assert.equal(card.coefficient, '1.5')
  assert.deepEqual(card.indicators[0], {
    id: 'conversion', actual: '0.45', achievement: '1', weight: '30', points: '30.00', status: 'scored',
  })
  assert.deepEqual(card.adjustments, [{ id: 'lateness', applied: false, delta: '0' }])
  assert.deepEqual(card.attributes, employees[0].attributes)
  assert.deepEqual(card.scheme, { id: scheme.id, version: scheme.version, hash: scheme.hash })
  const e003 = scheme.score(employees[2])
  assert.equal(e003.score, '90.00')
  assert.deepEqual(e003.adjustments, [{ id: 'lateness', applied: true, delta: '-10' }])
})

test('a card without attributes has no attributes key; null grades stay null', () => {
  const scheme = Scheme.fromJson(JSON.stringify({
    id: 'g', version: '1', name: 'G',
    inputs: { x: { type: 'number' } },
    indicators: [{ id: 'x', name: 'X', weight: 100, value: 'x', scoring: { type: 'ratio', target: 10 } }],
    grades: [{ grade: 'A', min: 90 }],
  }))
  const card = scheme.score({ id: 1, values: { x: 5 } })
  assert.equal(card.id, '1')
  assert.equal('attributes' in card, false)
  assert.equal(card.grade, null)
  assert.equal(card.coefficient, null)
  assert.equal(card.score, '50.00')
})

test('{ numbers: true } gives JS numbers equal to the decimal strings', () => {
  const scheme = Scheme.fromJson(schemeText)
  const strings = scheme.scoreMany(employees)
  const numbers = scheme.scoreMany(employees, { numbers: true })
  assert.equal(numbers.length, strings.length)
  numbers.forEach((n, i) => {
    const s = strings[i]
    assert.equal(typeof n.score, 'number')
    assert.equal(n.score, Number(s.score))
    assert.equal(n.subtotal, Number(s.subtotal))
    assert.equal(n.coefficient, s.coefficient === null ? null : Number(s.coefficient))
    n.indicators.forEach((line, j) => {
      assert.equal(line.points, Number(s.indicators[j].points))
      assert.equal(line.weight, Number(s.indicators[j].weight))
      assert.equal(line.actual, Number(s.indicators[j].actual))
    })
    n.adjustments.forEach((a, j) => assert.equal(a.delta, Number(s.adjustments[j].delta)))
  })
  assert.equal(scheme.score(employees[3], { numbers: true }).score, 66.24)
  assert.equal(scheme.score(employees[3], { numbers: false }).score, '66.24')
  assert.equal(scheme.score(employees[3], {}).score, '66.24')
})

test('inputs: strings spelling decimals, bigints and numbers score alike', () => {
  const scheme = Scheme.fromJson(schemeText)
  const base = { consultations: 40, orders: 18, satisfaction: 4.5, repeat_rate: 0.35 }
  const asStrings = { consultations: '40', orders: '18', satisfaction: '4.5', repeat_rate: '0.35' }
  const asBig = { consultations: 40n, orders: 18n, satisfaction: 4.5, repeat_rate: 0.35 }
  const withUndefined = { ...base, late_count: undefined }
  const [a, b, c, d] = scheme.scoreMany([
    { id: 'a', values: base }, { id: 'b', values: asStrings }, { id: 'c', values: asBig }, { id: 'd', values: withUndefined },
  ])
  for (const r of [b, c, d]) {
    assert.equal(r.score, a.score)
    assert.equal(r.subtotal, a.subtotal)
  }
})

test('scoreMany keeps failed employees in place and goes on', () => {
  const scheme = Scheme.fromJson(schemeText)
  const cyclic = { id: 'cyclic', values: {} }
  cyclic.values.self = cyclic
  const out = scheme.scoreMany([
    employees[0],
    { id: 'missing', values: { consultations: 10 } },
    { id: 'nan', values: { ...employees[0].values, satisfaction: NaN } },
    { values: employees[0].values },
    { id: 'fn', values: { ...employees[0].values, orders: () => 1 } },
    cyclic,
    'not an object',
    { id: 'bounds', values: { ...employees[0].values, satisfaction: 9 } },
    employees[1],
  ])
  assert.equal(out.length, 9)
  assert.equal(out[0].score, '100.00')
  assert.deepEqual(out.slice(1, 8).map((r) => [r.id, r.error && r.error.code]), [
    ['missing', 'missing_input'],
    ['nan', 'invalid_input'],
    [null, 'invalid_input'],
    ['fn', 'missing_input'], // a function is left out, as JSON.stringify does
    ['cyclic', 'invalid_input'],
    [null, 'invalid_input'],
    ['bounds', 'invalid_input'],
  ])
  assert.equal(out[2].error.path, 'employees[2].values.satisfaction')
  assert.match(out[2].error.message, /NaN/)
  assert.equal(out[8].score, '82.69')
  for (const r of out.slice(1, 8)) {
    assert.deepEqual(Object.keys(r), ['id', 'error'])
    assert.equal(typeof r.error.message, 'string')
  }
})

test('employees are read as JSON.stringify reads them, bigints exactly, NaN as an error', () => {
  const scheme = Scheme.fromJson(schemeText)
  const v = employees[0].values
  // toJSON is honoured (decimal libraries hand out exact strings this way).
  const decimal = (text) => ({ toJSON: () => text })
  const [a, b, c, d, e, f] = scheme.scoreMany([
    { id: 'plain', values: v },
    { id: 'tojson', values: { ...v, satisfaction: decimal('4.5'), repeat_rate: decimal('0.35') } },
    { id: 'fn', values: { ...v, extra: () => 1, sym: Symbol('s') } },
    { id: 'big', values: { ...v, consultations: 40n, orders: 18n } },
    { id: 'inf', values: { ...v, repeat_rate: -Infinity } },
    { id: 'null', attributes: { note: ':null,[null' }, values: { ...v, late_count: null } },
  ])
  for (const r of [b, c, d, f]) assert.equal(r.score, a.score)
  assert.equal(f.attributes.note, ':null,[null')
  // Without the NaN, the same batch (read in one JSON.stringify) gives the same entries.
  const again = scheme.scoreMany([{ id: 'plain', values: v }, { id: 'null', attributes: { note: 'x' }, values: { ...v } }])
  assert.equal(again[0].score, a.score)
  assert.equal(again[1].score, f.score)
  assert.equal(e.error.code, 'invalid_input')
  assert.equal(e.error.path, 'employees[4].values.repeat_rate')
  // One employee alone reads the same way.
  assert.equal(scheme.score({ id: 'tojson', values: { ...v, satisfaction: decimal('4.5') } }).score, a.score)
  assert.equal(scheme.score({ id: 'big', values: { ...v, consultations: 40n, orders: 18n } }).score, a.score)
  assert.throws(() => scheme.score({ id: 'nan', values: { ...v, satisfaction: NaN } }), InputError)
})

test('scoreMany of nothing is nothing', async () => {
  const scheme = Scheme.fromJson(schemeText)
  assert.deepEqual(scheme.scoreMany([]), [])
  assert.deepEqual(await scheme.scoreManyAsync([]), [])
})

test('explain() gives the words in Chinese by default and in English', () => {
  const scheme = Scheme.fromJson(schemeText)
  const zh = scheme.explain(employees[2])
  const en = scheme.explain(employees[2], 'en')
  assert.match(zh, /E003/)
  assert.match(zh, /90\.00/)
  assert.match(zh, /[\u4e00-\u9fff]/)
  assert.match(en, /E003/)
  assert.match(en, /grade A/)
  assert.equal(scheme.explain(employees[2], 'zh-CN'), zh)
  assert.throws(() => scheme.explain(employees[2], 'fr'), RangeError)
  assert.throws(() => scheme.explain({ id: 'x', values: {} }, 'en'), InputError)
})

test('scoreJson returns the CLI JSON text: pretty, two-space indent, no final newline', () => {
  const text = scoreJson(schemeText, employeesText)
  assert.ok(text.startsWith('[\n  {\n    "id": "E001"'))
  assert.ok(!text.endsWith('\n'))
  const parsed = JSON.parse(text)
  assert.equal(parsed.length, employees.length)
  const scheme = Scheme.fromJson(schemeText)
  assert.equal(sameDeep(scheme.scoreMany(employees), parsed), null)
  // JSON Lines in, the same out.
  const lines = employees.map((e) => JSON.stringify(e)).join('\n')
  assert.equal(scoreJson(schemeText, lines), text)
})

test('every example scores through scoreMany as through scoreJson', () => {
  const dir = path.join(repoRoot, 'examples')
  for (const name of fs.readdirSync(dir)) {
    const sub = path.join(dir, name)
    const emp = path.join(sub, 'employees.json')
    if (!fs.statSync(sub).isDirectory() || !fs.existsSync(emp)) continue
    for (const f of fs.readdirSync(sub).filter((x) => /^scheme.*\.json$/.test(x))) {
      const text = fs.readFileSync(path.join(sub, f), 'utf8')
      const typed = Scheme.fromJson(text).scoreMany(readJson(emp))
      const json = JSON.parse(scoreJson(text, fs.readFileSync(emp, 'utf8')))
      assert.equal(sameDeep(typed, json), null, `${name}/${f}`)
      for (const r of typed) assert.ok(!('error' in r), `${name}/${f}: ${JSON.stringify(r)}`)
    }
  }
})

test('errorCodes() is the catalogue', () => {
  const codes = errorCodes()
  assert.equal(codes.length, 21)
  assert.deepEqual(codes.filter((c) => c.scheme).map((c) => c.code), [
    'invalid_scheme', 'duplicate_id', 'weights_mismatch', 'unknown_name', 'script_compile', 'dependency_cycle',
    'quota_infeasible',
  ])
  for (const c of codes) assert.ok(c.description.length > 0)
})

test('a scheme is usable from worker threads', async () => {
  const { Worker } = require('node:worker_threads')
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { Scheme } = require(workerData.pkg)
    const s = Scheme.fromJson(workerData.scheme)
    parentPort.postMessage(s.scoreMany(workerData.employees).map((r) => r.score))
  `
  const run = () => new Promise((resolve, reject) => {
    const w = new Worker(code, {
      eval: true,
      workerData: { pkg: path.resolve(__dirname, '..'), scheme: schemeText, employees },
    })
    w.once('message', resolve)
    w.once('error', reject)
  })
  const [a, b] = await Promise.all([run(), run()])
  const want = Scheme.fromJson(schemeText).scoreMany(employees).map((r) => r.score)
  assert.deepEqual(a, want)
  assert.deepEqual(b, want)
})
