// The syntax tree of Flint's SQL (PostgreSQL dialect).
//
// Conventions, which the binder may rely on:
//
// - Every node is an immutable plain object tagged by `kind` (camelCase) and
//   carries `pos`: the 0-based UTF-16 offset into the text given to parse()
//   (the whole script, not the statement) of the token PostgreSQL reports
//   errors at: the operator of a binary expression, the first name of a
//   column reference, the keyword of a statement. positionOf() in
//   sql-error.ts turns it into PostgreSQL's 1-based character position.
//   A few small records without `kind` (QualifiedName, Ident, Alias, ...)
//   carry `pos` too.
// - Nodes hold only strings, numbers, booleans, null, arrays and nodes: no
//   undefined, no bigint, no classes, so JSON.stringify prints them exactly
//   (formatAst() in format.ts prints them without positions for golden tests).
// - A missing optional clause is `null`; a missing list is `[]`.
// - Names: an unquoted identifier is folded to lower case (ASCII letters
//   only), a quoted one is kept exactly, so the binder compares names as plain
//   strings. Names are not truncated to 63 bytes.
// - Keyword type names are canonical PostgreSQL names (INTEGER -> int4; see
//   TypeName); other type names are kept as written.
// - Constants keep their source form: numbers as normalised text with their
//   syntactic form, so the binder types them the way PostgreSQL does; strings
//   decoded to JavaScript strings, with no type (PostgreSQL's "unknown").
// - The tree records syntax, not meaning: names are unresolved, and a few
//   constructs the grammar accepts everywhere (DEFAULT, `t.*`, `*`) are
//   checked for their context by the binder, as in PostgreSQL.

// ---------------------------------------------------------------------------
// Small records

/** A possibly schema-qualified object name: `t`, `s.t`. (`db.s.t` keeps only s and t.) */
export interface QualifiedName {
  readonly schema: string | null;
  readonly name: string;
  readonly pos: number;
}

/** A name with its position, where the binder may have to report it (column lists). */
export interface Ident {
  readonly name: string;
  readonly pos: number;
}

/** `AS alias (col, ...)` after a FROM item; `columns` is null without the list. */
export interface Alias {
  readonly name: string;
  readonly columns: readonly string[] | null;
  readonly pos: number;
}

/**
 * A generic `name [value]` option: WITH (fillfactor = 100) storage parameters,
 * EXPLAIN (ANALYZE, FORMAT JSON), COPY ... WITH (FORMAT csv, HEADER),
 * VACUUM (VERBOSE). Names are lower case (dotted names joined with '.').
 * `value` is the text of the constant or word (strings decoded, numbers as
 * written, words lower case, `*` as '*'), a list for `name (a, b)`, or null
 * when no value is given.
 */
export interface Option {
  readonly name: string;
  readonly value: string | readonly string[] | null;
  readonly pos: number;
}

// ---------------------------------------------------------------------------
// Type names

/**
 * A type name as written in a cast, a column definition or a typed literal.
 *
 * `name` is canonical for SQL's keyword types, as PostgreSQL's grammar makes
 * it: SMALLINT -> int2, INT/INTEGER -> int4, BIGINT -> int8, REAL -> float4,
 * FLOAT(1..24) -> float4, FLOAT/FLOAT(25..53)/DOUBLE PRECISION -> float8,
 * DECIMAL/DEC/NUMERIC -> numeric, BOOLEAN -> bool, CHAR/CHARACTER/NCHAR ->
 * bpchar (with modifier 1 when no length is given), VARCHAR/CHARACTER VARYING
 * -> varchar, BIT -> bit (modifier 1 when no length is given), BIT VARYING ->
 * varbit, TIMESTAMP [WITHOUT TIME ZONE] -> timestamp, TIMESTAMP WITH TIME ZONE
 * -> timestamptz, TIME -> time, TIME WITH TIME ZONE -> timetz, INTERVAL ->
 * interval, JSON -> json. Every other name is kept as written, folded like
 * any identifier, and names a type as PostgreSQL's pg_type does: int4, int8,
 * float8, bool, text, bytea, uuid, json, jsonb, date, timestamptz, "char"
 * (the one-byte type, unlike CHAR), ... So the binder needs no alias table,
 * except for serial, bigserial and smallserial in column definitions; and a
 * quoted keyword ("int", "integer") is, as in PostgreSQL, not a type.
 */
export interface TypeName {
  readonly kind: 'typeName';
  readonly pos: number;
  readonly schema: string | null;
  readonly name: string;
  /** Type modifiers: `varchar(20)` -> [20], `numeric(10, 2)` -> [10, 2], `timestamp(3)` -> [3]. */
  readonly modifiers: readonly number[];
  /** One entry per array dimension: -1 for `[]`, n for `[n]`. `int[]` -> [-1]; not an array -> []. */
  readonly arrayBounds: readonly number[];
  /**
   * INTERVAL's field restriction, lower case: 'year', 'month', 'day', 'hour',
   * 'minute', 'second', 'year to month', 'day to hour', 'day to minute',
   * 'day to second', 'hour to minute', 'hour to second', 'minute to second';
   * null otherwise. A SECOND precision is in `modifiers`.
   */
  readonly intervalFields: string | null;
}

// ---------------------------------------------------------------------------
// Expressions

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BitStringLiteral
  | BooleanLiteral
  | NullLiteral
  | Param
  | ColumnRef
  | Star
  | UnaryOp
  | BinaryOp
  | BoolExpr
  | Not
  | IsNull
  | IsBool
  | IsDistinctFrom
  | Between
  | Like
  | InList
  | InSubquery
  | Quantified
  | Exists
  | Subquery
  | ArraySubquery
  | ArrayExpr
  | RowExpr
  | Case
  | Cast
  | Collate
  | AtTimeZone
  | Subscript
  | FieldSelect
  | FuncCall
  | NamedArg
  | SqlValueFunction
  | DefaultExpr;

export type Literal = NumberLiteral | StringLiteral | BitStringLiteral | BooleanLiteral | NullLiteral;

