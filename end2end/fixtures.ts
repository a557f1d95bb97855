import { test as base, type BrowserContext } from "@playwright/test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export { expect } from "@playwright/test";

/**
 * What the browser does with a cookie in a frame of another site, as its
 * "Third-party cookies" setting says.
 * - `allowed`: a browser on default settings (Chrome, Edge).
 * - `blocked`: Safari, Firefox's and Brave's defaults, Chrome with the setting on.
 */
export type ThirdPartyCookies = "allowed" | "blocked";

type Fixtures = {
  /** The profile's third-party cookie setting: `test.use({ thirdPartyCookies: "blocked" })`. */
  thirdPartyCookies: ThirdPartyCookies;
  /** Opens another browser profile (no cookies, storage or cache); closed after the test. */
  newProfile: () => Promise<BrowserContext>;
};

// Chromium's `profile.cookie_controls_mode` (content_settings::CookieControlsMode).
const COOKIE_CONTROLS_MODE: Record<ThirdPartyCookies, number> = { allowed: 0, blocked: 1 };

/**
 * Every test's browser is a profile of its own on disk, as a user's browser
 * is. Playwright's usual contexts are off the record, and Chromium blocks
 * third-party cookies there, as in an incognito window (measured on
 * Chromium 156: the issuer's iframe got no cookie, `Sec-Fetch-Storage-Access:
 * none`): with the issuer on another site, no silent renewal could work.
 */
export const test = base.extend<Fixtures>({
  thirdPartyCookies: ["allowed", { option: true }],

  newProfile: async ({ playwright, thirdPartyCookies }, use) => {
    const opened: { context: BrowserContext; dir: string }[] = [];
    await use(async () => {
      const dir = await mkdtemp(join(tmpdir(), "e2e-profile-"));
      await mkdir(join(dir, "Default"));
      const preferences = { profile: { cookie_controls_mode: COOKIE_CONTROLS_MODE[thirdPartyCookies] } };
      await writeFile(join(dir, "Default", "Preferences"), JSON.stringify(preferences));
      // The config's launch options (Debian's Chromium, its flags) and
      // context options (baseURL, bypassCSP) apply here too.
      const context = await playwright.chromium.launchPersistentContext(dir);
      opened.push({ context, dir });
      return context;
    });
    for (const { context, dir } of opened) {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  },

  context: async ({ newProfile }, use) => {
    await use(await newProfile());
  },

  // A profile opens with one blank tab: the test's page.
  page: async ({ context }, use) => {
    await use(context.pages()[0] ?? (await context.newPage()));
  },
});
