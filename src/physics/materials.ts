/**
 * Built-in materials: elemental composition (mass fractions), density and mean
 * excitation energy I.
 *
 * Compositions, densities and I-values are the NIST material composition data
 * used by ESTAR/PSTAR/ASTAR (https://physics.nist.gov/cgi-bin/Star/compos.pl;
 * ICRU Report 37 (1984) and ICRU Report 49 (1993)), except where noted:
 *  - water: I = 75 eV (ICRU 49 / PSTAR); ICRU Report 90 (2016) recommends 78 eV,
 *    available through getMaterial('water', { meanExcitationEnergyEV: 78 });
 *  - lung: ICRP composition and I = 75.3 eV from NIST ("Lung (ICRP)"), but default
 *    density 0.26 g/cm^3 (inflated lung) instead of NIST's 1.05 g/cm^3; configurable;
 *  - graphite: PSTAR's "Carbon, graphite" with density 1.7 g/cm^3 and I = 78 eV.
 */
import { BraggInputError } from '../errors.js';
import { condensedCompoundExcitationEnergyEV, elementRadiationLengthGPerCm2, getElement } from './elements.js';
import { SCHNEIDER_AIR_EXCITATION_ENERGY_EV, SCHNEIDER_TISSUES, type SchneiderTissueId } from './schneiderTissues.js';

type NistMaterialId =
  | 'water' | 'air' | 'pmma' | 'a150' | 'adipose' | 'muscle' | 'compact-bone' | 'cortical-bone'
  | 'lung' | 'aluminium' | 'titanium' | 'polyethylene' | 'graphite';

/** The NIST materials, then the 24 tissues of the Schneider CT calibration (schneiderTissues.ts). */
export type MaterialId = NistMaterialId | SchneiderTissueId;

export interface ElementFraction {
  readonly atomicNumber: number;
  readonly massFraction: number;
}

export interface Material {
  readonly id: MaterialId;
  readonly name: string;
  readonly densityGPerCm3: number;
  readonly meanExcitationEnergyEV: number;
  readonly elements: readonly ElementFraction[];
  /** <Z/A> = sum_i w_i Z_i / A_i, mol/g. */
  readonly zOverAMolPerG: number;
  /** Radiation length X0, g/cm^2, from 1/X0 = sum_i w_i / X0_i. */
  readonly radiationLengthGPerCm2: number;
}

export interface MaterialOverrides {
  densityGPerCm3?: number;
  meanExcitationEnergyEV?: number;
}

export const MATERIAL_IDS: readonly MaterialId[] = Object.freeze([
  'water', 'air', 'pmma', 'a150', 'adipose', 'muscle', 'compact-bone', 'cortical-bone',
  'lung', 'aluminium', 'titanium', 'polyethylene', 'graphite',
  ...SCHNEIDER_TISSUES.map((t) => t[0]),
] as const);

interface MaterialSpec {
  readonly name: string;
  readonly densityGPerCm3: number;
  readonly meanExcitationEnergyEV: number;
  /** [Z, mass fraction] pairs. */
  readonly composition: readonly (readonly [number, number])[];
}

/**
 * Mean excitation energy (eV) of a condensed mixture by Bragg additivity:
 * ln I = sum_i w_i (Z/A)_i ln I_i / sum_i w_i (Z/A)_i, with Seltzer & Berger's (ICRU 37) I_i of
 * elements bound in condensed compounds (elements.ts).
 */
export function braggAdditivityExcitationEnergyEV(composition: readonly (readonly [number, number])[]): number {
  let weight = 0, sum = 0;
  for (const [z, w] of composition) {
    const electrons = (w * z) / getElement(z).atomicWeight;
    weight += electrons;
    sum += electrons * Math.log(condensedCompoundExcitationEnergyEV(z));
  }
  return Math.exp(sum / weight);
}

