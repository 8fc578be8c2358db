/**
 * A generated data set (npm run generate's code, a few thousand events) on the local warehouse, against the
 * model: volume and variety the hand-made rules data set lacks — hostile names, near misses, many sessions.
 */
import { generate } from '../../lib/generate/generate';
import { resolveOptions } from '../../lib/generate/options';
import { openTestWarehouse } from '../helpers/local-warehouse';
import { describeDifferential, temporarySource } from './differential';

const source = temporarySource((dir) =>
  generate(resolveOptions({ out: dir, force: true, events: 3000, songs: 400, users: 60, days: 12, seed: 16, matchRate: 0.2, nearMissRate: 0.1 })),
);
afterAll(() => source.remove());

describe('a generated data set of 3,000 events on the local warehouse', () => {
  describeDifferential(() => source.dir, { open: (dir) => openTestWarehouse({ 'udacity-dend': dir }) });
});
