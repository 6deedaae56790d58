import dcmjs from 'dcmjs';

/** Squares [x0, x1] x [y0, y1] (mm) on z planes, as ContourData. */
export function square(x0: number, x1: number, y0: number, y1: number, z: number): number[] {
  return [x0, y0, z, x1, y0, z, x1, y1, z, x0, y1, z];
}

/** An RT Structure Set with the given ROIs (name, CLOSED_PLANAR contours), as a planning system writes it. */
export function rtStructFile(rois: readonly { name: string; contours: number[][] }[], frame = '1.2.826.0.1.3680043.9.7777.4', extra: Record<string, unknown> = {}): Uint8Array {
  const dataset = {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.481.3', SOPInstanceUID: '1.2.826.0.1.3680043.9.7777.20', Modality: 'RTSTRUCT',
    StudyInstanceUID: '1.2.826.0.1.3680043.9.7777.2', SeriesInstanceUID: '1.2.826.0.1.3680043.9.7777.21', PatientID: 'BRAGG-TEST',
    StructureSetLabel: 'TEST',
    StructureSetROISequence: rois.map((r, k) => ({ ROINumber: k + 1, ReferencedFrameOfReferenceUID: frame, ROIName: r.name, ROIGenerationAlgorithm: 'MANUAL' })),
    ROIContourSequence: rois.map((r, k) => ({
      ReferencedROINumber: k + 1, ROIDisplayColor: [255, 0, 0],
      ContourSequence: r.contours.map((data) => ({ ContourGeometricType: 'CLOSED_PLANAR', NumberOfContourPoints: data.length / 3, ContourData: data })),
    })),
    ...extra,
    _meta: { TransferSyntaxUID: { Value: ['1.2.840.10008.1.2.1'], vr: 'UI' } },
  };
  return new Uint8Array(dcmjs.data.datasetToBuffer(dataset));
}
