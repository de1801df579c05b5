// Shared by the tests: where things are, and comparing results as the Rust vector
// runner does (decimals compare as decimals, null means absent).
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const packageDir = path.resolve(__dirname, '..')
const repoRoot = path.resolve(packageDir, '..', '..')
const vectorDirs = [
  path.join(repoRoot, 'spec', 'vectors'),
  path.join(repoRoot, '..', 'shared', 'spec', 'vectors'),
]

/** Every vector file: the project's own, then the shared ones when they are there. */
function vectorFiles() {
  const out = []
  for (const dir of vectorDirs) {
    if (!fs.existsSync(dir)) continue
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    out.push(...files.map((f) => path.join(dir, f)))
  }
  return out
}

/** A decimal's text in a canonical form ("1.50" and "1.5" agree), or null when not a decimal. */
function canonical(v) {
  if (typeof v === 'number') v = String(v)
  if (typeof v !== 'string') return null
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(v.trim())
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return null
  const int = m[2].replace(/^0+/, '') || '0'
  const frac = (m[3] ?? '').replace(/0+$/, '')
  const zero = int === '0' && frac === ''
  return `${m[1] === '-' && !zero ? '-' : ''}${int}${frac ? '.' + frac : ''}`
}

function same(want, got) {
  if (want === null || want === undefined) return got === null || got === undefined
  if (got === null || got === undefined) return false
  const a = canonical(want)
  const b = canonical(got)
  if (a !== null && b !== null) return a === b
  return JSON.stringify(want) === JSON.stringify(got)
}

/** Differences between a vector's `expect.results` and a batch's results (empty when they agree). */
function compare(kase, results) {
  const diffs = []
  const want = kase.expect.results ?? []
  if (want.length !== results.length) {
    return [`expected ${want.length} results, got ${results.length}`]
  }
  want.forEach((w, i) => {
    const g = results[i]
    const id = w.id
    if (g.id !== w.id) {
      diffs.push(`${id}: result id is ${g.id}`)
      return
    }
    if ('error' in w) {
      if (!('error' in g)) diffs.push(`${id}: expected error ${w.error}, got score ${g.score}`)
      else if (g.error.code !== w.error) diffs.push(`${id}: expected error ${w.error}, got ${g.error.code}`)
      return
    }
    if ('error' in g) {
      diffs.push(`${id}: expected a score, got error ${JSON.stringify(g.error)}`)
      return
    }
    for (const field of ['score', 'grade', 'coefficient', 'subtotal']) {
      if (!same(w[field], g[field])) diffs.push(`${id}.${field}: expected ${w[field]}, got ${g[field]}`)
    }
    for (const [key, field] of [['points', 'points'], ['status', 'status']]) {
      const map = w[key]
      if (map === undefined || map === null) continue
      if (Object.keys(map).length !== g.indicators.length) {
        diffs.push(`${id}.${key}: expected ${Object.keys(map).length} indicators, got ${g.indicators.length}`)
      }
      for (const [ind, wv] of Object.entries(map)) {
        const line = g.indicators.find((l) => l.id === ind)
        if (line === undefined) diffs.push(`${id}.${key}.${ind}: indicator missing from the result`)
        else if (!same(wv, line[field])) diffs.push(`${id}.${key}.${ind}: expected ${wv}, got ${line[field]}`)
      }
    }
    const adjs = w.adjustments
    if (adjs !== undefined && adjs !== null) {
      if (Object.keys(adjs).length !== g.adjustments.length) {
        diffs.push(`${id}.adjustments: expected ${Object.keys(adjs).length} evaluated, got ${g.adjustments.length}`)
      }
      for (const [adj, applied] of Object.entries(adjs)) {
        const a = g.adjustments.find((x) => x.id === adj)
        if (a === undefined) diffs.push(`${id}.adjustments.${adj}: not in the result`)
        else if (a.applied !== applied) diffs.push(`${id}.adjustments.${adj}: expected ${applied}, got ${a.applied}`)
      }
    }
  })
  return diffs
}

/** Deep equality where decimal strings compare as decimals. Returns the first difference, or null. */
function sameDeep(a, b, at = '$') {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`
    if (a.length !== b.length) return `${at}: length ${a.length} vs ${b.length}`
    for (let i = 0; i < a.length; i++) {
      const d = sameDeep(a[i], b[i], `${at}[${i}]`)
      if (d) return d
    }
    return null
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort()
    const kb = Object.keys(b).sort()
    if (ka.join() !== kb.join()) return `${at}: keys ${ka} vs ${kb}`
    for (const k of ka) {
      const d = sameDeep(a[k], b[k], `${at}.${k}`)
      if (d) return d
    }
    return null
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const ca = canonical(a)
    const cb = canonical(b)
    if (ca !== null && cb !== null ? ca === cb : a === b) return null
  } else if (a === b) {
    return null
  }
  return `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

/** `n` generated employees for the photo-studio example scheme (deterministic). */
function photoEmployees(n, seed = 42) {
  const out = new Array(n)
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  for (let i = 0; i < n; i++) {
    const consultations = 10 + Math.floor(rnd() * 60)
    out[i] = {
      id: `E${String(i + 1).padStart(6, '0')}`,
      attributes: { store: `store-${i % 23}` },
      values: {
        consultations,
        orders: Math.floor(rnd() * consultations * 0.7),
        satisfaction: Math.round((1 + rnd() * 4) * 10) / 10,
        repeat_rate: Math.round(rnd() * 50) / 100,
        late_count: Math.floor(rnd() * 7),
      },
    }
  }
  return out
}

/** The error `fn` throws, checked to be an instance of `cls` (fails when it throws nothing). */
function thrown(fn, cls) {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof cls)) {
      throw new Error(`expected a ${cls.name}, got ${err && err.name}: ${err && err.message}`, { cause: err })
    }
    return err
  }
  throw new Error(`expected a ${cls.name}, nothing was thrown`)
}

module.exports = { thrown, packageDir, repoRoot, vectorFiles, compare, same, sameDeep, canonical, readJson, photoEmployees }
