/**
 * A plan file for `bragg run --plan` (Node and Deno): a DICOM RT Ion Plan (rtIonPlan.ts) through a
 * beam model (beamModel.ts; default the generic one), or a JSON plan section { "fields": [...] }
 * as written in a config. At most MAX_PLAN_FILE_BYTES, checked before reading.
 */
import { BraggInputError } from '../errors.js';
import { GENERIC_PROTON_MODEL, planInParticles, type BeamModel } from '../beam/beamModel.js';
import { readWhole, regularFileBytes } from './metaImage.js';
import { isDicomFile } from './dicom/ctSeries.js';
import { rtIonPlanFromBytes } from './dicom/rtIonPlan.js';

/** A plan of 200,000 spots is about 10 MB of JSON or DICOM. */
export const MAX_PLAN_FILE_BYTES = 32 << 20;

export interface PlanFile {
  /** The config's plan section. */
  readonly plan: unknown;
  /** The particle an RT Ion Plan names (a JSON plan leaves it to the config). */
  readonly particle?: string;
  /** An RT Ion Plan's identity: the RT Dose refers to it; its frame of reference must be the CT's. */
  readonly dicom?: { readonly sopInstanceUid: string; readonly frameOfReferenceUid: string };
}

export async function readPlanFile(path: string, beamModel?: BeamModel): Promise<PlanFile> {
  const model = beamModel ?? GENERIC_PROTON_MODEL;
  const modelGiven = beamModel !== undefined;
  const size = await regularFileBytes(path, `--plan ${path}`, 'the plan');
  if (size > MAX_PLAN_FILE_BYTES) throw new BraggInputError(`--plan ${path}: ${size} bytes, more than a plan (at most ${MAX_PLAN_FILE_BYTES})`);
  const bytes = await readWhole(path, `--plan ${path}`, size);
  if (isDicomFile(bytes)) {
    const ionPlan = rtIonPlanFromBytes(bytes, path);
    if (ionPlan.particle !== model.particle) throw new BraggInputError(`--plan ${path}: a ${ionPlan.particle} plan, but the beam model '${model.name}' is for ${model.particle}s`);
    return {
      plan: planInParticles(ionPlan.fields, model), particle: ionPlan.particle,
      dicom: { sopInstanceUid: ionPlan.sopInstanceUid, frameOfReferenceUid: ionPlan.frameOfReferenceUid },
    };
  }
  if (modelGiven) throw new BraggInputError(`--plan ${path}: a JSON plan is in particles already; --beam-model converts a DICOM RT Ion Plan's MU`);
  try {
    return { plan: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (error) {
    throw new BraggInputError(`--plan ${path}: neither a DICOM RT Ion Plan nor JSON (${(error as Error).message.split('\n')[0]})`);
  }
}
