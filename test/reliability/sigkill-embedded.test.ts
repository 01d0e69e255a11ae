// SIGKILL of an embedded writer process: see sigkill-harness.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { SEED, killsFor, bundle, cleanup, embeddedLane, laneKills } from './sigkill-harness.ts';

afterAll(cleanup);
const KILLS = killsFor('embedded');

describe('process crash (SIGKILL), embedded', () => {
  it(`${KILLS} kills of a child writing through four sessions: every acknowledged commit survives, nothing partial, flint check passes`, { timeout: 1_800_000 }, async () => {
    const script = await bundle('crash-child');
    const lanes = await Promise.all(laneKills(KILLS).map((n, lane) => embeddedLane(script, lane, n)));
    for (const r of lanes) expect(r.problem).toBe('');
    const kills = lanes.reduce((s, r) => s + r.kills, 0);
    const acked = lanes.reduce((s, r) => s + r.acked, 0);
    const early = lanes.reduce((s, r) => s + r.early, 0);
    console.log(`sigkill embedded: ${kills} kill points (${early} before the child had recovered), ${acked} acknowledged commits checked, seed ${SEED}`);
    expect(kills).toBe(KILLS);
    expect(acked).toBeGreaterThan(0); // the kills struck a writer at work
  });
});
