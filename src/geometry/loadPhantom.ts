/**
 * Reads the files a config's phantom names (Node and Deno: the file system): phantom.ct's CT
 * (a DICOM series folder, MetaImage or NRRD) and its HU calibration, into phantom.voxels (ctPhantom.ts). Relative paths
 * are taken from `baseDir` (the config file's folder; default the working directory).
 */
import { resolve } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import { BraggInputError } from '../errors.js';
import { stat } from 'node:fs/promises';
import { readMetaImage, readWhole, regularFileBytes, type MetaImage } from '../io/metaImage.js';
import { readDicomCtFolder } from '../io/dicom/ctFolder.js';
import type { CtSeriesIdentifiers } from '../io/dicom/ctSeries.js';
import { readNrrd } from '../io/nrrd.js';
import { ctPhantom } from './ctPhantom.js';
import { MCSQUARE_DEFAULT_CALIBRATION, mcsquareCalibration, parseCalibrationCsv, type HuCalibration } from './huCalibration.js';

/** Calibration files are tables of a few dozen lines: anything past this is not one. */
const MAX_CALIBRATION_BYTES = 1 << 20;

async function readText(path: string, field: string): Promise<string> {
  const bytes = await regularFileBytes(path, field, 'the file');
  if (bytes > MAX_CALIBRATION_BYTES) throw new BraggInputError(`${field}: ${path} holds ${bytes} bytes, more than a calibration table (at most ${MAX_CALIBRATION_BYTES})`);
  return new TextDecoder().decode(await readWhole(path, field, bytes));
}

async function calibrationFor(source: NonNullable<ResolvedConfig['phantom']['ct']>['calibration'], baseDir: string): Promise<HuCalibration> {
  if (!source) return MCSQUARE_DEFAULT_CALIBRATION;
  if ('csvFile' in source) return parseCalibrationCsv(await readText(resolve(baseDir, source.csvFile), 'phantom.ct.calibration.csvFile'), source.csvFile);
  return mcsquareCalibration(
    await readText(resolve(baseDir, source.densityFile), 'phantom.ct.calibration.densityFile'),
    await readText(resolve(baseDir, source.materialFile), 'phantom.ct.calibration.materialFile'),
  );
}

/** A DICOM folder's CT series (with its identifiers), or a MetaImage or NRRD file, by what the path is. */
async function readCtImage(path: string, named: string): Promise<{ readonly image: MetaImage; readonly identifiers?: CtSeriesIdentifiers }> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new BraggInputError(`phantom.ct.file: ${named} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}: ${path})`);
  }
  if (info.isDirectory()) return readDicomCtFolder(path);
  if (/\.(nrrd|nhdr)$/i.test(path)) return { image: await readNrrd(path) };
  if (/\.(mhd|mha)$/i.test(path)) return { image: await readMetaImage(path) };
  throw new BraggInputError(`phantom.ct.file: ${named} must be a folder of DICOM CT slices or a .mhd, .mha, .nrrd or .nhdr file`);
}

/** The config with phantom.voxels read from phantom.ct (unchanged without a CT, or when already loaded). */
export async function loadPhantom(config: ResolvedConfig, options: { readonly baseDir?: string } = {}): Promise<ResolvedConfig> {
  const { ct } = config.phantom;
  if (!ct || config.phantom.voxels) return config;
  const baseDir = options.baseDir ?? process.cwd();
  const path = resolve(baseDir, ct.file);
  const { image, identifiers } = await readCtImage(path, ct.file);
  const calibration = await calibrationFor(ct.calibration, baseDir);
  return { ...config, phantom: { ...config.phantom, voxels: ctPhantom(image, calibration, ct.file, identifiers) } };
}
