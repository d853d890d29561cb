import { describe, expect, it } from 'vitest';
import { variantFromQuery } from '../src/query-variant.js';

describe('?variant= in the playground URL', () => {
  it('names one of the core weight types', () => {
    expect(variantFromQuery('?device=wasm&variant=float16')).toBe('float16');
    expect(variantFromQuery('?variant=int8')).toBe('int8');
    expect(variantFromQuery('?variant=Float32')).toBe('float32');
  });

  it('is ignored when absent or not a weight type', () => {
    expect(variantFromQuery('')).toBeUndefined();
    expect(variantFromQuery('?device=wasm')).toBeUndefined();
    expect(variantFromQuery('?variant=int4')).toBeUndefined();
    expect(variantFromQuery('?variant=')).toBeUndefined();
    expect(variantFromQuery('?variant=auto')).toBeUndefined();
  });
});
