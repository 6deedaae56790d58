/**
 * The simulation config: plain JSON, validated with zod. Every object is
 * strict (an unknown key is an error, so a typo never falls back to a
 * default), and every field has the default of the reference scenario:
 * 150 MeV protons, 3 mm spot, 100 x 100 x 300 mm water phantom with
 * 2 x 2 x 1 mm voxels, 100 000 histories.
 */
import { z } from 'zod';
import { ION_IDS, MATERIAL_IDS } from '../physics/index.js';
import type { IonId, MaterialId } from '../physics/index.js';
import { BraggInputError } from '../errors.js';
import { deterministicSettingsSchema } from '../deterministic/settings.js';
import { MAX_VOXELS, type Phantom } from '../geometry/phantom.js';
import { CtPhantom } from '../geometry/ctPhantom.js';

const ionId = z.enum(ION_IDS as unknown as [IonId, ...IonId[]]);
const materialId = z.enum(MATERIAL_IDS as unknown as [MaterialId, ...MaterialId[]]);
const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();
const filePath = z.string().min(1, 'must name a file').max(4096, 'must be at most 4096 characters');
/** A CT file and its HU calibration (src/geometry/huCalibration.ts); relative paths from the config file's folder. */
const ctSource = z.strictObject({
  /** A folder of DICOM CT slices, or a MetaImage (.mhd with its data file, .mha) or NRRD (.nrrd, .nhdr with its data file) of CT numbers (HU). */
  file: filePath,
  /** MCsquare's HU_Density_Conversion.txt and HU_Material_Conversion.txt, or one CSV; default: MCsquare's default calibration. */
  calibration: z.union([
    z.strictObject({ densityFile: filePath, materialFile: filePath }),
    z.strictObject({ csvFile: filePath }),
  ], { error: 'expected { densityFile, materialFile } (MCsquare) or { csvFile }' }).optional(),
});

/** Angles of the gantry and couch (degrees), as DICOM RT Plans give them. */
const angleDeg = z.number().finite().min(0, 'must be at least 0 degrees').lt(360, 'must be below 360 degrees');
/** Virtual source distances of beam lines (about 1.5 to 3 m for scanning magnets), within wide bounds. */
const sourceDistanceMm = z.number().finite().min(100, 'must be at least 100 mm').max(1e5, 'must be at most 100000 mm');
/** Positions within 10 m of the phantom's centre: beyond any treatment room. */
const positionMm = z.number().finite().min(-1e4, 'must be at least -10000 mm').max(1e4, 'must be at most 10000 mm');
const xy = z.tuple([positionMm, positionMm]);
/** Spot sizes up to 0.5 m: broader than any field. */
const spotMm = nonNegative.max(500, 'must be at most 500 mm');
const xyNonNegative = z.tuple([spotMm, spotMm]);
const xyz = z.tuple([positionMm, positionMm, positionMm]);
/** Phantom edges up to 10 m. */
const phantomEdgeMm = positive.max(1e4, 'must be at most 10000 mm');
const xyzPositive = z.tuple([phantomEdgeMm, phantomEdgeMm, phantomEdgeMm]);
/** Voxel edges below 10 um are refused: no dose grid needs them, and each would cost a step. */
const voxelEdge = z.number().finite().min(0.01, 'must be at least 0.01 mm');
/** A value for both x and y, or an [x, y] pair. */
const numberOrPair = z.union([spotMm, xyNonNegative], { error: 'expected a number from 0 to 500 mm or an [x, y] pair of them' });
/** Beam divergence: the source model is small-angle (direction (theta_x, theta_y, 1), normalised). */
const divergenceMrad = z.union([nonNegative.max(100), z.tuple([nonNegative.max(100), nonNegative.max(100)])],
  { error: 'expected a divergence of at most 100 mrad, as a number or an [x, y] pair' });

