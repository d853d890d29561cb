/** Pure-TypeScript pixel operations on RGBA and float planes; no Node or DOM dependencies. */
export {
  cloneRgbaImage,
  cropRgbaImage,
  createGray8Image,
  createGrayImage,
  createRgbaImage,
  type Gray8Image,
  type GrayImage,
  type RgbaImage,
} from './rgba-image.js';
export {
  applyAffine,
  composeAffine,
  cropWindowAffine,
  IDENTITY_AFFINE,
  invertAffine,
  rotateAffine,
  rotateScaleTranslateAffine,
  scaleAffine,
  translateAffine,
  warpAffine,
  type Affine2D,
  type CropWindow,
  type Point2D,
  type RotateScaleTranslateOptions,
} from './affine.js';
export { computeAxisWeights, resizeImage, type AxisWeights, type ResizeFilter, type ResizeOptions } from './resize.js';
export {
  labToRgba,
  labToSrgb,
  lightnessToOpenCv8,
  meanLightness,
  OPENCV_L_SCALE,
  openCv8ToLightness,
  rgbaToLab,
  srgbToLab,
  type Lab,
  type LabImage,
  type LightnessScale,
  type Rgb,
} from './color-space.js';
export { clahe, claheOnLightness, type ClaheOptions } from './clahe.js';
export { bilateralFilter, type BilateralOptions } from './denoise.js';
export {
  channelMeans,
  greyWorldWhiteBalance,
  type ChannelGains,
  type WhiteBalanceOptions,
  type WhiteBalanceResult,
} from './white-balance.js';
export { agreedCastGains, linearGainLuts, type CastEstimateOptions } from './cast-estimate.js';
export { gaussianBlurGray, gaussianBlurRgba, gaussianBlurRgbaFloat, gaussianKernel } from './gaussian-blur.js';
export { unsharpMask, unsharpMaskLuma, type UnsharpMaskOptions, type UnsharpMaskLumaOptions } from './sharpen.js';
export { applyChannelLuts, applyLut } from './channel-lut.js';
export { adjustContrast, adjustGamma, adjustSaturation, contrastTable, gammaLut, pillowLuma, type ContrastOptions, type SaturationOptions } from './tone.js';
export { featheredEllipseMask, type EllipseMaskOptions } from './ellipse-mask.js';
export {
  alphaToMask,
  compositeOnColor,
  multiplyAlpha,
  placeOnCanvas,
  withAlpha,
  type RgbaColor,
  type RgbColor,
} from './composite.js';
export { maxChannelDifference, psnr, type CompareChannels, type CompareOptions } from './compare.js';
export { guidedFilterAlpha, type GuidedFilterOptions } from './guided-filter.js';
export { estimateForeground, type EstimateForegroundOptions } from './estimate-foreground.js';
export { decontaminateEdge, decontaminateEdgeChroma, decontaminateReadBox, fitEdgeToPhotoMix, freeEdgeColours, type DecontaminateEdgeOptions } from './decontaminate-edge.js';
