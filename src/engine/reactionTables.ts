/**
 * Nucleus-nucleus reactions of ion species in the kernel tables (issue 11, part 3): per material,
 * the reaction target slots (the four elements with the largest reaction coefficients, the others
 * sharing the slot nearest their mass, as the proton elastic slots do: materialTables.ts), the
 * reaction mass coefficient mu/rho and the cumulative slot shares on the range grid of each ion
 * block, and the event library (src/physics/ionNuclear/fragmentLibrary.ts) packed for the kernels
 * (assembly/ionReaction.ts; layout in layout.ts).
 */
import type { Ion, Material, RangeTable } from '../physics/index.js';
import { buildFragmentLibrary, ionKernelGridCrossSections, ionMacroscopicCrossSections, type FragmentLibrary } from '../physics/index.js';
import { assignSlots } from './targetSlots.js';
import { LIBRARY_EVENT_BYTES, LIBRARY_PRODUCT_BYTES, MATERIAL_HEADER, MATERIAL_TABLES } from './layout.js';

/** Reaction target slots of a material. */
export interface ReactionSlots {
  /** Atomic number of each slot's element (at most REACTION_TARGET_SLOTS). */
  readonly elements: readonly number[];
  /** Slot of each of material.elements. */
  readonly slotOfElement: readonly number[];
}

export const REACTION_TARGET_SLOTS = 4;
/** The slots are ranked for 12C at this energy (MeV/u): the order hardly depends on either. */
const RANKING_ENERGY_MEV_PER_U = 200;
const RANKING_PROJECTILE = { chargeNumber: 6, massNumber: 12 } as const;

export function reactionSlots(material: Material): ReactionSlots {
  const x = ionMacroscopicCrossSections(RANKING_PROJECTILE, material, [RANKING_ENERGY_MEV_PER_U]);
  const candidates = x.elements.map((e, index) => ({ index, atomicNumber: e.atomicNumber, coefficient: e.reactionCm2PerG[0]! }));
  const { slotted, slotOfElement } = assignSlots(candidates, REACTION_TARGET_SLOTS, x.elements.length, 0);
  return { elements: slotted.map((e) => e.atomicNumber), slotOfElement };
}

/** The library's target elements: every slot element of every material, in order of first use. */
export function libraryTargets(slots: readonly ReactionSlots[]): number[] {
  return [...new Set(slots.flatMap((s) => s.elements))];
}

const libraries = new Map<string, FragmentLibrary>();

/**
 * The event library of `species` on `targets` up to `energyMaxMeVPerU`, built once per process.
 * Reactions above the last bin (a beam energy beyond 1.1 (E + 3 sigma): monteCarlo.ts) take the
 * last bin's events, scaled with the energy like any other.
 */
export function fragmentLibraryFor(species: readonly Ion[], targets: readonly number[], energyMaxMeVPerU: number): FragmentLibrary {
  const key = `${species.map((s) => s.id).join(',')}|${targets.join(',')}|${energyMaxMeVPerU}`;
  let library = libraries.get(key);
  if (!library) {
    library = buildFragmentLibrary(species, targets, { energyMaxMeVPerU });
    libraries.set(key, library);
  }
  return library;
}

export function libraryBytes(library: FragmentLibrary): { events: number; products: number } {
  return { events: library.neutralShare.length * LIBRARY_EVENT_BYTES, products: library.productSpecies.length * LIBRARY_PRODUCT_BYTES };
}

/** Writes the library's events and products at the two byte offsets (layout.ts: LIBRARY_*_BYTES). */
export function writeLibrary(buffer: ArrayBufferLike, eventsOffset: number, productsOffset: number, library: FragmentLibrary): void {
  const events = library.neutralShare.length;
  const ev = new DataView(buffer, eventsOffset, events * LIBRARY_EVENT_BYTES);
  for (let e = 0; e < events; e++) {
    ev.setFloat32(e * 16, library.eventProducts[2 * e]!, true);
    ev.setFloat32(e * 16 + 4, library.eventProducts[2 * e + 1]!, true);
    ev.setFloat32(e * 16 + 8, library.neutralShare[e]!, true);
    ev.setFloat32(e * 16 + 12, library.localShare[e]!, true);
  }
  const products = library.productSpecies.length;
  const pv = new DataView(buffer, productsOffset, products * LIBRARY_PRODUCT_BYTES);
  for (let p = 0; p < products; p++) {
    const azimuth = library.productAzimuth[p]!;
    pv.setFloat32(p * 20, library.productSpecies[p]!, true);
    pv.setFloat32(p * 20 + 4, library.productEnergyRatio[p]!, true);
    pv.setFloat32(p * 20 + 8, library.productCosTheta[p]!, true);
    pv.setFloat32(p * 20 + 12, Math.cos(azimuth), true);
    pv.setFloat32(p * 20 + 16, Math.sin(azimuth), true);
  }
}

/**
 * Header fields and tables of an ion block whose species reacts (library row `row`): mu/rho of
 * reactions on the range grid and the cumulative shares of the material's reaction target slots.
 */
export function writeReactionTables(t: RangeTable, header: Float32Array, tables: Float32Array,
  slots: ReactionSlots, targets: readonly number[], row: number): void {
  const n = t.length;
  header[MATERIAL_HEADER.libraryRow / 4] = row;
  const targetFields = [MATERIAL_HEADER.reactionTarget0, MATERIAL_HEADER.reactionTarget1, MATERIAL_HEADER.reactionTarget2, MATERIAL_HEADER.reactionTarget3];
  targetFields.forEach((field, k) => { header[field / 4] = targets.indexOf(slots.elements[Math.min(k, slots.elements.length - 1)]!); });
  const x = ionKernelGridCrossSections(t).rangeGrid;
  const at = (name: (typeof MATERIAL_TABLES)[number]) => MATERIAL_TABLES.indexOf(name) * n;
  const slotTables = [at('elasticTarget0ShareAtRange'), at('elasticTarget1ShareAtRange'), at('elasticTarget2ShareAtRange')];
  const slotMu = new Float64Array(REACTION_TARGET_SLOTS);
  for (let j = 0; j < n; j++) {
    const total = x.reactionCm2PerG[j]!;
    tables[at('nuclearAtRange') + j] = total;
    slotMu.fill(0);
    x.elements.forEach((e, i) => { const k = slots.slotOfElement[i]!; slotMu[k] = slotMu[k]! + e.reactionCm2PerG[j]!; });
    let cumulative = 0;
    slotTables.forEach((offset, k) => {
      cumulative += slotMu[k]!;
      tables[offset + j] = total > 0 ? cumulative / total : 1;
    });
  }
}

/**
 * Reactions of an ion beam and its fragments: the materials' target slots, the library's targets
 * and the event library up to 1.1 times the beam's highest energy (`highestMeVPerU`: its energy plus
 * three sigma of its spread; at least 100 MeV/u, at most 1000), and each species' library row
 * (-1 for species that do not react).
 */
export function reactionLayout(species: readonly Ion[], materials: readonly Material[], highestMeVPerU: number) {
  const slots = materials.map(reactionSlots);
  const targets = libraryTargets(slots);
  const library = fragmentLibraryFor(species, targets, Math.min(1000, Math.max(100, 1.1 * highestMeVPerU)));
  const rowsPerSpecies = targets.length * library.energiesMeVPerU.length;
  const rowOfSpecies = species.map((_, s) => {
    const r = library.reactingSpecies.indexOf(s);
    return r < 0 ? -1 : r * rowsPerSpecies;
  });
  return { slots, targets, rowOfSpecies, library };
}