/** Densities from 1e-6 g/cm^3 (below air at 1/1000 of sea-level pressure) to 30 g/cm^3 (above osmium, 22.6). */
const density = z.number().finite().min(1e-6, 'must be at least 1e-6 g/cm3').max(30, 'must be at most 30 g/cm3');

/**
 * Mean excitation energies from 10 eV (below hydrogen gas, 19.2 eV) to 1000 eV
 * (above uranium, 890 eV; ICRU Report 37 tables): outside, the Bethe formula's
 * logarithm leaves the range where the stopping-power tables are meaningful.
 */
const meanExcitationEnergyEV = z.number().finite().min(10, 'must be at least 10 eV').max(1000, 'must be at most 1000 eV');

const materialOverride = z.strictObject({
  densityGPerCm3: density.optional(),
  meanExcitationEnergyEV: meanExcitationEnergyEV.optional(),
});

const boxRegion = z.strictObject({
  shape: z.literal('box'),
  material: materialId,
  densityGPerCm3: density.optional(),
  /** Corners in phantom coordinates (mm): x, y centred on the beam axis, z = depth. */
  minMm: xyz,
  maxMm: xyz,
}).refine((b) => b.minMm.every((v, i) => v < b.maxMm[i]!), { error: 'minMm must be below maxMm on every axis', path: ['maxMm'] });
const slabRegion = z.strictObject({
  shape: z.literal('slab'),
  material: materialId,
  densityGPerCm3: density.optional(),
  /** Depth interval (mm) covering the whole phantom laterally. */
  zMinMm: nonNegative.max(1e4, 'must be at most 10000 mm'),
  zMaxMm: phantomEdgeMm,
}).refine((s) => s.zMinMm < s.zMaxMm, { error: 'zMinMm must be below zMaxMm', path: ['zMaxMm'] });

/** A spot: [x, y] at the isocentre plane in the beam's eye view (mm, IEC gantry X, Y) and its weight (particles, or any unit: relative). */
const planSpot = z.tuple([positionMm, positionMm, z.number().finite().positive('must be a positive weight')], { error: 'expected a spot [xMm, yMm, weight]' });
const planLayer = z.strictObject({
  energyMeVPerU: positive,
  energySpreadMeVPerU: nonNegative.default(0),
  spotSigmaMm: numberOrPair.default(3),
  divergenceSigmaMrad: divergenceMrad.default(0),
  spots: z.array(planSpot).min(1, 'must hold at least one spot'),
}).refine((l) => l.energySpreadMeVPerU <= l.energyMeVPerU / 3, { error: 'must be at most a third of energyMeVPerU', path: ['energySpreadMeVPerU'] });
const planField = z.strictObject({
  gantryAngleDeg: angleDeg,
  couchAngleDeg: angleDeg.default(0),
  isocenterMm: xyz.optional(),
  sourceAxisDistanceMm: z.union([sourceDistanceMm, z.tuple([sourceDistanceMm, sourceDistanceMm])],
    { error: 'expected a distance from 100 to 100000 mm, or an [x, y] pair of them' }).optional(),
  layers: z.array(planLayer).min(1, 'must hold at least one energy layer'),
});
/** Spots in one plan: each is a 96-byte record the kernels read (layout.ts: SPOT). */
export const MAX_PLAN_SPOTS = 200_000;

