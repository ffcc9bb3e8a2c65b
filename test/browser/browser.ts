import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = new URL('../../', import.meta.url).pathname;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(root, 'test-artifacts', 'screenshots');

/**
 * Whether the browser tier can run. Without Chromium it says so in one line, and under CI the
 * caller turns that into a failure (a CI that silently skips the browser tests tests nothing).
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  process.stderr.write(
    `browser tier skipped: no Chromium at ${CHROMIUM_PATH} ` +
      '(install it with `apt-get install -y chromium`, or set CHROMIUM_PATH)\n',
  );
  return false;
}

/** Debian's Chromium, headless, with a fresh temporary profile (playwright makes one per launch). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/*
 * The functions handed to page.evaluate() run in the page. The Node type-check has no DOM
 * library (adding it would change the types the service sees), so they name what they use.
 */
interface PageImage {
  readonly complete: boolean;
  readonly naturalWidth: number;
}
declare const document: {
  readonly images: ArrayLike<PageImage>;
  readonly activeElement: { blur?(): void } | null;
  querySelectorAll(selector: string): ArrayLike<PageImage>;
};
declare const window: {
  readonly axe: { run(...args: unknown[]): Promise<unknown> };
  scrollTo(x: number, y: number): void;
};
declare const localStorage: { getItem(key: string): string | null };
declare function requestAnimationFrame(callback: () => void): number;

const AXE_SOURCE = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. axe is evaluated through
 * the DevTools protocol, which the page's Content-Security-Policy does not block.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = (await window.axe.run(document, { resultTypes: ['violations'] })) as {
      violations: AxeViolation[];
    };
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

export const WIDTHS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1440, height: 900 },
] as const;

/** Full-page screenshots at phone and desktop width, and in dark mode at desktop width. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const shots = [...WIDTHS.map((size) => ({ ...size, dark: false })), { ...WIDTHS[1], dark: true }];
  for (const { width, height, dark } of shots) {
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
    // From the top, with nothing focused: a full-page shot of a scrolled page draws the sticky
    // header where the viewport was (mid-page, with the skip link above it), and a focused field
    // shows its focus ring.
    await page.evaluate(() => {
      document.activeElement?.blur?.();
      window.scrollTo(0, 0);
    });
    // And no hover state where the last click left the mouse.
    await page.mouse.move(0, 0);
    // Let the grid re-measure and images settle at the new width.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
        ),
    );
    await imagesLoaded(page);
    const file = `${name}-${width}${dark ? '-dark' : ''}.png`;
    await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Waits until every `<img>` on the page has loaded (or failed: then the caller's checks speak). */
export async function imagesLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () => Array.from(document.images).every((img) => img.complete),
    undefined,
    {
      timeout: 10_000,
    },
  );
}

/** Whether every image matching `selector` has loaded with real pixels. */
export function allDecoded(page: Page, selector: string): Promise<boolean> {
  return page.evaluate(
    (css) =>
      Array.from(document.querySelectorAll(css)).every(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    selector,
  );
}

/** The access token the dashboard keeps for the signed-in user. */
export function sessionToken(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (JSON.parse(localStorage.getItem('image-forge.session') ?? '{}') as { token: string }).token,
  );
}
