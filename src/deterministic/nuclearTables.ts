/**
 * Nonelastic nuclear events of the deterministic solver (README.md, "Nuclear
 * events"): the per-step removal of each (energy bin, material) and, per node
 * energy, the products of an event on the solver's grid, histogrammed from
 * events of the Monte Carlo's own product code (assembly/nuclear.ts
 * nonelasticProducts, run event by event by the kernel export sampleNonelastic
 * with a fixed seed): the two solvers share one model, and these tables follow
 * any change of its parameters.
 */
import { parseConfig, type ResolvedConfig } from '../config/schema.js';
import { BraggInputError } from '../errors.js';
import { instantiateKernel, type KernelExports } from '../engine/kernel.js';
import { prepareRun } from '../engine/monteCarlo.js';
import { ATOMIC_MASS_UNIT_MEV, getElement, macroscopicCrossSections } from '../physics/index.js';
import type { PhaseSpaceGrid } from './grid.js';
import { normalIntervalProbability } from './normalDistribution.js';

/**
 * Node spacing (MeV). Every secondary proton of a nonelastic event has at most
 * E - 5 MeV (the first pass of the energy dissipation takes the 5 MeV binding
 * energy first: assembly/nuclear.ts header), so with nodes 4 MeV apart the
 * products of the node above a bin stay below that bin, by at least 1 MeV
 * (more than a bin's width in energy at every energy the solver runs).
 */
export const NUCLEAR_NODE_SPACING_MEV = 4;
/** Events sampled per node energy. */
export const NUCLEAR_EVENTS_PER_NODE = 20_000;
/** Seed of the events' Philox streams: the tables are the same on every run. */
export const NUCLEAR_TABLE_SEED = 1;

export interface NuclearTables {
  readonly nNodes: number;
  /** Node g's energy: g x NUCLEAR_NODE_SPACING_MEV. */
  readonly nodeEnergyMeV: Float64Array;
  /** [e * nMaterials + m]: fraction of bin e's particles in material m with a nonelastic event in one step. */
  readonly removal: Float64Array;
  /** [e * nMaterials + m]: fraction with an elastic event on a nucleus heavier than hydrogen in one step. */
  readonly elastic: Float64Array;
  /** [(e * nMaterials + m) * (2 nTheta - 1) + d]: probability that such an event turns the proton by d - (nTheta - 1) bins. */
  readonly elasticKernel: Float64Array;
  /** [e]: bin e's events count nodeWeight for node nodeOf and the rest for node nodeOf + 1 (linear in energy). */
  readonly nodeOf: Int32Array;
  readonly nodeWeight: Float64Array;
  /** [((g * ne + j) * (2 nTheta - 1)) + d]: secondaries per event of node g into bin j, d - (nTheta - 1) angle bins from the parent's. */
  readonly yields: Float64Array;
  /** [g * ne + j]: yields summed over d. */
  readonly yieldTotal: Float64Array;
  /** [g]: yields are zero in bins j >= nodeTop[g]. */
  readonly nodeTop: Int32Array;
  /** [g], MeV per event: carried by neutrals (with binding), deposited in the cell, carried beyond the angle grid and not deposited. */
  readonly nodeNeutralMeV: Float64Array;
  readonly nodeLocalMeV: Float64Array;
  readonly nodeLeavingMeV: Float64Array;
  /** Secondaries beyond the angle grid in bins below this are deposited in the cell (in-plane range below one cell width). */
  readonly wideLocalBins: number;
}

/**
 * The tables a config asks for (transport.nuclear) on its grid, or null when
 * off, for every backend of the deterministic solver; ion beams are refused
 * (the product model is for protons).
 */
export async function nuclearTablesFor(config: ResolvedConfig, grid: PhaseSpaceGrid): Promise<NuclearTables | null> {
  if (!config.transport.nuclear) return null;
  if (grid.ion.massNumber !== 1) {
    throw new BraggInputError(`transport.nuclear with the deterministic solver is for proton beams only: it has no fragmentation model for ${grid.ion.id} (set transport.nuclear to false; CLI: --no-nuclear, or use the Monte Carlo)`);
  }
  return buildNuclearTables(grid);
}

/** One node's sampled events: the neutral energy summed over them, and each secondary's (E, u, v, w). */
interface NodeSamples { readonly events: number; readonly neutralMeV: number; readonly secondaries: Float64Array }

/** f64 that sampleNonelastic writes at most: the neutral energy and (E, u, v, w) per stack entry (assembly/layout.ts STACK_CAPACITY 16). */
const SAMPLE_OUT_VALUES = 1 + 4 * 16;

const samplesByEnergy = new Map<number, NodeSamples>();
let sampler: Promise<{ kernel: KernelExports; params: number; worker: number; out: Float64Array }> | null = null;

/** The sampler, started once; a start that failed is tried again by the next call. */
function samplerOnce(): NonNullable<typeof sampler> {
  if (!sampler) {
    sampler = startSampler();
    sampler.catch(() => { sampler = null; });
  }
  return sampler;
}

