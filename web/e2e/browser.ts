import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, for the dashboard's browser tests (never a downloaded browser).
 * An English browser, so the dashboard starts in English and switching to Chinese is the user's.
 */
/**
 * How long a browser step may wait. The whole suite runs its files in parallel on two cores, beside
 * PostgreSQL and Redis, so a first page load can take many seconds; this bounds a hang, it is not a
 * speed check (benchmarks measure speed).
 */
export const STEP_TIMEOUT_MS = 30_000;

export async function openBrowser(viewport = { width: 1400, height: 900 }): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  return { browser, page: await context.newPage() };
}

/** Open `path` signed out, land on the login page, and sign in as `admin`. */
export async function signIn(page: Page, baseUrl: string, path: string, admin: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL(/\/login/);
  await page.getByTestId('login-email').fill(admin.email);
  await page.getByTestId('login-password').fill(admin.password);
  await page.getByTestId('login-submit').click();
}
