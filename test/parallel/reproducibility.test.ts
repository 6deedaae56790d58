import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.js';
import { runMonteCarlo } from '../../src/engine/monteCarlo.js';
import { runParallel } from '../../src/engine/parallel/runParallel.js';
import { doseResults } from '../../src/engine/doseResults.js';
import type { RawTallies } from '../../src/engine/monteCarlo.js';

const config = parseConfig({
  beam: { energyMeVPerU: 110, spotSigmaMm: 3 },
  phantom: { sizeMm: [30, 30, 110], regions: [{ shape: 'slab', material: 'pmma', zMinMm: 10, zMaxMm: 20 }] },
  transport: { histories: 3000, seed: 2024 },
});

/** Dose, uncertainty and depth-dose as bytes. */
function fingerprint(t: RawTallies): Buffer {
  const r = doseResults(t);
  return Buffer.concat([r.doseGyPerPrimary, r.uncertaintyGyPerPrimary, r.depthDoseGyMm2PerPrimary, r.depthDoseUncertaintyGyMm2PerPrimary]
    .map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

describe('parallel engine reproducibility', () => {
  it('gives bit-identical dose and depth-dose for 1, 2, 3, 4 and 8 threads and any chunk size, equal to the single-thread engine', async () => {
    const reference = fingerprint(await runMonteCarlo(config));
    for (const [threads, chunkSize] of [[1, 3000], [2, 100], [3, 7], [4, 64], [8, 33], [2, 1]] as const) {
      const tallies = await runParallel(config, { threads, chunkSize });
      expect(tallies.threads).toBe(threads);
      expect(fingerprint(tallies).equals(reference), `${threads} threads, chunks of ${chunkSize}`).toBe(true);
    }
  });

  it('and a different seed still differs', async () => {
    const other = parseConfig({ ...config, transport: { ...config.transport, seed: 2025 } });
    const a = fingerprint(await runParallel(config, { threads: 2 }));
    const b = fingerprint(await runParallel(other, { threads: 2 }));
    expect(a.equals(b)).toBe(false);
  });
});
