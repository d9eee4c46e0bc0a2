/** Reading cards the way a person would: the words on them and the buttons they can tap. */

export interface CardAction {
  type: string;
  title?: string;
  verb?: string;
  data?: Record<string, unknown>;
}

function walk(node: unknown, visit: (value: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((child) => walk(child, visit));
  else if (node && typeof node === "object") {
    visit(node as Record<string, unknown>);
    Object.values(node).forEach((child) => walk(child, visit));
  }
}

/** Every Action.Execute on the card except the refresh action. */
export function buttonsOf(card: Record<string, unknown>): CardAction[] {
  const { refresh: _refresh, ...body } = card;
  const found: CardAction[] = [];
  walk(body, (value) => {
    if (value.type === "Action.Execute") found.push(value as unknown as CardAction);
  });
  return found;
}

export function button(card: Record<string, unknown>, title: RegExp): CardAction {
  const match = buttonsOf(card).find((b) => title.test(b.title ?? ""));
  if (!match) throw new Error(`no button matching ${title} among: ${buttonsOf(card).map((b) => b.title).join(", ")}`);
  return match;
}

/** All visible text on the card, joined: TextBlocks, facts, input labels and error messages. */
export function textOf(card: Record<string, unknown>): string {
  const parts: string[] = [];
  walk(card, (value) => {
    for (const key of ["text", "title", "value", "label", "errorMessage"]) {
      const v = value[key];
      if (typeof v === "string" && key !== "value") parts.push(v);
      if (key === "value" && typeof v === "string" && value.type !== "Input.Text") parts.push(v);
    }
  });
  return parts.join("\n");
}

/**
 * Every input on the card (fold-outs included) with the value it shows, by id: what Teams sends with an
 * Action.Execute when the person changes nothing. An input with no value sends "" (a toggle its valueOff, "false").
 */
export function inputsOf(card: Record<string, unknown>): Record<string, string> {
  const inputs: Record<string, string> = {};
  walk(card, (value) => {
    if (typeof value.type === "string" && value.type.startsWith("Input.") && typeof value.id === "string") {
      const unset = value.type === "Input.Toggle" ? (typeof value.valueOff === "string" ? value.valueOff : "false") : "";
      inputs[value.id] = typeof value.value === "string" ? value.value : unset;
    }
  });
  return inputs;
}

/** The verbs of a card's buttons, in order. */
export const verbsOf = (card: Record<string, unknown>) => buttonsOf(card).map((b) => b.verb);