/**
 * A numeric constant. `text` is its source text with `_` separators removed,
 * and 0x/0o/0b integers converted to decimal; a minus sign applied directly to
 * a constant is folded in (`-5` is one constant, as in PostgreSQL), so `text`
 * may start with '-'. `form` is what PostgreSQL types it by: 'integer' (digits
 * only: int4, int8 or numeric by size), 'decimal' (with a point) or
 * 'exponent' (with an exponent); PostgreSQL types the last two as numeric.
 */
export interface NumberLiteral {
  readonly kind: 'number';
  readonly pos: number;
  readonly text: string;
  readonly form: 'integer' | 'decimal' | 'exponent';
}

/** A string constant of any form ('..', E'..', $$..$$, U&'..', N'..'), decoded; its type is unknown. */
export interface StringLiteral {
  readonly kind: 'string';
  readonly pos: number;
  readonly value: string;
}

/** B'0101' or X'1F'. `value` is the digits as written (validated when converted to bit). */
export interface BitStringLiteral {
  readonly kind: 'bitString';
  readonly pos: number;
  readonly value: string;
  readonly hex: boolean;
}

export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly pos: number;
  readonly value: boolean;
}

export interface NullLiteral {
  readonly kind: 'null';
  readonly pos: number;
}

/**
 * A parameter: `$n` has index n; each `?` is numbered 1, 2, ... in order of
 * appearance within its statement (so `?` and `$n` should not be mixed).
 */
export interface Param {
  readonly kind: 'param';
  readonly pos: number;
  readonly index: number;
}

/** `column`, `table.column`, `schema.table.column` (a fourth leading part, the catalog, is kept in `catalog`). */
export interface ColumnRef {
  readonly kind: 'columnRef';
  readonly pos: number;
  readonly catalog: string | null;
  readonly schema: string | null;
  readonly table: string | null;
  readonly column: string;
}

/**
 * `*` or `t.*`: valid in a select list, RETURNING, and as a function argument
 * (`row_to_json(t.*)`); count(*) is a FuncCall with `star`, not this.
 */
export interface Star {
  readonly kind: 'star';
  readonly pos: number;
  readonly table: QualifiedName | null;
}

/** Prefix operator: '-', '+', or any other operator such as '~', '@', '|/'. (`-` on a constant is folded.) */
export interface UnaryOp {
  readonly kind: 'unaryOp';
  readonly pos: number;
  readonly op: string;
  readonly operand: Expr;
}

/**
 * Infix operator: arithmetic (+ - * / % ^), comparison (= <> < > <= >=; '!='
 * is given as '<>'), '||', and every other operator as written (->, ->>, #>,
 * #>>, @>, <@, ?, ?|, ?&, ~, ~*, !~, &&, ...). `a OPERATOR(pg_catalog.~) b`
 * (psql's form) is read as `a ~ b`, with the precedence of other operators.
 */
export interface BinaryOp {
  readonly kind: 'binaryOp';
  readonly pos: number;
  readonly op: string;
  readonly left: Expr;
  readonly right: Expr;
}

/** AND / OR, flattened: `a AND b AND c` is one node with three args (never fewer than two). */
export interface BoolExpr {
  readonly kind: 'and' | 'or';
  readonly pos: number;
  readonly args: readonly Expr[];
}

export interface Not {
  readonly kind: 'not';
  readonly pos: number;
  readonly arg: Expr;
}

/** `x IS [NOT] NULL`, `x ISNULL`, `x NOTNULL`. */
export interface IsNull {
  readonly kind: 'isNull';
  readonly pos: number;
  readonly arg: Expr;
  readonly not: boolean;
}

/** `x IS [NOT] TRUE | FALSE | UNKNOWN`; `value` is null for UNKNOWN. */
export interface IsBool {
  readonly kind: 'isBool';
  readonly pos: number;
  readonly arg: Expr;
  readonly value: boolean | null;
  readonly not: boolean;
}

/** `a IS [NOT] DISTINCT FROM b`. */
export interface IsDistinctFrom {
  readonly kind: 'isDistinctFrom';
  readonly pos: number;
  readonly left: Expr;
  readonly right: Expr;
  readonly not: boolean;
}

/** `x [NOT] BETWEEN [SYMMETRIC] low AND high` (ASYMMETRIC is the default). */
export interface Between {
  readonly kind: 'between';
  readonly pos: number;
  readonly arg: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly not: boolean;
  readonly symmetric: boolean;
}

/** `x [NOT] LIKE | ILIKE | SIMILAR TO pattern [ESCAPE e]`. */
export interface Like {
  readonly kind: 'like';
  readonly pos: number;
  readonly op: 'like' | 'ilike' | 'similar';
  readonly arg: Expr;
  readonly pattern: Expr;
  readonly escape: Expr | null;
  readonly not: boolean;
}

/** `x [NOT] IN (a, b, ...)`. */
export interface InList {
  readonly kind: 'inList';
  readonly pos: number;
  readonly arg: Expr;
  readonly list: readonly Expr[];
  readonly not: boolean;
}

/** `x [NOT] IN (SELECT ...)`; `x` may be a row: `(a, b) IN (SELECT ...)`. */
export interface InSubquery {
  readonly kind: 'inSubquery';
  readonly pos: number;
  readonly arg: Expr;
  readonly query: Query;
  readonly not: boolean;
}

/**
 * `left op ANY|SOME|ALL (SELECT ...)` or `left op ANY|ALL (array)`. `op` is a
 * comparison or other operator as in BinaryOp, or 'like', 'not like',
 * 'ilike', 'not ilike'. Exactly one of `subquery` and `array` is set.
 */
export interface Quantified {
  readonly kind: 'quantified';
  readonly pos: number;
  readonly op: string;
  readonly quantifier: 'any' | 'all';
  readonly left: Expr;
  readonly subquery: Query | null;
  readonly array: Expr | null;
}

export interface Exists {
  readonly kind: 'exists';
  readonly pos: number;
  readonly query: Query;
}

/** A scalar subquery `(SELECT ...)` in an expression. */
export interface Subquery {
  readonly kind: 'subquery';
  readonly pos: number;
  readonly query: Query;
}

