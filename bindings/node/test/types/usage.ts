// Typed usage of the package, checked with `tsc --noEmit` (never run): the types are
// precise enough that mistakes below marked @ts-expect-error are caught.
import fs = require('node:fs')
import kaohe = require('kaohe')

const { Scheme, scoreJson, errorCodes, KaoheError, SchemeError, InputError, ScriptError } = kaohe
type EmployeeInput = kaohe.EmployeeInput
type ScoreCard<D extends string | number = string> = kaohe.ScoreCard<D>
type Outcome<D extends string | number = string> = kaohe.Outcome<D>

const scheme: kaohe.Scheme = Scheme.fromJson(fs.readFileSync('scheme.json', 'utf8'))
const fromFile = Scheme.fromFile('scheme.yaml')
const fromObject = Scheme.fromObject({ id: 'x', version: '1', name: { zh: '考核' }, indicators: [] })
const id: string = scheme.id + fromFile.version + fromObject.hash
const ids: string[] = scheme.indicatorIds

const employee: EmployeeInput = {
  id: 'E001',
  attributes: { name: '林晓', level: 5 },
  values: { consultations: 40, orders: 18n, satisfaction: '4.5', late_count: null, feedback: { peer: [3, 5, 4] } },
}
// @ts-expect-error an employee needs an id
const noId: EmployeeInput = { values: {} }

// Decimals are strings by default…
const card: ScoreCard = scheme.score(employee)
const score: string = card.score
const grade: string | null = card.grade
const coefficient: string | null = card.coefficient
// @ts-expect-error a string score is not a number
const wrong: number = card.score
// …and numbers on request, in the types too.
const numeric = scheme.score(employee, { numbers: true })
const n: number = numeric.score + numeric.subtotal
const points: number | null = numeric.indicators[0]?.points ?? null
// @ts-expect-error a numeric score is not a string
const wrong2: string = numeric.score
const explicit: string = scheme.score(employee, { numbers: false }).score
declare const flag: boolean
const either: string | number = scheme.score(employee, { numbers: flag }).score
// @ts-expect-error with a boolean option the decimal may be either
const either2: string = scheme.score(employee, { numbers: flag }).score
// @ts-expect-error unknown option
scheme.score(employee, { decimals: true })

const status: 'scored' | 'missing_zero' | 'excluded' = card.indicators[0]!.status
const applied: boolean = card.adjustments[0]!.applied
const hash: string = card.scheme.hash

function report(outcomes: Outcome[]): string[] {
  return outcomes.map((o) => ('error' in o ? `${o.id ?? '?'}: ${o.error.code} ${o.error.path ?? ''}` : `${o.id} ${o.score}`))
}
report(scheme.scoreMany([employee, employee]))
const manyNumbers: Outcome<number>[] = scheme.scoreMany([employee], { numbers: true })

async function background(): Promise<number> {
  const results = await scheme.scoreManyAsync([employee], { numbers: true })
  let total = 0
  for (const r of results) if (!('error' in r)) total += r.score
  return total
}
void background()

const words: string = scheme.explain(employee, 'en') + scheme.explain(employee)
const summary = scheme.check()
const weights: string[] = summary.indicators.map((i) => `${i.id} ${i.effectiveWeight} ${i.depth}`)
const native: number = summary.expressions.native
const text: string = scoreJson('{}', '[]')
const codes: kaohe.ErrorCode[] = errorCodes().map((c) => c.code)

try {
  scheme.score(employee)
} catch (e) {
  if (e instanceof SchemeError) {
    const all: kaohe.ErrorDetail[] = e.errors
    const code: kaohe.SchemeErrorCode = e.code
    console.log(all.length, code)
  } else if (e instanceof InputError || e instanceof ScriptError) {
    const where: string | undefined = e.path
    const line: number | undefined = e.line
    const who: string | undefined = e.employeeId
    console.log(e.code, where, line, who)
  } else if (e instanceof KaoheError) {
    // @ts-expect-error not a code
    const bad: typeof e.code = 'no_such_code'
    console.log(bad)
  }
}

// @ts-expect-error fromJson takes text
Scheme.fromJson({ id: 'x' })
// @ts-expect-error no public constructor arguments
new Scheme('x')

console.log(id, ids, noId, score, grade, coefficient, wrong, n, points, wrong2, explicit, either, either2, status, applied, hash,
  manyNumbers, words, weights, native, text, codes)

// Population results: ranks, raw and calibrated grades, pay.
const population: kaohe.PopulationResult = scheme.calibrate([employee])
const first: kaohe.PopulationMember | undefined = population.members[0]
const calibrated: string | null = first ? first.grade : null
const raw: string | null = first ? first.raw_grade : null
const why: string[] = (first?.moves ?? []).map((m) => `${m.from}->${m.to} ${m.bound} ${m.limit}`)
const popText: string = kaohe.calibrateJson('{}', '[]')
// @ts-expect-error rank is a number
const badRank: string = population.members[0].rank
console.log(calibrated, raw, why, popText, badRank)
// Transfers between schemes: the other schemes as an option, or their texts.
const withSegments: kaohe.PopulationResult = scheme.calibrate([employee], { segmentSchemes: [scheme] })
const options: kaohe.CalibrateOptions = {}
const segText: string = kaohe.calibrateJson('{}', '[]', ['{}'])
// @ts-expect-error segment schemes are Scheme objects, not texts
scheme.calibrate([employee], { segmentSchemes: ['{}'] })
console.log(withSegments, options, segText)
// One employee explained, the segments of a transfer shown; or as `kaohe explain --json`.
const explained: string = scheme.explainEmployee('T01', [employee], { lang: 'en', segmentSchemes: [scheme] })
const explainOptions: kaohe.ExplainOptions = { lang: 'zh' }
const explainedText: string = kaohe.explainJson('{}', '[]', 'T01', 'en', ['{}'])
// @ts-expect-error the employees come after the id
scheme.explainEmployee([employee], 'T01')
console.log(explained, explainOptions, explainedText, scheme.explainEmployee('T01', [employee]))
// Analytics and what-if: plain objects with exact decimal strings.
const analysis: kaohe.Analysis = kaohe.analyze(scheme, [employee], {
  by: 'department',
  threshold: 3.5,
  quotas: [{ label: 'S ≤ 20%', grades: ['S'], max: '0.2' }],
  lang: 'en',
})
const meanScore: string | null = analysis.groups[0]?.mean_score ?? null
const firstMessage: string | undefined = analysis.anomalies[0]?.message
const r: number | null | undefined = analysis.correlations[0]?.pearson
const shift: kaohe.WhatIf = kaohe.whatif(scheme, fromFile, [employee])
const moved: kaohe.GradeMove | undefined = shift.crossings[0]?.grade_move
const trendResult: kaohe.Trend = kaohe.trend([{ label: '2026Q1', scheme, employees: [employee] }], { by: 'department' })
const trendPoints: kaohe.TrendPoint[] = trendResult.points
const failedIds: (string | null)[] = trendResult.cycles.flatMap((c: kaohe.TrendCycleSummary) => c.errors.map((e) => e.id))
const failedCode: kaohe.ErrorCode | undefined = trendResult.cycles[0]?.errors[0]?.error.code
const html: string = kaohe.reportHtml(scheme, [employee], { whatif: fromFile, by: 'department', generated: '2026-04-01' })
// @ts-expect-error a threshold is a number or a decimal string
kaohe.analyze(scheme, [employee], { threshold: true })
void [meanScore, firstMessage, r, moved, trendPoints, failedIds, failedCode, html]
