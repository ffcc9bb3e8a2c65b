/**
 * AuthService on the in-memory users fake: accounts, sessions and who is an admin, as a client of
 * /auth sees them.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import type { TestingModule } from '@nestjs/testing';

import { compileWithFakes } from '../../test/support/fakes/testing-module.js';
import type { Fakes } from '../../test/support/fakes/index.js';
import {
  ConflictError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../common/errors.js';
import { newId } from '../common/ids.js';
import type { AuthUser } from './auth-user.js';
import { AuthModule } from './auth.module.js';
import { AuthService } from './auth.service.js';

const PASSWORD = 'correct horse battery';

describe('AuthService', () => {
  let moduleRef: TestingModule;
  let fakes: Fakes;
  let auth: AuthService;
  let jwt: JwtService;

  beforeEach(async () => {
    ({ moduleRef, fakes } = await compileWithFakes([AuthModule], {
      ADMIN_EMAILS: 'root@example.com',
    }));
    auth = moduleRef.get(AuthService);
    jwt = moduleRef.get(JwtService);
  });

  afterEach(async () => {
    await moduleRef.close();
  });

  /** The error `promise` rejects with. */
  const failure = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => null,
      (error: unknown) => error,
    );

  describe('register', () => {
    it('creates a user under the lower-cased e-mail and opens a session for it', async () => {
      const session = await auth.register({ email: 'Ada@Example.COM', password: PASSWORD });

      expect(session).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: expect.any(Number),
        user: { email: 'ada@example.com', role: 'user' },
      });
      const stored = await fakes.users.findById(session.user.id);
      expect(stored).toMatchObject({ email: 'ada@example.com', role: 'user' });
      expect(stored?.passwordHash).not.toContain(PASSWORD);
      await expect(jwt.verifyAsync(session.accessToken)).resolves.toMatchObject({
        sub: session.user.id,
        role: 'user',
      });
    });

    it('makes an admin of an e-mail listed in ADMIN_EMAILS, in any case', async () => {
      const session = await auth.register({ email: 'ROOT@example.com', password: PASSWORD });

      expect(session.user).toMatchObject({ email: 'root@example.com', role: 'admin' });
      await expect(jwt.verifyAsync(session.accessToken)).resolves.toMatchObject({
        role: 'admin',
      });
    });

    it('refuses an e-mail already registered, in any case, naming the field', async () => {
      const first = await auth.register({ email: 'ada@example.com', password: PASSWORD });

      const error = await failure(
        auth.register({ email: 'ADA@example.com', password: 'another password' }),
      );

      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).errors).toEqual([
        { field: 'email', message: 'is already registered' },
      ]);
      await expect(fakes.users.findByEmail('ada@example.com')).resolves.toMatchObject({
        id: first.user.id,
      });
    });

    it('lets one of two registrations racing for an e-mail win, and refuses the other', async () => {
      const outcomes = await Promise.allSettled([
        auth.register({ email: 'ada@example.com', password: PASSWORD }),
        auth.register({ email: 'Ada@example.com', password: PASSWORD }),
      ]);

      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(ConflictError);
      await expect(fakes.users.findByEmail('ada@example.com')).resolves.toMatchObject({
        id: won[0].value.user.id,
      });
    });
  });

  describe('login', () => {
    it('opens a session for the right password, whatever the e-mail’s case', async () => {
      const { user } = await auth.register({ email: 'ada@example.com', password: PASSWORD });

      const session = await auth.login({ email: 'ADA@example.com', password: PASSWORD });

      expect(session.user).toEqual(user);
      await expect(jwt.verifyAsync(session.accessToken)).resolves.toMatchObject({
        sub: user.id,
      });
    });

    it('refuses a wrong password and an unknown e-mail alike', async () => {
      await auth.register({ email: 'ada@example.com', password: PASSWORD });

      const wrongPassword = await failure(
        auth.login({ email: 'ada@example.com', password: 'wrong password' }),
      );
      const unknownEmail = await failure(
        auth.login({ email: 'bob@example.com', password: PASSWORD }),
      );

      expect(wrongPassword).toBeInstanceOf(UnauthorizedError);
      expect(unknownEmail).toBeInstanceOf(UnauthorizedError);
      expect((unknownEmail as Error).message).toBe((wrongPassword as Error).message);
    });
  });

  describe('sessions', () => {
    const caller = async (accessToken: string): Promise<AuthUser> => {
      const claims = await jwt.verifyAsync<{ sub: string; sid: string }>(accessToken);
      const user = await fakes.users.findById(claims.sub);
      return { ...user!, credential: { kind: 'session', sessionId: claims.sid } };
    };

    it('opens a session: an access token naming it, and an opaque refresh token stored hashed', async () => {
      const session = await auth.register({ email: 'ada@example.com', password: PASSWORD });

      expect(session).toMatchObject({
        refreshToken: expect.stringMatching(/^[\w-]{43}$/),
        refreshExpiresIn: 30 * 24 * 3600,
        expiresIn: 900,
      });
      const { sid } = await jwt.verifyAsync<{ sid: string }>(session.accessToken);
      expect(await fakes.sessions.findByTokenHash(session.refreshToken)).toBeNull();
      await expect(fakes.sessions.isFamilyRevoked(sid)).resolves.toBe(false);
    });

    it('rotates the refresh token in the same session', async () => {
      const first = await auth.register({ email: 'ada@example.com', password: PASSWORD });

      const second = await auth.refresh(first.refreshToken);
      const third = await auth.refresh(second.refreshToken);

      expect(new Set([first, second, third].map((s) => s.refreshToken)).size).toBe(3);
      const sids = await Promise.all(
        [first, second, third].map(
          async (s) => (await jwt.verifyAsync<{ sid: string }>(s.accessToken)).sid,
        ),
      );
      expect(new Set(sids).size).toBe(1);
      expect(third.user).toEqual(first.user);
    });

    it('gives a token used within the reuse grace another pair in the same session (two tabs)', async () => {
      const first = await auth.register({ email: 'ada@example.com', password: PASSWORD });
      const tabA = await auth.refresh(first.refreshToken);
      const tabB = await auth.refresh(first.refreshToken);

      const sid = async (session: { accessToken: string }) =>
        (await jwt.verifyAsync<{ sid: string }>(session.accessToken)).sid;
      expect(await sid(tabB)).toBe(await sid(tabA));
      await expect(fakes.sessions.isFamilyRevoked(await sid(tabA))).resolves.toBe(false);
      await expect(auth.refresh(tabA.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
      await expect(auth.refresh(tabB.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
    });

    it('lets both of two concurrent refreshes of a token through within the reuse grace', async () => {
      const first = await auth.register({ email: 'ada@example.com', password: PASSWORD });

      const outcomes = await Promise.allSettled([
        auth.refresh(first.refreshToken),
        auth.refresh(first.refreshToken),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
      const { sid } = await jwt.verifyAsync<{ sid: string }>(first.accessToken);
      await expect(fakes.sessions.isFamilyRevoked(sid)).resolves.toBe(false);
    });

    it('gives nothing for a used token of a session that has ended, even within the grace', async () => {
      const first = await auth.register({ email: 'ada@example.com', password: PASSWORD });
      const second = await auth.refresh(first.refreshToken);
      await auth.logout(await caller(second.accessToken));

      await expect(auth.refresh(first.refreshToken)).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(auth.refresh(second.refreshToken)).rejects.toBeInstanceOf(UnauthorizedError);
    });

    describe('with REFRESH_REUSE_GRACE_SECONDS=0', () => {
      let strict: AuthService;
      let strictFakes: Fakes;
      let strictRef: TestingModule;

      beforeEach(async () => {
        ({ moduleRef: strictRef, fakes: strictFakes } = await compileWithFakes([AuthModule], {
          REFRESH_REUSE_GRACE_SECONDS: '0',
        }));
        strict = strictRef.get(AuthService);
      });
      afterEach(async () => {
        await strictRef.close();
      });

      it('ends the whole session when a used refresh token comes back', async () => {
        const first = await strict.register({ email: 'ada@example.com', password: PASSWORD });
        const second = await strict.refresh(first.refreshToken);

        await expect(strict.refresh(first.refreshToken)).rejects.toBeInstanceOf(UnauthorizedError);

        await expect(strict.refresh(second.refreshToken)).rejects.toBeInstanceOf(UnauthorizedError);
        const { sid } = await strictRef
          .get(JwtService)
          .verifyAsync<{ sid: string }>(second.accessToken);
        await expect(strictFakes.sessions.isFamilyRevoked(sid)).resolves.toBe(true);
      });

      it('lets one of two concurrent refreshes of a token win, and then ends the session', async () => {
        const first = await strict.register({ email: 'ada@example.com', password: PASSWORD });

        const outcomes = await Promise.allSettled([
          strict.refresh(first.refreshToken),
          strict.refresh(first.refreshToken),
        ]);

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const { sid } = await strictRef
          .get(JwtService)
          .verifyAsync<{ sid: string }>(first.accessToken);
        await expect(strictFakes.sessions.isFamilyRevoked(sid)).resolves.toBe(true);
      });
    });

    it('refuses an unknown refresh token', async () => {
      await expect(auth.refresh('not-a-token')).rejects.toBeInstanceOf(UnauthorizedError);
    });

    it('logs one session out and leaves the others', async () => {
      const here = await auth.register({ email: 'ada@example.com', password: PASSWORD });
      const there = await auth.login({ email: 'ada@example.com', password: PASSWORD });

      await auth.logout(await caller(here.accessToken));

      await expect(auth.refresh(here.refreshToken)).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(auth.refresh(there.refreshToken)).resolves.toMatchObject({
        user: { email: 'ada@example.com' },
      });
    });

    it('changes the password only with the current one, and ends every session', async () => {
      const here = await auth.register({ email: 'ada@example.com', password: PASSWORD });
      const there = await auth.login({ email: 'ada@example.com', password: PASSWORD });
      const me = await caller(here.accessToken);

      const wrong = await failure(
        auth.changePassword(me, { currentPassword: 'not it at all', newPassword: 'new password' }),
      );
      expect(wrong).toBeInstanceOf(ValidationError);
      expect((wrong as ValidationError).errors).toEqual([
        { field: 'currentPassword', message: 'is not the current password' },
      ]);

      const fresh = await auth.changePassword(me, {
        currentPassword: PASSWORD,
        newPassword: 'a new password',
      });

      for (const old of [here, there]) {
        await expect(auth.refresh(old.refreshToken)).rejects.toBeInstanceOf(UnauthorizedError);
      }
      await expect(auth.refresh(fresh.refreshToken)).resolves.toBeDefined();
      await expect(
        auth.login({ email: 'ada@example.com', password: PASSWORD }),
      ).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(
        auth.login({ email: 'ada@example.com', password: 'a new password' }),
      ).resolves.toBeDefined();
      const stored = await fakes.users.findById(me.id);
      expect(stored?.tokensValidAfter).toMatch(/\.000Z$/);
    });

    it('refuses to sign in, or refresh, a disabled account', async () => {
      const session = await auth.register({ email: 'ada@example.com', password: PASSWORD });
      await fakes.users.update(session.user.id, { disabled: true });

      const error = await failure(auth.login({ email: 'ada@example.com', password: PASSWORD }));
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect((error as Error).message).toBe('This account is disabled');
      await expect(auth.refresh(session.refreshToken)).rejects.toBeInstanceOf(UnauthorizedError);
    });
  });

  describe('me', () => {
    it('describes the user, without the password hash, with the daily quota', async () => {
      const { user } = await auth.register({ email: 'ada@example.com', password: PASSWORD });

      const me = await auth.me(user.id);

      expect(me).toEqual({
        ...user,
        quota: { limit: 100, used: 0, remaining: 100, resetsAt: expect.any(String) },
      });
      expect(me).not.toHaveProperty('passwordHash');
    });

    it('shows no limit to an admin', async () => {
      const { user } = await auth.register({ email: 'root@example.com', password: PASSWORD });

      await expect(auth.me(user.id)).resolves.toMatchObject({
        quota: { limit: null, remaining: null },
      });
    });

    it('answers 404 for a user that is gone', async () => {
      await expect(auth.me(newId())).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
