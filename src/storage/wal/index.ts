// The write-ahead log: checksummed records with LSNs in fixed-size,
// preallocated, recycled files, and group commit (one fdatasync for every
// commit waiting at that moment). See docs/wal.md.
//
//   WalWriter.open(vfs, dir, startLsn, options)   append, flush, sync,
//                                                 waitDurable, recycle, close
//   WalReader.open(vfs, dir, fromLsn)             next() until null, then
//   readWal(vfs, dir, fromLsn)                    endLsn and stopReason

export { WalWriter, WAL_BUFFER_BYTES_MAX, WAL_WRITE_BUFFER_BYTES, type WalBuffer, type WalOptions, type WalWriterStats } from './wal-writer.ts';
export { WalReader, readWal, type WalReadResult, type WalRecordView, type WalStopReason } from './wal-reader.ts';
export {
  END_RECORD_SIZE,
  FILE_HEADER_SIZE,
  RECORD_HEADER_SIZE,
  RECORD_TYPE_MAX,
  RECORD_TYPE_MIN,
  WAL_FILE_BYTES_DEFAULT,
  WAL_FILE_BYTES_MAX,
  WAL_FILE_BYTES_MIN,
  WAL_FORMAT_VERSION,
  WAL_RECORD_PAYLOAD_MAX,
  maxPayloadBytes,
  walFileName,
} from './format.ts';
