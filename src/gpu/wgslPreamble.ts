/**
 * WGSL constants generated from the TypeScript layout schema and kernel
 * constants, prepended to shaders/transport.wgsl: the shader reads the same
 * parameter block and material tables as the WASM kernel, by the same offsets.
 */
import {
  PARAMS, PARAMS_BYTES, SPOT, SPOT_BYTES, MATERIAL_HEADER, MATERIAL_HEADER_BYTES, MATERIAL_TABLES, ENERGY_UNITS_PER_MEV, LENGTH_UNITS_PER_MM, STACK_CAPACITY,
  LET_FIELDS, LIBRARY_EVENT_BYTES, LIBRARY_PRODUCT_BYTES, LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM, LET_LENGTH_UNITS_PER_MM, LET_LENGTH_UNITS_PER_MM_KEV_PER_UM,
} from '../engine/layout.js';
import { KERNEL_CONSTANTS, MAX_STEPS_PER_HISTORY } from '../engine/kernelConstants.js';

/** Names as the kernels spell them: voxelXMm -> VOXEL_X_MM, massPerNucleonMeV -> MASS_PER_NUCLEON_MEV. */
export function constantName(name: string): string {
  return name.replace(/MeV/g, 'Mev').replace(/([A-Z])/g, '_$1').toUpperCase();
}

/** Indices of the GPU counters buffer: 64-bit pairs (k: words 2k, 2k+1), then single u32 words. */
export const GPU_COUNTER_PAIRS = ['INCIDENT_ENERGY', 'CUTOFF_ENERGY', 'ESCAPED_ENERGY', 'STOP_DEPTH_SUM', 'STOP_DEPTH_SUM_SQ', 'STEPS',
  'PROBE_SUM_X', 'PROBE_SUM_X_SQ', 'PROBE_SUM_Y', 'PROBE_SUM_Y_SQ', 'NEUTRAL_ENERGY'] as const;
export const GPU_COUNTER_WORDS = ['HISTORIES', 'STOPPED', 'MISSED_HISTORIES', 'ABORTED_HISTORIES', 'PROBE_COUNT',
  'NUCLEAR_EVENTS', 'PRIMARY_NONELASTIC_EVENTS', 'SECONDARIES', 'STACK_OVERFLOWS'] as const;
export const GPU_COUNTER_BYTES = (2 * GPU_COUNTER_PAIRS.length + GPU_COUNTER_WORDS.length) * 4;

const f32 = (v: number) => (Math.abs(v) >= 1e21 || (v !== 0 && Math.abs(v) < 1e-6) ? v.toExponential() : Number.isInteger(v) ? v.toFixed(1) : String(v));

export function wgslPreamble(workgroupSize: number): string {
  const lines: string[] = [];
  for (const [name, [offset]] of Object.entries(PARAMS)) lines.push(`const P_${constantName(name)}: u32 = ${offset / 4}u;`);
  // a plan's spot records follow the parameters in the params buffer (layout.ts: SPOT), in words
  lines.push(`const PARAMS_WORDS: u32 = ${PARAMS_BYTES / 4}u;`, `const SPOT_WORDS: u32 = ${SPOT_BYTES / 4}u;`);
  for (const [name, offset] of Object.entries(SPOT)) lines.push(`const SPOT_${constantName(name)}: u32 = ${offset / 4}u;`);
  for (const [name, offset] of Object.entries(MATERIAL_HEADER)) lines.push(`const M_${constantName(name)}: u32 = ${offset / 4}u;`);
  lines.push(`const M_HEADER_FLOATS: u32 = ${MATERIAL_HEADER_BYTES / 4}u;`);
  MATERIAL_TABLES.forEach((name, k) => lines.push(`const T_${constantName(name)}: u32 = ${k}u;`));
  for (const [name, value] of Object.entries(KERNEL_CONSTANTS)) lines.push(`const ${name}: f32 = ${f32(value)};`);
  lines.push(`const MAX_STEPS_PER_HISTORY: u32 = ${MAX_STEPS_PER_HISTORY}u;`);
  lines.push(`const STACK_CAPACITY: u32 = ${STACK_CAPACITY}u;`);
  lines.push(`const ENERGY_UNITS_PER_MEV: f32 = ${f32(ENERGY_UNITS_PER_MEV)};`);
  lines.push(`const LENGTH_UNITS_PER_MM: f32 = ${f32(LENGTH_UNITS_PER_MM)};`);
  lines.push(`const LET_FIELDS: u32 = ${LET_FIELDS.length}u;`);
  lines.push(`const LIBRARY_EVENT_BYTES: u32 = ${LIBRARY_EVENT_BYTES}u;`);
  lines.push(`const LIBRARY_PRODUCT_BYTES: u32 = ${LIBRARY_PRODUCT_BYTES}u;`);
  lines.push(`const LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM: f32 = ${f32(LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM)};`);
  lines.push(`const LET_LENGTH_UNITS_PER_MM: f32 = ${f32(LET_LENGTH_UNITS_PER_MM)};`);
  lines.push(`const LET_LENGTH_UNITS_PER_MM_KEV_PER_UM: f32 = ${f32(LET_LENGTH_UNITS_PER_MM_KEV_PER_UM)};`);
  GPU_COUNTER_PAIRS.forEach((name, k) => lines.push(`const C_${name}: u32 = ${k}u;`));
  GPU_COUNTER_WORDS.forEach((name, k) => lines.push(`const C_${name}: u32 = ${2 * GPU_COUNTER_PAIRS.length + k}u;`));
  lines.push(`const COUNTER_PAIRS: u32 = ${GPU_COUNTER_PAIRS.length}u;`);
  lines.push(`const COUNTER_WORDS: u32 = ${GPU_COUNTER_BYTES / 4}u;`);
  lines.push(`const WORKGROUP_SIZE: u32 = ${workgroupSize}u;`);
  return lines.join('\n') + '\n';
}
