// Transaction control, session settings and utility statements: BEGIN,
// COMMIT, ROLLBACK, SAVEPOINT, SET, SHOW, RESET, DISCARD, EXPLAIN, VACUUM,
// ANALYZE, COPY, PREPARE, EXECUTE, DEALLOCATE, CHECKPOINT, LISTEN, NOTIFY.

import type {
  Analyze,
  Copy,
  DmlStatement,
  Explain,
  Ident,
  IsolationLevel,
  Option,
  SetValue,
  Statement,
  TransactionModes,
  Vacuum,
  VacuumTarget,
} from './ast.ts';
import { TK_IDENT, TK_NUMBER, TK_OP, TK_QIDENT, TK_STRING } from './lexer.ts';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.ts';
import { parseExpr, parseExprList } from './parse-expr.ts';
import { parseOptionList } from './parse-options.ts';
import { parseQuery, parseWithStatement } from './parse-select.ts';
import { parseTypeName } from './parse-type.ts';
import type { Parser } from './parser-state.ts';

// ---------------------------------------------------------------------------
// Transactions

/** Transaction modes, separated by optional commas. */
function transactionModes(p: Parser): TransactionModes {
  let isolationLevel: IsolationLevel | null = null;
  let readOnly: boolean | null = null;
  let deferrable: boolean | null = null;
  for (;;) {
    if (p.acceptKws('isolation', 'level')) {
      if (p.acceptKw('serializable')) isolationLevel = 'serializable';
      else if (p.acceptKws('repeatable', 'read')) isolationLevel = 'repeatable read';
      else if (p.acceptKws('read', 'committed')) isolationLevel = 'read committed';
      else if (p.acceptKws('read', 'uncommitted')) isolationLevel = 'read uncommitted';
      else p.fail();
    } else if (p.acceptKws('read', 'only')) readOnly = true;
    else if (p.acceptKws('read', 'write')) readOnly = false;
    else if (p.acceptKw('deferrable')) deferrable = true;
    else if (p.acceptKws('not', 'deferrable')) deferrable = false;
    else break;
    p.acceptOp(',');
  }
  return { isolationLevel, readOnly, deferrable };
}

/** AND [NO] CHAIN: true for AND CHAIN. */
function acceptChain(p: Parser): boolean {
  if (p.acceptKws('and', 'chain')) return true;
  p.acceptKws('and', 'no', 'chain');
  return false;
}

export function parseTransaction(p: Parser): Statement {
  const t = p.advance();
  const pos = t.pos;
  switch (t.value) {
    case 'begin':
      if (!p.acceptKw('work')) p.acceptKw('transaction');
      return { kind: 'begin', pos, ...transactionModes(p) };
    case 'start':
      p.expectKw('transaction');
      return { kind: 'begin', pos, start: true, ...transactionModes(p) };
    case 'commit':
    case 'end':
      if (!p.acceptKw('work')) p.acceptKw('transaction');
      return { kind: 'commit', pos, chain: acceptChain(p) };
    case 'rollback':
    case 'abort':
      if (!p.acceptKw('work')) p.acceptKw('transaction');
      if (t.value === 'rollback' && p.acceptKw('to')) {
        p.acceptKw('savepoint');
        return { kind: 'rollbackToSavepoint', pos, name: p.colId() };
      }
      return { kind: 'rollback', pos, chain: acceptChain(p) };
    case 'savepoint':
      return { kind: 'savepoint', pos, name: p.colId() };
    case 'release':
      p.acceptKw('savepoint');
      return { kind: 'releaseSavepoint', pos, name: p.colId() };
    default:
      return p.fail(t);
  }
}

// ---------------------------------------------------------------------------
// SET, SHOW, RESET, DISCARD

/** A dotted configuration name: ColId ('.' ColId)*. */
function varName(p: Parser): string {
  return p.dottedName().parts.join('.');
}

