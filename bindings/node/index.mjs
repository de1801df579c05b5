// kaohe (考核) for Node, as an ES module: the same objects as `require('kaohe')`
// (one native module, one set of error classes, so `instanceof` works across both).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const kaohe = require('./index.js')

export const {
  Scheme,
  analyze,
  whatif,
  trend,
  reportHtml,
  scoreJson,
  calibrateJson,
  explainJson,
  errorCodes,
  KaoheError,
  SchemeError,
  InputError,
  ScriptError,
  IoError,
  InternalError,
} = kaohe
export default kaohe