export const configSchema = z.strictObject({
  beam: z.strictObject({
    particle: ionId.default('proton'),
    energyMeVPerU: positive.default(150),
    /** One-sigma Gaussian energy spread (MeV/u); 0 = mono-energetic. */
    energySpreadMeVPerU: nonNegative.default(0),
    /** One-sigma Gaussian spot size in x and y (mm). */
    spotSigmaMm: numberOrPair.default(3),
    /**
     * Beam axis position (x, y) in mm: without gantryAngleDeg the phantom's (x, y), the beam running
     * along +z into its z = 0 face; with it, the spot's position at the isocentre plane in the beam's
     * eye view (IEC 61217 gantry X, Y; src/beam/beamGeometry.ts).
     */
    centerMm: xy.default([0, 0]),
    /** One-sigma angular divergence in x and y (mrad); 0 = parallel. */
    divergenceSigmaMrad: divergenceMrad.default(0),
    /** IEC 61217 gantry angle (degrees, [0, 360)): the beam comes from the gantry's side toward the isocentre. */
    gantryAngleDeg: angleDeg.optional(),
    /** IEC 61217 patient support (couch) angle (degrees, [0, 360)); needs gantryAngleDeg. */
    couchAngleDeg: angleDeg.optional(),
    /** The isocentre in the phantom's frame (mm; on a CT the CT's frame); default: the phantom's centre. Needs gantryAngleDeg. */
    isocenterMm: xyz.optional(),
    /**
     * Distance from the virtual source to the isocentre (mm), one for x and y or [x, y]: spots are
     * aimed from it (divergent scanning); omitted: parallel spots. Needs gantryAngleDeg.
     */
    sourceAxisDistanceMm: z.union([sourceDistanceMm, z.tuple([sourceDistanceMm, sourceDistanceMm])],
      { error: 'expected a distance from 100 to 100000 mm, or an [x, y] pair of them' }).optional(),
  }).superRefine((b, context) => {
    if (b.gantryAngleDeg !== undefined) return;
    for (const key of ['couchAngleDeg', 'isocenterMm', 'sourceAxisDistanceMm'] as const) {
      if (b[key] !== undefined) context.addIssue({ code: 'custom', path: [key], message: 'needs beam.gantryAngleDeg (the beam\'s direction in the room, IEC 61217)' });
    }
  }).refine((b) => !(b.energyMeVPerU > 0) || b.energySpreadMeVPerU <= b.energyMeVPerU / 3, {
    error: 'must be at most a third of energyMeVPerU (a wider Gaussian spread would reach negative energies)', path: ['energySpreadMeVPerU'],
  }).prefault({}),
  phantom: z.strictObject({
    /**
     * A CT as the phantom (src/geometry/ctPhantom.ts): its grid, materials and densities replace
     * sizeMm, voxelSizeMm, material, densityGPerCm3 and regions. Files are read by loadPhantom
     * (bragg-engine/node) or `bragg run --ct`.
     */
    ct: ctSource.optional(),
    /** Phantom size (x, y, z) in mm; z is depth along the beam, from 0. */
    sizeMm: xyzPositive.default([100, 100, 300]),
    voxelSizeMm: z.tuple([voxelEdge, voxelEdge, voxelEdge]).default([2, 2, 1]),
    material: materialId.default('water'),
    densityGPerCm3: density.optional(),
    /** Inserts, voxelised in order (a later one overwrites an earlier one) by voxel centre. */
    regions: z.array(z.discriminatedUnion('shape', [boxRegion, slabRegion], { error: 'expected a region with shape \'box\' or \'slab\'' }))
      .max(255, 'at most 255 regions').default([]),
  }).superRefine((p, context) => {
    const counts = p.sizeMm.map((size, i) => Math.round(size / p.voxelSizeMm[i]!));
    const voxels = counts[0]! * counts[1]! * counts[2]!;
    if (voxels > MAX_VOXELS) {
      context.addIssue({ code: 'custom', path: ['voxelSizeMm'], message: `sizeMm / voxelSizeMm give ${counts.join(' x ')} = ${voxels} voxels, more than the ${MAX_VOXELS} supported` });
    }
  }).prefault({}),
  /** Per-material overrides, e.g. { "water": { "meanExcitationEnergyEV": 78 } } (ICRU 90). */
  materials: z.partialRecord(materialId, materialOverride).default({}),
  transport: z.strictObject({
    histories: z.number().int().positive().max(1e9, 'must be at most 1e9 per run: split larger jobs into runs with different seeds').default(100_000),
    seed: z.number().int().nonnegative().max(2 ** 53 - 1).default(1),
    /** Largest step (mm); steps also end at voxel boundaries. */
    maxStepMm: z.number().finite().min(0.01, 'must be at least 0.01 mm').max(1000, 'must be at most 1000 mm').default(5),
    /**
     * Largest fraction of its energy a particle may lose in one step: from 0.01
     * (about 600 steps per history; below it results no longer change, only
     * the time does) to 0.5.
     */
    maxEnergyLossFraction: z.number().finite().min(0.01, 'must be at least 0.01').max(0.5, 'must be at most 0.5').default(0.2),
    /** Below this energy a particle deposits what it has left where it is (MeV/u); the tables' range is checked at run time. */
    cutoffEnergyMeVPerU: positive.max(100, 'must be at most 100 MeV/u').default(0.5),
    /** 'simd' (default) or 'scalar', the reference kernel. */
    kernel: z.enum(['simd', 'scalar']).default('simd'),
    /**
     * Nuclear interactions: of protons (elastic and nonelastic, secondary protons; assembly/nuclear.ts)
     * and the fragmentation of helium, carbon and oxygen (assembly/ionReaction.ts). Default: on,
     * except for ions with the deterministic solver, which has no fragmentation model (true is
     * refused there).
     */
    nuclear: z.boolean().optional(),
  }).prefault({}),
  /**
   * A treatment plan (src/beam/planSpots.ts): fields at their gantry and couch angles, energy layers,
   * spots with weights; the beam then gives only the particle. Histories go to spots in proportion
   * to their weights.
   */
  plan: z.strictObject({ fields: z.array(planField).min(1, 'must hold at least one field') }).superRefine((plan, context) => {
    const spots = plan.fields.reduce((n, f) => n + f.layers.reduce((m, l) => m + l.spots.length, 0), 0);
    if (spots > MAX_PLAN_SPOTS) context.addIssue({ code: 'custom', path: ['fields'], message: `holds ${spots} spots, more than the ${MAX_PLAN_SPOTS} supported` });
  }).optional(),
  /** 'montecarlo' (default) or 'deterministic': the phase-space solver (2-D, dose integrated over y). */
  solver: z.enum(['montecarlo', 'deterministic']).default('montecarlo'),
  /** Grid and step of the deterministic solver (src/deterministic/README.md). */
  deterministic: deterministicSettingsSchema,
  scoring: z.strictObject({
    /** Depth (mm) of a voxel plane (rounded to the nearest) where the lateral spread of crossing primaries is recorded. */
    lateralProbeDepthMm: phantomEdgeMm.optional(),
    /**
     * Score LET (Monte Carlo, WASM and WebGPU; README, Physics: LET): let_d.npy, let_t.npy and the
     * LETd column of depth_dose.csv. 64 bytes per voxel per thread; false saves them and the time
     * (bench/results/README.md).
     */
    let: z.boolean().default(true),
    /**
     * Score the dose by the charge of the particle that deposited it (Monte Carlo; README, Physics:
     * fragmentation): dose_by_charge.npy [Z, nz, ny, nx] for Z = 1 ... the beam's and a
     * depth-dose column per charge. 8 bytes per voxel and charge per thread.
     */
    doseByCharge: z.boolean().default(false),
    /**
     * Also give the dose to water (src/scoring/doseToWater.ts: stopping-power ratios from the LET
     * sums, so scoring.let must stay on): dose_water.npy, and rtdose.dcm and the DVHs in water.
     */
    doseToWater: z.boolean().default(false),
  }).refine((s) => !s.doseToWater || s.let, { error: 'needs scoring.let (its stopping-power ratios come from the LET sums)', path: ['doseToWater'] }).prefault({}),
});

