import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IMAGE_FORMATS, IMAGE_MIME_TYPES } from '@facecraft/core';
import { describe, expect, it } from 'vitest';
import { ACCEPT_ATTRIBUTE, ACCEPTED_FORMATS, acceptedFormatsText, isAcceptedFile } from '../src/accepted-formats.js';
import { ERROR_MESSAGES } from '../src/error-messages.js';

describe('the playground’s accepted formats', () => {
  it('are formats the core reads, each with its MIME type and file-name endings in the picker’s accept, and nothing more', () => {
    for (const { format } of ACCEPTED_FORMATS) expect(IMAGE_FORMATS).toContain(format);
    const expected = ACCEPTED_FORMATS.flatMap((f) => [IMAGE_MIME_TYPES[f.format], ...f.extensions]);
    expect(ACCEPT_ATTRIBUTE.split(',')).toEqual(expected);
    expect(ACCEPT_ATTRIBUTE).not.toContain('image/*');
  });

  it('are named the same wherever the playground names them', () => {
    const labels = ACCEPTED_FORMATS.map((f) => f.label);
    expect(acceptedFormatsText(', ')).toBe(labels.join(', '));
    expect(acceptedFormatsText()).toBe(`${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`);
    expect(ERROR_MESSAGES.invalid_image.hint).toContain(acceptedFormatsText());
  });

  it('are the only list: index.html’s drop zone names no format and sets no accept of its own', () => {
    const html = readFileSync(path.join(import.meta.dirname, '../index.html'), 'utf8');
    const zone = /<label class="dropzone"[\s\S]*?<\/label>/.exec(html)?.[0] ?? '';
    expect(zone).toContain('id="accepted-formats"');
    expect(zone).not.toMatch(/accept="/);
    for (const label of ['JPEG', 'PNG', 'WebP', 'BMP', 'GIF', 'AVIF', 'TIFF', 'HEIC']) expect(zone).not.toMatch(new RegExp(`\\b${label}\\b`));
  });

  it('take a file by its MIME type, else by its name, and refuse the rest', () => {
    expect(isAcceptedFile({ name: 'a.jpg', type: 'image/jpeg' })).toBe(true);
    expect(isAcceptedFile({ name: 'scan.BMP', type: '' })).toBe(true);
    expect(isAcceptedFile({ name: 'photo.avif', type: 'image/avif' })).toBe(true);
    expect(isAcceptedFile({ name: 'scan.tif', type: 'image/tiff' })).toBe(false);
    expect(isAcceptedFile({ name: 'IMG_0001.HEIC', type: '' })).toBe(false);
    expect(isAcceptedFile({ name: 'notes.txt', type: 'text/plain' })).toBe(false);
  });
});
