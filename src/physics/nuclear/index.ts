export * from './crossSectionTable.js';
export * from './icru63/index.js';
export * from './protonProtonElastic.js';
export * from './elementScaling.js';
export * from './elementCrossSections.js';
export * from './macroscopicCrossSections.js';
export * from './kernelGrids.js';
export * from './csdaInteractionProbability.js';
