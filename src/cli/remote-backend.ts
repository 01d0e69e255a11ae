// The shell's backend over a PostgreSQL-protocol server (a Flint server or
// PostgreSQL itself), through postgres.js: one connection (max: 1, so
// BEGIN ... COMMIT typed by the user stays on it), the simple query
// protocol (no prepared statements: any statement psql could send works,
// and values come back in PostgreSQL's text output), rows raw (bytes as the
// server sent them, never parsed into JavaScript values), and no type
// lookup at connect time (fetch_types: false: it queries pg_type, which a
// server need not have).
//
// postgres.js does not expose ReadyForQuery's transaction status, so the
// backend follows it from the statements: BEGIN/START TRANSACTION open a
// block, COMMIT/END/ROLLBACK/ABORT (not ROLLBACK TO) and PREPARE
// TRANSACTION close it, an error inside a block fails it, and ROLLBACK TO
// SAVEPOINT recovers a failed one.
import postgres from 'postgres';
import { ShellError, type Backend, type ShellNotice, type ShellResult, type TransactionStatus } from './backend.ts';

/** Type OIDs psql right-aligns: int2, int4, int8, oid, xid, cid, float4, float8, money, numeric. */
const NUMERIC_OIDS = new Set([20, 21, 23, 26, 28, 29, 700, 701, 790, 1700]);

export interface ConnectionOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string | undefined;
  /** sslmode as libpq spells it (disable, allow, prefer, require, verify-ca, verify-full). */
  sslmode: string | undefined;
  /** Other URL parameters, sent as run-time parameters (application_name, options, ...). */
  params: Record<string, string>;
}

/**
 * A postgres:// or postgresql:// URL as libpq reads it: user, password, host
 * (a directory for a Unix socket, also as ?host=/tmp), port, database, and
 * parameters. Missing parts come from PGHOST, PGPORT, PGUSER, PGPASSWORD,
 * PGDATABASE, then localhost, 5432, the OS user and the user name.
 */
export function parseConnectionUrl(url: string, env: Record<string, string | undefined> = process.env): ConnectionOptions {
  const m = /^postgres(?:ql)?:\/\/(?:([^:@/?]*)(?::([^@/?]*))?@)?(\[[^\]]*\]|[^:/?]*)?(?::(\d*))?(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (m === null) throw new ShellError({ code: '08001', message: `invalid connection URL: ${url}` });
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(m[6] ?? '')) params[k] = v;
  const take = (name: string): string | undefined => {
    const v = params[name];
    delete params[name];
    return v === '' ? undefined : v;
  };
  const decode = (s: string | undefined) => (s === undefined || s === '' ? undefined : decodeURIComponent(s));
  const hostPart = decode(m[3])?.replace(/^\[(.*)\]$/, '$1');
  const host = take('host') ?? hostPart ?? env['PGHOST'] ?? 'localhost';
  const portText = take('port') ?? (m[4] === undefined || m[4] === '' ? undefined : m[4]) ?? env['PGPORT'] ?? '5432';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ShellError({ code: '08001', message: `invalid port in connection URL: ${portText}` });
  const user = take('user') ?? decode(m[1]) ?? env['PGUSER'] ?? env['USER'] ?? 'postgres';
  const password = take('password') ?? decode(m[2]) ?? env['PGPASSWORD'];
  const database = take('dbname') ?? decode(m[5]) ?? env['PGDATABASE'] ?? user;
  const sslmode = take('sslmode') ?? env['PGSSLMODE'];
  return { host, port, database, user, password, sslmode, params };
}

export class RemoteBackend implements Backend {
  readonly kind = 'remote';
  readonly description: string;
  readonly database: string;
  readonly #sql: postgres.Sql;
  #status: TransactionStatus = 'I';
  #notice: (notice: ShellNotice) => void = () => {};
  #running: postgres.PendingQuery<postgres.Row[]> | null = null;

