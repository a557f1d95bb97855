import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures";
import { ISSUER, SPA } from "../origins";
import { countLogLines, firstLogin, isSilentAuthorize, openPage, resetIssuer } from "../helpers";

// The issuer (127.0.0.1) is on another site than the SPA (localhost): in the
// renewal iframe its session cookie is a third-party cookie.

const RENEWED = "Silent authentication succeeded";
const SUSPECTED = "Third-party cookies blocked? The renewal iframe found no session";
const CONFIRMED = "Third-party cookies blocked: a top-level prompt=none request found the session";

test.beforeEach(async ({ request }) => {
  await resetIssuer(request);
});

async function renewNow(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Renew now" }).click();
}

test("the renewal iframe is a cross-site frame that carries the issuer's cookie, and renews", async ({ page }) => {
  expect(new URL(ISSUER).hostname).not.toBe(new URL(SPA).hostname);
  await firstLogin(page);
  await openPage(page, "Session");
  const silent: Record<string, string>[] = [];
  page.on("request", async (r) => {
    if (isSilentAuthorize(r.url())) silent.push(await r.allHeaders());
  });
  await renewNow(page);
  await expect.poll(() => countLogLines(page, RENEWED), { timeout: 10_000 }).toBe(1);
  expect(silent).toHaveLength(1);
  expect(silent[0]["sec-fetch-site"]).toBe("cross-site");
  expect(silent[0]["sec-fetch-dest"]).toBe("iframe");
  expect(silent[0]["cookie"]).toMatch(/(^|; )issuer_session=/);
  await expect(page.getByTestId("blocked-renewal")).toHaveCount(0);
  // Restore on reload: the page-load renewal in the iframe, too.
  await page.reload();
  await expect(page.getByTestId("user-name")).toBeVisible();
});

test.describe("in a browser that really blocks third-party cookies (Chromium's setting)", () => {
  test.use({ thirdPartyCookies: "blocked" });

  test("renewal says why it failed, keeps the user, and a top-level renewal brings them back to the same page", async ({
    page,
  }) => {
    await firstLogin(page);
    await openPage(page, "Session");
    const silent: Record<string, string>[] = [];
    page.on("request", async (r) => {
      if (isSilentAuthorize(r.url())) silent.push(await r.allHeaders());
    });
    await renewNow(page);
    const log = page.getByTestId("event-log");
    await expect(log).toContainText(SUSPECTED);
    // The issuer's decision: no cookie came, and the browser said why.
    await expect(log).toContainText("no session cookie in a third-party context: the browser withholds third-party cookies here");
    expect(silent[0]["sec-fetch-storage-access"]).toBe("none");
    expect(silent[0]["cookie"] ?? "").not.toContain("issuer_session");
    // Not signed out: the session stays, and the page says what to do.
    await expect(page.getByTestId("session-ended")).toHaveCount(0);
    await expect(page.getByTestId("user-name")).toBeVisible();
    await expect(page.getByTestId("renewal-state")).toContainText("third-party cookies blocked?");
    const notice = page.getByTestId("blocked-renewal");
    await expect(notice.getByRole("heading", { name: "Third-party cookies blocked?" })).toBeVisible();
    for (const source of ["draft-ietf-oauth-browser-based-apps §6.1", "RFC 9700 §4.14", "draft-ietf-oauth-browser-based-apps §6.3"]) {
      await expect(notice.getByRole("link", { name: source })).toHaveAttribute("href", /^https:\/\//);
    }

    await notice.getByRole("button", { name: "Renew by a top-level redirect" }).click();
    await page.waitForURL(`${SPA}/session`);
    await expect(page.getByTestId("user-name")).toBeVisible();
    await expect(page.getByTestId("event-log")).toContainText(CONFIRMED);
    await expect(page.getByRole("heading", { name: "Session", level: 1 })).toBeVisible();

    // From now on this tab knows: the next iframe failure says so plainly.
    await renewNow(page);
    await expect(page.getByTestId("blocked-renewal").getByRole("heading", { name: "This browser blocks third-party cookies" })).toBeVisible();
    await expect(page.getByTestId("user-name")).toBeVisible();
  });
});

test("the issuer's simulation shows the same in any browser, and by a setting the top-level renewal runs at once", async ({
  page,
}) => {
  await page.goto("/");
  await openPage(page, "Settings");
  await page.getByRole("radio", { name: "renew by a top-level redirect at once" }).check();
  await firstLogin(page);
  await openPage(page, "Playground");
  await page.getByRole("checkbox", { name: "Block third-party cookies (simulated by the issuer)" }).check();
  await expect(page.getByTestId("third-party-cookies-status")).toContainText("now ignores its session cookie");
  await renewNow(page);
  // Back on the same page, signed in, and the log says why it went away.
  await expect(page.getByTestId("event-log")).toContainText(CONFIRMED, { timeout: 15_000 });
  await expect(page).toHaveURL(`${SPA}/playground`);
  await expect(page.getByTestId("user-name")).toBeVisible();
  await expect(page.getByTestId("event-log")).toContainText(SUSPECTED);
  await expect(page.getByTestId("event-log")).toContainText("the dev control ignored it");
});

test("an ordinary login_required still ends the session: at once once the iframe is known to get the cookie", async ({
  page,
  request,
}) => {
  await firstLogin(page);
  await openPage(page, "Session");
  await renewNow(page);
  await expect.poll(() => countLogLines(page, RENEWED), { timeout: 10_000 }).toBe(1);
  expect((await request.post(`${ISSUER}/dev/end-sessions`, { data: {} })).ok()).toBeTruthy();
  await renewNow(page);
  await expect(page.getByTestId("session-ended")).toBeVisible();
  await expect(page.getByTestId("blocked-renewal")).toHaveCount(0);
  expect(await countLogLines(page, SUSPECTED)).toBe(0);
});

test("an ordinary login_required still ends the session: after a top-level check when the iframe was never seen to work", async ({
  page,
  request,
}) => {
  await firstLogin(page);
  await openPage(page, "Session");
  expect((await request.post(`${ISSUER}/dev/end-sessions`, { data: {} })).ok()).toBeTruthy();
  await renewNow(page);
  await expect(page.getByTestId("event-log")).toContainText(SUSPECTED);
  await page.getByTestId("blocked-renewal").getByRole("button", { name: "Renew by a top-level redirect" }).click();
  await expect(page.getByTestId("event-log")).toContainText("Signed out at the provider: a top-level prompt=none request found no session either");
  await expect(page.getByTestId("user-name")).toHaveCount(0);
});