/** A prepared Monte Carlo run of protons with nuclear events on, whose worker 0 runs the events (the product code reads none of its tables). */
function startSampler() {
  const config = parseConfig({
    beam: { energyMeVPerU: 100 },
    phantom: { sizeMm: [10, 10, 10] },
    transport: { histories: 1, seed: NUCLEAR_TABLE_SEED, nuclear: true },
  });
  // the events' output goes where a parallel run keeps its control block
  const run = prepareRun(config, 1, { shared: false, controlBytes: SAMPLE_OUT_VALUES * 8 });
  const outByte = run.plan.control;
  return instantiateKernel('scalar', run.memory, false).then((kernel) => ({
    kernel, params: run.plan.params, worker: run.plan.workers[0]!.block,
    out: new Float64Array(run.memory.buffer, outByte, SAMPLE_OUT_VALUES),
  }));
}

async function sampleNode(energyMeV: number): Promise<NodeSamples> {
  const cached = samplesByEnergy.get(energyMeV);
  if (cached) return cached;
  const { kernel, params, worker, out } = await samplerOnce();
  const secondaries: number[] = [];
  let neutralMeV = 0;
  // History numbers: disjoint per node energy (node index x events per node).
  const firstHistory = Math.round(energyMeV / NUCLEAR_NODE_SPACING_MEV) * NUCLEAR_EVENTS_PER_NODE;
  for (let i = 0; i < NUCLEAR_EVENTS_PER_NODE; i++) {
    const n = kernel.sampleNonelastic(params, worker, energyMeV, firstHistory + i, out.byteOffset);
    neutralMeV += out[0]!;
    for (let k = 0; k < n; k++) secondaries.push(out[1 + 4 * k]!, out[2 + 4 * k]!, out[3 + 4 * k]!, out[4 + 4 * k]!);
  }
  const samples = { events: NUCLEAR_EVENTS_PER_NODE, neutralMeV, secondaries: Float64Array.from(secondaries) };
  samplesByEnergy.set(energyMeV, samples);
  return samples;
}

/**
 * The tables for a grid: removal from the materials' nonelastic cross sections
 * (ICRU 63 per element, src/physics/nuclear: the Monte Carlo's), products per
 * node from sampled events. A secondary of energy E' and direction (u, v, w)
 * about its parent (along +z) goes to the angle bin of its projection on the
 * x-z plane, atan2(u, w), relative to the parent's, and, as the solver moves
 * every particle ds in the x-z plane per ds of path, to the energy whose water
 * range is its in-plane range sqrt(u^2 + w^2) R(E'), split between the two bins
 * around it with counts scaled so that its energy E' is kept; below the
 * cut-off bin it is deposited in the cell. One beyond the angle grid (projected
 * angle beyond 2 thetaMax of its parent's, or beyond thetaMax of the beam
 * axis: the kernel decides that part) is deposited in the cell if its in-plane
 * range is under one cell width, else its energy leaves the solver.
 */
