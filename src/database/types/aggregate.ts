/**
 * Result types of aggregation stages: what `group`, `project`, `addFields`, `count`, `sortByCount`,
 * `unwind`, `replaceRoot` and `bucket` produce from documents `R`, computed from the stage argument
 * (written with literal types kept). Expressions are typed where MongoDB fixes the result type
 * (`$sum` is a number, `$push` an array of its operand, `'$price'` the field's type); anything else is
 * `unknown`. Every stage also takes the result type explicitly: `.group<Totals>({ ... })`.
 */
import type { AggregateOperatorName } from '../aggregate/operators'
import type { AnyDocument } from './document'
import type { ElementOf, IsLoose, PathValue } from './paths'
import type { OmitPaths, PickPaths } from './projection'

/** The wire name of an operator: `neq` is MongoDB's `$ne`. */
export type AggregateOperatorKey<N extends string> = N extends 'neq' ? '$ne' : `$${N}`

/**
 * `db.command.aggregate`: each operator builds `{ $name: argument }`, and is typed as exactly that
 * object, so stages can compute the type of the expression (`$.sum('$price')` is `{ $sum: '$price' }`).
 */
export type AggregateOperators = {
  readonly [N in AggregateOperatorName]: <const A>(argument: A) => { [K in AggregateOperatorKey<N>]: A }
}

type NumberOperator =
  | '$sum' | '$avg' | '$stdDevPop' | '$stdDevSamp' | '$add' | '$subtract' | '$multiply' | '$divide' | '$mod'
  | '$abs' | '$ceil' | '$floor' | '$trunc' | '$pow' | '$sqrt' | '$exp' | '$ln' | '$log' | '$log10' | '$size'
  | '$strLenBytes' | '$strLenCP' | '$indexOfArray' | '$indexOfBytes' | '$indexOfCP' | '$cmp' | '$strcasecmp'
  | '$dayOfMonth' | '$dayOfWeek' | '$dayOfYear' | '$hour' | '$minute' | '$second' | '$millisecond' | '$month'
  | '$year' | '$week' | '$isoWeek' | '$isoWeekYear' | '$isoDayOfWeek' | '$toInt' | '$toDouble' | '$toDecimal'
  | '$toLong'
type StringOperator =
  | '$concat' | '$substr' | '$substrBytes' | '$substrCP' | '$toLower' | '$toUpper' | '$trim' | '$ltrim' | '$rtrim'
  | '$dateToString' | '$toString' | '$type'
type BooleanOperator =
  | '$and' | '$or' | '$not' | '$eq' | '$ne' | '$gt' | '$gte' | '$lt' | '$lte' | '$in' | '$isArray' | '$setEquals'
  | '$setIsSubset' | '$allElementsTrue' | '$anyElementTrue' | '$toBool'
type DateOperator = '$toDate' | '$dateFromParts' | '$dateFromString'
/** Operators whose value is their operand's value: accumulators and `$literal`. */
type SameOperator = '$first' | '$last' | '$min' | '$max'
type ArrayOperator = '$push' | '$addToSet'

/** The value of an operator object `{ $op: argument }` on documents `R`. */
type OperatorType<R, E> = keyof E extends NumberOperator
  ? number
  : keyof E extends StringOperator
    ? string
    : keyof E extends BooleanOperator
      ? boolean
      : keyof E extends DateOperator
        ? Date
        : keyof E extends SameOperator
          ? ExpressionType<R, E[keyof E]>
          : keyof E extends ArrayOperator
            ? ExpressionType<R, E[keyof E]>[]
            : keyof E extends '$literal'
              ? E[keyof E]
              : keyof E extends '$split'
                ? string[]
                : unknown

/**
 * The value of aggregation expression `E` on documents `R`: `'$a.b'` is the type at path `a.b`, an
 * operator object its result, an object of expressions an object of their values, a literal itself.
 */
