import { describe, expect, it } from 'vitest';
import { defineError, registeredErrors, toGoogleError } from './index.js';
import '../../app.js';

describe('error registry', () => {
  it('refuses to register one reason twice', () => {
    defineError('TEST_ONLY_REASON', 400, 'INVALID_ARGUMENT', () => 'x');
    expect(() => defineError('TEST_ONLY_REASON', 400, 'INVALID_ARGUMENT', () => 'y')).toThrow(/registered twice/);
  });

  it('refuses a reason that is not UPPER_SNAKE', () => {
    expect(() => defineError('modelNotFound', 404, 'NOT_FOUND', () => 'x')).toThrow(/UPPER_SNAKE/);
  });

  it('keeps every registered reason with a 4xx or 5xx status', () => {
    const all = registeredErrors();
    expect(all.length).toBeGreaterThan(10);
    for (const e of all) expect(e.httpStatus).toBeGreaterThanOrEqual(400);
  });

  it("renders Google's error model with ErrorInfo and field violations", () => {
    const BAD = defineError('TEST_BAD_THING', 400, 'INVALID_ARGUMENT', (p: { field: string }) => `Fix ${p.field}.`);
    const body = toGoogleError(BAD({ field: 'name' }, { fieldViolations: [{ field: 'name', description: 'too long' }] }));
    expect(body).toEqual({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'Fix name.',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'TEST_BAD_THING', domain: 'rouge' },
          { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'name', description: 'too long' }] },
        ],
      },
    });
  });
});
