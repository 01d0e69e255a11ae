// Role statements (CREATE ROLE / CREATE USER, ALTER ROLE, DROP ROLE) and the
// small interface a Session runs them through.
//
// Roles are not database objects in Flint: they live in the data
// directory's roles file, which the server owns (src/server/roles.ts). A
// Session therefore runs role statements through a RoleManager that the
// server hands it, bound to the session's user; an embedded Session has
// none, and refuses role statements with 0A000.
//
// This module turns the parsed options into attributes and checks them as
// PostgreSQL's parser and CreateRole/AlterRole do (conflicting options are
// 42601, reserved names 42939, options Flint does not keep 0A000); the
// manager checks privileges and existence.

import { FlintError, SqlState } from '../errors.ts';
import type * as ast from '../sql/ast.ts';
import type { Notice } from '../sql/exec/statement-context.ts';
import type { StatementResult } from '../sql/exec/statements.ts';

/** What pg_roles / \du show of a role. */
export interface RoleInfo {
  readonly name: string;
  readonly superuser: boolean;
  readonly login: boolean;
  readonly hasPassword: boolean;
}

/**
 * Attributes given by a role statement; absent ones are left as they are
 * (ALTER) or take their defaults (CREATE: NOLOGIN, NOSUPERUSER, no password).
 * `password` is the text as written: plain text, or a SCRAM-SHA-256 verifier
 * kept as is; null means PASSWORD NULL (no password).
 */
export interface RoleAttributes {
  readonly login?: boolean;
  readonly superuser?: boolean;
  readonly password?: string | null;
}

/**
 * Role management for one session, bound to its user. Implementations check
 * that the user may do it (42501), and raise PostgreSQL's errors: 42710 role
 * already exists, 42704 role does not exist, 55006 dropping the current user.
 */
export interface RoleManager {
  /** The session's user (current_user, session_user). */
  readonly user: string;
  list(): readonly RoleInfo[];
  create(name: string, attributes: RoleAttributes): void;
  alter(name: string, attributes: RoleAttributes): void;
  rename(name: string, newName: string): void;
  /** Drop roles, all or none: a missing one is 42704, or with ifExists skipped; returns the names skipped. */
  drop(names: readonly string[], ifExists: boolean): readonly string[];
}

export type RoleStatement = ast.CreateRole | ast.AlterRole | ast.DropRole;

export function isRoleStatement(stmt: ast.Statement): stmt is RoleStatement {
  return stmt.kind === 'createRole' || stmt.kind === 'alterRole' || stmt.kind === 'dropRole';
}

const RESERVED_ROLE_NAMES = new Set(['public', 'none']);

/** CREATE ROLE's name check: PostgreSQL reserves public, none and the pg_ prefix (42939). */
export function checkNewRoleName(name: string, pos?: number): void {
  if (RESERVED_ROLE_NAMES.has(name)) throw new FlintError('42939', `role name "${name}" is reserved`, pos === undefined ? {} : { position: pos + 1 });
  if (name.startsWith('pg_')) throw new FlintError('42939', `role name "${name}" is reserved`, { detail: 'Role names starting with "pg_" are reserved.' });
}

/** CURRENT_USER / SESSION_USER / CURRENT_ROLE name the session's user. */
function resolveName(name: string, roles: RoleManager): string {
  return name === 'current_user' || name === 'session_user' || name === 'current_role' ? roles.user : name;
}

/** The attributes of a role statement's options; 42601 for one given twice, 0A000 for one Flint does not keep. */
export function roleAttributes(options: readonly ast.RoleOption[]): RoleAttributes {
  const seen = new Set<string>();
  const attributes: { login?: boolean; superuser?: boolean; password?: string | null } = {};
  for (const o of options) {
    if (seen.has(o.name)) throw new FlintError(SqlState.syntaxError, 'conflicting or redundant options', { position: o.pos + 1 });
    seen.add(o.name);
    switch (o.name) {
      case 'login':
      case 'superuser':
        attributes[o.name] = o.value === true;
        break;
      case 'password':
        attributes.password = typeof o.value === 'string' ? o.value : null;
        break;
      // Attributes Flint has no use for yet: accepted only at their default, so scripts from pg_dumpall load.
      case 'inherit':
        if (o.value !== true) throw notKept('NOINHERIT', o);
        break;
      case 'createdb':
      case 'createrole':
      case 'replication':
      case 'bypassrls':
        if (o.value !== false) throw notKept(o.name.toUpperCase(), o);
        break;
      case 'connectionLimit':
        if (o.value !== '-1') throw notKept('CONNECTION LIMIT', o);
        break;
      case 'validUntil':
        if (typeof o.value !== 'string' || o.value.toLowerCase() !== 'infinity') throw notKept('VALID UNTIL', o);
        break;
      default:
        throw notKept(o.name === 'inRole' ? 'IN ROLE' : o.name.toUpperCase(), o);
    }
  }
  return attributes;
}

function notKept(what: string, o: ast.RoleOption): FlintError {
  return new FlintError(SqlState.featureNotSupported, `role option ${what} is not supported`, { position: o.pos + 1, hint: 'Flint keeps LOGIN, SUPERUSER and PASSWORD.' });
}

/** PASSWORD '' means no password, with PostgreSQL's notice. */
function withoutEmptyPassword(attributes: RoleAttributes, notices: Notice[]): RoleAttributes {
  if (attributes.password !== '') return attributes;
  notices.push({ severity: 'NOTICE', code: SqlState.successfulCompletion, message: 'empty string is not a valid password, clearing password' });
  return { ...attributes, password: null };
}

/** Run a role statement through the session's role manager. */
export function runRoleStatement(stmt: RoleStatement, roles: RoleManager): StatementResult {
  const notices: Notice[] = [];
  const done = (command: string): StatementResult => ({ command, columns: [], rows: [], rowCount: 0, ...(notices.length === 0 ? {} : { notices }) });
  switch (stmt.kind) {
    case 'createRole': {
      checkNewRoleName(stmt.name, stmt.pos);
      const given = withoutEmptyPassword(roleAttributes(stmt.options), notices);
      // CREATE USER is CREATE ROLE ... LOGIN unless NOLOGIN is given.
      roles.create(stmt.name, { login: stmt.isUser, ...given });
      return done('CREATE ROLE');
    }
    case 'alterRole': {
      const name = resolveName(stmt.name, roles);
      if (stmt.renameTo !== undefined) {
        checkNewRoleName(stmt.renameTo, stmt.pos);
        roles.rename(name, stmt.renameTo);
        return done('ALTER ROLE');
      }
      roles.alter(name, withoutEmptyPassword(roleAttributes(stmt.options), notices));
      return done('ALTER ROLE');
    }
    case 'dropRole':
      for (const name of roles.drop(stmt.names.map((n) => resolveName(n, roles)), stmt.ifExists)) {
        notices.push({ severity: 'NOTICE', code: SqlState.successfulCompletion, message: `role "${name}" does not exist, skipping` });
      }
      return done('DROP ROLE');
  }
}
