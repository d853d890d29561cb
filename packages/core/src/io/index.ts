/**
 * Platform-free image I/O. The sharp codec (node-codec.ts) and the canvas codec (web-codec.ts)
 * are deliberately not re-exported: the package's node and web entry points import them, so a
 * browser bundle never pulls in sharp and Node never evaluates DOM code.
 */
export { sniffImageFormat, IMAGE_FORMATS, IMAGE_MIME_TYPES, type ImageFormat } from './sniff-format.js';
export { readImageHeader, assertPixelLimit, type ImageHeader } from './read-image-header.js';
export { checkMaxPixels, type PixelLimits } from './pixel-limit.js';
export { readExifOrientation, orientationFromExif, findJpegExif, findPngExif, findWebpExif } from './exif-orientation.js';
export {
  applyOrientation,
  inverseOrientation,
  isExifOrientation,
  orientedSize,
  swapsDimensions,
  type ExifOrientation,
} from './orientation.js';
export { decodeBmp, parseBmpHeader, type BmpHeader, type BmpCompression } from './decode-bmp.js';
export { decodeImage, type DecodedImage, type DecodeLimits, type ImageCodec, type JpegEncodeOptions } from './image-codec.js';
export { encodeJpegUnder, type JpegUnderOptions, type JpegUnderResult } from './jpeg-under-size.js';
export { adoptGuard, guardImage, guardInfo, guardUnder, isGuardedImage, type GuardedImage, type GuardInfo } from './image-guard.js';
