import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures";
import { ISSUER, SPA } from "../origins";
import {
  countLogLines,
  denyWithDescription,
  firstLogin,
  logInAtIssuer,
  loginForAccessTokenOnly,
  openPage,
  resetIssuer,
  setLatency,
  waitForHydration,
} from "../helpers";

// What a screen-reader or keyboard user meets, page by page. axe-core checks
// the WCAG 2.1 A and AA rules it can decide from the DOM; the tests after it
// check what it cannot: live regions, focus, titles, wrapping, descriptions.

test.beforeEach(async ({ request }) => {
  await resetIssuer(request);
});

/** Runs axe on the page as it is now; fails listing each rule and element. */
async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`,
  );
  expect(found, `axe on ${where}`).toEqual([]);
}

test("every page passes axe's WCAG 2.1 A and AA rules, signed out and signed in, the issuer's pages too", async ({
  page,
}) => {
  // A login and sixteen axe scans: about 30 s on a 2-core machine.
  test.setTimeout(60_000);
  for (const path of ["/", "/profile", "/api", "/session", "/settings", "/playground", "/no-such-page"]) {
    await page.goto(path);
    await waitForHydration(page);
    await expectNoAxeViolations(page, `${path}, signed out`);
  }
  // A refused callback: an error callout with a "Log in again" button.
  await page.goto("/callback#access_token=x&token_type=Bearer&state=nobody-sent-this");
  await expect(page.getByTestId("callback-refused")).toBeVisible();
  await expectNoAxeViolations(page, "/callback, refused");

  await page.goto("/");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await expectNoAxeViolations(page, "the issuer's login page");
  await logInAtIssuer(page);
  await expect(page.getByRole("heading", { name: /^Authorize / })).toBeVisible();
  await expectNoAxeViolations(page, "the issuer's consent page");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByTestId("user-name")).toBeVisible();
  await expectNoAxeViolations(page, "/, signed in");

  await openPage(page, "Profile");
  await page.getByRole("button", { name: "Fetch UserInfo" }).click();
  await expect(page.getByTestId("userinfo")).toBeVisible();
  await expectNoAxeViolations(page, "/profile, signed in, with UserInfo");
  await openPage(page, "API");
  await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
  await expect(page.getByTestId("api-status")).toHaveText("200");
  await expectNoAxeViolations(page, "/api, after a call");
  await openPage(page, "Session");
  await expect(page.getByTestId("renewal-state")).toBeVisible();
  await expectNoAxeViolations(page, "/session, signed in");
  await openPage(page, "Settings");
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expectNoAxeViolations(page, "/settings, signed in");
  await openPage(page, "Playground");
  await expect(page.getByRole("heading", { level: 1, name: "Failure playground" })).toBeVisible();
  // The issuer's lane too, read by the page's polling.
  await expect(page.locator('[data-testid="timeline"] [data-lane="issuer"]').first()).toBeVisible();
  await expectNoAxeViolations(page, "/playground, signed in, with its timeline");
});

test("the issuer's other pages pass axe: its tenant page, an error, \"Log out?\", still logged in, logged out", async ({
  page,
}) => {
  // A login and five axe scans.
  test.setTimeout(60_000);
  await page.goto(`${ISSUER}/`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoAxeViolations(page, "the issuer's tenant page");
  // An unknown client: an error page, never a redirect.
  const callback = encodeURIComponent(`${SPA}/callback`);
  await page.goto(`${ISSUER}/authorize?client_id=nobody&redirect_uri=${callback}&response_type=token`);
  await expect(page).toHaveURL((url) => url.origin === ISSUER && url.pathname === "/authorize");
  await expect(page.getByRole("alert")).toContainText("not registered");
  await expectNoAxeViolations(page, "the issuer's error page");

  // A logout request with no id_token_hint asks first.
  await firstLogin(page);
  await page.goto(`${ISSUER}/oidc/logout`);
  await expect(page.getByRole("heading", { name: "Log out?" })).toBeVisible();
  await expectNoAxeViolations(page, "the issuer's \"Log out?\" page");
  await page.getByRole("button", { name: "Stay logged in" }).click();
  await expect(page.getByRole("heading", { name: "You are still logged in" })).toBeVisible();
  await expectNoAxeViolations(page, "the issuer's \"still logged in\" page");
  await page.goto(`${ISSUER}/oidc/logout`);
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page.getByRole("heading", { name: "You are logged out" })).toBeVisible();
  await expectNoAxeViolations(page, "the issuer's \"logged out\" page");
});

test("the playground passes axe with a fault armed and a request followed", async ({ page }) => {
  await page.goto("/playground");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Arm wrong_nonce" }).click();
  await expect(page.getByTestId("armed-faults")).toContainText("wrong_nonce");
  // And a request followed: its tags pressed, the lists filtered.
  const tag = page.getByTestId("event-log").getByRole("button", { pressed: false }).filter({ has: page.locator("code") }).first();
  await tag.click();
  await expect(page.getByTestId("event-log-focus")).toBeVisible();
  await expectNoAxeViolations(page, "/playground, a fault armed, a request followed");
});

test("each page has its own title, and following a link moves focus to the new page's heading", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Home · Implicit grant in Leptos");
  for (const [link, heading] of [
    ["Profile", "Profile"],
    ["API", "Call the API"],
    ["Session", "Session"],
    ["Settings", "Settings"],
    ["Playground", "Failure playground"],
    ["Home", "The OAuth 2.0 implicit grant, in Rust"],
  ] as const) {
    await openPage(page, link);
    await expect(page).toHaveTitle(`${link} · Implicit grant in Leptos`);
    // A screen reader starts reading the new page, not the link just used.
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeFocused();
  }
  // A page loaded from the server keeps the browser's own starting point.
  await page.goto("/settings");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Settings · Implicit grant in Leptos");
  // Focus moves a frame after a navigation: give it two before looking.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await expect(page.getByRole("heading", { level: 1 })).not.toBeFocused();
});

test("the first Tab offers a skip link past the navigation to the page's content", async ({ page }) => {
  await page.goto("/api");
  await waitForHydration(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to the content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  // The next Tab lands in the content, not back in the navigation.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "GET /api/public", exact: true })).toBeFocused();
});

test("answers that arrive later are announced: API results, UserInfo, the renewal state and the event log are live regions", async ({
  page,
  request,
}) => {
  await firstLogin(page);
  // role=log is polite: each new event is read once, in order.
  const log = page.getByRole("log", { name: "Event log" });
  await expect(log).toHaveAttribute("aria-live", "polite");
  await expect(log.locator("li").first()).toBeAttached();

  await openPage(page, "API");
  // A region that is there before the call and stays, so that its change
  // is announced; a region created with its text is seldom read.
  const apiRegion = page.getByRole("status", { name: "API result" });
  await expect(apiRegion).toHaveText("");
  const apiNode = await apiRegion.elementHandle();
  await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
  await expect(apiRegion).toHaveText("GET /api/private → 200");
  expect(await apiNode?.evaluate((node) => node.isConnected)).toBe(true);
  // A one-line summary: the body is on screen, not read out.
  await expect(page.getByTestId("api-body")).toBeVisible();

  await openPage(page, "Profile");
  const userinfoRegion = page.getByRole("status", { name: "UserInfo result" });
  await expect(userinfoRegion).toHaveText("");
  const userinfoNode = await userinfoRegion.elementHandle();
  await page.getByRole("button", { name: "Fetch UserInfo" }).click();
  await expect(userinfoRegion).toHaveText(/^UserInfo: \d+ claims$/);
  expect(await userinfoNode?.evaluate((node) => node.isConnected)).toBe(true);
  await expect(page.getByRole("table", { name: "UserInfo claims" })).toBeVisible();
  await expect(page.getByRole("table", { name: "ID token claims" })).toBeVisible();

  // The renewal state is announced when it changes, without the
  // once-a-second countdown beside it.
  await openPage(page, "Session");
  const renewal = page.getByRole("status", { name: "Silent renewal" });
  await expect(renewal).toHaveText("scheduled");
  await expect(page.getByTestId("renewal-state")).toContainText(/next renewal in \d+ s/);
  await setLatency(request, 1_500);
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect(renewal).toHaveText("renewing now");
  await expect(renewal).toHaveText("scheduled");
});

test("events restored after a reload are not read out again: the log is silent until they are back", async ({
  page,
}) => {
  await firstLogin(page);
  // Records aria-live on the log when its first event appears in the DOM.
  await page.addInitScript(() => {
    const seen: (string | null)[] = [];
    (window as unknown as { liveWhenFilled: (string | null)[] }).liveWhenFilled = seen;
    new MutationObserver(() => {
      const region = document.querySelector('[role="log"]');
      if (seen.length === 0 && region?.querySelector("li")) seen.push(region.getAttribute("aria-live"));
    }).observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  await waitForHydration(page);
  const log = page.getByRole("log", { name: "Event log" });
  await expect(log.locator("li").first()).toBeAttached();
  expect(await page.evaluate(() => (window as unknown as { liveWhenFilled: string[] }).liveWhenFilled)).toEqual(["off"]);
  await expect(log).toHaveAttribute("aria-live", "polite");
});

test("the event log can be made quiet in Settings, and stays quiet after a reload", async ({ page }) => {
  await page.goto("/settings");
  await waitForHydration(page);
  const log = page.getByRole("log", { name: "Event log" });
  const announce = page.getByRole("checkbox", { name: "Read new events out to screen readers" });
  await expect(announce).toHaveAccessibleDescription(/live region/);
  await expect(announce).toBeChecked();
  await openPage(page, "Home");
  await expect(log).toHaveAttribute("aria-live", "polite");

  await openPage(page, "Settings");
  await announce.uncheck();
  await openPage(page, "Home");
  await expect(log).toHaveAttribute("aria-live", "off");
  const pageLoadChecks = await countLogLines(page, "page load");
  await page.reload();
  await waitForHydration(page);
  // Once this load's own silent check is logged, a log that speaks would
  // have turned polite long before.
  await expect.poll(() => countLogLines(page, "page load")).toBeGreaterThan(pageLoadChecks);
  await expect(log).toHaveAttribute("aria-live", "off");
  // The events are still there to read.
  await expect(log.locator("li").first()).toBeAttached();

  await openPage(page, "Settings");
  await announce.check();
  await openPage(page, "Home");
  await expect(log).toHaveAttribute("aria-live", "polite");
});

test("the settings' hints describe their fields, and an out-of-range number is refused out loud", async ({ page }) => {
  await page.goto("/settings");
  await waitForHydration(page);
  const skew = page.getByRole("spinbutton", { name: "Clock skew allowed on exp and iat (seconds)" });
  await expect(skew).toHaveAccessibleDescription(/OIDC Core §3\.1\.3\.7/);
  const before = await skew.inputValue();

  await skew.fill("9999");
  await skew.blur();
  const refusal = page.getByRole("alert").filter({ hasText: "9999" });
  await expect(refusal).toHaveText(`9999 is not a whole number from 0 to 600: the setting stays ${before}.`);
  await expect(skew).toHaveValue(before);
  // The refusal is part of the field's description while it stands.
  await expect(skew).toHaveAccessibleDescription(/9999 is not a whole number/);

  await skew.fill("30");
  await skew.blur();
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(skew).toHaveValue("30");
  await expect(skew).toHaveAccessibleDescription(
    "OIDC Core §3.1.3.7 lets the client allow for small clock differences with the provider.",
  );
});

test("on a 360-pixel-wide screen long values wrap instead of widening the page", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const fitsTheScreen = () =>
    page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

  // A provider's error whose description is one long word.
  const word = "x".repeat(300);
  await denyWithDescription(page, word);
  await page.goto("/");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("error-description")).toHaveText(word);
  expect(await fitsTheScreen(), "/callback, a provider's error").toBeTruthy();

  // The API's 401 challenge, signed out: a long header in <code>.
  await page.goto("/api");
  await waitForHydration(page);
  await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
  await expect(page.getByTestId("api-status")).toHaveText("401");
  expect(await fitsTheScreen(), "/api, 401").toBeTruthy();
});

test("text fields' borders stand out from their background (WCAG 1.4.11: at least 3:1)", async ({ page }) => {
  /** The contrast ratio of an element's border against its parent section's background. */
  const borderContrast = (selector: string) =>
    page.locator(selector).first().evaluate((input) => {
      const rgb = (css: string) => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const luminance = (css: string) => {
        const [r, g, b] = rgb(css).map((v) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      let backdrop: Element | null = input.parentElement;
      while (backdrop && getComputedStyle(backdrop).backgroundColor === "rgba(0, 0, 0, 0)") {
        backdrop = backdrop.parentElement;
      }
      const background = backdrop ? getComputedStyle(backdrop).backgroundColor : "rgb(255, 255, 255)";
      const [a, b] = [luminance(getComputedStyle(input).borderTopColor), luminance(background)];
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });

  await page.goto("/api");
  await waitForHydration(page);
  expect(await borderContrast("input#message")).toBeGreaterThanOrEqual(3);
  await page.goto("/settings");
  await waitForHydration(page);
  expect(await borderContrast("input[type=number]")).toBeGreaterThanOrEqual(3);
  await page.goto("/");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  expect(await borderContrast("input[name=username]")).toBeGreaterThanOrEqual(3);
});

test("signed out, each page says so once and says what to do", async ({ page }) => {
  await page.goto("/session");
  await waitForHydration(page);
  await expect(page.getByText(/signed out/i)).toHaveCount(1);
  await page.goto("/profile");
  await waitForHydration(page);
  await expect(page.getByTestId("profile-empty")).toHaveText(
    "You are signed out: log in to see who you are, from the claims of your ID token.",
  );
});

test("with an access token only, the profile page says why there are no claims and how to get them", async ({
  page,
}) => {
  await loginForAccessTokenOnly(page);
  await openPage(page, "Profile");
  await expect(page.getByTestId("profile-empty")).toHaveText(
    'No ID token: this login asked for response type "token", an access token only. ' +
      'Choose "id_token token" in Settings and log in again.',
  );
});
