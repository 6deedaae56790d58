#!/usr/bin/env node
/**
 * The `bragg` command line. Bad input prints one line on stderr and exits
 * with code 2; nothing is written unless the run completes.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runCommand } from './runCommand.js';
import { sobpCommand } from './sobpCommand.js';
import { exampleCommand } from './exampleCommand.js';
import { rangeCommand } from './rangeCommand.js';
import { compareCommand, DEFAULT_OVERLAY_PATH } from './compareCommand.js';
import { BraggInputError } from '../errors.js';
import { ENGINE_VERSION } from '../version.js';

/** Exit code for bad input (usage, config, physics range). */
export const EXIT_BAD_INPUT = 2;

/** One line on stderr (commander's multi-line messages, e.g. its "Did you mean" hint, joined), exit code 2. */
function fail(message: string): never {
  process.stderr.write(`bragg: ${message.split('\n').map((line) => line.trim()).filter(Boolean).join(' ')}\n`);
  process.exit(EXIT_BAD_INPUT);
}

/**
 * An option's value must not be another option: `--energy --seed 3` would
 * otherwise take '--seed' as the energy and complain about '3'.
 */
function refuseOptionAsValue(command: Command): void {
  for (const option of command.options) {
    if (!option.required || option.parseArg) continue;
    option.argParser((value: string) => {
      if (/^--?[a-zA-Z]/.test(value)) throw new InvalidArgumentError(`expected a value, got the option ${value}`);
      return value;
    });
  }
}

const program = new Command('bragg')
  .description('Proton and ion-beam dose engine (condensed-history Monte Carlo in WebAssembly)')
  .version(ENGINE_VERSION, '-V, --version', 'print the version')
  .exitOverride()
  .configureOutput({
    // help goes to stdout as usual; commander's own error text is replaced by our one line
    writeErr: (text) => { if (!text.startsWith('error:')) process.stderr.write(text); },
    outputError: () => undefined,
  });

program.command('run')
  .description('run a simulation (Monte Carlo, or --solver deterministic) and write summary.json, depth_dose.csv/.svg, dose.npy, uncertainty.npy, let_d.npy, let_t.npy')
  .option('--config <file>', 'JSON config file (see README)')
  .addOption(new Option('--particle <name>', 'beam particle').choices(['proton', 'helium', 'carbon', 'oxygen']))
  .option('--energy <MeVPerU>', 'beam energy per nucleon (MeV/u)')
  .option('--histories <n>', 'number of primary histories')
  .option('--seed <s>', 'random seed (non-negative integer)')
  .addOption(new Option('--kernel <variant>', 'WebAssembly kernel').choices(['simd', 'scalar']))
  .option('--threads <n>', 'worker threads (default: all cores)')
  .addOption(new Option('--backend <name>', 'where to transport: WebAssembly threads, WebGPU, or auto').choices(['auto', 'wasm', 'webgpu']).default('wasm'))
  .addOption(new Option('--solver <name>', 'Monte Carlo, or the deterministic phase-space solver (2-D, dose integrated over y)').choices(['montecarlo', 'deterministic']))
  .option('--ct <file>', 'CT as the phantom: MetaImage (.mhd, .mha) or NRRD (.nrrd, .nhdr) in HU (phantom.ct.file; the beam runs along +z)')
  .option('--plan <file>', 'treatment plan: a DICOM RT Ion Plan, or JSON { "fields": [ { "gantryAngleDeg", "layers": [ { "energyMeVPerU", "spots": [[x, y, particles], ...] } ] } ] } (see README)')
  .option('--beam-model <file>', 'beam model of --plan\'s RT Ion Plan: JSON (see README; default: the generic proton model, not a real machine)')
  .option('--structures <file>', 'DICOM RT Structure Set: writes dvh.csv, dvh.svg and DVH metrics in summary.json (Monte Carlo)')
  .option('--hu-calibration <csv>', 'HU calibration of --ct: CSV of hu,density_g_per_cm3,material (default: MCsquare\'s generic one)')
  .option('--no-nuclear', 'leave out nuclear interactions of protons (transport.nuclear false; on by default for protons)')
  .option('--no-let', 'do not score LET (scoring.let false; let_d.npy and let_t.npy are then not written)')
  .option('--memory-limit <MiB>', 'refuse runs needing more shared memory (default: half the free memory)')
  .option('--out <dir>', 'output directory', 'out')
  .option('--json', 'print the summary as JSON')
  .action(runCommand);

program.command('range')
  .description('print stopping power and CSDA range of an ion in a material')
  .requiredOption('--particle <name>', 'proton, helium, carbon or oxygen')
  .requiredOption('--energy <MeVPerU>', 'energy per nucleon (MeV/u)')
  .requiredOption('--material <id>', 'material id, e.g. water, pmma, compact-bone')
  .option('--json', 'print one JSON object')
  .action(rangeCommand);

program.command('example')
  .description('write a synthetic patient for the worked example: a DICOM CT series, an RT Structure Set and a JSON plan')
  .option('--out <dir>', 'folder to write (published at once)', 'example')
  .action(exampleCommand);

program.command('sobp')
  .description('build a spread-out Bragg peak plan over a depth range of water (pristine peaks weighted by non-negative least squares) for `bragg run --plan`')
  .requiredOption('--from <mm>', 'proximal target depth (mm)')
  .requiredOption('--to <mm>', 'distal target depth (mm)')
  .addOption(new Option('--particle <name>', 'beam particle').choices(['proton', 'helium', 'carbon', 'oxygen']))
  .option('--spacing <mm>', 'range step between pristine peaks (mm, default 2)')
  .option('--histories <n>', 'histories per pristine peak (default 20000)')
  .option('--out <file>', 'plan file to write', 'sobp-plan.json')
  .option('--json', 'print one JSON object')
  .action(sobpCommand);

program.command('compare')
  .description('compare two output folders of `bragg run` (dose integrated over y): 2-D gamma, R80, depth-dose overlay plot')
  .argument('<dirA>', 'reference output folder')
  .argument('<dirB>', 'evaluated output folder')
  .option('--threshold <fraction>', 'gamma is evaluated where the reference dose is at least this fraction of its maximum', '0.1')
  .option('--out <svgPath>', 'SVG overlay plot of the two depth-doses', DEFAULT_OVERLAY_PATH)
  .option('--json', 'print one JSON object')
  .action(compareCommand);

for (const command of program.commands) refuseOptionAsValue(command);

if (process.argv.length <= 2) {
  process.stderr.write(program.helpInformation());
  process.exit(EXIT_BAD_INPUT);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) process.exit(0); // --help, --version
    fail(error.message.replace(/^error: /, ''));
  }
  if (error instanceof BraggInputError) fail(error.message);
  // Anything else is our bug: one line, exit 1; BRAGG_DEBUG=1 shows the stack.
  if (process.env.BRAGG_DEBUG) throw error;
  process.stderr.write(`bragg: internal error: ${(error as Error)?.message ?? String(error)} (set BRAGG_DEBUG=1 for details)\n`);
  process.exit(1);
}
