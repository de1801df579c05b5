// Analytics, what-if, trends and the report from Node: plain objects in the core's JSON
// shape, and the analytics vectors (kinds analyze, whatif and trend) replayed through the binding.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const kaohe = require('../index.js')
const { repoRoot } = require('./helpers.js')

const ex = (...p) => path.join(repoRoot, 'examples', ...p)
const v1 = kaohe.Scheme.fromFile(ex('retention-whatif', 'scheme-v1.json'))
const v2 = kaohe.Scheme.fromFile(ex('retention-whatif', 'scheme-v2.json'))
const stores = JSON.parse(fs.readFileSync(ex('retention-whatif', 'employees.json'), 'utf8'))
const regions = JSON.parse(fs.readFileSync(ex('retail-regions', 'employees.json'), 'utf8'))

test('analyze returns plain objects with exact decimals', () => {
  const a = kaohe.analyze(v1, regions, { by: 'department', lang: 'en', quotas: [{ label: 'S ≤ 15%', grades: ['S'], max: 0.15 }] })
  assert.equal(Object.getPrototypeOf(a), Object.prototype)
  assert.equal(a.scored, 48)
  assert.deepEqual(a.groups.map((g) => g.group), ['华东区', '华南区', '华北区', '西南区'])
  assert.equal(typeof a.distribution.grades[0].raw_share, 'string')
  assert.equal(a.distribution.quotas[0].raw_status, 'above')
  const flagged = a.anomalies.map((x) => `${x.id}:${x.input}`)
  assert.ok(flagged.includes('R0015:sales') && flagged.includes('R0031:training_sessions'), flagged.join(' '))
  assert.match(a.anomalies.find((x) => x.id === 'R0015').message, /check for double counting/)
})

test('whatif of the retention weight', () => {
  const w = kaohe.whatif(v1, v2, stores)
  assert.equal(w.compared, 12)
  assert.equal(w.indicators[0].indicator, 'retention')
  const crossing = w.crossings.find((c) => c.id === 'S5002')
  assert.deepEqual([crossing.from, crossing.to, crossing.grade_move], ['A', 'B', 'down'])
  const s5010 = w.changes.find((c) => c.id === 'S5010')
  assert.deepEqual([s5010.score_a, s5010.score_b], ['98.40', '100.13'])
})

test('reportHtml with a what-if', () => {
  const html = kaohe.reportHtml(v1, regions, { whatif: v2, by: 'department', lang: 'en' })
  assert.ok(html.startsWith('<!DOCTYPE html>'))
  assert.ok(html.includes('<section id="whatif">'))
  assert.ok(!html.includes('<script'))
})

const trendCase = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'spec', 'vectors', 'analytics', 'trend-three-cycles.json'), 'utf8'),
)
const cyclesOf = (kase) =>
  kase.cycles.map((c) => ({ label: c.label, scheme: kaohe.Scheme.fromObject(c.scheme), employees: c.employees }))

test('trend returns plain points per group and cycle', () => {
  const t = kaohe.trend(cyclesOf(trendCase), { by: 'dept' })
  assert.deepEqual(Object.keys(t), ['points', 'cycles'])
  const p = t.points
  assert.ok(Array.isArray(p))
  assert.equal(Object.getPrototypeOf(p[0]), Object.prototype)
  assert.deepEqual(p.map((x) => `${x.group}/${x.cycle}`), ['X/2026Q1', 'X/2026Q2', 'Y/2026Q1', 'Y/2026Q3', 'Z/2026Q2'])
  assert.deepEqual([p[1].mean_score, p[1].mean_change, p[0].mean_change], ['95', '10', null])
  assert.deepEqual(p[0].grades.map((g) => g.grade), ['A', 'S', 'B', 'C'])
  assert.deepEqual(
    t.cycles.map((c) => [c.cycle, c.employees, c.scored, c.failed, c.errors.length]),
    [['2026Q1', 3, 3, 0, 0], ['2026Q2', 3, 3, 0, 0], ['2026Q3', 1, 1, 0, 0]],
  )
  const all = kaohe.trend(cyclesOf(trendCase)).points
  assert.deepEqual(all.map((x) => [x.group, x.count]), [['all', 3], ['all', 3], ['all', 1]])
})