/**
 * The config with the defaults that depend on other fields filled in: transport.nuclear is on,
 * except for ions with the deterministic solver (parseConfig uses this; configSchema stays a plain
 * object schema, for extending it and for JSON Schema).
 */
const resolvedConfigSchema = configSchema.transform((config) => ({
  ...config,
  // With a plan, the beam's energy and spread are its highest layer's (the tables must reach them).
  beam: config.plan ? {
    ...config.beam,
    energyMeVPerU: Math.max(...config.plan.fields.flatMap((f) => f.layers.map((l) => l.energyMeVPerU))),
    energySpreadMeVPerU: Math.max(...config.plan.fields.flatMap((f) => f.layers.map((l) => l.energySpreadMeVPerU))),
  } : config.beam,
  transport: {
    ...config.transport,
    nuclear: config.transport.nuclear ?? (config.beam.particle === 'proton' || config.solver === 'montecarlo'),
  },
}));

export type SimulationConfig = z.input<typeof configSchema>;
/**
 * A parsed config. Where phantom.ct is given, loadPhantom (src/geometry/loadPhantom.ts) adds the
 * CT's voxels as phantom.voxels (not part of the schema: JSON leaves it out).
 */
export type ResolvedConfig = z.output<typeof resolvedConfigSchema> & { readonly phantom: { readonly voxels?: Phantom } };

