/**
 * simulate() as a library: options validated like the config (one
 * BraggInputError naming the option), a throwing onProgress isolated (the run
 * goes on, a warning says so), and nothing left behind after a rejection.
 */
import { describe, expect, it } from 'vitest';
import { BraggInputError, simulate } from '../../src/index.js';

const small = { beam: { energyMeVPerU: 70 }, phantom: { sizeMm: [20, 20, 50] as [number, number, number] }, transport: { histories: 400 } };

async function refusal(options: unknown): Promise<string> {
  const error = await simulate(small, options as never).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BraggInputError);
  return (error as Error).message;
}

describe('simulate() options', () => {
  it.each([
    [null, /invalid options: expected an object, got null/],
    [5, /invalid options: expected an object, got number/],
    [{ backend: 'cuda' }, /options: backend: .*"auto"\|"wasm"\|"webgpu"/],
    [{ threads: 0 }, /threads: must be at least 1/],
    [{ threads: 1.5 }, /threads: .*expected int/],
    [{ chunkSize: Number.NaN }, /chunkSize: .*(number|NaN)/],
    [{ chunkSize: '64' }, /chunkSize: .*expected number/],
    [{ memoryLimitBytes: Number.NaN }, /memoryLimitBytes/],
    [{ memoryLimitBytes: '1e9' }, /memoryLimitBytes: .*expected number/],
    [{ onProgress: 5 }, /onProgress: expected a function/],
    [{ signal: {} }, /signal: expected an AbortSignal/],
    [{ thread: 2 }, /unknown option thread/],
  ])('%j is refused naming the option', async (options, pattern) => {
    expect(await refusal(options)).toMatch(pattern);
  });

  it('a config that is not a plain object, nests too deep or is cyclic is refused', async () => {
    for (const config of [null, 5, 'beam', [], new Map(), new Date()]) {
      await expect(simulate(config as never)).rejects.toThrow(/invalid config: expected a JSON object/);
    }
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { beam: deep };
    await expect(simulate(deep as never)).rejects.toThrow(/nests deeper than 32 levels/);
    const cyclic: Record<string, unknown> = { beam: {} };
    (cyclic.beam as Record<string, unknown>).self = cyclic;
    await expect(simulate(cyclic as never)).rejects.toThrow(/nests deeper than 32 levels/);
  });

  it('firstHistory must be below the histories', async () => {
    expect(await refusal({ firstHistory: 400 })).toMatch(/firstHistory must be below transport\.histories \(400\), got 400/);
    expect(await refusal({ firstHistory: -1 })).toMatch(/firstHistory: must be at least 0/);
  });

  it('a throwing onProgress is reported once and the run completes with the same dose', async () => {
    let calls = 0;
    const reference = await simulate(small, { threads: 1 });
    const result = await simulate(small, { threads: 1, onProgress: () => { calls++; throw new Error('display gone'); } });
    expect(calls).toBe(1);
    expect(result.warnings).toEqual(['onProgress threw (display gone); the run went on without it']);
    expect(Buffer.from(result.dose.buffer).equals(Buffer.from(reference.dose.buffer))).toBe(true);
    // a rejected promise from an async callback is caught too (no unhandled rejection)
    const asyncResult = await simulate(small, { threads: 1, onProgress: async () => { throw new Error('async'); } });
    await new Promise((r) => setTimeout(r, 10));
    expect(asyncResult.warnings).toEqual(['onProgress threw (async); the run went on without it']);
  });

  it('leaves no timers, workers or handles behind after a rejection', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
    const controller = new AbortController();
    const run = simulate({ ...small, transport: { histories: 2_000_000 } }, {
      threads: 2, signal: controller.signal, onProgress: () => controller.abort(new Error('cancelled by the user')),
    });
    await expect(run).rejects.toThrow('cancelled by the user');
    await expect(simulate({ ...small, beam: { energyMeVPerU: 1e6 } }, { threads: 2 })).rejects.toBeInstanceOf(BraggInputError);
    await new Promise((r) => setTimeout(r, 50));
    const after = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    // nothing new: every resource still active was there before (vitest's own may have ended meanwhile)
    const count = (list: string[], kind: string) => list.filter((r) => r === kind).length;
    for (const kind of new Set(after)) expect(count(after, kind), kind).toBeLessThanOrEqual(count(before, kind));
  });

  it('the summary names the engine version and the dose quantity; R80 is null when the beam leaves the phantom', async () => {
    // (nuclear events off: 1000 MeV is far above the ICRU 63 tables, and a nonelastic event's local deposit makes a spike)
    const through = await simulate({ beam: { energyMeVPerU: 1000 }, phantom: { sizeMm: [20, 20, 300] }, transport: { histories: 200, nuclear: false } }, { threads: 1 });
    expect(through.summary).toMatchObject({ r90Mm: null, r80Mm: null, r20Mm: null, doseQuantity: 'dose to medium' });
    expect(through.summary.engineVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(through.warnings.join(' ')).toMatch(/% of the beam's energy leaves the phantom/);
    const stops = await simulate(small, { threads: 1 });
    expect(stops.summary.r80Mm).toBeGreaterThan(35);
    expect(stops.warnings).toEqual([]);
    // a beam along the phantom's edge loses most of its energy sideways, but stops inside: R80 stays
    const edge = await simulate({ ...small, beam: { energyMeVPerU: 70, centerMm: [9.99, 0], spotSigmaMm: 0 } }, { threads: 1 });
    expect(edge.summary.r80Mm).toBeGreaterThan(35);
  });

  it('the deterministic solver reports progress in steps through simulate()', async () => {
    const seen: Array<{ stepsDone: number; totalSteps: number }> = [];
    const result = await simulate({ ...small, solver: 'deterministic' as const, phantom: { sizeMm: [20, 20, 50], voxelSizeMm: [1, 1, 1] } },
      { threads: 1, onProgress: (p) => { if ('stepsDone' in p) seen.push({ stepsDone: p.stepsDone, totalSteps: p.totalSteps }); } });
    expect(seen.length).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    expect(last.stepsDone).toBe(last.totalSteps);
    expect(last.stepsDone).toBe(result.summary.steps);
  });
});
