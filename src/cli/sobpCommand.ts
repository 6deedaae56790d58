/**
 * `bragg sobp`: builds a spread-out Bragg peak plan over a depth range of water
 * (src/beam/sobp.ts) and writes it as a plan file for `bragg run --plan`.
 */
import { sobpPlan } from '../beam/sobp.js';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeOutputFile } from './runCommand.js';
import { BraggInputError } from '../errors.js';
import { isIonId } from '../physics/index.js';
import { parseNumberOption } from './numbers.js';

interface SobpOptions { from: string; to: string; particle?: string; spacing?: string; histories?: string; out: string; json?: boolean }

export async function sobpCommand(options: SobpOptions): Promise<void> {
  const particle = options.particle ?? 'proton';
  if (!isIonId(particle)) throw new BraggInputError(`--particle must be proton, helium, carbon or oxygen (got ${particle})`);
  const histories = parseNumberOption('--histories', options.histories);
  if (histories !== undefined && !(Number.isInteger(histories) && histories >= 100 && histories <= 1e7)) {
    throw new BraggInputError(`--histories must be an integer from 100 to 1e7 per pristine peak (got ${options.histories})`);
  }
  const spacing = parseNumberOption('--spacing', options.spacing);
  // The plan file's place, before any transport: not a folder, and in a folder that exists.
  const target = await stat(options.out).catch(() => null);
  if (target?.isDirectory()) throw new BraggInputError(`--out ${options.out}: a folder; give a file name for the plan`);
  if (!(await stat(dirname(resolve(options.out))).catch(() => null))?.isDirectory()) throw new BraggInputError(`--out ${options.out}: its folder does not exist`);
  const result = await sobpPlan({
    particle, targetDepthMm: [parseNumberOption('--from', options.from)!, parseNumberOption('--to', options.to)!],
    ...(spacing !== undefined ? { spacingMm: spacing } : {}), ...(histories !== undefined ? { histories } : {}),
  });
  await writeOutputFile(options.out, JSON.stringify(result.plan, null, 2) + '\n', '--out');
  const layers = result.plan.fields[0]!.layers;
  const summary = { out: options.out, layers: layers.length, energiesMeVPerU: layers.map((l) => l.energyMeVPerU), fittedFlatness: result.fittedFlatness, phantom: result.phantom };
  process.stdout.write(options.json ? JSON.stringify(summary) + '\n'
    : `SOBP plan ${options.out}: ${layers.length} layers, ${layers[0]!.energyMeVPerU} to ${layers[layers.length - 1]!.energyMeVPerU} MeV/u, `
      + `flat within ${(100 * result.fittedFlatness).toFixed(2)} % (fit to the pristine peaks); run it with --plan ${options.out} on a water phantom of ${result.phantom.sizeMm.join(' x ')} mm\n`);
}
