import { BraggInputError } from '../errors.js';

/** Parses a command-line number, naming the option when it is not one. */
export function parseNumberOption(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new BraggInputError(`${option} must be a number, got '${text}'`);
  return value;
}
