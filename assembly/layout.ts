// Byte offsets into the shared memory blocks that TypeScript fills in
// (src/engine/layout.ts is the schema; test/layout.test.ts checks both agree).
// Every field is 4 bytes unless noted; blocks are 16-byte aligned (v128).
//
//  Run parameters (PARAMS_BYTES)       one per run, read-only for kernels
//  ┌──────┬──────┬──────┬─────────┬─────────┬─────────┬─────────┬─────────┐
//  │ nx   │ ny   │ nz   │ voxelX  │ voxelY  │ voxelZ  │ originX │ originY │ ...
//  └──────┴──────┴──────┴─────────┴─────────┴─────────┴─────────┴─────────┘
//  Material block (stride P_TABLE_STRIDE): 64-byte header, then the f32 tables
//  (T_*) of P_TABLE_LENGTH points: R(E) on the energy grid, and E(R), S(R),
//  Rlow(R), ... on the range grid. One block per (species, material): species s,
//  material m at P_TABLES_PTR + (s P_MATERIAL_COUNT + m) P_TABLE_STRIDE; the
//  header carries the species' charge and mass (laneState.ts: loadMaterial).
//  Worker block (WORKER_BYTES): pointers to this worker's tallies and scratch,
//  then 64-bit counters.

// ---- run parameters ----
@inline export const P_NX: i32 = 0;
@inline export const P_NY: i32 = 4;
@inline export const P_NZ: i32 = 8;
@inline export const P_VOXEL_X_MM: i32 = 12;
@inline export const P_VOXEL_Y_MM: i32 = 16;
@inline export const P_VOXEL_Z_MM: i32 = 20;
@inline export const P_ORIGIN_X_MM: i32 = 24;
@inline export const P_ORIGIN_Y_MM: i32 = 28;
@inline export const P_MATERIAL_INDEX_PTR: i32 = 32;
@inline export const P_DENSITY_PTR: i32 = 36;
@inline export const P_TABLES_PTR: i32 = 40;
@inline export const P_TABLE_LENGTH: i32 = 44;
@inline export const P_TABLE_STRIDE: i32 = 48;
@inline export const P_LOG_ENERGY_MIN: i32 = 52;
@inline export const P_INV_LOG_ENERGY_STEP: i32 = 56;
@inline export const P_MASS_NUMBER: i32 = 60;          // the beam's (species P_BEAM_SPECIES); a lane's own: L_MASS_NUMBER
@inline export const P_CHARGE_NUMBER: i32 = 64;
@inline export const P_MASS_PER_NUCLEON_MEV: i32 = 68;
@inline export const P_MAX_STEP_MM: i32 = 72;
@inline export const P_BEAM_ENERGY_MEV_PER_U: i32 = 76;
@inline export const P_BEAM_ENERGY_SIGMA_MEV_PER_U: i32 = 80;
@inline export const P_BEAM_CENTER_X_MM: i32 = 84;
@inline export const P_BEAM_CENTER_Y_MM: i32 = 88;
@inline export const P_SPOT_SIGMA_X_MM: i32 = 92;
@inline export const P_SPOT_SIGMA_Y_MM: i32 = 96;
@inline export const P_DIVERGENCE_SIGMA_X_RAD: i32 = 100;
@inline export const P_DIVERGENCE_SIGMA_Y_RAD: i32 = 104;
@inline export const P_SEED_LO: i32 = 108;
@inline export const P_SEED_HI: i32 = 112;
@inline export const P_PROBE_Z_INDEX: i32 = 116;
@inline export const P_NUCLEAR: i32 = 120;            // 1: nuclear interactions on (nuclear.ts)
@inline export const P_SCORE_LET: i32 = 124;          // 1: LET scored into the worker's LET tallies (letTally.ts)
@inline export const P_MATERIAL_COUNT: i32 = 128;     // material blocks per species
@inline export const P_BEAM_SPECIES: i32 = 132;       // species index of the beam's particles
@inline export const P_PROTON_SPECIES: i32 = 136;     // species index of secondary protons (nuclear.ts; -1: none)
// Reaction event library of ion species (src/physics/ionNuclear/fragmentLibrary.ts; ionReaction.ts)
@inline export const P_LIBRARY_EVENTS_PTR: i32 = 144;   // events: first product, products, neutral share, local share (f32; the counts as exact integer values)
@inline export const P_LIBRARY_PRODUCTS_PTR: i32 = 148; // products: species, E/A ratio, cos theta, cos phi, sin phi (f32; the species as an exact integer value)
@inline export const P_LIBRARY_TARGETS: i32 = 152;      // target elements K
@inline export const P_LIBRARY_BINS: i32 = 156;         // energy bins B
@inline export const P_LIBRARY_EVENTS_PER_BIN: i32 = 160;
@inline export const P_LIBRARY_LOG_ENERGY_MIN: i32 = 164;    // ln of the first bin's MeV/u (f32)
@inline export const P_LIBRARY_INV_LOG_ENERGY_STEP: i32 = 168; // bins per unit of ln E (f32)
@inline export const P_TABLE_MAX_ENERGY_MEV_PER_U: i32 = 172; // the tables' highest energy: products above it are capped (ionReaction.ts)
@inline export const P_SOURCE_MODE: i32 = 176;         // 0: beam along +z into the z = 0 face; 1: the room's geometry (beamGeometry.ts)
@inline export const P_BEAM_U_X: i32 = 180;            // beam's-eye-view x, unit vector (f32 x3)
@inline export const P_BEAM_U_Y: i32 = 184;
@inline export const P_BEAM_U_Z: i32 = 188;
@inline export const P_BEAM_V_X: i32 = 192;            // beam's-eye-view y
@inline export const P_BEAM_V_Y: i32 = 196;
@inline export const P_BEAM_V_Z: i32 = 200;
@inline export const P_BEAM_DIR_X: i32 = 204;          // beam direction, source to isocentre
@inline export const P_BEAM_DIR_Y: i32 = 208;
@inline export const P_BEAM_DIR_Z: i32 = 212;
@inline export const P_ISOCENTER_X_MM: i32 = 216;      // isocentre, transport frame (mm)
@inline export const P_ISOCENTER_Y_MM: i32 = 220;
@inline export const P_ISOCENTER_Z_MM: i32 = 224;
@inline export const P_SOURCE_AXIS_DISTANCE_X_MM: i32 = 228; // virtual source distances (mm), 0: parallel
@inline export const P_SOURCE_AXIS_DISTANCE_Y_MM: i32 = 232;
@inline export const P_SPOT_COUNT: i32 = 236;          // sourceMode 2: spot records after the parameters
// A plan's spot record (layout.ts: SPOT): the beam's fields as at P_BEAM_ENERGY_MEV_PER_U, the frame
// as at P_BEAM_U_X, then its first history (u32).
@inline export const SPOT_BEAM: i32 = 0;
@inline export const SPOT_FRAME: i32 = 32;
@inline export const SPOT_FIRST_HISTORY: i32 = 88;
@inline export const SPOT_BYTES: i32 = 96;
@inline export const PARAMS_BYTES: i32 = 240;