/** `ARRAY(SELECT ...)`. */
export interface ArraySubquery {
  readonly kind: 'arraySubquery';
  readonly pos: number;
  readonly query: Query;
}

/** `ARRAY[a, b]`; nested `ARRAY[[1, 2], [3, 4]]` has ArrayExpr elements. */
export interface ArrayExpr {
  readonly kind: 'array';
  readonly pos: number;
  readonly elements: readonly Expr[];
}

/** `ROW(a, b)` (explicit, any number of fields) or `(a, b)` (implicit, two or more). */
export interface RowExpr {
  readonly kind: 'row';
  readonly pos: number;
  readonly fields: readonly Expr[];
  readonly explicit: boolean;
}

export interface CaseWhen {
  readonly pos: number;
  readonly when: Expr;
  readonly then: Expr;
}

/** `CASE [operand] WHEN .. THEN .. [ELSE ..] END`; with an operand, each `when` is a value compared to it. */
export interface Case {
  readonly kind: 'case';
  readonly pos: number;
  readonly operand: Expr | null;
  readonly whens: readonly CaseWhen[];
  readonly else: Expr | null;
}

/**
 * A type conversion: `CAST(x AS t)` (syntax 'cast'), `x::t` ('operator', pos
 * at the `::`), or a typed literal `DATE '2024-01-01'`, `INTERVAL '1' DAY`,
 * `int4 '5'` ('literal', with a StringLiteral arg), which PostgreSQL treats as
 * a cast of the string.
 */
export interface Cast {
  readonly kind: 'cast';
  readonly pos: number;
  readonly arg: Expr;
  readonly type: TypeName;
  readonly syntax: 'cast' | 'operator' | 'literal';
}

/** `x COLLATE "C"`. */
export interface Collate {
  readonly kind: 'collate';
  readonly pos: number;
  readonly arg: Expr;
  readonly collation: QualifiedName;
}

/** `x AT TIME ZONE zone`, or `x AT LOCAL` (zone null). */
export interface AtTimeZone {
  readonly kind: 'atTimeZone';
  readonly pos: number;
  readonly arg: Expr;
  readonly zone: Expr | null;
}

/** `a[i]` (slice false, `lower` is i) or `a[lo:hi]` (slice true; either bound may be null). */
export interface Subscript {
  readonly kind: 'subscript';
  readonly pos: number;
  readonly arg: Expr;
  readonly lower: Expr | null;
  readonly upper: Expr | null;
  readonly slice: boolean;
}

/** `(expr).field` or `(expr).*` (field '*'). Plain `t.c` is a ColumnRef. */
export interface FieldSelect {
  readonly kind: 'fieldSelect';
  readonly pos: number;
  readonly arg: Expr;
  readonly field: string;
}

/**
 * A function call, aggregate or window function.
 *
 * - `count(*)`: star true, args [].
 * - `f(DISTINCT x)`: distinct true. `f(ALL x)` is plain.
 * - `string_agg(x, ',' ORDER BY y)`: orderBy, withinGroup false.
 * - `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`: orderBy, withinGroup true.
 * - `FILTER (WHERE ..)`: filter. `OVER ..`: over.
 * - `f(VARIADIC arr)`: variadic true (the last arg is the array).
 * - Named arguments are NamedArg args.
 *
 * SQL's special syntax is turned into calls, as PostgreSQL does (with `schema`
 * null; the binder must treat these names specially, since users cannot call
 * them unqualified by themselves):
 * - COALESCE(..), NULLIF(a, b), GREATEST(..), LEAST(..), GROUPING(..):
 *   'coalesce', 'nullif', 'greatest', 'least', 'grouping'.
 * - EXTRACT(field FROM x): 'extract'(StringLiteral field lower case, x).
 * - SUBSTRING(x FROM a FOR b): 'substring'(x, a, b); FOR only: (x, 1, b).
 * - POSITION(a IN b): 'position'(b, a) (PostgreSQL's argument order).
 * - TRIM([BOTH|LEADING|TRAILING] [chars] FROM x): 'btrim'|'ltrim'|'rtrim'(x[, chars]).
 * - OVERLAY(a PLACING b FROM c [FOR d]): 'overlay'(a, b, c[, d]).
 * - NORMALIZE(x [, form]): 'normalize'(x, form as StringLiteral).
 */
export interface FuncCall {
  readonly kind: 'funcCall';
  readonly pos: number;
  readonly schema: string | null;
  readonly name: string;
  readonly args: readonly Expr[];
  readonly star: boolean;
  readonly distinct: boolean;
  readonly variadic: boolean;
  readonly orderBy: readonly SortBy[];
  readonly withinGroup: boolean;
  readonly filter: Expr | null;
  readonly over: WindowSpec | null;
}

/** `name => value` (or `name := value`) as a function argument. */
export interface NamedArg {
  readonly kind: 'namedArg';
  readonly pos: number;
  readonly name: string;
  readonly value: Expr;
}

/**
 * SQL's niladic functions: 'current_date', 'current_time', 'current_timestamp',
 * 'localtime', 'localtimestamp' (with an optional precision),
 * 'current_role', 'current_user', 'session_user', 'system_user', 'user',
 * 'current_catalog', 'current_schema'. (NOW() is an ordinary FuncCall.)
 */
export interface SqlValueFunction {
  readonly kind: 'sqlValueFunction';
  readonly pos: number;
  readonly name: string;
  readonly precision: number | null;
}

/**
 * DEFAULT as a value: valid only as an item of INSERT's VALUES and as the
 * value of an UPDATE SET; the binder rejects it elsewhere.
 */
export interface DefaultExpr {
  readonly kind: 'default';
  readonly pos: number;
}

/** An ORDER BY item. `nulls` null means the default: NULLS LAST for ASC, NULLS FIRST for DESC. */
export interface SortBy {
  readonly kind: 'sortBy';
  readonly pos: number;
  readonly expr: Expr;
  readonly desc: boolean;
  readonly nulls: 'first' | 'last' | null;
}

