import { DISALLOWED_ORIGIN, judgePreflight, preflightProbes } from '../../tools/verify/cors';

describe('preflightProbes', () => {
  it('probes each configured origin with its rule\'s first method, then an unlisted origin', () => {
    const probes = preflightProbes([
      { allowedOrigins: ['https://seance.dev', 'https://backend.seance.dev'], allowedMethods: ['GET', 'HEAD'], allowedHeaders: [] },
      { allowedOrigins: ['https://admin.seance.dev'], allowedMethods: ['PUT'], allowedHeaders: [] },
    ]);
    expect(probes.map((p) => [p.origin, p.method, p.expectAllowed])).toEqual([
      ['https://seance.dev', 'GET', true],
      ['https://backend.seance.dev', 'GET', true],
      ['https://admin.seance.dev', 'PUT', true],
      [DISALLOWED_ORIGIN, 'GET', false],
    ]);
  });

  it('probes a wildcard host with a concrete one', () => {
    const [probe] = preflightProbes([{ allowedOrigins: ['https://*.example.com'], allowedMethods: ['GET'], allowedHeaders: [] }]);
    expect(probe).toMatchObject({ origin: 'https://verify.example.com', configured: 'https://*.example.com' });
  });

  it('has no refusal probe when every origin is allowed', () => {
    const probes = preflightProbes([{ allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [] }]);
    expect(probes.every((p) => p.expectAllowed)).toBe(true);
  });

  it('still probes an unlisted origin when the bucket has no rules', () => {
    expect(preflightProbes([])).toEqual([expect.objectContaining({ origin: DISALLOWED_ORIGIN, expectAllowed: false })]);
  });
});

describe('judgePreflight', () => {
  const allowed = { origin: 'https://seance.dev', method: 'GET', expectAllowed: true, configured: 'https://seance.dev' };
  const refused = { origin: DISALLOWED_ORIGIN, method: 'GET', expectAllowed: false, configured: DISALLOWED_ORIGIN };

  it('accepts the origin echoed back with the method listed', () => {
    const answer = { status: 200, headers: { 'access-control-allow-origin': 'https://seance.dev', 'access-control-allow-methods': 'GET, HEAD' } };
    expect(judgePreflight(allowed, answer).ok).toBe(true);
  });

  it('accepts "*" as the allowed origin', () => {
    const answer = { status: 200, headers: { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET' } };
    expect(judgePreflight(allowed, answer).ok).toBe(true);
  });

  it('fails an allowed origin answered with 403', () => {
    expect(judgePreflight(allowed, { status: 403, headers: {} })).toEqual({ ok: false, detail: 'HTTP 403, expected 200 with CORS headers' });
  });

  it('fails when the method is not among the allowed methods', () => {
    const answer = { status: 200, headers: { 'access-control-allow-origin': 'https://seance.dev', 'access-control-allow-methods': 'HEAD' } };
    expect(judgePreflight(allowed, answer).detail).toMatch(/lacks GET/);
  });

  it('passes an unlisted origin that gets no Access-Control-Allow-Origin', () => {
    expect(judgePreflight(refused, { status: 403, headers: {} }).ok).toBe(true);
  });

  it('fails an unlisted origin that is echoed back', () => {
    const answer = { status: 200, headers: { 'access-control-allow-origin': DISALLOWED_ORIGIN } };
    expect(judgePreflight(refused, answer).ok).toBe(false);
  });
});
