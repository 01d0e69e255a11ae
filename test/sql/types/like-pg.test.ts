// like, compared with PostgreSQL 15 (fixtures/like.sql).
import { describeFixture } from './helpers/fixture.ts';
import { CASES } from './fixtures/like.expected.ts';

describeFixture('like vs PostgreSQL 15', CASES);
