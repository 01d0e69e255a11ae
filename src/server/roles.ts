// Roles the server authenticates: a name, a SCRAM-SHA-256 verifier (never
// the password), whether it may log in and whether it is a superuser. Kept
// in `flint.roles.json` in the data directory, or only in memory for an
// in-memory database.
//
// The file is the roles' owner, and two kinds of process change it: the
// server (CREATE / ALTER / DROP ROLE over SQL) and `flint user ...`, which
// may run while a server serves the directory. So:
//   - every change is read-modify-write under `flint.roles.json.lock`
//     (created exclusively; a lock older than LOCK_STALE_MS is a crashed
//     writer's and is taken over), re-reading the file first;
//   - the file is replaced atomically: a temporary file is written and
//     fsynced, renamed over the old one, and the directory fsynced;
//   - readers (authentication) re-read the file when it changed on disk
//     (its inode, size or mtime), so a user added by the CLI can log in at
//     once and a removed one no longer can.
//
// File format, version 1:
//   { "version": 1, "roles": [ { "name", "verifier": "SCRAM-SHA-256$..." | null,
//     "superuser": bool, "login": bool } ] }
// `login` absent (files written before it existed) means true.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FlintError, SqlState } from '../errors.ts';
import type { RoleAttributes, RoleInfo, RoleManager } from '../db/roles.ts';
import { makeVerifier, parseVerifier } from './scram.ts';

export interface Role {
  readonly name: string;
  /** PostgreSQL's SCRAM verifier text, or null for a role without a password. */
  readonly verifier: string | null;
  readonly superuser: boolean;
  /** May open a session (LOGIN). */
  readonly login: boolean;
}

export const ROLES_FILE = 'flint.roles.json';
/** How long a writer waits for the lock before giving up (55P03). */
const LOCK_WAIT_MS = 5000;
/** A lock file older than this was left by a writer that died; it is taken over. */
const LOCK_STALE_MS = 30_000;

// SQLSTATEs of role management, PostgreSQL's.
const DUPLICATE_OBJECT = '42710';
const INSUFFICIENT_PRIVILEGE = '42501';
const OBJECT_IN_USE = '55006';

export class RoleStore {
  #roles = new Map<string, Role>();
  readonly #path: string | null;
  /** The file as last read or written: inode, size, mtime. */
  #stamp = '';

  private constructor(path: string | null) {
    this.#path = path;
  }

  /** Roles kept in memory only. */
  static memory(): RoleStore {
    return new RoleStore(null);
  }

  /** The roles of a data directory (none yet if the file does not exist). */
  static open(dir: string): RoleStore {
    const store = new RoleStore(join(dir, ROLES_FILE));
    store.#load();
    return store;
  }

  /** The file's path, or null in memory. */
  get path(): string | null {
    return this.#path;
  }

  get size(): number {
    this.refresh();
    return this.#roles.size;
  }

  get(name: string): Role | undefined {
    this.refresh();
    return this.#roles.get(name);
  }

