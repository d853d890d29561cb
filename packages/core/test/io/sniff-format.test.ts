import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sniffImageFormat } from '../../src/io/sniff-format.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const u32be = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const ftyp = (major: string, ...compatible: string[]) =>
  bytes(u32be(16 + 4 * compatible.length), 'ftyp', major, [0, 0, 0, 0], ...compatible);

describe('sniffImageFormat', () => {
  it.each([
    ['portrait-1.jpg', 'jpeg'],
    ['portrait-1-exif6.jpg', 'jpeg'],
    ['astronaut.png', 'png'],
    ['portrait-1.png', 'png'],
    ['portrait-1.webp', 'webp'],
    ['portrait-1.bmp', 'bmp'],
    ['huge-header.png', 'png'],
  ])('recognises %s as %s', (name, format) => {
    expect(sniffImageFormat(fixture(name))).toBe(format);
  });

  it('recognises every magic number', () => {
    expect(sniffImageFormat(bytes([0xff, 0xd8, 0xff, 0xdb]))).toBe('jpeg');
    expect(sniffImageFormat(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffImageFormat(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(bytes('GIF87a'))).toBe('gif');
    expect(sniffImageFormat(bytes('GIF89a', [1, 0, 1, 0]))).toBe('gif');
    expect(sniffImageFormat(bytes('II', [42, 0, 8, 0, 0, 0]))).toBe('tiff');
    expect(sniffImageFormat(bytes('MM', [0, 42, 0, 0, 0, 8]))).toBe('tiff');
    expect(sniffImageFormat(bytes('II', [43, 0, 8, 0, 0, 0]))).toBe('tiff'); // BigTIFF
    expect(sniffImageFormat(bytes('BM', new Array(12).fill(0), [40, 0, 0, 0]))).toBe('bmp');
    expect(sniffImageFormat(bytes('BM', new Array(12).fill(0), [12, 0, 0, 0]))).toBe('bmp');
  });

  it('tells AVIF from HEIC by the ftyp brands', () => {
    expect(sniffImageFormat(ftyp('avif', 'mif1', 'miaf'))).toBe('avif');
    expect(sniffImageFormat(ftyp('avis', 'msf1'))).toBe('avif');
    expect(sniffImageFormat(ftyp('mif1', 'avif', 'miaf'))).toBe('avif');
    expect(sniffImageFormat(ftyp('heic', 'mif1'))).toBe('heic');
    expect(sniffImageFormat(ftyp('mif1', 'heic'))).toBe('heic');
    expect(sniffImageFormat(ftyp('msf1', 'hevc'))).toBe('heic');
    expect(sniffImageFormat(ftyp('mif1'))).toBe('heic'); // generic HEIF
    expect(sniffImageFormat(ftyp('isom', 'mp41'))).toBeNull(); // an MP4 video
    expect(sniffImageFormat(ftyp('qt  '))).toBeNull();
  });

  it('returns null for non-images, empty and too-short data', () => {
    expect(sniffImageFormat(fixture('random-bytes.bin'))).toBeNull();
    expect(sniffImageFormat(fixture('text-as-image.jpg'))).toBeNull();
    expect(sniffImageFormat(new Uint8Array(0))).toBeNull();
    expect(sniffImageFormat(bytes([0xff, 0xd8]))).toBeNull();
    expect(sniffImageFormat(bytes([0x89], 'PNG'))).toBeNull();
    expect(sniffImageFormat(bytes('RIFF', [0, 0, 0, 0], 'WAVE'))).toBeNull();
    expect(sniffImageFormat(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    // Text that happens to start with "BM" is not a bitmap.
    expect(sniffImageFormat(bytes('BMW and Mercedes are car makers.'))).toBeNull();
  });

  it('rejects non-Uint8Array arguments with a TypeError', () => {
    expect(() => sniffImageFormat('GIF89a' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => sniffImageFormat(null as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('accepts Node Buffers and subarray views', () => {
    const buffer = readFileSync(new URL('../fixtures/portrait-1.jpg', import.meta.url));
    expect(sniffImageFormat(buffer)).toBe('jpeg');
    const padded = new Uint8Array(20);
    padded.set([0xff, 0xd8, 0xff, 0xe0], 7);
    expect(sniffImageFormat(padded.subarray(7))).toBe('jpeg');
  });
});
