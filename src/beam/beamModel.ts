/**
 * Beam models (issue 12, part 4): per nominal energy of a machine, the beam that reaches the
 * isocentre plane: mean energy and spread, spot size and divergence there, and particles per
 * monitor unit; linear in the nominal energy between tabulated energies (energies outside the
 * table are refused). A plan in monitor units (a DICOM RT Ion Plan: rtIonPlan.ts) becomes a plan
 * in particles through it (planInParticles).
 *
 * GENERIC_PROTON_MODEL is generic, not a real machine: nominal = mean energy, a spread of 0.5 %
 * of it, spot sigma 6 mm at 70 MeV falling linearly to 3 mm at 230 MeV in air at the isocentre,
 * 2 mrad divergence, virtual sources 2 m upstream, and 1e8 protons per MU at 100 MeV scaled as
 * 1 / S_air(E): a monitor chamber's charge per proton is proportional to the stopping power in its
 * air (e.g. the DCPT model of APTG/2022_DCPT_LET, data/resources/dcpt_beam_model/README.md:
 * "protons/MU ... proportional to air mass stopping power"). Commission your machine's.
 */
import { BraggInputError } from '../errors.js';
import { getIon, getMaterial, stoppingPower } from '../physics/index.js';

export interface BeamModelEnergy {
  readonly nominalMeVPerU: number;
  readonly meanEnergyMeVPerU: number;
  readonly energySpreadMeVPerU: number;
  /** One-sigma spot size at the isocentre plane, x and y (mm). */
  readonly spotSigmaMm: readonly [number, number];
  /** One-sigma divergence, x and y (mrad). */
  readonly divergenceSigmaMrad: readonly [number, number];
  readonly particlesPerMU: number;
}

export interface BeamModel {
  readonly name: string;
  readonly particle: 'proton' | 'helium' | 'carbon' | 'oxygen';
  /** Virtual source to isocentre distances, x and y (mm). */
  readonly sourceAxisDistanceMm: readonly [number, number];
  /** Ascending nominal energies. */
  readonly energies: readonly BeamModelEnergy[];
}

const proton = getIon('proton');
const air = getMaterial('air');

export const GENERIC_PROTON_MODEL: BeamModel = Object.freeze({
  name: 'bragg-engine generic proton model (not a real machine)',
  particle: 'proton',
  sourceAxisDistanceMm: Object.freeze([2000, 2000]) as readonly [number, number],
  energies: Object.freeze(Array.from({ length: 17 }, (_, k) => {
    const energy = 70 + 10 * k;
    const sigma = 6 - (3 * (energy - 70)) / 160;
    return Object.freeze({
      nominalMeVPerU: energy, meanEnergyMeVPerU: energy, energySpreadMeVPerU: 0.005 * energy,
      spotSigmaMm: [sigma, sigma] as const, divergenceSigmaMrad: [2, 2] as const,
      particlesPerMU: (1e8 * stoppingPower(proton, air, 100)) / stoppingPower(proton, air, energy),
    });
  })),
});

/** The model's beam at a nominal energy, linear between its tabulated energies; refused outside them. */
export function beamAt(model: BeamModel, nominalMeVPerU: number, where: string): BeamModelEnergy {
  const e = model.energies;
  const first = e[0]!, last = e[e.length - 1]!;
  const tolerance = 1e-6 * last.nominalMeVPerU;
  if (!(nominalMeVPerU >= first.nominalMeVPerU - tolerance && nominalMeVPerU <= last.nominalMeVPerU + tolerance)) {
    throw new BraggInputError(`${where}: nominal energy ${nominalMeVPerU} MeV is outside the beam model '${model.name}' (${first.nominalMeVPerU} to ${last.nominalMeVPerU} MeV)`);
  }
  let k = 0;
  while (k < e.length - 2 && e[k + 1]!.nominalMeVPerU < nominalMeVPerU) k++;
  const a = e[k]!, b = e[Math.min(k + 1, e.length - 1)]!;
  const t = b === a ? 0 : Math.min(1, Math.max(0, (nominalMeVPerU - a.nominalMeVPerU) / (b.nominalMeVPerU - a.nominalMeVPerU)));
  const mix = (p: number, q: number) => p + t * (q - p);
  return {
    nominalMeVPerU,
    meanEnergyMeVPerU: mix(a.meanEnergyMeVPerU, b.meanEnergyMeVPerU),
    energySpreadMeVPerU: mix(a.energySpreadMeVPerU, b.energySpreadMeVPerU),
    spotSigmaMm: [mix(a.spotSigmaMm[0], b.spotSigmaMm[0]), mix(a.spotSigmaMm[1], b.spotSigmaMm[1])],
    divergenceSigmaMrad: [mix(a.divergenceSigmaMrad[0], b.divergenceSigmaMrad[0]), mix(a.divergenceSigmaMrad[1], b.divergenceSigmaMrad[1])],
    particlesPerMU: mix(a.particlesPerMU, b.particlesPerMU),
  };
}

/** A plan's field in monitor units, as a DICOM RT Ion Plan gives it. */
export interface FieldInMU {
  readonly gantryAngleDeg: number;
  readonly couchAngleDeg: number;
  readonly isocenterMm: readonly [number, number, number];
  /** The plan's virtual source distances, if it states them (else the model's). */
  readonly sourceAxisDistanceMm?: readonly [number, number];
  readonly layers: readonly { readonly nominalMeVPerU: number; readonly spots: readonly (readonly [number, number, number])[] }[];
}

/** The plan section (config `plan`) of fields in MU through a beam model: energies, spreads, spot sizes, and weights in particles. */
export function planInParticles(fields: readonly FieldInMU[], model: BeamModel) {
  return {
    fields: fields.map((field, f) => ({
      gantryAngleDeg: field.gantryAngleDeg, couchAngleDeg: field.couchAngleDeg, isocenterMm: [...field.isocenterMm] as [number, number, number],
      sourceAxisDistanceMm: [...(field.sourceAxisDistanceMm ?? model.sourceAxisDistanceMm)] as [number, number],
      layers: field.layers.map((layer, l) => {
        const beam = beamAt(model, layer.nominalMeVPerU, `plan field ${f + 1}, layer ${l + 1}`);
        return {
          energyMeVPerU: beam.meanEnergyMeVPerU, energySpreadMeVPerU: beam.energySpreadMeVPerU,
          spotSigmaMm: [...beam.spotSigmaMm] as [number, number], divergenceSigmaMrad: [...beam.divergenceSigmaMrad] as [number, number],
          spots: layer.spots.map(([x, y, mu]) => [x, y, mu * beam.particlesPerMU] as [number, number, number]),
        };
      }),
    })),
  };
}
