/**
 * `npm run bench`: prints every benchmark figure with its target. Figures are medians where a
 * measurement is repeated; read ratios and orders of magnitude, not the last digit.
 */
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { checkFigures } from './check.bench'
import { engineFigures } from './engine.bench'
import { formatNumber, meets, timeMs, type Figure } from './measure'
import { traceFigures } from './trace.bench'
import { webFigures } from './web.bench'

function scenarioSuiteFigures(): Figure[] {
  // The ported lab scenarios, run as the test suite runs them.
  const ms = timeMs(() => {
    const result = spawnSync(
      'npx',
      ['vitest', 'run', 'test/shared/sim/scenarios', '--reporter=dot'],
      {
        stdio: 'ignore',
      },
    )
    if (result.status !== 0) throw new Error('the scenario suite failed; run npm test')
  })
  return [
    {
      name: 'ported lab scenario suite (wall, incl. vitest start-up)',
      value: ms,
      unit: 'ms',
      target: '<= 30000',
    },
  ]
}

const sections: { title: string; figures: () => Figure[] }[] = [
  { title: 'Raft engine and simulator', figures: engineFigures },
  { title: 'Scenario suite', figures: scenarioSuiteFigures },
  { title: 'Checkers and sweeps', figures: checkFigures },
  { title: 'Traces', figures: traceFigures },
  { title: 'Web app', figures: webFigures },
]

const only = process.argv.slice(2)
console.log(`Raft Lab benchmarks — ${os.cpus().length} cores, Node ${process.version}\n`)
for (const section of sections) {
  if (
    only.length > 0 &&
    !only.some((word) => section.title.toLowerCase().includes(word.toLowerCase()))
  )
    continue
  console.log(section.title)
  for (const figure of section.figures()) {
    const verdict = meets(figure)
    const mark =
      verdict === null
        ? ''
        : verdict
          ? `  (target ${figure.target}: met)`
          : `  (target ${figure.target}: MISSED)`
    console.log(`  ${figure.name}: ${formatNumber(figure.value)} ${figure.unit}${mark}`)
  }
  console.log('')
}
