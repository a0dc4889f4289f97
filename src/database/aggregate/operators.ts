/**
 * `db.command.aggregate`: the 106 expression operators wx types (platforms.md §1.4). Each builds the
 * plain operator object `{ $name: argument }`; the stage that holds it encodes its values.
 */

/** An aggregation expression operator object such as `{ $sum: '$price' }`. */
export type AggregateExpression = { [operator: string]: unknown }

const NAMES =
  'abs add addToSet allElementsTrue and anyElementTrue arrayElemAt arrayToObject avg ceil cmp concat concatArrays ' +
  'cond convert dateFromParts dateToParts dateFromString dateToString dayOfMonth dayOfWeek dayOfYear divide eq exp ' +
  'filter first floor gt gte hour ifNull in indexOfArray indexOfBytes indexOfCP isArray isoDayOfWeek isoWeek ' +
  'isoWeekYear last let literal ln log log10 lt lte ltrim map max mergeObjects meta min millisecond minute mod ' +
  'month multiply neq not objectToArray or pow push range reduce reverseArray rtrim second setDifference setEquals ' +
  'setIntersection setIsSubset setUnion size slice split sqrt stdDevPop stdDevSamp strcasecmp strLenBytes strLenCP ' +
  'substr substrBytes substrCP subtract sum switch toBool toDate toDecimal toDouble toInt toLong toObjectId ' +
  'toString toLower toUpper trim trunc type week year zip'

/** The names of every expression operator, in wx's order. */
export type AggregateOperatorName =
  | 'abs' | 'add' | 'addToSet' | 'allElementsTrue' | 'and' | 'anyElementTrue' | 'arrayElemAt' | 'arrayToObject'
  | 'avg' | 'ceil' | 'cmp' | 'concat' | 'concatArrays' | 'cond' | 'convert' | 'dateFromParts' | 'dateToParts'
  | 'dateFromString' | 'dateToString' | 'dayOfMonth' | 'dayOfWeek' | 'dayOfYear' | 'divide' | 'eq' | 'exp'
  | 'filter' | 'first' | 'floor' | 'gt' | 'gte' | 'hour' | 'ifNull' | 'in' | 'indexOfArray' | 'indexOfBytes'
  | 'indexOfCP' | 'isArray' | 'isoDayOfWeek' | 'isoWeek' | 'isoWeekYear' | 'last' | 'let' | 'literal' | 'ln'
  | 'log' | 'log10' | 'lt' | 'lte' | 'ltrim' | 'map' | 'max' | 'mergeObjects' | 'meta' | 'min' | 'millisecond'
  | 'minute' | 'mod' | 'month' | 'multiply' | 'neq' | 'not' | 'objectToArray' | 'or' | 'pow' | 'push' | 'range'
  | 'reduce' | 'reverseArray' | 'rtrim' | 'second' | 'setDifference' | 'setEquals' | 'setIntersection'
  | 'setIsSubset' | 'setUnion' | 'size' | 'slice' | 'split' | 'sqrt' | 'stdDevPop' | 'stdDevSamp' | 'strcasecmp'
  | 'strLenBytes' | 'strLenCP' | 'substr' | 'substrBytes' | 'substrCP' | 'subtract' | 'sum' | 'switch' | 'toBool'
  | 'toDate' | 'toDecimal' | 'toDouble' | 'toInt' | 'toLong' | 'toObjectId' | 'toString' | 'toLower' | 'toUpper'
  | 'trim' | 'trunc' | 'type' | 'week' | 'year' | 'zip'

/** `db.command.aggregate`'s operators: `$.sum('$price')` → `{ $sum: '$price' }`. */
export type AggregateOperators = { readonly [N in AggregateOperatorName]: (argument: unknown) => AggregateExpression }

/** Builds the operator table; `neq` is MongoDB's `$ne`, as in the official SDK. */
export function createAggregateOperators(): AggregateOperators {
  const table: Record<string, (argument: unknown) => AggregateExpression> = {}
  for (const name of NAMES.split(' ')) {
    const op = name === 'neq' ? '$ne' : '$' + name
    table[name] = (argument) => ({ [op]: argument })
  }
  return table as AggregateOperators
}
