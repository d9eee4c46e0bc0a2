/**
 * The fuzz's short form, in every `npm test`: 1,500 seeded requests (a fresh seed each run unless FUZZ_SEED is
 * set; the test's name says which) over real HTTP into the real app on Azurite, with and without app
 * credentials. `npm run fuzz` runs 10,000 and prints the figures.
 */
import { formatFigures, fuzzProblems, runFuzz } from "./fuzz-run";

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe("the fuzz, short form", () => {
  it(`answers 1,500 hostile requests without a 5xx, a crash, a forged token getting past 401, a leak or a stalled event loop (FUZZ_SEED=${seed})`, async () => {
    const figures = await runFuzz({ seed, requests: 1500, concurrency: 20 });
    const problems = fuzzProblems(figures);
    if (problems.length > 0) throw new Error(`${problems.join("\n")}\n\n${formatFigures(figures)}`);
  }, 120_000);
});
