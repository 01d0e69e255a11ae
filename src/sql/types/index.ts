// The SQL type system: values, text I/O, casts, comparison, operators.
// See sql-type.ts for the value representation of each type.

export type { Interval, JsonValue, SqlType, TypeId } from './sql-type.ts';
export {
  T,
  baseType,
  bpcharType,
  hasTypmod,
  isPreferredType,
  isUnknown,
  numericType,
  sameType,
  typeCategory,
  typeName,
  varcharType,
  type RuntimeValue,
  type TypeCategory,
  type Value,
} from './type-info.ts';
export { NO_CONTEXT, fixedContext, type EvalContext, type FixedContextOptions } from './eval-context.ts';
export { Decimal, applyTypmod } from './decimal.ts';
export { numericExp, numericLn, numericLog, numericPower, numericSqrt } from './decimal-math.ts';
export { formatFloat4, formatFloat8, parseFloat4, parseFloat8 } from './float-text.ts';
export { formatText, inputValue, parseBool, parseInteger, parseText } from './text-io.ts';
export { applyTypeModifier } from './typmod.ts';
export {
  canCast,
  castValue,
  commonSupertype,
  resolveCommonType,
  type CastContext,
} from './cast.ts';
export { comparatorFor, compareNullable, compareValues, compositeHashKey, equalValues, hashKey } from './compare.ts';
export {
  requireBinaryOperator,
  requireUnaryOperator,
  resolveBinaryOperator,
  resolveUnaryOperator,
  type BinaryFn,
  type ResolvedBinaryOperator,
  type ResolvedUnaryOperator,
  type UnaryFn,
} from './operators.ts';
export { compileLike, likeMatch, type LikeOptions } from './like.ts';
export { JSON_NULL, compareJson, formatJson, fromJsonb, parseJson, toJsonb, type Jsonb } from './json.ts';
export { parseUuid, randomUuid, uuidFromBytes, uuidToBytes } from './uuid.ts';
export { decodeBytes, encodeBytes, formatBytea, parseBytea } from './bytea.ts';
export { parseTextArray } from './text-array.ts';
export { toJsonValue } from './to-json.ts';
export * from './datetime.ts';
