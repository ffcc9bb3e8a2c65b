/**
 * AuthService on the in-memory users fake: accounts, sessions and who is an admin, as a client of
 * /auth sees them.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import type { TestingModule } from '@nestjs/testing';

import { compileWithFakes } from '../../test/support/fakes/testing-module.js';
import type { Fakes } from '../../test/support/fakes/index.js';
import { ConflictError, NotFoundError, UnauthorizedError } from '../common/errors.js';
import { newId } from '../common/ids.js';
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

  describe('me', () => {
    it('describes the user, without the password hash', async () => {
      const { user } = await auth.register({ email: 'ada@example.com', password: PASSWORD });

      const me = await auth.me(user.id);

      expect(me).toEqual(user);
      expect(me).not.toHaveProperty('passwordHash');
    });

    it('answers 404 for a user that is gone', async () => {
      await expect(auth.me(newId())).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
