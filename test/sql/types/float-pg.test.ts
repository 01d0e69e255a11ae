// float4/float8 text I/O, arithmetic, errors and casts, compared with
// PostgreSQL 15 (fixtures/float.sql).
import { describeFixture } from './helpers/fixture.ts';
import { CASES } from './fixtures/float.expected.ts';

describeFixture('float vs PostgreSQL 15', CASES);
