import type { Tensor } from '../backends/inference-backend.js';
import type { RgbaImage } from '../image/rgba-image.js';

/**
 * Packs the RGB of an image into a float32 tensor, value = (channel · alpha/255) · scale + offset,
 * so transparent padding reads as black. `layout` is 'nhwc' (BlazeFace) or 'nchw' (the others).
 */
export function imageToTensor(image: RgbaImage, layout: 'nhwc' | 'nchw', scale = 1, offset = 0): Tensor {
  const { width, height, data } = image;
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  const k = scale / (255 * 255);
  for (let i = 0; i < plane; i++) {
    const p = i * 4;
    const a = data[p + 3] * k;
    if (layout === 'nhwc') {
      out[i * 3] = data[p] * a + offset;
      out[i * 3 + 1] = data[p + 1] * a + offset;
      out[i * 3 + 2] = data[p + 2] * a + offset;
    } else {
      out[i] = data[p] * a + offset;
      out[i + plane] = data[p + 1] * a + offset;
      out[i + 2 * plane] = data[p + 2] * a + offset;
    }
  }
  return { dims: layout === 'nhwc' ? [1, height, width, 3] : [1, 3, height, width], data: out };
}
