import { ERROR_CODES, ERROR_TABLE } from '@facecraft/core';
import { describe, expect, it } from 'vitest';
import { describeError, ERROR_MESSAGES } from '../src/error-messages.js';

const GENERIC_TITLE = describeError('some_code_nobody_sends').title;

describe('the playground’s words for error codes', () => {
  it('has a title and a hint for every code of the core error table', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_MESSAGES[code]?.title, code).toMatch(/\w/);
      expect(ERROR_MESSAGES[code]?.hint, code).toMatch(/\w/);
      expect(describeError(code), code).toBe(ERROR_MESSAGES[code]);
    }
  });

  it('has specific words (not the generic ones) for every verdict on the photo or options', () => {
    for (const code of ERROR_CODES.filter((c) => ERROR_TABLE[c].kind === 'pipeline')) expect(describeError(code).title, code).not.toBe(GENERIC_TITLE);
  });

  it('keys its messages only by table codes and the two it raises itself', () => {
    const own = Object.keys(ERROR_MESSAGES).filter((code) => !(ERROR_CODES as readonly string[]).includes(code));
    expect(own.sort()).toEqual(['no_file', 'server_unreachable']);
  });

  it('reads a bare HTTP status (a proxy answered, not the server) by its status', () => {
    expect(describeError('http_413')).toBe(ERROR_MESSAGES.image_too_large);
    expect(describeError('http_503')).toBe(ERROR_MESSAGES.server_busy);
    expect(describeError('http_502').title).toBe(GENERIC_TITLE);
  });
});
