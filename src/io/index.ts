export * from './npy.js';
export * from './metaImage.js';
export * from './atomicOutputs.js';
export * from './outputFolder.js';
export * from './depthDoseCsv.js';
export * from './depthDoseSvg.js';
export * from './depthDoseOverlaySvg.js';
export * from './runOutputs.js';
