import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { KERNEL_CONSTANTS, MAX_STEPS_PER_HISTORY } from '../../src/engine/kernelConstants.js';
import { wgslPreamble } from '../../src/gpu/wgslPreamble.js';

// One physics definition: the WGSL preamble's constants come from src/engine/kernelConstants.ts,
// which must hold the values of the WASM kernel's assembly/physicsConstants.ts.
const source = readFileSync(new URL('../../assembly/physicsConstants.ts', import.meta.url), 'utf8');
const assembly = new Map<string, number>();
for (const m of source.matchAll(/export const (\w+): \w+ = ([-\d.e+]+);/g)) assembly.set(m[1]!, Number(m[2]));

describe('WGSL and WASM constants', () => {
  it('every kernel constant has the same value in both', () => {
    for (const [name, value] of Object.entries(KERNEL_CONSTANTS)) expect(assembly.get(name), name).toBe(value);
    expect(assembly.get('MAX_STEPS_PER_HISTORY')).toBe(MAX_STEPS_PER_HISTORY);
    expect([...assembly.keys()].sort()).toEqual([...Object.keys(KERNEL_CONSTANTS), 'MAX_STEPS_PER_HISTORY'].sort());
  });

  it('the preamble declares them, and the layout offsets as word indices', () => {
    const preamble = wgslPreamble(64);
    expect(preamble).toContain('const P_NX: u32 = 0u;');
    expect(preamble).toContain('const P_SEED_LO: u32 = 27u;');
    expect(preamble).toContain('const M_CUTOFF_RANGE_G_PER_CM2: u32 = 4u;');
    expect(preamble).toContain('const FAR_MM: f32 = 1e+30;');
    expect(preamble).toContain('const HIGHLAND_E_MEV_SQUARED: f32 = 198.81;');
    expect(preamble).toContain('const STACK_CAPACITY: u32 = 16u;');
    expect(preamble).toMatch(/const C_NEUTRAL_ENERGY: u32 = \d+u;/);
    expect(preamble).toMatch(/const T_NONELASTIC_SHARE_AT_RANGE: u32 = \d+u;/);
  });

  it('the nuclear constants of transport.wgsl are those of assembly/nuclear.ts', () => {
    const nuclear = readFileSync(new URL('../../assembly/nuclear.ts', import.meta.url), 'utf8');
    const wgsl = readFileSync(new URL('../../shaders/transport.wgsl', import.meta.url), 'utf8');
    const names = ['PROTON_MASS_MEV', 'ATOMIC_MASS_UNIT_MEV', 'BINDING_MEV', 'MIN_FRAGMENT_MEV', 'BINDING_RATIO', 'MAX_PASSES',
      'SECONDARY_PROTON_SHARE_AT_0', 'SECONDARY_PROTON_SHARE_PER_MEV', 'NEUTRAL_SHARE'];
    for (const name of names) {
      const inAssembly = new RegExp(`const ${name}: \\w+ = ([\\d.]+);`).exec(nuclear)?.[1];
      const inWgsl = new RegExp(`const ${name}: \\w+ = ([\\d.]+)u?;`).exec(wgsl)?.[1];
      expect(inAssembly, name).toBeDefined();
      expect(Number(inWgsl), name).toBe(Number(inAssembly));
    }
  });
});
