export { simulate } from './simulate.js';
export type { SimulationResult, SimulationSummary, SimulateOptions, DepthDose } from './simulate.js';
export { parseConfig, configSchema } from './config/schema.js';
export type { SimulationConfig, ResolvedConfig } from './config/schema.js';
export { BraggInputError } from './errors.js';
export { stoppingPower, csdaRange, getMaterial, getIon, MATERIAL_IDS, ION_IDS } from './physics/index.js';
export type { Material, MaterialId, Ion, IonId } from './physics/index.js';
export type { EnergyBookkeeping, LateralProbe } from './engine/doseResults.js';
export type { DeterministicResult, DeterministicSummary } from './deterministic/deterministicResults.js';