function setValue(p: Parser): SetValue {
  const t = p.tok;
  const pos = t.pos;
  if (t.kind === TK_STRING) {
    p.advance();
    return { pos, type: 'string', value: t.value };
  }
  if (t.kind === TK_NUMBER) {
    p.advance();
    return { pos, type: 'number', value: t.value };
  }
  if (t.kind === TK_OP && (t.value === '-' || t.value === '+') && p.peek(1).kind === TK_NUMBER) {
    p.advance();
    const n = p.advance().value;
    return { pos, type: 'number', value: t.value === '-' ? `-${n}` : n };
  }
  if (t.kind === TK_IDENT || t.kind === TK_QIDENT) {
    p.advance();
    return { pos, type: 'word', value: t.value };
  }
  return p.fail();
}

/** `value, ...` or DEFAULT (null). */
function setValues(p: Parser): SetValue[] | null {
  if (p.acceptKw('default')) return null;
  const values = [setValue(p)];
  while (p.acceptOp(',')) values.push(setValue(p));
  return values;
}

export function parseSet(p: Parser): Statement {
  const pos = p.expectKw('set').pos;
  if (p.acceptKws('session', 'characteristics', 'as', 'transaction')) {
    return { kind: 'setTransaction', pos, session: true, ...transactionModes(p) };
  }
  let local = false;
  if (p.acceptKw('local')) local = true;
  else if (!(p.isKw('session') && p.isKwAt(1, 'authorization'))) p.acceptKw('session');
  if (p.acceptKw('transaction')) return { kind: 'setTransaction', pos, session: false, ...transactionModes(p) };
  if (p.acceptKws('time', 'zone')) {
    let values: SetValue[] | null;
    if (p.acceptKw('local') || p.acceptKw('default')) values = null;
    else if (p.isKw('interval') && p.peek(1).kind === TK_STRING) {
      p.advance();
      const s = p.advance();
      values = [{ pos: s.pos, type: 'string', value: s.value }];
      if (p.acceptKw('hour')) {
        p.expectKw('to');
        p.expectKw('minute');
      }
    } else values = [setValue(p)];
    return { kind: 'set', pos, name: 'timezone', local, values };
  }
  if (p.acceptKw('names')) return { kind: 'set', pos, name: 'client_encoding', local, values: setValues(p) };
  if (p.acceptKw('schema')) return { kind: 'set', pos, name: 'search_path', local, values: [setValue(p)] };
  if (p.acceptKw('role')) return { kind: 'set', pos, name: 'role', local, values: [setValue(p)] };
  if (p.acceptKws('session', 'authorization')) {
    return { kind: 'set', pos, name: 'session_authorization', local, values: setValues(p) };
  }
  const name = varName(p);
  if (!p.acceptKw('to')) p.expectOp('=');
  return { kind: 'set', pos, name, local, values: setValues(p) };
}

/** The variable of SHOW and RESET, with the special names. */
function shownName(p: Parser): string {
  if (p.acceptKws('time', 'zone')) return 'timezone';
  if (p.acceptKws('transaction', 'isolation', 'level')) return 'transaction_isolation';
  if (p.acceptKws('session', 'authorization')) return 'session_authorization';
  if (p.acceptKw('all')) return 'all';
  return varName(p);
}

export function parseShow(p: Parser): Statement {
  const pos = p.expectKw('show').pos;
  return { kind: 'show', pos, name: shownName(p) };
}

export function parseReset(p: Parser): Statement {
  const pos = p.expectKw('reset').pos;
  return { kind: 'reset', pos, name: shownName(p) };
}

export function parseDiscard(p: Parser): Statement {
  const pos = p.expectKw('discard').pos;
  const t = p.tok;
  if (t.kind === TK_IDENT && (t.value === 'all' || t.value === 'plans' || t.value === 'sequences')) {
    p.advance();
    return { kind: 'discard', pos, target: t.value };
  }
  if (p.acceptKw('temp') || p.acceptKw('temporary')) return { kind: 'discard', pos, target: 'temp' };
  return p.fail();
}

