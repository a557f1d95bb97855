import { expect, test } from "../fixtures";
import { API, ISSUER } from "../origins";

// Runs against the dev build and, in `make test`, the release build too:
// a release wasm can compile and still fail to hydrate.
test.describe("smoke @smoke", () => {
  test("the SPA is server-rendered, then hydrates and reacts to a click", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });

    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "The OAuth 2.0 implicit grant, in Rust",
    );

    // The button only does something once the wasm has hydrated the page.
    const toggle = page.getByRole("button", { name: "Show the three origins" });
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(async () => {
      await toggle.click();
      await expect(page.getByTestId("origins")).toBeVisible({ timeout: 500 });
    }).toPass({ timeout: 15_000 });
    await expect(page.getByTestId("origins")).toContainText(ISSUER);
    await expect(page.getByRole("button", { name: "Hide the three origins" })).toHaveAttribute(
      "aria-expanded",
      "true",
    );
    expect(errors).toEqual([]);
  });

  test("the authorization server and the API answer on their own origins", async ({ request }) => {
    const issuer = await request.get(`${ISSUER}/health`);
    expect(issuer.status()).toBe(200);
    expect(await issuer.json()).toMatchObject({ status: "ok", service: "authorization server" });

    const api = await request.get(`${API}/health`);
    expect(api.status()).toBe(200);
    expect(await api.json()).toMatchObject({ status: "ok", service: "protected API" });
  });
});
