import { describe, expect, it } from 'vitest';
import { redactLoggedUrl } from './logging.js';

describe('redactLoggedUrl', () => {
  it('hides credential query parameters and anything shaped like a key, and leaves the rest', () => {
    expect(redactLoggedUrl('/v1/projects?apiKey=rk_abc123_SECRETsecret&pageSize=2')).toBe('/v1/projects?apiKey=[REDACTED]&pageSize=2');
    expect(redactLoggedUrl('/v1/x?token=t0k3n&api_key=k')).toBe('/v1/x?token=[REDACTED]&api_key=[REDACTED]');
    expect(redactLoggedUrl('/v1/x?q=rk_abc123_SECRETsecret')).toBe('/v1/x?q=[REDACTED]');
    expect(redactLoggedUrl('/v1/projects/shop/catalog:search?query=lipstick')).toBe('/v1/projects/shop/catalog:search?query=lipstick');
  });
});