  private constructor(options: ConnectionOptions) {
    this.database = options.database;
    const where = options.host.startsWith('/') ? `socket ${options.host}/.s.PGSQL.${options.port}` : `${options.host}:${options.port}`;
    this.description = `${options.user}@${where}/${options.database}`;
    const ssl = options.sslmode === undefined || options.sslmode === 'disable' ? false : options.sslmode === 'verify-ca' || options.sslmode === 'verify-full' ? 'verify-full' : options.sslmode;
    this.#sql = postgres({
      host: options.host,
      port: options.port,
      database: options.database,
      username: options.user,
      ...(options.password === undefined ? {} : { password: options.password }),
      ssl: ssl as 'require' | 'prefer' | 'allow' | 'verify-full' | false,
      max: 1,
      prepare: false,
      fetch_types: false,
      connect_timeout: 10,
      idle_timeout: 0,
      max_lifetime: null,
      onnotice: (n) => this.#notice({
        severity: String(n['severity'] ?? 'NOTICE'),
        message: String(n['message'] ?? ''),
        ...(typeof n['detail'] === 'string' ? { detail: n['detail'] } : {}),
        ...(typeof n['hint'] === 'string' ? { hint: n['hint'] } : {}),
      }),
      connection: { application_name: 'flint shell', ...options.params },
    });
  }

  /** Connect (so a wrong address or password shows at once, as psql does). */
  static async connect(url: string): Promise<RemoteBackend> {
    const backend = new RemoteBackend(parseConnectionUrl(url));
    try {
      await backend.#sql.unsafe('SELECT 1').simple();
    } catch (error) {
      await backend.#sql.end({ timeout: 0 }).catch(() => undefined);
      const e = toShellError(error);
      throw new ShellError({ code: e.code, message: `connection to ${backend.description} failed: ${e.message}`, detail: e.detail, hint: e.hint });
    }
    return backend;
  }

  get status(): TransactionStatus {
    return this.#status;
  }

  async run(sql: string, notice: (notice: ShellNotice) => void): Promise<ShellResult[]> {
    this.#notice = notice;
    const query = this.#sql.unsafe(sql).simple().raw() as unknown as postgres.PendingQuery<postgres.Row[]>;
    this.#running = query;
    let raw: unknown;
    try {
      raw = await query;
    } catch (error) {
      const e = toShellError(error);
      this.#status = e.code.startsWith('08') ? 'I' : statusAfter(this.#status, sql, false);
      throw e;
    } finally {
      this.#running = null;
      this.#notice = () => {};
    }
    this.#status = statusAfter(this.#status, sql, true);
    const results = isResultList(raw) ? raw : [raw as RawResult];
    return results.map(toShellResult);
  }

  /** Ask the server to cancel the statement running now (Ctrl-C). */
  cancel(): void {
    void this.#running?.cancel();
  }

  async close(): Promise<void> {
    await this.#sql.end({ timeout: 1 });
  }
}

interface RawResult extends Array<(Uint8Array | null)[]> {
  readonly command: string;
  readonly count: number | null;
  readonly columns: { name: string; type: number }[] | undefined;
}

function isResultList(raw: unknown): raw is RawResult[] {
  return Array.isArray(raw) && raw.length > 0 && Array.isArray(raw[0]) && typeof (raw[0] as { command?: unknown }).command === 'string';
}

function toShellResult(r: RawResult): ShellResult {
  const decoder = new TextDecoder();
  // postgres.js splits the tag into command and count, dropping INSERT's oid (always 0).
  const command = r.command === undefined ? '' : `${r.command}${r.command === 'INSERT' ? ' 0' : ''}${r.count === null ? '' : ` ${r.count}`}`;
  return {
    command,
    columns: (r.columns ?? []).map((c) => ({ name: c.name, numeric: NUMERIC_OIDS.has(c.type) })),
    rows: r.columns === undefined ? [] : [...r].map((row) => row.map((v) => (v === null ? null : decoder.decode(v)))),
  };
}

/** The transaction status after `sql` succeeded or failed, from its first words. */
export function statusAfter(before: TransactionStatus, sql: string, ok: boolean): TransactionStatus {
  const words = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim().toLowerCase().split(/[\s;(]+/);
  const [first, second] = words;
  if (first === 'begin' || (first === 'start' && second === 'transaction')) return ok ? 'T' : before === 'I' ? 'I' : 'E';
  if (first === 'rollback' || first === 'abort') {
    const toSavepoint = words.slice(1, 3).includes('to');
    if (toSavepoint) return ok ? 'T' : before;
    return 'I';
  }
  if (first === 'commit' || first === 'end') return 'I';
  if (first === 'prepare' && second === 'transaction') return 'I';
  if (!ok) return before === 'I' ? 'I' : 'E';
  return before;
}

export function toShellError(error: unknown): ShellError {
  if (error instanceof ShellError) return error;
  const e = error as { code?: unknown; message?: unknown; severity?: unknown; detail?: unknown; hint?: unknown; position?: unknown; errno?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const fields = {
    message: typeof e.message === 'string' ? e.message : String(error),
    ...(typeof e.severity === 'string' ? { severity: e.severity } : {}),
    ...(typeof e.detail === 'string' ? { detail: e.detail } : {}),
    ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
    ...(e.position === undefined || e.position === null || e.position === '' ? {} : { position: Number(e.position) }),
  };
  // A PostgreSQL error carries a five-character SQLSTATE; anything else (ECONNREFUSED, CONNECTION_CLOSED, ...) is a connection failure.
  if (/^[0-9A-Z]{5}$/.test(code)) return new ShellError({ code, ...fields });
  const connectCodes = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENOENT', 'CONNECT_TIMEOUT', 'EACCES'];
  return new ShellError({ ...fields, code: connectCodes.includes(code) ? '08001' : '08006', message: code === '' ? fields.message : `${fields.message} (${code})` });
}