// The trend vector's cycles with failures planted: in 2026Q2 one employee lacks every
// value and one record is not an object; in 2026Q3 one value is not a number.
function withFailures() {
  const cycles = cyclesOf(trendCase)
  cycles[1].employees = [...cycles[1].employees, { id: 'gone', attributes: { dept: 'X' }, values: {} }, 42]
  const typo = structuredClone(cycles[2].employees[0])
  typo.id = 'typo'
  for (const k of Object.keys(typo.values)) typo.values[k] = 'n/a'
  cycles[2].employees = [...cycles[2].employees, typo]
  return cycles
}

test('trend counts the employees that failed, per cycle, as Python does', () => {
  const t = kaohe.trend(withFailures(), { by: 'dept' })
  // The points are those of the employees that scored: unchanged by the failures.
  assert.deepEqual(t.points, kaohe.trend(cyclesOf(trendCase), { by: 'dept' }).points)
  assert.deepEqual(
    t.cycles.map((c) => [c.cycle, c.employees, c.scored, c.failed]),
    [['2026Q1', 3, 3, 0], ['2026Q2', 5, 3, 2], ['2026Q3', 2, 1, 1]],
  )
  const q2 = t.cycles[1].errors
  assert.deepEqual([q2[0].id, q2[0].error.code], ['gone', 'missing_input'])
  assert.ok(q2[0].error.path.startsWith('values.'), q2[0].error.path)
  assert.deepEqual([q2[1].id, q2[1].error.code, q2[1].error.path], [null, 'invalid_input', 'employees[4]'])
  const q3 = t.cycles[2].errors
  assert.deepEqual([q3[0].id, q3[0].error.code], ['typo', 'invalid_input'])
  assert.ok(q3[0].error.message.length > 0)
})

test('bad trend cycles are TypeErrors', () => {
  assert.throws(() => kaohe.trend('not a list'), TypeError)
  assert.throws(() => kaohe.trend([{ label: 'Q1', scheme: {}, employees: [] }]), TypeError)
  assert.throws(() => kaohe.trend([{ label: 1, scheme: v1, employees: [] }]), TypeError)
  assert.throws(() => kaohe.trend([{ label: 'Q1', scheme: v1, employees: 'nobody' }]), TypeError)
  assert.throws(() => kaohe.trend([], 'dept'), TypeError)
})

test('bad options are errors', () => {
  assert.throws(() => kaohe.analyze(v1, stores, { lang: 'fr' }), RangeError)
  assert.throws(() => kaohe.analyze(v1, stores, { threshold: 'lots' }), RangeError)
  assert.throws(() => kaohe.analyze(v1, 'not a list'), TypeError)
})

function subset(want, got, at, diffs) {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    for (const [k, v] of Object.entries(want)) {
      if (!(k in (got ?? {}))) {
        if (v !== null) diffs.push(`${at}.${k}: missing`)
      } else subset(v, got[k], `${at}.${k}`, diffs)
    }
  } else if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      diffs.push(`${at}: expected ${want.length} items, got ${JSON.stringify(got)}`)
      return
    }
    want.forEach((w, i) => subset(w, got[i], `${at}[${i}]`, diffs))
  } else {
    const num = (v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) || typeof v === 'number'
    const same = num(want) && num(got) ? Number(want) === Number(got) : want === got
    if (!same) diffs.push(`${at}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`)
  }
}

const dir = path.join(repoRoot, 'spec', 'vectors', 'analytics')
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const kase = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
  if (kase.kind !== 'analyze' && kase.kind !== 'whatif' && kase.kind !== 'trend') continue
  test(`analytics vector ${file}`, () => {
    const got =
      kase.kind === 'analyze'
        ? kaohe.analyze(kaohe.Scheme.fromObject(kase.scheme), kase.employees, kase.options)
        : kase.kind === 'whatif'
          ? kaohe.whatif(kaohe.Scheme.fromObject(kase.scheme), kaohe.Scheme.fromObject(kase.scheme_b), kase.employees)
          : { trend: kaohe.trend(cyclesOf(kase), kase.options).points }
    const diffs = []
    subset(kase.expect, got, '', diffs)
    assert.deepEqual(diffs, [])
  })
}