/** The Schneider tissues as specs: compositions normalised to 1, I by Bragg additivity (air: NIST's). */
function tissueSpecs(): Record<SchneiderTissueId, MaterialSpec> {
  const specs = {} as Record<SchneiderTissueId, MaterialSpec>;
  for (const [id, name, label, density, percent] of SCHNEIDER_TISSUES) {
    const total = percent.reduce((t, [, w]) => t + w, 0);
    const composition = percent.map(([z, w]) => [z, w / total] as const);
    specs[id] = {
      name: `${name} (Schneider et al. 2000; MCsquare material ${label})`,
      densityGPerCm3: density,
      meanExcitationEnergyEV: id === 'schneider-air' ? SCHNEIDER_AIR_EXCITATION_ENERGY_EV : braggAdditivityExcitationEnergyEV(composition),
      composition,
    };
  }
  return specs;
}

/** NIST material composition data (ESTAR/PSTAR), see the file comment; then the Schneider tissues. */
const SPECS: Readonly<Record<MaterialId, MaterialSpec>> = {
  ...tissueSpecs(),
  water: {
    name: 'Water, liquid', densityGPerCm3: 1.0, meanExcitationEnergyEV: 75.0,
    composition: [[1, 0.111894], [8, 0.888106]],
  },
  air: {
    name: 'Air, dry (near sea level)', densityGPerCm3: 1.20479e-3, meanExcitationEnergyEV: 85.7,
    composition: [[6, 0.000124], [7, 0.755267], [8, 0.231781], [18, 0.012827]],
  },
  pmma: {
    name: 'Polymethyl methacrylate (PMMA, Lucite, Perspex)', densityGPerCm3: 1.19, meanExcitationEnergyEV: 74.0,
    composition: [[1, 0.080538], [6, 0.599848], [8, 0.319614]],
  },
  a150: {
    name: 'A-150 tissue-equivalent plastic', densityGPerCm3: 1.127, meanExcitationEnergyEV: 65.1,
    composition: [[1, 0.10133], [6, 0.775498], [7, 0.035057], [8, 0.052315], [9, 0.017423], [20, 0.018377]],
  },
  adipose: {
    name: 'Adipose tissue (ICRP)', densityGPerCm3: 0.92, meanExcitationEnergyEV: 63.2,
    composition: [
      [1, 0.119477], [6, 0.63724], [7, 0.00797], [8, 0.232333], [11, 0.0005], [12, 0.00002], [15, 0.00016],
      [16, 0.00073], [17, 0.00119], [19, 0.00032], [20, 0.00002], [26, 0.00002], [30, 0.00002],
    ],
  },
  muscle: {
    name: 'Muscle, skeletal (ICRP)', densityGPerCm3: 1.04, meanExcitationEnergyEV: 75.3,
    composition: [
      [1, 0.100637], [6, 0.10783], [7, 0.02768], [8, 0.754773], [11, 0.00075], [12, 0.00019], [15, 0.0018],
      [16, 0.00241], [17, 0.00079], [19, 0.00302], [20, 0.00003], [26, 0.00004], [30, 0.00005],
    ],
  },
  'compact-bone': {
    name: 'Bone, compact (ICRU)', densityGPerCm3: 1.85, meanExcitationEnergyEV: 91.9,
    composition: [[1, 0.063984], [6, 0.278], [7, 0.027], [8, 0.410016], [12, 0.002], [15, 0.07], [16, 0.002], [20, 0.147]],
  },
  'cortical-bone': {
    name: 'Bone, cortical (ICRP)', densityGPerCm3: 1.85, meanExcitationEnergyEV: 106.4,
    composition: [
      [1, 0.047234], [6, 0.14433], [7, 0.04199], [8, 0.446096], [12, 0.0022], [15, 0.10497], [16, 0.00315],
      [20, 0.20993], [30, 0.0001],
    ],
  },
  lung: {
    name: 'Lung (ICRP)', densityGPerCm3: 0.26, meanExcitationEnergyEV: 75.3,
    composition: [
      [1, 0.101278], [6, 0.10231], [7, 0.02865], [8, 0.757072], [11, 0.00184], [12, 0.00073], [15, 0.0008],
      [16, 0.00225], [17, 0.00266], [19, 0.00194], [20, 0.00009], [26, 0.00037], [30, 0.00001],
    ],
  },
  aluminium: {
    name: 'Aluminium', densityGPerCm3: 2.699, meanExcitationEnergyEV: 166.0, composition: [[13, 1]],
  },
  titanium: {
    name: 'Titanium', densityGPerCm3: 4.54, meanExcitationEnergyEV: 233.0, composition: [[22, 1]],
  },
  polyethylene: {
    name: 'Polyethylene', densityGPerCm3: 0.94, meanExcitationEnergyEV: 57.4,
    composition: [[1, 0.143711], [6, 0.856289]],
  },
  graphite: {
    name: 'Carbon, graphite (density 1.7 g/cm3)', densityGPerCm3: 1.7, meanExcitationEnergyEV: 78.0,
    composition: [[6, 1]],
  },
};

