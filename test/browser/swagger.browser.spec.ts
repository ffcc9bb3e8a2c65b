import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { register, startApp, type TestApp } from '../support/app.js';
import { chromiumAvailable, launchChromium } from './browser.js';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

/**
 * Swagger UI as a person uses it: authorize with a token, "Try it out" on POST /generations with
 * the example the spec pre-fills, then with the body emptied; both are accepted (202).
 * (Without Chromium the dashboard spec reports the skip, and fails it under CI.)
 */
describeBrowser('browser: Swagger UI at /docs', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startApp();
    const origin = await t.listen();
    const { token } = await register(t.http);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    await page.goto(`${origin}/docs`);
    await page.locator('.swagger-ui .information-container').waitFor();
    await page.locator('button.authorize').first().click();
    const modal = page.locator('.dialog-ux .modal-ux');
    await modal.locator('input[type="text"], input[type="password"]').first().fill(token);
    // The first form is the `bearer` scheme's (the second, `apiKey`, takes an API key).
    await modal.locator('button.modal-btn.authorize').first().click();
    await modal.locator('button.btn-done').first().click();
    const operation = page.locator('#operations-generations-createGeneration');
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Presses Execute and reads the live response: status code and body. */
  async function execute(): Promise<{ status: string; body: string }> {
    const operation = page.locator('#operations-generations-createGeneration');
    await operation
      .locator('.live-responses-table')
      .waitFor({ state: 'detached' })
      .catch(() => {});
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation
      .locator('.live-responses-table tr.response .response-col_status')
      .first();
    await status.waitFor();
    const code = (await status.textContent())!.trim();
    const body = await operation
      .locator('.live-responses-table tr.response .response-col_description pre')
      .first()
      .textContent();
    await operation.getByRole('button', { name: 'Clear' }).click();
    return { status: code, body: body ?? '' };
  }

  it('accepts the pre-filled example (202)', async () => {
    const body = page.locator('#operations-generations-createGeneration textarea.body-param__text');
    await body.waitFor();
    expect(await execute()).toEqual({ status: '202', body: expect.stringContaining('queued') });
  });

  it('accepts an empty body (202: random prompt, default provider)', async () => {
    const body = page.locator('#operations-generations-createGeneration textarea.body-param__text');
    await body.fill('');
    expect(await execute()).toEqual({ status: '202', body: expect.stringContaining('queued') });
  });
});
