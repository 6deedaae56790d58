/**
 * Node-only parts of the API (`import { writeRunOutputs } from 'bragg-engine/node'`):
 * they use the file system, so the browser bundle, built from src/index.ts,
 * leaves them out.
 */
export { writeRunOutputs, runOutputFiles, summaryDocument, geometryLabel } from './io/runOutputs.js';
export { openOutputFolder, verifyOutputFolder, MANIFEST_NAME } from './io/outputFolder.js';
export type { OutputFile, OutputFolder, OutputFolderOptions, OutputManifest, PublishStep } from './io/outputFolder.js';
export { writeFileAtomically } from './io/atomicOutputs.js';
export { readMetaImage, parseMetaImageHeader, decodeMetaImageVoxels, encodeMetaImage, encodeMetaImageSingleFile, META_IMAGE_MAX_BYTES } from './io/metaImage.js';
export type { MetaImage, MetaImageHeader, MetaElementType, MetaVoxels } from './io/metaImage.js';
export { readNrrd, parseNrrdHeader, encodeNrrd } from './io/nrrd.js';
export { loadPhantom } from './geometry/loadPhantom.js';
export { readDicomCtFolder } from './io/dicom/ctFolder.js';
export type { CtSeries, CtSeriesIdentifiers } from './io/dicom/ctSeries.js';
export { readPlanFile } from './io/planFile.js';
export { rtIonPlanFromBytes } from './io/dicom/rtIonPlan.js';
export type { RtIonPlan } from './io/dicom/rtIonPlan.js';
export { encodeRtDose } from './io/dicom/rtDose.js';
export { rtStructFromBytes } from './io/dicom/rtStruct.js';
export type { StructureSet, RegionOfInterest, PlanarContour } from './io/dicom/rtStruct.js';
export { dvhOutputs } from './io/dvhFiles.js';
export type { RunOutputOptions } from './io/runOutputs.js';