/** The window of `OVER (...)`; `OVER w` is a spec with only `name`. */
export interface WindowSpec {
  readonly kind: 'windowSpec';
  readonly pos: number;
  /** An existing window (from the WINDOW clause) this one refers to or refines. */
  readonly name: string | null;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortBy[];
  readonly frame: WindowFrame | null;
}

/** `ROWS|RANGE|GROUPS [BETWEEN] start [AND end] [EXCLUDE ...]`; `end` is CURRENT ROW when not given. */
export interface WindowFrame {
  readonly pos: number;
  readonly mode: 'rows' | 'range' | 'groups';
  readonly start: FrameBound;
  readonly end: FrameBound;
  readonly exclude: 'noOthers' | 'currentRow' | 'group' | 'ties';
}

export interface FrameBound {
  readonly type: 'unboundedPreceding' | 'preceding' | 'currentRow' | 'following' | 'unboundedFollowing';
  /** The n of `n PRECEDING` / `n FOLLOWING`. */
  readonly offset: Expr | null;
}

// ---------------------------------------------------------------------------
// Queries

/**
 * A complete query: SELECT, VALUES, TABLE t, set operations, with the clauses
 * that apply to the whole: WITH, ORDER BY, LIMIT/OFFSET/FETCH, FOR UPDATE.
 * It is also the statement for SELECT and VALUES, and what every subquery
 * holds. Its body is a Query only when one of the two has clauses of its own
 * (`(SELECT 1 LIMIT 1) LIMIT 2`); redundant parentheses leave no trace.
 */
export interface Query {
  readonly kind: 'query';
  readonly pos: number;
  readonly with: WithClause | null;
  readonly body: QueryBody;
  readonly orderBy: readonly SortBy[];
  /** LIMIT n, or FETCH FIRST n ROWS (n defaults to 1). LIMIT ALL is null. */
  readonly limit: Expr | null;
  /** FETCH FIRST n ROWS WITH TIES. */
  readonly withTies: boolean;
  readonly offset: Expr | null;
  readonly locking: readonly LockingClause[];
}

/**
 * The body of a query. A parenthesised query is unwrapped to its body unless
 * it has its own WITH, ORDER BY, LIMIT, OFFSET or locking: then it is a Query.
 */
export type QueryBody = Select | Values | SetOperation | Query;

/**
 * One SELECT (without ORDER BY / LIMIT, which belong to the Query).
 * `TABLE t` is given as `SELECT * FROM t`.
 */
export interface Select {
  readonly kind: 'select';
  readonly pos: number;
  /** DISTINCT (true also for DISTINCT ON). */
  readonly distinct: boolean;
  /** The expressions of DISTINCT ON (...), or null. */
  readonly distinctOn: readonly Expr[] | null;
  /** The select list; may be empty (`SELECT FROM t` is valid PostgreSQL). */
  readonly targets: readonly ResultTarget[];
  readonly from: readonly FromItem[];
  readonly where: Expr | null;
  readonly groupBy: readonly GroupingItem[];
  readonly having: Expr | null;
  readonly windows: readonly WindowDef[];
}

/** `VALUES (..), (..)`: every row is a list of expressions (which may include DEFAULT in INSERT). */
export interface Values {
  readonly kind: 'values';
  readonly pos: number;
  readonly rows: readonly (readonly Expr[])[];
}

/** `left UNION|INTERSECT|EXCEPT [ALL] right`; INTERSECT binds tighter, the others are left-associative. */
export interface SetOperation {
  readonly kind: 'setOp';
  readonly pos: number;
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: QueryBody;
  readonly right: QueryBody;
}

/** An item of a select list or RETURNING list: `expr [AS alias]`, `*`, `t.*` (a Star expr). */
export interface ResultTarget {
  readonly kind: 'target';
  readonly pos: number;
  readonly expr: Expr;
  readonly alias: string | null;
}

export interface WithClause {
  readonly kind: 'with';
  readonly pos: number;
  readonly recursive: boolean;
  readonly ctes: readonly CommonTableExpr[];
}

/** `name [(cols)] AS [[NOT] MATERIALIZED] (statement)`: a query or, in PostgreSQL, a DML statement with RETURNING. */
export interface CommonTableExpr {
  readonly kind: 'cte';
  readonly pos: number;
  readonly name: string;
  readonly columns: readonly string[] | null;
  /** MATERIALIZED true, NOT MATERIALIZED false, unspecified null. */
  readonly materialized: boolean | null;
  readonly query: Query | Insert | Update | Delete;
}

/** `FOR UPDATE | NO KEY UPDATE | SHARE | KEY SHARE [OF t, ...] [NOWAIT | SKIP LOCKED]`. */
export interface LockingClause {
  readonly pos: number;
  readonly strength: 'update' | 'noKeyUpdate' | 'share' | 'keyShare';
  readonly tables: readonly QualifiedName[];
  readonly wait: 'block' | 'nowait' | 'skipLocked';
}

/** A GROUP BY item: an expression (possibly a row, or an ordinal constant), or a grouping set. */
export type GroupingItem = Expr | GroupingSet;

/** ROLLUP (..), CUBE (..), GROUPING SETS (..), or the empty set `()`. */
export interface GroupingSet {
  readonly kind: 'groupingSet';
  readonly pos: number;
  readonly type: 'rollup' | 'cube' | 'sets' | 'empty';
  readonly items: readonly GroupingItem[];
}

/** `WINDOW name AS (spec)`. */
export interface WindowDef {
  readonly pos: number;
  readonly name: string;
  readonly spec: WindowSpec;
}

// ---------------------------------------------------------------------------
// FROM items

export type FromItem = TableRef | SubqueryRef | FunctionRef | JoinExpr;

/** A table or view; `only` for `ONLY t` (no inheritance; accepted and recorded). */
export interface TableRef {
  readonly kind: 'tableRef';
  readonly pos: number;
  readonly name: QualifiedName;
  readonly alias: Alias | null;
  readonly only: boolean;
}

/** `[LATERAL] (query) [AS] alias`, including `(VALUES ...) AS v(a, b)`. PostgreSQL 16+ makes the alias optional. */
export interface SubqueryRef {
  readonly kind: 'subqueryRef';
  readonly pos: number;
  readonly query: Query;
  readonly alias: Alias | null;
  readonly lateral: boolean;
}

