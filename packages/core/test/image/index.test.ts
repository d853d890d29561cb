import { describe, expect, it } from 'vitest';
import * as image from '../../src/image/index.js';

describe('image module index', () => {
  it('re-exports the public operations', () => {
    const expected = [
      'createRgbaImage', 'createGrayImage', 'createGray8Image', 'cloneRgbaImage',
      'applyAffine', 'composeAffine', 'invertAffine', 'rotateScaleTranslateAffine', 'cropWindowAffine', 'warpAffine',
      'resizeImage', 'srgbToLab', 'labToSrgb', 'rgbaToLab', 'labToRgba', 'meanLightness', 'lightnessToOpenCv8',
      'clahe', 'claheOnLightness', 'bilateralFilter', 'greyWorldWhiteBalance', 'gaussianBlurGray', 'gaussianBlurRgba',
      'unsharpMask', 'unsharpMaskLuma', 'adjustContrast', 'adjustSaturation', 'adjustGamma', 'featheredEllipseMask',
      'multiplyAlpha', 'withAlpha', 'compositeOnColor', 'placeOnCanvas', 'psnr', 'maxChannelDifference',
    ];
    for (const name of expected) expect(typeof (image as Record<string, unknown>)[name], name).toBe('function');
  });
});
