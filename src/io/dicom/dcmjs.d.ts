/** The parts of dcmjs (https://github.com/dcmjs-org/dcmjs, MIT) that bragg-engine uses; the package ships no types. */
declare module 'dcmjs' {
  /** A dataset in dcmjs's "naturalized" form: keywords as keys (PixelData: one ArrayBuffer per frame). */
  export type NaturalDataset = Record<string, unknown>;
  interface DicomFile { readonly dict: Record<string, unknown>; readonly meta: Record<string, { readonly Value?: readonly unknown[] }> }
  const dcmjs: {
    readonly data: {
      readonly DicomMessage: { readFile(buffer: ArrayBuffer, options?: { readonly untilTag?: string; readonly includeUntilTagValue?: boolean }): DicomFile };
      readonly DicomMetaDictionary: {
        naturalizeDataset(dict: Record<string, unknown>): NaturalDataset;
        uid(): string;
      };
      datasetToBuffer(dataset: NaturalDataset): Uint8Array;
    };
  };
  export default dcmjs;
}
