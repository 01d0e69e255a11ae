// Public surface of src/sql: the PostgreSQL-dialect lexer and parser.
//
// parse(sql) turns a script of ;-separated statements into syntax trees
// (see ast.ts for every node); parseOne(sql) requires exactly one. Errors
// are FlintErrors with SQLSTATE 42601 (or 54001 for input nested too
// deeply) and a 1-based `position`, as PostgreSQL reports them.

export { parse, parseOne, parseScript } from './parser.ts';
export type { ParsedStatement } from './parser.ts';
export { MAX_NESTING_DEPTH } from './parser-state.ts';
export { positionOf } from './sql-error.ts';
export { formatAst, formatExpr, formatQuery, formatType } from './format.ts';
export type { FormatAstOptions } from './format.ts';
export { keywordCategory, KW_COL_NAME, KW_RESERVED, KW_TYPE_FUNC } from './keywords.ts';
export type * from './ast.ts';
