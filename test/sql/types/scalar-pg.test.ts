// bool, integer, string, bytea and uuid I/O, arithmetic and casts, and
// common-type resolution, compared with PostgreSQL 15 (fixtures/scalar.sql).
import { describeFixture } from './helpers/fixture.ts';
import { CASES } from './fixtures/scalar.expected.ts';

describeFixture('scalar types vs PostgreSQL 15', CASES);
