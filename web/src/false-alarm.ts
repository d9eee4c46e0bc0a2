import type { BoardAlert } from "../../src/http/tab-api/contract";
import { timeOf } from "./london-time";

/** What the alert cards in Teams say once the visitor has said a call for help was a false alarm, in the same words. */
export const falseAlarmText = (falseAlarm: NonNullable<BoardAlert["falseAlarm"]>): string =>
  `${falseAlarm.by} said at ${timeOf(falseAlarm.at)} that it was a false alarm. It stays open until whoever deals with it has spoken to them.`;
