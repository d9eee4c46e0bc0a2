/**
 * `npm run fuzz`: the long run, 10,000 requests unless FUZZ_REQUESTS says otherwise, from FUZZ_SEED or a fresh
 * seed. Prints the figures, and exits 1 if any of the fuzz's rules was broken.
 */
import { formatFigures, fuzzProblems, runFuzz } from "./fuzz-run";

async function main(): Promise<void> {
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const requests = Number(process.env.FUZZ_REQUESTS ?? 10_000);
  process.stdout.write(`Fuzzing with seed ${seed}: ${requests} requests…\n`);
  const figures = await runFuzz({ seed, requests, concurrency: 20 });
  process.stdout.write(`${formatFigures(figures)}\n`);
  const problems = fuzzProblems(figures);
  if (problems.length > 0) {
    process.stdout.write(`\nFAILED:\n${problems.join("\n")}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`The fuzz run could not finish: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
