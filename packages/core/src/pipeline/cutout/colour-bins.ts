/**
 * The colour histograms of the cut-out's colour decisions (the people split's colour line, the
 * vote on a lost shoulder): 4 bits per channel, 4096 bins, fine enough to tell blond hair from a
 * brown jumper, coarse enough to learn from a few hundred pixels.
 */
const BITS = 4;
export const COLOUR_BINS = 1 << (3 * BITS);

/** The bin of RGBA pixel `i` of `data`. */
export const colourBinOf = (data: Uint8ClampedArray, i: number): number =>
  ((data[i * 4] >> (8 - BITS)) << (2 * BITS)) | ((data[i * 4 + 1] >> (8 - BITS)) << BITS) | (data[i * 4 + 2] >> (8 - BITS));
