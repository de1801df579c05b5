// Node benchmark of the kaohe binding: 100k generated employees scored from Node
// (scoreMany, scoreManyAsync, scoreJson), beside the Rust core's own path (scoreJson is
// the core reading and writing JSON text, with no JS objects in between) and beside
// @gorules/zen-engine evaluating an equivalent weighted-score decision on the same data.
//
//   cd bindings/node && npm ci && npm run build     # the release module
//   node benches/node_bench.mjs [employees]          # from the repository root
//
// KAOHE_BENCH_RUNS (default 5) sets how many timed runs each figure is the median of.
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const pkgDir = path.join(root, 'bindings', 'node')
// Resolve from inside the package, as its own code would (`kaohe` is this package).
const require = createRequire(path.join(pkgDir, 'package.json'))
const { Scheme, scoreJson } = require('kaohe')

const N = Number(process.argv[2] ?? 100_000)
const RUNS = Number(process.env.KAOHE_BENCH_RUNS ?? 5)

function rng(seed) {
  let s = seed >>> 0
  return () => {
    // xorshift32: deterministic and fast.
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 4294967296
  }
}
const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1))

/** Photo-studio employees: the example scheme's inputs, every one scoreable. */
function photoEmployees(n, seed = 42) {
  const r = rng(seed)
  const out = new Array(n)
  for (let i = 0; i < n; i++) {
    const consultations = int(r, 10, 70)
    out[i] = {
      id: `E${String(i).padStart(6, '0')}`,
      attributes: { store: `S${i % 23}` },
      values: {
        consultations,
        orders: int(r, 0, Math.floor(consultations * 0.7)),
        satisfaction: int(r, 10, 50) / 10,
        repeat_rate: int(r, 0, 50) / 100,
        late_count: int(r, 0, 6),
      },
    }
  }
  return out
}

/** Employees for benches/reference/scheme.json, shaped like benches/gen.rs makes them. */
function referenceEmployees(n, seed = 42) {
  const r = rng(seed)
  const ratings = (k) => Array.from({ length: k }, () => int(r, 1, 5))
  const out = new Array(n)
  for (let i = 0; i < n; i++) {
    const values = {
      revenue: int(r, 50_000, 200_000),
      profit: int(r, 0, 60_000),
      sales: (int(r, 4_000_000, 14_000_000) / 100).toFixed(2),
      new_clients: int(r, 0, 14),
      defect_rate: (int(r, 0, 999) / 1000).toFixed(3),
      complaints: int(r, 0, 5),
      audit_score: int(r, 50, 100),
      collaboration: { manager: ratings(1), peer: ratings(int(r, 0, 5)), partner: ratings(int(r, 0, 3)) },
      training_hours: (int(r, 0, 600) / 10).toFixed(1),
      kr1: (int(r, 0, 99) / 100).toFixed(2),
      kr2: (int(r, 0, 99) / 100).toFixed(2),
      kr3: (int(r, 0, 99) / 100).toFixed(2),
      patents: int(r, 0, 4),
      certified: r() < 0.5,
      late_count: int(r, 0, 6),
      innovations: int(r, 0, 3),
    }
    if (r() < 0.9) values.nps = int(r, -20, 80)
    out[i] = { id: `E${String(i).padStart(6, '0')}`, attributes: { department: `D${i % 12}` }, values }
  }
  return out
}

/** The photo-studio scheme as a ZEN decision (JDM): the same inputs, weights, caps, rounding, lateness and grades. */
const photoDecision = {
  nodes: [
    { id: 'in', type: 'inputNode', name: 'employee', position: { x: 0, y: 0 } },
    {
      id: 'score', type: 'expressionNode', name: 'score', position: { x: 300, y: 0 },
      content: {
        expressions: [
          { id: 'c', key: 'conversion', value: 'values.orders / values.consultations' },
          { id: 'p1', key: 'conversion_points', value: 'round(30 * max([0, min([1, $.conversion / 0.4])]), 2)' },
          { id: 'p2', key: 'satisfaction_points', value: 'round(40 * max([0, min([1, values.satisfaction / 4.2])]), 2)' },
          { id: 'p3', key: 'repeat_points', value: 'round(30 * max([0, min([1, values.repeat_rate / 0.25])]), 2)' },
          { id: 's', key: 'subtotal', value: '$.conversion_points + $.satisfaction_points + $.repeat_points' },
          { id: 't', key: 'score', value: 'round(max([0, (values.late_count ?? 0) > 3 ? $.subtotal * 0.9 : $.subtotal]), 2)' },
          {
            id: 'g', key: 'grade',
            value: "$.score >= 95 ? 'S' : ($.score >= 85 ? 'A' : ($.score >= 70 ? 'B' : ($.score >= 60 ? 'C' : 'D')))",
          },
          {
            id: 'k', key: 'coefficient',
            value: '$.score >= 95 ? 1.5 : ($.score >= 85 ? 1.2 : ($.score >= 70 ? 1 : ($.score >= 60 ? 0.8 : 0)))',
          },
        ],
      },
    },
    { id: 'out', type: 'outputNode', name: 'result', position: { x: 600, y: 0 } },
  ],
  edges: [
    { id: 'e1', sourceId: 'in', targetId: 'score', type: 'edge' },
    { id: 'e2', sourceId: 'score', targetId: 'out', type: 'edge' },
  ],
}

