// One employee explained through Node: examples/transfer's T01, who moved from 客服部
// (the service scheme) to 销售部 (the sales scheme) on 2026-04-01, scored per segment
// and combined by days worked (88.00 × 90 + 95.00 × 91) / 181 = 91.52, grade A; the
// text is the one `kaohe explain` prints (cli/tests/calibrate.rs pins it).
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Scheme, explainJson, InputError, SchemeError } = require('kaohe')
const { repoRoot } = require('./helpers.js')

const transfer = (name) => fs.readFileSync(path.join(repoRoot, 'examples', 'transfer', name), 'utf8')
const [salesText, serviceText, peopleText] = ['sales.json', 'service.json', 'employees.json'].map(transfer)
const sales = Scheme.fromJson(salesText)
const service = Scheme.fromJson(serviceText)
const people = JSON.parse(peopleText)

const SEGMENTS_ZH =
  '  分段：客服部（客服部上半年考核） 90 天 88.00 分 + 销售部（销售部上半年考核） 91 天 95.00 分，按天数加权 = 91.52 分（16565 / 181）\n'
const SEGMENTS_EN =
  '  Segments: 客服部 (Customer service, H1) 90 days 88.00 + 销售部 (Sales, H1) 91 days 95.00, weighted by days = 91.52 (16565 / 181)\n'

test('explainEmployee shows the segments of a transfer, in Chinese and English', () => {
  const zh = sales.explainEmployee('T01', people, { segmentSchemes: [service] })
  assert.ok(zh.startsWith('T01 · 销售部上半年考核：总分 91.52，等级 A（绩效系数 1.2）\n' + SEGMENTS_ZH), zh)
  assert.ok(zh.includes('第 1 段：客服部（客服部上半年考核），2026-01-01 至 2026-03-31，90 天\n'), zh)
  assert.ok(zh.includes('    客户满意度 4.4，目标 5，达成 88%，得 52.80 分（权重 60）\n'), zh)
  assert.ok(zh.includes('第 2 段：销售部（销售部上半年考核），2026-04-01 至 2026-06-30，91 天\n'), zh)
  const en = sales.explainEmployee('T01', people, { lang: 'en', segmentSchemes: [service] })
  assert.ok(en.startsWith('T01 · Sales, H1: score 91.52, grade A (coefficient 1.2)\n' + SEGMENTS_EN), en)
  assert.ok(en.includes('Segment 2: 销售部 (Sales, H1), 2026-04-01 to 2026-06-30, 91 days\n'), en)
  // One record: the scheme's own explanation of the card.
  const s01 = people.find((p) => p.id === 'S01')
  assert.equal(sales.explainEmployee('S01', people, { segmentSchemes: [service] }), sales.explain(s01))
})

test('explainJson is the text `kaohe explain --json` prints', () => {
  const text = explainJson(salesText, peopleText, 'T01', 'en', [serviceText])
  assert.ok(text.startsWith('{\n  "card": {'), text)
  const out = JSON.parse(text)
  assert.deepEqual([out.card.score, out.card.grade], ['91.52', 'A'])
  const p = out.proration
  assert.deepEqual([p.cycle_days, p.days, p.weighted_sum, p.score], [181, 181, '16565.00', '91.52'])
  assert.deepEqual(p.segments.map((s) => [s.days, s.score, s.scheme.id]), [
    [90, '88.00', 'service-2026h1'],
    [91, '95.00', 'sales-2026h1'],
  ])
  assert.equal(p.segments[0].attributes.department, '客服部')
  assert.equal(p.segments[0].card.indicators[0].points, '52.80')
  assert.equal(out.text, sales.explainEmployee('T01', people, { lang: 'en', segmentSchemes: [service] }))
  assert.ok(out.text.includes(SEGMENTS_EN))
  assert.ok(JSON.parse(explainJson(salesText, peopleText, 'T01', undefined, [serviceText])).text.includes(SEGMENTS_ZH))
})

test('explaining an employee fails with a code and a place', () => {
  const inputError = (code, p, id) => (e) => {
    assert.ok(e instanceof InputError, String(e))
    assert.equal(e.code, code)
    assert.equal(e.path, p)
    assert.equal(e.employeeId, id)
    return true
  }
  assert.throws(() => sales.explainEmployee('nobody', people, { segmentSchemes: [service] }),
    inputError('unknown_employee', 'id', 'nobody'))
  assert.throws(() => explainJson(salesText, peopleText, 'nobody', 'zh', [serviceText]),
    (e) => e instanceof InputError && e.code === 'unknown_employee' && e.path === 'id')
  // The service scheme not given: T01's first segment names a scheme that is not there.
  assert.throws(() => sales.explainEmployee('T01', people), inputError('invalid_input', 'attributes.scheme', 'T01'))
  assert.throws(() => explainJson(salesText, peopleText, 'T01'),
    (e) => e instanceof InputError && e.path === 'attributes.scheme' && /'service-2026h1'/.test(e.message))
  // Segment schemes for a scheme that does not prorate.
  assert.throws(() => service.explainEmployee('T01', people, { segmentSchemes: [sales] }),
    (e) => e instanceof SchemeError && e.code === 'invalid_scheme' && e.path === 'population.proration')
  // Misused arguments.
  assert.throws(() => sales.explainEmployee('T01', people, { lang: 'fr', segmentSchemes: [service] }), RangeError)
  assert.throws(() => sales.explainEmployee('T01', people, { lang: 1 }), TypeError)
  assert.throws(() => sales.explainEmployee('T01', people, 'en'), TypeError)
  assert.throws(() => sales.explainEmployee('T01', people, { segmentSchemes: [serviceText] }), TypeError)
  assert.throws(() => explainJson(salesText, peopleText, 'T01', 'fr', [serviceText]), RangeError)
})