// ---------------------------------------------------------------------------
// EXPLAIN, VACUUM, ANALYZE

export function parseExplain(p: Parser, statement: (p: Parser) => Statement): Explain {
  const pos = p.expectKw('explain').pos;
  let options: Option[] = [];
  if (p.isOp('(')) {
    options = parseOptionList(p, false);
  } else {
    if (p.isKw('analyze') || p.isKw('analyse')) options.push({ pos: p.advance().pos, name: 'analyze', value: null });
    if (p.isKw('verbose')) options.push({ pos: p.advance().pos, name: 'verbose', value: null });
  }
  return { kind: 'explain', pos, options, statement: statement(p) };
}

function vacuumTargets(p: Parser): VacuumTarget[] {
  const tables: VacuumTarget[] = [];
  if (p.atStatementEnd()) return tables;
  do {
    const pos = p.tok.pos;
    const table = p.qualifiedName();
    const columns: Ident[] = p.isOp('(') ? p.identList() : [];
    tables.push({ pos, table, columns });
  } while (p.acceptOp(','));
  return tables;
}

export function parseVacuum(p: Parser): Vacuum {
  const pos = p.expectKw('vacuum').pos;
  let options: Option[] = [];
  if (p.isOp('(')) {
    options = parseOptionList(p, false);
  } else {
    for (const word of ['full', 'freeze', 'verbose']) {
      if (p.isKw(word)) options.push({ pos: p.advance().pos, name: word, value: null });
    }
    if (p.isKw('analyze') || p.isKw('analyse')) options.push({ pos: p.advance().pos, name: 'analyze', value: null });
  }
  return { kind: 'vacuum', pos, options, tables: vacuumTargets(p) };
}

export function parseAnalyze(p: Parser): Analyze {
  const pos = p.advance().pos;
  let options: Option[] = [];
  if (p.isOp('(')) options = parseOptionList(p, false);
  else if (p.isKw('verbose')) options.push({ pos: p.advance().pos, name: 'verbose', value: null });
  return { kind: 'analyze', pos, options, tables: vacuumTargets(p) };
}

// ---------------------------------------------------------------------------
// COPY

export function parseCopy(p: Parser): Copy {
  const pos = p.expectKw('copy').pos;
  const options: Option[] = [];
  if (p.isKw('binary')) options.push({ pos: p.advance().pos, name: 'format', value: 'binary' });
  let table = null;
  let columns = null;
  let query: DmlStatement | null = null;
  if (p.isOp('(')) {
    p.advance();
    p.enter();
    const start = p.tok.pos;
    if (p.isKw('insert')) query = parseInsert(p, null, start);
    else if (p.isKw('update')) query = parseUpdate(p, null, start);
    else if (p.isKw('delete')) query = parseDelete(p, null, start);
    else if (p.isKw('with')) {
      const stmt = parseWithStatement(p);
      if (stmt.kind !== 'query' && stmt.kind !== 'insert' && stmt.kind !== 'update' && stmt.kind !== 'delete') p.fail();
      query = stmt;
    } else query = parseQuery(p);
    p.leave();
    p.expectOp(')');
  } else {
    table = p.qualifiedName();
    if (p.isOp('(')) columns = p.identList();
  }
  let direction: Copy['direction'];
  if (p.acceptKw('from')) direction = 'from';
  else {
    p.expectKw('to');
    direction = 'to';
  }
  let stdio = false;
  let program = false;
  let filename: string | null = null;
  if (p.acceptKw('stdin') || p.acceptKw('stdout')) stdio = true;
  else {
    program = p.acceptKw('program');
    const t = p.tok;
    if (t.kind !== TK_STRING) p.fail();
    filename = p.advance().value;
  }
  if (p.isOp('(') || (p.isKw('with') && p.isOpAt(1, '('))) {
    p.acceptKw('with');
    options.push(...parseOptionList(p, false));
  } else {
    p.acceptKw('with');
    legacyCopyOptions(p, options);
  }
  const where = direction === 'from' && p.acceptKw('where') ? parseExpr(p) : null;
  return { kind: 'copy', pos, table, columns, query, direction, stdio, filename, program, options, where };
}

