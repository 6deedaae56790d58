/**
 * Shared-memory layout of the transport kernel: the schema from which the
 * TypeScript views are made. assembly/layout.ts states the same offsets for
 * the kernel; test/layout.test.ts checks that the two agree.
 */

/** Run parameters block: field name → [byte offset, type]. */
export const PARAMS = {
  nx: [0, 'i32'], ny: [4, 'i32'], nz: [8, 'i32'],
  voxelXMm: [12, 'f32'], voxelYMm: [16, 'f32'], voxelZMm: [20, 'f32'],
  originXMm: [24, 'f32'], originYMm: [28, 'f32'],
  materialIndexPtr: [32, 'u32'], densityPtr: [36, 'u32'], tablesPtr: [40, 'u32'],
  tableLength: [44, 'i32'], tableStride: [48, 'i32'],
  logEnergyMin: [52, 'f32'], invLogEnergyStep: [56, 'f32'],
  massNumber: [60, 'f32'], chargeNumber: [64, 'f32'], massPerNucleonMeV: [68, 'f32'],
  maxStepMm: [72, 'f32'],
  beamEnergyMeVPerU: [76, 'f32'], beamEnergySigmaMeVPerU: [80, 'f32'],
  beamCenterXMm: [84, 'f32'], beamCenterYMm: [88, 'f32'],
  spotSigmaXMm: [92, 'f32'], spotSigmaYMm: [96, 'f32'],
  divergenceSigmaXRad: [100, 'f32'], divergenceSigmaYRad: [104, 'f32'],
  seedLo: [108, 'u32'], seedHi: [112, 'u32'],
  probeZIndex: [116, 'i32'],
  /** 1: nuclear interactions of protons on (assembly/nuclear.ts), 0: off. */
  nuclear: [120, 'i32'],
  /** 1: LET scored (assembly/letTally.ts; scoring.let), 0: not. */
  scoreLet: [124, 'i32'],
  /** Material blocks per species: species s, material m at tablesPtr + (s materialCount + m) tableStride. */
  materialCount: [128, 'i32'],
  /** Species index of the beam's particles and of secondary protons (-1: no proton tables). */
  beamSpecies: [132, 'i32'], protonSpecies: [136, 'i32'],
  /** Reaction event library of ion species (fragmentLibrary.ts, packed by reactionTables.ts; 0 without). */
  libraryEventsPtr: [144, 'u32'], libraryProductsPtr: [148, 'u32'],
  libraryTargets: [152, 'i32'], libraryBins: [156, 'i32'], libraryEventsPerBin: [160, 'i32'],
  libraryLogEnergyMin: [164, 'f32'], libraryInvLogEnergyStep: [168, 'f32'],
  /** The tables' highest energy (MeV/u): reaction products are capped there (assembly/ionReaction.ts). */
  tableMaxEnergyMeVPerU: [172, 'f32'],
  /** 0: the beam along +z into the z = 0 face; 1: the room's geometry (src/beam/beamGeometry.ts), the fields below. */
  sourceMode: [176, 'i32'],
  /** Beam's-eye-view x and y and the beam direction: unit vectors in the transport frame. */
  beamUX: [180, 'f32'], beamUY: [184, 'f32'], beamUZ: [188, 'f32'],
  beamVX: [192, 'f32'], beamVY: [196, 'f32'], beamVZ: [200, 'f32'],
  beamDirX: [204, 'f32'], beamDirY: [208, 'f32'], beamDirZ: [212, 'f32'],
  /** The isocentre in the transport frame (mm). */
  isocenterXMm: [216, 'f32'], isocenterYMm: [220, 'f32'], isocenterZMm: [224, 'f32'],
  /** Virtual source to isocentre distances (mm) for x and y; 0: parallel. */
  sourceAxisDistanceXMm: [228, 'f32'], sourceAxisDistanceYMm: [232, 'f32'],
  /** sourceMode 2 (a plan): the spot records that follow the parameters (SPOT_BYTES each, SPOT). */
  spotCount: [236, 'i32'],
} as const satisfies Record<string, readonly [number, 'i32' | 'u32' | 'f32']>;
export const PARAMS_BYTES = 240;

/**
 * A plan's spot record (sourceMode 2), right after the parameters: the beam's fields in the order
 * of PARAMS' beamEnergyMeVPerU ... divergenceSigmaYRad, then the field's frame in the order of
 * beamUX ... sourceAxisDistanceYMm, so that a kernel reads a spot where it would read the beam;
 * then the first history that draws it (u32: histories are assigned to spots in order, in
 * proportion to their weights: src/beam/planSpots.ts).
 */
export const SPOT = { beam: 0, frame: 32, firstHistory: 88 } as const;
export const SPOT_BYTES = 96;
/** Library records (bytes, f32 fields; counts and species as exact integer values): events (first product, products, neutral share, local share), products (species, E/A ratio, cos theta, cos phi, sin phi). */
export const LIBRARY_EVENT_BYTES = 16;
export const LIBRARY_PRODUCT_BYTES = 20;

