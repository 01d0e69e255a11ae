// interval input, output, arithmetic and fields, compared with PostgreSQL 15
// (fixtures/interval.sql), including sessions in zones with DST.
import { describeFixture } from './helpers/fixture.ts';
import { CASES } from './fixtures/interval.expected.ts';

describeFixture('interval vs PostgreSQL 15', CASES);
