/**
 * Reads a folder of DICOM files (Node and Deno) and returns its CT series (ctSeries.ts). Regular
 * files directly in the folder are read, each at most MAX_DICOM_FILE_BYTES (checked before reading);
 * files without the DICOM 'DICM' marker (DICOMDIR aside, notes, thumbnails) are passed over.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BraggInputError } from '../../errors.js';
import { readWhole, regularFileBytes } from '../metaImage.js';
import { ctSeriesFromFiles, type CtSeries } from './ctSeries.js';

/** A CT slice of 1024 x 1024 16-bit pixels is 2 MiB: a file beyond this is not a slice. */
export const MAX_DICOM_FILE_BYTES = 256 * 2 ** 20;

export async function readDicomCtFolder(folder: string): Promise<CtSeries> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new BraggInputError(`${folder}: cannot list the DICOM folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const entry of entries.filter((e) => e.isFile()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(folder, entry.name);
    const size = await regularFileBytes(path, entry.name, 'the DICOM file');
    if (size > MAX_DICOM_FILE_BYTES) throw new BraggInputError(`${entry.name}: ${size} bytes, more than a CT slice (at most ${MAX_DICOM_FILE_BYTES})`);
    files.push({ name: entry.name, bytes: await readWhole(path, entry.name, size) });
  }
  return ctSeriesFromFiles(files, folder);
}