/** `[LATERAL] f(args) [WITH ORDINALITY] [AS] alias`, e.g. generate_series(1, 10) AS g(n). */
export interface FunctionRef {
  readonly kind: 'functionRef';
  readonly pos: number;
  readonly call: FuncCall | SqlValueFunction;
  readonly alias: Alias | null;
  readonly lateral: boolean;
  readonly ordinality: boolean;
}

/**
 * A join. `cross` is CROSS JOIN (the comma of a FROM list is not a join: the
 * items are separate entries of Select.from). `on` and `using` are null for
 * CROSS and NATURAL joins. `alias` is set for `(a JOIN b) AS x`, `usingAlias`
 * for `USING (c) AS j`.
 */
export interface JoinExpr {
  readonly kind: 'join';
  readonly pos: number;
  readonly type: 'inner' | 'left' | 'right' | 'full' | 'cross';
  readonly natural: boolean;
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on: Expr | null;
  readonly using: readonly Ident[] | null;
  readonly usingAlias: string | null;
  readonly alias: Alias | null;
}

// ---------------------------------------------------------------------------
// Statements

export type Statement =
  | Query
  | Insert
  | Update
  | Delete
  | CreateTable
  | CreateTableAs
  | CreateIndex
  | CreateView
  | CreateSequence
  | AlterSequence
  | CreateSchema
  | Drop
  | AlterTable
  | Truncate
  | Begin
  | SetTransaction
  | Commit
  | Rollback
  | Savepoint
  | ReleaseSavepoint
  | RollbackToSavepoint
  | SetVariable
  | Show
  | Reset
  | Discard
  | Explain
  | Vacuum
  | Analyze
  | Copy
  | Prepare
  | Execute
  | Deallocate
  | CreateRole
  | AlterRole
  | DropRole
  | Checkpoint
  | Listen
  | Unlisten
  | Notify;

/** The statements that can follow WITH. */
export type DmlStatement = Query | Insert | Update | Delete;

/** UPDATE SET `column = value`. */
export interface Assignment {
  readonly kind: 'assign';
  readonly pos: number;
  readonly column: Ident;
  readonly value: Expr;
}

/** UPDATE SET `(a, b) = (x, y)`, `(a, b) = ROW(x, y)` or `(a, b) = (SELECT ...)`: `value` is a RowExpr or Subquery. */
export interface MultiAssignment {
  readonly kind: 'multiAssign';
  readonly pos: number;
  readonly columns: readonly Ident[];
  readonly value: Expr;
}

export type SetClause = Assignment | MultiAssignment;

export interface Insert {
  readonly kind: 'insert';
  readonly pos: number;
  readonly with: WithClause | null;
  readonly table: QualifiedName;
  readonly alias: string | null;
  /** The column list, or null when omitted (all columns in order). */
  readonly columns: readonly Ident[] | null;
  /** OVERRIDING SYSTEM VALUE / USER VALUE. */
  readonly overriding: 'system' | 'user' | null;
  /** VALUES or a query (a Query whose body is Values for VALUES); null for DEFAULT VALUES. */
  readonly source: Query | null;
  readonly onConflict: OnConflict | null;
  /** RETURNING targets; [] without RETURNING. */
  readonly returning: readonly ResultTarget[];
}

/**
 * ON CONFLICT [(index elements) [WHERE pred] | ON CONSTRAINT name] DO NOTHING
 * | DO UPDATE SET ... [WHERE ...]. The SET values and WHERE may refer to
 * EXCLUDED.col (a ColumnRef with table 'excluded').
 */
export interface OnConflict {
  readonly kind: 'onConflict';
  readonly pos: number;
  /** The conflict target's index elements, or null with ON CONSTRAINT or no target. */
  readonly target: readonly IndexElem[] | null;
  /** WHERE of the conflict target (a partial index's predicate). */
  readonly targetWhere: Expr | null;
  readonly constraint: string | null;
  readonly action: 'nothing' | 'update';
  /** DO UPDATE SET clauses; [] for DO NOTHING. */
  readonly set: readonly SetClause[];
  /** DO UPDATE ... WHERE. */
  readonly where: Expr | null;
}

export interface Update {
  readonly kind: 'update';
  readonly pos: number;
  readonly with: WithClause | null;
  readonly table: QualifiedName;
  readonly alias: string | null;
  readonly only: boolean;
  readonly set: readonly SetClause[];
  readonly from: readonly FromItem[];
  readonly where: Expr | null;
  readonly returning: readonly ResultTarget[];
}

export interface Delete {
  readonly kind: 'delete';
  readonly pos: number;
  readonly with: WithClause | null;
  readonly table: QualifiedName;
  readonly alias: string | null;
  readonly only: boolean;
  readonly using: readonly FromItem[];
  readonly where: Expr | null;
  readonly returning: readonly ResultTarget[];
}

// --- DDL

export interface CreateTable {
  readonly kind: 'createTable';
  readonly pos: number;
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly temporary: boolean;
  readonly unlogged: boolean;
  readonly columns: readonly ColumnDef[];
  /** Table constraints, in order (column constraints are on their ColumnDef). */
  readonly constraints: readonly TableConstraint[];
  /** WITH (name = value, ...) storage parameters, e.g. fillfactor, compression. */
  readonly options: readonly Option[];
  /** ON COMMIT for temporary tables. */
  readonly onCommit: 'preserveRows' | 'deleteRows' | 'drop' | null;
}

/** CREATE TABLE name [(columns)] AS query [WITH [NO] DATA]. */
export interface CreateTableAs {
  readonly kind: 'createTableAs';
  readonly pos: number;
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly temporary: boolean;
  readonly unlogged: boolean;
  readonly columns: readonly string[] | null;
  readonly options: readonly Option[];
  readonly query: Query;
  readonly withData: boolean;
}

