/**
 * The options of simulate(), validated like the config: one BraggInputError
 * naming the option and what is allowed. A user's onProgress is isolated: if
 * it throws (or returns a rejected promise) the run goes on, the callback is
 * not called again, and the result's warnings say what happened.
 */
import { z } from 'zod';
import { describeIssues } from './config/schema.js';
import { BraggInputError } from './errors.js';
import type { RunProgress } from './engine/monteCarlo.js';
import { MAX_SLOTS } from './engine/parallel/control.js';

/** Progress of a deterministic run, in transport steps. */
export interface StepProgress { readonly stepsDone: number; readonly totalSteps: number; readonly elapsedSeconds: number }

/** What onProgress receives: histories for the Monte Carlo, steps for the deterministic solver. */
export type Progress = RunProgress | StepProgress;

export interface SimulateOptions {
  /** 'wasm' (default): WebAssembly threads; 'webgpu'; or 'auto': WebGPU on a hardware adapter for runs of at least 1e6 histories. */
  readonly backend?: 'auto' | 'wasm' | 'webgpu';
  /** Worker threads (default: the available cores), 1 to 256. */
  readonly threads?: number;
  /** Histories per chunk a worker claims (default: guided). Results do not depend on it. */
  readonly chunkSize?: number;
  /** Refuse runs needing more shared memory than this (default: half the free memory, at most 4 GiB). */
  readonly memoryLimitBytes?: number;
  /** Called about every 100 ms from the calling thread; see the file comment for what happens if it throws. */
  readonly onProgress?: (progress: Progress) => void;
  /** Aborting it rejects the run with the signal's reason; workers and devices are released first. */
  readonly signal?: AbortSignal;
  /** Run histories [firstHistory, histories) only (default 0), e.g. to finish a run another backend began. */
  readonly firstHistory?: number;
}

const isFunction = (v: unknown) => typeof v === 'function';
const isAbortSignal = (v: unknown) => typeof AbortSignal !== 'undefined' && v instanceof AbortSignal;

const optionsSchema = z.strictObject({
  backend: z.enum(['auto', 'wasm', 'webgpu']).optional(),
  threads: z.number().int().min(1, 'must be at least 1').max(MAX_SLOTS, `must be at most ${MAX_SLOTS}`).optional(),
  chunkSize: z.number().int().min(1, 'must be at least 1').max(1e9, 'must be at most 1e9').optional(),
  memoryLimitBytes: z.number().int().min(2 ** 20, 'must be at least 1 MiB (1048576)').max(2 ** 52, 'must be at most 2^52').optional(),
  onProgress: z.custom<(progress: Progress) => void>(isFunction, 'expected a function').optional(),
  signal: z.custom<AbortSignal>(isAbortSignal, 'expected an AbortSignal').optional(),
  firstHistory: z.number().int().min(0, 'must be at least 0').optional(),
});

/** Validates simulate()'s options (undefined means none). */
export function parseSimulateOptions(input: unknown): SimulateOptions {
  if (input === undefined) return {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new BraggInputError(`invalid options: expected an object, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`);
  }
  const result = optionsSchema.safeParse(input);
  if (result.success) return result.data as SimulateOptions;
  throw new BraggInputError(`invalid options: ${describeIssues(result.error, 'options').replace(/^unknown key/, 'unknown option')}`);
}

/** The user's callback, made safe: the first failure becomes a warning and the callback is dropped. */
export function isolateCallback<T>(callback: ((value: T) => unknown) | undefined, name: string, warnings: string[]): ((value: T) => void) | undefined {
  if (!callback) return undefined;
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    warnings.push(`${name} threw (${error instanceof Error ? error.message : String(error)}); the run went on without it`);
  };
  return (value: T) => {
    if (failed) return;
    try {
      const returned = callback(value);
      if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  };
}
