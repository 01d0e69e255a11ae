// datetime input, output, arithmetic and fields, compared with PostgreSQL 15
// (fixtures/datetime.sql), including sessions in zones with DST.
import { describeFixture } from './helpers/fixture.ts';
import { CASES } from './fixtures/datetime.expected.ts';

describeFixture('datetime vs PostgreSQL 15', CASES, {
  // Counted in microseconds from 1970 in an int64, timestamps end at
  // 294247-01-01 in Flint; PostgreSQL counts from 2000 and reaches 294276.
  "timestamp '294246-12-31 23:59:59' + interval '1 day'": 'ERROR 22008 timestamp out of range',
});
