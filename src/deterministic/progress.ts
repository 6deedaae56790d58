/**
 * Progress of a deterministic run, for the caller's onProgress (runDeterministic's
 * and runDeterministicWebGpu's option): called from the thread that drives the
 * run (the caller's), at most every PROGRESS_INTERVAL_MS while it runs and once
 * at the end. A callback that throws never stops the run: it is not called
 * again, and the run's tallies carry one warning saying so (the results'
 * `warnings`).
 */
import { csdaStep } from './csdaStep.js';
import type { SolverTables } from './solverTables.js';

export interface DeterministicProgress {
  /** Steps done so far. */
  readonly stepsDone: number;
  /**
   * The steps the run is expected to take: those of a particle of the top energy
   * along the beam's axis until it stops or leaves the grid (estimateSteps), or
   * stepsDone where the run has gone past that; the last call has
   * stepsDone = totalSteps, the steps the run took.
   */
  readonly totalSteps: number;
  /** Since the transport began (s). */
  readonly elapsedSeconds: number;
}

export type DeterministicProgressCallback = (progress: DeterministicProgress) => void;

/** The shortest time between two calls while the run goes on (ms). */
export const PROGRESS_INTERVAL_MS = 100;

/** Calls a DeterministicProgressCallback as the file comment says. */
export class ProgressReporter {
  /** What the run reports with its tallies: at most one line, for a callback that threw. */
  readonly warnings: string[] = [];
  private lastMs: number;
  private failed = false;

  constructor(private readonly callback: DeterministicProgressCallback | undefined, private readonly estimatedSteps: number,
    private readonly startedMs: number, private readonly now: () => number = () => performance.now()) {
    this.lastMs = startedMs;
  }

  /** After a step (or a poll): calls back if PROGRESS_INTERVAL_MS have passed since the last call. */
  update(stepsDone: number): void {
    if (!this.callback || this.failed) return;
    const nowMs = this.now();
    if (nowMs - this.lastMs < PROGRESS_INTERVAL_MS) return;
    this.lastMs = nowMs;
    this.call(stepsDone, Math.max(this.estimatedSteps, stepsDone), nowMs);
  }

  /** Once, at the end of the run. */
  finish(stepsDone: number): void {
    if (this.callback && !this.failed) this.call(stepsDone, stepsDone, this.now());
  }

  private call(stepsDone: number, totalSteps: number, nowMs: number): void {
    try {
      this.callback!({ stepsDone, totalSteps, elapsedSeconds: (nowMs - this.startedMs) / 1000 });
    } catch (error) {
      this.failed = true;
      this.warnings.push(`onProgress threw (${error instanceof Error ? error.message : String(error)}) and was not called again; the run went on`);
    }
  }
}

/** The run goes on while the tails of straggling and of lagging directions empty: 7-12 % more steps in water, bone and lung. */
const TAIL_STEPS_FACTOR = 1.1;

/**
 * The steps a particle of the top energy takes along the beam's axis (the
 * column of cells holding most of the source) until its mean path ends below
 * the cut-off energy or it leaves the grid (csdaStep's mean energy loss in
 * each cell's material, one step of ds a cell of dz further each time), times
 * TAIL_STEPS_FACTOR.
 */
export function estimateSteps(tables: SolverTables): number {
  const { grid, source } = tables;
  const { ne, nx, nz, nTheta } = grid;
  const perX = new Float64Array(nx);
  source.values.forEach((v, i) => { const x = Math.floor(i / nTheta) % nx; perX[x] = perX[x]! + v; });
  const x = perX.indexOf(Math.max(...perX));
  const rowsPerStep = grid.stepMm / grid.dzMm;
  let position = ne - 1;   // fractional energy bin
  let steps = 0;
  for (let depth = 0; depth < nz && position >= 0; depth += rowsPerStep) {
    const e = Math.min(Math.max(Math.round(position), 0), ne - 1);
    const step = csdaStep(grid, e, grid.cellMaterial[Math.floor(depth) * nx + x]!);
    steps++;
    if (step.stopped) break;
    position -= e - step.positionBins;
  }
  return Math.ceil(steps * TAIL_STEPS_FACTOR);
}
