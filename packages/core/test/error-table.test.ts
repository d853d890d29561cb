import { describe, expect, it } from 'vitest';
import {
  CodedError,
  deserializeError,
  ERROR_CODES,
  ERROR_TABLE,
  FacecraftError,
  ImageTooLargeError,
  ImpossibleWindowError,
  InvalidImageError,
  InvalidOptionError,
  ModelLoadError,
  MultipleFacesError,
  NoBackendError,
  NoFaceError,
  RuntimeMissingError,
  serializeError,
  type ErrorSpec,
} from '../src/index.js';

describe('the error table', () => {
  it('gives each code a status, a description, and Retry-After exactly where retryable', () => {
    for (const code of ERROR_CODES) {
      const spec: ErrorSpec = ERROR_TABLE[code];
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.description.length, code).toBeGreaterThan(10);
      if (spec.retryAfterS !== undefined) expect(spec.retryable, code).toBe(true);
    }
  });

  it('holds the code of every core error class, as a pipeline code', () => {
    const errors: FacecraftError[] = [
      new InvalidImageError('x'),
      new ImageTooLargeError('x'),
      new NoFaceError(),
      new ImpossibleWindowError('x'),
      new MultipleFacesError(2),
      new ModelLoadError('x'),
      new InvalidOptionError('x'),
      new RuntimeMissingError('x', { package: 'sharp' }),
      new NoBackendError('x', { requested: 'auto', failures: [] }),
    ];
    for (const error of errors) expect(ERROR_TABLE[error.code].kind, error.name).toBe('pipeline');
    const pipelineCodes = ERROR_CODES.filter((code) => ERROR_TABLE[code].kind === 'pipeline');
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(pipelineCodes));
  });
});

describe('serializeError / deserializeError (the thread hop)', () => {
  it('round-trips every code of the table with its message, details and name', () => {
    for (const code of ERROR_CODES) {
      const original = ERROR_TABLE[code].kind === 'pipeline' ? new FacecraftError(code as never, `${code} happened`, { field: 'x' }) : new CodedError(code, `${code} happened`, { field: 'x' });
      // structuredClone is what postMessage does to it.
      const back = deserializeError(structuredClone(serializeError(original)));
      expect({ code: back.code, message: back.message, details: back.details, name: back.name }).toEqual({ code, message: `${code} happened`, details: { field: 'x' }, name: original.name });
      expect(back instanceof FacecraftError, code).toBe(ERROR_TABLE[code].kind === 'pipeline');
      expect(back.clientMessage).toBe(original.clientMessage);
      expect(back.status).toBe(ERROR_TABLE[code].status);
    }
  });

  it('keeps a subclass name (NoFaceError) and its details across', () => {
    const back = deserializeError(structuredClone(serializeError(new ImpossibleWindowError('no area', { width: 0 }))));
    expect(back).toBeInstanceOf(FacecraftError);
    expect({ name: back.name, code: back.code, details: back.details }).toEqual({ name: 'ImpossibleWindowError', code: 'no_face', details: { reason: 'impossible_window', width: 0 } });
  });

  it('turns an error without a table code into internal_error, keeping its message and stack for the log only', () => {
    const thrown = new TypeError('cannot read x of undefined\n    at secret/path.js');
    const back = deserializeError(structuredClone(serializeError(thrown)));
    expect({ code: back.code, name: back.name, message: back.message, stack: back.stack }).toEqual({ code: 'internal_error', name: 'TypeError', message: thrown.message, stack: thrown.stack });
    expect(back.clientMessage).toBe('Internal server error');
    expect(serializeError('a string')).toMatchObject({ code: 'internal_error', message: 'a string' });
  });

  it('treats a code the table lacks (an older or foreign sender) as internal_error', () => {
    expect(deserializeError({ code: 'made_up' as never, message: 'm' }).code).toBe('internal_error');
  });

  it('tells clients the first line of a pipeline message, and the fixed text where the message is for the log', () => {
    expect(new InvalidOptionError('Expected a number\nmore').clientMessage).toBe('Expected a number');
    expect(new ModelLoadError('/opt/models/x.onnx is missing').clientMessage).toBe('The models are not available');
  });
});
