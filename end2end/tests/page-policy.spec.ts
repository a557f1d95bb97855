import { expect, test, type Page } from "@playwright/test";
import { countLogLines, firstLogin, openPage, resetIssuer } from "../helpers";

// The SPA holds tokens in its memory, so a script injected into its pages
// could take them. Its pages allow only their own scripts (a nonce per
// response, and this origin's files): the app must work entirely under that
// policy, and a script that slipped into the page must not run.

test.beforeEach(async ({ request }) => {
  await resetIssuer(request);
});

/** Records every CSP violation of each document the page loads. */
async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, "__cspViolations", { value: seen });
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => [...((window as unknown as { __cspViolations: string[] }).__cspViolations ?? [])]);
}

test("the app runs under its script policy, and a script injected into the page does not run @smoke", async ({ page }) => {
  await recordViolations(page);
  await firstLogin(page);
  expect(await violations(page)).toEqual([]);

  // An API call and a silent renewal (a hidden iframe, WebCrypto) too.
  await openPage(page, "API");
  await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
  await expect(page.getByTestId("api-status")).toHaveText("200");
  await openPage(page, "Session");
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect.poll(() => countLogLines(page, "Silent authentication succeeded")).toBe(1);
  expect(await violations(page)).toEqual([]);

  // As an XSS would: an inline script and an inline handler, added to the page.
  const ran = await page.evaluate(async () => {
    const flags = window as unknown as { __injected?: boolean; __handler?: boolean };
    const script = document.createElement("script");
    script.textContent = "window.__injected = true;";
    document.body.append(script);
    const image = document.createElement("img");
    image.setAttribute("onerror", "window.__handler = true;");
    image.src = "data:,not-an-image";
    document.body.append(image);
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { script: flags.__injected === true, handler: flags.__handler === true };
  });
  expect(ran).toEqual({ script: false, handler: false });
  const refused = await violations(page);
  expect(refused.some((v) => v.startsWith("script-src-elem inline"))).toBe(true);
  expect(refused.some((v) => v.startsWith("script-src-attr inline"))).toBe(true);
});
