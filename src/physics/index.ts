export * from './ions.js';
export * from './elements.js';
export * from './materials.js';
export * from './stoppingPower.js';
export * from './rangeTables.js';
export * from './nuclear/index.js';
export * from './ionNuclear/index.js';