export async function buildNuclearTables(grid: PhaseSpaceGrid): Promise<NuclearTables> {
  const { ne, nTheta, energyMeV, waterRangeGPerCm2, materials, dThetaRad } = grid;
  const massNumber = grid.ion.massNumber;
  const topEnergy = energyMeV[ne - 1]!;
  const nNodes = Math.floor(topEnergy / NUCLEAR_NODE_SPACING_MEV) + 2;
  const nodeEnergyMeV = Float64Array.from({ length: nNodes }, (_, g) => g * NUCLEAR_NODE_SPACING_MEV);
  const nodeOf = new Int32Array(ne), nodeWeight = new Float64Array(ne);
  for (let e = 0; e < ne; e++) {
    const g = Math.min(Math.floor(energyMeV[e]! / NUCLEAR_NODE_SPACING_MEV), nNodes - 2);
    nodeOf[e] = g;
    nodeWeight[e] = (nodeEnergyMeV[g + 1]! - energyMeV[e]!) / NUCLEAR_NODE_SPACING_MEV;
  }
  const stepCm = grid.stepMm / 10;
  const width = 2 * nTheta - 1;
  const nMaterials = materials.length;
  const removal = new Float64Array(ne * nMaterials), elastic = new Float64Array(ne * nMaterials);
  const elasticKernel = new Float64Array(ne * nMaterials * width);
  const { kernel } = await samplerOnce();
  materials.forEach((m, k) => {
    const sections = macroscopicCrossSections(m.material, energyMeV);
    const heavy = sections.elements.filter((el) => el.atomicNumber !== 1);
    for (let e = 0; e < ne; e++) {
      const pair = e * nMaterials + k;
      removal[pair] = -Math.expm1(-sections.nonelasticCm2PerG[e]! * m.densityGPerCm3 * stepCm);
      const heavyCm2PerG = heavy.reduce((sum, el) => sum + el.elasticCm2PerG[e]!, 0);
      elastic[pair] = -Math.expm1(-heavyCm2PerG * m.densityGPerCm3 * stepCm);
      if (heavyCm2PerG === 0) continue;
      // Elastic on a nucleus of mass M: the recoil energy T_r is exponential with mean T_avg (the Monte Carlo's,
      // assembly/nuclear.ts), and the momentum transfer q^2 = 2 M T_r (non-relativistic recoil), so the small
      // lab angle theta ~ q / p has theta^2 exponential: (theta_x, theta_y) a 2-D Gaussian, each projection of
      // variance E[theta^2] / 2 = M T_avg / p^2. Per element, by its share of the elastic events.
      const energy = energyMeV[e]!;
      const momentumSquared = energy * (energy + 2 * grid.ion.massMeV);
      for (const el of heavy) {
        const massNumber = getElement(el.atomicNumber).atomicWeight;
        const varianceBins = (massNumber * ATOMIC_MASS_UNIT_MEV * kernel.meanElasticRecoilMeV(energy, massNumber)) / momentumSquared / (dThetaRad * dThetaRad);
        const share = el.elasticCm2PerG[e]! / heavyCm2PerG;
        const sigma = Math.sqrt(varianceBins);
        for (let d = -(nTheta - 1); d <= nTheta - 1; d++) {
          elasticKernel[pair * width + d + nTheta - 1]! += share * normalIntervalProbability((d - 0.5) / sigma, (d + 0.5) / sigma);
        }
      }
    }
  });

  const yields = new Float64Array(nNodes * ne * width), yieldTotal = new Float64Array(nNodes * ne);
  const nodeTop = new Int32Array(nNodes);
  const nodeNeutralMeV = new Float64Array(nNodes), nodeLocalMeV = new Float64Array(nNodes), nodeLeavingMeV = new Float64Array(nNodes);
  const rangeStep = grid.rangeStepGPerCm2, rangeBottom = waterRangeGPerCm2[0]!;
  const localRangeGPerCm2 = grid.dxMm / 10;   // water: 1 g/cm^3
  const wideLocalBins = Math.max(0, Math.min(ne, Math.ceil((localRangeGPerCm2 - rangeBottom) / rangeStep)));
  const water = grid.water;
  for (let g = 0; g < nNodes; g++) {
    const node = nodeEnergyMeV[g]!;
    if (node === 0) continue;
    const s = await sampleNode(node);
    const perEvent = 1 / s.events;
    let leaving = 0, local = 0, top = 0;
    for (let i = 0; i < s.secondaries.length; i += 4) {
      const e1 = s.secondaries[i]!, u = s.secondaries[i + 1]!, w = s.secondaries[i + 3]!;
      const inPlane = Math.hypot(u, w);
      const rangeGPerCm2 = e1 / massNumber > water.energyMinMeVPerU ? inPlane * water.rangeGPerCm2(e1 / massNumber) : 0;
      const p = (rangeGPerCm2 - rangeBottom) / rangeStep;
      const d = Math.round(Math.atan2(u, w) / dThetaRad);
      if (p < 0) { local += e1; continue; }
      if (Math.abs(d) > nTheta - 1) {
        if (rangeGPerCm2 < localRangeGPerCm2) local += e1; else leaving += e1;
        continue;
      }
      const j = Math.min(Math.floor(p), ne - 1);
      const upper = j + 1 < ne ? p - j : 0;
      const count = e1 / ((1 - upper) * energyMeV[j]! + upper * (j + 1 < ne ? energyMeV[j + 1]! : 0));
      const add = (bin: number, share: number) => {
        yields[(g * ne + bin) * width + d + nTheta - 1]! += share * count * perEvent;
        yieldTotal[g * ne + bin]! += share * count * perEvent;
      };
      add(j, 1 - upper);
      if (upper > 0) add(j + 1, upper);
      top = Math.max(top, upper > 0 ? j + 2 : j + 1);
    }
    nodeTop[g] = top;
    nodeNeutralMeV[g] = s.neutralMeV * perEvent;
    nodeLeavingMeV[g] = leaving * perEvent;
    let placed = 0;
    for (let j = 0; j < top; j++) placed += yieldTotal[g * ne + j]! * energyMeV[j]!;
    // the rest of the node's energy: short-range fragments, and the secondaries deposited in the cell
    nodeLocalMeV[g] = node - nodeNeutralMeV[g]! - nodeLeavingMeV[g]! - placed;
  }
  // No product above its source bin (nuclearRows.ts relies on it: the window's top bin holds its products).
  for (let e = 0; e < ne; e++) {
    const g = nodeOf[e]!;
    if (nodeTop[g]! > e + 1 || (nodeWeight[e]! < 1 && nodeTop[g + 1]! > e + 1)) {
      throw new Error(`nuclear products of bin ${e} (${energyMeV[e]} MeV) reach above it: the node spacing is too coarse for this grid`);
    }
  }
  return {
    nNodes, nodeEnergyMeV, removal, elastic, elasticKernel, nodeOf, nodeWeight, yields, yieldTotal, nodeTop,
    nodeNeutralMeV, nodeLocalMeV, nodeLeavingMeV, wideLocalBins,
  };
}
