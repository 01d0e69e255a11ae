// Opening the log for writing: where the writer continues after recovery.
//
// A writer never writes over LSN positions that an earlier writer may have
// used. The bytes after the end of a recovered log can hold records that an
// earlier incarnation wrote at the very positions (so with the very LSNs)
// that new records would get, behind a record that was torn: sectors reach
// the disk in any order. Writing new records there could reconnect the log to
// those stale records once the new ones are complete. So open():
//   1. finds the file E that holds startLsn (the end the reader found);
//   2. clears an end record at startLsn (durably) if files follow E, then
//      turns every file after E (the tail of an earlier life, or recycled
//      spares) back into spares by renaming them past the highest position
//      any file in the directory covers (the frontier), or removes them: their
//      records' LSNs are then below their names, which no reader accepts;
//   3. starts the new current file at the frontier (a renamed spare, else a
//      new preallocated file), writes its header and fdatasyncs it, and syncs
//      the directory;
//   4. only then writes an end record at startLsn in E pointing at the new
//      file, and fdatasyncs E and every older file: the records the reader
//      found may sit in the page cache only (after a process crash), and
//      nothing new may become durable behind a hole.
// The rest of E is abandoned: an open costs at most one file of LSN space,
// never disk space (E is recycled like any other file).
//
// If E's header is missing or not E's own (the file was created but its
// header never reached the disk, or it is a spare), E holds no records: that
// is only possible where the log begins, at E's first record position, and
// open() rewrites E's header before the end record.

import { FlintError, SqlState } from '../../errors.ts';
import { parentDir, type Vfs, type VfsFile } from '../vfs/index.ts';
import { END_RECORD_SIZE, FILE_HEADER_SIZE, LSN_LIMIT, unsupportedVersion } from './format.ts';
import {
  createPreallocated,
  fileSize,
  isOwnHeader,
  listWalFiles,
  readFileHeader,
  walFile,
  walFilePath,
  writeEndRecord,
  writeFileHeader,
  type WalFile,
  type WalFileEntry,
} from './wal-files.ts';

export interface OpenedLog {
  /** The file the writer continues in: its header is durable, the first record goes right after it. */
  readonly current: WalFile;
  /** No file in the directory covers an LSN at or above this. */
  readonly frontier: number;
  /** Files created and renamed into spares. */
  readonly created: number;
  readonly recycled: number;
  /** The file the log was ended in early (it continues in `current`), sparse past what was written to it: never to become a spare. */
  readonly abandoned?: number;
}

/** Prepare `dir` for a writer that continues after startLsn; see the top of this file. */
export function openLog(vfs: Vfs, dir: string, startLsn: number, fileBytes: number, spareFilesMax: number): OpenedLog {
  if (!vfs.exists(dir)) {
    vfs.mkdir(dir);
    vfs.syncDir(parentDir(dir));
  }
  const files = listWalFiles(vfs, dir);
  return files.length === 0 ? openFresh(vfs, dir, startLsn, fileBytes) : openAfter(vfs, dir, files, startLsn, fileBytes, spareFilesMax);
}

/** An empty directory: the first file starts at startLsn. */
function openFresh(vfs: Vfs, dir: string, startLsn: number, fileBytes: number): OpenedLog {
  if (startLsn + fileBytes > LSN_LIMIT) throw new FlintError(SqlState.programLimitExceeded, `WAL start LSN ${startLsn} leaves no room for a file`);
  const file = createPreallocated(vfs, walFilePath(dir, startLsn), fileBytes, startLsn);
  try {
    vfs.syncDir(dir);
  } catch (err) {
    file.close();
    throw err;
  }
  return { current: walFile(file, startLsn, fileBytes, FILE_HEADER_SIZE), frontier: startLsn + fileBytes, created: 1, recycled: 0 };
}

