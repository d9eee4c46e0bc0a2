import type { z } from "zod";
import type { Logger } from "../app/ports";
import type { AdaptiveCard } from "../cards/card-parts";
import { noticeCard } from "../cards/notice.card";

/**
 * Runs an action on its card data once the data has passed its schema. Data that does not (a card from an older
 * version, or a forged one) changes nothing, and the person is told how to get a fresh card.
 */
export async function withCardData<S extends z.ZodTypeAny>(
  schema: S,
  data: unknown,
  log: Logger,
  freshCard: string,
  run: (d: z.infer<S>) => Promise<AdaptiveCard>,
): Promise<AdaptiveCard> {
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) {
    log.warn("card data rejected", { fields: parsed.error.issues.map((i) => i.path.join(".")) });
    return noticeCard("That card is out of date", `Nothing was changed. Type "${freshCard}" to get a fresh card.`);
  }
  return run(parsed.data);
}
