// numeric input, output, arithmetic, rounding, typmods and functions,
// compared with PostgreSQL 15 (fixtures/numeric.sql).
import { describeFixture } from './helpers/fixture.ts';
import { CASES } from './fixtures/numeric.expected.ts';

describeFixture('numeric vs PostgreSQL 15', CASES);