export type ExpressionType<R, E> = E extends `$$${string}`
  ? unknown
  : E extends `$${infer P}`
    ? PathValue<R, P>
    : E extends string | number | boolean | null | undefined | Date
      ? E
      : E extends readonly unknown[]
        ? { -readonly [K in keyof E]: ExpressionType<R, E[K]> }
        : E extends object
          ? [Extract<keyof E, `$${string}`>] extends [never]
            ? { -readonly [K in keyof E]: ExpressionType<R, E[K]> }
            : OperatorType<R, E>
          : unknown

/** Flattens an intersection into one object type (for readable hovers and exact comparisons). */
export type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** `N` when given, else the computed `D`: how every stage lets users annotate its result. */
export type Given<N, D> = [N] extends [never] ? D : N

/** `group({ _id, ...accumulators })`: each field is its expression's value. */
export type GroupResult<R, S> = { -readonly [K in keyof S]: ExpressionType<R, S[K]> }

type KeysOf<S, V> = { [K in keyof S]-?: S[K] extends V ? K : never }[keyof S] & string
type Computed<S> = { [K in keyof S]-?: S[K] extends 0 | 1 | boolean ? never : K }[keyof S] & string

/**
 * `project(spec)`: inclusion (`1`, `true`) keeps the paths and `_id`, computed fields are their
 * expressions' values; exclusion (`0`, `false`) drops the paths.
 */
export type ProjectResult<R, S> = IsLoose<R> extends true
  ? AnyDocument
  : [Exclude<KeysOf<S, 0 | false>, '_id'>] extends [never]
    ? Simplify<
        PickPaths<R, KeysOf<S, 1 | true> | ('_id' extends KeysOf<S, 0 | false> ? never : '_id')> & {
          -readonly [K in Computed<S>]: ExpressionType<R, S[K]>
        }
      >
    : OmitPaths<R, KeysOf<S, 0 | false>>

/** `addFields(spec)`: `R` with the computed fields set (replacing fields of the same name). */
export type AddFieldsResult<R, S> = Simplify<Omit<R, keyof S> & { -readonly [K in keyof S]: ExpressionType<R, S[K]> }>

/** `count(name)`: one document `{ [name]: number }`. */
export type CountResult<N extends string> = { [K in N]: number }

/** `sortByCount(expression)`: `{ _id: value, count }`. */
export type SortByCountResult<R, E> = { _id: ExpressionType<R, E>; count: number }

/** The `unwind()` argument: `'$field'` or `{ path: '$field', includeArrayIndex?, preserveNullAndEmptyArrays? }`. */
export type UnwindSpec = string | { readonly path: string; readonly includeArrayIndex?: string; readonly preserveNullAndEmptyArrays?: boolean }

/** `unwind('$tags')`: one document per element, `tags` typed as an element (top-level fields). */
export type UnwindResult<R, S> = S extends `$${infer P}`
  ? Unwound<R, P, false>
  : S extends { readonly path: `$${infer P}` }
    ? Unwound<R, P, S extends { readonly preserveNullAndEmptyArrays: true } ? true : false> &
        (S extends { readonly includeArrayIndex: infer I extends string } ? { [K in I]: number | null } : unknown)
    : R

type Unwound<R, P extends string, Keep extends boolean> = IsLoose<R> extends true
  ? R
  : P extends keyof R
    ? Simplify<
        Omit<R, P> & {
          [K in P]: Keep extends true ? ElementOf<NonNullable<R[K]>> | Exclude<R[K], readonly unknown[]> : ElementOf<NonNullable<R[K]>>
        }
      >
    : R

/** `replaceRoot({ newRoot })`: the sub-document. */
export type ReplaceRootResult<R, E> = ExpressionType<R, E> extends infer D extends object ? D : AnyDocument

/** `bucket()` / `bucketAuto()`: `{ _id, count }`, or `{ _id, ...output }`. */
export type BucketResult<R, S> = S extends { readonly output: infer O }
  ? { _id: unknown } & { -readonly [K in keyof O]: ExpressionType<R, O[K]> }
  : { _id: unknown; count: number }
