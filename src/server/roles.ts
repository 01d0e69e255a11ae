// Roles the server authenticates: a name, a SCRAM-SHA-256 verifier (never
// the password), and whether it is a superuser. Kept in `flint.roles.json`
// in the data directory, replaced atomically (write a temporary file, sync
// it, rename), or only in memory for an in-memory database.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FlintError, SqlState } from '../errors.ts';
import { makeVerifier } from './scram.ts';

export interface Role {
  readonly name: string;
  /** PostgreSQL's SCRAM verifier text, or null for a role without a password. */
  readonly verifier: string | null;
  readonly superuser: boolean;
}

export const ROLES_FILE = 'flint.roles.json';

export class RoleStore {
  readonly #roles = new Map<string, Role>();
  readonly #path: string | null;

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
    if (existsSync(store.#path!)) {
      let data: { version: number; roles: Role[] };
      try {
        data = JSON.parse(readFileSync(store.#path!, 'utf8')) as typeof data;
      } catch (cause) {
        throw new FlintError(SqlState.configFileError, `${store.#path} is not a valid roles file`, { cause });
      }
      if (data.version !== 1 || !Array.isArray(data.roles)) throw new FlintError(SqlState.configFileError, `${store.#path} has an unknown format`);
      for (const r of data.roles) store.#roles.set(r.name, r);
    }
    return store;
  }

  get size(): number {
    return this.#roles.size;
  }

  get(name: string): Role | undefined {
    return this.#roles.get(name);
  }

  hasPasswords(): boolean {
    return [...this.#roles.values()].some((r) => r.verifier !== null);
  }

  /** Create or replace a role; a password is stored as its SCRAM verifier. */
  set(name: string, password: string | null, superuser = false): void {
    this.#roles.set(name, { name, verifier: password === null ? null : makeVerifier(password), superuser });
    this.#save();
  }

  #save(): void {
    if (this.#path === null) return;
    const tmp = `${this.#path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify({ version: 1, roles: [...this.#roles.values()] }, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#path);
  }
}

/** A password for a new superuser: 24 random URL-safe characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
