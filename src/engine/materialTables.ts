/**
 * Packs the range tables of each particle species in each phantom material into
 * the f32 material blocks the kernel reads, species by species (block s M + m
 * for species s and material m of M; layout in src/engine/layout.ts):
 * header, R(E) on the energy grid, and E(R), S(R), R((1-f) E(R)) on the range grid;
 * for protons also the nuclear tables on the range grid (src/physics/nuclear/README.md):
 * mu/rho in total and the cumulative shares of p-p elastic and of nonelastic events.
 */
import type { Ion, Material, RangeTable } from '../physics/index.js';
import { buildRangeTable, electronicStoppingPower, getElement } from '../physics/index.js';
import { kernelGridCrossSections, macroscopicCrossSections } from '../physics/nuclear/index.js';
import { MATERIAL_HEADER, MATERIAL_HEADER_BYTES, MATERIAL_TABLES, ELASTIC_TARGET_SLOTS } from './layout.js';
import { writeReactionTables, type ReactionSlots } from './reactionTables.js';
import { assignSlots } from './targetSlots.js';

export interface PackedTables {
  /** The species, in block order; every species has one block per material. */
  readonly species: readonly Ion[];
  readonly materialCount: number;
  readonly tableLength: number;
  readonly strideBytes: number;
  readonly logEnergyMin: number;
  readonly logEnergyStep: number;
  readonly energyMinMeVPerU: number;
  readonly energyMaxMeVPerU: number;
  /** Species-major: tables[s * materialCount + m]. */
  readonly tables: readonly RangeTable[];
}

/** Linear interpolation of a table on a log-spaced grid, as the kernel does it (in f64 here). */
export function interpolateLog(values: Float64Array, logMin: number, logStep: number, x: number): number {
  const last = values.length - 1;
  const p = Math.min(Math.max((Math.log(x) - logMin) / logStep, 0), last - 1e-9);
  const i = Math.floor(p);
  const f = p - i;
  return values[i]! + f * (values[i + 1]! - values[i]!);
}

export function strideBytesFor(tableLength: number): number {
  return Math.ceil((MATERIAL_HEADER_BYTES + MATERIAL_TABLES.length * tableLength * 4) / 16) * 16;
}

/**
 * Grid density of the kernel's tables. Linear interpolation on a log grid with
 * 500 points per decade (steps of 0.46 % in E and in R) keeps the E(R(E)) round
 * trip within about 6e-6 and the ripple of the interpolated dE/dR under 0.1 %.
 */
export const KERNEL_TABLE_BINS_PER_DECADE = 500;

export function buildTables(species: readonly Ion[], materials: readonly Material[]): PackedTables {
  const tables = species.flatMap((ion) => materials.map((m) => buildRangeTable(ion, m, { binsPerDecade: KERNEL_TABLE_BINS_PER_DECADE })));
  const first = tables[0]!;
  // One energy grid for every block: the kernel reads R(E) with the run's grid constants (tables.ts).
  for (const t of tables) {
    if (t.length !== first.length || t.logEnergyMin !== first.logEnergyMin || t.logEnergyStep !== first.logEnergyStep) {
      throw new Error(`range table of ${t.ion.id} in ${t.material.id} is not on the energy grid of ${first.ion.id} in ${first.material.id}`);
    }
  }
  return {
    species,
    materialCount: materials.length,
    tableLength: first.length,
    strideBytes: strideBytesFor(first.length),
    logEnergyMin: first.logEnergyMin,
    logEnergyStep: first.logEnergyStep,
    energyMinMeVPerU: first.energyMinMeVPerU,
    energyMaxMeVPerU: first.energyMaxMeVPerU,
    tables,
  };
}

/** Reactions of ion species (reactionTables.ts): per material its target slots, the library's targets, per species its library row (-1: none). */
export interface ReactionLayout {
  readonly slots: readonly ReactionSlots[];
  readonly targets: readonly number[];
  readonly rowOfSpecies: readonly number[];
}

/** Writes the material blocks at byte `offset` of `memory`. */
export function writeTables(buffer: ArrayBufferLike, offset: number, packed: PackedTables,
  maxEnergyLossFraction: number, cutoffEnergyMeVPerU: number, water: Material, reactions?: ReactionLayout): void {
  const n = packed.tableLength;
  packed.tables.forEach((t, slot) => {
    const base = offset + slot * packed.strideBytes;
    const header = new Float32Array(buffer, base, MATERIAL_HEADER_BYTES / 4);
    const species = Math.floor(slot / packed.materialCount);
    const row = reactions?.rowOfSpecies[species] ?? -1;
    header[MATERIAL_HEADER.libraryRow / 4] = -1;
    header[MATERIAL_HEADER.logRangeMin / 4] = t.logRangeMin;
    header[MATERIAL_HEADER.invLogRangeStep / 4] = 1 / t.logRangeStep;
    header[MATERIAL_HEADER.zOverAMolPerG / 4] = t.material.zOverAMolPerG;
    header[MATERIAL_HEADER.radiationLengthGPerCm2 / 4] = t.material.radiationLengthGPerCm2;
    header[MATERIAL_HEADER.chargeNumber / 4] = t.ion.chargeNumber;
    header[MATERIAL_HEADER.massNumber / 4] = t.ion.massNumber;
    header[MATERIAL_HEADER.massPerNucleonMeV / 4] = t.ion.massMeV / t.ion.massNumber;
    header[MATERIAL_HEADER.cutoffRangeGPerCm2 / 4] =
      interpolateLog(t.csdaRangeGPerCm2, t.logEnergyMin, t.logEnergyStep, cutoffEnergyMeVPerU);
    const tables = new Float32Array(buffer, base + MATERIAL_HEADER_BYTES, MATERIAL_TABLES.length * n);
    if (isProton(t.ion)) writeNuclearTables(t, header, tables);
    else if (reactions && row >= 0) {
      writeReactionTables(t, header, tables, reactions.slots[slot % packed.materialCount]!, reactions.targets, row);
    }
    tables.set(t.csdaRangeGPerCm2, 0);
    tables.set(t.energyAtRangeMeVPerU, n);
    for (let j = 0; j < n; j++) {
      const energy = t.energyAtRangeMeVPerU[j]!;
      tables[2 * n + j] = electronicStoppingPower(t.ion, t.material, energy);
      // LET in water at the same energy (assembly/letTally.ts)
      tables[MATERIAL_TABLES.indexOf('waterStoppingAtRange') * n + j] = electronicStoppingPower(t.ion, water, energy);
      const lowered = Math.max(energy * (1 - maxEnergyLossFraction), t.energyMinMeVPerU);
      tables[3 * n + j] = interpolateLog(t.csdaRangeGPerCm2, t.logEnergyMin, t.logEnergyStep, lowered);
    }
  });
}

