// `flint user add | list | remove | password`: the roles of a data
// directory, managed from the command line.
//
// They change the directory's roles file (src/server/roles.ts) directly,
// under its lock, so they work whether or not a server serves the
// directory: a running server re-reads the file when it changes, so a user
// added here can log in at once and a removed one no longer can (sessions
// already open stay, as in PostgreSQL after DROP ROLE).
//
// A password comes from --password, else is asked for twice without echo
// on a terminal, else (no terminal: scripts) is generated and printed once.
// Only its SCRAM-SHA-256 verifier is stored.

import { existsSync, mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { checkNewRoleName } from '../db/roles.ts';
import { FlintError, SqlState } from '../errors.ts';
import { generatePassword, RoleStore, ROLES_FILE } from '../server/roles.ts';

export interface UserIo {
  print(line: string): void;
  /** Ask for a password without echo, or null when there is no terminal. */
  askPassword(prompt: string): Promise<string | null>;
}

/** The password to set: given, asked for (twice, must match), or generated (and then printed). */
async function choosePassword(given: string | undefined, io: UserIo): Promise<{ password: string; generated: boolean }> {
  if (given !== undefined) return { password: given, generated: false };
  const first = await io.askPassword('Enter password: ');
  if (first === null) return { password: generatePassword(), generated: true };
  const again = await io.askPassword('Enter it again: ');
  if (again !== first) throw new FlintError(SqlState.invalidParameterValue, 'passwords didn\'t match');
  if (first === '') throw new FlintError(SqlState.invalidParameterValue, 'empty password');
  return { password: first, generated: false };
}

function openRoles(dir: string, create: boolean): RoleStore {
  if (!existsSync(dir)) {
    if (!create) throw new FlintError(SqlState.undefinedFile, `data directory "${dir}" does not exist`);
    mkdirSync(dir, { recursive: true });
  }
  return RoleStore.open(dir);
}

export async function userAdd(dir: string, name: string, options: { password?: string; superuser?: boolean }, io: UserIo): Promise<void> {
  checkNewRoleName(name);
  const roles = openRoles(dir, true);
  if (roles.get(name) !== undefined) throw new FlintError('42710', `role "${name}" already exists`);
  const { password, generated } = await choosePassword(options.password, io);
  roles.create(name, { login: true, superuser: options.superuser === true, password });
  io.print(`created ${options.superuser === true ? 'superuser' : 'user'} "${name}" in ${dir}`);
  if (generated) io.print(`password: ${password}`);
}

export function userList(dir: string, io: UserIo): void {
  const roles = openRoles(dir, false).list();
  if (roles.length === 0) {
    io.print(`no roles in ${dir} (${ROLES_FILE})`);
    return;
  }
  const rows = roles.map((r) => [r.name, r.superuser ? 'yes' : 'no', r.login ? 'yes' : 'no', r.verifier === null ? 'no' : 'SCRAM-SHA-256']);
  for (const line of formatTable(['name', 'superuser', 'login', 'password'], rows)) io.print(line);
}

export function userRemove(dir: string, name: string, io: UserIo): void {
  if (!openRoles(dir, false).remove(name)) throw new FlintError(SqlState.undefinedObject, `role "${name}" does not exist`);
  io.print(`removed "${name}" from ${dir}`);
}

export async function userPassword(dir: string, name: string, options: { password?: string }, io: UserIo): Promise<void> {
  const roles = openRoles(dir, false);
  if (roles.get(name) === undefined) throw new FlintError(SqlState.undefinedObject, `role "${name}" does not exist`);
  const { password, generated } = await choosePassword(options.password, io);
  roles.alter(name, { password });
  io.print(`changed the password of "${name}"`);
  if (generated) io.print(`password: ${password}`);
}

/** Aligned columns, psql style: header, separator, rows. */
function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => ` ${c.padEnd(widths[i]!)} `).join('|').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w + 2)).join('+'), ...rows.map(line)];
}

/** Typed ahead of a question (a terminal may deliver both answers in one read): kept for the next one. */
let typedAhead = '';

/** Read a line from the terminal without echoing it; null when stdin is not a terminal. */
export function askPasswordOnTerminal(prompt: string): Promise<string | null> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.resolve(null);
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (value: string | null, rest: string, error?: Error) => {
      typedAhead = rest;
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    /** Take characters until the end of the line; true once the answer is complete. */
    const take = (input: string): boolean => {
      const chars = [...input];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i]!;
        const rest = chars.slice(i + 1).join('').replace(/^\n/, '');
        if (ch === '\r' || ch === '\n') return (done(text, rest), true);
        if (ch === '\u0003') return (done(null, '', new FlintError(SqlState.queryCanceled, 'canceled')), true);
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
      return false;
    };
    const onData = (chunk: Buffer) => void take(chunk.toString('utf8'));
    stdin.setRawMode(true);
    const ahead = typedAhead;
    typedAhead = '';
    if (take(ahead)) return;
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** Register `flint user ...` on the program. Errors print as `flint user: message (SQLSTATE)` and exit 1. */
export function registerUserCommands(program: Command): void {
  const io: UserIo = { print: (line) => console.log(line), askPassword: askPasswordOnTerminal };
  const run = async (action: () => Promise<void> | void) => {
    try {
      await action();
    } catch (error) {
      const e = error as { code?: string; message?: string };
      console.error(`flint user: ${e.message ?? String(error)}${e.code === undefined ? '' : ` (${e.code})`}`);
      process.exit(1);
    }
  };
  const user = program.command('user').description('manage the roles that can log in to a data directory (works while a server runs)');
  user
    .command('add')
    .description('create a login role; its password is asked for, or generated and printed when there is no terminal')
    .argument('<name>', 'role name')
    .option('--data <dir>', 'data directory', './flint-data')
    .option('--password <password>', 'the password (else asked for, or generated)')
    .option('--superuser', 'make it a superuser (it can then manage roles over SQL)')
    .action((name: string, o: { data: string; password?: string; superuser?: boolean }) => run(() => userAdd(o.data, name, o, io)));
  user
    .command('list')
    .description('list the roles')
    .option('--data <dir>', 'data directory', './flint-data')
    .action((o: { data: string }) => run(() => userList(o.data, io)));
  user
    .command('remove')
    .description('remove a role (its open sessions stay until they end)')
    .argument('<name>', 'role name')
    .option('--data <dir>', 'data directory', './flint-data')
    .action((name: string, o: { data: string }) => run(() => userRemove(o.data, name, io)));
  user
    .command('password')
    .description('set a new password for a role')
    .argument('<name>', 'role name')
    .option('--data <dir>', 'data directory', './flint-data')
    .option('--password <password>', 'the new password (else asked for, or generated)')
    .action((name: string, o: { data: string; password?: string }) => run(() => userPassword(o.data, name, o, io)));
}
