import { describe, expect, it } from 'vitest';
import { gamma1d } from '../src/analysis/gamma.js';

describe('1-D gamma index (Low et al. 1998)', () => {
  const x = Array.from({ length: 201 }, (_, i) => i * 0.5);
  const bragg = (shift: number, scale = 1) => x.map((v) => scale * Math.exp(-(((v - 60 - shift) / 8) ** 2)) + 0.2);

  it('passes identical profiles with gamma 0', () => {
    const r = gamma1d(x, bragg(0), bragg(0));
    expect(r.passRate).toBe(1);
    expect(r.maxGamma).toBe(0);
  });

  it('passes a 0.5 mm shift at 1%/1 mm and fails a 3 mm shift', () => {
    expect(gamma1d(x, bragg(0), bragg(0.5)).passRate).toBe(1);
    expect(gamma1d(x, bragg(0), bragg(3)).passRate).toBeLessThan(0.8);
  });

  it('fails a 3% dose scaling of a flat profile at 1% but passes it at 3%', () => {
    const flat = x.map((v) => 1 + 0.001 * v);
    const scaled = flat.map((d) => 1.03 * d);
    expect(gamma1d(x, flat, scaled).passRate).toBe(0);
    expect(gamma1d(x, flat, scaled, { doseFraction: 0.031 }).passRate).toBe(1);
  });
});