const isProton = (ion: Ion) => ion.chargeNumber === 1 && ion.massNumber === 1;

/** Energy at which the elastic shares of a material's heavier elements are ranked (MeV). */
const ELASTIC_TARGET_ENERGY_MEV = 100;

export interface ElasticTargets {
  /** Atomic weight (u) of each slot's element, at most ELASTIC_TARGET_SLOTS. */
  readonly massNumbers: readonly number[];
  /** Slot of each of material.elements (-1: hydrogen, whose elastic events are p-p). */
  readonly slotOfElement: readonly number[];
}

/**
 * The target slots of elastic events on a material's elements heavier than hydrogen: one per
 * element, for the ELASTIC_TARGET_SLOTS elements with the largest elastic coefficients at
 * 100 MeV; an element beyond those (under 1 % of the elastic events of any built-in material)
 * shares the slot whose mass is nearest its own. The kernel picks the slot by its share at the
 * event's energy and takes its mass for the recoil (assembly/nuclear.ts).
 */
export function elasticTargets(material: Material): ElasticTargets {
  const x = macroscopicCrossSections(material, [ELASTIC_TARGET_ENERGY_MEV]);
  const heavy = x.elements.map((e, index) => ({ index, atomicNumber: e.atomicNumber, coefficient: e.elasticCm2PerG[0]! }))
    .filter((e) => e.atomicNumber !== 1);
  const { slotted, slotOfElement } = assignSlots(heavy, ELASTIC_TARGET_SLOTS, x.elements.length, -1);
  return { massNumbers: slotted.map((e) => getElement(e.atomicNumber).atomicWeight), slotOfElement };
}

/**
 * Nuclear header fields and tables of a proton material block (range grid): mu/rho, cumulative
 * p-p elastic and nonelastic shares, cumulative shares of the elastic target slots.
 */
function writeNuclearTables(t: RangeTable, header: Float32Array, tables: Float32Array): void {
  const n = t.length;
  const x = kernelGridCrossSections(t).rangeGrid;
  const targets = elasticTargets(t.material);
  const massNumberFields = [MATERIAL_HEADER.elasticTarget0MassNumber, MATERIAL_HEADER.elasticTarget1MassNumber,
    MATERIAL_HEADER.elasticTarget2MassNumber, MATERIAL_HEADER.elasticTarget3MassNumber];
  targets.massNumbers.forEach((a, k) => { header[massNumberFields[k]! / 4] = a; });
  const hydrogen = x.elements.find((e) => e.atomicNumber === 1);
  const at = (name: (typeof MATERIAL_TABLES)[number]) => MATERIAL_TABLES.indexOf(name) * n;
  const slotTables = [at('elasticTarget0ShareAtRange'), at('elasticTarget1ShareAtRange'), at('elasticTarget2ShareAtRange')];
  const slotMu = new Float64Array(ELASTIC_TARGET_SLOTS);
  for (let j = 0; j < n; j++) {
    const total = x.totalCm2PerG[j]!;
    const pp = hydrogen ? hydrogen.elasticCm2PerG[j]! : 0;
    tables[at('nuclearAtRange') + j] = total;
    tables[at('protonElasticShareAtRange') + j] = total > 0 ? pp / total : 0;
    tables[at('nonelasticShareAtRange') + j] = total > 0 ? (pp + x.nonelasticCm2PerG[j]!) / total : 0;
    slotMu.fill(0);
    x.elements.forEach((e, i) => { const k = targets.slotOfElement[i]!; if (k >= 0) slotMu[k] = slotMu[k]! + e.elasticCm2PerG[j]!; });
    const heavyElastic = slotMu.reduce((a, b) => a + b, 0);
    let cumulative = 0;
    slotTables.forEach((offset, k) => {
      cumulative += slotMu[k]!;
      // No elastic events on heavier nuclei here (below 7 MeV): slot 0 stands in.
      tables[offset + j] = heavyElastic > 0 ? cumulative / heavyElastic : 1;
    });
  }
}
