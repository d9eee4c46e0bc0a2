// Jest runs this once before any test file: the browser tests and the size budget need the tab's front end built
// as it is in the working tree, so a fresh clone (or a change under web/) is built here, and an up-to-date build is reused.
import { buildWeb, isCurrent } from "../../scripts/build-web.mjs";

export default async function buildWebIfStale() {
  if (!isCurrent()) await buildWeb();
}
