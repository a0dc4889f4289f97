/**
 * The mingo that every evaluation in the emulator runs on: mingo's operators, with those that can build
 * large values bounded (bounded-operators.ts) and those that run regular expressions made linear
 * (regex-operators.ts). Its classes (`mingo/query`, `mingo/aggregator`, `mingo/updater`) take these
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
import { boundedExpressionOperators, boundedPipelineOperators } from './bounded-operators'
import type { Budget } from './limits'
import { regexExpressionOperators, regexQueryOperators } from './regex-operators'

type Operators = NonNullable<Parameters<typeof Context.init>[0]>

/** The operators no request changes, as plain objects, once (copying module namespaces costs every request). */
const FIXED = {
  accumulator: { ...accumulator },
  projection: { ...projection },
  window: { ...window },
  expression: { ...expression },
  pipeline: { ...pipeline },
  query: { ...query, ...regexQueryOperators },
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
  } as Operators
  return { scriptEnabled: false, idKey: '_id', ...extra, context: Context.init(operators) }
}
