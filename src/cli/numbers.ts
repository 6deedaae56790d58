import { BraggInputError } from '../errors.js';

/** Parses a command-line number, naming the option when it is not one. */
export function parseNumberOption(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  // plain decimal notation only (Number() would also take '0x10' or '')
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) throw new BraggInputError(`${option} must be a number, got '${text}'`);
  return Number(text);
}
