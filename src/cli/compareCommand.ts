/**
 * `bragg compare A B`: compares two output folders of `bragg run` (A the
 * reference, B the evaluated) on the dose integrated over y, by 2-D global
 * gamma (2 %/2 mm and 1 %/1 mm) and by R80, and writes an SVG overlay of
 * their depth-doses. Every problem with the folders is a BraggInputError:
 * one line on stderr, exit code 2.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../config/schema.js';
import { BraggInputError } from '../errors.js';
import { decodeNpy, depthDoseOverlaySvg } from '../io/index.js';
import { COMPARED_QUANTITY, INTEGRATED_OVER_Y, compareDosePlanes, doseIntegratedOverY, type RunComparison, type RunGrid } from '../analysis/compareRuns.js';
import type { DosePlane } from '../analysis/gamma2d.js';
import { parseNumberOption } from './numbers.js';
import { writeOutputFile } from './runCommand.js';

interface CompareOptions { json?: boolean; out?: string; threshold?: string }

/** Where the overlay plot goes without --out: the current directory. */
export const DEFAULT_OVERLAY_PATH = 'compare_depth_dose.svg';

const positiveInteger = z.number().int().positive();
const positiveMm = z.number().positive();
/** The fields of summary.json that the comparison needs; the others are not read. */
const summarySchema = z.object({
  gridShape: z.tuple([positiveInteger, positiveInteger, positiveInteger]),
  voxelSizeMm: z.tuple([positiveMm, positiveMm, positiveMm]),
  gridOriginMm: z.tuple([z.number(), z.number(), z.number()]).optional(),
  doseProjection: z.literal(INTEGRATED_OVER_Y).optional(),
});

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new BraggInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

async function readGrid(dir: string): Promise<RunGrid> {
  const path = join(dir, 'summary.json');
  let value: unknown;
  try {
    value = JSON.parse((await readBytes(path)).toString('utf8'));
  } catch (error) {
    if (error instanceof BraggInputError) throw error;
    throw new BraggInputError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = summarySchema.safeParse(value);
  if (!parsed.success) throw new BraggInputError(`${path}: ${describeIssues(parsed.error, 'summary')}`);
  const { gridShape, voxelSizeMm, gridOriginMm, doseProjection } = parsed.data;
  const [, ny, nx] = gridShape;
  const [, dyMm, dxMm] = voxelSizeMm;
  return {
    gridShape, voxelSizeMm,
    // Folders written before gridOriginMm existed: x and y centred on the beam axis, depth from 0 (src/engine/phantom.ts).
    gridOriginMm: gridOriginMm ?? [0, (-ny * dyMm) / 2, (-nx * dxMm) / 2],
    integratedOverY: doseProjection === INTEGRATED_OVER_Y,
  };
}

/** Reads a run folder's dose.npy (float64, C order, shape = summary.gridShape) and projects it on the x-z plane. */
async function readDosePlane(dir: string): Promise<DosePlane> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new BraggInputError(`${dir} is not a folder`);
  } catch (error) {
    if (error instanceof BraggInputError) throw error;
    throw new BraggInputError(`cannot open folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const grid = await readGrid(dir);
  const path = join(dir, 'dose.npy');
  let array;
  try {
    array = decodeNpy(await readBytes(path));
  } catch (error) {
    if (error instanceof BraggInputError) throw error;
    throw new BraggInputError(`${path}: ${(error as Error).message.replace(/^decodeNpy: /, '')}`);
  }
  if (array.descr !== '<f8') throw new BraggInputError(`${path}: dtype ${array.descr}, expected '<f8' (float64)`);
  const expected = grid.gridShape.join(', ');
  if (array.shape.join(', ') !== expected) {
    throw new BraggInputError(`${path}: shape (${array.shape.join(', ')}) differs from summary.json's gridShape [${expected}]`);
  }
  if (!array.data.every(Number.isFinite)) throw new BraggInputError(`${path}: holds values that are not finite numbers`);
  if (grid.integratedOverY && grid.gridShape[1] !== 1) {
    throw new BraggInputError(`${join(dir, 'summary.json')}: a dose ${INTEGRATED_OVER_Y} needs gridShape[1] = 1, not ${grid.gridShape[1]}`);
  }
  return doseIntegratedOverY(grid, array.data);
}

