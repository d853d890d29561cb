/**
 * Bounds-unchecked little helpers for reading binary headers. Callers check lengths first;
 * reading past the end yields `undefined` bytes, which these turn into 0, never into a throw.
 */
export function u8(bytes: Uint8Array, offset: number): number {
  return bytes[offset] ?? 0;
}

export function u16le(bytes: Uint8Array, offset: number): number {
  return u8(bytes, offset) | (u8(bytes, offset + 1) << 8);
}

export function u16be(bytes: Uint8Array, offset: number): number {
  return (u8(bytes, offset) << 8) | u8(bytes, offset + 1);
}

export function u32le(bytes: Uint8Array, offset: number): number {
  return (u16le(bytes, offset) | (u16le(bytes, offset + 2) << 16)) >>> 0;
}

export function u32be(bytes: Uint8Array, offset: number): number {
  return ((u16be(bytes, offset) << 16) | u16be(bytes, offset + 2)) >>> 0;
}

export function i32le(bytes: Uint8Array, offset: number): number {
  return u32le(bytes, offset) | 0;
}

/** Unsigned 64-bit read as a double: exact below 2^53, which is all any offset here can be. */
export function u64le(bytes: Uint8Array, offset: number): number {
  return u32le(bytes, offset) + u32le(bytes, offset + 4) * 2 ** 32;
}

export function u64be(bytes: Uint8Array, offset: number): number {
  return u32be(bytes, offset) * 2 ** 32 + u32be(bytes, offset + 4);
}

export function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = offset; i < offset + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