/** One line naming every problem zod found, each with its path below `root` (e.g. 'beam.energyMeVPerU: ...'). */
export function describeIssues(error: z.ZodError, root: string): string {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ');
      return `unknown key ${keys}`;
    }
    return `${path || root}: ${issue.message}`;
  }).join('; ');
}

/** Keys that would reach an object's prototype if a consumer ever copied the config by assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any real config (regions hold arrays of arrays at depth 5). */
const MAX_CONFIG_DEPTH = 32;

/**
 * Walks a JSON-like value without recursion: the path of the first forbidden
 * key, or of a value nested deeper than MAX_CONFIG_DEPTH (which also ends a
 * cyclic object), or null.
 */
function badKeyPath(value: unknown): { path: string[]; reason: 'forbidden' | 'too deep' } | null {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (path.length >= MAX_CONFIG_DEPTH) return { path, reason: 'too deep' };
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) return { path: [...path, key], reason: 'forbidden' };
      stack.push({ value: (node as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

/** A plain object: made by a literal or JSON.parse (not a Map, Date, class instance or array). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The phantom fields a CT replaces, and their defaults. */
const CT_REPLACES = ['sizeMm', 'voxelSizeMm', 'material', 'densityGPerCm3', 'regions'] as const;
const PHANTOM_DEFAULTS: Record<string, unknown> = configSchema.shape.phantom.parse({});
const BEAM_DEFAULTS: Record<string, unknown> = configSchema.shape.beam.parse({});

/** The beam's energy and spread as the resolved config takes them from a plan (its highest layer's), from the raw input. */
function planBeamFields(plan: unknown): Record<string, unknown> {
  const layers = isPlainObject(plan) && Array.isArray(plan.fields)
    ? plan.fields.flatMap((f: unknown) => (isPlainObject(f) && Array.isArray(f.layers) ? f.layers.filter(isPlainObject) : []))
    : [];
  const highest = (key: string, fallback: number) => Math.max(...layers.map((l: Record<string, unknown>) => (typeof l[key] === 'number' ? l[key] as number : fallback)));
  return layers.length ? { energyMeVPerU: highest('energyMeVPerU', NaN), energySpreadMeVPerU: highest('energySpreadMeVPerU', 0) } : {};
}

export interface ParseConfigOptions {
  /** Where the config came from, for messages (e.g. '--config plan.json'). */
  readonly source?: string | undefined;
  /** Field paths that the user set by other names (e.g. { 'beam.energyMeVPerU': '--energy' }). */
  readonly fieldNames?: Readonly<Record<string, string>>;
}

/**
 * Validates a config (undefined means every default); throws BraggInputError
 * naming every invalid field, on one line.
 */
export function parseConfig(input: unknown, options: ParseConfigOptions = {}): ResolvedConfig {
  const what = options.source ? `invalid config (${options.source})` : 'invalid config';
  // A config that loadPhantom returned keeps its loaded CT (validated when it was made, and not JSON).
  if (isPlainObject(input) && isPlainObject(input.phantom) && input.phantom.voxels !== undefined) {
    const { voxels, ...phantom } = input.phantom;
    if (!(voxels instanceof CtPhantom) || phantom.ct === undefined) throw new BraggInputError(`${what}: phantom.voxels is made by loadPhantom from phantom.ct, not given`);
    const resolved = parseConfig({ ...input, phantom }, options);
    return { ...resolved, phantom: { ...resolved.phantom, voxels } };
  }
  if (input !== undefined && !isPlainObject(input)) {
    const kind = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input === 'object' ? `a ${input.constructor?.name ?? 'non-plain'} object` : typeof input;
    throw new BraggInputError(`${what}: expected a JSON object, got ${kind}`);
  }
  const bad = badKeyPath(input);
  if (bad?.reason === 'forbidden') throw new BraggInputError(`${what}: key ${bad.path.join('.')} is not allowed`);
  if (bad) throw new BraggInputError(`${what}: ${bad.path.slice(0, 6).join('.')}... nests deeper than ${MAX_CONFIG_DEPTH} levels`);
  const phantom = isPlainObject(input) && isPlainObject(input.phantom) ? input.phantom : null;
  if (phantom && phantom.ct !== undefined) {
    // (a resolved config, passed again, holds their defaults: those are not a conflict)
    const taken = CT_REPLACES.filter((key) => phantom[key] !== undefined && JSON.stringify(phantom[key]) !== JSON.stringify(PHANTOM_DEFAULTS[key]));
    if (taken.length > 0) throw new BraggInputError(`${what}: phantom.ct: the CT gives the grid, materials and densities; leave out phantom.${taken.join(', phantom.')}`);
    if (input!.solver === 'deterministic') throw new BraggInputError(`${what}: phantom.ct: the deterministic solver takes phantoms of regions only; use the Monte Carlo (solver 'montecarlo')`);
  }
  if (isPlainObject(input) && input.plan !== undefined) {
    const beam = isPlainObject(input.beam) ? input.beam : {};
    // (a resolved config, passed again, holds the defaults and the energy and spread taken from the plan)
    const derived = planBeamFields(input.plan);
    const given = Object.keys(beam).filter((key) => key !== 'particle' && beam[key] !== undefined
      && JSON.stringify(beam[key]) !== JSON.stringify(BEAM_DEFAULTS[key]) && beam[key] !== derived[key]);
    if (given.length > 0) throw new BraggInputError(`${what}: plan: its fields, layers and spots give the beam; leave out beam.${given.join(', beam.')} (beam.particle stays)`);
    if (input.solver === 'deterministic') throw new BraggInputError(`${what}: plan: the deterministic solver takes one beam along +z; use the Monte Carlo (solver 'montecarlo')`);
  }
  if (isPlainObject(input) && input.solver === 'deterministic' && isPlainObject(input.scoring) && input.scoring.doseToWater === true) {
    throw new BraggInputError(`${what}: scoring.doseToWater: the deterministic solver scores no LET, whose sums give the stopping-power ratios; use the Monte Carlo`);
  }
  if (isPlainObject(input) && input.solver === 'deterministic' && isPlainObject(input.beam) && input.beam.gantryAngleDeg !== undefined) {
    throw new BraggInputError(`${what}: beam.gantryAngleDeg: the deterministic solver takes beams along +z only; use the Monte Carlo (solver 'montecarlo')`);
  }
  const result = resolvedConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  let message = describeIssues(result.error, 'config');
  for (const [field, name] of Object.entries(options.fieldNames ?? {})) {
    message = message.replace(new RegExp(`(^|; )${field.replace('.', '\\.')}:`, 'g'), `$1${name} (${field}):`);
  }
  throw new BraggInputError(`${what}: ${message}`);
}