/** The pre-9.0 COPY options, turned into the new style's names. */
function legacyCopyOptions(p: Parser, options: Option[]): void {
  for (;;) {
    const pos = p.tok.pos;
    if (p.acceptKw('binary')) options.push({ pos, name: 'format', value: 'binary' });
    else if (p.acceptKw('csv')) options.push({ pos, name: 'format', value: 'csv' });
    else if (p.acceptKw('header')) options.push({ pos, name: 'header', value: null });
    else if (p.acceptKw('freeze')) options.push({ pos, name: 'freeze', value: null });
    else if (p.isKw('delimiter') || p.isKw('null') || p.isKw('quote') || p.isKw('escape') || p.isKw('encoding')) {
      const name = p.advance().value;
      if (name !== 'encoding') p.acceptKw('as');
      const s = p.tok;
      if (s.kind !== TK_STRING) p.fail();
      p.advance();
      options.push({ pos, name, value: s.value });
    } else if (p.acceptKw('force')) {
      let name: string;
      if (p.acceptKw('quote')) name = 'force_quote';
      else if (p.acceptKws('not', 'null')) name = 'force_not_null';
      else {
        p.expectKw('null');
        name = 'force_null';
      }
      if (name === 'force_quote' && p.acceptOp('*')) options.push({ pos, name, value: '*' });
      else {
        const cols = [p.colId()];
        while (p.acceptOp(',')) cols.push(p.colId());
        options.push({ pos, name, value: cols });
      }
    } else {
      return;
    }
  }
}

// ---------------------------------------------------------------------------
// PREPARE, EXECUTE, DEALLOCATE, CHECKPOINT, LISTEN, UNLISTEN, NOTIFY

export function parsePrepare(p: Parser, statement: (p: Parser) => Statement): Statement {
  const pos = p.expectKw('prepare').pos;
  if (p.isKw('transaction')) p.fail();
  const name = p.colId();
  const paramTypes = [];
  if (p.acceptOp('(')) {
    do paramTypes.push(parseTypeName(p));
    while (p.acceptOp(','));
    p.expectOp(')');
  }
  p.expectKw('as');
  return { kind: 'prepare', pos, name, paramTypes, statement: statement(p) };
}

export function parseExecute(p: Parser): Statement {
  const pos = p.expectKw('execute').pos;
  const name = p.colId();
  let params: ReturnType<typeof parseExprList> = [];
  if (p.acceptOp('(')) {
    params = parseExprList(p);
    p.expectOp(')');
  }
  return { kind: 'execute', pos, name, params };
}

export function parseDeallocate(p: Parser): Statement {
  const pos = p.expectKw('deallocate').pos;
  p.acceptKw('prepare');
  if (p.acceptKw('all')) return { kind: 'deallocate', pos, name: null };
  return { kind: 'deallocate', pos, name: p.colId() };
}

export function parseNotifications(p: Parser): Statement {
  const t = p.advance();
  const pos = t.pos;
  if (t.value === 'listen') return { kind: 'listen', pos, channel: p.colId() };
  if (t.value === 'unlisten') {
    if (p.acceptOp('*')) return { kind: 'unlisten', pos, channel: null };
    return { kind: 'unlisten', pos, channel: p.colId() };
  }
  const channel = p.colId();
  let payload: string | null = null;
  if (p.acceptOp(',')) {
    const s = p.tok;
    if (s.kind !== TK_STRING) p.fail();
    payload = p.advance().value;
  }
  return { kind: 'notify', pos, channel, payload };
}