export interface ColumnDef {
  readonly kind: 'columnDef';
  readonly pos: number;
  readonly name: string;
  /** SERIAL, BIGSERIAL, SMALLSERIAL stay as written (name 'serial' ...): the binder expands them. */
  readonly type: TypeName;
  readonly collation: QualifiedName | null;
  readonly constraints: readonly ColumnConstraint[];
}

/** Column constraints, in written order. Each has the `name` given by CONSTRAINT name, or null. */
export type ColumnConstraint =
  | NotNullConstraint
  | NullableConstraint
  | DefaultConstraint
  | PrimaryKeyConstraint
  | UniqueConstraint
  | CheckConstraint
  | ForeignKeyConstraint
  | IdentityConstraint
  | GeneratedConstraint;

/** Table constraints; their `columns` are non-null. */
export type TableConstraint = PrimaryKeyConstraint | UniqueConstraint | CheckConstraint | ForeignKeyConstraint;

export interface NotNullConstraint {
  readonly kind: 'notNull';
  readonly pos: number;
  readonly name: string | null;
}

/** An explicit NULL on a column (the default; contradicts NOT NULL). */
export interface NullableConstraint {
  readonly kind: 'nullable';
  readonly pos: number;
  readonly name: string | null;
}

export interface DefaultConstraint {
  readonly kind: 'columnDefault';
  readonly pos: number;
  readonly name: string | null;
  readonly expr: Expr;
}

/** Deferral attributes shared by key constraints. */
export interface Deferral {
  readonly deferrable: boolean;
  readonly initiallyDeferred: boolean;
}

/** PRIMARY KEY: `columns` null on a column, the list in a table constraint. */
export interface PrimaryKeyConstraint extends Deferral {
  readonly kind: 'primaryKey';
  readonly pos: number;
  readonly name: string | null;
  readonly columns: readonly Ident[] | null;
  readonly include: readonly Ident[];
  readonly options: readonly Option[];
}

/** UNIQUE [NULLS [NOT] DISTINCT]: `columns` null on a column. */
export interface UniqueConstraint extends Deferral {
  readonly kind: 'unique';
  readonly pos: number;
  readonly name: string | null;
  readonly columns: readonly Ident[] | null;
  readonly nullsNotDistinct: boolean;
  readonly include: readonly Ident[];
  readonly options: readonly Option[];
}

export interface CheckConstraint {
  readonly kind: 'check';
  readonly pos: number;
  readonly name: string | null;
  readonly expr: Expr;
  readonly noInherit: boolean;
}

export type ReferentialAction = 'noAction' | 'restrict' | 'cascade' | 'setNull' | 'setDefault';

/**
 * REFERENCES t [(cols)] on a column (`columns` null) or FOREIGN KEY (cols)
 * REFERENCES t [(cols)] in a table. `refColumns` null means t's primary key.
 */
export interface ForeignKeyConstraint extends Deferral {
  readonly kind: 'foreignKey';
  readonly pos: number;
  readonly name: string | null;
  readonly columns: readonly Ident[] | null;
  readonly refTable: QualifiedName;
  readonly refColumns: readonly Ident[] | null;
  readonly match: 'simple' | 'full' | 'partial';
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
}

/** GENERATED ALWAYS | BY DEFAULT AS IDENTITY [(sequence options)]. */
export interface IdentityConstraint {
  readonly kind: 'identity';
  readonly pos: number;
  readonly name: string | null;
  readonly always: boolean;
  readonly options: readonly SequenceOption[];
}

/** GENERATED ALWAYS AS (expr) [STORED | VIRTUAL]. */
export interface GeneratedConstraint {
  readonly kind: 'generated';
  readonly pos: number;
  readonly name: string | null;
  readonly expr: Expr;
  readonly stored: boolean;
}

/**
 * An element of CREATE INDEX's list or of ON CONFLICT's target: a column
 * (`column` set) or an expression (`expr` set: `(a + b)` or `lower(name)`).
 */
export interface IndexElem {
  readonly kind: 'indexElem';
  readonly pos: number;
  readonly column: string | null;
  readonly expr: Expr | null;
  readonly collation: QualifiedName | null;
  readonly opclass: QualifiedName | null;
  readonly desc: boolean;
  readonly nulls: 'first' | 'last' | null;
}

export interface CreateIndex {
  readonly kind: 'createIndex';
  readonly pos: number;
  /** The index name, or null when omitted (the binder generates one). */
  readonly name: string | null;
  readonly table: QualifiedName;
  readonly unique: boolean;
  readonly ifNotExists: boolean;
  readonly concurrently: boolean;
  /** USING method (btree, hash, ...), lower case, or null for the default. */
  readonly method: string | null;
  readonly elements: readonly IndexElem[];
  readonly include: readonly Ident[];
  readonly nullsNotDistinct: boolean;
  readonly options: readonly Option[];
  /** WHERE of a partial index. */
  readonly where: Expr | null;
}

export interface CreateView {
  readonly kind: 'createView';
  readonly pos: number;
  readonly name: QualifiedName;
  readonly orReplace: boolean;
  readonly temporary: boolean;
  readonly recursive: boolean;
  readonly columns: readonly string[] | null;
  readonly options: readonly Option[];
  readonly query: Query;
  /** The query's source text, as written (for the catalog and for \d+). */
  readonly definition: string;
  readonly checkOption: 'local' | 'cascaded' | null;
}

/**
 * A sequence option (CREATE/ALTER SEQUENCE, identity columns). Number values
 * are source text with their sign; `value` null means NO MINVALUE, NO
 * MAXVALUE, or RESTART without a value.
 */
export type SequenceOption =
  | { readonly pos: number; readonly option: 'as'; readonly type: TypeName }
  | {
      readonly pos: number;
      readonly option: 'increment' | 'start' | 'restart' | 'minvalue' | 'maxvalue' | 'cache';
      readonly value: string | null;
    }
  | { readonly pos: number; readonly option: 'cycle'; readonly value: boolean }
  | { readonly pos: number; readonly option: 'ownedBy'; readonly column: readonly string[] | null }
  | { readonly pos: number; readonly option: 'sequenceName'; readonly name: QualifiedName };