  list(): Role[] {
    this.refresh();
    return [...this.#roles.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  hasPasswords(): boolean {
    this.refresh();
    return [...this.#roles.values()].some((r) => r.verifier !== null);
  }

  /** Re-read the file if another process changed it since we last read or wrote it. */
  refresh(): void {
    if (this.#path === null) return;
    if (stampOf(this.#path) !== this.#stamp) this.#load();
  }

  /** Create or replace a role (a login role); a password is stored as its SCRAM verifier. */
  set(name: string, password: string | null, superuser = false): void {
    this.#change((roles) => {
      roles.set(name, { name, verifier: password === null ? null : verifierFor(password), superuser, login: true });
    });
  }

  /** A new role: 42710 if it exists. Defaults: NOLOGIN, NOSUPERUSER, no password. */
  create(name: string, attributes: RoleAttributes): void {
    this.#change((roles) => {
      if (roles.has(name)) throw new FlintError(DUPLICATE_OBJECT, `role "${name}" already exists`);
      roles.set(name, {
        name,
        verifier: attributes.password == null ? null : verifierFor(attributes.password),
        superuser: attributes.superuser ?? false,
        login: attributes.login ?? false,
      });
    });
  }

  /** Change the attributes given; 42704 if the role does not exist. */
  alter(name: string, attributes: RoleAttributes): void {
    this.#change((roles) => {
      const role = roles.get(name);
      if (role === undefined) throw notFound(name);
      roles.set(name, {
        name,
        verifier: attributes.password === undefined ? role.verifier : attributes.password === null ? null : verifierFor(attributes.password),
        superuser: attributes.superuser ?? role.superuser,
        login: attributes.login ?? role.login,
      });
    });
  }

  /** Rename: 42704 if it does not exist, 42710 if the new name does. The verifier stays valid (SCRAM's does not depend on the name). */
  rename(name: string, newName: string): void {
    this.#change((roles) => {
      const role = roles.get(name);
      if (role === undefined) throw notFound(name);
      if (roles.has(newName)) throw new FlintError(DUPLICATE_OBJECT, `role "${newName}" already exists`);
      roles.delete(name);
      roles.set(newName, { ...role, name: newName });
    });
  }

  /** Remove a role; false if there was none. */
  remove(name: string): boolean {
    return this.#change((roles) => roles.delete(name));
  }

  /**
   * Role statements for one session's user: only superusers manage roles
   * (42501 otherwise), except that a role may change its own password, as
   * in PostgreSQL.
   */
  managerFor(user: string): RoleManager {
    const store = this;
    const mustBeSuperuser = (message: string) => {
      if (store.get(user)?.superuser !== true) throw new FlintError(INSUFFICIENT_PRIVILEGE, message);
    };
    return {
      user,
      list(): RoleInfo[] {
        return store.list().map((r) => ({ name: r.name, superuser: r.superuser, login: r.login, hasPassword: r.verifier !== null }));
      },
      create(name, attributes) {
        mustBeSuperuser('permission denied to create role');
        store.create(name, attributes);
      },
      alter(name, attributes) {
        const own = name === user && attributes.login === undefined && attributes.superuser === undefined;
        if (store.get(name) === undefined) throw notFound(name);
        if (!own) mustBeSuperuser('permission denied');
        store.alter(name, attributes);
      },
      rename(name, newName) {
        mustBeSuperuser('permission denied to rename role');
        if (store.get(name) === undefined) throw notFound(name);
        if (name === user) throw new FlintError(SqlState.featureNotSupported, 'session user cannot be renamed');
        store.rename(name, newName);
      },
      drop(names, ifExists) {
        mustBeSuperuser('permission denied to drop role');
        return store.#change((roles) => {
          // All or nothing, as in PostgreSQL: check every name before dropping any.
          for (const name of names) {
            if (name === user) throw new FlintError(OBJECT_IN_USE, 'current user cannot be dropped');
            if (!roles.has(name) && !ifExists) throw notFound(name);
          }
          return names.filter((name) => !roles.delete(name));
        });
      },
    };
  }

  /** Apply a change to the newest roles under the file lock and write them back. Throws leave the file as it was. */
  #change<T>(apply: (roles: Map<string, Role>) => T): T {
    if (this.#path === null) {
      const next = new Map(this.#roles);
      const result = apply(next);
      this.#roles = next;
      return result;
    }
    const unlock = lockFile(`${this.#path}.lock`);
    try {
      this.#load();
      const next = new Map(this.#roles);
      const result = apply(next);
      this.#save(next);
      this.#roles = next;
      return result;
    } finally {
      unlock();
    }
  }

  #load(): void {
    const path = this.#path!;
    const stamp = stampOf(path);
    const roles = new Map<string, Role>();
    if (existsSync(path)) {
      let data: { version: number; roles: Partial<Role>[] };
      try {
        data = JSON.parse(readFileSync(path, 'utf8')) as typeof data;
      } catch (cause) {
        throw new FlintError(SqlState.configFileError, `${path} is not a valid roles file`, { cause });
      }
      if (data.version !== 1 || !Array.isArray(data.roles)) throw new FlintError(SqlState.configFileError, `${path} has an unknown format`);
      for (const r of data.roles) {
        if (typeof r.name !== 'string' || (r.verifier !== null && typeof r.verifier !== 'string')) throw new FlintError(SqlState.configFileError, `${path} has a malformed role`);
        roles.set(r.name, { name: r.name, verifier: r.verifier ?? null, superuser: r.superuser === true, login: r.login !== false });
      }
    }
    this.#roles = roles;
    this.#stamp = stamp;
  }

  #save(roles: Map<string, Role>): void {
    const path = this.#path!;
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify({ version: 1, roles: [...roles.values()] }, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    // The rename itself must survive a crash: sync the directory.
    const dir = openSync(join(path, '..'), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    this.#stamp = stampOf(path);
  }
}

function notFound(name: string): FlintError {
  return new FlintError(SqlState.undefinedObject, `role "${name}" does not exist`);
}

function stampOf(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return 'missing';
  }
}

/**
 * The verifier to store for a password as written in CREATE/ALTER ROLE: a
 * SCRAM-SHA-256 verifier (what psql's \password sends) is kept as is; any
 * other text is a plain-text password and is hashed. An MD5 hash cannot be
 * used by SCRAM and is refused.
 */
export function verifierFor(password: string): string {
  if (parseVerifier(password) !== null) return password;
  if (/^md5[0-9a-f]{32}$/.test(password)) {
    throw new FlintError(SqlState.featureNotSupported, 'MD5 password hashes are not supported', { hint: 'Give the password in plain text or as a SCRAM-SHA-256 verifier.' });
  }
  return makeVerifier(password);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Take an exclusive lock file; returns its release. Role changes are rare and short, so waiting blocks. */
function lockFile(path: string): () => void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // Taken over as stale by another writer after LOCK_STALE_MS: nothing left to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      if (Date.now() - statSync(path).mtimeMs > LOCK_STALE_MS) {
        unlinkSync(path);
        continue;
      }
    } catch {
      continue; // released meanwhile
    }
    if (Date.now() > deadline) throw new FlintError('55P03', `could not lock ${path}: another process is changing the roles`);
    Atomics.wait(sleeper, 0, 0, 10);
  }
}

/** A password for a new superuser: 24 random URL-safe characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
