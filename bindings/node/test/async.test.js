// scoreManyAsync runs on the libuv thread pool: the event loop stays responsive.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Scheme } = require('kaohe')
const { repoRoot, photoEmployees } = require('./helpers.js')

const schemeText = fs.readFileSync(path.join(repoRoot, 'examples', 'photo-studio', 'scheme.json'), 'utf8')

test('the event loop keeps ticking during a large async batch', async () => {
  const scheme = Scheme.fromJson(schemeText)
  const employees = photoEmployees(Number(process.env.KAOHE_ASYNC_BATCH ?? 20000))

  // How long the batch blocks the loop in total, scored synchronously.
  let t0 = process.hrtime.bigint()
  const sync = scheme.scoreMany(employees)
  const syncMs = Number(process.hrtime.bigint() - t0) / 1e6

  let ticks = 0
  let answeredDuring = false
  let last = performance.now()
  let maxGap = 0
  const timer = setInterval(() => {
    const now = performance.now()
    maxGap = Math.max(maxGap, now - last)
    last = now
    ticks += 1
  }, 1)
  // Work queued while the batch runs is done before the batch ends.
  const probe = new Promise((resolve) => setTimeout(() => {
    answeredDuring = true
    resolve(scheme.score(employees[0]).score)
  }, 1))
  let settled = false
  t0 = process.hrtime.bigint()
  const pending = scheme.scoreManyAsync(employees).finally(() => {
    settled = true
  })
  const submitMs = Number(process.hrtime.bigint() - t0) / 1e6
  const probed = await probe
  const probedBeforeEnd = !settled
  const results = await pending
  const totalMs = Number(process.hrtime.bigint() - t0) / 1e6
  await new Promise((resolve) => setTimeout(resolve, 10)) // the gap up to here counts too
  clearInterval(timer)

  console.log(`# ${employees.length} employees: scoreMany ${syncMs.toFixed(0)} ms blocking; ` +
    `scoreManyAsync ${totalMs.toFixed(0)} ms in all, ${submitMs.toFixed(0)} ms of it reading the input, ` +
    `${ticks} ticks, the loop held at most ${maxGap.toFixed(0)} ms at a time`)
  assert.equal(probed, sync[0].score)
  assert.ok(answeredDuring && probedBeforeEnd, 'a timer queued during the batch ran before it finished')
  assert.ok(ticks >= 5, `the interval ticked ${ticks} times`)
  assert.ok(maxGap < totalMs / 3, `the loop was held ${maxGap.toFixed(0)} ms at once, of ${totalMs.toFixed(0)} ms`)
  assert.ok(maxGap < syncMs / 3, `the loop was held ${maxGap.toFixed(0)} ms at once; scoreMany blocks ${syncMs.toFixed(0)} ms`)
  assert.equal(results.length, sync.length)
  assert.deepEqual(results[employees.length - 1], sync[employees.length - 1])
  assert.deepEqual(results.map((r) => r.score), sync.map((r) => r.score))
})

test('several async batches at once resolve in their own order with their own results', async () => {
  const scheme = Scheme.fromJson(schemeText)
  const batches = [1, 2, 3, 4].map((seed) => photoEmployees(500, seed))
  const results = await Promise.all(batches.map((b) => scheme.scoreManyAsync(b, { numbers: true })))
  results.forEach((r, i) => assert.deepEqual(r, scheme.scoreMany(batches[i], { numbers: true })))
})