export function isMaterialId(id: string): id is MaterialId {
  return (MATERIAL_IDS as readonly string[]).includes(id);
}

/** <Z/A> in mol/g for a composition given by mass fractions. */
export function zOverAMolPerG(elements: readonly ElementFraction[]): number {
  let sum = 0;
  for (const { atomicNumber, massFraction } of elements) {
    sum += (massFraction * atomicNumber) / getElement(atomicNumber).atomicWeight;
  }
  return sum;
}

/** Radiation length of a mixture, g/cm^2: 1/X0 = sum_i w_i / X0_i (PDG RPP, radiation length of mixtures). */
export function radiationLengthGPerCm2(elements: readonly ElementFraction[]): number {
  let inverse = 0;
  for (const { atomicNumber, massFraction } of elements) {
    inverse += massFraction / elementRadiationLengthGPerCm2(atomicNumber);
  }
  return 1 / inverse;
}

function buildMaterial(id: MaterialId, densityGPerCm3: number, meanExcitationEnergyEV: number): Material {
  const spec = SPECS[id];
  const elements = Object.freeze(
    spec.composition.map(([atomicNumber, massFraction]) => Object.freeze({ atomicNumber, massFraction })),
  );
  return Object.freeze({
    id,
    name: spec.name,
    densityGPerCm3,
    meanExcitationEnergyEV,
    elements,
    zOverAMolPerG: zOverAMolPerG(elements),
    radiationLengthGPerCm2: radiationLengthGPerCm2(elements),
  });
}

const DEFAULTS = new Map<MaterialId, Material>();

function checkPositive(id: string, what: string, value: number | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new BraggInputError(`material '${id}': ${what} must be a positive number (got ${String(value)})`);
  }
}

/**
 * The built-in material with this id, optionally with another density or
 * mean excitation energy (e.g. ICRU 90 water: { meanExcitationEnergyEV: 78 }).
 * Without overrides the same frozen object is returned on every call.
 */
export function getMaterial(id: string, overrides?: MaterialOverrides): Material {
  if (!isMaterialId(id)) {
    throw new BraggInputError(`unknown material '${id}' (expected one of: ${MATERIAL_IDS.join(', ')})`);
  }
  checkPositive(id, 'densityGPerCm3', overrides?.densityGPerCm3);
  checkPositive(id, 'meanExcitationEnergyEV', overrides?.meanExcitationEnergyEV);
  const spec = SPECS[id];
  const density = overrides?.densityGPerCm3 ?? spec.densityGPerCm3;
  const excitation = overrides?.meanExcitationEnergyEV ?? spec.meanExcitationEnergyEV;
  if (density === spec.densityGPerCm3 && excitation === spec.meanExcitationEnergyEV) {
    let cached = DEFAULTS.get(id);
    if (cached === undefined) {
      cached = buildMaterial(id, density, excitation);
      DEFAULTS.set(id, cached);
    }
    return cached;
  }
  return buildMaterial(id, density, excitation);
}
