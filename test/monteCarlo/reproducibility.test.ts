import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';

const config = {
  beam: { energyMeVPerU: 100, spotSigmaMm: 2 },
  phantom: { sizeMm: [30, 30, 100] as [number, number, number] },
  transport: { histories: 3000, seed: 42 },
};

function bitsEqual(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

describe('reproducibility', () => {
  it('the same seed gives bit-identical dose, uncertainty and depth-dose, whatever the chunk size', async () => {
    const a = await simulate(config, { chunkSize: 3000 });
    const b = await simulate(config, { chunkSize: 37 });
    expect(bitsEqual(a.dose, b.dose)).toBe(true);
    expect(bitsEqual(a.uncertainty, b.uncertainty)).toBe(true);
    expect(bitsEqual(a.depthDose.dose, b.depthDose.dose)).toBe(true);
  });

  it('another seed gives a different dose', async () => {
    const a = await simulate(config);
    const b = await simulate({ ...config, transport: { ...config.transport, seed: 43 } });
    expect(bitsEqual(a.dose, b.dose)).toBe(false);
  });
});
