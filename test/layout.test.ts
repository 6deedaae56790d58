import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  PARAMS, PARAMS_BYTES, MATERIAL_HEADER, MATERIAL_HEADER_BYTES, WORKER_POINTERS, WORKER_COUNTERS,
  WORKER_BYTES, LANE_STATE_BYTES, LANES, LIST_ENTRY_BYTES, STACK_CAPACITY, STACK_FIELDS, MATERIAL_TABLES, ENERGY_UNITS_PER_MEV, ENERGY_SQ_UNITS_PER_MEV2,
  LENGTH_UNITS_PER_MM, LET_FIELDS, LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM, LET_LENGTH_UNITS_PER_MM, LET_LENGTH_UNITS_PER_MM_KEV_PER_UM,
  LET_LIST_CAPACITY, LET_LIST_ENTRY_BYTES, LIBRARY_EVENT_BYTES, LIBRARY_PRODUCT_BYTES, SPOT, SPOT_BYTES,
} from '../src/engine/layout.js';

// assembly/layout.ts and src/engine/layout.ts describe the same memory: hold them to each other.
const source = readFileSync(new URL('../assembly/layout.ts', import.meta.url), 'utf8');
const constants = new Map<string, number>();
for (const match of source.matchAll(/export const (\w+): \w+ = ([\d.]+);/g)) constants.set(match[1]!, Number(match[2]));

const snake = (name: string) => name.replace(/MeV/g, 'Mev').replace(/([A-Z])/g, '_$1').toUpperCase();

describe('shared-memory layout', () => {
  it('run parameters agree field by field', () => {
    for (const [name, [offset]] of Object.entries(PARAMS)) {
      expect(constants.get(`P_${snake(name)}`), name).toBe(offset);
    }
    expect(constants.get('PARAMS_BYTES')).toBe(PARAMS_BYTES);
    const last = Math.max(...Object.values(PARAMS).map(([o]) => o));
    expect(last + 4).toBeLessThanOrEqual(PARAMS_BYTES);
  });

  it('a spot record mirrors the beam\'s parameters and frame, in both descriptions', () => {
    for (const [name, offset] of Object.entries(SPOT)) expect(constants.get(`SPOT_${snake(name)}`), name).toBe(offset);
    expect(constants.get('SPOT_BYTES')).toBe(SPOT_BYTES);
    // the beam fields beamEnergyMeVPerU ... divergenceSigmaYRad, then beamUX ... sourceAxisDistanceYMm, in the params' order
    expect(PARAMS.divergenceSigmaYRad[0] - PARAMS.beamEnergyMeVPerU[0]).toBe(28);
    expect(SPOT.frame - SPOT.beam).toBeGreaterThanOrEqual(32);
    expect(PARAMS.sourceAxisDistanceYMm[0] - PARAMS.beamUX[0]).toBe(52);
    expect(SPOT.firstHistory).toBeGreaterThanOrEqual(SPOT.frame + 56);
    expect(SPOT.firstHistory + 4).toBeLessThanOrEqual(SPOT_BYTES);
  });

  it('material header, worker block and lane state agree', () => {
    for (const [name, offset] of Object.entries(MATERIAL_HEADER)) expect(constants.get(`M_${snake(name)}`), name).toBe(offset);
    expect(constants.get('M_HEADER_BYTES')).toBe(MATERIAL_HEADER_BYTES);
    for (const [name, offset] of Object.entries(WORKER_POINTERS)) expect(constants.get(`W_${snake(name)}`), name).toBe(offset);
    for (const [name, offset] of Object.entries(WORKER_COUNTERS)) expect(constants.get(`W_${snake(name)}`), name).toBe(offset);
    expect(constants.get('WORKER_BYTES')).toBe(WORKER_BYTES);
    expect(constants.get('LANE_STATE_BYTES')).toBe(LANE_STATE_BYTES);
    expect(constants.get('LANES')).toBe(LANES);
    expect(constants.get('LIST_ENTRY_BYTES')).toBe(LIST_ENTRY_BYTES);
    expect(constants.get('ENERGY_UNITS_PER_MEV')).toBe(ENERGY_UNITS_PER_MEV);
    expect(constants.get('ENERGY_SQ_UNITS_PER_MEV2')).toBe(ENERGY_SQ_UNITS_PER_MEV2);
    expect(constants.get('LENGTH_UNITS_PER_MM')).toBe(LENGTH_UNITS_PER_MM);
    expect(constants.get('LET_FIELDS')).toBe(LET_FIELDS.length);
    expect(constants.get('LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM')).toBe(LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM);
    expect(constants.get('LET_LENGTH_UNITS_PER_MM')).toBe(LET_LENGTH_UNITS_PER_MM);
    expect(constants.get('LET_LENGTH_UNITS_PER_MM_KEV_PER_UM')).toBe(LET_LENGTH_UNITS_PER_MM_KEV_PER_UM);
    expect(constants.get('LET_LIST_CAPACITY')).toBe(LET_LIST_CAPACITY);
    expect(constants.get('LET_LIST_ENTRY_BYTES')).toBe(LET_LIST_ENTRY_BYTES);
    expect(LET_LIST_ENTRY_BYTES).toBe(8 + 8 * LET_FIELDS.length);
    expect(constants.get('LIBRARY_EVENT_BYTES')).toBe(LIBRARY_EVENT_BYTES);
    expect(constants.get('LIBRARY_PRODUCT_BYTES')).toBe(LIBRARY_PRODUCT_BYTES);
  });

  it('lane fields are 16-byte slots that fit in the lane state', () => {
    const lanes = [...constants].filter(([k]) => k.startsWith('L_')).map(([, v]) => v).sort((a, b) => a - b);
    expect(new Set(lanes).size).toBe(lanes.length);
    for (const offset of lanes) expect(offset % 16).toBe(0);
    expect(lanes.at(-1)! + 64).toBeLessThanOrEqual(LANE_STATE_BYTES);
    // the secondary stack is the last field and fills the lane state
    expect(constants.get('STACK_CAPACITY')).toBe(STACK_CAPACITY);
    expect(constants.get('STACK_FIELDS')).toBe(STACK_FIELDS);
    expect(lanes.at(-1)).toBe(constants.get('L_STACK'));
    expect(constants.get('L_STACK')! + STACK_CAPACITY * STACK_FIELDS * 16).toBe(LANE_STATE_BYTES);
  });

  it('material tables are in the same order', () => {
    MATERIAL_TABLES.forEach((name, k) => expect(constants.get(`T_${snake(name)}`), name).toBe(k));
  });
});
