// Dates, timestamps and intervals: one import for the binder and executor.
//
// The work is split by concern: calendar.ts (Julian-day conversions, ranges,
// infinities), timezone.ts (zones and offsets), datetime-parse.ts and
// datetime-format.ts (text I/O), interval.ts (the interval type),
// datetime-arith.ts (arithmetic and conversions), datetime-fields.ts
// (extract, date_part, date_trunc).

export {
  DATE_NEG_INFINITY,
  DATE_POS_INFINITY,
  TIMESTAMP_NEG_INFINITY,
  TIMESTAMP_POS_INFINITY,
  USECS_PER_DAY,
  civilFromDays,
  daysFromCivil,
  isDateFinite,
  isTimestampFinite,
  partsFromTimestamp,
  timestampFromParts,
  type DateTimeParts,
} from './calendar.ts';
export {
  UTC,
  fixedOffsetZone,
  formatOffset,
  localToUtc,
  namedZone,
  resolveTimeZone,
  utcOffsetAt,
  type TimeZone,
} from './timezone.ts';
export { parseDate, parseTimestamp, parseTimestamptz } from './datetime-parse.ts';
export { formatDate, formatTimestamp, formatTimestamptz } from './datetime-format.ts';
export {
  ZERO_INTERVAL,
  addIntervals,
  compareIntervals,
  divideInterval,
  formatInterval,
  intervalSpan,
  justifyDays,
  justifyHours,
  justifyInterval,
  makeInterval,
  multiplyInterval,
  negateInterval,
  parseInterval,
  subIntervals,
  type Interval,
} from './interval.ts';
export {
  age,
  ageTz,
  dateAddDays,
  dateDiff,
  dateToTimestamp,
  dateToTimestamptz,
  timestampDiff,
  timestampMinusInterval,
  timestampPlusInterval,
  timestampToDate,
  timestampToTimestamptz,
  timestamptzMinusInterval,
  timestamptzPlusInterval,
  timestamptzToDate,
  timestamptzToTimestamp,
} from './datetime-arith.ts';
export {
  extractDate,
  extractInterval,
  extractTimestamp,
  parseDateField,
  truncInterval,
  truncTimestamp,
  truncTimestamptz,
  type DateField,
  type PartResult,
} from './datetime-fields.ts';