async function time(fn) {
  await fn() // warm-up
  const ms = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    await fn()
    ms.push(performance.now() - t0)
  }
  ms.sort((a, b) => a - b)
  return ms[Math.floor(ms.length / 2)]
}

const rows = []
function row(workload, what, ms, note = '') {
  rows.push({ workload, what, ms, note })
  const rate = Math.round((N / ms) * 1000).toLocaleString('en-US')
  console.error(`  ${workload} | ${what}: ${ms.toFixed(0)} ms (${rate} employees/s) ${note}`)
}

function check(cond, message) {
  if (!cond) {
    console.error(`check failed: ${message}`)
    process.exit(1)
  }
}

const addon = fs.readdirSync(pkgDir).find((f) => f.endsWith('.node'))
const addonMb = addon ? (fs.statSync(path.join(pkgDir, addon)).size / 1e6).toFixed(1) : '?'
console.error(`kaohe node bench: ${N} employees, median of ${RUNS} runs, ${addon} (${addonMb} MB)`)

// --- photo-studio: kaohe vs zen-engine ------------------------------------------------
{
  const schemeText = fs.readFileSync(path.join(root, 'examples', 'photo-studio', 'scheme.json'), 'utf8')
  const scheme = Scheme.fromJson(schemeText)
  const employees = photoEmployees(N)
  const doc = JSON.stringify(employees)
  const reference = scheme.scoreMany(employees)
  check(reference.every((r) => !('error' in r)), 'every generated photo-studio employee scores')
  check(JSON.parse(scoreJson(schemeText, doc)).every((r, i) => r.score === reference[i].score), 'scoreJson agrees')

  row('photo-studio', 'kaohe scoreMany (objects in, objects out; decimals as strings)', await time(() => scheme.scoreMany(employees)))
  row('photo-studio', 'kaohe scoreMany { numbers: true }', await time(() => scheme.scoreMany(employees, { numbers: true })))
  row('photo-studio', 'kaohe scoreManyAsync (libuv pool)', await time(() => scheme.scoreManyAsync(employees)))
  row('photo-studio', 'kaohe scoreJson (Rust core: JSON text in, text out, one thread)', await time(() => scoreJson(schemeText, doc)))
  row('photo-studio', 'kaohe scoreJson + JSON.parse of the result', await time(() => JSON.parse(scoreJson(schemeText, doc))))
  row('photo-studio', 'kaohe score() one employee at a time', await time(() => {
    const out = new Array(employees.length)
    for (let i = 0; i < employees.length; i++) out[i] = scheme.score(employees[i])
    return out
  }))

  let zen
  try {
    zen = require('@gorules/zen-engine')
  } catch (e) {
    console.error(`  @gorules/zen-engine is not installed here (${e.code ?? e.message}): comparison skipped`)
  }
  if (zen) {
    const decision = new zen.ZenEngine().createDecision(photoDecision)
    const evaluateAll = async () => {
      const out = new Array(employees.length)
      const CHUNK = 1000
      for (let i = 0; i < employees.length; i += CHUNK) {
        const part = employees.slice(i, i + CHUNK).map((e) => decision.evaluate(e))
        const done = await Promise.all(part)
        for (let j = 0; j < done.length; j++) out[i + j] = done[j].result
      }
      return out
    }
    const zenResults = await evaluateAll()
    let same = 0
    zenResults.forEach((z, i) => {
      if (Number(z.score) === Number(reference[i].score) && z.grade === reference[i].grade) same += 1
    })
    check(same === N, `zen-engine agrees with kaohe on ${same} of ${N} scores and grades`)
    row('photo-studio', 'zen-engine decision.evaluate per employee (1000 in flight)', await time(evaluateAll),
      `same score and grade for all ${N}`)
  }
}

// --- the reference scheme of the Rust criterion bench ---------------------------------
{
  const schemeText = fs.readFileSync(path.join(root, 'benches', 'reference', 'scheme.json'), 'utf8')
  const scheme = Scheme.fromJson(schemeText)
  const employees = referenceEmployees(N)
  const doc = JSON.stringify(employees)
  const failed = scheme.scoreMany(employees).filter((r) => 'error' in r)
  check(failed.length === 0, `every reference employee scores (${failed.length} failed: ${JSON.stringify(failed[0])})`)
  row('reference', 'kaohe scoreMany', await time(() => scheme.scoreMany(employees)))
  row('reference', 'kaohe scoreManyAsync', await time(() => scheme.scoreManyAsync(employees)))
  row('reference', 'kaohe scoreJson (Rust core: JSON text in, text out, one thread)', await time(() => scoreJson(schemeText, doc)))
}

console.log(`| workload | path | ${N.toLocaleString('en-US')} employees | employees/s | |`)
console.log('| --- | --- | ---: | ---: | --- |')
for (const r of rows) {
  const rate = Math.round((N / r.ms) * 1000).toLocaleString('en-US')
  console.log(`| ${r.workload} | ${r.what} | ${r.ms.toFixed(0)} ms | ${rate} | ${r.note} |`)
}
console.log(`\nNode ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()} ${os.arch()}; ` +
  `median of ${RUNS} runs; module ${addon} (${addonMb} MB).`)
