import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode, maskInternalError } from '../src/errors.js';

describe('maskInternalError', () => {
  it('passes contract errors through without a stack trace', () => {
    const formatted = maskInternalError({
      message: 'Sold out',
      extensions: { code: ErrorCode.SOLD_OUT, stacktrace: ['at x'] },
    });
    expect(formatted).toEqual({ message: 'Sold out', extensions: { code: 'SOLD_OUT' } });
  });

  it('keeps the request errors Apollo produces', () => {
    for (const code of ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']) {
      expect(maskInternalError({ message: 'x', extensions: { code } }).extensions?.['code']).toBe(code);
    }
  });

  it('turns anything else into a bare INTERNAL_SERVER_ERROR', () => {
    const formatted = maskInternalError({
      message: 'relation "Booking" does not exist',
      path: ['bookJourney'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['PrismaClientKnownRequestError'] },
    });
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['bookJourney'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('gives DomainError its stable code', () => {
    expect(new DomainError(ErrorCode.SEAT_TAKEN, 'taken').extensions['code']).toBe('SEAT_TAKEN');
  });
});