/** Material block header (then the f32 tables of MATERIAL_TABLES, tableLength points each). */
export const MATERIAL_HEADER = {
  logRangeMin: 0, invLogRangeStep: 4, zOverAMolPerG: 8, radiationLengthGPerCm2: 12, cutoffRangeGPerCm2: 16,
  /**
   * Elastic events on elements heavier than H: the mass numbers (atomic weights, u) of up to four
   * target slots (materialTables.ts: elasticTargets), chosen by the elasticTarget*ShareAtRange tables.
   */
  elasticTarget0MassNumber: 20, elasticTarget1MassNumber: 24, elasticTarget2MassNumber: 28, elasticTarget3MassNumber: 32,
  /** The block's species (each (species, material) pair has its block): charge number, mass number, mass / A (MeV). */
  chargeNumber: 36, massNumber: 40, massPerNucleonMeV: 44,
  /**
   * Ion blocks with reactions: the species' first library row (-1: none) and the library target
   * index of the material's four reaction target slots, picked by the elasticTarget*ShareAtRange
   * columns, which ion blocks use for the cumulative shares of those slots; exact integer values in f32.
   */
  libraryRow: 48, reactionTarget0: 52, reactionTarget1: 56, reactionTarget2: 60, reactionTarget3: 64,
} as const;
export const MATERIAL_HEADER_BYTES = 80;
/**
 * Order of the tables after the header. The nuclear ones (protons; for reacting ion species
 * nuclearAtRange and the target slot shares: reactionTables.ts; zero otherwise) are on
 * the range grid: total nuclear mass coefficient mu/rho (cm^2/g), the cumulative shares of p-p
 * elastic and of p-p elastic + nonelastic in it (the rest is elastic on heavier nuclei), and the
 * cumulative shares of elastic target slots 0, 1, 2 in the elastic events on heavier nuclei
 * (slot 3 has the rest). Last, the mass electronic stopping power of water (MeV cm^2/g) at the
 * material's E(R), for LET in water (src/engine/letResults.ts).
 */
export const MATERIAL_TABLES = ['rangeAtEnergy', 'energyAtRange', 'stoppingAtRange', 'rangeLowAtRange',
  'nuclearAtRange', 'protonElasticShareAtRange', 'nonelasticShareAtRange',
  'elasticTarget0ShareAtRange', 'elasticTarget1ShareAtRange', 'elasticTarget2ShareAtRange',
  'waterStoppingAtRange'] as const;
/** Target slots of elastic events on heavier nuclei. */
export const ELASTIC_TARGET_SLOTS = 4;

/** Worker block: pointers (u32) then 64-bit counters. */
export const WORKER_POINTERS = {
  energySumPtr: 0, energySqPtr: 4, scratchPtr: 8, slabSumPtr: 12, slabSqPtr: 16, slabScratchPtr: 20,
  listPtr: 24, listCapacity: 28, lanesPtr: 32, letPtr: 36, letListPtr: 40, slabPrimariesPtr: 44, chargeDosePtr: 48, voxels: 52, charges: 56,
} as const;
export const WORKER_COUNTERS = {
  incidentEnergy: 64, depositedEnergy: 72, cutoffEnergy: 80, escapedEnergy: 88, steps: 96,
  histories: 104, stoppedCount: 112, stopDepthSum: 120, stopDepthSumSq: 128, probeCount: 136,
  probeSumX: 144, probeSumXSq: 152, probeSumY: 160, probeSumYSq: 168, listOverflows: 176,
  abortedHistories: 184, missedHistories: 192,
  neutralEnergy: 200, nuclearEvents: 208, primaryNonelasticEvents: 216, secondaries: 224, stackOverflows: 232,
} as const;
export type WorkerCounter = keyof typeof WORKER_COUNTERS;
export const WORKER_BYTES = 256;

export const LANES = 4;
/** Secondary-particle stack of each lane (assembly/layout.ts, lanes.ts): entries and fields per entry. */
export const STACK_CAPACITY = 16;
export const STACK_FIELDS = 12;
export const LANE_STATE_BYTES = 4240;
export const LIST_ENTRY_BYTES = 16;

/** Fixed-point units of the integer tallies (assembly/layout.ts). */
export const ENERGY_UNITS_PER_MEV = 2 ** 24;
export const ENERGY_SQ_UNITS_PER_MEV2 = 2 ** 32;
export const LENGTH_UNITS_PER_MM = 2 ** 16;

/**
 * LET tallies (assembly/layout.ts, letTally.ts): LET_FIELDS i64 per voxel, in this order, and
 * their fixed-point units (bounds in letResults.ts).
 */
export const LET_FIELDS = ['dWater', 'dMedium', 'dEnergy', 'dPrimaryWater', 'dPrimaryEnergy', 'tWater', 'tMedium', 'tLength'] as const;
export const LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM = 2 ** 16;
export const LET_LENGTH_UNITS_PER_MM = 2 ** 12;
export const LET_LENGTH_UNITS_PER_MM_KEV_PER_UM = 2 ** 12;
/** Voxel visits waiting to be added to the LET sums (letTally.ts): entries per lane, bytes per entry. */
export const LET_LIST_CAPACITY = 256;
export const LET_LIST_ENTRY_BYTES = 72;
