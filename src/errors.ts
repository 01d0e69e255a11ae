// One error type for everything Flint reports to its users.
//
// Every FlintError carries a PostgreSQL SQLSTATE code, so the server can send
// it unchanged in an ErrorResponse and drivers can branch on it. Messages name
// what failed: the table, column, constraint, file or byte offset.
// Broken invariants are not FlintErrors: they are assertions (see assert()).

/** SQLSTATE codes Flint raises, named as PostgreSQL names them. */
export const SqlState = {
  successfulCompletion: '00000',
  featureNotSupported: '0A000',
  invalidParameterValue: '22023',
  numericValueOutOfRange: '22003',
  divisionByZero: '22012',
  invalidTextRepresentation: '22P02',
  characterNotInRepertoire: '22021',
  syntaxError: '42601',
  stringDataRightTruncation: '22001',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
  invalidTimeZoneDisplacementValue: '22009',
  intervalFieldOverflow: '22015',
  substringError: '22011',
  invalidArgumentForPowerFunction: '2201F',
  invalidArgumentForLogarithm: '2201E',
  invalidRegularExpression: '2201B',
  invalidEscapeSequence: '22025',
  invalidEscapeCharacter: '22019',
  invalidBinaryRepresentation: '22P03',
  untranslatableCharacter: '22P05',
  nullValueNotAllowed: '22004',
  arraySubscriptError: '2202E',
  undefinedFunction: '42883',
  datatypeMismatch: '42804',
  cannotCoerce: '42846',
  ambiguousFunction: '42725',
  programLimitExceeded: '54000',
  statementTooComplex: '54001',
  insufficientResources: '53000',
  outOfMemory: '53200',
  diskFull: '53100',
  tooManyConnections: '53300',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  activeSqlTransaction: '25001',
  inFailedSqlTransaction: '25P02',
  objectNotInPrerequisiteState: '55000',
  lockNotAvailable: '55P03',
  ioError: '58030',
  undefinedFile: '58P01',
  duplicateFile: '58P02',
  dataCorrupted: 'XX001',
  indexCorrupted: 'XX002',
  internalError: 'XX000',
  configFileError: 'F0000',
  groupingError: '42803',
  cardinalityViolation: '21000',
  undefinedColumn: '42703',
  undefinedTable: '42P01',
  notNullViolation: '23502',
  checkViolation: '23514',
  uniqueViolation: '23505',
  undefinedObject: '42704',
  protocolViolation: '08P01',
  badCopyFileFormat: '22P04',
  invalidAuthorizationSpecification: '28000',
  invalidPassword: '28P01',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  idleInTransactionTimeout: '25P03',
  foreignKeyViolation: '23503',
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState] | string;

export interface FlintErrorDetails {
  /** File the error is about, for I/O and corruption errors. */
  file?: string;
  /** Byte offset in `file`. */
  offset?: number;
  /** The underlying error, e.g. a node:fs error. */
  cause?: unknown;
  /** 1-based character position in the SQL text, for syntax errors. */
  position?: number;
  /** A second line of explanation (PostgreSQL's DETAIL), e.g. the duplicate key. */
  detail?: string;
  /** A suggestion (PostgreSQL's HINT), e.g. "Use DROP ... CASCADE to drop the dependent objects too." */
  hint?: string;
  /** The constraint or index that failed (PostgreSQL's constraint_name field), e.g. for 23505. */
  constraint?: string;
}

export class FlintError extends Error {
  readonly code: SqlStateCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  readonly position: number | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly constraint: string | undefined;

  constructor(code: SqlStateCode, message: string, details: FlintErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FlintError';
    this.code = code;
    this.file = details.file;
    this.offset = details.offset;
    this.position = details.position;
    this.detail = details.detail;
    this.hint = details.hint;
    this.constraint = details.constraint;
  }
}

/** Corrupt bytes on disk: never silent garbage, always file and offset. */
export function corruption(file: string, offset: number, what: string): FlintError {
  return new FlintError(SqlState.dataCorrupted, `${what} in ${file} at offset ${offset}`, { file, offset });
}

/**
 * An invariant of Flint's own code. A failure is a bug, not bad input: it is
 * never caught and ignored. Bad input and corrupt files raise FlintError.
 */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
