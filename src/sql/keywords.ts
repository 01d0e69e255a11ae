// PostgreSQL's keyword categories (src/include/parser/kwlist.h, PostgreSQL 17).
//
// The lexer does not turn keywords into special tokens: every unquoted word is
// an identifier token holding its lower-cased text, and the parser matches
// keywords by that text where the grammar expects them. What the parser needs
// to know globally is only which words may not be used as names, by category:
//
// - reserved: never a column, table or function name (only a label after AS);
// - colName: a column or table name, but not a function or type name (these
//   words have special syntax: COALESCE(...), INT, TIMESTAMP '...', ...);
// - typeFunc: a function or type name, but not a column or table name
//   (LEFT(...), but FROM t LEFT JOIN u);
// - every other word (unreserved keywords and plain identifiers) is usable
//   anywhere a name is.
//
// AS_LABEL words may label a target only after AS (`SELECT 1 AS year`, not
// `SELECT 1 year`); PostgreSQL 14+ accepts every other word as a bare label.

export const KW_RESERVED = 1;
export const KW_COL_NAME = 2;
export const KW_TYPE_FUNC = 3;

const RESERVED = [
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check',
  'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time',
  'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',
  'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into',
  'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order',
  'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric', 'system_user',
  'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where', 'window',
  'with',
];

const COL_NAME = [
  'between', 'bigint', 'bit', 'boolean', 'char', 'character', 'coalesce', 'dec', 'decimal', 'exists', 'extract',
  'float', 'greatest', 'grouping', 'inout', 'int', 'integer', 'interval', 'json', 'json_array', 'json_arrayagg',
  'json_exists', 'json_object', 'json_objectagg', 'json_query', 'json_scalar', 'json_serialize', 'json_table',
  'json_value', 'least', 'merge_action', 'national', 'nchar', 'none', 'normalize', 'nullif', 'numeric', 'out',
  'overlay', 'position', 'precision', 'real', 'row', 'setof', 'smallint', 'substring', 'time', 'timestamp', 'treat',
  'trim', 'values', 'varchar', 'xmlattributes', 'xmlconcat', 'xmlelement', 'xmlexists', 'xmlforest', 'xmlnamespaces',
  'xmlparse', 'xmlpi', 'xmlroot', 'xmlserialize', 'xmltable',
];

const TYPE_FUNC = [
  'authorization', 'binary', 'collation', 'concurrently', 'cross', 'current_schema', 'freeze', 'full', 'ilike', 'inner',
  'is', 'isnull', 'join', 'left', 'like', 'natural', 'notnull', 'outer', 'overlaps', 'right', 'similar', 'tablesample',
  'verbose',
];

/** Keywords that may label a select target only after AS. */
const AS_LABEL = [
  'array', 'as', 'char', 'character', 'create', 'day', 'except', 'fetch', 'filter', 'for', 'from', 'grant', 'group',
  'having', 'hour', 'intersect', 'into', 'isnull', 'limit', 'minute', 'month', 'notnull', 'offset', 'on', 'order',
  'over', 'overlaps', 'precision', 'returning', 'second', 'to', 'union', 'varying', 'where', 'window', 'with', 'within',
  'without', 'year',
];

const CATEGORY = new Map<string, number>();
for (const word of RESERVED) CATEGORY.set(word, KW_RESERVED);
for (const word of COL_NAME) CATEGORY.set(word, KW_COL_NAME);
for (const word of TYPE_FUNC) CATEGORY.set(word, KW_TYPE_FUNC);
const AS_LABEL_SET = new Set(AS_LABEL);

/** KW_RESERVED, KW_COL_NAME, KW_TYPE_FUNC, or 0 for unreserved keywords and plain identifiers. */
export function keywordCategory(word: string): number {
  return CATEGORY.get(word) ?? 0;
}

/** Whether `word` (lower case, unquoted) needs AS before it to label a select target. */
export function needsAsLabel(word: string): boolean {
  return AS_LABEL_SET.has(word);
}
