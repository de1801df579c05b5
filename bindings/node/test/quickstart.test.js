// The README's quick start, run exactly as written, prints what the README says it
// prints, and that is the photo-studio results the core computes.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { packageDir, repoRoot } = require('./helpers.js')

function block(readme, marker) {
  const at = readme.indexOf(`<!-- quick-start:${marker} -->`)
  assert.ok(at >= 0, `README has no quick-start:${marker} block`)
  const m = /```[a-z]*\n([^]*?)```/.exec(readme.slice(at))
  assert.ok(m, `quick-start:${marker} is followed by a code block`)
  return m[1]
}

// The package README carries the quick start; the top-level README carries a copy.
for (const readmePath of [path.join(packageDir, 'README.md'), path.join(repoRoot, 'README.md')]) {
  test(`the quick start in ${path.relative(repoRoot, readmePath)} runs as written`, () => {
    const readme = fs.readFileSync(readmePath, 'utf8')
    const code = block(readme, 'code')
    const expected = block(readme, 'output')
    // Inside the package, `require('kaohe')` resolves to this package, as it does for a user
    // who installed it; run from the repository root, where the example paths start.
    const dir = fs.mkdtempSync(path.join(packageDir, 'test', '.quickstart-'))
    try {
      const file = path.join(dir, 'quickstart.js')
      fs.writeFileSync(file, code)
      const out = execFileSync(process.execPath, [file], { cwd: repoRoot, encoding: 'utf8' })
      assert.equal(out, expected)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
}

test('the quick start output is the photo-studio results of the core', () => {
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8')
  const expected = block(readme, 'output')
  // The printed scores are the core's (scoreJson, the CLI's text).
  const { scoreJson } = require('kaohe')
  const ex = path.join(repoRoot, 'examples', 'photo-studio')
  const results = JSON.parse(scoreJson(
    fs.readFileSync(path.join(ex, 'scheme.json'), 'utf8'),
    fs.readFileSync(path.join(ex, 'employees.json'), 'utf8'),
  ))
  const lines = expected.split('\n')
  for (const r of results) {
    const line = lines.find((l) => l.startsWith(`${r.id}  `))
    assert.ok(line, `${r.id} is printed`)
    assert.equal(line, `${r.id}  ${r.attributes.name}  ${r.score}  ${r.grade}  ×${r.coefficient}`)
  }
  assert.equal(os.EOL, '\n')
})
