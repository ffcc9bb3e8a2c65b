import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';
import { chromiumAvailable, launchChromium } from './browser.js';
import { ensureDashboardBuilt } from './dashboard-build.js';

// Evaluated in the page, not here.
declare const localStorage: {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
};

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

const PASSWORD = 'correct horse battery';
const KEY = 'image-forge.session';

interface Stored {
  token: string;
  accessExpiresAt: number;
  refreshToken: string;
  expiresAt: number;
}

interface Suite {
  t: TestApp;
  origin: string;
  browser: Browser;
}

/** The app (with `env`), listening, and Chromium, for the describe block it is called in. */
function appAndBrowser(env?: Record<string, string>): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    await ensureDashboardBuilt();
    suite.t = await startApp(env);
    suite.origin = await suite.t.listen();
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.t?.close();
  });
  return suite;
}

/** Creates an account on the account page; the page lands on Generate, signed in. */
async function createAccount(page: Page, origin: string, prefix: string): Promise<void> {
  await page.goto(`${origin}/account`);
  await page.getByLabel('Password').first().waitFor();
  await page.getByLabel('E-mail').nth(1).fill(`${prefix}-${Date.now()}@example.com`);
  await page.getByLabel('Password').nth(1).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(`${origin}/generate`);
}

const stored = (page: Page): Promise<Stored | null> =>
  page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null') as Stored | null, KEY);

/**
 * Changes the stored session; the next page load reads it. (Not a reload here: a load that is
 * left while its refresh is in flight loses the rotated token, and the next refresh, with the used
 * one, would end the session once the server's reuse grace has passed.)
 */
async function tamper(page: Page, change: Partial<Stored>): Promise<void> {
  await page.evaluate(
    ([key, patch]) => {
      const value = JSON.parse(localStorage.getItem(key) ?? '{}') as object;
      localStorage.setItem(key, JSON.stringify({ ...value, ...patch }));
    },
    [KEY, change] as const,
  );
}

/** Opens My images and waits for its answer: the (empty) list, or the sign-in prompt. */
async function openMyImages(page: Page, origin: string): Promise<'list' | 'sign-in'> {
  await page.goto(`${origin}/me`);
  const list = page.getByText('You have no images yet.');
  const signIn = page.locator('a[href^="/account?next"]');
  await list.or(signIn).first().waitFor();
  return (await list.isVisible()) ? 'list' : 'sign-in';
}

/** Waits until the server refuses `refreshToken`: the page's logout request lands shortly after. */
async function sessionEnded(t: TestApp, refreshToken: string | undefined): Promise<void> {
  await waitFor(async () => {
    const res = await t.http.post('/api/v1/auth/refresh').send({ refreshToken });
    return res.status === 401 ? true : undefined;
  }, 'the session to end on the server');
}

/**
 * The dashboard's session (issue 12): short-lived access tokens renewed with the refresh token,
 * once, before a refused request signs the person out; signing out ends the session on the server.
 */
describeBrowser('browser: the dashboard session', () => {
  const suite = appAndBrowser();
  let page: Page;

  beforeAll(async () => {
    page = await suite.browser.newPage();
    page.setDefaultTimeout(10_000);
    await createAccount(page, suite.origin, 'session');
  });

  it('keeps the refresh token with the session', async () => {
    const session = await stored(page);

    expect(session?.refreshToken).toMatch(/^[\w-]{43}$/);
    expect(session?.expiresAt).toBeGreaterThan(session?.accessExpiresAt ?? Infinity);
  });

  it('renews an access token the server refuses, once, and carries on', async () => {
    const before = await stored(page);
    await tamper(page, { token: 'not-a-token' });

    await expect(openMyImages(page, suite.origin)).resolves.toBe('list');

    const after = await stored(page);
    expect(after?.token).not.toBe('not-a-token');
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
  });

  it('renews an expired access token before using it', async () => {
    const before = await stored(page);
    await tamper(page, { accessExpiresAt: Date.now() - 1000 });

    await expect(openMyImages(page, suite.origin)).resolves.toBe('list');

    expect((await stored(page))?.refreshToken).not.toBe(before?.refreshToken);
  });

  it('signs out when the session cannot be renewed', async () => {
    const token = (await stored(page))?.token;
    await suite.t.http
      .post('/api/v1/auth/logout-all')
      .set({ Authorization: `Bearer ${token}` })
      .expect(204);

    await expect(openMyImages(page, suite.origin)).resolves.toBe('sign-in');

    await expect(stored(page)).resolves.toBeNull();
  });

  it('ends the session on the server when the person signs out', async () => {
    await createAccount(page, suite.origin, 'again');
    const refreshToken = (await stored(page))?.refreshToken;

    await page.goto(`${suite.origin}/account`);
    await page.getByRole('button', { name: 'Sign out' }).click();

    await sessionEnded(suite.t, refreshToken);
  });
});

/**
 * Two tabs of the dashboard share one session (localStorage). When its access token expires, both
 * renew at once; they must not present one refresh token twice. The server here forgives no reuse
 * (REFRESH_REUSE_GRACE_SECONDS=0), so only the tabs taking turns (Web Locks) keeps them signed in.
 */
describeBrowser('browser: two tabs renewing one session', () => {
  const ROUNDS = 30;
  const suite = appAndBrowser({ REFRESH_REUSE_GRACE_SECONDS: '0' });

  it('renews once for both tabs, and both carry on signed in', async () => {
    const { origin } = suite;
    const context = await suite.browser.newContext();
    const [first, second] = [await context.newPage(), await context.newPage()];
    for (const tab of [first, second]) tab.setDefaultTimeout(10_000);
    await createAccount(first, origin, 'tabs');
    await second.goto(`${origin}/generate`);
    let renewals = 0;
    context.on('request', (request) => {
      if (request.url().endsWith('/api/v1/auth/refresh')) renewals += 1;
    });

    // A joint renewal went wrong in about 1 of 30 rounds when the tabs handed the new pair over
    // through localStorage alone: enough rounds to see it.
    for (let round = 0; round < ROUNDS; round++) {
      renewals = 0;
      // The access token expires in both tabs at once (a read of the stored session in each).
      await tamper(first, { accessExpiresAt: Date.now() - 1000 });
      const opened = await Promise.all([first, second].map((tab) => openMyImages(tab, origin)));
      expect({ round, opened, renewals }).toEqual({ round, opened: ['list', 'list'], renewals: 1 });
    }

    const refreshToken = (await stored(first))?.refreshToken;
    await suite.t.http.post('/api/v1/auth/refresh').send({ refreshToken }).expect(200);
    await context.close();
  });
});

/**
 * A browser that refuses the page IndexedDB (storage blocked: `indexedDB` throws) keeps the
 * session in localStorage alone: sign-in, renewal and sign-out work as before.
 */
describeBrowser('browser: the dashboard session without IndexedDB', () => {
  const suite = appAndBrowser();

  it('signs in, renews an expired access token and signs out', async () => {
    const { origin } = suite;
    const context = await suite.browser.newContext();
    await context.addInitScript(() => {
      Object.defineProperty(globalThis, 'indexedDB', {
        get() {
          throw new Error('The operation is insecure.');
        },
      });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await createAccount(page, origin, 'no-idb');
    const before = await stored(page);
    await tamper(page, { accessExpiresAt: Date.now() - 1000 });

    await expect(openMyImages(page, origin)).resolves.toBe('list');
    const after = await stored(page);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);

    await page.goto(`${origin}/account`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await waitFor(async () => ((await stored(page)) === null ? true : undefined), 'the sign-out');
    await sessionEnded(suite.t, after?.refreshToken);
    await context.close();
  });
});
