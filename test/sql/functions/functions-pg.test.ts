// Builtin scalar functions evaluated and compared with PostgreSQL 15
// (fixtures/functions.sql).
import { describeFixture } from '../types/helpers/fixture.ts';
import { CASES } from './fixtures/functions.expected.ts';

describeFixture('functions vs PostgreSQL 15', CASES);
