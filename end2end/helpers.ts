import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { ISSUER, SPA } from "./origins";

// The demo users of the default tenant (shown on the issuer's login page).
export const ALICE = { username: "alice", password: "wonderland" };
export const BOB = { username: "bob", password: "builder" };

/** Back to the configured issuer state: no faults, sessions, consents. */
export async function resetIssuer(request: APIRequestContext): Promise<void> {
  const response = await request.post(`${ISSUER}/dev/reset`, { data: {} });
  expect(response.ok()).toBeTruthy();
}

/** Arms a dev-control fault for the next `count` authorization responses. */
export async function armFault(
  request: APIRequestContext,
  fault: { error: string } | { tamper: string } | { document: string },
  count = 1,
  promptNoneOnly = false,
): Promise<void> {
  const response = await request.post(`${ISSUER}/dev/faults`, {
    data: { fault, count, prompt_none_only: promptNoneOnly },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
}

/** One fault of the issuer's dev controls, as `GET /dev/faults` lists it. */
export type FaultInfo = {
  fault: { error: string } | { tamper: string } | { document: string };
  description: string;
  caught_by?: { check: string; label: string };
  expected?: "accepted" | { refused_by: string };
  conformance_test?: string;
  spec: string;
  spec_url: string;
};

/** A fault's name: its tamper, document or error. */
export function faultName(info: FaultInfo): string {
  return Object.values(info.fault)[0];
}

/** Every fault the issuer's dev controls can arm, with the check that must catch it. */
export async function faultCatalogue(request: APIRequestContext): Promise<FaultInfo[]> {
  const response = await request.get(`${ISSUER}/dev/faults`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()).catalogue;
}

/** Waits until the page has hydrated (client-only parts are rendered). */
export async function waitForApp(page: Page): Promise<void> {
  await expect(page.getByTestId("session-status")).toBeVisible({ timeout: 20_000 });
}

/**
 * Makes the page's first request to `url` hang for good (never answered,
 * never failed), as a server that accepts a call and then stalls; the
 * requests after it go through.
 */
export async function hangFirst(page: Page, url: string): Promise<void> {
  let hung = false;
  await page.route(url, async (route) => {
    if (!hung) {
      hung = true;
      return; // never fulfilled
    }
    await route.fallback();
  });
}

/**
 * Serves this page the issuer's discovery document changed by `edit`, as
 * another provider might publish it.
 */
export async function editDiscovery(page: Page, edit: (metadata: Record<string, unknown>) => void): Promise<void> {
  await page.route(`${ISSUER}/.well-known/openid-configuration`, async (route) => {
    const response = await route.fetch();
    const metadata = await response.json();
    edit(metadata);
    await route.fulfill({ response, json: metadata });
  });
}

/** Waits until any page has hydrated: no client-only placeholder is left. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.getByText("Loading in your browser…")).toHaveCount(0, { timeout: 20_000 });
}

/** Fills the issuer's login form. */
export async function logInAtIssuer(page: Page, user = ALICE): Promise<void> {
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** From the SPA's home page: full first login with consent. */
export async function firstLogin(page: Page): Promise<void> {
  await page.goto("/");
  await waitForApp(page);
  await page.getByRole("button", { name: "Log in" }).click();
  await logInAtIssuer(page);
  await expect(page.getByRole("heading", { name: /^Authorize / })).toBeVisible();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByTestId("user-name")).toBeVisible();
}

/**
 * After a first login, logs in again for an access token only
 * (`response_type=token`; the session and consent exist, so no page shows).
 */
export async function loginForAccessTokenOnly(page: Page): Promise<void> {
  await firstLogin(page);
  await openPage(page, "Settings");
  await page.getByRole("radio", { name: /an access token only/ }).check();
  await openPage(page, "Home");
  await page.getByRole("button", { name: "Forget tokens" }).click();
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("user-name")).toHaveText("(access token only)");
}

/**
 * Stands in for the provider: every authorization request is answered at
 * once with `access_denied` and this `error_description`, as any provider
 * may send it.
 */
export async function denyWithDescription(page: Page, description: string): Promise<void> {
  await page.route((url) => url.origin === ISSUER && url.pathname === "/authorize", async (route) => {
    const state = new URL(route.request().url()).searchParams.get("state") ?? "";
    // As the issuer answers: with its `iss` (RFC 9207), or the client refuses it.
    const fragment = new URLSearchParams({ error: "access_denied", error_description: description, state, iss: ISSUER });
    await route.fulfill({ status: 302, headers: { location: `${SPA}/callback#${fragment}` } });
  });
}

/** Client-side navigation through the app's menu (keeps in-memory tokens). */
export async function openPage(page: Page, name: "Home" | "Profile" | "API" | "Session" | "Settings" | "Playground"): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
}

/** Sets token lifetimes at the issuer (dev control). */
export async function setLifetimes(
  request: APIRequestContext,
  lifetimes: { access_token_secs?: number; id_token_secs?: number },
): Promise<void> {
  const response = await request.post(`${ISSUER}/dev/lifetimes`, { data: lifetimes });
  expect(response.ok(), await response.text()).toBeTruthy();
}

/**
 * Makes the issuer answer with a `scope` that names only the API's scopes,
 * as some certified providers do (dev control).
 */
export async function setNarrowScope(request: APIRequestContext, enabled: boolean): Promise<void> {
  const response = await request.post(`${ISSUER}/dev/narrow-scope`, { data: { enabled } });
  expect(response.ok(), await response.text()).toBeTruthy();
}

/**
 * Sets the `iss` the issuer's authorization responses carry (dev control):
 * another issuer's, none, or (`{}`) its own.
 */
export async function setResponseIss(request: APIRequestContext, body: { iss?: string; omit?: boolean }): Promise<void> {
  const response = await request.post(`${ISSUER}/dev/response-iss`, { data: body });
  expect(response.ok(), await response.text()).toBeTruthy();
}

/** Delays the issuer's /authorize answers (dev control). */
export async function setLatency(request: APIRequestContext, ms: number): Promise<void> {
  const response = await request.post(`${ISSUER}/dev/latency`, { data: { ms } });
  expect(response.ok(), await response.text()).toBeTruthy();
}

/** Whether a request is a silent (prompt=none) authorization request. */
export function isSilentAuthorize(url: string): boolean {
  return url.startsWith(`${ISSUER}/authorize`) && new URL(url).searchParams.get("prompt") === "none";
}

/** Counts the event log's lines that contain `text`. */
export async function countLogLines(page: Page, text: string): Promise<number> {
  return page.getByTestId("event-log").locator("li", { hasText: text }).count();
}

/** Rotates the issuer's signing keys (dev control). */
export async function rotateKeys(request: APIRequestContext): Promise<void> {
  const response = await request.post(`${ISSUER}/dev/rotate-keys`, { data: {} });
  expect(response.ok(), await response.text()).toBeTruthy();
}
