// Access tokens (JWT HS256, short-lived) and refresh tokens (opaque, rotating, stored hashed).
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { MemberRole } from '../db/schema';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Sliding: every refresh issues a new one, so a device that syncs at least monthly stays signed in. */
export const REFRESH_TOKEN_TTL_SECONDS = 60 * 24 * 60 * 60;
/**
 * A client whose refresh response was lost retries with the same token. Within this window,
 * and only while the token it was rotated into has not been used, the retry is served (the
 * unused successor is revoked). Any other reuse of a rotated token revokes the device.
 */
export const REFRESH_REUSE_GRACE_SECONDS = 30;

const ISSUER = 'qundesk-server';
const AUDIENCE = 'qundesk-api';

export interface AccessClaims {
  userId: string;
  workspaceId: string;
  deviceId: string;
  role: MemberRole;
  agentId: string | null;
}

export class TokenSigner {
  /** Imported once: jose would import raw key bytes anew on every sign and verify. */
  private readonly key: Promise<CryptoKey>;

  constructor(
    secret: string,
    private readonly now: () => Date,
  ) {
    if (secret.length < 32) throw new Error('The JWT secret must be at least 32 characters');
    this.key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
  }

  async sign(claims: AccessClaims): Promise<{ token: string; expiresAt: string }> {
    const iat = Math.floor(this.now().getTime() / 1000);
    const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({
      ws: claims.workspaceId,
      dev: claims.deviceId,
      role: claims.role,
      agent: claims.agentId,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(await this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The claims of a valid token, or a reason it is not (never throws). */
  async verify(
    token: string,
  ): Promise<{ ok: true; claims: AccessClaims } | { ok: false; reason: string }> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: this.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const { sub, ws, dev, role, agent } = payload;
      if (
        typeof sub !== 'string' ||
        typeof ws !== 'string' ||
        typeof dev !== 'string' ||
        (role !== 'owner' && role !== 'agent') ||
        !(agent === null || typeof agent === 'string')
      ) {
        return { ok: false, reason: 'Access token is missing claims' };
      }
      return {
        ok: true,
        claims: { userId: sub, workspaceId: ws, deviceId: dev, role, agentId: agent },
      };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        return { ok: false, reason: 'Access token expired; refresh it' };
      }
      return { ok: false, reason: 'Access token is invalid' };
    }
  }
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * An opaque refresh token: `<workspaceId>.<256 random bits>`. The workspace part lets the lookup
 * be routed to one workspace (one shard on Citus); only the hash of the whole token is stored.
 */
export function newRefreshToken(workspaceId: string): string {
  return `${workspaceId}.${randomBytes(32).toString('base64url')}`;
}

export function refreshTokenWorkspace(token: string): string | null {
  const dot = token.indexOf('.');
  return dot > 0 ? token.slice(0, dot) : null;
}

/** One-time invite codes: 12 characters of Crockford base32 (60 bits), shown as XXXX-XXXX-XXXX. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function newInviteCode(): string {
  const bytes = randomBytes(12);
  let code = '';
  for (const b of bytes) code += CROCKFORD[b & 31];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** Upper-cases, drops separators and maps the look-alikes Crockford allows (O→0, I/L→1). */
export function normaliseInviteCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}