export interface CreateSequence {
  readonly kind: 'createSequence';
  readonly pos: number;
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly temporary: boolean;
  readonly options: readonly SequenceOption[];
}

export interface AlterSequence {
  readonly kind: 'alterSequence';
  readonly pos: number;
  readonly name: QualifiedName;
  readonly ifExists: boolean;
  readonly options: readonly SequenceOption[];
}

export interface CreateSchema {
  readonly kind: 'createSchema';
  readonly pos: number;
  readonly name: string;
  readonly ifNotExists: boolean;
  readonly authorization: string | null;
}

/** DROP TABLE | VIEW | INDEX | SEQUENCE | SCHEMA [CONCURRENTLY] [IF EXISTS] names [CASCADE | RESTRICT]. */
export interface Drop {
  readonly kind: 'drop';
  readonly pos: number;
  readonly objectType: 'table' | 'view' | 'index' | 'sequence' | 'schema';
  readonly names: readonly QualifiedName[];
  readonly ifExists: boolean;
  /** CASCADE; RESTRICT (the default) is false. */
  readonly cascade: boolean;
  readonly concurrently: boolean;
}

/**
 * ALTER TABLE [IF EXISTS] [ONLY] t action, ... . A RENAME is always the only
 * action, as PostgreSQL requires.
 */
export interface AlterTable {
  readonly kind: 'alterTable';
  readonly pos: number;
  readonly table: QualifiedName;
  readonly ifExists: boolean;
  readonly only: boolean;
  readonly actions: readonly AlterTableAction[];
}

export type AlterTableAction =
  | { readonly kind: 'addColumn'; readonly pos: number; readonly column: ColumnDef; readonly ifNotExists: boolean }
  | {
      readonly kind: 'dropColumn';
      readonly pos: number;
      readonly column: Ident;
      readonly ifExists: boolean;
      readonly cascade: boolean;
    }
  | { readonly kind: 'renameColumn'; readonly pos: number; readonly column: Ident; readonly newName: string }
  | { readonly kind: 'renameTable'; readonly pos: number; readonly newName: string }
  | { readonly kind: 'renameConstraint'; readonly pos: number; readonly constraint: Ident; readonly newName: string }
  | { readonly kind: 'addConstraint'; readonly pos: number; readonly constraint: TableConstraint }
  | {
      readonly kind: 'dropConstraint';
      readonly pos: number;
      readonly constraint: Ident;
      readonly ifExists: boolean;
      readonly cascade: boolean;
    }
  | { readonly kind: 'setDefault'; readonly pos: number; readonly column: Ident; readonly expr: Expr }
  | { readonly kind: 'dropDefault'; readonly pos: number; readonly column: Ident }
  | { readonly kind: 'setNotNull'; readonly pos: number; readonly column: Ident }
  | { readonly kind: 'dropNotNull'; readonly pos: number; readonly column: Ident }
  | {
      readonly kind: 'alterType';
      readonly pos: number;
      readonly column: Ident;
      readonly type: TypeName;
      readonly collation: QualifiedName | null;
      readonly using: Expr | null;
    }
  | {
      readonly kind: 'addIdentity';
      readonly pos: number;
      readonly column: Ident;
      readonly identity: IdentityConstraint;
    }
  | { readonly kind: 'dropIdentity'; readonly pos: number; readonly column: Ident; readonly ifExists: boolean }
  | { readonly kind: 'setOptions'; readonly pos: number; readonly options: readonly Option[] }
  | { readonly kind: 'resetOptions'; readonly pos: number; readonly names: readonly string[] };

/** TRUNCATE [TABLE] [ONLY] t, ... [RESTART | CONTINUE IDENTITY] [CASCADE | RESTRICT]. */
export interface Truncate {
  readonly kind: 'truncate';
  readonly pos: number;
  readonly tables: readonly QualifiedName[];
  readonly restartIdentity: boolean;
  readonly cascade: boolean;
}

// --- Transactions

export type IsolationLevel = 'serializable' | 'repeatable read' | 'read committed' | 'read uncommitted';

/** Transaction modes; null where the statement does not set them. */
export interface TransactionModes {
  readonly isolationLevel: IsolationLevel | null;
  readonly readOnly: boolean | null;
  readonly deferrable: boolean | null;
}

/** BEGIN [WORK | TRANSACTION] [modes] and START TRANSACTION [modes]. */
export interface Begin extends TransactionModes {
  readonly kind: 'begin';
  readonly pos: number;
  /** START TRANSACTION (its command tag differs from BEGIN's). */
  readonly start?: boolean;
}

/** SET TRANSACTION modes (session false) or SET SESSION CHARACTERISTICS AS TRANSACTION modes (session true). */
export interface SetTransaction extends TransactionModes {
  readonly kind: 'setTransaction';
  readonly pos: number;
  readonly session: boolean;
}

/** COMMIT / END [WORK | TRANSACTION] [AND [NO] CHAIN]. */
export interface Commit {
  readonly kind: 'commit';
  readonly pos: number;
  readonly chain: boolean;
}

/** ROLLBACK / ABORT [WORK | TRANSACTION] [AND [NO] CHAIN]. */
export interface Rollback {
  readonly kind: 'rollback';
  readonly pos: number;
  readonly chain: boolean;
}

export interface Savepoint {
  readonly kind: 'savepoint';
  readonly pos: number;
  readonly name: string;
}

/** RELEASE [SAVEPOINT] name. */
export interface ReleaseSavepoint {
  readonly kind: 'releaseSavepoint';
  readonly pos: number;
  readonly name: string;
}

/** ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name. */
export interface RollbackToSavepoint {
  readonly kind: 'rollbackToSavepoint';
  readonly pos: number;
  readonly name: string;
}

// --- Session

/** A value of SET: a string, a (signed) number as written, or a word (identifier or keyword, e.g. on, true, warning). */
export interface SetValue {
  readonly pos: number;
  readonly type: 'string' | 'number' | 'word';
  readonly value: string;
}

