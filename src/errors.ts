/**
 * An error caused by what the user asked for (bad config, unknown particle or
 * material, an energy outside the tables). The CLI prints its message as one
 * line and exits with code 2; the library throws it before doing any work.
 */
export class BraggInputError extends Error {
  override readonly name = 'BraggInputError';
}