// ---- material block header (then the tables) ----
@inline export const M_LOG_RANGE_MIN: i32 = 0;
@inline export const M_INV_LOG_RANGE_STEP: i32 = 4;
@inline export const M_Z_OVER_A_MOL_PER_G: i32 = 8;
@inline export const M_RADIATION_LENGTH_G_PER_CM2: i32 = 12;
@inline export const M_CUTOFF_RANGE_G_PER_CM2: i32 = 16;
// elastic targets heavier than H: mass numbers of slots 0-3 (materialTables.ts: elasticTargets)
@inline export const M_ELASTIC_TARGET0_MASS_NUMBER: i32 = 20;
@inline export const M_ELASTIC_TARGET1_MASS_NUMBER: i32 = 24;
@inline export const M_ELASTIC_TARGET2_MASS_NUMBER: i32 = 28;
@inline export const M_ELASTIC_TARGET3_MASS_NUMBER: i32 = 32;
@inline export const M_CHARGE_NUMBER: i32 = 36;       // the block's species: charge number z (f32)
@inline export const M_MASS_NUMBER: i32 = 40;         // mass number A (f32; energies are per nucleon)
@inline export const M_MASS_PER_NUCLEON_MEV: i32 = 44; // rest mass / A (MeV)
// Ion species with reactions (ionReaction.ts): the first library row of the species (reacting
// slot r: r K B; -1: no reactions) and the library target index of each of the material's four
// reaction target slots, chosen by the T_ELASTIC_TARGET*_SHARE columns, which in ion blocks hold
// the cumulative shares of the slots in the reaction coefficient. Exact integer values in f32
// (the WGSL kernel reads the tables as f32: no integer bit patterns, which could be NaN or subnormal).
@inline export const M_LIBRARY_ROW: i32 = 48;
@inline export const M_REACTION_TARGET0: i32 = 52;
@inline export const M_REACTION_TARGET1: i32 = 56;
@inline export const M_REACTION_TARGET2: i32 = 60;
@inline export const M_REACTION_TARGET3: i32 = 64;
@inline export const M_HEADER_BYTES: i32 = 80;
// table k starts at M_HEADER_BYTES + k * tableLength * 4
@inline export const T_RANGE_AT_ENERGY: i32 = 0;
@inline export const T_ENERGY_AT_RANGE: i32 = 1;
@inline export const T_STOPPING_AT_RANGE: i32 = 2;
@inline export const T_RANGE_LOW_AT_RANGE: i32 = 3;
// nuclear (protons; zero otherwise): mu/rho total (cm^2/g), cumulative shares p-p elastic, + nonelastic
@inline export const T_NUCLEAR_AT_RANGE: i32 = 4;
@inline export const T_PROTON_ELASTIC_SHARE_AT_RANGE: i32 = 5;
@inline export const T_NONELASTIC_SHARE_AT_RANGE: i32 = 6;
// cumulative shares of elastic target slots 0-2 among elastic events on heavier nuclei (slot 3: the rest)
@inline export const T_ELASTIC_TARGET0_SHARE_AT_RANGE: i32 = 7;
@inline export const T_ELASTIC_TARGET1_SHARE_AT_RANGE: i32 = 8;
@inline export const T_ELASTIC_TARGET2_SHARE_AT_RANGE: i32 = 9;
// mass electronic stopping power of water (MeV cm^2/g) at this material's E(R): LET in water (letTally.ts)
@inline export const T_WATER_STOPPING_AT_RANGE: i32 = 10;

