/**
 * The suite covers what the emulator serves: every operator its engine accepts (by kind, as the engine
 * itself lists them) has at least one case here, and docs/operators.md has a row for it.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { operatorNames } from '../../../emulator/query/context'
import { UPDATE_OPERATORS } from '../../../emulator/query/engine'
import { expressionCases } from './expression.cases'
import { projectionCases, queryCases } from './query.cases'
import { accumulatorCases, stageCases, windowCases, windowStageCases } from './stage.cases'
import { updateCases } from './update.cases'

const names = { ...operatorNames(), update: [...UPDATE_OPERATORS, '$setOnInsert'] }
const covered: Record<keyof typeof names, string[]> = {
  query: queryCases.map((c) => c.op),
  projection: projectionCases.map((c) => c.op),
  update: updateCases.map((c) => c.op),
  pipeline: [...stageCases, ...windowStageCases].map((c) => c.op),
  expression: expressionCases.map((c) => c.op),
  accumulator: accumulatorCases.map((c) => c.op),
  window: windowCases.map((c) => c.op),
}
const page = readFileSync(new URL('../../../docs/operators.md', import.meta.url), 'utf8')

describe.each(Object.keys(names) as (keyof typeof names)[])('%s operators', (kind) => {
  it('each served one has a case', () => {
    expect(names[kind].filter((name) => covered[kind].indexOf(name) < 0)).toEqual([])
  })
  it('each has its row in docs/operators.md', () => {
    expect(names[kind].filter((name) => page.indexOf(`| \`${name}\` |`) < 0)).toEqual([])
  })
})