/** A directory with WAL files: continue after startLsn in a new file past every position used before (see the top of this file). */
function openAfter(vfs: Vfs, dir: string, files: WalFileEntry[], startLsn: number, fileBytes: number, spareFilesMax: number): OpenedLog {
  let eIndex = -1;
  for (let i = 0; i < files.length; i++) if (files[i]!.start <= startLsn) eIndex = i;
  const first = files[0]!;
  if (eIndex < 0) {
    throw new FlintError(SqlState.dataCorrupted, `no WAL file holds LSN ${startLsn}: the first WAL file is "${first.path}"`, { file: first.path });
  }
  const e = files[eIndex]!;
  const older: VfsFile[] = [];
  let current: VfsFile | undefined;
  try {
    // Open E and every file before it: they are synced at the end.
    let frontier = 0;
    for (let i = 0; i <= eIndex; i++) {
      const f = vfs.open(files[i]!.path);
      older.push(f);
      frontier = Math.max(frontier, files[i]!.start + f.size());
    }
    const eFile = older[eIndex]!;
    const eSizeNow = eFile.size();
    const header = readFileHeader(eFile);
    if (header.kind === 'version') throw unsupportedVersion(e.path, header.version);
    let eBytes: number;
    let endAt: number;
    const rebuild = !isOwnHeader(header, e.start);
    if (isOwnHeader(header, e.start)) {
      eBytes = header.fileBytes;
      endAt = Math.max(startLsn, e.start + FILE_HEADER_SIZE);
      if (endAt + END_RECORD_SIZE > e.start + eBytes) {
        throw new FlintError(SqlState.dataCorrupted, `LSN ${startLsn} is past the end of WAL file "${e.path}" (it covers [${e.start}, ${e.start + eBytes}))`, { file: e.path });
      }
    } else {
      // Never started (its header did not reach the disk) or a spare: it holds no records, so it can only be where the log begins.
      if (startLsn > e.start + FILE_HEADER_SIZE) {
        throw new FlintError(SqlState.dataCorrupted, `invalid header in WAL file "${e.path}", which should hold records up to LSN ${startLsn}`, { file: e.path, offset: 0 });
      }
      eBytes = fileBytes;
      endAt = e.start + FILE_HEADER_SIZE;
    }
    frontier = Math.max(frontier, e.start + eBytes);

    // The log may end at an end record in E that points at the next file
    // (a spare whose new header never reached the disk). Renaming that file
    // away below, then crashing before the new end record is durable, left
    // the old one pointing at a missing file: XX001 at every later open.
    // So clear it durably first; zeros read as the end of the log.
    if (!rebuild && eIndex + 1 < files.length) {
      eFile.write(new Uint8Array(END_RECORD_SIZE), endAt - e.start);
      eFile.sync();
    }

    // Files after E hold nothing of the log: keep those of the right size as spares past the frontier.
    const spares: WalFileEntry[] = [];
    for (const f of files.slice(eIndex + 1)) {
      const size = fileSize(vfs, f.path);
      frontier = Math.max(frontier, f.start + size);
      if (size === fileBytes && spares.length <= spareFilesMax) spares.push(f);
      else vfs.remove(f.path);
    }
    if (frontier + (spares.length + 1) * fileBytes > LSN_LIMIT) {
      throw new FlintError(SqlState.programLimitExceeded, `WAL in "${dir}" has run out of LSNs (frontier ${frontier})`);
    }
    spares.forEach((f, k) => vfs.rename(f.path, walFilePath(dir, frontier + k * fileBytes)));
    const start = frontier;
    const path = walFilePath(dir, start);
    if (spares.length > 0) {
      current = vfs.open(path);
      writeFileHeader(current, start, fileBytes);
      current.sync();
    } else {
      current = createPreallocated(vfs, path, fileBytes, start);
    }
    vfs.syncDir(dir);

    // Only now, with the new file's name durable, may an end record point at it.
    if (rebuild) {
      if (eSizeNow !== eBytes) eFile.truncate(eBytes);
      writeFileHeader(eFile, e.start, eBytes);
    }
    writeEndRecord(eFile, endAt - e.start, endAt, start);
    for (const f of older) f.sync();
    // A renamed spare was written through before; a new file is sparse past its header.
    const next = walFile(current, start, fileBytes, spares.length > 0 ? fileBytes : FILE_HEADER_SIZE);
    current = undefined;
    return {
      current: next,
      frontier: start + Math.max(1, spares.length) * fileBytes,
      created: spares.length > 0 ? 0 : 1,
      recycled: spares.length,
      abandoned: e.start,
    };
  } catch (err) {
    current?.close();
    throw err;
  } finally {
    for (const f of older) f.close();
  }
}