// ---- worker block ----
@inline export const W_ENERGY_SUM_PTR: i32 = 0;        // i64[nVoxels]
@inline export const W_ENERGY_SQ_PTR: i32 = 4;         // u64[2 * nVoxels] (lo, hi)
@inline export const W_SCRATCH_PTR: i32 = 8;           // i64[nVoxels], zero between histories
@inline export const W_SLAB_SUM_PTR: i32 = 12;         // i64[nz]
@inline export const W_SLAB_SQ_PTR: i32 = 16;          // u64[2 * nz]
@inline export const W_SLAB_SCRATCH_PTR: i32 = 20;     // i64[nz]
@inline export const W_LIST_PTR: i32 = 24;             // LIST_ENTRY_BYTES * listCapacity * LANES
@inline export const W_LIST_CAPACITY: i32 = 28;
@inline export const W_LANES_PTR: i32 = 32;            // lane state, LANE_FIELDS * 16 bytes
@inline export const W_LET_PTR: i32 = 36;              // i64[LET_FIELDS * nVoxels], voxel-major; 0: LET not scored
@inline export const W_LET_LIST_PTR: i32 = 40;         // LET_LIST_ENTRY_BYTES * LET_LIST_CAPACITY * LANES: voxel visits waiting (letTally.ts)
@inline export const W_SLAB_PRIMARIES_PTR: i32 = 44;   // i64[nz]: primaries entering slab iz through its upstream plane (lanes.ts)
@inline export const W_CHARGE_DOSE_PTR: i32 = 48;      // i64[Z * nVoxels]: energy by the depositing particle's charge Z (tally.ts); 0: not scored
@inline export const W_VOXELS: i32 = 52;               // voxels of the grid (u32), for the charge blocks
@inline export const W_CHARGES: i32 = 56;              // charge blocks Z = 1 ... W_CHARGES (0: dose by charge not scored)
// 64-bit counters
@inline export const W_INCIDENT_ENERGY: i32 = 64;
@inline export const W_DEPOSITED_ENERGY: i32 = 72;
@inline export const W_CUTOFF_ENERGY: i32 = 80;
@inline export const W_ESCAPED_ENERGY: i32 = 88;
@inline export const W_STEPS: i32 = 96;
@inline export const W_HISTORIES: i32 = 104;
@inline export const W_STOPPED_COUNT: i32 = 112;
@inline export const W_STOP_DEPTH_SUM: i32 = 120;
@inline export const W_STOP_DEPTH_SUM_SQ: i32 = 128;
@inline export const W_PROBE_COUNT: i32 = 136;
@inline export const W_PROBE_SUM_X: i32 = 144;
@inline export const W_PROBE_SUM_X_SQ: i32 = 152;
@inline export const W_PROBE_SUM_Y: i32 = 160;
@inline export const W_PROBE_SUM_Y_SQ: i32 = 168;
@inline export const W_LIST_OVERFLOWS: i32 = 176;
@inline export const W_ABORTED_HISTORIES: i32 = 184;
@inline export const W_MISSED_HISTORIES: i32 = 192;   // primaries that did not enter the phantom
@inline export const W_NEUTRAL_ENERGY: i32 = 200;      // carried off by neutrons, gammas and binding (nuclear.ts)
@inline export const W_NUCLEAR_EVENTS: i32 = 208;      // elastic and nonelastic, all particles
@inline export const W_PRIMARY_NONELASTIC_EVENTS: i32 = 216;
@inline export const W_SECONDARIES: i32 = 224;         // secondary protons created
@inline export const W_STACK_OVERFLOWS: i32 = 232;     // secondaries deposited locally for want of stack room
@inline export const WORKER_BYTES: i32 = 256;

