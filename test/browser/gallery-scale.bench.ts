import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { newId } from '../../src/common/ids.js';
import { RandomPromptStrategy } from '../../src/prompts/random.prompt-strategy.js';
import { BlobStore } from '../../src/storage/blobs/blob-store.js';
import { SqliteDatabase } from '../../src/storage/records/sqlite/sqlite.database.js';
import { SqliteImagesRepository } from '../../src/storage/records/sqlite/sqlite.images.repository.js';
import { startApp, type TestApp } from '../support/app.js';
import { chromiumAvailable, launchChromium } from './browser.js';
import { ensureDashboardBuilt } from './dashboard-build.js';

/*
 * Not part of `npm test` (it reports times, and tests never assert on them):
 * `npm run bench:dashboard` seeds BENCH_IMAGES (100k) images into SQLite, opens the gallery in
 * Chromium, and prints the time from navigation to the first thumbnails, then scrolls far and
 * prints how many images were fetched against how many tiles the DOM holds.
 */
const IMAGES = Number(process.env.BENCH_IMAGES ?? 100_000);
const WITH_THUMBNAILS = 400;

declare const document: {
  querySelectorAll(selector: string): ArrayLike<{ complete: boolean; naturalWidth: number }>;
};
declare const performance: { now(): number };
declare const window: {
  scrollBy(x: number, y: number): void;
  readonly innerHeight: number;
  readonly scrollY: number;
};

(chromiumAvailable() ? describe : describe.skip)('bench: the gallery over 100k images', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let origin = '';
  const log = (line: string) => process.stdout.write(`${line}\n`);

  beforeAll(async () => {
    await ensureDashboardBuilt();
    const dataDir = mkdtempSync(join(tmpdir(), 'image-forge-scale-'));
    const started = Date.now();
    const sqlite = new SqliteDatabase(join(dataDir, 'image-forge.db'));
    const images = new SqliteImagesRepository(sqlite);
    const strategy = new RandomPromptStrategy();
    const owner = newId();
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const keys: string[] = [];
    sqlite.db.exec('BEGIN');
    for (let i = 0; i < IMAGES; i++) {
      const { prompt } = await strategy.make({ theme: null, text: null, seed: i });
      const id = newId();
      const thumbnailKey = `thumbnails/2026/01/${id}.webp`;
      if (i >= IMAGES - WITH_THUMBNAILS) keys.push(thumbnailKey);
      await images.insert({
        id,
        ownerId: owner,
        jobId: newId(),
        index: 0,
        scheduleId: null,
        visibility: 'public',
        lineage: { strategy: 'random', theme: null, prompt, revisedPrompt: null },
        prompt,
        negativePrompt: null,
        provider: 'offline',
        model: 'poster-v1',
        width: 1024,
        height: 1024,
        seed: i,
        contentType: 'image/png',
        byteSize: 400_000,
        sha256: 'a'.repeat(64),
        blobKey: `images/2026/01/${id}.png`,
        thumbnailKey,
        thumbnailContentType: 'image/webp',
        tags: [],
        createdAt: new Date(base + i * 1000).toISOString(),
      });
    }
    sqlite.db.exec('COMMIT');
    sqlite.close();
    log(`seeded ${IMAGES} images in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    t = await startApp({}, dataDir);
    const blobs = t.app.get(BlobStore);
    const thumbnail = await sharp({
      create: { width: 256, height: 256, channels: 3, background: '#6d5dfc' },
    })
      .webp()
      .toBuffer();
    for (const key of keys) await blobs.put(key, thumbnail, { contentType: 'image/webp' });
    origin = await t.listen();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${origin}/`);
    // Warm the page's cache of assets: the measure below is a returning visitor's.
    await page.locator('.vgrid-cells img').first().waitFor();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function firstThumbnails(): Promise<number> {
    await page.goto(`${origin}/?bench=${Date.now()}`);
    return page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const check = () => {
            const images = Array.from(document.querySelectorAll('.vgrid-cells img')).slice(0, 12);
            if (images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0)) {
              resolve(performance.now());
            } else setTimeout(check, 10);
          };
          check();
        }),
    );
  }

  it('prints the time to the first thumbnails, and keeps the DOM small while scrolling', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await firstThumbnails());
    times.sort((a, b) => a - b);
    log(
      `first 12 thumbnails decoded ${times[2].toFixed(0)} ms after navigation start ` +
        `(median of 5; min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)}) with ${IMAGES} images`,
    );
    let most = 0;
    for (let i = 0; i < 60; i++) {
      await page.evaluate(() => window.scrollBy(0, window.innerHeight * 2));
      await page.waitForTimeout(60);
      most = Math.max(most, await page.locator('.vgrid-cells li').count());
    }
    await page.waitForTimeout(500);
    const status = await page.locator('main [role="status"]').first().textContent();
    log(`after 60 screens of scrolling: ${status}; at most ${most} tiles in the DOM`);
    expect(most).toBeLessThan(200);

    // Open an image far down, then Back: the grid is where it was, nothing refetched.
    const link = page.locator('.vgrid-cells a').nth(20);
    await link.scrollIntoViewIfNeeded();
    const before = await page.evaluate(() => window.scrollY);
    const href = await link.getAttribute('href');
    await link.click();
    await page.waitForURL(`${origin}${href}`);
    await page.goBack();
    await page.locator(`a[href="${href}"]`).waitFor();
    await page.waitForTimeout(500);
    const after = await page.evaluate(() => window.scrollY);
    log(`scroll before opening an image ${before}, after Back ${after}`);
    expect(Math.abs(after - before)).toBeLessThan(50);
  });
});
