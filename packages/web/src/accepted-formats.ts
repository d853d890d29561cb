import { IMAGE_MIME_TYPES, type ImageFormat } from '@facecraft/core';

interface AcceptedFormat {
  readonly format: ImageFormat;
  /** How the format is called in the drop zone's words. */
  readonly label: string;
  /** File-name endings of the format, for the file picker and for files a browser gives no type. */
  readonly extensions: readonly string[];
}

/**
 * The one list of photo formats the playground takes: the drop zone's words, the file picker's
 * `accept`, the check of a dropped or chosen file and the "not an image" hint all come from it.
 * They are the formats both engines decode in every current browser: the in-browser engine
 * through createImageBitmap (BMP through the core's own decoder), the server through sharp.
 * TIFF and HEIC, which the core can sniff, are left out: Chromium and Firefox cannot decode
 * them, and sharp's prebuilt libvips has no HEVC decoder.
 */
export const ACCEPTED_FORMATS: readonly AcceptedFormat[] = Object.freeze([
  { format: 'jpeg', label: 'JPEG', extensions: ['.jpg', '.jpeg', '.jpe', '.jfif'] },
  { format: 'png', label: 'PNG', extensions: ['.png'] },
  { format: 'webp', label: 'WebP', extensions: ['.webp'] },
  { format: 'bmp', label: 'BMP', extensions: ['.bmp', '.dib'] },
  { format: 'gif', label: 'GIF', extensions: ['.gif'] },
  { format: 'avif', label: 'AVIF', extensions: ['.avif'] },
]);

/** The file input's `accept`: each format's MIME type and file-name endings. */
export const ACCEPT_ATTRIBUTE = ACCEPTED_FORMATS.flatMap(({ format, extensions }) => [IMAGE_MIME_TYPES[format], ...extensions]).join(',');

/** The formats' names: "JPEG, PNG, WebP, BMP, GIF or AVIF" (a list with `, ` before the last). */
export function acceptedFormatsText(beforeLast: ' or ' | ', ' = ' or '): string {
  const labels = ACCEPTED_FORMATS.map((f) => f.label);
  return `${labels.slice(0, -1).join(', ')}${beforeLast}${labels.at(-1)}`;
}

/**
 * Whether a chosen or dropped file is one of the accepted formats, by its MIME type, else (no
 * type given, as browsers do for unknown endings) by its name. The pipeline still sniffs the
 * bytes: a file that lies about its type gets the pipeline's own verdict.
 */
export function isAcceptedFile(file: { readonly name: string; readonly type: string }): boolean {
  const type = file.type.toLowerCase();
  if (type) return ACCEPTED_FORMATS.some(({ format }) => IMAGE_MIME_TYPES[format] === type);
  const name = file.name.toLowerCase();
  return ACCEPTED_FORMATS.some(({ extensions }) => extensions.some((ending) => name.endsWith(ending)));
}
