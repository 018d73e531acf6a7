// Request rate limits: per device when the bearer token is valid, else per client IP, so one
// busy shop behind a NAT does not starve another. In-memory per API node (see the README for
// a shared store when several nodes run behind a load balancer).
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken } from './auth';
import type { TokenSigner } from './auth/tokens';
import { HttpError } from './errors';
import { jsonTextDepth, MAX_JSON_DEPTH } from '../core/shared/json-depth';

export interface RateLimitSettings {
  /** Requests per window per device (or per IP without a valid token). Default 600. */
  max?: number;
  /** Window in milliseconds. Default 60 000. */
  timeWindowMs?: number;
  /** Per-IP limit on signup/login/refresh/redeem per window (password and code guessing). Default 60. */
  credentialMax?: number;
}

export const DEFAULT_RATE_LIMIT = { max: 600, timeWindowMs: 60_000, credentialMax: 60 } as const;

export async function rateLimitKey(request: FastifyRequest, signer: TokenSigner): Promise<string> {
  const token = bearerToken(request);
  if (token !== null) {
    const verified = await signer.verify(token);
    if (verified.ok) return `dev:${verified.claims.deviceId}`;
  }
  return `ip:${request.ip}`;
}

export async function registerRateLimit(
  app: FastifyInstance,
  signer: TokenSigner,
  settings: Required<RateLimitSettings>,
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: settings.max,
    timeWindow: settings.timeWindowMs,
    keyGenerator: (request) => rateLimitKey(request, signer),
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        'RATE_LIMITED',
        `Too many requests: at most ${context.max} in ${settings.timeWindowMs / 1000} s; retry in ${context.after}`,
        { retryAfterMs: context.ttl, limit: context.max },
      ),
  });
}

/**
 * JSON bodies on every route: refused with 400 when they nest deeper than MAX_JSON_DEPTH,
 * measured over the raw text before it is parsed, so nothing after (schemas, size checks,
 * JSON.stringify) ever walks a body deep enough to run out of stack. The rest is Fastify's own
 * parser (prototype poisoning refused as before).
 */
export function registerJsonDepthLimit(app: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    const depth = jsonTextDepth(text, maxDepth);
    if (depth > maxDepth) {
      done(
        new HttpError(
          'VALIDATION',
          `The request body nests more than ${maxDepth} levels deep (objects and arrays inside one another); nothing was done. Send flatter JSON.`,
          { reason: 'too-deep', maxDepth },
        ),
        undefined,
      );
      return;
    }
    parse(request, text, done);
  });
}
