import { describe, expect, it } from 'vitest';
import { chooseVariant, VARIANT_PREFERENCE, weightTypeOf } from '../../src/backends/variant-preference.js';
import type { ModelEntry, WeightType } from '../../src/models/model-manifest.js';

const variant = (id: string, weightType?: WeightType): ModelEntry => ({
  id,
  stage: 'segmentation',
  name: id,
  format: 'onnx',
  ...(weightType ? { weightType } : {}),
  file: `${id}.onnx`,
  bytes: 1,
  sha256: '0'.repeat(64),
  licence: 'MIT',
  source: { package: 'p', version: '1' },
  transform: 'copy',
  inputs: ['input'],
  outputs: ['output'],
  inputSize: 1024,
});
const fp16 = variant('isnet', 'float16');
const int8 = variant('isnet-int8', 'int8');
const fp32 = variant('isnet-fp32');

describe('model variant preference', () => {
  it('declares int8 for the CPU and WASM, float16 for CUDA, float for WebGPU (float16 only with shader-f16)', () => {
    expect(VARIANT_PREFERENCE.cpu[0]).toBe('int8');
    expect(VARIANT_PREFERENCE.wasm[0]).toBe('int8');
    expect(VARIANT_PREFERENCE.cuda[0]).toBe('float16');
    expect(VARIANT_PREFERENCE['webgpu-f16'][0]).toBe('float16');
    expect(VARIANT_PREFERENCE.webgpu[0]).toBe('float32');
    // WebGPU has no QLinearConv: an int8 model is never chosen for it.
    expect(VARIANT_PREFERENCE.webgpu).not.toContain('int8');
    expect(VARIANT_PREFERENCE['webgpu-f16']).not.toContain('int8');
  });

  it('picks the first preferred variant that is there, whatever the manifest order', () => {
    expect(chooseVariant([fp16, int8, fp32], VARIANT_PREFERENCE.cpu)).toBe(int8);
    expect(chooseVariant([int8, fp16, fp32], VARIANT_PREFERENCE.cuda)).toBe(fp16);
    expect(chooseVariant([fp16, int8, fp32], VARIANT_PREFERENCE.webgpu)).toBe(fp32);
    // The preferred variant is not installed: the next one.
    expect(chooseVariant([fp16, fp32], VARIANT_PREFERENCE.cpu)).toBe(fp16);
  });

  it('keeps the manifest order without a preference or when nothing preferred is there', () => {
    expect(chooseVariant([fp16, int8])).toBe(fp16);
    expect(chooseVariant([int8], ['float16'])).toBe(int8);
    expect(chooseVariant([], VARIANT_PREFERENCE.cpu)).toBeUndefined();
  });

  it('lets an override name the variant, and refuses one that is not there', () => {
    expect(chooseVariant([fp16, int8], VARIANT_PREFERENCE.cpu, 'float16')).toBe(fp16);
    expect(chooseVariant([fp16, int8, fp32], VARIANT_PREFERENCE.cpu, 'float32')).toBe(fp32);
    expect(() => chooseVariant([fp16, int8], VARIANT_PREFERENCE.cpu, 'float32')).toThrow(/no float32 variant of segmentation model among isnet \(float16\), isnet-int8 \(int8\)/);
  });

  it('reads a missing weightType as float32', () => {
    expect(weightTypeOf(fp32)).toBe('float32');
    expect(weightTypeOf(int8)).toBe('int8');
  });
});
