/**
 * Reads a folder of DICOM files (Node and Deno) and returns its CT series (ctSeries.ts). Regular
 * files directly in the folder are read, each at most MAX_DICOM_FILE_BYTES (checked before reading);
 * files without the DICOM 'DICM' marker (notes, archives, thumbnails) are passed over after reading
 * their first 132 bytes; at most MAX_DICOM_FILES files and MAX_DICOM_FOLDER_BYTES of DICOM.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BraggInputError } from '../../errors.js';
import { readStart, readWhole, regularFileBytes } from '../metaImage.js';
import { ctSeriesFromFiles, isDicomFile, type CtSeries } from './ctSeries.js';

/** A CT slice of 1024 x 1024 16-bit pixels is 2 MiB: a file beyond this is not a slice. */
export const MAX_DICOM_FILE_BYTES = 256 * 2 ** 20;
/** A 1024 x 1024 x 2000 series of shorts is 4 GiB; beyond it the grid exceeds the engine's voxels anyway. */
export const MAX_DICOM_FOLDER_BYTES = 4 * 2 ** 30;
export const MAX_DICOM_FILES = 20_000;

export async function readDicomCtFolder(folder: string): Promise<CtSeries> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new BraggInputError(`${folder}: cannot list the DICOM folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const candidates = entries.filter((e) => e.isFile()).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (candidates.length > MAX_DICOM_FILES) throw new BraggInputError(`${folder}: ${candidates.length} files, more than a CT series holds (at most ${MAX_DICOM_FILES})`);
  const files: { name: string; bytes: Uint8Array }[] = [];
  let total = 0;
  for (const entry of candidates) {
    const path = join(folder, entry.name);
    const size = await regularFileBytes(path, entry.name, 'the DICOM file');
    // Only DICOM files are read whole: the 'DICM' marker first (other files are passed over, whatever their size).
    if (!isDicomFile(await readStart(path, Math.min(size, 132)))) continue;
    if (size > MAX_DICOM_FILE_BYTES) throw new BraggInputError(`${entry.name}: ${size} bytes, more than a CT slice (at most ${MAX_DICOM_FILE_BYTES})`);
    total += size;
    if (total > MAX_DICOM_FOLDER_BYTES) throw new BraggInputError(`${folder}: its DICOM files hold more than ${MAX_DICOM_FOLDER_BYTES / 2 ** 30} GiB, more than a CT series`);
    files.push({ name: entry.name, bytes: await readWhole(path, entry.name, size) });
  }
  return ctSeriesFromFiles(files, folder);
}
