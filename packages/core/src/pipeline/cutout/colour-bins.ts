/**
 * The colour histograms of the cut-out's colour decisions (the people split's colour line, the
 * vote on a lost shoulder): 4 bits per channel, 4096 bins, fine enough to tell blond hair from a
 * brown jumper, coarse enough to learn from a few hundred pixels.
 */
const BITS = 4;
export const COLOUR_BINS = 1 << (3 * BITS);
/** The levels of each channel in a bin's colour. */
export const COLOUR_BIN_STEPS = 1 << BITS;

/** The bin of a colour given as its channels' steps (each 0 .. COLOUR_BIN_STEPS - 1). */
export const colourBinOfSteps = (r: number, g: number, b: number): number => (r << (2 * BITS)) | (g << BITS) | b;

/** A bin's red, green and blue steps. */
export const stepsOfColourBin = (bin: number): [number, number, number] => [bin >> (2 * BITS), (bin >> BITS) & (COLOUR_BIN_STEPS - 1), bin & (COLOUR_BIN_STEPS - 1)];

/** The bin of RGBA pixel `i` of `data`. */
export const colourBinOf = (data: Uint8ClampedArray, i: number): number =>
  ((data[i * 4] >> (8 - BITS)) << (2 * BITS)) | ((data[i * 4 + 1] >> (8 - BITS)) << BITS) | (data[i * 4 + 2] >> (8 - BITS));
