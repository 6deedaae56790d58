import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.js';
import { runParallel } from '../../src/engine/parallel/runParallel.js';
import { doseResults } from '../../src/engine/doseResults.js';
import { BraggInputError } from '../../src/errors.js';
import { prepareRun } from '../../src/engine/monteCarlo.js';

const config = parseConfig({
  beam: { energyMeVPerU: 100 },
  phantom: { sizeMm: [30, 30, 100] },
  transport: { histories: 4000, seed: 77 },
});

const doseBytes = async (options: Parameters<typeof runParallel>[1]) => {
  const t = await runParallel(config, options);
  const dose = doseResults(t).doseGyPerPrimary;
  return { bytes: Buffer.from(dose.buffer), failures: t.workerFailures, histories: Number(t.counters.histories) };
};

describe('worker faults', () => {
  // The worker that claims chunk 40 of 80 fails once, with work of its own already tallied and half a chunk more.
  it.each(['throw', 'exit'] as const)('a worker that dies mid-run (%s) is replaced and its work redone: same dose bit for bit', async (mode) => {
    const clean = await doseBytes({ threads: 3, chunkSize: 50 });
    const faulty = await doseBytes({ threads: 3, chunkSize: 50, faultInjection: { atChunk: 40, mode } });
    expect(faulty.failures).toBe(1);
    expect(faulty.histories).toBe(4000);
    expect(faulty.bytes.equals(clean.bytes)).toBe(true);
  });
});

describe('cancellation', () => {
  it('an AbortSignal stops the run, rejects with its reason and ends the workers', async () => {
    const controller = new AbortController();
    const big = parseConfig({ ...config, transport: { histories: 5_000_000, seed: 1 } });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort').length;
    const started = performance.now();
    const run = runParallel(big, {
      threads: 2,
      signal: controller.signal,
      onProgress: (p) => { if (p.historiesDone > 0) controller.abort(new Error('stop please')); },
    });
    await expect(run).rejects.toThrow('stop please');
    expect(performance.now() - started).toBeLessThan(20_000); // far less than the 5M histories would take
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort').length;
    expect(after).toBeLessThanOrEqual(before);
  });
});

describe('memory planning', () => {
  it('refuses a run above the configured limit before allocating anything', async () => {
    await expect(runParallel(config, { threads: 2, memoryLimitBytes: 2 ** 20 })).rejects.toThrow(BraggInputError);
    await expect(runParallel(config, { threads: 2, memoryLimitBytes: 2 ** 20 })).rejects.toThrow(/memory limit of 1 MiB/);
  });

  it('lowers a default thread count to what fits (each thread keeps its own tallies); refuses a given one', () => {
    // 100 x 100 x 300 mm in 2 x 2 x 1 mm: 750k voxels, 30 MB of dose tallies and 48 MB of LET sums per worker.
    const withLet = parseConfig({ ...config, phantom: { sizeMm: [100, 100, 300] }, scoring: { let: true } });
    const limit = 200 * 2 ** 20;
    const fitted = prepareRun(withLet, 4, { memoryLimitBytes: limit, fitWorkers: true });
    expect(fitted.plan.workers.length).toBe(2);
    expect(fitted.plan.totalBytes).toBeLessThanOrEqual(limit);
    expect(() => prepareRun(withLet, 4, { memoryLimitBytes: limit })).toThrow(/4 workers.*memory limit of 200 MiB.*or set scoring.let to false/);
    // Not even one fits: refused like any run.
    expect(() => prepareRun(withLet, 4, { memoryLimitBytes: 50 * 2 ** 20, fitWorkers: true })).toThrow(/1 worker\b.*memory limit of 50 MiB/);
  });

  it('refuses a run above the 4 GiB wasm32 ceiling', async () => {
    const huge = parseConfig({ ...config, phantom: { sizeMm: [200, 200, 300], voxelSizeMm: [1, 1, 1] } });
    await expect(runParallel(huge, { threads: 16, memoryLimitBytes: 2 ** 40 })).rejects.toThrow(/4 GiB wasm32 limit/);
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(runParallel(config, { threads: 0 })).rejects.toThrow(/threads/);
  });
});

describe('progress', () => {
  it('reports progress up to all histories', async () => {
    const seen: number[] = [];
    await runParallel(parseConfig({ ...config, transport: { histories: 60000, seed: 3 } }), { threads: 2, onProgress: (p) => seen.push(p.historiesDone) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(60000);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });
});
