/**
 * What a value may be, in the words of JSON Schema (OpenAPI reads these specs as they are): the
 * option table, the HTTP form fields and the server's environment variables all state their
 * values this way, so one checker and one message serve them all.
 */
export interface IntegerSpec {
  readonly type: 'integer';
  readonly minimum: number;
  readonly maximum: number;
  /** A rule beyond the range (the segmentation side is a multiple of 32). */
  readonly multipleOf?: number;
}
export interface NumberSpec {
  readonly type: 'number';
  readonly minimum: number;
  readonly maximum: number;
}
export interface BooleanSpec {
  readonly type: 'boolean';
}
export interface EnumSpec {
  readonly type: 'string';
  readonly enum: readonly string[];
}
export type ValueSpec = IntegerSpec | NumberSpec | BooleanSpec | EnumSpec;

/** The words a text surface (form, flag, environment) accepts for a boolean. */
export const BOOLEAN_WORDS_TEXT = 'true, false, 1, 0, yes or no';

/** "an integer from 64 to 4096", "one of largest, center, single": the `Expected …` part of the message. */
export function describeExpected(spec: ValueSpec): string {
  switch (spec.type) {
    case 'integer':
      return `an integer from ${spec.minimum} to ${spec.maximum}`;
    case 'number':
      return `a number from ${spec.minimum} to ${spec.maximum}`;
    case 'boolean':
      return BOOLEAN_WORDS_TEXT;
    case 'string':
      return `one of ${spec.enum.join(', ')}`;
  }
}
