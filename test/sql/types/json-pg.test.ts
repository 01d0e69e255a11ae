// json, compared with PostgreSQL 15 (fixtures/json.sql).
import { describeFixture } from './helpers/fixture.ts';
import { CASES } from './fixtures/json.expected.ts';

describeFixture('json vs PostgreSQL 15', CASES);
