import { describe, expect, it } from 'vitest';
import { smallKernel } from '../helpers/kernel.js';
import { KERNEL_VARIANTS } from '../../src/engine/kernel.js';

// Error budgets stated in assembly/fastmath.ts.
describe.each(KERNEL_VARIANTS)('single-precision math of the %s kernel', (variant) => {
  it('logf is within 3e-7 relative (or 2e-7 absolute near 1) over 1e-20 .. 1e20', async () => {
    const { kernel } = await smallKernel(variant);
    let worst = 0;
    for (let e = -20; e <= 20; e += 0.0137) {
      const x = Math.fround(10 ** e);
      const exact = Math.log(x);
      const error = Math.abs(kernel.mathLog(x) - exact) / Math.max(Math.abs(exact), 1);
      worst = Math.max(worst, error);
    }
    expect(worst).toBeLessThan(3e-7);
  });

  it('sin on [-pi/2, pi/2] is within 2e-7', async () => {
    const { kernel } = await smallKernel(variant);
    let worst = 0;
    for (let x = -Math.PI / 2; x <= Math.PI / 2; x += 0.001) worst = Math.max(worst, Math.abs(kernel.mathSinHalfPi(Math.fround(x)) - Math.sin(Math.fround(x))));
    expect(worst).toBeLessThan(2e-7);
  });

  it('normal deviates invert the normal CDF (Giles erfinv): tail probabilities within 0.1% for u in [1e-6, 1-1e-6]', async () => {
    const { kernel } = await smallKernel(variant);
    // Standard normal CDF through erfc, Numerical Recipes (3rd ed.) erfccheb-free rational approximation
    // is not needed: check instead that Phi(normal(u)) = u using a high-accuracy series for Phi.
    const phi = (z: number): number => {
      // Abramowitz & Stegun 26.2.12-style series for |z| < 5 (converges for all z; 200 terms suffice).
      let term = z, sum = z;
      for (let k = 1; k < 200; k++) { term *= (z * z) / (2 * k + 1); sum += term; }
      return 0.5 + (sum * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
    };
    let worst = 0;
    for (const u of [1e-6, 1e-4, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999, 1 - 1e-6]) {
      const z = kernel.mathNormal(Math.fround(u));
      worst = Math.max(worst, Math.abs(phi(z) - Math.fround(u)) / Math.min(u, 1 - u));
    }
    expect(worst).toBeLessThan(1e-3);
  });
});

describe.each(KERNEL_VARIANTS)('random-word thresholds of the %s kernel', (variant) => {
  it('give P(word < t) = p to 2^-33: t = p 2^32 rounded to nearest, clamped below 2^32, in the scalar and lane-wise versions', async () => {
    const { kernel, memory } = await smallKernel(variant);
    const inputs = [0, 2 ** -33, 2 ** -32, 1e-9, 2.6e-5, 0.3, 0.9, 1];
    const values = new Float32Array(memory.buffer, 256, 4);
    const words = new Uint32Array(memory.buffer, 256, 4);
    for (let start = 0; start < inputs.length; start += 4) {
      const p = inputs.slice(start, start + 4).map(Math.fround);
      values.set(p);
      kernel.mathLanes(3, 256);
      p.forEach((pi, i) => {
        // p 2^32 + 0.5 in f32, then truncated (exact below 2^24, and within an f32 ulp of p 2^32 above it)
        const expected = Math.min(Math.floor(Math.fround(pi * 2 ** 32 + 0.5)), 2 ** 32 - 256);
        expect(kernel.mathWordThreshold(pi) >>> 0, `p = ${pi}`).toBe(expected);
        expect(words[i], `lane ${i}, p = ${pi}`).toBe(expected);
        expect(Math.abs(expected - pi * 2 ** 32)).toBeLessThanOrEqual(pi < 2 ** -8 ? 0.5 : 256);
      });
    }
  });
});

describe.each(KERNEL_VARIANTS)('lane-wise math of the %s kernel equals its scalar math bit for bit', (variant) => {
  it.each([[0, 'log', [1e-30, 0.5, 1, 12345.678]], [1, 'sin', [-1.5707, -0.3, 0.001, 1.5707]], [2, 'normal', [1e-7, 0.3, 0.5, 0.9999]]] as const)(
    'function %d (%s)', async (which, _name, inputs) => {
      const { kernel, memory } = await smallKernel(variant);
      const values = new Float32Array(memory.buffer, 256, 4);
      values.set(inputs);
      kernel.mathLanes(which, 256);
      const scalar = [kernel.mathLog, kernel.mathSinHalfPi, kernel.mathNormal][which]!;
      for (let i = 0; i < 4; i++) expect(values[i]).toBe(Math.fround(scalar(Math.fround(inputs[i]!))));
    });
});
