/**
 * `bragg example --out DIR`: the synthetic patient of the README's worked example
 * (src/io/dicom/exampleCase.ts) as one folder, published at once: CT slices, rs.dcm, plan.json.
 */
import { openOutputFolder } from '../io/index.js';
import { exampleCtSlices, examplePlan, exampleStructures } from '../io/dicom/exampleCase.js';

export async function exampleCommand(options: { out: string }): Promise<void> {
  const folder = await openOutputFolder(options.out);
  try {
    await folder.publish([
      ...exampleCtSlices().map(({ name, bytes }) => ({ name, contents: bytes })),
      { name: 'rs.dcm', contents: exampleStructures() },
      { name: 'plan.json', contents: JSON.stringify(examplePlan(), null, 2) + '\n' },
    ]);
  } catch (error) {
    await folder.abandon();
    throw error;
  }
  process.stdout.write(`example patient in ${options.out}/: 60 CT slices (128 x 128, 2 mm), rs.dcm (Body, Target, Rod), plan.json (2 fields)\n`
    + `  bragg run --ct ${options.out} --structures ${options.out}/rs.dcm --plan ${options.out}/plan.json --histories 200000 --out ${options.out}-dose\n`);
}