/**
 * SET [SESSION | LOCAL] name {TO | =} value, ... | DEFAULT. Special forms map
 * to their variables: SET TIME ZONE x -> 'timezone' (LOCAL and DEFAULT ->
 * values null; an INTERVAL value is a string), SET NAMES x ->
 * 'client_encoding', SET SCHEMA x -> 'search_path', SET ROLE x -> 'role',
 * SET SESSION AUTHORIZATION x -> 'session_authorization'. Dotted names are
 * joined with '.'.
 */
export interface SetVariable {
  readonly kind: 'set';
  readonly pos: number;
  readonly name: string;
  readonly local: boolean;
  /** The values, or null for DEFAULT. */
  readonly values: readonly SetValue[] | null;
}

/**
 * SHOW name | ALL (configuration names are case-insensitive in PostgreSQL; a
 * quoted name keeps its case here). TIME ZONE -> 'timezone', TRANSACTION ISOLATION LEVEL ->
 * 'transaction_isolation', SESSION AUTHORIZATION -> 'session_authorization',
 * ALL -> 'all'.
 */
export interface Show {
  readonly kind: 'show';
  readonly pos: number;
  readonly name: string;
}

/** RESET name | ALL, with SHOW's special names. */
export interface Reset {
  readonly kind: 'reset';
  readonly pos: number;
  readonly name: string;
}

/** DISCARD ALL | PLANS | SEQUENCES | TEMP. */
export interface Discard {
  readonly kind: 'discard';
  readonly pos: number;
  readonly target: 'all' | 'plans' | 'sequences' | 'temp';
}

/**
 * EXPLAIN [ANALYZE] [VERBOSE] statement, or EXPLAIN (option [value], ...)
 * statement. The old keywords become options too: `EXPLAIN ANALYZE VERBOSE`
 * has options analyze and verbose with value null (true).
 */
export interface Explain {
  readonly kind: 'explain';
  readonly pos: number;
  readonly options: readonly Option[];
  readonly statement: Statement;
}

export interface VacuumTarget {
  readonly pos: number;
  readonly table: QualifiedName;
  readonly columns: readonly Ident[];
}

/** VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] [tables] or VACUUM (options) [tables]; old keywords become options. */
export interface Vacuum {
  readonly kind: 'vacuum';
  readonly pos: number;
  readonly options: readonly Option[];
  readonly tables: readonly VacuumTarget[];
}

/** ANALYZE [VERBOSE] [tables] or ANALYZE (options) [tables]. */
export interface Analyze {
  readonly kind: 'analyze';
  readonly pos: number;
  readonly options: readonly Option[];
  readonly tables: readonly VacuumTarget[];
}

/**
 * COPY t [(cols)] FROM {STDIN | 'file' | PROGRAM 'cmd'} [options] [WHERE ..]
 * or COPY {t [(cols)] | (query)} TO {STDOUT | 'file' | PROGRAM 'cmd'} [options].
 * Options, old style (`WITH CSV HEADER DELIMITER ','`, `BINARY`) or new
 * (`WITH (FORMAT csv, HEADER)`), are given in the new style's names: format,
 * header, delimiter, null, quote, escape, force_quote, force_not_null,
 * force_null, encoding, freeze, default, on_error, ...
 */
export interface Copy {
  readonly kind: 'copy';
  readonly pos: number;
  /** The table, or null when copying a query's result. */
  readonly table: QualifiedName | null;
  readonly columns: readonly Ident[] | null;
  readonly query: DmlStatement | null;
  readonly direction: 'from' | 'to';
  /** STDIN / STDOUT: the data travels over the connection. */
  readonly stdio: boolean;
  /** A server-side file name, or the command of PROGRAM. */
  readonly filename: string | null;
  readonly program: boolean;
  readonly options: readonly Option[];
  readonly where: Expr | null;
}

/** PREPARE name [(types)] AS statement. */
export interface Prepare {
  readonly kind: 'prepare';
  readonly pos: number;
  readonly name: string;
  readonly paramTypes: readonly TypeName[];
  readonly statement: Statement;
}

/** EXECUTE name [(params)]. */
export interface Execute {
  readonly kind: 'execute';
  readonly pos: number;
  readonly name: string;
  readonly params: readonly Expr[];
}

/** DEALLOCATE [PREPARE] name | ALL (name null). */
export interface Deallocate {
  readonly kind: 'deallocate';
  readonly pos: number;
  readonly name: string | null;
}

/**
 * A role option: login, superuser, createdb, createrole, inherit,
 * replication, bypassrls (boolean: NOLOGIN etc. are false); password (string,
 * or null for PASSWORD NULL; ENCRYPTED PASSWORD is the same); connectionLimit
 * (number text); validUntil (string); inRole, role, admin (role names).
 */
export interface RoleOption {
  readonly pos: number;
  readonly name: string;
  readonly value: boolean | string | readonly string[] | null;
}

/** CREATE ROLE | USER name [WITH] options. CREATE USER means LOGIN unless NOLOGIN is given (isUser true). */
export interface CreateRole {
  readonly kind: 'createRole';
  readonly pos: number;
  readonly name: string;
  readonly isUser: boolean;
  readonly options: readonly RoleOption[];
}

/** ALTER ROLE | USER name [WITH] options, or ALTER ROLE name RENAME TO new (renameTo set, no options). */
export interface AlterRole {
  readonly kind: 'alterRole';
  readonly pos: number;
  readonly name: string;
  readonly options: readonly RoleOption[];
  readonly renameTo?: string;
}

/** DROP ROLE | USER [IF EXISTS] name, ... */
export interface DropRole {
  readonly kind: 'dropRole';
  readonly pos: number;
  readonly names: readonly string[];
  readonly ifExists: boolean;
}

export interface Checkpoint {
  readonly kind: 'checkpoint';
  readonly pos: number;
}

export interface Listen {
  readonly kind: 'listen';
  readonly pos: number;
  readonly channel: string;
}

/** UNLISTEN channel | * (channel null). */
export interface Unlisten {
  readonly kind: 'unlisten';
  readonly pos: number;
  readonly channel: string | null;
}

export interface Notify {
  readonly kind: 'notify';
  readonly pos: number;
  readonly channel: string;
  readonly payload: string | null;
}
