/**
 * The mingo that every evaluation in the emulator runs on: mingo's operators, with those that can build
 * large values bounded (bounded-operators.ts), those that run regular expressions made linear
 * (regex-operators.ts), and the emulator's own where mingo's answer differs from MongoDB's or cannot run
 * here (docs/mingo-deviations.md): `$sort` and `$bucket` (stage-operators.ts), `$first` / `$last` / `$size`
 * (array-operators.ts), the comparisons, `$switch`, the date parts and `$dateAdd` / `$dateSubtract`,
 * `$toLower` / `$toUpper` (comparison-, conditional-, date-, string-operators.ts), the bitwise query
 * operators (bit-operators.ts), `$top` / `$bottom` (N) and `$mergeObjects` (accumulator-operators.ts),
 * `$densify` (densify.ts), `$setWindowFields` and `$fill` (window-fields.ts, fill.ts), the geo query operators
 * (geo.ts), `$jsonSchema` (json-schema.ts), and `$out` / `$merge` refused. Its classes (`mingo/query`, `mingo/aggregator`, `mingo/updater`) take these
 * options as they are; the functions of the package root (`find`, `aggregate`, `update` from 'mingo')
 * would merge them under mingo's own operators, which win, so the engine never uses those.
 */
import { Context } from 'mingo/core'
import * as accumulator from 'mingo/operators/accumulator'
import * as expression from 'mingo/operators/expression'
import * as pipeline from 'mingo/operators/pipeline'
import * as projection from 'mingo/operators/projection'
import * as query from 'mingo/operators/query'
import * as window from 'mingo/operators/window'
import type { Options } from 'mingo/types'
import { accumulatorOperators, mergeObjectsExpression } from './accumulator-operators'
import { arrayExpressionOperators } from './array-operators'
import { bitQueryOperators } from './bit-operators'
import { comparisonExpressionOperators } from './comparison-operators'
import { conditionalExpressionOperators } from './conditional-operators'
import { dateExpressionOperators } from './date-operators'
import { boundedExpressionOperators, boundedPipelineOperators, type PipelineOperator } from './bounded-operators'
import { fill } from './fill'
import { geoQueryOperators } from './geo'
import { jsonSchemaQueryOperators } from './json-schema'
import type { Budget } from './limits'
import { regexExpressionOperators, regexQueryOperators } from './regex-operators'
import { stageOperators } from './stage-operators'
import { stringExpressionOperators } from './string-operators'
import { setWindowFields } from './window-fields'
import { windowOperators } from './window-operators'

type Operators = NonNullable<Parameters<typeof Context.init>[0]>

/** The operators no request changes, as plain objects, once (copying module namespaces costs every request). */
const FIXED: Record<keyof Operators, Record<string, unknown>> = {
  accumulator: { ...accumulator, ...accumulatorOperators },
  projection: { ...projection },
  window: { ...window },
  expression: {
    ...expression,
    ...arrayExpressionOperators,
    ...comparisonExpressionOperators,
    ...conditionalExpressionOperators,
    ...dateExpressionOperators,
    ...stringExpressionOperators,
    ...mergeObjectsExpression,
  },
  pipeline: { ...pipeline, ...stageOperators, $setWindowFields: setWindowFields as PipelineOperator, $fill: fill as PipelineOperator },
  query: { ...query, ...regexQueryOperators, ...bitQueryOperators, ...geoQueryOperators, ...jsonSchemaQueryOperators },
}

/**
 * The options of one request's evaluations (server-side code off, `_id` as the key), charging what its
 * operators build to `budget`; `extra` adds mingo options (processing mode, collection resolver).
 */
export function engineOptions(budget: Budget, extra: Partial<Options> = {}): Partial<Options> {
  const operators = {
    ...FIXED,
    expression: { ...FIXED.expression, ...boundedExpressionOperators(budget), ...regexExpressionOperators(budget) },
    pipeline: { ...FIXED.pipeline, ...boundedPipelineOperators(budget) },
  } as unknown as Operators
  return { scriptEnabled: false, idKey: '_id', ...extra, context: Context.init(operators) }
}

/** Registered, yet always refused: server-side code (engine.ts) and the stages that would write (stage-operators.ts). */
const REFUSED = ['$where', '$function', '$accumulator', '$out', '$merge']

/**
 * The names of the operators every evaluation accepts, by kind (what docs/operators.md lists): mingo's
 * and the emulator's own, without those that run code on the server (always refused, engine.ts).
 */
export function operatorNames(): Record<keyof Operators, string[]> {
  const names = {} as Record<keyof Operators, string[]>
  for (const kind of Object.keys(FIXED) as (keyof Operators)[]) {
    names[kind] = Object.keys(FIXED[kind]).filter((name) => name[0] === '$' && REFUSED.indexOf(name) < 0).sort()
  }
  // mingo's window table served only mingo's $setWindowFields; the emulator's has its own operators.
  names.window = Object.keys(windowOperators).sort()
  return names
}