function report(dirA: string, dirB: string, thresholdFraction: number, result: RunComparison, overlayPlot: string) {
  const { gamma2pct2mm, gamma1pct1mm } = result;
  return {
    reference: dirA,
    evaluated: dirB,
    comparedQuantity: COMPARED_QUANTITY,
    thresholdFraction,
    evaluatedPoints: gamma2pct2mm.evaluatedPoints,
    gammaPassRate2pct2mm: gamma2pct2mm.passRate,
    maxGamma2pct2mm: gamma2pct2mm.maxGamma,
    unmatchedPoints2pct2mm: gamma2pct2mm.unmatchedPoints,
    gammaPassRate1pct1mm: gamma1pct1mm.passRate,
    maxGamma1pct1mm: gamma1pct1mm.maxGamma,
    unmatchedPoints1pct1mm: gamma1pct1mm.unmatchedPoints,
    r80MmA: result.r80MmA,
    r80MmB: result.r80MmB,
    r80DifferenceMm: result.r80DifferenceMm,
    overlayPlot,
  };
}

function reportText(r: ReturnType<typeof report>): string {
  const percent = (f: number) => `${(100 * f).toFixed(2)} %`;
  const mm = (v: number | null, digits = 2) => (v === null ? 'n/a' : `${v.toFixed(digits)} mm`);
  const unmatched = (n: number) => (n > 0 ? `   (${n} points with no dose of B within the search)` : '');
  return [
    `A (reference) ${r.reference}   B (evaluated) ${r.evaluated}`,
    `  compared: ${r.comparedQuantity}`,
    `  global gamma over ${r.evaluatedPoints} points of A with dose >= ${percent(r.thresholdFraction)} of its maximum`,
    `    2 %/2 mm   pass rate ${percent(r.gammaPassRate2pct2mm)}   max gamma ${r.maxGamma2pct2mm.toFixed(3)}${unmatched(r.unmatchedPoints2pct2mm)}`,
    `    1 %/1 mm   pass rate ${percent(r.gammaPassRate1pct1mm)}   max gamma ${r.maxGamma1pct1mm.toFixed(3)}${unmatched(r.unmatchedPoints1pct1mm)}`,
    `  R80   A ${mm(r.r80MmA)}   B ${mm(r.r80MmB)}   B - A ${mm(r.r80DifferenceMm, 3)}`,
    `  depth-dose overlay: ${r.overlayPlot}`,
  ].join('\n') + '\n';
}

export async function compareCommand(dirA: string, dirB: string, options: CompareOptions): Promise<void> {
  const thresholdFraction = parseNumberOption('--threshold', options.threshold) ?? 0.1;
  if (!(thresholdFraction >= 0 && thresholdFraction < 1)) throw new BraggInputError(`--threshold must be a fraction from 0 to below 1, got ${thresholdFraction}`);
  const planeA = await readDosePlane(dirA);
  const planeB = await readDosePlane(dirB);
  const result = compareDosePlanes(planeA, planeB, thresholdFraction);

  const overlayPlot = options.out ?? DEFAULT_OVERLAY_PATH;
  if (['', '.', '..'].includes(basename(overlayPlot)) || /[/\\]$/.test(overlayPlot)) {
    throw new BraggInputError(`--out must name a file, got '${overlayPlot}'`);
  }
  const svg = depthDoseOverlaySvg({
    title: `Depth-dose: ${basename(resolve(dirA))} (A) and ${basename(resolve(dirB))} (B)`,
    doseUnit: 'Gy mm^2 per primary',
    curves: [
      { label: `A (reference): ${dirA}`, shortName: 'A', depthMm: result.depthDoseA.depthMm, dose: result.depthDoseA.doseGyMm2PerPrimary, r80Mm: result.r80MmA },
      { label: `B (evaluated): ${dirB}`, shortName: 'B', depthMm: result.depthDoseB.depthMm, dose: result.depthDoseB.doseGyMm2PerPrimary, r80Mm: result.r80MmB },
    ],
  });
  await writeOutputFile(overlayPlot, svg, '--out');

  const summary = report(dirA, dirB, thresholdFraction, result, overlayPlot);
  process.stdout.write(options.json ? JSON.stringify(summary) + '\n' : reportText(summary));
}
