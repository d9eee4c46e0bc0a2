import { initialJavaScript } from "../support/web-bundle";

/** The budget for what a phone on a slow connection downloads before the board can show anything. */
const BUDGET_BYTES = 250 * 1024;

describe("the tab's initial JavaScript", () => {
  it("stays within 250 KB gzipped: the entry chunk and its static imports, the views loaded on demand left out", () => {
    const { files, gzipBytes } = initialJavaScript();
    expect(files[0]).toMatch(/^assets\/index-.+\.js$/);
    expect(gzipBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