// ---- deposit list entry: voxel index, depth index, energy (fixed point) ----
@inline export const LIST_ENTRY_BYTES: i32 = 16;

// ---- reaction event library records (bytes) ----
@inline export const LIBRARY_EVENT_BYTES: i32 = 16;
@inline export const LIBRARY_PRODUCT_BYTES: i32 = 20;

// ---- lane state: structure of arrays, 4 lanes x 4 bytes per field ----
@inline export const LANES: i32 = 4;
@inline export const L_X: i32 = 0;
@inline export const L_Y: i32 = 16;
@inline export const L_Z: i32 = 32;
@inline export const L_U: i32 = 48;
@inline export const L_V: i32 = 64;
@inline export const L_W: i32 = 80;
@inline export const L_RANGE: i32 = 96;
@inline export const L_ENERGY: i32 = 112;
@inline export const L_RANGE_LOW: i32 = 128;
@inline export const L_PREV_ENERGY: i32 = 144;
@inline export const L_RAD_LENGTHS: i32 = 160;
@inline export const L_SCATTER_INTEGRAL: i32 = 176;
@inline export const L_THETA2: i32 = 192;
@inline export const L_IX: i32 = 208;
@inline export const L_IY: i32 = 224;
@inline export const L_IZ: i32 = 240;
@inline export const L_MATERIAL: i32 = 256;
@inline export const L_STEP: i32 = 272;
@inline export const L_HISTORY_LO: i32 = 288;
@inline export const L_HISTORY_HI: i32 = 304;
@inline export const L_ALIVE: i32 = 320;
@inline export const L_LIST_LENGTH: i32 = 336;
@inline export const L_LOG_RANGE_MIN: i32 = 352;
@inline export const L_INV_LOG_RANGE_STEP: i32 = 368;
@inline export const L_Z_OVER_A: i32 = 384;
@inline export const L_RADIATION_LENGTH: i32 = 400;
@inline export const L_CUTOFF_RANGE: i32 = 416;
@inline export const L_TABLE_PTR: i32 = 432;
@inline export const L_VOXEL: i32 = 448;          // voxel the last step started in
@inline export const L_OUTCOME: i32 = 464;        // set by a step: 0 alive, 1 stopped, 2 escaped
@inline export const L_ENERGY_OFFSET: i32 = 480;  // E - E(R(E)) where R was derived from E (stepScalar.ts)
@inline export const L_RNG_0: i32 = 496;          // four u32 random words per lane
@inline export const L_RNG_1: i32 = 512;
@inline export const L_RNG_2: i32 = 528;
@inline export const L_RNG_3: i32 = 544;
@inline export const L_CROSSED_PLANE: i32 = 560;    // set by a step: -1 where it crossed a z plane forward (into L_IZ)
@inline export const L_VOXEL_Z: i32 = 576;        // depth index the last step started in
@inline export const L_SCRATCH: i32 = 592;        // 16 bytes per lane for scalar random words
@inline export const L_MFP: i32 = 656;            // nuclear mean free paths left to the next event
@inline export const L_NUCLEAR_MU: i32 = 672;     // nuclear mu/rho (cm^2/g) at the lane's range
@inline export const L_STREAM: i32 = 688;         // Philox word 1 of this particle's steps: 1 + 2 p
@inline export const L_SECONDARIES: i32 = 704;    // secondaries created so far in this history
@inline export const L_STACK_SIZE: i32 = 720;     // entries on this lane's secondary stack
@inline export const L_LET_MEDIUM: i32 = 736;     // LET in the medium of the last step (keV/um; letTally.ts)
@inline export const L_STEP_LENGTH: i32 = 752;    // length of the last step (mm)
@inline export const L_LET_WATER: i32 = 768;      // LET in water of the last step (keV/um)
@inline export const L_RANGE_POSITION: i32 = 784; // table position of L_RANGE (set with it)
@inline export const L_LET_VOXEL: i32 = 800;      // voxel whose LET sums L_LET_SUMS holds (letTally.ts)
@inline export const L_LET_SUMS: i32 = 816;       // LET_FIELDS f64 per lane (lane * 64 + field * 8): the visit's sums
@inline export const L_LET_LIST_LENGTH: i32 = 1072; // entries in this lane's LET list (letTally.ts)
@inline export const L_SPECIES: i32 = 1088;       // species of the lane's particle (its table blocks)
@inline export const L_CHARGE_NUMBER: i32 = 1104; // its charge number, mass number and mass per nucleon (MeV),
@inline export const L_MASS_NUMBER: i32 = 1120;   // copied from its material block's header
@inline export const L_MASS_PER_NUCLEON_MEV: i32 = 1136;
@inline export const L_PRIMARY_EVENTS: i32 = 1152; // nuclear events of the history's primary so far (lanes.ts: range straggling)
@inline export const L_STACK: i32 = 1168;         // STACK_CAPACITY entries of STACK_FIELDS fields
// Measured (100k protons, water with a 40 mm bone slab, overflows per history): capacity 4: 1.6e-3
// at 150 MeV, 5.0e-3 at 230 MeV; 6: 2e-5, 3e-5; 16: none (each 2 entries more cut them ~30-fold).
@inline export const STACK_CAPACITY: i32 = 16;
@inline export const STACK_FIELDS: i32 = 12;      // x y z u v w energy ix iy iz particle species
@inline export const LANE_STATE_BYTES: i32 = 4240;

