import { Verbs } from "../../src/cards/verbs";
import { button, textOf } from "./card-inspect";
import { requestForm } from "./request-form";
import type { TeamsClient } from "./teams-client";

/**
 * Both install the app, the visitor sends the request form (a valid paired visit under the test profile unless
 * `form` says otherwise) and the head approves it, all over HTTP; resolves the visit's id.
 */
export async function approvedVisit(visitor: TeamsClient, head: TeamsClient, form = requestForm()): Promise<string> {
  await head.install();
  await visitor.install();
  await visitor.tap(Verbs.submitRequest, form);
  const approve = button(head.lastCard(), /approve/i);
  const { card } = await head.tap(Verbs.approve, approve.data!);
  if (!/approved/i.test(textOf(card))) throw new Error(`the visit was not approved: ${textOf(card)}`);
  return String(approve.data!.visitId);
}
