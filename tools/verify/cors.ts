/**
 * CORS preflight probes derived from a bucket's rules, and the judgement of each answer. Pure, so
 * the rules of what counts as "the right headers" are unit-tested without a server.
 */
import type { CorsRuleOutput } from '../outputs';

export interface PreflightProbe {
  readonly origin: string;
  readonly method: string;
  /** Whether the bucket's rules should allow this origin and method. */
  readonly expectAllowed: boolean;
  /** The configured origin the probe stands for (a wildcard origin is probed with a concrete one). */
  readonly configured: string;
}

/** An origin no rule can mean: the reserved `.invalid` top-level domain never names a real site. */
export const DISALLOWED_ORIGIN = 'https://cdktf-media-storage-verify.invalid';

/** `https://*.example.com` → `https://verify.example.com`; `*` → an origin of its own. */
function concreteOrigin(origin: string): string {
  if (origin === '*') return 'https://any-origin.example';
  return origin.replace('://*.', '://verify.');
}

/** One probe per configured origin (with the rule's first method), then one from an origin no rule allows. */
export function preflightProbes(rules: readonly CorsRuleOutput[]): PreflightProbe[] {
  const probes: PreflightProbe[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const method = rule.allowedMethods[0];
    if (method === undefined) continue;
    for (const origin of rule.allowedOrigins) {
      if (seen.has(origin)) continue;
      seen.add(origin);
      probes.push({ origin: concreteOrigin(origin), method, expectAllowed: true, configured: origin });
    }
  }
  if (!seen.has('*')) {
    probes.push({ origin: DISALLOWED_ORIGIN, method: 'GET', expectAllowed: false, configured: DISALLOWED_ORIGIN });
  }
  return probes;
}

export interface PreflightAnswer {
  readonly status: number;
  /** Response headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface Judgement {
  readonly ok: boolean;
  readonly detail: string;
}

function listed(header: string | undefined, value: string): boolean {
  if (header === undefined) return false;
  return header.split(',').map((part) => part.trim().toUpperCase()).some((part) => part === value.toUpperCase() || part === '*');
}

/** Whether a preflight answer is what the probe expects. */
export function judgePreflight(probe: PreflightProbe, answer: PreflightAnswer): Judgement {
  const allowOrigin = answer.headers['access-control-allow-origin'];
  const allowMethods = answer.headers['access-control-allow-methods'];
  const originAllowed = allowOrigin === probe.origin || allowOrigin === '*';
  if (probe.expectAllowed) {
    if (answer.status < 200 || answer.status >= 300) {
      return { ok: false, detail: `HTTP ${answer.status}, expected 200 with CORS headers` };
    }
    if (!originAllowed) {
      return { ok: false, detail: `Access-Control-Allow-Origin is ${allowOrigin === undefined ? 'missing' : `"${allowOrigin}"`}` };
    }
    if (!listed(allowMethods, probe.method)) {
      return { ok: false, detail: `Access-Control-Allow-Methods (${allowMethods ?? 'missing'}) lacks ${probe.method}` };
    }
    return { ok: true, detail: `HTTP ${answer.status}, allows ${probe.method} from ${allowOrigin}` };
  }
  if (originAllowed) {
    return { ok: false, detail: `an origin no rule lists was allowed (Access-Control-Allow-Origin: ${allowOrigin})` };
  }
  return { ok: true, detail: `HTTP ${answer.status}, no Access-Control-Allow-Origin` };
}