// ---- fixed-point units of the tallies ----
// Energy: 2^-24 MeV per unit; square of a history's voxel energy: 2^-32 MeV^2 per unit
// (128-bit accumulators); depths: 2^-16 mm; squared depths: 2^-16 mm^2.
@inline export const ENERGY_UNITS_PER_MEV: f64 = 16777216.0;
@inline export const ENERGY_SQ_UNITS_PER_MEV2: f64 = 4294967296.0;
@inline export const LENGTH_UNITS_PER_MM: f64 = 65536.0;

// ---- LET tallies (letTally.ts): LET_FIELDS i64 per voxel, one 64-byte line ----
// Sums over the steps of charged particles in the voxel, L the unrestricted
// electronic LET at the step's mid-range (keV/um), e the energy the step
// deposited (MeV), l its length (mm):
//  0 sum e L_water, 1 sum e L_medium, 2 sum e (energy units),
//  3 sum e L_water and 4 sum e (energy units) of primaries only,
//  5 sum l L_water, 6 sum l L_medium, 7 sum l.
// Units and the bound that keeps them from overflowing: src/engine/letResults.ts.
@inline export const LET_FIELDS: i32 = 8;
// LET list entry: the voxel (i64) and the visit's LET_FIELDS rounded sums; LET_LIST_CAPACITY per lane.
@inline export const LET_LIST_ENTRY_BYTES: i32 = 72;
@inline export const LET_LIST_CAPACITY: i32 = 256;
@inline export const LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM: f64 = 65536.0;
@inline export const LET_LENGTH_UNITS_PER_MM: f64 = 4096.0;
@inline export const LET_LENGTH_UNITS_PER_MM_KEV_PER_UM: f64 = 4096.0;
