// SIGKILL of `flint serve` under node-postgres writers: see sigkill-harness.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { SEED, killsFor, bundle, cleanup, laneKills, serverLane } from './sigkill-harness.ts';

afterAll(cleanup);
const KILLS = killsFor('server');

describe('process crash (SIGKILL), server', () => {
  it(`${KILLS} kills of flint serve under four clients: every acknowledged commit survives, nothing partial, flint check passes`, { timeout: 1_800_000 }, async () => {
    const cli = await bundle('cli');
    const lanes = await Promise.all(laneKills(KILLS).map((n, lane) => serverLane(cli, lane, n)));
    for (const r of lanes) expect(r.problem).toBe('');
    const kills = lanes.reduce((s, r) => s + r.kills, 0);
    const acked = lanes.reduce((s, r) => s + r.acked, 0);
    console.log(`sigkill server: ${kills} kill points, ${acked} acknowledged commits checked, seed ${SEED}`);
    expect(kills).toBe(KILLS);
    expect(acked).toBeGreaterThan(0);
  });
});
