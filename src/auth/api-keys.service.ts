import { Injectable, Logger } from '@nestjs/common';
import {
  ConflictError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../common/errors.js';
import { newId } from '../common/ids.js';
import type { ApiKey } from '../domain/records.js';
import { ApiKeysRepository } from '../storage/records/api-keys.repository.js';
import { UsersRepository } from '../storage/records/users.repository.js';
import type { AuthUser } from './auth-user.js';
import {
  ApiKeyDto,
  apiKeyPrefix,
  type ApiKeyListDto,
  type CreateApiKeyDto,
  type CreatedApiKeyDto,
} from './dto/api-key.dto.js';
import { scopesOfRole } from './scopes.js';
import { hashSecret, matchesHash, newSecret } from './secrets.js';

/** `ifk_<id>_<secret>`: the id (UUIDv7) finds the record, the secret (43 base64url) proves it. */
const API_KEY = /^ifk_([0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12})_([\w-]{43})$/;

/** Whether a bearer credential is meant as an API key (rather than an access token). */
export const isApiKey = (credential: string): boolean => credential.startsWith('ifk_');

/** Keys one user may hold at once. */
export const MAX_API_KEYS_PER_USER = 20;

/** `lastUsedAt` is written at most this often per key, so that reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersRepository,
  ) {}

  /** A new key, shown this once; `admin` only for admins. */
  async create(user: AuthUser, body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const allowed = scopesOfRole(user.role);
    const refused = body.scopes.filter((scope) => !allowed.includes(scope));
    if (refused.length > 0) {
      throw ValidationError.field('scopes', `${refused.join(', ')} is for admins only`);
    }
    const held = await this.keys.listActiveByUser(user.id);
    if (held.length >= MAX_API_KEYS_PER_USER) {
      throw new ConflictError(
        `You have ${MAX_API_KEYS_PER_USER} API keys; revoke one before making another`,
      );
    }
    const secret = newSecret();
    const key: ApiKey = {
      id: newId(),
      userId: user.id,
      name: body.name,
      scopes: [...body.scopes],
      secretHash: hashSecret(secret),
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.keys.create(key);
    return {
      id: key.id,
      name: key.name,
      scopes: [...key.scopes],
      key: `${apiKeyPrefix(key.id)}_${secret}`,
      createdAt: key.createdAt,
    };
  }

  async list(user: AuthUser): Promise<ApiKeyListDto> {
    return { items: (await this.keys.listActiveByUser(user.id)).map((key) => ApiKeyDto.from(key)) };
  }

  /** Revokes one of my keys: its next request is a 401. Anyone else's, or a gone one, is a 404. */
  async revoke(user: AuthUser, id: string): Promise<void> {
    if (!(await this.keys.revoke(id, user.id, new Date().toISOString()))) {
      throw new NotFoundError('No such API key');
    }
  }

  /**
   * The caller behind an API key, with the scopes the key may use now: its own, within what the
   * account's role allows today. A malformed, unknown, revoked or wrong key, and a disabled or
   * gone account, are a 401.
   */
  async authenticate(credential: string): Promise<AuthUser> {
    const [, id, secret] = API_KEY.exec(credential) ?? [];
    const key = id ? await this.keys.findById(id) : null;
    if (!key || key.revokedAt !== null || !matchesHash(secret, key.secretHash)) {
      throw new UnauthorizedError('Not authenticated: the API key is not valid (or was revoked)');
    }
    const user = await this.users.findById(key.userId);
    if (!user) throw new UnauthorizedError('Not authenticated: the account no longer exists');
    if (user.disabled) throw new UnauthorizedError('Not authenticated: the account is disabled');
    this.touch(key);
    const allowed = scopesOfRole(user.role);
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      credential: {
        kind: 'api-key',
        keyId: key.id,
        scopes: key.scopes.filter((scope) => allowed.includes(scope)),
      },
    };
  }

  /** Records the use when the last one recorded is a minute old; never holds up the request. */
  private touch(key: ApiKey): void {
    const now = Date.now();
    if (key.lastUsedAt !== null && now - Date.parse(key.lastUsedAt) < TOUCH_INTERVAL_MS) return;
    this.keys.touch(key.id, new Date(now).toISOString()).catch((error: unknown) => {
      this.logger.warn({ err: error as Error, keyId: key.id }, 'could not record an API key use');
    });
  }
}
