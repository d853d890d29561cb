import { InvalidOptionError } from '../errors.js';
import { BOOLEAN_WORDS_TEXT, describeExpected, type ValueSpec } from './value-spec.js';

/**
 * The one message every surface gives for a bad value, naming the value as the caller spelled it
 * (`face_margin`, `faceMargin`, `--face-margin`, `FACECRAFT_DEFAULT_FACE_MARGIN`):
 * Expected a number from 0 to 2 for face_margin but received "abc"
 */
export function invalidValue(name: string, expected: string, received: unknown): InvalidOptionError {
  // Strings quoted, so "3" (text) and 3 (a number) read differently.
  const shown = typeof received === 'string' ? JSON.stringify(received) : Array.isArray(received) ? JSON.stringify(received) : String(received);
  return new InvalidOptionError(`Expected ${expected} for ${name} but received ${shown}`, { field: name });
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false, yes: true, no: false, on: true, off: false };

/** true/false/1/0/yes/no/on/off in any case; undefined for anything else. */
export function parseBooleanWord(raw: string): boolean | undefined {
  return Object.hasOwn(BOOLEAN_WORDS, raw.trim().toLowerCase()) ? BOOLEAN_WORDS[raw.trim().toLowerCase()] : undefined;
}

/** A typed value (the library's input) against its spec; throws the one message. */
export function checkValue(spec: ValueSpec, name: string, value: unknown): number | boolean | string {
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidValue(name, 'a boolean', value);
      return value;
    case 'string':
      if (typeof value !== 'string' || !spec.enum.includes(value)) throw invalidValue(name, describeExpected(spec), value);
      return value;
    case 'integer':
    case 'number': {
      const ok = typeof value === 'number' && Number.isFinite(value) && (spec.type === 'number' || Number.isInteger(value));
      if (!ok || value < spec.minimum || value > spec.maximum) throw invalidValue(name, describeExpected(spec), value);
      if (spec.type === 'integer' && spec.multipleOf && value % spec.multipleOf !== 0) throw invalidValue(name, `a multiple of ${spec.multipleOf}`, value);
      return value;
    }
  }
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A value as text (a form field, a flag, an environment variable) → its typed value, checked
 * against the same spec with the same message. Only plain decimal numbers are read: "0x10",
 * "1e2" for an integer, "NaN" and "" are refused.
 */
export function parseValueText(spec: ValueSpec, name: string, text: string): number | boolean | string {
  const trimmed = text.trim();
  switch (spec.type) {
    case 'boolean': {
      const b = parseBooleanWord(trimmed);
      if (b === undefined) throw invalidValue(name, BOOLEAN_WORDS_TEXT, text);
      return b;
    }
    case 'string':
      if (!spec.enum.includes(trimmed)) throw invalidValue(name, describeExpected(spec), text);
      return trimmed;
    case 'integer':
    case 'number': {
      if (!(spec.type === 'integer' ? INTEGER_TEXT : NUMBER_TEXT).test(trimmed)) throw invalidValue(name, describeExpected(spec), text);
      const n = Number(trimmed);
      if (n < spec.minimum || n > spec.maximum) throw invalidValue(name, describeExpected(spec), text);
      if (spec.type === 'integer' && spec.multipleOf && n % spec.multipleOf !== 0) throw invalidValue(name, `a multiple of ${spec.multipleOf}`, text);
      return n;
    }
  }
}
