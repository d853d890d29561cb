/**
 * Whether this host stores a 32-bit word's lowest byte first. Loops that read four bytes as one
 * word (a pixel's RGBA, four pixels' codes) rely on it and keep a byte-wise path for the rest.
 */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
