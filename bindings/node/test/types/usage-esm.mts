// The same package through its ES module entry point.
import kaohe, { Scheme, SchemeError, type ScoreCard, type Outcome } from 'kaohe'

const scheme = Scheme.fromFile('scheme.json')
const card: ScoreCard = scheme.score({ id: 1, values: { sales: 150 } })
const numbers: Outcome<number>[] = await scheme.scoreManyAsync([{ id: 'a' }], { numbers: true })
const same: typeof Scheme = kaohe.Scheme
try {
  Scheme.fromJson('{}')
} catch (e) {
  if (e instanceof SchemeError) console.log(e.errors.map((x) => x.code))
}
console.log(card.score.length, numbers.length, same)
