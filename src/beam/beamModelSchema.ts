/**
 * A beam model as JSON (beamModel.ts: BeamModel), validated with one line naming each bad field:
 * { "name", "particle", "sourceAxisDistanceMm": [x, y], "energies": [ { "nominalMeVPerU",
 * "meanEnergyMeVPerU", "energySpreadMeVPerU", "spotSigmaMm": [x, y], "divergenceSigmaMrad": [x, y],
 * "particlesPerMU" }, ... ] } with nominal energies ascending.
 */
import { z } from 'zod';
import { BraggInputError } from '../errors.js';
import { describeIssues } from '../config/schema.js';
import type { BeamModel } from './beamModel.js';

const positive = z.number().finite().positive();
const pair = (max: number) => z.tuple([positive.max(max), positive.max(max)]);

const beamModelSchema = z.strictObject({
  name: z.string().min(1).max(200),
  particle: z.enum(['proton', 'helium', 'carbon', 'oxygen']),
  sourceAxisDistanceMm: z.tuple([z.number().finite().min(100).max(1e5), z.number().finite().min(100).max(1e5)]),
  energies: z.array(z.strictObject({
    nominalMeVPerU: positive.max(1000),
    meanEnergyMeVPerU: positive.max(1000),
    energySpreadMeVPerU: z.number().finite().nonnegative().max(100),
    spotSigmaMm: pair(500),
    divergenceSigmaMrad: z.tuple([z.number().finite().nonnegative().max(100), z.number().finite().nonnegative().max(100)]),
    particlesPerMU: positive,
  })).min(1, 'must hold at least one energy').refine((e) => e.every((x, k) => k === 0 || x.nominalMeVPerU > e[k - 1]!.nominalMeVPerU), 'nominal energies must ascend'),
});

export function parseBeamModel(input: unknown, source: string): BeamModel {
  const result = beamModelSchema.safeParse(input);
  if (!result.success) throw new BraggInputError(`${source}: ${describeIssues(result.error, 'beam model')}`);
  return result.data;
}
