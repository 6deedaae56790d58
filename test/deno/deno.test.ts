import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { simulate } from '../../src/index.js';

// Deno runs the built library with its Web Workers.
// The Deno binary comes from its linux-x64 npm package (a devDependency: the registry here carries no other platform's).
const deno = fileURLToPath(new URL('../../node_modules/@deno/linux-x64-glibc/deno', import.meta.url));
const script = fileURLToPath(new URL('./smoke.ts', import.meta.url));

describe('in Deno', () => {
  it('runs on 2 Web Workers and gives the same dose as 1 thread, and as Node, bit for bit', async () => {
    const r = spawnSync(deno, ['run', '--allow-read', '--allow-env', script], { encoding: 'utf8', timeout: 120_000, cwd: fileURLToPath(new URL('../../', import.meta.url)) });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.threads).toEqual([1, 2]);
    expect(result.dose[1]).toBe(result.dose[0]);
    expect(result.warnings).toEqual([]);
    const node = await simulate({
      beam: { energyMeVPerU: 100, spotSigmaMm: 2 }, phantom: { sizeMm: [30, 30, 100] }, transport: { histories: 2000, seed: 31 },
    }, { threads: 2 });
    expect(createHash('sha256').update(new Uint8Array(node.dose.buffer)).digest('hex')).toBe(result.dose[0]);
  });

  it('without --allow-read, names the permission (not "kernel not found")', () => {
    const r = spawnSync(deno, ['run', '--allow-env', script], {
      encoding: 'utf8', timeout: 120_000, cwd: fileURLToPath(new URL('../../', import.meta.url)), env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/BraggInputError: Deno needs --allow-read to load the kernel \S*build\/kernel\.simd\.wasm.* \(run with --allow-read\)/);
    expect(r.stderr).not.toMatch(/not found/);
  });

  it('runs the WGSL transport on Deno\'s built-in WebGPU', () => {
    const gpuScript = fileURLToPath(new URL('./gpuSmoke.ts', import.meta.url));
    const r = spawnSync(deno, ['run', '--allow-read', '--allow-env', gpuScript], { encoding: 'utf8', timeout: 120_000, cwd: fileURLToPath(new URL('../../', import.meta.url)) });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.backend).toBe('webgpu');
    expect(result.r80Mm).toBeGreaterThan(75);
    expect(result.r80Mm).toBeLessThan(78);
  });
});
